/* bench_audit: what one audited read costs the server's CPU, without the
 * network: the request's side (the record built and copied into the
 * server's journal, http/audit_journal.h) and the rest (the flusher that
 * appends the journal to the chain, and the WAL checkpoints the
 * housekeeper runs), on a throw-away database.
 *
 *   bench_audit [--records N] [--rate R] [--linger-us L] [--dir DIR]
 *
 * One thread writes N records (default 200,000) as GET /api/v1/orders/1001
 * does, R a second (default 30,000: about what this machine serves; the
 * flusher's batches, and so its cost a record, depend on the rate), while
 * the flusher appends them and a housekeeper thread signs checkpoints and
 * runs store_maintain every 200 ms as the server's does. The flusher lingers L us (default
 * 20,000, the server's) after waking; under valgrind, which runs all of it
 * some 50 times slower, --rate 700 --linger-us 1000000 gives the batches of
 * a real run (some 700 records). Prints one line
 * "BENCH audit records=... request_us=... rest_us=... total_us=...
 * row_bytes=..." : CPU microseconds a record (user + system), the writer's
 * own thread, everything else of the process, and the database's bytes a
 * record (the file over the rows: the chain is nearly all of it). CPU time, not the clock: a busy
 * neighbour on a shared machine stretches the clock, much less the CPU a record takes. */
#include "app/audit_cmd.h"
#include "domain/audit.h"
#include "http/audit_journal.h"
#include "http/server.h"
#include "store/store.h"
#include "util/arena.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double cpu_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return cpu_s(CLOCK_MONOTONIC);
}

static atomic_bool done;

/* As the server's housekeeper: the signed checkpoints (audit_housekeeping,
 * at its defaults or $POSTROOM_AUDIT_CHECKPOINT_*), then the WAL's. */
static void *housekeeper(void *arg)
{
    struct server_config c = {.db_path = arg};
    struct store *s;
    if (store_open(arg, &s) != STORE_OK) return NULL;
    while (!atomic_load(&done)) {
        audit_housekeeping(s, &c);
        store_maintain(s);
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    store_close(s);
    return NULL;
}

/* The chain's bytes a row: what the table and its index hold. */
static double row_bytes(const char *db)
{
    sqlite3 *h;
    double per = 0;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h,
                           "SELECT (SELECT page_count * page_size FROM pragma_page_count, "
                           "pragma_page_size), (SELECT count(*) FROM audit)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0)
        per = (double)sqlite3_column_int64(st, 0) / (double)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return per;
}

int main(int argc, char **argv)
{
    long records = 200000, rate = 30000, linger = 20000;
    const char *base = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--records"))
            records = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate"))
            rate = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--linger-us"))
            linger = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir"))
            base = argv[i + 1];
    }
    if (records <= 0 || rate <= 0 || linger < 0) {
        fprintf(stderr,
                "usage: bench_audit [--records N] [--rate R] [--linger-us L] [--dir DIR]\n");
        return 2;
    }
    char dir[4096], db[4200], jdir[4300];
    snprintf(dir, sizeof dir, "%s/bench-audit.XXXXXX", base);
    if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
    snprintf(db, sizeof db, "%s/bench.db", dir);
    snprintf(jdir, sizeof jdir, "%s.audit-journal", db);
    struct store *s;
    if (store_open(db, &s) != STORE_OK || store_migrate(s, NULL) != STORE_OK) {
        fprintf(stderr, "bench_audit: cannot make %s\n", db);
        return 1;
    }
    store_close(s);
    struct audit_journal *j = audit_journal_open(db, jdir, "bench", 1024, (unsigned)linger, 0);
    if (!j) return fprintf(stderr, "bench_audit: cannot open the journal\n"), 1;
    pthread_t hk;
    pthread_create(&hk, NULL, housekeeper, db);

    double cpu0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID), mine0 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
    double start = now_s();
    bool ok = true;
    for (long i = 0; i < records && ok; i++) {
        /* as a request: its own arena, its actor, one record of one id */
        struct arena a;
        arena_init(&a);
        char rid[32];
        snprintf(rid, sizeof rid, "dcf1c08e%010lx", i);
        struct audit_actor who = {"vm:12345", rid, 1, "key:1"};
        int64_t id = 1001;
        struct audit_record *recs;
        size_t k = audit_records_of_ids(&a, &who, 1796183001356 + i / 30, 1, "order.read", "order",
                                        &id, 1, &recs);
        ok = audit_journal_write(j, &a, recs, k);
        arena_free(&a);
        /* keep to the rate: the flusher's batches depend on it */
        double due = start + (double)(i + 1) / (double)rate;
        double wait = due - now_s();
        if (wait > 0.005) { /* seldom: a wake-up costs more than a record */
            struct timespec ts = {0, (long)(wait * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    double mine = cpu_s(CLOCK_THREAD_CPUTIME_ID) - mine0; /* sleeping takes none */
    audit_journal_close(j);                               /* everything appended */
    atomic_store(&done, true);
    pthread_join(hk, NULL);
    double total = cpu_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    if (!ok) return fprintf(stderr, "bench_audit: a journal write failed\n"), 1;
    printf("BENCH audit records=%ld rate=%ld request_us=%.3f rest_us=%.3f total_us=%.3f "
           "row_bytes=%.1f\n",
           records, rate, 1e6 * mine / (double)records, 1e6 * (total - mine) / (double)records,
           1e6 * total / (double)records, row_bytes(db));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
