/* pdfdraw_barcode: zint symbols drawn as vectors into cairo. zint lays the
 * symbol out (ZBarcode_Buffer_Vector) as rectangles, hexagons, circles and
 * strings; they become PDF paths here, so barcodes stay sharp at any
 * printer resolution. A symbol lives only for the one drawing. */
#include "documents/doc_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

#define BC_PRINTER_DOT (72.0 / 203.0)      /* one dot of a 203 dpi thermal printer */
#define BC_C128_QUIET 10                   /* modules each side (ISO/IEC 15417) */
#define BC_DM_QUIET 4                      /* modules each side at least (1 is the minimum) */
#define BC_MAX_MODULE (6 * BC_PRINTER_DOT) /* short data need not be huge */

/* Encodes data; NULL (document failed) when zint refuses it. */
static struct zint_symbol *bc_encode(struct doc *d, int symbology, int option_3, const char *data)
{
    struct zint_symbol *z = ZBarcode_Create();
    if (!z) abort(); /* out of memory, as xalloc */
    z->symbology = symbology;
    z->option_3 = option_3;
    z->show_hrt = 0;
    z->input_mode = DATA_MODE;
    z->output_options = BARCODE_NO_QUIET_ZONES;
    if (ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data)) >= ZINT_ERROR ||
        ZBarcode_Buffer_Vector(z, 0) >= ZINT_ERROR || !z->vector || z->vector->width <= 0) {
        ZBarcode_Delete(z);
        doc_fail(d, DOC_ERR_INPUT, "a barcode could not hold its data");
        return NULL;
    }
    return z;
}

/* A hexagon (MaxiCode) as zint's own SVG writer draws it. */
static void bc_hexagon(cairo_t *cr, const struct zint_vector_hexagon *h)
{
    double r = h->diameter / 2, half = r / 2, s3 = 0.8660254037844386 * r;
    bool upright = h->rotation == 0 || h->rotation == 180;
    double px[6] = {0, s3, s3, 0, -s3, -s3}, py[6] = {r, half, -half, -r, -half, half};
    for (int i = 0; i < 6; i++) {
        double x = upright ? px[i] : py[i], y = upright ? py[i] : px[i];
        if (i == 0)
            cairo_move_to(cr, h->x + x, h->y + y);
        else
            cairo_line_to(cr, h->x + x, h->y + y);
    }
    cairo_close_path(cr);
}

/* Each rectangle is filled on its own: cairo writes a lone rectangle as one
 * PDF "re" (four numbers), and filling many small paths is several times
 * quicker in cairo than filling one path of all of them. */
static void bc_rects(cairo_t *cr, const struct zint_vector *v)
{
    for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next) {
        if (r->colour != -1) continue;
        cairo_rectangle(cr, r->x, r->y, r->width, r->height);
        cairo_fill(cr);
    }
}

/* Dark shapes: rectangles, then hexagons and discs in one fill; then rings
 * and the light circles (bullseyes) painted over them. */
static void bc_shapes(cairo_t *cr, const struct zint_vector *v)
{
    bc_rects(cr, v);
    for (const struct zint_vector_hexagon *h = v->hexagons; h; h = h->next)
        bc_hexagon(cr, h);
    for (const struct zint_vector_circle *c = v->circles; c; c = c->next)
        if (!c->colour && c->width <= 0) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, c->x, c->y, c->diameter / 2, 0, 2 * M_PI);
        }
    cairo_fill(cr);
    for (const struct zint_vector_circle *c = v->circles; c; c = c->next) {
        if (c->width > 0) {
            cairo_set_line_width(cr, c->width);
            cairo_arc(cr, c->x, c->y, c->diameter / 2, 0, 2 * M_PI);
            cairo_stroke(cr);
        } else if (c->colour) {
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_arc(cr, c->x, c->y, c->diameter / 2, 0, 2 * M_PI);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
    }
}

/* Human-readable strings, when a symbology insists on them, in our font. */
static void bc_strings(struct doc *d, const struct zint_vector *v, double x, double y, double sx,
                       double sy)
{
    for (const struct zint_vector_string *s = v->strings; s; s = s->next) {
        pd_font(d, false, s->fsize * sy);
        double tx = x + s->x * sx, ty = y + s->y * sy;
        const char *t = (const char *)s->text;
        if (s->halign == 1)
            pd_text(d, tx, ty, t);
        else if (s->halign == 2)
            pd_text_right(d, tx, ty, t);
        else
            pd_text_center(d, tx, ty, t);
    }
}

/* Draws the symbol's vector with its top left at (x, y), scaled by sx, sy. */
static void bc_draw(struct doc *d, const struct zint_symbol *z, double x, double y, double sx,
                    double sy)
{
    const struct zint_vector *v = z->vector;
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    cairo_translate(d->cr, x, y);
    cairo_scale(d->cr, sx, sy);
    bc_shapes(d->cr, z->vector);
    cairo_restore(d->cr);
    bc_strings(d, v, x, y, sx, sy);
}

/* The module size for at most `room` points: whole dots of a 203 dpi
 * printer when there is room for one, and not above BC_MAX_MODULE. */
static double bc_module(double room)
{
    if (room >= BC_PRINTER_DOT) room = floor(room / BC_PRINTER_DOT) * BC_PRINTER_DOT;
    return room > BC_MAX_MODULE ? BC_MAX_MODULE : room;
}

bool pd_code128(struct doc *d, const char *data, double x, double y, double w, double h)
{
    struct zint_symbol *z = bc_encode(d, BARCODE_CODE128, 0, data);
    if (!z) return false;
    double module = bc_module(w / (z->width + 2 * BC_C128_QUIET));
    double bw = module * z->width;
    bc_draw(d, z, x + (w - bw) / 2, y, bw / z->vector->width, h / z->vector->height);
    ZBarcode_Delete(z);
    return true;
}

bool pd_datamatrix(struct doc *d, const char *data, double x, double y, double size)
{
    struct zint_symbol *z = bc_encode(d, BARCODE_DATAMATRIX, DM_SQUARE, data);
    if (!z) return false;
    double module = bc_module(size / (z->width + 2 * BC_DM_QUIET));
    double bw = module * z->width, off = (size - bw) / 2;
    bc_draw(d, z, x + off, y + off, bw / z->vector->width, bw / z->vector->height);
    ZBarcode_Delete(z);
    return true;
}
