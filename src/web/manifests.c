/* manifests: the manifests page (issue 11). GET /manifests shows the
 * orders the next manifest would take, a "Manifest now" button, the
 * automatic daily manifest (administrators set it) and the history;
 * POST /manifests makes one through the same use case as the API
 * (service/manifests.h); GET /manifests/{n}.pdf is the collection receipt
 * the API's GET /manifests/{n} gives; POST /manifests/daily sets the daily
 * manifest. Another business's manifest number is a 404 like any number
 * the business has not used. */
#include "domain/london.h"
#include "domain/manifest_daily.h"
#include "domain/status.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "service/manifest_daily.h"
#include "service/manifests.h"
#include "store/store_manifests.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"
#include "util/id_parse.h"

#include <stdlib.h>
#include <string.h>

#define ELIGIBLE_SHOWN 200
#define HISTORY_SHOWN 100

static struct service_ctx ctx(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

/* A number of 1 to 10 digits (a manifest's); 0 for anything else. */
static int64_t number_of(const char *s, size_t len)
{
    char digits[11];
    int64_t v;
    if (!s || len >= sizeof digits) return 0;
    memcpy(digits, s, len);
    digits[len] = '\0';
    return id_parse(digits, 2147483647, &v) ? v : 0;
}

static const char *const weekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* An instant as the UK clock shows it: "2 Dec 2026, 18:30". */
static void london(struct request *r, int64_t ms)
{
    int64_t day = london_day(ms);
    int64_t local = ms + time_london_offset_ms(ms) - day * LONDON_DAY_MS;
    char iso[11];
    london_date(day, iso, sizeof iso);
    buf_printf(&r->out, "%d %s %.4s, %02d:%02d", atoi(iso + 8), months[(atoi(iso + 5) + 11) % 12],
               iso, (int)(local / 3600000), (int)(local / 60000 % 60));
}

/* When the next automatic manifest is: "today at 18:30", "tomorrow at
 * 18:30", "Monday 7 Dec at 18:30". */
static void next_run(struct request *r, int64_t at, int64_t now, int minute)
{
    int64_t day = london_day(at), today = london_day(now);
    char iso[11];
    london_date(day, iso, sizeof iso);
    if (day == today)
        buf_adds(&r->out, "today");
    else if (day == today + 1)
        buf_adds(&r->out, "tomorrow");
    else
        buf_printf(&r->out, "%s %d %s", weekdays[london_weekday(day)], atoi(iso + 8),
                   months[(atoi(iso + 5) + 11) % 12]);
    buf_printf(&r->out, " at %02d:%02d", minute / 60, minute % 60);
}

static void hhmm(struct request *r, int minute)
{
    buf_printf(&r->out, "%02d:%02d", minute / 60, minute % 60);
}

static const char *service_name(struct request *r, const char *code)
{
    const struct tariff_service *sv = code ? tariff_service(r->cfg->tariff, code) : NULL;
    return sv ? sv->name : code ? code : "";
}

static void eligible_section(struct request *r, const struct manifests_overview *o)
{
    buf_adds(&r->out, "<section aria-labelledby=\"ready\"><h2 id=\"ready\">Ready to manifest");
    buf_printf(&r->out, " <span class=\"count\">%lld</span></h2>", (long long)o->eligible_total);
    if (!o->eligible_total) {
        buf_adds(&r->out, "<p class=\"empty\">No orders are waiting for a manifest. An order "
                          "joins the next manifest once its label is printed or it is "
                          "despatched.</p></section>");
        return;
    }
    buf_adds(&r->out, "<form method=\"post\" action=\"/manifests\" class=\"toolbar\">");
    web_csrf_field(r);
    buf_printf(&r->out,
               "<button type=\"submit\">Manifest now</button><span class=\"muted\">%lld "
               "order%s will go into one numbered manifest for collection.</span></form>",
               (long long)o->eligible_total, o->eligible_total == 1 ? "" : "s");
    buf_adds(&r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">"
                      "Orders ready to manifest</caption><thead><tr><th scope=\"col\">Order</th>"
                      "<th scope=\"col\">Reference</th><th scope=\"col\">Service</th>"
                      "<th scope=\"col\">Tracking number</th><th scope=\"col\">Status</th>"
                      "</tr></thead><tbody>");
    for (size_t i = 0; i < o->neligible; i++) {
        const struct order_row *row = &o->eligible[i];
        http_egress_claim(r, row->tenant_id, row->order_id);
        buf_printf(&r->out, "<tr><td><a href=\"/orders/%lld\">%lld</a></td><td>",
                   (long long)row->order_id, (long long)row->order_id);
        html_text(&r->out, row->reference ? row->reference : "");
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, service_name(r, row->service_code));
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, row->tracking_number ? row->tracking_number : "");
        buf_adds(&r->out, "</td><td><span class=\"badge s-");
        html_text(&r->out, row->status);
        buf_adds(&r->out, "\">");
        html_text(&r->out, status_words(row->status));
        buf_adds(&r->out, "</span></td></tr>");
    }
    buf_adds(&r->out, "</tbody></table></div>");
    if ((int64_t)o->neligible < o->eligible_total)
        buf_printf(&r->out, "<p class=\"muted\">The first %zu are shown; all %lld go into it.</p>",
                   o->neligible, (long long)o->eligible_total);
    buf_adds(&r->out, "</section>");
}

