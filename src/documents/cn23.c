/* cn23: the CN23 customs declaration (goods above GBP 270, or more items
 * than a CN22 holds), on the layout's page size: item number as Code 128,
 * sender and addressee, category, every item with description, quantity,
 * net weight, value, HS code and origin (continuing on further pages),
 * totals with the postal charges, and the sender's certification. */
#include "documents/doc_impl.h"

#include <stdio.h>

static double cn23_title(struct doc *d, const struct doc_page *g, bool cont)
{
    double y = g->m + 18 * g->k;
    pd_font(d, true, 16 * g->k);
    pd_text(d, g->m, y, cont ? "CUSTOMS DECLARATION (continued)" : "CUSTOMS DECLARATION");
    pd_font(d, true, 24 * g->k);
    pd_text_right(d, g->m + g->w, y + 3 * g->k, "CN 23");
    pd_font(d, false, 8 * g->k);
    pd_text(d, g->m, y + 14 * g->k,
            "Designated operator: Royal Mail  \xC2\xB7  May be opened officially");
    pd_line(d, g->m, y + 22 * g->k, g->m + g->w, y + 22 * g->k, 1);
    return y + 36 * g->k;
}

/* The item number as text and as Code 128 (beside it on A4, under it on a
 * narrow page), and the order's reference. */
static double cn23_item_no(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                           double y)
{
    char ref[120];
    double k = g->k, bw = g->narrow ? g->w : g->w * 0.55;
    pd_font(d, true, 7.5 * k);
    pd_text(d, g->m, y, "ITEM NO.");
    pd_font(d, true, 11 * k);
    pd_text(d, g->m, y + 14 * k, s->tracking_number);
    snprintf(ref, sizeof ref, "Order %lld%s%s", (long long)s->order_id,
             pd_has(s->order_reference) ? "  \xC2\xB7  Ref " : "", pd_s(s->order_reference));
    pd_font(d, false, 8 * k);
    pd_text_fit(d, g->m, y + 26 * k, g->narrow ? g->w : g->w - bw - 10, ref);
    if (g->narrow) {
        pd_code128(d, s->tracking_number, g->m, y + 34 * k, bw, 40 * k);
        return y + 92 * k;
    }
    pd_code128(d, s->tracking_number, g->m + g->w - bw, y - 6 * k, bw, 34 * k);
    return y + 50 * k;
}

/* FROM and TO boxes: side by side on A4, stacked on a narrow page. */
static double cn23_addresses(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                             double y)
{
    double k = g->k, col = g->narrow ? g->w : (g->w - 12) / 2;
    struct doc_address from = s->sender;
    if (pd_has(s->trading_name)) from.name = s->trading_name;
    pd_font(d, true, 7.5 * k);
    pd_text(d, g->m, y, "FROM");
    double y1 = pd_address_block(d, g->m, y + 12 * k, col, 9 * k, &from);
    double x2 = g->narrow ? g->m : g->m + col + 12, y2s = g->narrow ? y1 + 4 * k : y;
    pd_font(d, true, 7.5 * k);
    pd_text(d, x2, y2s, "TO");
    double y2 = pd_address_block(d, x2, y2s + 12 * k, col, 9 * k, &s->recipient);
    return (y1 > y2 ? y1 : y2) + 6 * k;
}

