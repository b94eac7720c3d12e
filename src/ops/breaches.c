/* breaches: the breach register and the blast radius in the operators'
 * console (issue 10, steps 5 and 6), beside `postroom breach`.
 *
 *   GET  /ops/breaches               every breach, newest first
 *   GET  /ops/breaches/ID            its ICO fields, updates, stored blast
 *                                    radius, decision, and the forms
 *   GET  /ops/breaches/ID/draft      the notification draft, as `breach
 *                                    export ID` writes it (?format=markdown)
 *   POST /ops/breaches/ID/note       a later fact (Art. 33(4))
 *   POST /ops/breaches/ID/decide     notify yes or no, with its reason
 *   POST /ops/breaches/ID/close
 *   GET  /ops/blast-radius?from=&to= `breach blast-radius`'s report
 *
 * The words (deadline, Europe/London times, the draft, the report owed to
 * each business) are domain/breach.c's, the same the CLI prints. What is
 * shown is ids, counts, times and operators' own words: a blast radius
 * names records by id ("order:2001") and principals by id ("key:3"), never
 * a customer. Each view and action appends to the access audit as
 * operator:N with data tenant 0 (a breach spans businesses; the operator's
 * principal tenant is 0 too, so these records are no cross-tenant access
 * of their own) before the page is written. */
#include "ops/ops.h"
#include "ops/ops_impl.h"
#include "store/store_breach.h"
#include "util/timefmt.h"
#include "util/id_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NATURE_SHORT 80

/* One breach with everything its page shows. */
struct entry {
    struct breach b;
    struct breach_update *updates;
    size_t nupdates;
    struct exposure *radius;
    size_t nradius;
};

static void num(struct request *r, int64_t v)
{
    html_text(&r->out, arena_printf(&r->arena, "%lld", (long long)v));
}

static void text(struct request *r, const char *s)
{
    html_text(&r->out, s && *s ? s : "-");
}

static void csrf_field(struct request *r)
{
    buf_adds(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\">");
}

static const char *object_of(struct request *r, int64_t id)
{
    return arena_printf(&r->arena, "breach:%lld", (long long)id);
}

/* The breach id of the path; 0 when it is not one. */
static int64_t path_id(struct request *r)
{
    int64_t id;
    return id_parse(r->params[0], INT64_MAX, &id) ? id : 0;
}

/* "notify", "not notify" or "undecided". */
static const char *decision_short(const struct breach *b)
{
    if (!b->decision) return "undecided";
    return !strcmp(b->decision, "notify") ? "notify" : "not notify";
}

/* The deadline in London with its zone, and the time left (or "overdue
 * by"), or that the ICO was told. */
static void deadline_cell(struct request *r, const struct breach *b, int64_t now)
{
    int64_t deadline = breach_deadline(b->aware_at);
    char left[48];
    breach_time_left(deadline, now, left, sizeof left);
    html_text(&r->out, breach_london(&r->arena, deadline));
    buf_adds(&r->out, " (");
    if (b->notified_at) {
        buf_adds(&r->out, "ICO notified ");
        html_text(&r->out, breach_london(&r->arena, b->notified_at));
    } else {
        html_text(&r->out, left);
    }
    buf_adds(&r->out, ")");
}

/* The first NATURE_SHORT bytes of the nature, cut on a character. */
static const char *nature_short(struct request *r, const char *nature)
{
    size_t n = nature ? strlen(nature) : 0;
    if (n <= NATURE_SHORT) return nature;
    size_t cut = NATURE_SHORT;
    while (cut && ((unsigned char)nature[cut] & 0xC0) == 0x80)
        cut--;
    return arena_printf(&r->arena, "%.*s...", (int)cut, nature);
}

/* --- the list --------------------------------------------------------------- */

static bool record_list(struct request *r, const struct breach *rows, size_t n)
{
    struct buf ids;
    buf_init(&ids, &r->arena);
    for (size_t i = 0; i < n; i++)
        buf_printf(&ids, "%s%lld", i ? "," : "breach:", (long long)rows[i].id);
    return ops_audit(r, 0, "breach.view", buf_cstr(&ids));
}

