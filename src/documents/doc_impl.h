/* doc_impl: what the document files share and nobody else sees: the
 * document under construction, its pages and label-sized places, and the
 * drawing helpers (pdfdraw.c) every document kind is built from.
 *
 * Coordinates are PDF points (1/72 inch), origin at the top left, y down.
 * Inside a label-sized place the space is always DOC_LABEL_W x DOC_LABEL_H,
 * whatever the page, so a label is drawn once for both layouts. */
#ifndef POSTROOM_DOC_IMPL_H
#define POSTROOM_DOC_IMPL_H
#include "documents/document.h"

#include <cairo.h>

#define DOC_LABEL_W 288.0 /* 4 inch */
#define DOC_LABEL_H 432.0 /* 6 inch */
#define DOC_A4_W 595.276
#define DOC_A4_H 841.89
#define DOC_MARGIN 10.0

/* doc_fonts.c: struct doc_fonts holds the font files' bytes, loaded once
 * and then only read; each thread draws with faces of its own, opened from
 * them the first time it draws (NULL if FreeType or cairo refuse) and
 * closed when the thread ends. */
struct doc_thread_fonts;
struct doc_thread_fonts *doc_thread_fonts(const struct doc_fonts *f);
cairo_font_face_t *doc_thread_face(const struct doc_thread_fonts *t, bool bold);
/* Keeps a reference to a scaled font the thread draws with (see doc_fonts.c
 * for why) until the thread ends. */
void doc_thread_pin(struct doc_thread_fonts *t, cairo_scaled_font_t *sf);
/* The pool the fonts draw in (draw_pool.h), NULL to draw in this process;
 * set by draw_pool_start before any thread is created, cleared by
 * draw_pool_stop after they have ended. */
struct draw_pool *doc_fonts_pool(const struct doc_fonts *f);
void doc_fonts_set_pool(struct doc_fonts *f, struct draw_pool *p);

struct doc {
    struct doc_thread_fonts *fonts; /* the drawing thread's; NULL for a job */
    struct draw_pool *pool;         /* where a job is drawn, else NULL */
    struct buf *job;                /* the job written down (draw_job.c), else NULL */
    int64_t tenant_id;
    enum doc_layout layout;
    struct buf *out;
    size_t out_start;
    cairo_surface_t *surface;
    cairo_t *cr;
    enum doc_rc rc;
    const char *why;
    int pages;             /* pages begun */
    double page_w, page_h; /* the current page */
    int cells;             /* label places used on the current A4 page; 4 = full */
};

/* document.c: admission and pages. */
/* Whether the document may draw a record of tenant_id: false after an
 * earlier failure, and a mismatch fails the document with DOC_ERR_TENANT. */
bool doc_admit(struct doc *d, int64_t tenant_id);
void doc_fail(struct doc *d, enum doc_rc rc, const char *why);
/* Starts a new page of w x h points; the drawing space is that page. */
void doc_page(struct doc *d, double w, double h);
/* The size of the layout's pages: A4, or 4 x 6 inch. */
void doc_layout_page(const struct doc *d, double *w, double *h);
/* A whole-page document's geometry: narrow pages (6x4) get the narrow
 * margin, smaller type (scale k) and stacked blocks. */
struct doc_page {
    double m, w, k; /* margin, inner width, type scale */
    bool narrow;
};
struct doc_page doc_page_geometry(const struct doc *d, double narrow_margin, double wide_margin,
                                  double narrow_scale);
/* Opens the next label-sized place (see above) and closes it. */
void doc_cell_begin(struct doc *d);
void doc_cell_end(struct doc *d);

/* draw_job.c: a document of fonts that draw in a pool is not drawn here
 * but written down (d->job) for a worker process to draw at doc_end. Each
 * public adder first offers its record: the doc_job_* functions return
 * false when the document is drawn here, true when they wrote the record
 * down (the adder then returns). */
void doc_job_begin(struct doc *d, const char *title);
bool doc_job_label(struct doc *d, const struct doc_shipment *s);
bool doc_job_returns_label(struct doc *d, const struct doc_shipment *s);
bool doc_job_despatch_note(struct doc *d, const struct doc_shipment *s);
bool doc_job_cn22(struct doc *d, const struct doc_shipment *s);
bool doc_job_cn23(struct doc *d, const struct doc_shipment *s);
bool doc_job_manifest(struct doc *d, const struct doc_manifest *m);
/* The worker's half: reads the job's len bytes back and draws it here with
 * f into out, as doc_begin ... doc_end would (why gets a constant). */
enum doc_rc doc_job_draw(const struct doc_fonts *f, const char *job, size_t len, struct buf *out,
                         const char **why);
/* document.c: a document drawn in this process, whatever the fonts say
 * (the worker's doc_begin). */
struct doc *doc_begin_here(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                           const char *title, struct buf *out);

/* draw_pool.c: sends the job to a free worker and waits for its PDF, which
 * is appended to out; on any failure out is as it was. why (not NULL) gets
 * a message that lives as long as out's arena. */
