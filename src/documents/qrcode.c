/* qrcode: a QR code as a PNG image, for answers that carry one (the qrCode
 * of POST /returns). zint lays the symbol out one pixel a module; each module
 * becomes a square of pixels in a cairo image surface, which cairo writes as
 * PNG into the caller's buffer. No fonts, and every object is its caller's own,
 * so any number of threads may draw QR codes at once. */
#include "documents/document.h"

#include <cairo.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

#define QR_QUIET 4 /* modules of quiet zone each side (ISO/IEC 18004) */

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
    buf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* The symbol laid out one pixel a module, or NULL if zint refuses data. */
static struct zint_symbol *qr_encode(const char *data)
{
    struct zint_symbol *z = ZBarcode_Create();
    if (!z) abort(); /* out of memory, as xalloc */
    z->symbology = BARCODE_QRCODE;
    z->input_mode = DATA_MODE;
    z->output_options = BARCODE_NO_QUIET_ZONES;
    z->scale = 0.5f; /* zint draws matrix symbols at 2 x scale pixels a module */
    if (ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data)) >= ZINT_ERROR ||
        ZBarcode_Buffer(z, 0) >= ZINT_ERROR || !z->bitmap || z->bitmap_width <= 0 ||
        z->bitmap_height != z->bitmap_width) {
        ZBarcode_Delete(z);
        return NULL;
    }
    return z;
}

/* Paints the dark modules of z, m pixels each, inside the quiet zone. */
static void qr_paint(cairo_t *cr, const struct zint_symbol *z, int m)
{
    int n = z->bitmap_width;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (z->bitmap[(y * n + x) * 3] < 128)
                cairo_rectangle(cr, (x + QR_QUIET) * m, (y + QR_QUIET) * m, m, m);
    cairo_fill(cr);
}

enum doc_rc doc_qr_png(const char *data, int module_px, struct buf *out)
{
    if (module_px < 1 || module_px > 32) return DOC_ERR_INPUT;
    struct zint_symbol *z = qr_encode(data);
    if (!z) return DOC_ERR_INPUT;
    int side = (z->bitmap_width + 2 * QR_QUIET) * module_px;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(img);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    qr_paint(cr, z, module_px);
    ZBarcode_Delete(z);
    cairo_surface_flush(img);
    size_t start = out->len;
    bool ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS &&
              cairo_surface_write_to_png_stream(img, png_write, out) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    if (!ok) out->len = start;
    return ok ? DOC_OK : DOC_ERR_DRAW;
}
