/* dashboard: the signed-in home page, GET / (issue 11). What needs doing
 * today (cards linking to the orders' tabs), and for the last 30 days
 * (Europe/London days) the orders created and the postage spent per day
 * as server-drawn SVG bar charts, their numbers in a table for screen
 * readers and anyone who wants them. One store read (store_dashboard.h). */
#include "domain/london.h"
#include "domain/status.h"
#include "http/server.h"
#include "store/store_dashboard.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAYS 30

/* The chart's drawing box (SVG user units) and its plot area. */
#define CW 600
#define CH 260
#define PL 60
#define PR 10
#define PT 14
#define PB 34
#define FONT "14"

struct day_label {
    char iso[11];  /* 2026-12-01 */
    char text[16]; /* 1 Dec */
};

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void label_day(int64_t day, struct day_label *l)
{
    london_date(day, l->iso, sizeof l->iso);
    int m = atoi(l->iso + 5), d = atoi(l->iso + 8);
    snprintf(l->text, sizeof l->text, "%d %s", d, months[(m - 1) % 12]);
}

/* The pounds of pence, "£12.34" (or "-£1.20" for refunds beyond charges). */
static void pounds(struct buf *b, int64_t pence)
{
    int64_t a = pence < 0 ? -pence : pence;
    buf_printf(b, "%s£%lld.%02lld", pence < 0 ? "-" : "", (long long)(a / 100),
               (long long)(a % 100));
}

/* The smallest 1, 2 or 5 times a power of ten at or above v (at least
 * least): the step between the chart's four grid lines, so they fall on
 * round numbers. */
static int64_t nice_step(int64_t v, int64_t least)
{
    int64_t p = least;
    while (p * 10 <= v)
        p *= 10;
    for (;; p *= 10) {
        if (v <= p) return p;
        if (v <= 2 * p) return 2 * p;
        if (v <= 5 * p) return 5 * p;
    }
}

struct chart {
    const char *id, *title, *desc;
    const int64_t *values; /* DAYS of them */
    bool money;            /* values are pence */
};

static void axis_value(struct buf *b, const struct chart *c, int64_t v)
{
    if (c->money) {
        if (v % 100)
            pounds(b, v);
        else
            buf_printf(b, "£%lld", (long long)(v / 100));
    } else {
        buf_printf(b, "%lld", (long long)v);
    }
}

static void draw_grid(struct buf *b, const struct chart *c, int64_t top)
{
    const int ph = CH - PT - PB;
    for (int g = 0; g <= 4; g++) {
        int y = PT + ph - ph * g / 4;
        buf_printf(b,
                   "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                   "stroke=\"%s\" stroke-width=\"1\"/><text class=\"tick\" x=\"%d\" y=\"%d\" "
                   "text-anchor=\"end\" font-size=\"" FONT "\" fill=\"#5b5b66\">",
                   PL, y, CW - PR, y, g ? "#e6e6eb" : "#9a9aa6", PL - 8, y + 4);
        axis_value(b, c, top * g / 4);
        buf_adds(b, "</text>");
    }
}

static void draw_bars(struct buf *b, const struct chart *c, const struct day_label *days,
                      int64_t top)
{
    const int pw = CW - PL - PR, ph = CH - PT - PB;
    const double slot = (double)pw / DAYS, bw = slot * 0.7;
    for (int i = 0; i < DAYS; i++) {
        int64_t v = c->values[i] > 0 ? c->values[i] : 0;
        double h = (double)ph * (double)v / (double)top;
        double x = PL + slot * i + (slot - bw) / 2;
        if (v > 0 && h < 2) h = 2; /* a day with something shows something */
        buf_printf(b,
                   "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "rx=\"2\" fill=\"%s\"><title>",
                   x, PT + ph - h, bw, h, c->money ? "#1f7a3d" : "#b3001b");
        html_text(b, days[i].text);
        buf_adds(b, ": ");
        axis_value(b, c, c->values[i]);
        buf_adds(b, "</title></rect>");
        /* a date under every seventh bar, counting back from today */
        if ((DAYS - 1 - i) % 7 == 0) {
            bool last = i == DAYS - 1; /* "Today" ends at the plot's edge, not past it */
            buf_printf(b,
                       "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" "
                       "font-size=\"" FONT "\" fill=\"#5b5b66\">",
                       last ? x + bw : x + bw / 2, CH - PB + 20, last ? "end" : "middle");
            html_text(b, i == DAYS - 1 ? "Today" : days[i].text);
            buf_adds(b, "</text>");
        }
    }
}

static void chart(struct request *r, const struct chart *c, const struct day_label *days)
{
    struct buf *b = &r->out;
    int64_t max = 0, total = 0;
    for (int i = 0; i < DAYS; i++) {
        if (c->values[i] > max) max = c->values[i];
        total += c->values[i];
    }
    /* the axis in whole numbers; money in whole pounds */
    int64_t least = c->money ? 100 : 1;
    int64_t top = 4 * nice_step((max + 3) / 4, least);
    buf_printf(b, "<figure class=\"chart-card\"><figcaption id=\"%s-cap\"><span class=\"t\">",
               c->id);
    html_text(b, c->title);
    buf_adds(b, "</span><span class=\"total\">");
    axis_value(b, c, total);
    buf_adds(b, " in 30 days</span></figcaption>");
    buf_printf(b,
               "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
               "aria-describedby=\"%s-desc\" aria-label=\"",
               CW, CH, c->id);
    html_text(b, c->title);
    buf_printf(b, "\" font-family=\"system-ui, sans-serif\"><title id=\"%s-title\">", c->id);
    html_text(b, c->title);
    buf_printf(b, "</title><desc id=\"%s-desc\">", c->id);
    html_text(b, c->desc);
    buf_adds(b, " Total ");
    axis_value(b, c, total);
    buf_adds(b, ", highest day ");
    axis_value(b, c, max);
    buf_adds(b, ". The numbers are in the table below the charts.</desc>");
    draw_grid(b, c, top);
    draw_bars(b, c, days, top);
    buf_adds(b, "</svg></figure>");
}

