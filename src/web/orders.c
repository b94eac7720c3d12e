/* orders: the orders list, GET /orders, where a business runs its day.
 *
 * Tabs by status with their counts (one store read per page), a search box
 * (reference, recipient name, postcode, tracking number), filters (created
 * from/to, service, channel), a sort, and pages of 50 by keyset: the next
 * and previous links carry the order number the page continues after or
 * before, never an offset. The table sits in the bulk actions' form
 * (web/orders_bulk.c): a box per row, one button per action. After an
 * action the list says what was done, from a fixed table of codes here:
 * nothing the URL carries is ever written as text. Every row shown is
 * claimed for the egress check and recorded as read. */
#include "domain/status.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ROWS 50
#define SEARCH_MAX 100
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

/* The tabs, in Click & Drop's order; NULL status is "All". */
static const struct tab {
    const char *status, *label, *empty;
} tabs[] = {
    {NULL, "All", "No orders yet."},
    {STATUS_NEW, "New", "No new orders."},
    {STATUS_POSTAGE_APPLIED, "Postage applied", "No orders with postage applied."},
    {STATUS_LABEL_GENERATED, "Label generated", "No orders with labels generated."},
    {STATUS_DESPATCHED, "Despatched", "No despatched orders."},
    {STATUS_MANIFESTED, "Manifested", "No manifested orders."},
    {STATUS_ON_HOLD, "On hold", "No orders on hold."},
    {STATUS_CANCELLED, "Cancelled", "No cancelled orders."},
};
#define NTABS (sizeof tabs / sizeof tabs[0])

/* What a bulk action reports back (done=CODE&n=N): the only texts a
 * redirect can make the list say. */
static const struct done_text {
    const char *code, *one;
    const char *before, *after; /* around the count when it is not 1 */
} done_texts[] = {
    {"postage", "Postage applied to 1 order.", "Postage applied to ", " orders."},
    {"rules", "The shipping rules applied postage to 1 order.",
     "The shipping rules applied postage to ", " orders."},
    {"despatched", "1 order marked as despatched.", "", " orders marked as despatched."},
    {"hold", "1 order put on hold.", "", " orders put on hold."},
    {"release", "1 order released to New.", "", " orders released to New."},
    {"cancel", "1 order cancelled.", "", " orders cancelled."},
    {"delete", "1 order deleted.", "", " orders deleted."},
};

static const struct {
    const char *name, *label;
    enum order_sort sort;
} sorts[] = {
    {"newest", "Newest first", ORDER_SORT_NEWEST},
    {"oldest", "Oldest first", ORDER_SORT_OLDEST},
    {"reference", "Reference", ORDER_SORT_REFERENCE},
    {"name", "Recipient name", ORDER_SORT_NAME},
};

/* What the page was asked for, as read from its query. */
struct list_query {
    const struct tab *tab;
    const char *q, *from, *to, *service, *channel, *sort;
    struct order_find find;
};

/* A count in the query (n, skipped, after, before): digits only, or 0. */
static int64_t query_count(struct request *r, const char *name)
{
    const char *v = http_query(r, name);
    if (!v || !*v || strlen(v) > 15) return 0;
    for (const char *c = v; *c; c++)
        if (*c < '0' || *c > '9') return 0;
    return strtoll(v, NULL, 10);
}

/* A parameter, NULL when absent or empty. */
static const char *query_text(struct request *r, const char *name)
{
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

/* "2026-11-28" as the instant London's day starts; false if no such date. */
static bool parse_day(const char *s, int64_t *ms)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    char t[32];
    memcpy(t, s, 10);
    memcpy(t + 10, "T00:00:00Z", 11);
    if (!time_parse_rfc3339(t, ms)) return false;
    /* midnight in London is an hour earlier in summer; the hour before
     * midnight UTC says which time the day starts in */
    *ms -= time_london_offset_ms(*ms - HOUR_MS);
    return true;
}

/* "2 Dec 2026, 14:05" in London time. */
static void write_created(struct buf *b, int64_t utc_ms)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char t[40];
    time_format_rfc3339(utc_ms + time_london_offset_ms(utc_ms), t, sizeof t);
    int month = atoi(t + 5);
    if (month < 1 || month > 12) return;
    buf_printf(b, "%d %s %.4s, %.5s", atoi(t + 8), months[month - 1], t, t + 11);
}

