/* despatch: the despatch note (packing slip) that travels in the parcel:
 * who it is from and for, the order's details and its items. Drawn on the
 * layout's page size (A4, or a 4 x 6 inch page on a thermal printer), on
 * as many pages as the items need. */
#include "documents/doc_impl.h"

#include <stdio.h>

/* The title line; continuation pages say so. */
static double dn_title(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                       bool cont)
{
    char order[64];
    double y = g->m + 20 * g->k;
    pd_font(d, true, 20 * g->k);
    pd_text(d, g->m, y, cont ? "Despatch note (continued)" : "Despatch note");
    snprintf(order, sizeof order, "Order %lld", (long long)s->order_id);
    pd_font(d, true, 12 * g->k);
    pd_text_right(d, g->m + g->w, y, order);
    pd_line(d, g->m, y + 8 * g->k, g->m + g->w, y + 8 * g->k, 1);
    return y + 24 * g->k;
}

/* The order's details as label: value lines; returns the baseline after. */
static double dn_details(struct doc *d, double x, double y, double w, double k,
                         const struct doc_shipment *s)
{
    char date[40] = "", svc[200];
    if (s->order_date_ms) pd_date(date, sizeof date, s->order_date_ms, false);
    snprintf(svc, sizeof svc, "%s (%s)", pd_s(s->service_name), pd_s(s->service_code));
    const char *rows[][2] = {{"Reference", s->order_reference},
                             {"Order date", date},
                             {"Service", pd_has(s->service_code) ? svc : NULL},
                             {"Tracking number", s->tracking_number}};
    size_t n = sizeof rows / sizeof *rows;
    double lw = 0;
    pd_font(d, true, 9 * k);
    for (size_t i = 0; i < n; i++) {
        double tw = pd_width(d, rows[i][0]);
        lw = tw > lw ? tw : lw;
    }
    lw += 8 * k;
    for (size_t i = 0; i < n; i++) {
        if (!pd_has(rows[i][1])) continue;
        pd_font(d, true, 9 * k);
        pd_text(d, x, y, rows[i][0]);
        pd_font(d, false, 9 * k);
        y += 12 * k * pd_text_wrap(d, x + lw, y, w - lw, 12 * k, 2, rows[i][1]);
    }
    return y;
}

/* A small grey caption over a block. */
static void dn_caption(struct doc *d, double x, double y, double k, const char *text)
{
    cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
    pd_font(d, true, 7.5 * k);
    pd_text(d, x, y, text);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

/* From, deliver to and the order details: side by side on A4, stacked on
 * a narrow page. Returns the y under them. */
static double dn_blocks(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                        double y)
{
    double k = g->k, col = g->narrow ? g->w : (g->w - 20) * 0.29;
    struct doc_address from = s->sender;
    if (pd_has(s->trading_name)) from.name = s->trading_name;
    double x2 = g->narrow ? g->m : g->m + col + 10, x3 = g->narrow ? g->m : g->m + 2 * (col + 10);
    double col3 = g->narrow ? g->w : g->w - 2 * (col + 10);
    dn_caption(d, g->m, y, k, "FROM");
    double y1 = pd_address_block(d, g->m, y + 12 * k, col, 9 * k, &from);
    double y2s = g->narrow ? y1 + 6 * k : y;
    dn_caption(d, x2, y2s, k, "DELIVER TO");
    double y2 = pd_address_block(d, x2, y2s + 12 * k, col, 9 * k, &s->recipient);
    double y3s = g->narrow ? y2 + 6 * k : y;
    dn_caption(d, x3, y3s, k, "ORDER");
    double y3 = dn_details(d, x3, y3s + 12 * k, col3, k, s);
    double bottom = y1 > y2 ? y1 : y2;
    return (bottom > y3 ? bottom : y3) + 8 * k;
}

static struct pd_table dn_table(const struct doc_page *g, struct pd_col cols[3])
{
    double qty = 40 * g->k, sku = g->w * 0.25;
    cols[0] = (struct pd_col){"Item", g->w - qty - sku, PD_LEFT};
    cols[1] = (struct pd_col){"SKU", sku, PD_LEFT};
    cols[2] = (struct pd_col){"Qty", qty, PD_RIGHT};
    return (struct pd_table){cols, 3, g->m, 9 * g->k, 17 * g->k};
}

/* The items, a page at a time, then the total count. */
static void dn_items(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                     double y)
{
    double ph = d->page_h, pw = d->page_w;
    struct pd_col cols[3];
    struct pd_table t = dn_table(g, cols);
    long total = 0;
    pd_table_header(d, &t, y);
    y += t.row_h;
    for (size_t i = 0; i < s->n_items; i++) {
        if (y + t.row_h > ph - g->m - 30 * g->k) {
            doc_page(d, pw, ph);
            y = dn_title(d, g, s, true);
            pd_table_header(d, &t, y);
            y += t.row_h;
        }
        char qty[24];
        snprintf(qty, sizeof qty, "%d", s->items[i].quantity);
        const char *cells[] = {s->items[i].description, s->items[i].sku, qty};
        pd_table_row(d, &t, y, cells, false);
        y += t.row_h;
        total += s->items[i].quantity;
    }
    char line[64];
    snprintf(line, sizeof line, "Items in this parcel: %ld", total);
    pd_font(d, true, 10 * g->k);
    pd_text_right(d, g->m + g->w, y + 16 * g->k, line);
}

void doc_add_despatch_note(struct doc *d, const struct doc_shipment *s)
{
    if (doc_job_despatch_note(d, s)) return; /* drawn in a worker process */
    if (!doc_admit(d, s->tenant_id)) return;
    struct doc_page g = doc_page_geometry(d, 14, 40, 0.75);
    double pw, ph;
    doc_layout_page(d, &pw, &ph);
    doc_page(d, pw, ph);
    double y = dn_title(d, &g, s, false);
    y = dn_blocks(d, &g, s, y);
    dn_items(d, &g, s, y);
}