void ops_breaches(struct request *r)
{
    struct breach *rows;
    size_t n;
    if (store_operator_breach_list(r->store, &r->arena, &rows, &n) != STORE_OK ||
        !record_list(r, rows, n)) {
        ops_error(r, 503, "The breach register is unavailable right now. Try again shortly.");
        return;
    }
    int64_t now = time_now_ms();
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, "Breaches");
    ops_page_nav(&r->out);
    buf_adds(&r->out, "<h1>Breach register</h1><p>Times in Europe/London. The ICO deadline is "
                      "72 hours after we became aware (UK GDPR Art. 33(1)).</p>");
    if (!n)
        buf_adds(&r->out, "<p>The breach register is empty.</p>");
    else
        buf_adds(&r->out, "<table><thead><tr><th>Id</th><th>Opened</th><th>Nature</th>"
                          "<th>Status</th><th>ICO deadline</th><th>Decision</th></tr></thead>"
                          "<tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct breach *b = &rows[i];
        buf_adds(&r->out, "<tr><td><a href=\"/ops/breaches/");
        num(r, b->id);
        buf_adds(&r->out, "\">");
        num(r, b->id);
        buf_adds(&r->out, "</a></td><td>");
        html_text(&r->out, breach_london(&r->arena, b->opened_at));
        buf_adds(&r->out, "</td><td>");
        text(r, nature_short(r, b->nature));
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, breach_state(b));
        buf_adds(&r->out, "</td><td>");
        deadline_cell(r, b, now);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, decision_short(b));
        buf_adds(&r->out, "</td></tr>");
    }
    if (n) buf_adds(&r->out, "</tbody></table>");
    buf_adds(&r->out, "<p><a href=\"/ops/blast-radius\">Blast radius of a time window</a></p>");
    ops_page_close(&r->out);
    http_reply(r, 200, "text/html; charset=utf-8");
}

/* --- one breach ------------------------------------------------------------- */

/* Loads the breach of the path; false when it answered. */
static bool load_entry(struct request *r, struct entry *e)
{
    int64_t id = path_id(r);
    int rc = id ? store_operator_breach_get(r->store, id, &r->arena, &e->b) : STORE_NOTFOUND;
    if (rc == STORE_OK)
        rc = store_operator_breach_updates(r->store, id, &r->arena, &e->updates, &e->nupdates);
    if (rc == STORE_OK)
        rc = store_operator_breach_radius(r->store, id, &r->arena, &e->radius, &e->nradius);
    if (rc == STORE_NOTFOUND)
        ops_error(r, 404, "There is no such breach.");
    else if (rc != STORE_OK)
        ops_error(r, 503, "The breach register is unavailable right now. Try again shortly.");
    return rc == STORE_OK;
}

static void field(struct request *r, const char *name, const char *value)
{
    buf_adds(&r->out, "<dt>");
    html_text(&r->out, name);
    buf_adds(&r->out, "</dt><dd>");
    text(r, value);
    buf_adds(&r->out, "</dd>");
}

static const char *when_both(struct request *r, int64_t ms)
{
    return arena_printf(&r->arena, "%s (%s)", breach_london(&r->arena, ms),
                        breach_utc(&r->arena, ms));
}

/* A number the operator gave, or the blast radius's count. */
static const char *approx(struct request *r, int64_t given, int64_t counted)
{
    if (given >= 0) return arena_printf(&r->arena, "%lld", (long long)given);
    return arena_printf(&r->arena, "%lld (counted from the blast radius)", (long long)counted);
}