static const char *read_query(struct request *r, struct list_query *lq)
{
    memset(lq, 0, sizeof *lq);
    lq->tab = &tabs[0];
    const char *status = query_text(r, "status");
    if (status) {
        lq->tab = NULL;
        for (size_t i = 1; i < NTABS; i++)
            if (!strcmp(status, tabs[i].status)) lq->tab = &tabs[i];
        if (!lq->tab) {
            lq->tab = &tabs[0];
            return "There is no such tab of orders.";
        }
    }
    struct order_find *f = &lq->find;
    f->status = lq->tab->status;
    lq->q = query_text(r, "q");
    if (lq->q && strlen(lq->q) > SEARCH_MAX) return "Search for at most 100 characters.";
    f->search = lq->q;
    lq->from = query_text(r, "from"), lq->to = query_text(r, "to");
    if (lq->from && !parse_day(lq->from, &f->start_ms))
        return "The 'created from' date must be a date like 2026-11-28.";
    if (lq->to) {
        if (!parse_day(lq->to, &f->end_ms))
            return "The 'created to' date must be a date like 2026-11-28.";
        f->end_ms += DAY_MS - 1; /* the whole day (a day of a clock change is near enough) */
    }
    if (f->start_ms && f->end_ms && f->start_ms > f->end_ms)
        return "The 'created from' date is after the 'created to' date.";
    lq->service = query_text(r, "service");
    if (lq->service && !tariff_service(r->cfg->tariff, lq->service))
        return "There is no such service.";
    f->service = lq->service;
    lq->channel = query_text(r, "channel");
    if (lq->channel && strlen(lq->channel) > 100) return "There is no such channel.";
    f->channel = lq->channel;
    lq->sort = query_text(r, "sort");
    if (lq->sort) {
        size_t i = 0;
        while (i < sizeof sorts / sizeof sorts[0] && strcmp(sorts[i].name, lq->sort))
            i++;
        if (i == sizeof sorts / sizeof sorts[0]) return "There is no such sort.";
        f->sort = sorts[i].sort;
    }
    f->after_id = query_count(r, "after");
    f->before_id = f->after_id ? 0 : query_count(r, "before");
    f->limit = PAGE_ROWS + 1; /* one more says whether there is a next page */
    return NULL;
}

/* Appends name=value to a link's query, percent-encoded. */
static void link_param(struct buf *b, bool *first, const char *name, const char *value)
{
    if (!value) return;
    buf_adds(b, *first ? "?" : "&");
    *first = false;
    buf_adds(b, name);
    buf_adds(b, "=");
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '_' || *c == '.') {
            char one[2] = {(char)*c, 0};
            buf_adds(b, one);
        } else {
            char esc[4] = {'%', hex[*c >> 4], hex[*c & 15], 0};
            buf_adds(b, esc);
        }
    }
}

/* The list's link with its tab, search and filters, and a keyset. */
static const char *list_link(struct request *r, const struct list_query *lq, const char *key,
                             int64_t id)
{
    struct buf b;
    buf_init(&b, &r->arena);
    buf_adds(&b, "/orders");
    bool first = true;
    link_param(&b, &first, "status", lq->tab->status);
    link_param(&b, &first, "q", lq->q);
    link_param(&b, &first, "from", lq->from);
    link_param(&b, &first, "to", lq->to);
    link_param(&b, &first, "service", lq->service);
    link_param(&b, &first, "channel", lq->channel);
    link_param(&b, &first, "sort", lq->sort);
    if (key) link_param(&b, &first, key, arena_printf(&r->arena, "%lld", (long long)id));
    return buf_cstr(&b);
}

static void write_done(struct request *r)
{
    const char *code = http_query(r, "done");
    if (!code) return;
    for (size_t i = 0; i < sizeof done_texts / sizeof done_texts[0]; i++) {
        if (strcmp(code, done_texts[i].code)) continue;
        long n = (long)query_count(r, "n"), skipped = (long)query_count(r, "skipped");
        buf_adds(&r->out, "<p class=\"done\" role=\"status\">");
        if (n == 1)
            buf_adds(&r->out, done_texts[i].one);
        else
            buf_printf(&r->out, "%s%ld%s", done_texts[i].before, n, done_texts[i].after);
        if (skipped == 1)
            buf_adds(&r->out, " 1 order was skipped: its status does not allow it, or it "
                              "could not be found.");
        else if (skipped > 1)
            buf_printf(&r->out,
                       " %ld orders were skipped: their status does not allow it, or they "
                       "could not be found.",
                       skipped);
        buf_adds(&r->out, "</p>");
        return;
    }
}

