/* document: the PDFs a business prints: postage and returns labels,
 * despatch notes, CN22 and CN23 customs declarations, and manifests.
 *
 * Drawn with cairo's PDF surface straight into the caller's buffer, barcodes
 * with zint as vectors (Code 128 for the tracking number, Data Matrix for the
 * item's key data), text in an embedded TrueType font (DejaVu Sans) that
 * prints European Latin, Greek and Cyrillic as written.
 *
 * The input is plain structs the caller fills from stored orders. Each one
 * carries the tenant of its order; a document is begun for one tenant and
 * refuses (DOC_ERR_TENANT) to draw anything of another, discarding what it
 * drew so far, so the PDF can only ever hold the caller's own data.
 *
 * Fonts are loaded once (doc_fonts_load) and shared, read-only. Drawing in
 * process is for one thread per process at a time (a command, a test, a
 * drawing worker): cairo 1.16's glyph cache can deadlock two threads
 * drawing at once (doc_fonts.c). The server draws in none of its threads:
 * once draw_pool_start has given the fonts a pool of drawing processes
 * (draw_pool.h), doc_begin ... doc_end write the document down and a worker
 * draws it, so any number of threads may call in and as many documents as
 * there are workers are drawn at once. Callers do not see which way a
 * document was drawn. Each document is used by one thread; nothing else is
 * kept between documents. doc_qr_png draws no text and may be called from
 * any thread. */
#ifndef POSTROOM_DOCUMENT_H
#define POSTROOM_DOCUMENT_H
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOC_FONT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define DOC_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

struct doc_fonts;

/* Loads the regular and bold faces (TrueType files; NULL picks the DejaVu
 * defaults above) and checks they draw Latin, Greek and Cyrillic. Returns
 * NULL with a message in err on failure. */
struct doc_fonts *doc_fonts_load(const char *regular, const char *bold, char *err, size_t n);
/* Releases the fonts; no document may be in progress, and every other
 * thread that drew with them must have ended (the caller's own faces are
 * closed here). */
void doc_fonts_free(struct doc_fonts *f);

enum doc_layout {
    DOC_LAYOUT_6X4, /* 4 x 6 inch thermal labels, one per page */
    DOC_LAYOUT_A4,  /* A4 sheets, four labels per page (2 x 2) */
};

/* A postal address. Any field may be NULL or empty and is then left out. */
struct doc_address {
    const char *name;
    const char *company;
    const char *line1, *line2, *line3;
    const char *city, *county, *postcode;
    const char *country_code; /* ISO 3166-1 alpha-2 */
    const char *country;      /* printed name; NULL prints the code (none for GB) */
    const char *phone;
};

/* customsDeclarationCategory. */
enum doc_category {
    DOC_CAT_SALE_OF_GOODS,
    DOC_CAT_GIFT,
    DOC_CAT_COMMERCIAL_SAMPLE,
    DOC_CAT_DOCUMENTS,
    DOC_CAT_RETURNED_GOODS,
    DOC_CAT_OTHER,
};

/* One line of an order's contents. */
struct doc_item {
    const char *description; /* customsDescription, else the product name */
    const char *sku;
    const char *hs_code;        /* customsCode */
    const char *origin_country; /* originCountryCode */
    int quantity;
    int64_t unit_value_pence;
    int unit_weight_grams;
};

/* One order as its paperwork needs it. */
struct doc_shipment {
    int64_t tenant_id;
    int64_t order_id;            /* orderIdentifier, 1001 ...; 0: a return naming no order */
    const char *order_reference; /* may be NULL */
    int64_t order_date_ms;       /* Unix ms; 0 = not printed */
    const char *trading_name;    /* the sender block's heading */
    struct doc_address sender;
    struct doc_address recipient;
    struct doc_address return_address; /* empty (no line1): the sender's */
    const char *service_code, *service_name;
    const char *format;          /* packageFormatIdentifier, e.g. smallParcel; NULL with */
    int weight_grams;            /* weight 0 for a return made on its own (POST /returns) */
    const char *tracking_number; /* printable ASCII, at most 40 characters */
    const struct doc_item *items;
    size_t n_items;
    enum doc_category category;
    const char *category_explanation; /* for DOC_CAT_OTHER */
    int64_t postage_pence;            /* postal charges on the CN23 */
    int64_t printed_ms;               /* the date customs forms are signed; 0 = left blank */
    /* The returns label: the customer sends the item back to the return
     * address under this service and tracking number. */
    const char *returns_service_code, *returns_service_name;
    const char *returns_tracking_number;
};