static void daily_state(struct request *r, const struct manifest_daily *d, int64_t now)
{
    buf_adds(&r->out, "<p>");
    if (!d->enabled) {
        buf_adds(&r->out, "Off: manifests are made only when someone presses "
                          "\"Manifest now\".</p>");
        return;
    }
    buf_adds(&r->out, "On: ");
    buf_adds(&r->out, d->working_days ? "every working day (Monday to Friday)" : "every day");
    buf_adds(&r->out, " at ");
    hhmm(r, d->minute);
    buf_adds(&r->out, " UK time.");
    int64_t next = manifest_daily_next(d, now);
    if (next) {
        buf_adds(&r->out, " Next: ");
        if (next <= now)
            buf_adds(&r->out, "today's is due and will be made within a minute.");
        else
            next_run(r, next, now, d->minute), buf_adds(&r->out, ".");
    }
    buf_adds(&r->out, "</p>");
    if (d->last_at) {
        buf_adds(&r->out, "<p class=\"muted\">Last automatic run: ");
        london(r, d->last_at);
        if (d->last_manifest)
            buf_printf(&r->out, ", manifest %lld.</p>", (long long)d->last_manifest);
        else
            buf_adds(&r->out, ", no orders were ready, so none was made.</p>");
    }
}

static void daily_form(struct request *r, const struct manifest_daily *d)
{
    buf_adds(&r->out, "<form method=\"post\" action=\"/manifests/daily\" class=\"toolbar\">");
    web_csrf_field(r);
    buf_adds(&r->out, "<label><input type=\"checkbox\" name=\"enabled\" value=\"1\"");
    buf_adds(&r->out, d->enabled ? " checked" : "");
    buf_adds(&r->out, "> Make a manifest automatically</label><label>Time (UK) <input "
                      "type=\"time\" name=\"time\" required value=\"");
    hhmm(r, d->minute);
    buf_adds(&r->out, "\"></label><label>Days <select name=\"days\"><option value=\"working\"");
    buf_adds(&r->out, d->working_days ? " selected" : "");
    buf_adds(&r->out, ">Working days (Monday to Friday)</option><option value=\"every\"");
    buf_adds(&r->out, d->working_days ? "" : " selected");
    buf_adds(&r->out, ">Every day</option></select></label>"
                      "<button type=\"submit\" class=\"secondary\">Save</button></form>");
}

