/* manifest_daily: the daily manifest's rounds and the manifests page's
 * overview (see the header). */
#include "service/manifest_daily.h"
#include "domain/london.h"
#include "service/audit.h"
#include "store/store.h"
#include "store/store_manifests.h"

#include <string.h>

/* How many businesses one round looks at; the rest wait for the next. */
#define ROUND_MAX 200

/* Who the audit says made an automatic manifest: no request, no user. */
static const struct audit_actor *schedule_actor(struct arena *a, int64_t tenant_id)
{
    struct audit_actor *who = arena_alloc(a, sizeof *who);
    *who = (struct audit_actor){"server", "manifest-daily", tenant_id, "schedule:manifest-daily"};
    return who;
}

static int64_t *order_ids(struct arena *a, const struct order_row *rows, size_t n)
{
    int64_t *ids = arena_alloc(a, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].order_id;
    return ids;
}

/* The day's claim and manifest for one business, all or nothing: STORE_OK
 * (*made the manifest's number, 0 for none), STORE_NOTFOUND when another
 * claimant had the day, else the failure. */
static int run_one(const struct service_ctx *c, const struct manifest_daily *d, const char *day,
                   int64_t *made)
{
    *made = 0;
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_manifest_daily_claim(c->store, &c->scope, day, d->minute, c->now);
    struct order_row *rows = NULL;
    size_t n = 0;
    int64_t no = 0;
    if (rc == STORE_OK) {
        int mc = store_manifest_create(c->store, &c->scope, c->now, c->arena, &no, &rows, &n);
        rc = mc == STORE_NOTFOUND ? STORE_OK : mc; /* nothing eligible: the day ran, empty */
        if (mc != STORE_OK) no = 0;
    }
    if (rc == STORE_OK && no) rc = service_audit_one(c, "manifest.create", "manifest", no);
    if (rc == STORE_OK && no)
        rc = service_audit(c, "manifest.create", "order", order_ids(c->arena, rows, n), n);
    if (rc == STORE_OK) rc = store_manifest_daily_made(c->store, &c->scope, no);
    rc = service_tx_end(c, rc);
    if (rc == STORE_OK) *made = no;
    return rc;
}

enum service_rc service_manifest_daily_round(struct store *s, struct arena *a, int64_t now,
                                             struct manifest_daily_round *out)
{
    memset(out, 0, sizeof *out);
    char today[11];
    london_date(london_day(now), today, sizeof today);
    struct manifest_daily *pending;
    size_t n;
    if (store_operator_manifest_daily_pending(s, today, ROUND_MAX, a, &pending, &n) != STORE_OK)
        return SERVICE_STORE_ERROR;
    for (size_t i = 0; i < n; i++) {
        char day[11];
        if (!manifest_daily_due(&pending[i], now, day)) continue;
        struct scope sc = {pending[i].tenant_id};
        struct service_ctx c = {s, sc, a, NULL, now, schedule_actor(a, sc.tenant_id)};
        int64_t made;
        int rc = run_one(&c, &pending[i], day, &made);
        if (rc == STORE_OK) {
            out->claimed++;
            out->made += made != 0;
        } else if (rc != STORE_NOTFOUND) {
            out->failed++;
            if (store_is_broken(s)) return SERVICE_STORE_ERROR;
        }
    }
    return SERVICE_OK;
}

enum service_rc service_manifests_overview(const struct service_ctx *c, size_t eligible_limit,
                                           size_t history_limit, struct manifests_overview *out)
{
    memset(out, 0, sizeof *out);
    if (store_tx_begin(c->store, &c->scope, STORE_TX_READ) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_manifests_eligible(c->store, &c->scope, eligible_limit, c->arena, &out->eligible,
                                      &out->neligible, &out->eligible_total);
    if (rc == STORE_OK)
        rc = store_manifests_list(c->store, &c->scope, history_limit, c->arena, &out->history,
                                  &out->nhistory);
    if (rc == STORE_OK) rc = store_manifest_daily_get(c->store, &c->scope, c->arena, &out->daily);
    rc = rc == STORE_OK ? store_tx_commit(c->store) : (store_tx_rollback(c->store), rc);
    return rc == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}