/* One item of a manifest. */
struct doc_manifest_line {
    int64_t tenant_id;
    int64_t order_id;
    const char *order_reference;
    const char *tracking_number;
    const char *service_code, *service_name;
    const char *format;
    const char *postcode, *country_code;
    int weight_grams;
};

struct doc_manifest {
    int64_t tenant_id;
    int64_t manifest_number;
    int64_t created_ms;            /* Unix ms, printed in UTC */
    const char *trading_name;      /* the business */
    struct doc_address collection; /* where the items are collected */
    const struct doc_manifest_line *lines;
    size_t n_lines;
};

enum doc_rc {
    DOC_OK = 0,
    DOC_ERR_TENANT = 1, /* a record of another tenant: a security event */
    DOC_ERR_INPUT = 2,  /* e.g. a label without a tracking number */
    DOC_ERR_DRAW = 3,   /* cairo or zint failed */
};

/* A document under construction. */
struct doc;

/* Begins a PDF for tenant_id that will be appended to out (whose arena also
 * holds the document's own state). title goes into the PDF's metadata. */
struct doc *doc_begin(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                      const char *title, struct buf *out);

/* Adders. Labels and CN22s take the next label-sized place (a page of their
 * own in 6x4, a quarter of an A4 sheet); despatch notes and CN23s take whole
 * pages of the layout's size; manifests take A4 pages. After a failure every
 * adder does nothing and doc_end reports the first error. */
void doc_add_label(struct doc *d, const struct doc_shipment *s);
void doc_add_returns_label(struct doc *d, const struct doc_shipment *s);
void doc_add_despatch_note(struct doc *d, const struct doc_shipment *s);
void doc_add_cn22(struct doc *d, const struct doc_shipment *s);
void doc_add_cn23(struct doc *d, const struct doc_shipment *s);
/* CN22 or CN23, whichever doc_customs_form chooses. Every customs adder
 * fails the document (DOC_ERR_INPUT) rather than print a declaration of
 * nothing: no items, an item without description, quantity or weight, or
 * goods (any category but documents) worth 0. */
void doc_add_customs(struct doc *d, const struct doc_shipment *s);
void doc_add_manifest(struct doc *d, const struct doc_manifest *m);

/* Finishes the PDF and releases the document. Returns DOC_OK with the PDF
 * appended to out, or an error (why, if not NULL, gets a constant message)
 * with out back at its length before doc_begin. */
enum doc_rc doc_end(struct doc *d, const char **why);

/* 22 or 23: the customs form the shipment's goods need (by total value and
 * number of item lines). */
int doc_customs_form(const struct doc_shipment *s);
/* The total value (pence) and net weight (grams) of the items. */
int64_t doc_items_value(const struct doc_shipment *s);
int64_t doc_items_weight(const struct doc_shipment *s);

/* The Data Matrix's key data, "TN=RA473124829GB;SVC=TOLP24;PC=SW1A1AA;WG=500":
 * tracking number, service code, destination postcode (letters and digits
 * only, upper case) and weight in grams; values keep only A-Z and 0-9.
 * Writes at most n bytes including the NUL. */
void doc_key_data(char *out, size_t n, const char *tracking, const char *service,
                  const char *postcode, int weight_grams);

/* A QR code of data as a PNG image appended to out: black modules on white,
 * module_px (1-32) pixels a module, four modules of quiet zone. DOC_ERR_INPUT
 * when the data does not fit a QR code, DOC_ERR_DRAW when cairo fails (out
 * is then as it was). */
enum doc_rc doc_qr_png(const char *data, int module_px, struct buf *out);

/* One call that renders n shipments' postage labels (each followed by its
 * returns label when returns is set) into out: what the benchmark times. */
enum doc_rc doc_render_labels(const struct doc_fonts *f, int64_t tenant_id, enum doc_layout layout,
                              const struct doc_shipment *s, size_t n, bool returns,
                              struct buf *out);

#endif
