/* console: the operators' console, GET /ops/, and its forms.
 *
 * What it shows is what an operator needs in an incident and nothing of a
 * business's customers: the kill switches that are on (with forms to switch
 * one on, globally, for a business or for a feature, optionally ending the
 * sessions it covers, and to switch each off, through the same store calls
 * as `postroom killswitch`), every business by id and name with its order
 * counts by status, the businesses' data-problem reports (newest first,
 * each to mark handled), and the latest access audit records (ids and
 * action names, as stored). No order is ever read: the counts are the
 * store's GROUP BY (store_operator_order_counts), so there is nothing to
 * claim for the egress check, and an operator's principal has no tenant
 * to claim it for. Viewing appends one audit record per business whose
 * counts or reports were shown and one for the audit records shown, before
 * the page is written. */
#include "http/killswitch.h"
#include "http/server.h"
#include "ops/ops.h"
#include "ops/ops_impl.h"
#include "store/store.h"
#include "store/store_breach.h"
#include "util/timefmt.h"
#include "util/id_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CONSOLE_AUDIT_ROWS 50
#define CONSOLE_REPORTS 50

struct console {
    struct killswitch_row *switches;
    size_t nswitches;
    struct tenant_count_row *counts;
    size_t ncounts;
    struct data_report_row *reports;
    size_t nreports;
    struct audit_record *audit;
    size_t naudit;
    struct breach *breaches;
    size_t nbreaches;
};

static void when(struct request *r, int64_t ms)
{
    char t[40];
    time_format_rfc3339(ms, t, sizeof t);
    html_text(&r->out, t);
}

static void num(struct request *r, int64_t v)
{
    html_text(&r->out, arena_printf(&r->arena, "%lld", (long long)v));
}

static void csrf_field(struct request *r)
{
    buf_adds(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\">");
}

static int load(struct request *r, struct console *c)
{
    int64_t head = 0;
    char hash[AUDIT_HASH_HEX];
    int rc = store_operator_killswitch_list(r->store, &r->arena, &c->switches, &c->nswitches);
    if (rc == STORE_OK)
        rc = store_operator_order_counts(r->store, &r->arena, &c->counts, &c->ncounts);
    if (rc == STORE_OK)
        rc = store_operator_data_reports(r->store, CONSOLE_REPORTS, &r->arena, &c->reports,
                                         &c->nreports);
    if (rc == STORE_OK)
        rc = store_operator_breach_list(r->store, &r->arena, &c->breaches, &c->nbreaches);
    if (rc == STORE_OK) rc = store_operator_audit_head(r->store, &head, hash);
    int64_t from = head > CONSOLE_AUDIT_ROWS ? head - CONSOLE_AUDIT_ROWS + 1 : 1;
    if (rc == STORE_OK)
        rc = store_operator_audit_range(r->store, from, CONSOLE_AUDIT_ROWS, &r->arena, &c->audit,
                                        &c->naudit);
    return rc;
}

/* The records of this view: each business whose counts are shown, each
 * report shown, and the range of audit records shown. */
static bool record_view(struct request *r, const struct console *c)
{
    size_t cap = c->ncounts + c->nreports + 2, n = 0;
    struct audit_record *recs = arena_alloc(&r->arena, cap * sizeof *recs);
    int64_t op = r->principal.operator_id;
    for (size_t i = 0; i < c->ncounts; i++) {
        if (i && c->counts[i - 1].tenant_id == c->counts[i].tenant_id) continue;
        recs[n++] = ops_audit_record(
            r, op, c->counts[i].tenant_id, "ops.counts.view",
            arena_printf(&r->arena, "tenant:%lld", (long long)c->counts[i].tenant_id));
    }
    for (size_t i = 0; i < c->nreports; i++)
        recs[n++] = ops_audit_record(
            r, op, c->reports[i].tenant_id, "ops.report.view",
            arena_printf(&r->arena, "report:%lld", (long long)c->reports[i].report_id));
    struct buf open;
    buf_init(&open, &r->arena);
    for (size_t i = 0; i < c->nbreaches; i++)
        if (!c->breaches[i].closed_at)
            buf_printf(&open, "%s%lld", open.len ? "," : "breach:", (long long)c->breaches[i].id);
    if (open.len) recs[n++] = ops_audit_record(r, op, 0, "breach.view", buf_cstr(&open));
    if (c->naudit)
        recs[n++] =
            ops_audit_record(r, op, 0, "ops.audit.view",
                             arena_printf(&r->arena, "audit:%lld-%lld", (long long)c->audit[0].seq,
                                          (long long)c->audit[c->naudit - 1].seq));
    return n == 0 || ops_audit_append(r, recs, n);
}