enum doc_rc draw_pool_draw(struct draw_pool *p, const struct buf *job, struct buf *out,
                           const char **why);

/* pdfdraw.c: text. Every string is cleaned first: invalid UTF-8 becomes
 * U+FFFD and control characters spaces, so no input can stop cairo. */
void pd_font(struct doc *d, bool bold, double size);
double pd_width(struct doc *d, const char *s);
/* Draws s at baseline y, starting at x / ending at x / centred on x. */
void pd_text(struct doc *d, double x, double y, const char *s);
void pd_text_right(struct doc *d, double x, double y, const char *s);
void pd_text_center(struct doc *d, double x, double y, const char *s);
/* Draws s within w points, cut with an ellipsis if it does not fit. */
void pd_text_fit(struct doc *d, double x, double y, double w, const char *s);
/* The largest size from size down to min at which s fits in w (min if none). */
double pd_fit_size(struct doc *d, bool bold, double size, double min, double w, const char *s);
/* Word-wraps s into at most max_lines lines of width w, leading apart;
 * the last line is cut with an ellipsis. Returns the lines drawn. */
int pd_text_wrap(struct doc *d, double x, double y, double w, double leading, int max_lines,
                 const char *s);

/* pdfdraw.c: shapes, in black unless gray says otherwise (0 black, 1 white). */
void pd_line(struct doc *d, double x1, double y1, double x2, double y2, double width);
void pd_rect(struct doc *d, double x, double y, double w, double h, double width);
void pd_fill(struct doc *d, double x, double y, double w, double h, double gray);
void pd_checkbox(struct doc *d, double x, double y, double size, bool checked);

/* pdfdraw_barcode.c: Code 128 of data, centred in [x, x + w], h tall, with
 * its ten-module quiet zones kept inside w; Data Matrix (square) centred in a
 * size x size box with at least four modules of quiet zone all round. The
 * module is a whole number of 203 dpi printer dots where room allows. False
 * (document failed) if zint refuses the data. */
bool pd_code128(struct doc *d, const char *data, double x, double y, double w, double h);
bool pd_datamatrix(struct doc *d, const char *data, double x, double y, double size);

/* pdfdraw_table.c: an address block (name in bold, then each line) at
 * baseline y, returning the baseline after it; and simple ruled tables. */
double pd_address_block(struct doc *d, double x, double y, double w, double size,
                        const struct doc_address *a);
enum pd_align { PD_LEFT, PD_RIGHT, PD_CENTER };
struct pd_col {
    const char *title;
    double w;
    enum pd_align align;
};
struct pd_table {
    const struct pd_col *cols;
    int n;
    double x, size, row_h;
};
/* Draws the header band (titles in bold on grey) or one row of cells with
 * its top at y; each cell is cut to its column. */
void pd_table_header(struct doc *d, const struct pd_table *t, double y);
void pd_table_row(struct doc *d, const struct pd_table *t, double y, const char *const *cells,
                  bool bold);
double pd_table_width(const struct pd_table *t);

/* customs.c: what CN22 and CN23 share. The category boxes in `cols`
 * columns from baseline y (returns the baseline after them); the sender's
 * certification, wrapped into w (returns the baseline after); an item's
 * weight and value in text. */
double cu_categories(struct doc *d, double x, double y, double w, double size, int cols,
                     const struct doc_shipment *s);
double cu_certify(struct doc *d, double x, double y, double w, double size,
                  const struct doc_shipment *s);
/* Fails the document (DOC_ERR_INPUT) and returns false when the shipment
 * has nothing a declaration can declare: no items, an item without a
 * description, quantity or weight, or a value of 0 for goods. Behind the
 * rule of domain/customs_rule, so a form never prints 0.000 kg or 0.00. */
bool cu_declarable(struct doc *d, const struct doc_shipment *s);
void cu_item_weight(char *out, size_t n, const struct doc_item *it);
void cu_item_value(char *out, size_t n, const struct doc_item *it);

/* pdfdraw.c: formatting. */
const char *pd_s(const char *s); /* NULL -> "" */
/* Whether a tracking number can be printed: 1 to 40 printable ASCII. */
bool pd_tracking_ok(const char *t);
bool pd_has(const char *s);                                    /* not NULL and not empty */
bool pd_same(const char *a, const char *b);                    /* both present and equal */
void pd_weight(char *out, size_t n, int64_t grams);            /* "0.500 kg" */
void pd_kg(char *out, size_t n, int64_t grams);                /* "0.500" */
void pd_money(char *out, size_t n, int64_t pence);             /* "12.50" */
void pd_date(char *out, size_t n, int64_t ms, bool with_time); /* "29 Nov 2026[ 18:30 UTC]" */
const char *pd_format_name(const char *format);                /* smallParcel -> "Small parcel" */
/* The address on one line, parts joined by ", ". */
void pd_address_line(char *out, size_t n, const struct doc_address *a);
/* The country line of an address: its name, else its code; "" for GB. */
const char *pd_country(const struct doc_address *a);

#endif
