# postroom: the two set-up commands are `make run` and `make test`.
# Everything is built by CMake under build/ (release) and build-asan/ (sanitizers).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DB         ?= data/postroom.db
# `make run LISTEN=HOST:PORT`, else $POSTROOM_LISTEN, else the default.
LISTEN     ?= $(or $(POSTROOM_LISTEN),127.0.0.1:8080)

.PHONY: all build build-asan deps deps-test deps-browser deps-bench run test test-release test-asan bench clean

all: build

deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test
deps-bench:
	@scripts/deps.sh bench

# The browser tests' npm packages (package-lock.json) in node_modules/: `npm ci`
# runs again only when node_modules/ is gone or the lock file is newer.
NPM_STAMP = node_modules/.postroom-npm-ci
deps-browser: deps-test $(NPM_STAMP)
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

# Configuring every time is cheap once cached, and recovers from a configure
# that failed half-way (a stale CMakeCache.txt would otherwise stick).
build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPOSTROOM_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Serves the demo business on the embedded SQLite store.
run: deps build
	@mkdir -p $(dir $(DB))
	POSTROOM_LISTEN=$(LISTEN) $(BUILD)/postroom --db $(DB) demo
	$(BUILD)/postroom --db $(DB) serve --listen $(LISTEN)

test: deps-test deps-browser test-release test-asan fuzz-smoke fuzz-planted isolation-smoke crash-smoke \
      isolation-smoke-pg crash-smoke-pg

test-release: build $(NPM_STAMP)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Under the sanitizers the PostgreSQL store runs in its unit tests
# (unit_store_pg_*); the e2e and browser suites
# run on PostgreSQL in the release build only, which keeps make test within
# its time on 2 cores. pg_rls runs no C code of ours (psql against the
# migrations), so it runs once, in the release build; pg_pitr (backups and
# recovery) is an e2e test on PostgreSQL like the others.
test-asan: build-asan $(NPM_STAMP)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^(e2e|browser)_pgb?_|^pg_(rls|pitr)$$'

bench: deps-bench build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(FUZZ_PLANTED_BUILD)

# --- attacks, counted (issue 3): fuzzers, the isolation fuzzer, crash and soak runs.
# The short runs are part of `make test`; `make fuzz` and `make soak` are the long ones.
FUZZ_BUILD        ?= build-fuzz
FUZZ_SECONDS      ?= 60
FUZZ_PLANTED_BUILD ?= build-fuzz-planted
PLANTED_SECONDS   ?= 60
ISOLATION_SECONDS ?= 15
CRASH_TRIALS      ?= 20
CRASH_TRIALS_PG   ?= 5

.PHONY: build-fuzz build-fuzz-planted fuzz fuzz-smoke fuzz-planted isolation-smoke crash-smoke soak \
        isolation-smoke-pg crash-smoke-pg

# libFuzzer targets (fuzz/fuzz_*.c) under ASan+UBSan, in their own tree built by clang-14.
build-fuzz: deps-test
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPOSTROOM_FUZZ=ON -DPOSTROOM_PLANT_LEAK=OFF -DPOSTROOM_SANITIZE=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) 5

# fuzz_request against a deliberately leaking build (fuzz/planted.sh): in a
# tree of its own, so the planted leak is never in build-fuzz/ or the product.
build-fuzz-planted: deps-test
	cmake -S . -B $(FUZZ_PLANTED_BUILD) -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPOSTROOM_FUZZ=ON -DPOSTROOM_PLANT_LEAK=ON -DPOSTROOM_SANITIZE=OFF >/dev/null
	cmake --build $(FUZZ_PLANTED_BUILD) -j $(JOBS) --target fuzz_request

fuzz-planted: build-fuzz-planted
	fuzz/planted.sh $(FUZZ_PLANTED_BUILD) $(PLANTED_SECONDS)

# Every tenant against every other over 32 connections, on the release and the ASan build.
isolation-smoke: deps-test build build-asan
	/usr/bin/python3 tests/isolation/isolation_fuzz.py $(BUILD)/postroom --seconds $(ISOLATION_SECONDS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  /usr/bin/python3 tests/isolation/isolation_fuzz.py $(ASAN_BUILD)/postroom --seconds 10 --seed 2

crash-smoke: deps-test build
	/usr/bin/python3 tests/crash/crash_test.py $(BUILD)/postroom --trials $(CRASH_TRIALS)

# The same two on PostgreSQL (issue 12), each on a private cluster of its own
# in the build tree that scripts/pg.sh run starts and stops (also on failure).
# Five crash trials there (CRASH_TRIALS_PG): the twenty on SQLite trial the
# server's side; these the same paths on the other store, within make test's time.
isolation-smoke-pg: deps-test build
	scripts/pg.sh run $(BUILD)/pg_isolation /usr/bin/python3 tests/isolation/isolation_fuzz.py \
	  $(BUILD)/postroom --seconds $(ISOLATION_SECONDS) --pg $(BUILD)/pg_isolation --servers 3

crash-smoke-pg: deps-test build
	scripts/pg.sh run $(BUILD)/pg_crash /usr/bin/python3 tests/crash/crash_test.py \
	  $(BUILD)/postroom --trials $(CRASH_TRIALS_PG) --pg $(BUILD)/pg_crash

# wrk at saturation for 60 s (SOAK_SECONDS), then 1,000,000 isolation probes (SOAK_PROBES).
soak: deps-test deps-bench build
	/usr/bin/python3 tests/soak/soak.py $(BUILD)/postroom