static void switches_section(struct request *r, const struct console *c)
{
    buf_adds(&r->out, "<h2>Kill switches</h2>");
    if (!c->nswitches)
        buf_adds(&r->out, "<p>No kill switch is on.</p>");
    else
        buf_adds(&r->out, "<table><thead><tr><th>Business</th><th>Feature</th><th>Reason</th>"
                          "<th>Set by</th><th>Set at</th><th></th></tr></thead><tbody>");
    for (size_t i = 0; i < c->nswitches; i++) {
        const struct killswitch_row *k = &c->switches[i];
        buf_adds(&r->out, "<tr><td>");
        if (k->tenant_id)
            num(r, k->tenant_id);
        else
            buf_adds(&r->out, "all");
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, *k->feature ? k->feature : "all");
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, k->reason);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, k->set_by);
        buf_adds(&r->out, "</td><td>");
        when(r, k->set_at);
        buf_adds(&r->out, "</td><td><form method=\"post\" action=\"/ops/killswitch/off\">");
        csrf_field(r);
        buf_adds(&r->out, "<input type=\"hidden\" name=\"tenant\" value=\"");
        num(r, k->tenant_id);
        buf_adds(&r->out, "\"><input type=\"hidden\" name=\"feature\" value=\"");
        html_text(&r->out, k->feature);
        buf_adds(&r->out, "\"><button type=\"submit\">Switch off</button></form></td></tr>");
    }
    if (c->nswitches) buf_adds(&r->out, "</tbody></table>");
    buf_adds(&r->out, "<form method=\"post\" action=\"/ops/killswitch/on\">");
    csrf_field(r);
    buf_adds(&r->out,
             "<label>Business id (empty: every business) <input name=\"tenant\" "
             "inputmode=\"numeric\"></label><label>Feature <select name=\"feature\">"
             "<option value=\"\">all</option><option>api</option><option>web</option>"
             "<option>labels</option><option>imports</option><option>exports</option>"
             "</select></label><label>Reason (public: no names, nothing secret) <input "
             "name=\"reason\" maxlength=\"500\" required></label><label><input type=\"checkbox\" "
             "name=\"revoke\" value=\"1\"> End the sessions it covers</label>"
             "<button type=\"submit\">Switch on</button></form>"
             "<h3>API keys</h3><p>Every API key of one business ends at once (a leak of its "
             "keys): each fails on its next request. Its users' sessions are not keys: end "
             "them with a switch above.</p><form method=\"post\" action=\"/ops/apikeys/revoke\">");
    csrf_field(r);
    buf_adds(&r->out, "<label>Business id <input name=\"tenant\" inputmode=\"numeric\" "
                      "required></label><button type=\"submit\">Revoke all its API keys</button>"
                      "</form>");
}

/* How many breaches are open, and the nearest ICO deadline among those the
 * ICO has not been told of. */