static void daily_section(struct request *r, const struct manifests_overview *o, int64_t now)
{
    buf_adds(&r->out, "<section aria-labelledby=\"daily\"><h2 id=\"daily\">Daily automatic "
                      "manifest</h2>");
    daily_state(r, &o->daily, now);
    if (r->principal.role >= ROLE_ADMIN)
        daily_form(r, &o->daily);
    else
        buf_adds(&r->out, "<p class=\"muted\">An administrator can change this.</p>");
    buf_adds(&r->out, "</section>");
}

static void history_section(struct request *r, const struct manifests_overview *o)
{
    buf_adds(&r->out, "<section aria-labelledby=\"history\"><h2 id=\"history\">History</h2>");
    if (!o->nhistory) {
        buf_adds(&r->out, "<p class=\"empty\">No manifests yet. Each one you make is listed "
                          "here with its collection receipt.</p></section>");
        return;
    }
    buf_adds(&r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">"
                      "Manifests made</caption><thead><tr><th scope=\"col\">Manifest</th>"
                      "<th scope=\"col\">Made</th><th scope=\"col\" class=\"num\">Orders</th>"
                      "<th scope=\"col\">Collection receipt</th></tr></thead><tbody>");
    for (size_t i = 0; i < o->nhistory; i++) {
        const struct manifest_summary *m = &o->history[i];
        http_egress_claim(r, m->tenant_id, m->number);
        buf_printf(&r->out, "<tr><td>%lld</td><td>", (long long)m->number);
        london(r, m->created_at);
        buf_printf(&r->out,
                   "</td><td class=\"num\">%lld</td><td><a href=\"/manifests/%lld.pdf\">"
                   "PDF<span class=\"visually-hidden\"> of manifest %lld</span></a></td></tr>",
                   (long long)m->order_count, (long long)m->number, (long long)m->number);
    }
    buf_adds(&r->out, "</tbody></table></div></section>");
}

/* The message a redirect back here names: ?made=N (a manifest of this
 * business's history, else nothing is said) or ?saved=1. */
static void message(struct request *r, const struct manifests_overview *o)
{
    const char *made = http_query(r, "made");
    int64_t no = made ? number_of(made, strlen(made)) : 0;
    for (size_t i = 0; no && i < o->nhistory; i++)
        if (o->history[i].number == no) {
            buf_printf(&r->out,
                       "<p role=\"status\" class=\"done\">Manifest %lld is made: %lld order%s "
                       "ready for collection. <a href=\"/manifests/%lld.pdf\">Open its "
                       "collection receipt (PDF)</a>.</p>",
                       (long long)no, (long long)o->history[i].order_count,
                       o->history[i].order_count == 1 ? " is" : "s are", (long long)no);
            return;
        }
    const char *saved = http_query(r, "saved");
    if (saved && !strcmp(saved, "1"))
        buf_adds(&r->out, "<p role=\"status\" class=\"done\">The daily manifest setting is "
                          "saved.</p>");
}

static void page(struct request *r, int status, const char *error)
{
    struct service_ctx c = ctx(r);
    struct manifests_overview o;
    if (service_manifests_overview(&c, ELIGIBLE_SHOWN, HISTORY_SHOWN, &o) != SERVICE_OK) {
        web_error_page(r, 503, "The manifests could not be read; try again shortly.");
        return;
    }
    if (o.neligible) {
        int64_t *ids = arena_alloc(&r->arena, o.neligible * sizeof *ids);
        for (size_t i = 0; i < o.neligible; i++)
            ids[i] = o.eligible[i].order_id;
        http_audit_ids(r, r->principal.tenant_id, "order.read", "order", ids, o.neligible);
    }
    web_page_open(r, WEB_SECTION_MANIFESTS, "Manifests");
    html_alert(&r->out, error);
    if (!error) message(r, &o);
    eligible_section(r, &o);
    daily_section(r, &o, c.now);
    history_section(r, &o);
    web_page_close(r, status);
}

