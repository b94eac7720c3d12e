/* pdfdraw_table: the blocks the A4-style documents share: a full address
 * block and ruled tables with a grey header band. */
#include "documents/doc_impl.h"

#include <stdio.h>

double pd_address_block(struct doc *d, double x, double y, double w, double size,
                        const struct doc_address *a)
{
    const char *company = pd_same(a->company, a->name) ? NULL : a->company;
    const char *lines[] = {company, a->line1,  a->line2,    a->line3,
                           a->city, a->county, a->postcode, pd_country(a)};
    double lead = size * 1.25;
    if (pd_has(a->name)) {
        pd_font(d, true, size);
        pd_text_fit(d, x, y, w, a->name);
        y += lead;
    }
    pd_font(d, false, size);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        if (!pd_has(lines[i])) continue;
        pd_text_fit(d, x, y, w, lines[i]);
        y += lead;
    }
    if (pd_has(a->phone)) {
        char tel[64];
        snprintf(tel, sizeof tel, "Tel %s", a->phone);
        pd_text_fit(d, x, y, w, tel);
        y += lead;
    }
    return y;
}

double pd_table_width(const struct pd_table *t)
{
    double w = 0;
    for (int i = 0; i < t->n; i++)
        w += t->cols[i].w;
    return w;
}

/* One cell's text, placed by its column's alignment with 3 pt padding. */
static void pd_cell(struct doc *d, const struct pd_col *c, double x, double y, const char *text)
{
    double pad = 3, w = c->w - 2 * pad;
    if (c->align == PD_LEFT || pd_width(d, text) > w)
        pd_text_fit(d, x + pad, y, w, text);
    else if (c->align == PD_RIGHT)
        pd_text_right(d, x + c->w - pad, y, text);
    else
        pd_text_center(d, x + c->w / 2, y, text);
}

void pd_table_header(struct doc *d, const struct pd_table *t, double y)
{
    pd_fill(d, t->x, y, pd_table_width(t), t->row_h, 0.88);
    pd_font(d, true, t->size);
    double x = t->x, base = y + t->row_h / 2 + t->size * 0.36;
    for (int i = 0; i < t->n; i++) {
        pd_cell(d, &t->cols[i], x, base, t->cols[i].title);
        x += t->cols[i].w;
    }
}

void pd_table_row(struct doc *d, const struct pd_table *t, double y, const char *const *cells,
                  bool bold)
{
    pd_font(d, bold, t->size);
    double x = t->x, base = y + t->row_h / 2 + t->size * 0.36;
    for (int i = 0; i < t->n; i++) {
        pd_cell(d, &t->cols[i], x, base, pd_s(cells[i]));
        x += t->cols[i].w;
    }
    cairo_set_source_rgb(d->cr, 0.75, 0.75, 0.75);
    pd_line(d, t->x, y + t->row_h, t->x + pd_table_width(t), y + t->row_h, 0.4);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}
