/* cn22: the CN22 customs declaration (goods up to GBP 270), in one
 * label-sized place like a label: category, up to five item lines with
 * description, quantity, weight, value, HS code and origin, the totals, and
 * the sender's certification. */
#include "documents/doc_impl.h"
#include "domain/customs_rule.h"

#include <stdio.h>

#define C_M DOC_MARGIN
#define C_IN (DOC_LABEL_W - 2 * C_M)
#define C_ROW 26.0

/* The form's heading, the operator and the item number. */
static double cn22_head(struct doc *d, const struct doc_shipment *s)
{
    char item[80];
    pd_font(d, true, 12);
    pd_text(d, C_M, 26, "CUSTOMS DECLARATION");
    pd_font(d, true, 20);
    pd_text_right(d, DOC_LABEL_W - C_M, 28, "CN 22");
    pd_font(d, false, 7.5);
    pd_text(d, C_M, 40, "Designated operator: Royal Mail");
    pd_text_right(d, DOC_LABEL_W - C_M, 40, "May be opened officially");
    snprintf(item, sizeof item, "Item no. %s", pd_s(s->tracking_number));
    pd_font(d, true, 8);
    pd_text_fit(d, C_M, 52, C_IN, item);
    pd_line(d, 4, 58, DOC_LABEL_W - 4, 58, 0.8);
    return 72;
}

static struct pd_table cn22_table(struct pd_col cols[4])
{
    cols[0] = (struct pd_col){"Description of contents", C_IN - 24 - 56 - 56, PD_LEFT};
    cols[1] = (struct pd_col){"Qty", 24, PD_RIGHT};
    cols[2] = (struct pd_col){"Weight (kg)", 56, PD_RIGHT};
    cols[3] = (struct pd_col){"Value (GBP)", 56, PD_RIGHT};
    return (struct pd_table){cols, 4, C_M, 7, 15};
}

/* One item: description, quantity, weight and value on the first line,
 * HS code and origin in small grey type under it. */
static void cn22_item(struct doc *d, const struct pd_table *t, double y, const struct doc_item *it)
{
    char qty[24], kg[32], val[32], detail[160];
    snprintf(qty, sizeof qty, "%d", it->quantity);
    cu_item_weight(kg, sizeof kg, it);
    cu_item_value(val, sizeof val, it);
    const char *cells[] = {it->description, qty, kg, val};
    struct pd_table row = *t;
    row.size = 8;
    row.row_h = 14;
    pd_table_row(d, &row, y, cells, false);
    snprintf(detail, sizeof detail, "HS %s  \xC2\xB7  Origin %s",
             pd_has(it->hs_code) ? it->hs_code : "-",
             pd_has(it->origin_country) ? it->origin_country : "-");
    cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
    pd_font(d, false, 6.5);
    pd_text_fit(d, C_M + 3, y + 22, t->cols[0].w - 6, detail);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

/* Up to CUSTOMS_CN22_MAX_ITEMS lines (the last says how many more if there are
 * more), then the totals of every item. */
static double cn22_items(struct doc *d, const struct doc_shipment *s, double y)
{
    struct pd_col cols[4];
    struct pd_table t = cn22_table(cols);
    pd_table_header(d, &t, y);
    y += t.row_h;
    size_t shown = s->n_items <= CUSTOMS_CN22_MAX_ITEMS ? s->n_items : CUSTOMS_CN22_MAX_ITEMS - 1;
    for (size_t i = 0; i < shown; i++, y += C_ROW)
        cn22_item(d, &t, y, &s->items[i]);
    if (shown < s->n_items) {
        char more[64];
        snprintf(more, sizeof more, "and %zu more items", s->n_items - shown);
        pd_font(d, false, 8);
        pd_text(d, C_M + 3, y + 12, more);
        y += 18;
    }
    char kg[32], val[32];
    pd_kg(kg, sizeof kg, doc_items_weight(s));
    pd_money(val, sizeof val, doc_items_value(s));
    const char *cells[] = {"Total", "", kg, val};
    pd_table_row(d, &t, y + 2, cells, true);
    return y + t.row_h + 16;
}

void doc_add_cn22(struct doc *d, const struct doc_shipment *s)
{
    if (doc_job_cn22(d, s)) return; /* drawn in a worker process */
    if (!doc_admit(d, s->tenant_id) || !cu_declarable(d, s)) return;
    doc_cell_begin(d);
    pd_rect(d, 4, 4, DOC_LABEL_W - 8, DOC_LABEL_H - 8, 1);
    double y = cn22_head(d, s);
    y = cu_categories(d, C_M, y, C_IN, 8, 2, s);
    pd_line(d, 4, y - 4, DOC_LABEL_W - 4, y - 4, 0.8);
    y = cn22_items(d, s, y + 2);
    cu_certify(d, C_M, y, C_IN, 6.5, s);
    doc_cell_end(d);
}