void web_manifests(struct request *r)
{
    page(r, 200, NULL);
}

void web_manifests_create(struct request *r)
{
    struct service_ctx c = ctx(r);
    struct service_manifest m;
    enum service_rc rc = service_manifest_create(&c, r->cfg->fonts, &m);
    for (size_t i = 0; i < m.n; i++)
        http_egress_claim(r, m.rows[i].tenant_id, m.rows[i].order_id);
    if (rc == SERVICE_NOTFOUND) {
        page(r, 409,
             "There are no orders to manifest: an order joins a manifest once its "
             "label is printed or it is despatched. Nothing was made.");
        return;
    }
    if (rc == SERVICE_FOREIGN_RECORD) {
        web_error_page(r, 500, "The manifest could not be produced.");
        return;
    }
    /* made (its receipt is drawn again when opened, whatever happened to it here) */
    if (rc == SERVICE_OK || rc == SERVICE_DRAW_FAILED) {
        web_redirect(r, arena_printf(&r->arena, "/manifests?made=%lld", (long long)m.number));
        return;
    }
    web_error_page(r, 503, "The manifest could not be made; try again shortly.");
}

void web_manifest_pdf(struct request *r)
{
    const char *p = r->params[0];
    size_t len = p ? strlen(p) : 0;
    int64_t no = len > 4 && !strcmp(p + len - 4, ".pdf") ? number_of(p, len - 4) : 0;
    if (!no) {
        web_error_page(r, 404, "There is no such manifest.");
        return;
    }
    struct service_ctx c = ctx(r);
    struct service_manifest m;
    enum service_rc rc = service_manifest_redraw(&c, r->cfg->fonts, no, &m);
    for (size_t i = 0; i < m.n; i++)
        http_egress_claim(r, m.rows[i].tenant_id, m.rows[i].order_id);
    if (rc == SERVICE_NOTFOUND) {
        web_error_page(r, 404, "There is no such manifest.");
        return;
    }
    if (rc != SERVICE_OK) {
        web_error_page(r, rc == SERVICE_STORE_ERROR ? 503 : 500,
                       "The collection receipt could not be drawn; try again shortly.");
        return;
    }
    http_audit_ids(r, r->principal.tenant_id, "manifest.read", "manifest", &no, 1);
    int64_t *ids = arena_alloc(&r->arena, (m.n ? m.n : 1) * sizeof *ids);
    for (size_t i = 0; i < m.n; i++)
        ids[i] = m.rows[i].order_id;
    http_audit_ids(r, r->principal.tenant_id, "manifest.read", "order", ids, m.n);
    http_add_header(
        r, "Content-Disposition",
        arena_printf(&r->arena, "inline; filename=\"manifest-%lld.pdf\"", (long long)no));
    r->out = m.pdf;
    http_reply(r, 200, "application/pdf");
}

void web_manifests_daily(struct request *r)
{
    const char *enabled = http_form(r, "enabled"), *time = http_form(r, "time");
    const char *days = http_form(r, "days");
    int minute;
    if (!manifest_daily_parse_time(time, &minute)) {
        page(r, 400,
             "Enter the time as hours and minutes, from 00:00 to 23:59 (UK time). "
             "Nothing was changed.");
        return;
    }
    if (!days || (strcmp(days, "working") && strcmp(days, "every"))) {
        page(r, 400, "Choose working days or every day. Nothing was changed.");
        return;
    }
    struct scope sc = scope_of(&r->principal);
    bool on = enabled && !strcmp(enabled, "1");
    if (store_manifest_daily_set(r->store, &sc, on, minute, !strcmp(days, "working"),
                                 time_now_ms()) != STORE_OK) {
        web_error_page(r, 503, "The setting could not be saved; try again shortly.");
        return;
    }
    web_redirect(r, "/manifests?saved=1");
}
