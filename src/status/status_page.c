/* status_page: the public page at / (index.html): the overall banner, the
 * unresolved incidents, active and upcoming maintenance, every component with
 * its state and a 90-day uptime bar drawn here as inline SVG, and the last 15
 * days of incidents. Every piece of text from the database goes through
 * mk_esc; the markup has no style attribute and no script, so the page holds
 * under STATUS_PAGE_CSP. Times are UTC and say so. */
#include "status/status_page.h"
#include "status/status_db_impl.h"
#include "status/status_json.h"
#include "status/status_markup.h"
#include "status/status_uptime.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

#define PAST_DAYS 15
#define BAR_W 3 /* each day's rect, with a gap of 2: 90 * 5 - 2 = 448 */
#define BAR_GAP 2
#define BAR_H 34

struct page {
    struct status_db *db;
    struct buf *b;
    int64_t now;
    bool ok;
};

static sqlite3_stmt *prep(struct page *p, const char *sql)
{
    sqlite3_stmt *st = status_db_prep(p->db, sql);
    if (!st) p->ok = false;
    return st;
}

static bool next(struct page *p, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) p->ok = false;
    return rc == SQLITE_ROW;
}

static const char *text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

/* A class name from a word of the database: letters and '_' only, so
 * nothing an operator wrote can leave the attribute. */
static void cls(struct buf *b, const char *prefix, const char *word)
{
    buf_adds(b, prefix);
    for (const char *c = word ? word : ""; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || *c == '_') buf_addc(b, *c);
}

static void time_el(struct buf *b, int64_t ms)
{
    buf_adds(b, "<time datetime=\"");
    mk_rfc3339(b, ms);
    buf_adds(b, "\">");
    mk_when(b, ms);
    buf_adds(b, "</time>");
}

static void head(struct page *p)
{
    buf_adds(p->b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>postroom status</title>\n"
                   "<link rel=\"stylesheet\" href=\"" STATUS_CSS_PATH "\">\n"
                   "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"postroom "
                   "incident history (Atom)\" href=\"" STATUS_ATOM_PATH "\">\n"
                   "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"postroom "
                   "incident history (RSS)\" href=\"" STATUS_RSS_PATH "\">\n"
                   "</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">"
                   "<p class=\"brand\">postroom</p><p class=\"feeds\">"
                   "<a href=\"" STATUS_ATOM_PATH "\">Atom</a> <a href=\"" STATUS_RSS_PATH
                   "\">RSS</a> <a href=\"api/v2/summary.json\">JSON</a></p></div></header>\n"
                   "<main class=\"wrap\">\n<h1>System status</h1>\n");
}

static void banner(struct page *p)
{
    const char *indicator, *description;
    if (!status_overall(p->db, &indicator, &description)) p->ok = false;
    buf_adds(p->b, "<section class=\"banner ");
    cls(p->b, "banner-",
        strcmp(description, "Service Under Maintenance") ? indicator : "maintenance");
    buf_adds(p->b, "\"><h2>");
    mk_esc(p->b, description);
    buf_adds(p->b, "</h2></section>\n");
}

static void updates(struct page *p, int64_t incident)
{
    sqlite3_stmt *st = prep(p, "SELECT status, body, created_at FROM incident_updates WHERE"
                               " incident_id = ?1 ORDER BY created_at DESC, id DESC");
    if (!st) return;
    sqlite3_bind_int64(st, 1, incident);
    buf_adds(p->b, "<ol class=\"updates\">\n");
    while (next(p, st)) {
        buf_adds(p->b, "<li><p class=\"update\"><strong>");
        mk_esc(p->b, mk_status_words(text(st, 0)));
        buf_adds(p->b, "</strong> <span class=\"sep\">&#8212;</span> <span class=\"body\">");
        mk_esc(p->b, text(st, 1));
        buf_adds(p->b, "</span></p><p class=\"when\">");
        time_el(p->b, sqlite3_column_int64(st, 2));
        buf_adds(p->b, "</p></li>\n");
    }
    buf_adds(p->b, "</ol>\n");
    sqlite3_finalize(st);
}

static void affected(struct page *p, int64_t incident)
{
    sqlite3_stmt *st = prep(p, "SELECT c.name FROM components c JOIN incident_components ic ON"
                               " ic.component_id = c.id WHERE ic.incident_id = ?1"
                               " ORDER BY c.position");
    if (!st) return;
    sqlite3_bind_int64(st, 1, incident);
    bool any = false;
    while (next(p, st)) {
        buf_adds(p->b, any ? ", " : "<p class=\"affects\">Affects ");
        mk_esc(p->b, text(st, 0));
        any = true;
    }
    if (any) buf_adds(p->b, "</p>\n");
    sqlite3_finalize(st);
}

