/* Unit tests of the store's manifests page and daily manifest calls
 * (store_manifests.h) and the dashboard's read (store_dashboard.h): the
 * day's claim is won once, whoever asks again; the pending list and the
 * claims of one business leave another's alone; the eligible orders and
 * the history are the scope's only; the per-day counts and spend fall in
 * the bounds given. */
#include "check.h"
#include "store/store.h"
#include "store/store_dashboard.h"
#include "store/store_manifests.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static int64_t tenant(struct store *s, const char *name)
{
    int64_t t = 0;
    CHECK_INT(store_operator_tenant_create(s, name, 1, &t), STORE_OK);
    return t;
}

/* n orders created at now with postage of pence each, their labels printed. */
static void labelled(struct store *s, const struct scope *sc, const char *prefix, int n,
                     int64_t pence, int64_t now)
{
    for (int i = 0; i < n; i++) {
        char ref[32], tn[32];
        snprintf(ref, sizeof ref, "%s-%d", prefix, i);
        snprintf(tn, sizeof tn, "%s%09dGB", sc->tenant_id % 2 ? "TA" : "TB",
                 (int)(now % 1000) * 10 + i);
        struct postage p = {"TOLP24", pence, tn};
        struct order_new o = {.reference = ref, .package_count = 1, .doc = "{}", .postage = &p};
        int64_t id;
        CHECK_INT(store_orders_insert(s, sc, &o, 1, now, &id, NULL), STORE_OK);
        CHECK_INT(store_orders_mark_printed(s, sc, &id, 1, now), STORE_OK);
    }
}

static void test_claims(struct store *s)
{
    int64_t ta = tenant(s, "A"), tb = tenant(s, "B");
    struct scope a = {ta}, b = {tb};
    struct arena ar;
    arena_init(&ar);
    struct manifest_daily d;
    CHECK_INT(store_manifest_daily_get(s, &a, &ar, &d), STORE_OK);
    CHECK(!d.enabled);
    CHECK_INT(d.minute, 1110);
    CHECK(d.working_days);
    /* off: nothing to claim */
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-01", 1110, 5), STORE_NOTFOUND);
    CHECK_INT(store_manifest_daily_set(s, &a, true, 600, false, 5), STORE_OK);
    CHECK_INT(store_manifest_daily_set(s, &b, true, 1110, true, 5), STORE_OK);
    struct manifest_daily *p;
    size_t n;
    CHECK_INT(store_operator_manifest_daily_pending(s, "2026-12-01", 10, &ar, &p, &n), STORE_OK);
    CHECK_INT(n, 2);
    /* a claim at a time the business no longer has is refused */
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-01", 1110, 6), STORE_NOTFOUND);
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-01", 600, 6), STORE_OK);
    /* the second claim of the day, from anyone, loses; so does an earlier day */
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-01", 600, 7), STORE_NOTFOUND);
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-11-30", 600, 7), STORE_NOTFOUND);
    CHECK_INT(store_manifest_daily_made(s, &a, 1001), STORE_OK);
    CHECK_INT(store_manifest_daily_get(s, &a, &ar, &d), STORE_OK);
    CHECK_STR(d.last_day, "2026-12-01");
    CHECK_INT(d.last_at, 6);
    CHECK_INT(d.last_manifest, 1001);
    /* saving the setting again keeps the day claimed */
    CHECK_INT(store_manifest_daily_set(s, &a, true, 600, false, 8), STORE_OK);
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-01", 600, 9), STORE_NOTFOUND);
    /* B is untouched by A's claim, and only B is pending now */
    CHECK_INT(store_operator_manifest_daily_pending(s, "2026-12-01", 10, &ar, &p, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(p[0].tenant_id, tb);
    CHECK_INT(store_manifest_daily_get(s, &b, &ar, &d), STORE_OK);
    CHECK(d.last_day == NULL);
    /* the next day is A's to claim again */
    CHECK_INT(store_manifest_daily_claim(s, &a, "2026-12-02", 600, 10), STORE_OK);
    CHECK_INT(store_manifest_daily_get(s, &a, &ar, &d), STORE_OK);
    CHECK_INT(d.last_manifest, 0); /* cleared until the day records one */
    /* the pending list is an operator call: refused inside a scoped tx */
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_READ), STORE_OK);
    CHECK_INT(store_operator_manifest_daily_pending(s, "2026-12-03", 10, &ar, &p, &n), STORE_ERROR);
    store_tx_rollback(s);
    arena_free(&ar);
}

