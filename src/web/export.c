/* export: the orders export, GET /export (the form) and GET /export.csv.
 *
 * A signed-in business downloads its orders as a spreadsheet in Click &
 * Drop's import layout (domain/export), optionally only those created
 * between two dates. Any number of orders: the file streams, page by page,
 * each page read in its own snapshot and every row claimed for the egress
 * check before it leaves, like any API answer. */
#include "formats/export.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <string.h>

#define EXPORT_PAGE 500
#define DAY_MS 86400000LL

static void export_page(struct request *r, int status, const char *message)
{
    web_page_open(r, WEB_SECTION_EXPORT, "Export orders");
    html_alert(&r->out, message);
    buf_adds(&r->out,
             "<form method=\"get\" action=\"/export.csv\">"
             "<label>Created from <input name=\"from\" type=\"date\"></label>"
             "<label>to <input name=\"to\" type=\"date\"></label>"
             "<button type=\"submit\">Download CSV</button></form>"
             "<p>A spreadsheet in Click &amp; Drop's import layout, one row per order, with "
             "the order number, status, tracking number and channel at the end. Leave the "
             "dates empty for every order.</p>");
    web_page_close(r, status);
}

void web_export_form(struct request *r)
{
    export_page(r, 200, NULL);
}

/* "2026-11-28" as Unix ms at midnight UTC; false if it is not such a date. */
static bool parse_day(const char *s, int64_t *ms)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    char t[32];
    memcpy(t, s, 10);
    memcpy(t + 10, "T00:00:00Z", 11);
    return time_parse_rfc3339(t, ms);
}

/* The from/to filter as createdOn bounds (both days included). */
static const char *read_range(struct request *r, struct order_page_query *q)
{
    const char *from = http_query(r, "from"), *to = http_query(r, "to");
    if (from && *from && !parse_day(from, &q->start_ms))
        return "The 'from' date must be a date like 2026-11-28.";
    if (to && *to) {
        if (!parse_day(to, &q->end_ms)) return "The 'to' date must be a date like 2026-11-28.";
        q->end_ms += DAY_MS - 1;
    }
    if (q->start_ms && q->end_ms && q->start_ms > q->end_ms)
        return "The 'from' date is after the 'to' date.";
    return NULL;
}

/* Where the export has got to, for the chunks after the first. */
struct export_stream {
    struct order_page_query q;
};

/* One page of orders (the next after q->after_id), read in its own short
 * snapshot and written as rows, each claimed before its row is written,
 * and its order.export records (at most AUDIT_IDS_PER_RECORD ids each)
 * asked for. A page at a time, so memory is bounded by a page however many
 * orders the file holds; paging by id, the file has every order that exists
 * throughout the export exactly once, in id order. */
static enum http_stream_step write_page(struct request *r, struct order_page_query *q)
{
    struct scope sc = scope_of(&r->principal);
    struct order_row *rows;
    size_t n = 0;
    if (store_snapshot_begin(r->store) != STORE_OK) return HTTP_STREAM_FAILED;
    int rc = store_orders_page(r->store, &sc, q, &r->arena, &rows, &n);
    if (store_snapshot_end(r->store) != STORE_OK || rc != STORE_OK) return HTTP_STREAM_FAILED;
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
#ifdef POSTROOM_PLANT_LEAK
        /* the deliberate leak's second half (sqlite_orders.c): another
         * tenant's row goes out unclaimed, past the egress wall */
        if (rows[i].tenant_id == r->principal.tenant_id)
#endif
            http_egress_claim(r, rows[i].tenant_id, rows[i].order_id);
        if (!export_row(&r->out, &rows[i], &r->arena)) return HTTP_STREAM_FAILED;
        ids[i] = rows[i].order_id;
    }
    http_audit_ids(r, r->principal.tenant_id, "order.export", "order", ids, n);
    if (n < (size_t)q->limit) return HTTP_STREAM_DONE;
    q->after_id = rows[n - 1].order_id;
    return HTTP_STREAM_MORE;
}

static enum http_stream_step next_page(struct request *r, void *ctx)
{
    struct export_stream *x = ctx;
    return write_page(r, &x->q);
}

void web_export_csv(struct request *r)
{
    struct export_stream *x = arena_alloc(&r->arena, sizeof *x);
    const char *why = read_range(r, &x->q);
    if (why) {
        export_page(r, 400, why);
        return;
    }
    x->q.limit = EXPORT_PAGE;
    buf_init(&r->out, &r->arena);
    export_header(&r->out);
    /* The first page is read before anything is sent, so that a store that
     * cannot answer still gets the page saying so, and a file of one page is
     * an ordinary answer; the rest streams (http_reply_stream). */
    enum http_stream_step step = write_page(r, &x->q);
    if (step == HTTP_STREAM_FAILED) {
        export_page(r, 503, "The export is unavailable right now. Try again shortly.");
        return;
    }
    char day[40];
    time_format_rfc3339(time_now_ms(), day, sizeof day);
    http_add_header(
        r, "Content-Disposition",
        arena_printf(&r->arena, "attachment; filename=\"postroom-orders-%.10s.csv\"", day));
    if (step == HTTP_STREAM_DONE)
        http_reply(r, 200, "text/csv; charset=utf-8");
    else
        http_reply_stream(r, "text/csv; charset=utf-8", next_page, x);
}