#define INCIDENT_COLS "id, name, status, impact, scheduled_for, scheduled_until, kind"

static void incident(struct page *p, sqlite3_stmt *st, int level)
{
    int64_t id = sqlite3_column_int64(st, 0);
    bool maint = !strcmp(text(st, 6), "maintenance");
    buf_printf(p->b, "<article class=\"incident ");
    cls(p->b, "impact-", text(st, 3));
    buf_printf(p->b, "\" id=\"%s-%lld\">\n<h%d>", maint ? "maintenance" : "incident", (long long)id,
               level);
    mk_esc(p->b, text(st, 1));
    buf_printf(p->b, "</h%d>\n", level);
    if (maint) {
        buf_adds(p->b, "<p class=\"window\">Scheduled for ");
        time_el(p->b, sqlite3_column_int64(st, 4));
        buf_adds(p->b, " until ");
        time_el(p->b, sqlite3_column_int64(st, 5));
        buf_adds(p->b, "</p>\n");
    }
    affected(p, id);
    updates(p, id);
    buf_adds(p->b, "</article>\n");
}

/* One section of incidents or maintenances (where: after the WHERE). */
static void list(struct page *p, const char *title, const char *css, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " INCIDENT_COLS " FROM incidents WHERE %s", where);
    sqlite3_stmt *st = prep(p, sql);
    if (!st) return;
    bool any = false;
    while (next(p, st)) {
        if (!any) buf_printf(p->b, "<section class=\"%s\">\n<h2>%s</h2>\n", css, title);
        any = true;
        incident(p, st, 3);
    }
    if (any) buf_adds(p->b, "</section>\n");
    sqlite3_finalize(st);
}

static void duration(struct buf *b, int64_t ms)
{
    int64_t min = ms / 60000;
    if (min >= 60)
        buf_printf(b, "%lld h %lld min", (long long)(min / 60), (long long)(min % 60));
    else
        buf_printf(b, "%lld min", (long long)(min ? min : 1));
}

static const char *const rank_class[RANK_COUNT] = {"ok", "maint", "degraded", "partial", "major"};
static const char *const rank_words[RANK_COUNT] = {
    "No downtime", "Under maintenance", "Degraded performance", "Partial outage", "Major outage"};

static void day_rect(struct buf *b, const struct status_day *d, int i)
{
    buf_printf(b, "<rect x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\" class=\"d %s\"><title>",
               i * (BAR_W + BAR_GAP), BAR_W, BAR_H,
               d->worst == RANK_NODATA ? "nodata" : rank_class[d->worst]);
    mk_date(b, d->start);
    if (d->worst == RANK_NODATA) {
        buf_adds(b, ": no data</title></rect>");
        return;
    }
    buf_adds(b, ": ");
    buf_adds(b, rank_words[d->worst]);
    int64_t down = d->ms[RANK_MAJOR] + d->ms[RANK_PARTIAL];
    if (d->worst >= RANK_PARTIAL && down > 0) {
        buf_adds(b, " for ");
        duration(b, down);
    }
    buf_adds(b, "</title></rect>");
}

/* With no time covered yet (a page made this very moment), the state now. */
static void uptime_words(struct buf *b, const struct status_uptime *u, const char *state)
{
    int bp = status_uptime_bp(u->ms);
    if (bp < 0) {
        int64_t now[RANK_COUNT] = {0};
        now[status_rank_of(state)] = 1;
        bp = status_uptime_bp(now);
    }
    buf_printf(b, "%d.%02d&#160;%% uptime", bp / 100, bp % 100);
}

static void component(struct page *p, sqlite3_stmt *st)
{
    struct status_uptime u;
    const char *state = text(st, 2);
    if (!status_uptime_read(p->db, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 3), state,
                            p->now, &u)) {
        p->ok = false;
        return;
    }
    struct buf *b = p->b;
    buf_adds(b, "<li class=\"component\">\n<div class=\"row\"><h3>");
    mk_esc(b, text(st, 1));
    buf_adds(b, "</h3><span class=\"state ");
    cls(b, "state-", state);
    buf_adds(b, "\">");
    mk_esc(b, mk_state_words(state));
    buf_adds(b, "</span></div>\n<svg class=\"bars\" viewBox=\"0 0 448 34\" "
                "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"");
    mk_esc(b, text(st, 1));
    buf_adds(b, ": uptime over the past 90 days, one bar per day\">");
    for (int i = 0; i < STATUS_DAYS; i++)
        day_rect(b, &u.day[i], i);
    buf_adds(b, "</svg>\n<p class=\"legend\"><span>90 days ago</span><span class=\"uptime\">");
    uptime_words(b, &u, state);
    buf_adds(b, "</span><span>Today</span></p>\n</li>\n");
}