static void test_eligible_history_and_dashboard(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    int64_t ta = tenant(s, "C"), tb = tenant(s, "D");
    struct scope a = {ta}, b = {tb};
    const int64_t day = 86400000LL, t0 = 1764547200000LL; /* 2025-12-01T00:00Z */
    labelled(s, &a, "CA", 3, 250, t0 + 1000);
    labelled(s, &a, "CB", 1, 100, t0 + day + 5);
    labelled(s, &b, "DA", 2, 999, t0 + 2000);
    struct arena ar;
    arena_init(&ar);
    struct order_row *rows;
    size_t n;
    int64_t total;
    CHECK_INT(store_manifests_eligible(s, &a, 2, &ar, &rows, &n, &total), STORE_OK);
    CHECK_INT(total, 4);
    CHECK_INT(n, 2);
    for (size_t i = 0; i < n; i++)
        CHECK_INT(rows[i].tenant_id, ta);
    int64_t no;
    struct order_row *mrows;
    size_t mn;
    CHECK_INT(store_manifest_create(s, &a, t0 + 3 * day, &ar, &no, &mrows, &mn), STORE_OK);
    CHECK_INT(store_manifests_eligible(s, &a, 10, &ar, &rows, &n, &total), STORE_OK);
    CHECK_INT(total, 0);
    CHECK_INT(store_manifests_eligible(s, &b, 10, &ar, &rows, &n, &total), STORE_OK);
    CHECK_INT(total, 2);
    struct manifest_summary *h;
    CHECK_INT(store_manifests_list(s, &a, 10, &ar, &h, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(h[0].number, no);
    CHECK_INT(h[0].order_count, 4);
    CHECK_INT(h[0].tenant_id, ta);
    CHECK_INT(store_manifests_list(s, &b, 10, &ar, &h, &n), STORE_OK);
    CHECK_INT(n, 0);

    /* three days from t0: A's 3 orders and 750p on the first, 1 and 100p on
     * the second, nothing on the third; B's never in A's */
    int64_t bounds[] = {t0, t0 + day, t0 + 2 * day, t0 + 3 * day};
    struct dashboard_read d;
    CHECK_INT(store_dashboard(s, &a, bounds, 3, &ar, &d), STORE_OK);
    CHECK_INT(d.orders[0], 3);
    CHECK_INT(d.orders[1], 1);
    CHECK_INT(d.orders[2], 0);
    CHECK_INT(d.pence[0], 750);
    CHECK_INT(d.pence[1], 100);
    CHECK_INT(d.pence[2], 0);
    int64_t manifested = 0, other = 0;
    for (size_t i = 0; i < d.ncounts; i++) {
        if (!strcmp(d.counts[i].status, "manifested") && d.counts[i].in_manifest)
            manifested += d.counts[i].count;
        else
            other += d.counts[i].count;
    }
    CHECK_INT(manifested, 4);
    CHECK_INT(other, 0);
    CHECK_INT(store_dashboard(s, &b, bounds, 3, &ar, &d), STORE_OK);
    CHECK_INT(d.orders[0], 2);
    CHECK_INT(d.pence[0], 1998);
    CHECK_INT(d.ncounts, 1);
    CHECK_STR(d.counts[0].status, "labelGenerated");
    CHECK_INT(d.counts[0].count, 2);
    CHECK(!d.counts[0].in_manifest);
    /* more days than it holds: refused, nothing read */
    int64_t many[DASHBOARD_MAX_DAYS + 2] = {0};
    CHECK_INT(store_dashboard(s, &b, many, DASHBOARD_MAX_DAYS + 1, &ar, &d), STORE_ERROR);
    arena_free(&ar);
    store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-manifests-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_claims(s);
    store_close(s);
    test_eligible_history_and_dashboard(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_manifests");
}