static struct pd_table cn23_table(const struct doc_page *g, struct pd_col c[6])
{
    double k = g->k;
    if (g->narrow) {
        c[1] = (struct pd_col){"Qty", 30 * k, PD_RIGHT};
        c[2] = (struct pd_col){"kg", 48 * k, PD_RIGHT};
        c[3] = (struct pd_col){"GBP", 54 * k, PD_RIGHT};
        c[4] = (struct pd_col){"HS code", 58 * k, PD_LEFT};
        c[5] = (struct pd_col){"Origin", 38 * k, PD_LEFT};
    } else {
        c[1] = (struct pd_col){"Qty", 30, PD_RIGHT};
        c[2] = (struct pd_col){"Weight (kg)", 80, PD_RIGHT};
        c[3] = (struct pd_col){"Value (GBP)", 68, PD_RIGHT};
        c[4] = (struct pd_col){"HS tariff no.", 70, PD_LEFT};
        c[5] = (struct pd_col){"Origin", 44, PD_LEFT};
    }
    double rest = g->w - c[1].w - c[2].w - c[3].w - c[4].w - c[5].w;
    c[0] =
        (struct pd_col){g->narrow ? "Contents" : "Detailed description of contents", rest, PD_LEFT};
    return (struct pd_table){c, 6, g->m, 8.5 * k, 17 * k};
}

/* Every item, breaking onto continuation pages; returns y after them. */
static double cn23_items(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                         double y)
{
    struct pd_col cols[6];
    struct pd_table t = cn23_table(g, cols);
    pd_table_header(d, &t, y);
    y += t.row_h;
    for (size_t i = 0; i < s->n_items; i++, y += t.row_h) {
        if (y + t.row_h > d->page_h - g->m - 20 * g->k) {
            doc_page(d, d->page_w, d->page_h);
            y = cn23_title(d, g, true);
            pd_table_header(d, &t, y);
            y += t.row_h;
        }
        const struct doc_item *it = &s->items[i];
        char qty[24], kg[32], val[32];
        snprintf(qty, sizeof qty, "%d", it->quantity);
        cu_item_weight(kg, sizeof kg, it);
        cu_item_value(val, sizeof val, it);
        const char *cells[] = {it->description, qty, kg, val, it->hs_code, it->origin_country};
        pd_table_row(d, &t, y, cells, false);
    }
    return y;
}

/* Totals: net and gross weight, value and postal charges, right-aligned. */
static double cn23_totals(struct doc *d, const struct doc_page *g, const struct doc_shipment *s,
                          double y)
{
    char v[4][32];
    pd_weight(v[0], sizeof v[0], doc_items_weight(s));
    pd_weight(v[1], sizeof v[1], s->weight_grams);
    pd_money(v[2], sizeof v[2], doc_items_value(s));
    pd_money(v[3], sizeof v[3], s->postage_pence);
    static const char *const names[] = {"Total net weight", "Total gross weight",
                                        "Total value (GBP)", "Postal charges (GBP)"};
    double k = g->k, x = g->m + g->w;
    for (int i = 0; i < 4; i++) {
        y += 13 * k;
        pd_font(d, false, 9 * k);
        pd_text_right(d, x - 90 * k, y, names[i]);
        pd_font(d, true, 9 * k);
        pd_text_right(d, x - 3, y, v[i]);
    }
    return y + 18 * k;
}

void doc_add_cn23(struct doc *d, const struct doc_shipment *s)
{
    if (doc_job_cn23(d, s)) return; /* drawn in a worker process */
    if (!doc_admit(d, s->tenant_id) || !cu_declarable(d, s)) return;
    if (!pd_tracking_ok(s->tracking_number)) {
        doc_fail(d, DOC_ERR_INPUT, "a CN23 needs the item's tracking number");
        return;
    }
    struct doc_page g = doc_page_geometry(d, 12, 36, 0.72);
    double pw, ph;
    doc_layout_page(d, &pw, &ph);
    doc_page(d, pw, ph);
    double y = cn23_title(d, &g, false);
    y = cn23_item_no(d, &g, s, y);
    y = cn23_addresses(d, &g, s, y);
    y = cu_categories(d, g.m, y + 4 * g.k, g.w, 8.5 * g.k, g.narrow ? 2 : 3, s);
    y = cn23_items(d, &g, s, y);
    if (y + 150 * g.k > ph - g.m) {
        doc_page(d, pw, ph);
        y = cn23_title(d, &g, true);
    }
    y = cn23_totals(d, &g, s, y);
    cu_certify(d, g.m, y, g.w, 8 * g.k, s);
}
