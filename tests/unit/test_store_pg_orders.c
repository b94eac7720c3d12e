/* test_store_pg_orders: the PostgreSQL store's orders with three servers on
 * one database (src/store/pg/pg_orders.c, pg_postage.c). Three processes,
 * each with its own store (its own connections), reserve S10 serials and
 * insert batches of orders for the same two businesses at once: no serial
 * is handed out twice, every business's order numbers are dense from 1001
 * with none given twice, each insert reports the tenant the rows hold, and
 * a batch is the count of rows the database has.
 *
 * Needs a cluster (scripts/pg.sh start DIR) named by $POSTROOM_TEST_PG,
 * which CTest gives every unit_store_pg_* test (fixture pg_cluster). Run by
 * hand without one it says so and checks nothing. */
#include "check.h"
#include "store/store.h"
#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVERS 3
#define ROUNDS 40
#define BATCH 7 /* orders a batch, and serials a reservation */
#define TENANTS 2

static char url[1024];

/* A fresh database in the cluster: its app URL into url. */
static int make_database(const char *cluster)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg.sh' db '%s' unit_pg_orders_%d", src ? src : ".",
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
    snprintf(url, sizeof url, "postgres:///unit_pg_orders_%d?host=%s&port=%s", (int)getpid(), sock,
             port);
    return 0;
}

static struct store *open_store(void)
{
    struct store *s = NULL;
    return store_open(url, &s) == STORE_OK ? s : NULL;
}

/* One server's work; what it was handed goes down the pipe as numbers:
 * 'S' first serial, 'O' tenant id order id. */
static int server(int fd, const int64_t *tenants)
{
    struct store *s = open_store();
    if (!s) return 1;
    FILE *out = fdopen(fd, "w");
    struct order_new batch[BATCH];
    for (int i = 0; i < BATCH; i++)
        batch[i] = (struct order_new){.reference = "R", .package_count = 1, .doc = "{}"};
    int bad = 0;
    for (int r = 0; r < ROUNDS && !bad; r++) {
        int64_t first = 0;
        if (store_s10_reserve(s, "AB", BATCH, &first) != STORE_OK) bad = 2;
        fprintf(out, "S %lld\n", (long long)first);
        struct scope sc = {.tenant_id = tenants[r % TENANTS]};
        int64_t ids[BATCH], held[BATCH];
        if (!bad && store_orders_insert(s, &sc, batch, BATCH, 1000 + r, ids, held) != STORE_OK)
            bad = 3;
        for (int i = 0; !bad && i < BATCH; i++)
            fprintf(out, "O %lld %lld %lld\n", (long long)sc.tenant_id, (long long)held[i],
                    (long long)ids[i]);
    }
    fclose(out);
    store_close(s);
    return bad;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    const char *cluster = getenv("POSTROOM_TEST_PG");
    if (!cluster || !*cluster) {
        printf("test_store_pg_orders: skipped: no PostgreSQL cluster ($POSTROOM_TEST_PG); "
               "ctest -R unit_store_pg_orders runs it in one\n");
        return 0;
    }
    CHECK(make_database(cluster) == 0);
    struct store *s = open_store();
    CHECK(s != NULL);
    if (!s) return 1;
    int applied = 0;
    CHECK(store_migrate(s, &applied) == STORE_OK);
    int64_t tenants[TENANTS];
    for (int t = 0; t < TENANTS; t++)
        CHECK(store_operator_tenant_create(s, t ? "Beta" : "Alpha", 1, &tenants[t]) == STORE_OK);
    store_close(s);

    int fds[SERVERS];
    pid_t pids[SERVERS];
    for (int k = 0; k < SERVERS; k++) {
        int p[2];
        CHECK(pipe(p) == 0);
        pids[k] = fork();
        if (pids[k] == 0) {
            close(p[0]);
            _exit(server(p[1], tenants));
        }
        close(p[1]);
        fds[k] = p[0];
    }
    static int64_t serials[SERVERS * ROUNDS];
    static int64_t ids[TENANTS][SERVERS * ROUNDS * BATCH];
    size_t nserial = 0, nid[TENANTS] = {0};
    int wrong_tenant = 0;
    for (int k = 0; k < SERVERS; k++) {
        FILE *in = fdopen(fds[k], "r");
        char kind;
        long long a, b, c;
        char line[128];
        while (fgets(line, sizeof line, in)) {
            if (sscanf(line, "%c %lld %lld %lld", &kind, &a, &b, &c) < 2) continue;
            if (kind == 'S' && nserial < SERVERS * ROUNDS) serials[nserial++] = a;
            if (kind != 'O') continue;
            int t = a == tenants[0] ? 0 : 1;
            wrong_tenant += b != a;
            if (nid[t] < SERVERS * ROUNDS * BATCH) ids[t][nid[t]++] = c;
        }
        fclose(in);
        int st = 0;
        waitpid(pids[k], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    CHECK_INT(wrong_tenant, 0);
    /* every reservation its own BATCH serials: sorted, each BATCH past the last */
    CHECK_INT(nserial, SERVERS * ROUNDS);
    qsort(serials, nserial, sizeof *serials, cmp64);
    int overlaps = 0;
    for (size_t i = 0; i < nserial; i++)
        overlaps += serials[i] != 1 + (int64_t)i * BATCH;
    CHECK_INT(overlaps, 0);
    /* each business's numbers: 1001 on, dense, each once */
    for (int t = 0; t < TENANTS; t++) {
        CHECK_INT(nid[t], SERVERS * ROUNDS * BATCH / TENANTS);
        qsort(ids[t], nid[t], sizeof **ids, cmp64);
        int gaps = 0;
        for (size_t i = 0; i < nid[t]; i++)
            gaps += ids[t][i] != 1001 + (int64_t)i;
        CHECK_INT(gaps, 0);
    }
    /* and the database holds what was reported: one row per number */
    s = open_store();
    CHECK(s != NULL);
    if (s) {
        struct arena a;
        arena_init(&a);
        struct scope sc = {.tenant_id = tenants[1]};
        struct order_key keys[3] = {{.id = 1001}, {.id = 1001 + (int64_t)nid[1] - 1}, {.id = 1}};
        struct order_row *rows = NULL;
        size_t n = 0;
        CHECK(store_orders_get(s, &sc, keys, 3, &a, &rows, &n) == STORE_OK);
        CHECK_INT(n, 2);
        for (size_t i = 0; i < n; i++)
            CHECK_INT(rows[i].tenant_id, tenants[1]);
        struct order_page_query q = {.after_id = 0, .limit = 1000};
        CHECK(store_orders_page(s, &sc, &q, &a, &rows, &n) == STORE_OK);
        CHECK_INT(n, nid[1]);
        arena_free(&a);
        store_close(s);
    }
    return check_report("store_pg_orders");
}