static void ico_fields(struct request *r, const struct entry *e, int64_t now)
{
    const struct breach *b = &e->b;
    int64_t records, businesses;
    breach_radius_counts(e->radius, e->nradius, &records, &businesses);
    buf_adds(&r->out, "<h2>The ICO's fields</h2><dl>");
    field(r, "Window",
          arena_printf(&r->arena, "%s to %s", breach_london(&r->arena, b->window_from),
                       b->window_to ? breach_london(&r->arena, b->window_to) : "now"));
    field(r, "We became aware", when_both(r, b->aware_at));
    buf_adds(&r->out, "<dt>ICO deadline (72 hours)</dt><dd>");
    deadline_cell(r, b, now);
    buf_adds(&r->out, "</dd>");
    field(r, "Record opened",
          arena_printf(&r->arena, "%s by %s", breach_london(&r->arena, b->opened_at),
                       b->opened_by ? b->opened_by : "-"));
    field(r, "Nature", b->nature);
    field(r, "Categories of people", b->subjects);
    field(r, "Approximate number of people", approx(r, b->approx_people, records));
    field(r, "Categories of records", b->record_kinds);
    field(r, "Approximate number of records", approx(r, b->approx_records, records));
    field(r, "Likely consequences", b->consequences);
    field(r, "Measures taken or proposed", b->measures);
    field(r, "Contact point", b->contact);
    if (b->status_incident)
        field(r, "Status site incident",
              arena_printf(&r->arena, "%lld", (long long)b->status_incident));
    if (b->closed_at) field(r, "Closed", when_both(r, b->closed_at));
    buf_adds(&r->out, "</dl>");
}

static void decision_section(struct request *r, const struct breach *b)
{
    buf_adds(&r->out, "<h2>Decision</h2>");
    if (!b->decision) {
        buf_adds(&r->out, "<p>Undecided.</p>");
        return;
    }
    buf_adds(&r->out, "<p><strong>");
    html_text(&r->out, !strcmp(b->decision, "notify") ? "Notify the ICO" : "Do not notify the ICO");
    buf_adds(&r->out, "</strong>, by ");
    text(r, b->decided_by);
    buf_adds(&r->out, " on ");
    html_text(&r->out, breach_london(&r->arena, b->decided_at));
    buf_adds(&r->out, ".</p><p>Reason: ");
    text(r, b->decision_reason);
    buf_adds(&r->out, "</p>");
    if (b->notified_at) {
        buf_adds(&r->out, "<p>ICO notified ");
        html_text(&r->out, breach_london(&r->arena, b->notified_at));
        buf_adds(&r->out, ".</p>");
    }
}

static void updates_section(struct request *r, const struct entry *e)
{
    buf_adds(&r->out, "<h2>Updates (Art. 33(4))</h2>");
    if (!e->nupdates) {
        buf_adds(&r->out, "<p>No updates yet.</p>");
        return;
    }
    buf_adds(&r->out, "<table><thead><tr><th>Time</th><th>By</th><th>Update</th></tr></thead>"
                      "<tbody>");
    for (size_t i = 0; i < e->nupdates; i++) {
        buf_adds(&r->out, "<tr><td>");
        html_text(&r->out, breach_london(&r->arena, e->updates[i].time));
        buf_adds(&r->out, "</td><td>");
        text(r, e->updates[i].author);
        buf_adds(&r->out, "</td><td>");
        text(r, e->updates[i].note);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

/* The records of one business, [i, j) of the radius. */
static void business_table(struct request *r, const struct exposure *x, size_t i, size_t j)
{
    int64_t recs, first, last, times, withheld;
    breach_business_summary(x, i, j, &recs, &first, &last, &times, &withheld);
    buf_adds(&r->out, "<h3>");
    html_text(&r->out,
              arena_printf(&r->arena, "Business %lld: %lld record%s, %lld access%s (%lld withheld)",
                           (long long)x[i].data_tenant, (long long)recs, recs == 1 ? "" : "s",
                           (long long)times, times == 1 ? "" : "es", (long long)withheld));
    buf_adds(&r->out, "</h3><table><thead><tr><th>Record</th><th>Seen by business</th>"
                      "<th>Principal</th><th>Actions</th><th>First</th><th>Last</th>"
                      "<th>Times</th><th>Withheld</th></tr></thead><tbody>");
    for (size_t k = i; k < j; k++) {
        buf_adds(&r->out, "<tr><td>");
        html_text(&r->out, x[k].object);
        buf_adds(&r->out, "</td><td>");
        num(r, x[k].principal_tenant);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, *x[k].principal_id ? x[k].principal_id : "not signed in");
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, x[k].actions);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, breach_london(&r->arena, x[k].first_at));
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, breach_london(&r->arena, x[k].last_at));
        buf_adds(&r->out, "</td><td>");
        num(r, x[k].times);
        buf_adds(&r->out, "</td><td>");
        num(r, x[k].withheld);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