static void breaches_section(struct request *r, const struct console *c)
{
    size_t open = 0;
    const struct breach *nearest = NULL;
    for (size_t i = 0; i < c->nbreaches; i++) {
        const struct breach *b = &c->breaches[i];
        if (b->closed_at) continue;
        open++;
        if (!b->notified_at && (!nearest || b->aware_at < nearest->aware_at)) nearest = b;
    }
    buf_adds(&r->out, "<h2>Breaches</h2><p>");
    if (!open) {
        buf_adds(&r->out, "No breach is open. ");
    } else if (!nearest) {
        html_text(&r->out,
                  arena_printf(&r->arena, "%zu open; the ICO has been notified of each. ", open));
    } else {
        char left[48];
        int64_t deadline = breach_deadline(nearest->aware_at);
        breach_time_left(deadline, time_now_ms(), left, sizeof left);
        html_text(&r->out, arena_printf(&r->arena,
                                        "%zu open; the nearest ICO deadline is breach %lld's: "
                                        "%s (%s). ",
                                        open, (long long)nearest->id,
                                        breach_london(&r->arena, deadline), left));
    }
    buf_adds(&r->out, "<a href=\"/ops/breaches\">The breach register</a></p>");
}

static void businesses_section(struct request *r, const struct console *c)
{
    buf_adds(&r->out, "<h2>Businesses</h2><table><thead><tr><th>Id</th><th>Name</th>"
                      "<th>Orders by status</th></tr></thead><tbody>");
    for (size_t i = 0; i < c->ncounts; i++) {
        const struct tenant_count_row *t = &c->counts[i];
        bool first = !i || c->counts[i - 1].tenant_id != t->tenant_id;
        bool last = i + 1 == c->ncounts || c->counts[i + 1].tenant_id != t->tenant_id;
        if (first) {
            buf_adds(&r->out, "<tr><td>");
            num(r, t->tenant_id);
            buf_adds(&r->out, "</td><td>");
            html_text(&r->out, t->name);
            buf_adds(&r->out, "</td><td>");
        } else {
            buf_adds(&r->out, ", ");
        }
        if (*t->status) {
            html_text(&r->out, t->status);
            buf_adds(&r->out, " ");
            num(r, t->count);
        } else {
            buf_adds(&r->out, "no orders");
        }
        if (last) buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

static void reports_section(struct request *r, const struct console *c)
{
    buf_adds(&r->out, "<h2>Data problem reports</h2>");
    if (!c->nreports) {
        buf_adds(&r->out, "<p>No reports.</p>");
        return;
    }
    buf_adds(&r->out, "<table><thead><tr><th>Id</th><th>Filed</th><th>Business</th><th>User</th>"
                      "<th>Page</th><th>Category</th><th>Details</th><th>Handled</th></tr>"
                      "</thead><tbody>");
    for (size_t i = 0; i < c->nreports; i++) {
        const struct data_report_row *d = &c->reports[i];
        buf_adds(&r->out, "<tr><td>");
        num(r, d->report_id);
        buf_adds(&r->out, "</td><td>");
        when(r, d->created_at);
        buf_adds(&r->out, "</td><td>");
        num(r, d->tenant_id);
        buf_adds(&r->out, "</td><td>");
        num(r, d->user_id);
        buf_adds(&r->out, "</td><td><code>");
        html_text(&r->out, d->page);
        buf_adds(&r->out, "</code></td><td>");
        html_text(&r->out, d->category);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, d->details);
        buf_adds(&r->out, "</td><td>");
        if (d->handled_at) {
            when(r, d->handled_at);
            buf_adds(&r->out, " by operator:");
            num(r, d->handled_by);
        } else {
            buf_adds(&r->out, "<form method=\"post\" action=\"/ops/reports/");
            num(r, d->report_id);
            buf_adds(&r->out, "/handled\">");
            csrf_field(r);
            buf_adds(&r->out, "<button type=\"submit\">Mark handled</button></form>");
        }
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

static void audit_section(struct request *r, const struct console *c)
{
    buf_adds(&r->out, "<h2>Latest access audit records</h2><table><thead><tr><th>Seq</th>"
                      "<th>Time</th><th>Principal</th><th>Principal's business</th>"
                      "<th>Data's business</th><th>Action</th><th>Objects</th></tr></thead>"
                      "<tbody>");
    for (size_t i = c->naudit; i-- > 0;) {
        const struct audit_record *a = &c->audit[i];
        buf_adds(&r->out, "<tr><td>");
        num(r, a->seq);
        buf_adds(&r->out, "</td><td>");
        when(r, a->time);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, a->principal_id);
        buf_adds(&r->out, "</td><td>");
        num(r, a->principal_tenant);
        buf_adds(&r->out, "</td><td>");
        num(r, a->data_tenant);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, a->action);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, a->objects);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

void ops_console(struct request *r)
{
    struct console c = {0};
    if (load(r, &c) != STORE_OK || !record_view(r, &c)) {
        ops_error(r, 503, "The console is unavailable right now. Try again shortly.");
        return;
    }
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, "Console");
    ops_page_nav(&r->out);
    buf_adds(&r->out, "<h1>postroom operators</h1><p>Signed in as operator:");
    num(r, r->principal.operator_id);
    buf_adds(&r->out, ".</p><form method=\"post\" action=\"/ops/logout\">");
    csrf_field(r);
    buf_adds(&r->out, "<button type=\"submit\">Sign out</button></form>");
    switches_section(r, &c);
    breaches_section(r, &c);
    businesses_section(r, &c);
    reports_section(r, &c);
    audit_section(r, &c);
    ops_page_close(&r->out);
    http_reply(r, 200, "text/html; charset=utf-8");
}

/* A form's business id: "" or absent is 0 (every business). */
static bool form_tenant(struct request *r, int64_t *tenant)
{
    const char *v = http_form(r, "tenant");
    *tenant = 0;
    if (!v || !*v) return true;
    char *end;
    errno = 0;
    long long t = strtoll(v, &end, 10);
    if (errno || *end || t < 0) return false;
    *tenant = t;
    return true;
}

/* The form's feature: "" (all) or a name the kill switch knows. */
static const char *form_feature(struct request *r)
{
    const char *f = http_form(r, "feature");
    if (!f || !*f) return "";
    return killswitch_feature_parse(f) == FEATURE_NONE ? NULL : f;
}

static const char *switch_objects(struct request *r, int64_t tenant, const char *feature)
{
    return arena_printf(&r->arena, "killswitch:tenant=%lld,feature=%s", (long long)tenant,
                        *feature ? feature : "all");
}

static bool reason_ok(const char *v)
{
    if (!v || !*v || strlen(v) > 500) return false;
    for (const char *c = v; *c; c++)
        if ((unsigned char)*c < 32 || *c == 127) return false;
    return true;
}

/* Tells the status site (server_config.killswitch_changed). */
static bool posted(struct request *r, int64_t tenant, const char *feature, bool on,
                   const char *reason)
{
    if (!r->cfg || !r->cfg->killswitch_changed) return true;
    return r->cfg->killswitch_changed(r, tenant, feature, on, reason);
}

/* Commits a switch's transaction when rc says it all went, else undoes it. */
static int switch_tx_end(struct request *r, int rc)
{
    if (rc == STORE_OK) return store_tx_commit(r->store);
    store_tx_rollback(r->store);
    return rc;
}

void ops_killswitch_on(struct request *r)
{
    int64_t tenant;
    const char *feature = form_feature(r), *reason = http_form(r, "reason");
    const char *revoke = http_form(r, "revoke");
    if (!form_tenant(r, &tenant) || !feature) {
        ops_error(r, 400,
                  "The business must be an id (or empty) and the feature one of api, "
                  "web, labels, imports or exports (or all).");
        return;
    }
    if (!reason_ok(reason)) {
        ops_error(r, 400, "The reason must be 1 to 500 characters on one line.");
        return;
    }
    int rc = tenant ? store_operator_tenant_exists(r->store, tenant) : STORE_OK;
    if (rc == STORE_NOTFOUND) {
        ops_error(r, 404, "There is no business with that id.");
        return;
    }
    const char *by = arena_printf(&r->arena, "operator:%lld", (long long)r->principal.operator_id);
    int64_t ended = 0;
    bool revoking = revoke && !strcmp(revoke, "1");
    /* the switch and its audit record are one transaction: neither stands alone */
    if (rc == STORE_OK) rc = store_operator_tx_begin(r->store);
    if (rc == STORE_OK) {
        if (revoking)
            rc = store_operator_killswitch_set_revoking(r->store, tenant, feature, reason, by,
                                                        time_now_ms(), &ended);
        else
            rc =
                store_operator_killswitch_set(r->store, tenant, feature, reason, by, time_now_ms());
        const char *objects = switch_objects(r, tenant, feature);
        if (revoking)
            objects = arena_printf(&r->arena, "%s,sessions_ended=%lld", objects, (long long)ended);
        if (rc == STORE_OK && !ops_audit(r, tenant, "killswitch.on", objects)) rc = STORE_ERROR;
        rc = switch_tx_end(r, rc);
    }
    if (rc != STORE_OK) {
        ops_error(r, 503,
                  "The kill switch could not be changed and recorded. Nothing changed; "
                  "try again.");
        return;
    }
    if (!posted(r, tenant, feature, true, reason)) {
        ops_error(r, 502, "The kill switch is on, but the status site could not be told.");
        return;
    }
    ops_redirect(r, "/ops/");
}

void ops_killswitch_off(struct request *r)
{
    int64_t tenant;
    const char *feature = form_feature(r);
    if (!form_tenant(r, &tenant) || !feature) {
        ops_error(r, 400, "That is not a kill switch.");
        return;
    }
    int rc = store_operator_tx_begin(r->store);
    if (rc == STORE_OK) {
        rc = store_operator_killswitch_clear(r->store, tenant, feature, time_now_ms());
        if (rc == STORE_OK &&
            !ops_audit(r, tenant, "killswitch.off", switch_objects(r, tenant, feature)))
            rc = STORE_ERROR;
        rc = switch_tx_end(r, rc);
    }
    if (rc == STORE_NOTFOUND) {
        ops_error(r, 404, "That kill switch is not on.");
        return;
    }
    if (rc != STORE_OK) {
        ops_error(r, 503,
                  "The kill switch could not be changed and recorded. Nothing changed; "
                  "try again.");
        return;
    }
    if (!posted(r, tenant, feature, false, NULL)) {
        ops_error(r, 502, "The kill switch is off, but the status site could not be told.");
        return;
    }
    ops_redirect(r, "/ops/");
}

void ops_apikeys_revoke(struct request *r)
{
    int64_t tenant, revoked = 0;
    if (!form_tenant(r, &tenant) || tenant < 1) {
        ops_error(r, 400, "Name one business by its id.");
        return;
    }
    int rc = store_operator_tenant_exists(r->store, tenant);
    if (rc == STORE_NOTFOUND) {
        ops_error(r, 404, "There is no business with that id.");
        return;
    }
    if (rc == STORE_OK)
        rc = store_operator_apikey_revoke_all(r->store, tenant, time_now_ms(), &revoked);
    if (rc != STORE_OK ||
        !ops_audit(r, tenant, "apikey.revoke",
                   arena_printf(&r->arena, "tenant:%lld,keys:all", (long long)tenant))) {
        ops_error(r, 503, "The keys could not be revoked and recorded. Try again.");
        return;
    }
    ops_redirect(r, "/ops/");
}

void ops_report_handled(struct request *r)
{
    int64_t id;
    if (!id_parse(r->params[0], INT64_MAX, &id)) {
        ops_error(r, 404, "There is no such report.");
        return;
    }
    int rc =
        store_operator_data_report_handle(r->store, id, r->principal.operator_id, time_now_ms());
    if (rc == STORE_NOTFOUND) {
        ops_error(r, 404, "There is no such report, or it was handled already.");
        return;
    }
    if (rc != STORE_OK ||
        !ops_audit(r, 0, "report.handle", arena_printf(&r->arena, "report:%lld", (long long)id))) {
        ops_error(r, 503, "The report could not be marked handled. Try again.");
        return;
    }
    ops_redirect(r, "/ops/");
}
