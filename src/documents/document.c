/* document: a PDF under construction: the cairo PDF surface writing into
 * the caller's buffer, the tenant wall, pages and label-sized places. */
#include "documents/doc_impl.h"

#include <cairo-pdf.h>

#define DOC_CELL_PAD 6.0 /* around each label on an A4 sheet */

/* cairo's output callback: everything goes into the caller's buffer. */
static cairo_status_t doc_write(void *closure, const unsigned char *data, unsigned int len)
{
    buf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

void doc_layout_page(const struct doc *d, double *w, double *h)
{
    *w = d->layout == DOC_LAYOUT_A4 ? DOC_A4_W : DOC_LABEL_W;
    *h = d->layout == DOC_LAYOUT_A4 ? DOC_A4_H : DOC_LABEL_H;
}

/* No lock: a process draws with one thread (the command line's, a test's,
 * a drawing worker's: draw_pool.c), because cairo 1.16's process-wide glyph
 * cache can deadlock two threads drawing at once (doc_fonts.c says how).
 * The server's threads only write jobs down, and the pool's processes draw
 * them. */
struct doc *doc_begin(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                      const char *title, struct buf *out)
{
    struct draw_pool *pool = doc_fonts_pool(f);
    if (!pool) return doc_begin_here(f, tenant_id, layout, title, out);
    struct doc *d = arena_alloc(out->arena, sizeof *d);
    d->pool = pool;
    d->tenant_id = tenant_id;
    d->layout = layout;
    d->out = out;
    d->out_start = out->len;
    doc_job_begin(d, title);
    return d;
}

struct doc *doc_begin_here(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                           const char *title, struct buf *out)
{
    struct doc *d = arena_alloc(out->arena, sizeof *d);
    double w, h;
    d->fonts = doc_thread_fonts(f); /* this thread's faces (doc_fonts.c) */
    d->tenant_id = tenant_id;
    d->layout = layout;
    d->out = out;
    d->out_start = out->len;
    d->cells = 4;
    doc_layout_page(d, &w, &h);
    d->surface = cairo_pdf_surface_create_for_stream(doc_write, out, w, h);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "postroom");
    d->cr = cairo_create(d->surface);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) doc_fail(d, DOC_ERR_DRAW, "cairo failed");
    if (!d->fonts) doc_fail(d, DOC_ERR_DRAW, "the fonts would not open");
    return d;
}

void doc_fail(struct doc *d, enum doc_rc rc, const char *why)
{
    if (d->rc) return;
    d->rc = rc;
    d->why = why;
}

bool doc_admit(struct doc *d, int64_t tenant_id)
{
    if (d->rc) return false;
    if (tenant_id == d->tenant_id) return true;
    doc_fail(d, DOC_ERR_TENANT, "a record of another tenant");
    return false;
}

void doc_page(struct doc *d, double w, double h)
{
    if (d->pages) cairo_show_page(d->cr);
    cairo_pdf_surface_set_size(d->surface, w, h);
    d->pages++;
    d->page_w = w;
    d->page_h = h;
    d->cells = 4; /* a whole page: the next label starts another */
}

/* Light dashed cutting guides between the four labels of an A4 sheet. */
static void doc_cut_guides(struct doc *d)
{
    static const double dash[] = {3, 3};
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0.7, 0.7, 0.7);
    cairo_set_dash(d->cr, dash, 2, 0);
    pd_line(d, DOC_A4_W / 2, 0, DOC_A4_W / 2, DOC_A4_H, 0.5);
    pd_line(d, 0, DOC_A4_H / 2, DOC_A4_W, DOC_A4_H / 2, 0.5);
    cairo_restore(d->cr);
}

void doc_cell_begin(struct doc *d)
{
    if (d->layout == DOC_LAYOUT_6X4) {
        doc_page(d, DOC_LABEL_W, DOC_LABEL_H);
        cairo_save(d->cr);
        return;
    }
    if (d->cells >= 4) {
        doc_page(d, DOC_A4_W, DOC_A4_H);
        d->cells = 0;
        doc_cut_guides(d);
    }
    int c = d->cells++;
    double cw = DOC_A4_W / 2, ch = DOC_A4_H / 2;
    double sx = (cw - 2 * DOC_CELL_PAD) / DOC_LABEL_W, sy = (ch - 2 * DOC_CELL_PAD) / DOC_LABEL_H;
    double s = sx < sy ? sx : sy;
    cairo_save(d->cr);
    cairo_translate(d->cr, (c % 2) * cw + (cw - DOC_LABEL_W * s) / 2,
                    (c / 2) * ch + (ch - DOC_LABEL_H * s) / 2);
    cairo_scale(d->cr, s, s);
}

void doc_cell_end(struct doc *d)
{
    cairo_restore(d->cr);
}

enum doc_rc doc_end(struct doc *d, const char **why)
{
    if (d->job) return draw_pool_draw(d->pool, d->job, d->out, why ? why : &d->why);
    if (!d->rc && !d->pages) doc_fail(d, DOC_ERR_INPUT, "nothing to print");
    if (!d->rc && cairo_status(d->cr) != CAIRO_STATUS_SUCCESS)
        doc_fail(d, DOC_ERR_DRAW, "cairo failed");
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    if (!d->rc && cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
        doc_fail(d, DOC_ERR_DRAW, "cairo could not finish the PDF");
    cairo_surface_destroy(d->surface);
    if (d->rc) d->out->len = d->out_start;
    if (why) *why = d->why;
    return d->rc;
}

enum doc_rc doc_render_labels(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                              const struct doc_shipment *s, size_t n, bool returns, struct buf *out)
{
    struct doc *d = doc_begin(f, tenant_id, layout, "Postage labels", out);
    for (size_t i = 0; i < n; i++) {
        doc_add_label(d, &s[i]);
        if (returns) doc_add_returns_label(d, &s[i]);
    }
    return doc_end(d, NULL);
}

struct doc_page doc_page_geometry(const struct doc *d, double narrow_margin, double wide_margin,
                                  double narrow_scale)
{
    double pw, ph;
    doc_layout_page(d, &pw, &ph);
    bool narrow = pw < 400;
    struct doc_page g = {narrow ? narrow_margin : wide_margin, 0, narrow ? narrow_scale : 1,
                         narrow};
    g.w = pw - 2 * g.m;
    return g;
}
