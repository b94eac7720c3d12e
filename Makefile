# postroom: the two set-up commands are `make run` and `make test`.
# Everything is built by CMake under build/ (release) and build-asan/ (sanitizers).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DB         ?= data/postroom.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: all build build-asan deps deps-test deps-bench run test test-release test-asan bench clean

all: build

deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test
deps-bench:
	@scripts/deps.sh bench

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
	$(BUILD)/postroom --db $(DB) demo
	$(BUILD)/postroom --db $(DB) serve --listen $(LISTEN)

test: deps-test test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: deps-bench build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