/* The tabs with their counts (the scope's orders, whatever the search). */
static void write_tabs(struct request *r, const struct list_query *lq,
                       const struct order_count_row *counts, size_t ncounts)
{
    buf_adds(&r->out, "<nav aria-label=\"Order status\"><ul class=\"tabs\">");
    for (size_t i = 0; i < NTABS; i++) {
        int64_t n = 0;
        for (size_t k = 0; k < ncounts; k++)
            if (!tabs[i].status || !strcmp(tabs[i].status, counts[k].status)) n += counts[k].count;
        buf_adds(&r->out, "<li><a href=\"/orders");
        if (tabs[i].status) {
            buf_adds(&r->out, "?status=");
            buf_adds(&r->out, tabs[i].status);
        }
        buf_adds(&r->out, lq->tab == &tabs[i] ? "\" aria-current=\"page\">" : "\">");
        buf_adds(&r->out, tabs[i].label);
        buf_printf(&r->out, " <span class=\"count\">%lld</span></a></li>", (long long)n);
    }
    buf_adds(&r->out, "</ul></nav>");
}

static void option(struct buf *b, const char *value, const char *label, const char *chosen)
{
    buf_adds(b, "<option value=\"");
    html_text(b, value);
    buf_adds(b, chosen && !strcmp(chosen, value) ? "\" selected>" : "\">");
    html_text(b, label);
    buf_adds(b, "</option>");
}

/* The search and filter form (GET): it keeps the tab. */
static void write_filters(struct request *r, const struct list_query *lq,
                          const struct order_count_row *counts, size_t ncounts)
{
    struct buf *b = &r->out;
    buf_adds(b, "<form method=\"get\" action=\"/orders\" class=\"toolbar filters\" "
                "role=\"search\" aria-label=\"Search orders\">");
    if (lq->tab->status) {
        buf_adds(b, "<input type=\"hidden\" name=\"status\" value=\"");
        buf_adds(b, lq->tab->status);
        buf_adds(b, "\">");
    }
    buf_adds(b, "<label class=\"grow\">Search <input type=\"search\" name=\"q\" maxlength=\"100\" "
                "placeholder=\"Reference, name, postcode or tracking number\" value=\"");
    html_text(b, lq->q ? lq->q : "");
    buf_adds(b, "\"></label><label>Created from <input type=\"date\" name=\"from\" value=\"");
    html_text(b, lq->from ? lq->from : "");
    buf_adds(b, "\"></label><label>to <input type=\"date\" name=\"to\" value=\"");
    html_text(b, lq->to ? lq->to : "");
    buf_adds(b, "\"></label><label>Service <select name=\"service\">");
    option(b, "", "Any service", lq->service);
    const struct tariff *t = r->cfg->tariff;
    for (size_t i = 0; t && i < tariff_service_count(t); i++) {
        const struct tariff_service *sv = tariff_service_at(t, i);
        option(b, sv->code, sv->name, lq->service);
    }
    buf_adds(b, "</select></label><label>Channel <select name=\"channel\">");
    option(b, "", "Any channel", lq->channel);
    for (size_t k = 0; k < ncounts; k++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = !strcmp(counts[j].channel, counts[k].channel);
        if (!seen) option(b, counts[k].channel, counts[k].channel, lq->channel);
    }
    if (lq->channel) {
        bool listed = false;
        for (size_t k = 0; k < ncounts && !listed; k++)
            listed = !strcmp(counts[k].channel, lq->channel);
        if (!listed) option(b, lq->channel, lq->channel, lq->channel);
    }
    buf_adds(b, "</select></label><label>Sort <select name=\"sort\">");
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
        option(b, sorts[i].name, sorts[i].label, lq->sort ? lq->sort : "newest");
    buf_adds(b, "</select></label><button type=\"submit\">Search</button>");
    if (lq->q || lq->from || lq->to || lq->service || lq->channel) {
        buf_adds(b, "<a class=\"button secondary\" href=\"");
        buf_adds(b, lq->tab->status ? "/orders?status=" : "/orders");
        if (lq->tab->status) buf_adds(b, lq->tab->status);
        buf_adds(b, "\">Clear</a>");
    }
    buf_adds(b, "</form>");
}

