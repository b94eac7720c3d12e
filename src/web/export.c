/* export: the orders export, GET /export (the form) and GET /export.csv.
 *
 * A signed-in business downloads its orders as a spreadsheet in Click &
 * Drop's import layout (domain/export), optionally only those created
 * between two dates. The file is read in one snapshot, page by page, every
 * row claimed for the egress check like any API answer. */
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

/* The ids the file carries, for its order.export records. */
struct exported {
    int64_t *ids;
    size_t n, cap;
};

/* Writes every order in range; -1 after a store failure, -2 when there are
 * more than EXPORT_MAX_ORDERS, else the count. */
static long write_orders(struct request *r, struct order_page_query *q, struct exported *x)
{
    struct scope sc = scope_of(&r->principal);
    long count = 0;
    q->limit = EXPORT_PAGE;
    for (;;) {
        struct order_row *rows;
        size_t n;
        if (store_orders_page(r->store, &sc, q, &r->arena, &rows, &n) != STORE_OK) return -1;
        for (size_t i = 0; i < n; i++) {
            if (++count > EXPORT_MAX_ORDERS) return -2;
#ifdef POSTROOM_PLANT_LEAK
            /* the deliberate leak's second half (sqlite_orders.c): another
             * tenant's row goes out unclaimed, past the egress wall */
            if (rows[i].tenant_id == r->principal.tenant_id)
#endif
                http_egress_claim(r, rows[i].tenant_id, rows[i].order_id);
            if (!export_row(&r->out, &rows[i], &r->arena)) return -1;
            x->ids = arena_grow(&r->arena, x->ids, x->n, &x->cap, sizeof *x->ids, 512);
            x->ids[x->n++] = rows[i].order_id;
        }
        if (n < EXPORT_PAGE) return count;
        q->after_id = rows[n - 1].order_id;
    }
}

void web_export_csv(struct request *r)
{
    struct order_page_query q = {0};
    const char *why = read_range(r, &q);
    if (why) {
        export_page(r, 400, why);
        return;
    }
    buf_init(&r->out, &r->arena);
    export_header(&r->out);
    /* one snapshot for every page, so the file is the orders at one moment */
    struct exported x = {0};
    long count = store_snapshot_begin(r->store) == STORE_OK ? write_orders(r, &q, &x) : -1;
    if (store_snapshot_end(r->store) != STORE_OK) count = -1;
    if (count == -1) {
        export_page(r, 503, "The export is unavailable right now. Try again shortly.");
        return;
    }
    if (count == -2) {
        export_page(r, 422, "More than 20,000 orders match: choose a shorter range of dates.");
        return;
    }
    /* order.export, in records of at most AUDIT_IDS_PER_RECORD ids each,
     * appended before the file leaves */
    http_audit_ids(r, r->principal.tenant_id, "order.export", "order", x.ids, x.n);
    char day[40];
    time_format_rfc3339(time_now_ms(), day, sizeof day);
    http_add_header(
        r, "Content-Disposition",
        arena_printf(&r->arena, "attachment; filename=\"postroom-orders-%.10s.csv\"", day));
    http_reply(r, 200, "text/csv; charset=utf-8");
}
