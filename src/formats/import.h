/* import: orders from a spreadsheet file (Click & Drop's own layout, or a
 * Shopify, eBay, Amazon, Etsy or WooCommerce orders export), as
 * CreateOrderRequest objects ready for order_validate.
 *
 * Pure logic: no HTTP, no store. The caller validates and stores each item
 * and reports errors by line and column. */
#ifndef POSTROOM_IMPORT_H
#define POSTROOM_IMPORT_H
#include "util/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct import_mapping;

enum import_format {
    IMPORT_CLICKANDDROP = 1,
    IMPORT_SHOPIFY,
    IMPORT_EBAY,
    IMPORT_AMAZON,
    IMPORT_ETSY,
    IMPORT_WOOCOMMERCE,
    IMPORT_MAPPED, /* read through a business's own mapping (import_mapping.h) */
};

#define IMPORT_MAX_ORDERS 1000

struct import_error {
    size_t line;        /* 1-based physical line of the file */
    const char *column; /* the file's header text, NULL for the whole line or file */
    /* plain English, e.g. "'31/02/24' is not a date (dd/mm/yy or dd/mm/yyyy)" */
    const char *message;
};

struct import_order {
    size_t line;  /* first line of the order's rows */
    json_t *item; /* a CreateOrderRequest, owned by the batch */
};

/* An order of the file that is rightly not imported, and is no error: one
 * with nothing to post (every line item a gift card or download). */
struct import_left_out {
    size_t line;           /* first line of the order's rows */
    const char *reference; /* the order's reference, NULL when it has none */
    const char *reason;    /* plain English */
};

struct import_batch {
    enum import_format format; /* 0 when the file was not recognised */
    /* "Click & Drop", "Shopify", "eBay", "Amazon", "Etsy" or "WooCommerce" */
    const char *format_name;
    struct import_order *orders;
    size_t norders;
    struct import_error *errors;
    size_t nerrors;
    struct import_left_out *left_out;
    size_t nleft_out;
    size_t nlines;              /* physical lines in the file */
    const char *const *columns; /* internal: for import_column_for */
    /* internal, for import_stream: the cell index of the order number that
     * groups line-item rows (-1: one row per order) */
    int key_column;
};

/* Reads a spreadsheet file: parses it (csv_parse), detects its layout from
 * the header row (the first row with any text), and maps each row, or for
 * the exports that write one row per line item (Shopify, eBay, Amazon,
 * WooCommerce) each group of rows with the same order number, to a
 * CreateOrderRequest. All memory but the json items comes from a.
 *
 * Returns false for a problem with the whole file (not CSV, a header that
 * matches no layout, a required column missing, more than
 * IMPORT_MAX_ORDERS orders): errors[0] says why, with a line (and the
 * column when one is missing). Returns true otherwise; values that cannot
 * be mapped (a date, weight, country, yes/no, package size, quantity or
 * amount of money that does not read, or a required cell left empty) add
 * errors with their line and column, and leave their order out.
 *
 * Mapping, for every layout: the name (or First + Last Name) goes to
 * recipient.address.fullName; the country (name, alpha-2 or alpha-3) to an
 * alpha-2 countryCode, GB when empty; dates to midnight UTC of the day, or
 * with the time of day a cell gives ("28/11/2026 14:05", read as UTC;
 * marketplace date-times keep their instant), now_ms when empty; money
 * ("12.5", "£12.50", "1,234.50"; never "1,23") to JSON numbers, subtotal
 * defaulting to the sum of the line items (0 without), shippingCostCharged
 * to 0 and total to subtotal + shipping. packages[0] is written when the
 * file gives a weight, a package size or line items: weightInGrams from
 * Weight (kg, exact, no floating point) or else the sum of the items' unit
 * weight x quantity (absent when neither, which order_validate then reports
 * as the Weight column); packageFormatIdentifier from Package size,
 * "undefined" when empty. The marketplace layouts also read Click & Drop's
 * Weight, Package size, Service code, Service register code, Safe place and
 * Signature columns when the user has added them.
 *
 * A line item whose "requires shipping" cell (Shopify's Lineitem requires
 * shipping) says false is not parcel contents; an order whose every item
 * says so is left out (left_out, with its line), not an error. */
bool import_read(const char *data, size_t len, int64_t now_ms, struct arena *a,
                 struct import_batch *out);

/* What the business tells the import page for orders whose file is silent:
 * marketplace exports carry no parcel weight or size, and Click & Drop
 * applies the account's default package to them. Zero / NULL: no default. */
struct import_defaults {
    int64_t now_ms;             /* the order date of rows that give none */
    int64_t weight_grams;       /* when a row has no Weight and no item weights */
    const char *package_format; /* a packageFormatIdentifier, when no Package size */
    /* a business's own mapping (import_mapping.h): when set, the file is
     * read through it instead of a detected layout, and format_name is the
     * mapping's name */
    const struct import_mapping *mapping;
    /* The layout the file must be (postroom import --format); 0: whichever
     * the header row fits best. */
    enum import_format format;
};
bool import_read_with(const char *data, size_t len, const struct import_defaults *d,
                      struct arena *a, struct import_batch *out);

/* The column a CreateOrderRequest field path came from, so that errors
 * from order_validate name the column the user knows:
 * "recipient.address.postcode" -> "Postcode" (the file's own header text),
 * "packages[0].contents[1].SKU" -> "SKU". When the file lacks the column
 * but Click & Drop's layout has one for the field, that column's name (the
 * one to add, e.g. "Weight"). NULL if no column supplies the field. */
const char *import_column_for(const struct import_batch *b, const char *field_path);

/* "1.25" kg -> 1250 g: a decimal of up to 3 places, read exactly. */
bool import_parse_kg(const char *s, int64_t *grams);
/* "large letter", "Large-Letter"... -> "largeLetter"; NULL if not a size. */
const char *import_package_format(const char *s);

/* Releases the items (json_decref); the rest belongs to the arena. */
void import_batch_free(struct import_batch *b);

#endif