/* The actions on the ticked orders: one button each, the form's own. */
static void write_actions(struct request *r)
{
    struct buf *b = &r->out;
    buf_adds(b, "<div class=\"toolbar bulk-actions\" role=\"group\" aria-label=\"Actions on the "
                "ticked orders\"><span class=\"postage\"><label>Service "
                "<select name=\"service\">"
                "<option value=\"rules\">Let the shipping rules choose</option>");
    const struct tariff *t = r->cfg->tariff;
    for (size_t i = 0; t && i < tariff_service_count(t); i++) {
        const struct tariff_service *sv = tariff_service_at(t, i);
        option(b, sv->code, sv->name, NULL);
    }
    buf_adds(b, "</select></label>"
                "<button type=\"submit\" formaction=\"/orders/bulk/postage\">Apply postage</button>"
                "</span>"
                "<button type=\"submit\" formaction=\"/orders/bulk/labels\">Print labels</button>"
                "<button type=\"submit\" class=\"secondary\" "
                "formaction=\"/orders/bulk/despatch-notes\">Despatch notes</button>"
                "<button type=\"submit\" class=\"secondary\" "
                "formaction=\"/orders/bulk/despatched\">Mark despatched</button>"
                "<button type=\"submit\" class=\"secondary\" formaction=\"/orders/bulk/hold\">"
                "Hold</button>"
                "<button type=\"submit\" class=\"secondary\" formaction=\"/orders/bulk/release\">"
                "Release</button>"
                "<button type=\"submit\" class=\"danger\" formaction=\"/orders/bulk/cancel\" "
                "data-confirm=\"Cancel the ticked orders? Their labels are voided.\">Cancel"
                "</button>"
                "<button type=\"submit\" class=\"danger\" formaction=\"/orders/bulk/delete\" "
                "data-confirm=\"Delete the ticked orders? This cannot be undone.\">Delete"
                "</button></div>");
}

/* The string at a path of the order's JSON (NULL-terminated names), or "". */
static const char *doc_str(json_t *doc, const char *const *path)
{
    json_t *v = doc;
    for (; v && *path; path++)
        v = json_object_get(v, *path);
    return json_is_string(v) ? json_string_value(v) : "";
}

static const char *const P_SERVICE[] = {"postageDetails", "serviceCode", NULL};
static const char *const P_NAME[] = {"recipient", "address", "fullName", NULL};
static const char *const P_POSTCODE[] = {"recipient", "address", "postcode", NULL};
static const char *const P_COUNTRY[] = {"recipient", "address", "countryCode", NULL};

static void cell(struct buf *b, const char *text)
{
    buf_adds(b, "<td>");
    html_text(b, text ? text : "");
    buf_adds(b, "</td>");
}

static void write_row(struct request *r, const struct order_row *row)
{
    struct buf *b = &r->out;
    json_t *doc = row->doc ? json_loads(row->doc, 0, NULL) : NULL;
    const char *service = row->service_code;
    if (!service) service = doc_str(doc, P_SERVICE);
    buf_printf(b,
               "<tr><td><input type=\"checkbox\" name=\"id\" value=\"%lld\" "
               "aria-label=\"Select order %lld\"></td>"
               "<td><a href=\"/orders/%lld\">%lld</a></td>",
               (long long)row->order_id, (long long)row->order_id, (long long)row->order_id,
               (long long)row->order_id);
    cell(b, row->reference);
    cell(b, doc_str(doc, P_NAME));
    cell(b, doc_str(doc, P_POSTCODE));
    cell(b, doc_str(doc, P_COUNTRY));
    cell(b, service);
    buf_adds(b, "<td><span class=\"badge s-");
    html_text(b, row->status);
    buf_adds(b, "\">");
    html_text(b, status_words(row->status));
    buf_adds(b, "</span></td><td class=\"created\">");
    write_created(b, row->created_on);
    buf_adds(b, "</td>");
    cell(b, row->tracking_number);
    buf_adds(b, "</tr>");
    json_decref(doc);
}

static void write_empty(struct request *r, const struct list_query *lq)
{
    struct buf *b = &r->out;
    bool filtered = lq->from || lq->to || lq->service || lq->channel;
    buf_adds(b, "<div class=\"empty\"><p>");
    if (lq->q) {
        buf_adds(b, "No order matches \xe2\x80\x9c");
        html_text(b, lq->q);
        buf_adds(b, filtered ? "\xe2\x80\x9d with these filters." : "\xe2\x80\x9d.");
    } else if (filtered) {
        buf_adds(b, "No order matches these filters.");
    } else {
        buf_adds(b, lq->tab->empty);
    }
    buf_adds(b, "</p>");
    if (lq->q || filtered) {
        buf_adds(b, "<p><a href=\"");
        buf_adds(b, lq->tab->status ? "/orders?status=" : "/orders");
        if (lq->tab->status) buf_adds(b, lq->tab->status);
        buf_adds(b, "\">Clear the search</a></p>");
    } else if (!lq->tab->status) {
        buf_adds(b, "<p>Orders arrive through the API, or <a href=\"/import\">import a "
                    "spreadsheet</a>.</p>");
    }
    buf_adds(b, "</div>");
}