static void components(struct page *p)
{
    buf_adds(p->b, "<section class=\"components\">\n<h2>Components</h2>\n"
                   "<p class=\"note\">Uptime over the past 90 days, one bar per day (UTC), "
                   "coloured by the worst state of the day.</p>\n<ul class=\"list\">\n");
    sqlite3_stmt *st =
        prep(p, "SELECT id, name, status, created_at FROM components ORDER BY position");
    while (st && next(p, st))
        component(p, st);
    sqlite3_finalize(st);
    buf_adds(p->b, "</ul>\n<p class=\"key\">");
    static const char *const key[][2] = {{"ok", "Operational"},         {"degraded", "Degraded"},
                                         {"partial", "Partial outage"}, {"major", "Major outage"},
                                         {"maint", "Maintenance"},      {"nodata", "No data"}};
    for (size_t i = 0; i < sizeof key / sizeof key[0]; i++)
        buf_printf(p->b, "<span class=\"k\"><span class=\"swatch %s\"></span>%s</span> ", key[i][0],
                   key[i][1]);
    buf_adds(p->b, "</p>\n</section>\n");
}

/* The last PAST_DAYS days, newest first: each day's incidents (by when they
 * began) and completed maintenances (by when they were scheduled). */
static void past(struct page *p)
{
    buf_adds(p->b, "<section class=\"past\">\n<h2>Past incidents</h2>\n");
    sqlite3_stmt *st = prep(p, "SELECT " INCIDENT_COLS " FROM incidents WHERE"
                               " (kind = 'incident' AND created_at >= ?1 AND created_at < ?2) OR"
                               " (kind = 'maintenance' AND status = 'completed' AND"
                               " scheduled_for >= ?1 AND scheduled_for < ?2)"
                               " ORDER BY COALESCE(scheduled_for, created_at) DESC, id DESC");
    int64_t today = mk_day_start(p->now);
    for (int i = 0; st && i < PAST_DAYS; i++) {
        int64_t day = today - i * STATUS_DAY_MS;
        buf_adds(p->b, "<div class=\"pastday\">\n<h3>");
        mk_date(p->b, day);
        buf_adds(p->b, "</h3>\n");
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, day);
        sqlite3_bind_int64(st, 2, day + STATUS_DAY_MS);
        bool any = false;
        while (next(p, st)) {
            incident(p, st, 4);
            any = true;
        }
        if (!any) buf_adds(p->b, "<p class=\"quiet\">No incidents reported.</p>\n");
        buf_adds(p->b, "</div>\n");
    }
    sqlite3_finalize(st);
    buf_adds(p->b, "</section>\n");
}

static void foot(struct page *p)
{
    buf_adds(p->b, "</main>\n<footer class=\"wrap foot\"><p>All times are UTC (Coordinated "
                   "Universal Time). This page as of ");
    time_el(p->b, p->now);
    buf_adds(p->b, ".</p><p>Incident history: <a href=\"" STATUS_ATOM_PATH "\">Atom</a>, "
                   "<a href=\"" STATUS_RSS_PATH "\">RSS</a>. For tools: "
                   "<a href=\"api/v2/summary.json\">api/v2/summary.json</a> "
                   "(Statuspage v2).</p></footer>\n</body>\n</html>\n");
}

int64_t status_page_now(void)
{
    int64_t now = time_now_ms();
    return now - now % 60000;
}

/* The page is as of the later of the minute given and the latest change on
 * it, so a change made within the minute is already in the bars. */
static int64_t as_of(struct page *p, int64_t minute)
{
    sqlite3_stmt *st = prep(p, "SELECT max((SELECT max(updated_at) FROM components),"
                               " COALESCE((SELECT max(updated_at) FROM incidents), 0))");
    int64_t latest = st && next(p, st) ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return latest > minute ? latest : minute;
}

bool status_write_page(struct status_db *db, int64_t as_of_ms, struct buf *out)
{
    struct page p = {db, out, as_of_ms, true};
    p.now = as_of(&p, as_of_ms);
    head(&p);
    banner(&p);
    list(&p, "Current incidents", "current",
         "kind = 'incident' AND status NOT IN ('resolved', 'postmortem') AND resolved_at IS NULL"
         " ORDER BY created_at DESC, id DESC");
    list(&p, "Maintenance in progress", "maintenance active",
         "kind = 'maintenance' AND status IN ('in_progress', 'verifying')"
         " ORDER BY scheduled_for, id");
    components(&p);
    list(&p, "Scheduled maintenance", "maintenance upcoming",
         "kind = 'maintenance' AND status = 'scheduled' ORDER BY scheduled_for, id");
    past(&p);
    foot(&p);
    return p.ok;
}
