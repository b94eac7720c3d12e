/* test_store_pg_import: the PostgreSQL store's import jobs with three
 * servers on one database (src/store/pg/pg_import.c). Three processes, each
 * with its own store, try to take every queued job at once: each job is
 * taken by exactly one. A job whose runner is gone is taken by another
 * runner naming it, after which the gone runner's progress is refused. The
 * swap moves staged orders into orders: dense new numbers in file order,
 * the reference the business already holds held back (skip_existing), the
 * postage's S10 number recorded and charged, the rule's history line, what
 * each line made, the status counts, and the job off the workers' list.
 *
 * Needs a cluster (scripts/pg.sh start DIR) named by $POSTROOM_TEST_PG,
 * which CTest gives every unit_store_pg_* test (fixture pg_cluster). Run by
 * hand without one it says so and checks nothing. */
#include "check.h"
#include "store/store.h"
#include "store/store_import.h"
#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVERS 3
#define JOBS 30

static char url[1024];
static int64_t beta; /* the other business */

/* A fresh database in the cluster: its app URL into url. */
static int make_database(const char *cluster)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg.sh' db '%s' unit_pg_import_%d", src ? src : ".",
             cluster, (int)getpid());
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    char line[1024], sock[512] = "", port[32] = "";
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (sscanf(line, "POSTROOM_PG_SOCKET='%511[^']'", sock) == 1) continue;
        sscanf(line, "POSTROOM_PG_PORT='%31[^']'", port);
    }
    if (pclose(p) != 0 || !*sock || !*port) return -1;
    snprintf(url, sizeof url, "postgres:///unit_pg_import_%d?host=%s&port=%s", (int)getpid(), sock,
             port);
    return 0;
}

static struct store *open_store(void)
{
    struct store *s = NULL;
    return store_open(url, &s) == STORE_OK ? s : NULL;
}

/* One server: tries to take every job; writes the ones it won down fd. */
static int server(int fd, int64_t tenant, int k)
{
    struct store *s = open_store();
    if (!s) return 1;
    FILE *out = fdopen(fd, "w");
    char runner[32];
    snprintf(runner, sizeof runner, "server:%d", k);
    struct scope sc = {.tenant_id = tenant};
    int bad = 0;
    for (int64_t j = 1; j <= JOBS && !bad; j++) {
        int rc = store_import_job_take(s, &sc, j, NULL, runner, 10000, 1000);
        if (rc == STORE_OK)
            fprintf(out, "%lld\n", (long long)j);
        else if (rc != STORE_CONFLICT)
            bad = 2;
    }
    fclose(out);
    store_close(s);
    return bad;
}

static int64_t new_job(struct store *s, const struct scope *sc, bool skip_existing)
{
    struct import_job_row in = {.source = "api",
                                .format = "auto",
                                .skip_existing = skip_existing,
                                .principal_id = "key:1",
                                .request_id = "req"};
    int64_t id = 0;
    CHECK(store_import_job_create(s, sc, &in, 500, &id) == STORE_OK);
    return id;
}