static void write_table(struct request *r, const struct list_query *lq,
                        const struct order_row *rows, size_t n)
{
    struct buf *b = &r->out;
    buf_adds(b, "<form method=\"post\" action=\"/orders/bulk/despatched\" class=\"bulk\">");
    web_csrf_field(r);
    if (lq->tab->status) {
        buf_adds(b, "<input type=\"hidden\" name=\"status\" value=\"");
        buf_adds(b, lq->tab->status);
        buf_adds(b, "\">");
    }
    write_actions(r);
    buf_adds(b, "<div class=\"table-wrap\"><table class=\"orders\"><caption class=\"muted\">");
    buf_adds(b, lq->tab->label);
    buf_adds(b, " orders</caption><thead><tr>"
                "<th scope=\"col\"><input type=\"checkbox\" data-select-all=\"id\" "
                "aria-label=\"Select every order on this page\"></th>"
                "<th scope=\"col\">Order</th><th scope=\"col\">Reference</th>"
                "<th scope=\"col\">Recipient</th><th scope=\"col\">Postcode</th>"
                "<th scope=\"col\">Country</th><th scope=\"col\">Service</th>"
                "<th scope=\"col\">Status</th><th scope=\"col\">Created</th>"
                "<th scope=\"col\">Tracking number</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++)
        write_row(r, &rows[i]);
    buf_adds(b, "</tbody></table></div></form>");
}

static void write_pager(struct request *r, const struct list_query *lq,
                        const struct order_row *rows, size_t n, bool prev, bool next)
{
    if (!prev && !next) return;
    struct buf *b = &r->out;
    buf_adds(b, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (prev) {
        /* a page past the end has no first row to go back from: the start */
        buf_adds(b, "<a rel=\"prev\" href=\"");
        html_text(b, n ? list_link(r, lq, "before", rows[0].order_id) : list_link(r, lq, NULL, 0));
        buf_adds(b, "\">Previous 50</a>");
    }
    if (next && n) {
        buf_adds(b, "<a rel=\"next\" href=\"");
        html_text(b, list_link(r, lq, "after", rows[n - 1].order_id));
        buf_adds(b, "\">Next 50</a>");
    }
    buf_adds(b, "</nav>");
}

/* The page's rows and whether there are pages either side: a page reached
 * backwards that runs out at the start is the first page, read afresh. */
static int read_rows(struct request *r, struct list_query *lq, struct order_row **rows, size_t *n,
                     bool *prev, bool *next)
{
    struct scope sc = scope_of(&r->principal);
    struct order_find *f = &lq->find;
    if (store_orders_find(r->store, &sc, f, &r->arena, rows, n) != STORE_OK) return STORE_ERROR;
    if (f->before_id) {
        if (*n > PAGE_ROWS) {
            *prev = *next = true;
            (*rows)++, (*n)--;
            return STORE_OK;
        }
        f->before_id = 0;
        if (store_orders_find(r->store, &sc, f, &r->arena, rows, n) != STORE_OK) return STORE_ERROR;
    }
    *prev = f->after_id > 0;
    *next = *n > PAGE_ROWS;
    if (*next) *n = PAGE_ROWS;
    return STORE_OK;
}

void web_orders(struct request *r)
{
    struct list_query lq;
    const char *why = read_query(r, &lq);
    struct scope sc = scope_of(&r->principal);
    struct order_count_row *counts = NULL;
    size_t ncounts = 0;
    struct order_row *rows = NULL;
    size_t n = 0;
    bool prev = false, next = false;
    bool failed =
        store_order_status_counts(r->store, &sc, &r->arena, &counts, &ncounts) != STORE_OK;
    if (!failed && !why) failed = read_rows(r, &lq, &rows, &n, &prev, &next) != STORE_OK;
    if (failed) {
        web_error_page(r, 503, "The orders are unavailable right now. Try again shortly.");
        return;
    }
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id, rows[i].order_id);
        ids[i] = rows[i].order_id;
    }
    if (n) http_audit_ids(r, r->principal.tenant_id, "order.read", "order", ids, n);

    web_page_open(r, WEB_SECTION_ORDERS, "Orders");
    write_done(r);
    html_alert(&r->out, why);
    write_tabs(r, &lq, counts, ncounts);
    write_filters(r, &lq, counts, ncounts);
    if (why) {
        web_page_close(r, 400);
        return;
    }
    if (n == 0)
        write_empty(r, &lq);
    else
        write_table(r, &lq, rows, n);
    write_pager(r, &lq, rows, n, prev, next);
    web_page_close(r, 200);
}