static void radius_section(struct request *r, const struct entry *e)
{
    int64_t records, businesses;
    breach_radius_counts(e->radius, e->nradius, &records, &businesses);
    buf_adds(&r->out, "<h2>Blast radius (as stored)</h2><p>");
    html_text(&r->out, arena_printf(&r->arena,
                                    "%lld record%s of %lld business%s seen by another "
                                    "business.",
                                    (long long)records, records == 1 ? "" : "s",
                                    (long long)businesses, businesses == 1 ? "" : "es"));
    buf_adds(&r->out, "</p>");
    for (size_t i = 0; i < e->nradius;) {
        size_t j = breach_business_end(e->radius, e->nradius, i);
        business_table(r, e->radius, i, j);
        i = j;
    }
}

static void form_open(struct request *r, int64_t id, const char *action)
{
    buf_adds(&r->out, "<form method=\"post\" action=\"/ops/breaches/");
    num(r, id);
    buf_adds(&r->out, "/");
    buf_adds(&r->out, action);
    buf_adds(&r->out, "\">");
    csrf_field(r);
}

static void forms_section(struct request *r, const struct breach *b)
{
    buf_adds(&r->out, "<h2>Record</h2>");
    form_open(r, b->id, "note");
    buf_adds(&r->out, "<label>Update (a later fact; no names of anyone) <input name=\"note\" "
                      "maxlength=\"4000\" required></label><button type=\"submit\">Add the "
                      "update</button></form>");
    form_open(r, b->id, "decide");
    buf_adds(&r->out, "<fieldset><legend>Notify the ICO?</legend><label><input type=\"radio\" "
                      "name=\"notify\" value=\"yes\"> Yes</label><label><input type=\"radio\" "
                      "name=\"notify\" value=\"no\"> No</label></fieldset><label>Reason "
                      "(mandatory) <input name=\"reason\" maxlength=\"4000\"></label><label>ICO "
                      "notified at (RFC 3339, optional, with yes) <input name=\"notified_at\">"
                      "</label><button type=\"submit\">Record the decision</button></form>");
    if (!b->closed_at) {
        form_open(r, b->id, "close");
        buf_adds(&r->out, "<button type=\"submit\">Close the breach</button></form>");
    }
}

/* The breach's page, with an error above it when a form was refused. */
static void entry_page(struct request *r, const struct entry *e, int status, const char *error)
{
    const struct breach *b = &e->b;
    int64_t now = time_now_ms();
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, arena_printf(&r->arena, "Breach %lld", (long long)b->id));
    ops_page_nav(&r->out);
    buf_adds(&r->out, "<h1>");
    html_text(&r->out, arena_printf(&r->arena, "Breach %lld (%s, %s)", (long long)b->id,
                                    breach_state(b), breach_decision_text(b)));
    buf_adds(&r->out, "</h1>");
    html_alert(&r->out, error);
    buf_adds(&r->out, "<p>Notification draft: <a href=\"/ops/breaches/");
    num(r, b->id);
    buf_adds(&r->out, "/draft\">text</a>, <a href=\"/ops/breaches/");
    num(r, b->id);
    buf_adds(&r->out, "/draft?format=markdown\">Markdown</a></p>");
    ico_fields(r, e, now);
    decision_section(r, b);
    updates_section(r, e);
    radius_section(r, e);
    forms_section(r, b);
    ops_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