struct todo {
    const char *status, *label, *hint;
    int64_t count;
};

static void cards(struct request *r, const struct dashboard_read *d)
{
    struct todo t[] = {
        {STATUS_NEW, "New", "to apply postage to", 0},
        {STATUS_POSTAGE_APPLIED, "Postage applied", "awaiting labels", 0},
        {STATUS_LABEL_GENERATED, "Label generated", "to despatch", 0},
        {STATUS_DESPATCHED, "Despatched", "not yet in a manifest", 0},
        {STATUS_ON_HOLD, "On hold", "waiting on you", 0},
    };
    for (size_t i = 0; i < d->ncounts; i++)
        for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
            if (!strcmp(d->counts[i].status, t[k].status) && !(k == 3 && d->counts[i].in_manifest))
                t[k].count += d->counts[i].count;
    buf_adds(&r->out, "<section aria-labelledby=\"todo\"><h2 id=\"todo\">To do today</h2>"
                      "<ul class=\"cards todo\">");
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        buf_adds(&r->out, "<li class=\"card\"><a href=\"/orders?status=");
        buf_adds(&r->out, t[k].status);
        buf_printf(&r->out, "\" data-status=\"%s\"><span class=\"big\">%lld</span>", t[k].status,
                   (long long)t[k].count);
        buf_adds(&r->out, "<span class=\"what\">");
        buf_adds(&r->out, t[k].label);
        buf_adds(&r->out, "</span><span class=\"muted\">");
        buf_adds(&r->out, t[k].hint);
        buf_adds(&r->out, "</span></a></li>");
    }
    buf_adds(&r->out, "</ul></section>");
}

static void numbers_table(struct request *r, const struct dashboard_read *d,
                          const struct day_label *days)
{
    struct buf *b = &r->out;
    buf_adds(b, "<details class=\"numbers\"><summary>The numbers, day by day</summary>"
                "<div class=\"table-wrap\"><table id=\"per-day\"><caption class=\"visually-hidden"
                "\">Orders created and postage spend per day, last 30 days</caption><thead><tr>"
                "<th scope=\"col\">Day</th><th scope=\"col\" class=\"num\">Orders created</th>"
                "<th scope=\"col\" class=\"num\">Postage spend</th></tr></thead><tbody>");
    for (int i = DAYS - 1; i >= 0; i--) {
        buf_printf(b, "<tr data-day=\"%s\"><th scope=\"row\">", days[i].iso);
        html_text(b, i == DAYS - 1 ? "Today" : days[i].text);
        buf_printf(b, "</th><td class=\"num\" data-orders=\"%lld\">%lld</td>",
                   (long long)d->orders[i], (long long)d->orders[i]);
        buf_printf(b, "<td class=\"num\" data-pence=\"%lld\">", (long long)d->pence[i]);
        pounds(b, d->pence[i]);
        buf_adds(b, "</td></tr>");
    }
    buf_adds(b, "</tbody></table></div></details>");
}

void web_home(struct request *r)
{
    int64_t now = time_now_ms(), today = london_day(now);
    int64_t bounds[DAYS + 1];
    struct day_label days[DAYS];
    for (int i = 0; i < DAYS; i++) {
        bounds[i] = london_midnight(today - (DAYS - 1) + i);
        label_day(today - (DAYS - 1) + i, &days[i]);
    }
    bounds[DAYS] = london_midnight(today + 1);
    struct scope sc = scope_of(&r->principal);
    struct dashboard_read d;
    if (store_dashboard(r->store, &sc, bounds, DAYS, &r->arena, &d) != STORE_OK) {
        web_error_page(r, 503, "The dashboard could not be read; try again shortly.");
        return;
    }
    int64_t all = 0;
    for (size_t i = 0; i < d.ncounts; i++)
        all += d.counts[i].count;
    web_page_open(r, WEB_SECTION_DASHBOARD, "Dashboard");
    buf_adds(&r->out, "<p class=\"muted signed-in\">You are signed in. Days are UK days.</p>"
                      "<p class=\"quick\"><a class=\"button secondary\" href=\"/import\">Import "
                      "orders from a spreadsheet</a> <a class=\"button secondary\" "
                      "href=\"/export\">Export orders to a spreadsheet</a></p>");
    if (!all)
        buf_adds(&r->out, "<div class=\"empty\"><p><strong>No orders yet.</strong></p><p>Orders "
                          "you create through the API or import show up here with what needs "
                          "doing next.</p></div>");
    cards(r, &d);
    buf_adds(&r->out, "<section aria-labelledby=\"trend\"><h2 id=\"trend\">Last 30 days</h2>"
                      "<div class=\"charts\">");
    struct chart orders = {"orders", "Orders created per day",
                           "Bar chart of the orders created each day over the last 30 days.",
                           d.orders, false};
    struct chart spend = {"spend", "Postage spend per day",
                          "Bar chart of the postage bought each day over the last 30 days, in "
                          "pounds, less refunds.",
                          d.pence, true};
    chart(r, &orders, days);
    chart(r, &spend, days);
    buf_adds(&r->out, "</div>");
    numbers_table(r, &d, days);
    buf_adds(&r->out, "</section>");
    web_page_close(r, 200);
}