static void races(int64_t tenant)
{
    int fds[SERVERS];
    pid_t pids[SERVERS];
    for (int k = 0; k < SERVERS; k++) {
        int p[2];
        CHECK(pipe(p) == 0);
        pids[k] = fork();
        if (pids[k] == 0) {
            close(p[0]);
            _exit(server(p[1], tenant, k));
        }
        close(p[1]);
        fds[k] = p[0];
    }
    int won[JOBS + 1] = {0};
    for (int k = 0; k < SERVERS; k++) {
        FILE *in = fdopen(fds[k], "r");
        long long j;
        while (in && fscanf(in, "%lld", &j) == 1)
            if (j >= 1 && j <= JOBS) won[j]++;
        if (in) fclose(in);
        int status = 0;
        waitpid(pids[k], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    int not_once = 0;
    for (int j = 1; j <= JOBS; j++)
        not_once += won[j] != 1;
    CHECK_INT(not_once, 0);
}

/* A runner gone: another takes the job by naming it, and the gone one's
 * progress and a second take are refused. */
static void lease(struct store *s, const struct scope *sc, struct arena *a)
{
    int64_t j = new_job(s, sc, false);
    CHECK(store_import_job_take(s, sc, j, NULL, "dead:1", 2000, 1000) == STORE_OK);
    struct import_problem_row pr = {.line = 3, .column = "Postcode", .message = "missing"};
    CHECK(store_import_problems_add(s, sc, j, 0, &pr, 1) == STORE_OK);
    CHECK(store_import_job_take(s, sc, j, NULL, "other:2", 9000, 3000) == STORE_CONFLICT);
    CHECK(store_import_job_take(s, sc, j, "dead:1", "other:2", 9000, 3000) == STORE_OK);
    struct import_job_row p = {.rows_read = 5};
    CHECK(store_import_job_progress(s, sc, j, "dead:1", &p, 9999) == STORE_CONFLICT);
    CHECK(store_import_job_progress(s, sc, j, "other:2", &p, 9500) == STORE_OK);
    struct import_job_row got;
    CHECK(store_import_job_get(s, sc, j, a, &got) == STORE_OK);
    CHECK_INT(got.state, IMPORT_RUNNING);
    CHECK_STR(got.runner, "other:2");
    CHECK_INT(got.attempts, 2);
    CHECK_INT(got.lease_until, 9500);
    CHECK_INT(got.started_at, 1000);
    CHECK_INT(got.rows_read, 5);
    /* the earlier attempt's problems are forgotten */
    struct import_problem_row *rows = NULL;
    size_t n = 0;
    CHECK(store_import_problems(s, sc, j, 0, 10, a, &rows, &n) == STORE_OK);
    CHECK_INT(n, 0);
    /* another business's scope does not see it */
    struct scope other = {.tenant_id = beta};
    CHECK(store_import_job_get(s, &other, j, a, &got) == STORE_NOTFOUND);
    p.state = IMPORT_FAILED;
    p.outcome = "failed";
    CHECK(store_import_job_finish(s, sc, j, &p, 9600) == STORE_OK);
    CHECK(store_import_job_finish(s, sc, j, &p, 9700) == STORE_CONFLICT);
}

static int64_t count_of(struct store *s, const struct scope *sc, struct arena *a)
{
    struct order_count_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK(store_order_status_counts(s, sc, a, &rows, &n) == STORE_OK);
    for (size_t i = 0; i < n; i++)
        total += rows[i].count;
    return total;
}

static void swap(struct store *s, const struct scope *sc, struct arena *a)
{
    struct order_new before = {.reference = "HAVE", .package_count = 1, .doc = "{}"};
    int64_t have_id = 0, have_tenant = 0;
    CHECK(store_orders_insert(s, sc, &before, 1, 100, &have_id, &have_tenant) == STORE_OK);
    int64_t counted = count_of(s, sc, a);
    int64_t j = new_job(s, sc, true);
    CHECK(store_import_job_take(s, sc, j, NULL, "me:1", 5000, 1000) == STORE_OK);
    struct postage post = {
        .service_code = "TPN", .price_pence = 321, .tracking_number = "ZZ900000017GB"};
    struct order_new o[4] = {
        {.reference = "A", .package_count = 1, .doc = "{\"a\":1}", .channel = "Spreadsheet import"},
        {.reference = "HAVE", .package_count = 1, .doc = "{}"},
        {.reference = "B", .package_count = 2, .doc = "{}", .postage = &post},
        {.reference = NULL, .package_count = 1, .doc = "{}"},
    };
    struct import_staged_row st[4] = {{1, 2, &o[0], NULL},
                                      {2, 3, &o[1], NULL},
                                      {3, 5, &o[2], "Postage applied by rule"},
                                      {4, 6, &o[3], NULL}};
    CHECK(store_import_stage(s, sc, j, st, 2) == STORE_OK);
    CHECK(store_import_stage(s, sc, j, st + 2, 2) == STORE_OK);
    struct import_job_open *open = NULL;
    size_t nopen = 0;
    CHECK(store_operator_import_jobs_open(s, 100, a, &open, &nopen) == STORE_OK);
    int listed = 0;
    for (size_t i = 0; i < nopen; i++)
        listed += open[i].tenant_id == sc->tenant_id && open[i].job_id == j;
    CHECK_INT(listed, 1);
    struct import_job_row p = {.orders_staged = 4, .outcome = "imported"};
    CHECK(store_import_swap(s, sc, j, true, 6000, NULL, &p) == STORE_OK);
    CHECK_INT(p.orders_created, 3);
    CHECK_INT(p.orders_held, 1);
    CHECK_INT(p.first_order_id, have_id + 1);
    CHECK_INT(p.last_order_id, have_id + 3);
    struct import_job_row got;
    CHECK(store_import_job_get(s, sc, j, a, &got) == STORE_OK);
    CHECK_INT(got.state, IMPORT_DONE);
    CHECK_INT(got.orders_created, 3);
    CHECK_INT(got.last_order_id, have_id + 3);
    CHECK_INT(got.finished_at, 6000);
    struct import_job_order_row *made = NULL;
    size_t nmade = 0;
    CHECK(store_import_job_orders(s, sc, j, 0, 10, a, &made, &nmade) == STORE_OK);
    CHECK_INT(nmade, 4);
    if (nmade == 4) {
        const int64_t lines[4] = {2, 3, 5, 6};
        const int64_t ids[4] = {have_id + 1, have_id, have_id + 2, have_id + 3};
        for (int i = 0; i < 4; i++) {
            CHECK_INT(made[i].line, lines[i]);
            CHECK_INT(made[i].order.order_id, ids[i]);
            CHECK_INT(made[i].held, i == 1);
        }
        CHECK_STR(made[2].order.status, "postageApplied");
        CHECK_STR(made[2].order.tracking_number, "ZZ900000017GB");
        CHECK_STR(made[0].order.status, "new");
    }
    struct order_event *ev = NULL;
    size_t nev = 0;
    CHECK(store_order_history(s, sc, have_id + 2, a, &ev, &nev) == STORE_OK);
    CHECK(nev >= 1);
    CHECK_INT(count_of(s, sc, a), counted + 3);
    /* the staging is empty: a second swap makes nothing and the job has ended */
    CHECK(store_import_swap(s, sc, j, true, 7000, NULL, &p) == STORE_CONFLICT);
    nopen = 0;
    CHECK(store_operator_import_jobs_open(s, 100, a, &open, &nopen) == STORE_OK);
    listed = 0;
    for (size_t i = 0; i < nopen; i++)
        listed += open[i].tenant_id == sc->tenant_id && open[i].job_id == j;
    CHECK_INT(listed, 0);
}

int main(void)
{
    const char *cluster = getenv("POSTROOM_TEST_PG");
    if (!cluster || !*cluster) {
        printf("test_store_pg_import: skipped: no PostgreSQL cluster ($POSTROOM_TEST_PG); "
               "ctest -R unit_store_pg_import runs it in one\n");
        return 0;
    }
    CHECK(make_database(cluster) == 0);
    struct store *s = open_store();
    CHECK(s != NULL);
    if (!s) return 1;
    int applied = 0;
    CHECK(store_migrate(s, &applied) == STORE_OK);
    int64_t tenants[2];
    CHECK(store_operator_tenant_create(s, "Alpha", 1, &tenants[0]) == STORE_OK);
    CHECK(store_operator_tenant_create(s, "Beta", 1, &tenants[1]) == STORE_OK);
    struct scope sc = {.tenant_id = tenants[0]};
    beta = tenants[1];
    for (int j = 1; j <= JOBS; j++)
        CHECK_INT(new_job(s, &sc, false), j);
    store_close(s);
    races(tenants[0]);

    s = open_store();
    CHECK(s != NULL);
    if (!s) return 1;
    struct arena a;
    arena_init(&a);
    lease(s, &sc, &a);
    swap(s, &sc, &a);
    arena_free(&a);
    store_close(s);
    return check_report("store_pg_import");
}
