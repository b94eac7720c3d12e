/* tripwire: the egress wall's tenant_mismatch, acted on in the request
 * that tripped it (server_config.tripwire). In order of what matters most
 * if a later step fails: the kill switch (and this server's snapshot at
 * once, so its very next request is stopped; the others obey within a
 * second), the security event with the withheld record ids, the breach
 * entry (one open tripwire entry collects every trip until an operator
 * closes it) with its blast radius, and the status site's incident. Each
 * step is its own store call on the request's connection; one that fails
 * is logged and the rest still run. The 500 is already set: nothing here
 * changes the answer. */
#include "app/tripwire.h"
#include "app/status_post.h"
#include "http/killswitch.h"
#include "http/request.h"
#include "http/server.h"
#include "store/store_breach.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

/* How far back a new entry looks in the access audit for what the wall did
 * not see (an answer that carried a record unclaimed). */
#define TRIPWIRE_LOOKBACK_MS (24LL * 3600 * 1000)

bool tripwire_mode_parse(const char *s, enum tripwire_mode *out)
{
    if (!strcmp(s, "killswitch"))
        *out = TRIPWIRE_KILLSWITCH;
    else if (!strcmp(s, "tenant"))
        *out = TRIPWIRE_TENANT;
    else if (!strcmp(s, "log"))
        *out = TRIPWIRE_LOG;
    else
        return false;
    return true;
}

const char *tripwire_mode_name(enum tripwire_mode m)
{
    return m == TRIPWIRE_KILLSWITCH ? "killswitch" : m == TRIPWIRE_TENANT ? "tenant" : "log";
}

static void failed(const char *step)
{
    char extra[64];
    snprintf(extra, sizeof extra, "\"step\":\"%s\"", step);
    log_json("error", "tripwire step failed", extra);
}

/* The switch the mode names; false when it could not be set. */
static bool switch_on(struct request *r, const struct tripwire_config *tc,
                      const struct security_event *e, int64_t now, int64_t *tenant)
{
    *tenant = tc->mode == TRIPWIRE_TENANT ? e->principal_tenant : 0;
    if (tc->mode == TRIPWIRE_LOG || (tc->mode == TRIPWIRE_TENANT && *tenant <= 0)) return false;
    if (store_operator_killswitch_set(r->store, *tenant, "", TRIPWIRE_REASON, "tripwire", now) !=
        STORE_OK) {
        failed("killswitch");
        return false;
    }
    if (killswitch_refresh(r->store) != STORE_OK) failed("killswitch refresh");
    return true;
}

/* "order:2001,2002" of the records of tenant (ids only), or "record:unknown". */
static const char *records_of(struct request *r, const struct security_event *e, int64_t tenant)
{
    struct buf b;
    buf_init(&b, &r->arena);
    for (size_t i = 0; i < e->nrecords; i++) {
        if (e->records[i].tenant_id != tenant || e->records[i].order_id <= 0) continue;
        buf_adds(&b, b.len ? "," : "order:");
        buf_add_i64(&b, e->records[i].order_id);
    }
    return b.len ? buf_cstr(&b) : "record:unknown";
}

/* One security_events row per exposed tenant of the request. */
static void record_events(struct request *r, const struct security_event *e, int64_t now)
{
    size_t n = e->nrecords ? e->nrecords : 1;
    for (size_t i = 0; i < n; i++) {
        int64_t t = e->nrecords ? e->records[i].tenant_id : e->exposed_tenant;
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = e->records[k].tenant_id != t;
        if (!first) continue;
        struct security_event_row row = {now,
                                         e->kind,
                                         e->request_id,
                                         e->route,
                                         e->principal_tenant,
                                         e->principal_id ? e->principal_id : "",
                                         t,
                                         records_of(r, e, t)};
        if (store_operator_security_event_add(r->store, &row) != STORE_OK) failed("event");
    }
}

static struct breach template(struct request *r, const struct tripwire_config *tc,
                              const struct security_event *e, int64_t now, bool switched)
{
    const char *measures =
        switched
            ? arena_printf(&r->arena,
                           "The answer was withheld by the egress check; access was "
                           "suspended at once by the tripwire (%s kill switch). "
                           "Investigation under way.",
                           tc->mode == TRIPWIRE_TENANT ? "the receiving business's" : "the global")
            : "The answer was withheld by the egress check. Investigation under way.";
    return (struct breach){
        .opened_at = now,
        .opened_by = "tripwire",
        .window_from = now - TRIPWIRE_LOOKBACK_MS,
        .aware_at = now,
        .nature = arena_printf(&r->arena,
                               "Confidentiality: the store handed one business's order records "
                               "to a request of another (tenant_mismatch at the egress check, "
                               "route %s).",
                               e->route ? e->route : "unknown"),
        .subjects = "Recipients (customers) of the affected businesses' orders",
        .record_kinds = "Order records: recipient name, postal address, contact details, "
                        "order contents",
        .approx_people = -1,
        .approx_records = -1,
        .consequences = "To be assessed: a withheld answer disclosed nothing; an answer that "
                        "left would have shown recipients' names and addresses to another "
                        "business.",
        .measures = measures,
        .contact = tc->contact ? tc->contact : "postroom operations",
    };
}

void tripwire_fire(struct request *r, const struct security_event *e)
{
    const struct tripwire_config *tc = r->cfg->tripwire_config;
    if (!tc || !r->store || store_is_broken(r->store)) {
        failed("no store connection");
        return;
    }
    int64_t now = time_now_ms(), tenant = 0;
    bool switched = switch_on(r, tc, e, now, &tenant);
    /* what the withheld answer would have shown is in the chain before the
     * blast radius is folded from it below: this request's own records are
     * appended now, not with the server's next batch */
    if (!http_audit_flush(r)) failed("audit");
    record_events(r, e, now);
    struct breach b = template(r, tc, e, now, switched);
    int64_t id = 0;
    bool created = false;
    if (store_operator_breach_open_or_join(r->store, &b, &id, &created) != STORE_OK) {
        failed("breach");
        return;
    }
    const char *note =
        arena_printf(&r->arena, "%s by the tripwire: request %s, route %s (mode %s)",
                     created ? "Opened" : "Another tenant_mismatch recorded", e->request_id,
                     e->route ? e->route : "unknown", tripwire_mode_name(tc->mode));
    if (store_operator_breach_note(r->store, id, "tripwire", note, now) != STORE_OK)
        failed("breach note");
    if (store_operator_breach_refresh_radius(r->store, id, now, &r->arena) != STORE_OK)
        failed("blast radius");
    struct breach cur;
    if (switched && tc->status_db &&
        store_operator_breach_get(r->store, id, &r->arena, &cur) == STORE_OK &&
        !cur.status_incident) {
        int64_t incident = 0;
        if (!status_post_switch_on(r->store, tc->status_db, tenant, "", TRIPWIRE_REASON, now,
                                   &incident))
            failed("status post");
        else if (incident && store_operator_breach_set_incident(r->store, id, incident) != STORE_OK)
            failed("breach incident");
    }
    char extra[160];
    snprintf(extra, sizeof extra, "\"rid\":\"%s\",\"breach\":%lld,\"mode\":\"%s\",\"switched\":%s",
             e->request_id ? e->request_id : "", (long long)id, tripwire_mode_name(tc->mode),
             switched ? "true" : "false");
    log_json("alert", "tripwire", extra);
}
