/* customs: what the CN22 and CN23 declarations share: which form goods
 * need, their totals, the category boxes and the sender's certification. */
#include "documents/doc_impl.h"
#include "domain/customs_rule.h"

#include <stdio.h>

int64_t doc_items_value(const struct doc_shipment *s)
{
    int64_t v = 0;
    for (size_t i = 0; i < s->n_items; i++)
        v += (int64_t)s->items[i].quantity * s->items[i].unit_value_pence;
    return v;
}

int64_t doc_items_weight(const struct doc_shipment *s)
{
    int64_t g = 0;
    for (size_t i = 0; i < s->n_items; i++)
        g += (int64_t)s->items[i].quantity * s->items[i].unit_weight_grams;
    return g;
}

int doc_customs_form(const struct doc_shipment *s)
{
    return doc_items_value(s) > CUSTOMS_CN22_MAX_PENCE || s->n_items > CUSTOMS_CN22_MAX_ITEMS ? 23
                                                                                              : 22;
}

void doc_add_customs(struct doc *d, const struct doc_shipment *s)
{
    if (doc_customs_form(s) == 22)
        doc_add_cn22(d, s);
    else
        doc_add_cn23(d, s);
}

bool cu_declarable(struct doc *d, const struct doc_shipment *s)
{
    const char *why = s->n_items ? NULL : "a customs declaration needs the items it declares";
    for (size_t i = 0; i < s->n_items && !why; i++) {
        const struct doc_item *it = &s->items[i];
        if (!pd_has(it->description) || it->quantity < 1 || it->unit_weight_grams < 1)
            why = "a customs declaration needs each item's description, quantity and weight";
    }
    if (!why && doc_items_value(s) <= 0 && s->category != DOC_CAT_DOCUMENTS)
        why = "a customs declaration needs the value of the goods";
    if (why) doc_fail(d, DOC_ERR_INPUT, why);
    return !why;
}

void cu_item_weight(char *out, size_t n, const struct doc_item *it)
{
    pd_kg(out, n, (int64_t)it->quantity * it->unit_weight_grams);
}

void cu_item_value(char *out, size_t n, const struct doc_item *it)
{
    pd_money(out, n, (int64_t)it->quantity * it->unit_value_pence);
}

double cu_categories(struct doc *d, double x, double y, double w, double size, int cols,
                     const struct doc_shipment *s)
{
    static const char *const names[] = {"Sale of goods", "Gift",           "Commercial sample",
                                        "Documents",     "Returned goods", "Other"};
    static const enum doc_category order[] = {DOC_CAT_GIFT,          DOC_CAT_COMMERCIAL_SAMPLE,
                                              DOC_CAT_DOCUMENTS,     DOC_CAT_RETURNED_GOODS,
                                              DOC_CAT_SALE_OF_GOODS, DOC_CAT_OTHER};
    double cw = w / cols, lead = size * 1.7;
    pd_font(d, false, size);
    for (int i = 0; i < 6; i++) {
        double cx = x + (i % cols) * cw, cy = y + (i / cols) * lead;
        pd_checkbox(d, cx, cy - size * 0.85, size, s->category == order[i]);
        pd_text_fit(d, cx + size * 1.5, cy, cw - size * 1.8, names[order[i]]);
    }
    y += ((6 + cols - 1) / cols) * lead;
    if (s->category == DOC_CAT_OTHER && pd_has(s->category_explanation)) {
        char line[400];
        snprintf(line, sizeof line, "Explanation: %s", s->category_explanation);
        pd_text_fit(d, x, y, w, line);
        y += lead;
    }
    return y;
}

double cu_certify(struct doc *d, double x, double y, double w, double size,
                  const struct doc_shipment *s)
{
    static const char text[] =
        "I, the undersigned, whose name and address are given on the item, certify that the "
        "particulars given in this declaration are correct and that this item does not contain "
        "any dangerous article or articles prohibited by legislation or by postal or customs "
        "regulations.";
    char date[40] = "";
    pd_font(d, false, size);
    y += pd_text_wrap(d, x, y, w, size * 1.25, 6, text) * size * 1.25 + size;
    if (s->printed_ms) pd_date(date, sizeof date, s->printed_ms, false);
    pd_font(d, true, size);
    pd_text(d, x, y, "Date and sender's signature");
    y += size * 2.6;
    pd_font(d, false, size * 1.1);
    pd_text(d, x, y, date);
    pd_text_fit(d, x + w * 0.35, y, w * 0.65, pd_s(s->trading_name));
    pd_line(d, x, y + 3, x + w, y + 3, 0.6);
    return y + size * 1.8;
}