/* The page as a view of the breach: recorded first. */
static void show_entry(struct request *r, const struct entry *e, int status, const char *error)
{
    if (!ops_audit(r, 0, "breach.view", object_of(r, e->b.id))) {
        ops_error(r, 503, "The breach register is unavailable right now. Try again shortly.");
        return;
    }
    entry_page(r, e, status, error);
}

void ops_breach(struct request *r)
{
    struct entry e = {0};
    if (load_entry(r, &e)) show_entry(r, &e, 200, NULL);
}

void ops_breach_draft(struct request *r)
{
    struct entry e = {0};
    if (!load_entry(r, &e)) return;
    const char *format = http_query(r, "format");
    bool md = format && !strcmp(format, "markdown");
    if (format && !md && strcmp(format, "text")) {
        ops_error(r, 400, "The draft's format is text or markdown.");
        return;
    }
    if (!ops_audit(r, 0, "breach.export", object_of(r, e.b.id))) {
        ops_error(r, 503, "The breach register is unavailable right now. Try again shortly.");
        return;
    }
    buf_init(&r->out, &r->arena);
    breach_entry_text(&r->out, &r->arena, &e.b, e.updates, e.nupdates, e.radius, e.nradius, md,
                      time_now_ms());
    http_reply(r, 200, md ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8");
}

/* --- the forms -------------------------------------------------------------- */

static const char *by(struct request *r)
{
    return arena_printf(&r->arena, "operator:%lld", (long long)r->principal.operator_id);
}

static void after(struct request *r, int64_t id, const char *action, const char *done)
{
    if (!ops_audit(r, 0, action, object_of(r, id))) {
        ops_error(r, 500, done);
        return;
    }
    ops_redirect(r, arena_printf(&r->arena, "/ops/breaches/%lld", (long long)id));
}

void ops_breach_note(struct request *r)
{
    struct entry e = {0};
    if (!load_entry(r, &e)) return;
    const char *note = http_form(r, "note");
    if (!breach_text_ok(note)) {
        show_entry(r, &e, 400, "An update must be 1 to 4000 characters on one line.");
        return;
    }
    if (store_operator_breach_note(r->store, e.b.id, by(r), note, time_now_ms()) != STORE_OK) {
        ops_error(r, 503, "The update could not be added. Try again.");
        return;
    }
    after(r, e.b.id, "breach.note",
          "The update was added, but its audit record could not be "
          "written.");
}

/* The form's decision, or the reason it is refused. */
static const char *decision_form(struct request *r, const char **decision, const char **reason,
                                 int64_t *notified_at)
{
    const char *notify = http_form(r, "notify"), *at = http_form(r, "notified_at");
    *reason = http_form(r, "reason");
    *notified_at = 0;
    if (!notify || (strcmp(notify, "yes") && strcmp(notify, "no")))
        return "Choose whether to notify the ICO: yes or no. Nothing was recorded.";
    if (!breach_text_ok(*reason))
        return "A decision needs its reason (1 to 4000 characters on one line). Nothing was "
               "recorded.";
    if (at && *at && !time_parse_rfc3339(at, notified_at))
        return "The time the ICO was notified must be an RFC 3339 time. Nothing was recorded.";
    if (*notified_at && strcmp(notify, "yes"))
        return "The time the ICO was notified goes with yes. Nothing was recorded.";
    *decision = !strcmp(notify, "yes") ? "notify" : "no-notify";
    return NULL;
}

void ops_breach_decide(struct request *r)
{
    struct entry e = {0};
    if (!load_entry(r, &e)) return;
    const char *decision = NULL, *reason = NULL;
    int64_t notified_at = 0, now = time_now_ms();
    const char *refused = decision_form(r, &decision, &reason, &notified_at);
    if (refused) {
        show_entry(r, &e, 400, refused);
        return;
    }
    int rc =
        store_operator_breach_decide(r->store, e.b.id, decision, reason, by(r), now, notified_at);
    if (rc == STORE_OK)
        rc = store_operator_breach_note(r->store, e.b.id, by(r),
                                        breach_decision_note(&r->arena, decision, reason), now);
    if (rc != STORE_OK) {
        ops_error(r, 503, "The decision could not be recorded. Try again.");
        return;
    }
    after(r, e.b.id, "breach.decide",
          "The decision was recorded, but its audit record could "
          "not be written.");
}

/* The blast radius over the breach's window as of now, stored before it is
 * closed (as `breach close` does). */
void ops_breach_close(struct request *r)
{
    struct entry e = {0};
    if (!load_entry(r, &e)) return;
    if (e.b.closed_at) {
        show_entry(r, &e, 409, "That breach is already closed.");
        return;
    }
    int64_t now = time_now_ms();
    int rc = store_operator_breach_refresh_radius(r->store, e.b.id, now, &r->arena);
    if (rc == STORE_OK) rc = store_operator_breach_close(r->store, e.b.id, now);
    if (rc == STORE_NOTFOUND) {
        show_entry(r, &e, 409, "That breach is already closed.");
        return;
    }
    if (rc != STORE_OK) {
        ops_error(r, 503, "The breach could not be closed. Try again.");
        return;
    }
    after(r, e.b.id, "breach.close",
          "The breach was closed, but its audit record could not be "
          "written.");
}

/* --- the blast radius of a window ------------------------------------------ */

static void window_form(struct request *r, const char *from, const char *to)
{
    buf_adds(&r->out, "<form method=\"get\" action=\"/ops/blast-radius\"><label>From (RFC 3339, "
                      "e.g. 2026-12-01T10:00:00Z) <input name=\"from\" required value=\"");
    html_text(&r->out, from ? from : "");
    buf_adds(&r->out, "\"></label><label>To <input name=\"to\" required value=\"");
    html_text(&r->out, to ? to : "");
    buf_adds(&r->out, "\"></label><button type=\"submit\">Show the blast radius</button></form>");
}

static void radius_page(struct request *r, int status, const char *from, const char *to,
                        const char *error, const struct buf *report)
{
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, "Blast radius");
    ops_page_nav(&r->out);
    buf_adds(&r->out, "<h1>Blast radius</h1><p>Every access in the window to a business's "
                      "records by another business (the access audit and the tripwire's "
                      "events), and the report owed to each business (UK GDPR Art. 33(2)), as "
                      "<code>postroom breach blast-radius</code> writes them.</p>");
    html_alert(&r->out, error);
    window_form(r, from, to);
    if (report) {
        buf_adds(&r->out, "<pre>");
        html_text(&r->out, report->data);
        buf_adds(&r->out, "</pre>");
    }
    ops_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

void ops_blast_radius(struct request *r)
{
    const char *from_s = http_query(r, "from"), *to_s = http_query(r, "to");
    int64_t from, to;
    if (!from_s && !to_s) {
        radius_page(r, 200, NULL, NULL, NULL, NULL);
        return;
    }
    const char *error = NULL;
    if (!from_s || !time_parse_rfc3339(from_s, &from))
        error = "From must be an RFC 3339 time, such as 2026-12-01T10:00:00Z.";
    else if (!to_s || !time_parse_rfc3339(to_s, &to))
        error = "To must be an RFC 3339 time, such as 2026-12-01T11:00:00Z.";
    else if (to < from)
        error = "To is before from.";
    if (error) {
        radius_page(r, 400, from_s, to_s, error, NULL);
        return;
    }
    struct exposure *x = NULL;
    size_t n = 0;
    if (store_operator_blast_radius(r->store, from, to, &r->arena, &x, &n) != STORE_OK ||
        !ops_audit(r, 0, "breach.blast_radius",
                   arena_printf(&r->arena, "window:%s/%s", breach_utc(&r->arena, from),
                                breach_utc(&r->arena, to)))) {
        ops_error(r, 503, "The access audit is unavailable right now. Try again shortly.");
        return;
    }
    struct buf report;
    buf_init(&report, &r->arena);
    breach_window_report(&report, &r->arena, from, to, x, n);
    buf_cstr(&report);
    radius_page(r, 200, from_s, to_s, NULL, &report);
}
