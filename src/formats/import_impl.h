/* import_impl: what the import files share (the fields a column can fill,
 * the layouts, the value readers); not for use outside src/domain/import*. */
#ifndef POSTROOM_IMPORT_IMPL_H
#define POSTROOM_IMPORT_IMPL_H
#include "formats/csv.h"
#include "formats/import.h"

/* The order fields a spreadsheet column can fill. */
enum import_slot {
    S_NONE,
    S_KEY, /* the order number that groups line-item rows */
    S_FULLNAME,
    S_FIRST,
    S_LAST,
    S_COMPANY,
    S_ADDR1,
    S_ADDR2,
    S_ADDR3,
    S_CITY,
    S_COUNTY,
    S_POSTCODE,
    S_COUNTRY,
    S_PHONE,
    S_EMAIL,
    S_BUSINESS,
    S_REFERENCE,
    S_INSTRUCTIONS,
    S_DATE,
    S_WEIGHT,
    S_PACKAGE,
    S_SUBTOTAL,
    S_SHIPPING,
    S_TOTAL,
    S_CURRENCY,
    S_SERVICE,
    S_REGISTER,
    S_SAFEPLACE,
    S_SIGNATURE,
    S_ITEM_NAME,
    S_SKU,
    S_QUANTITY,
    S_UNIT_PRICE,
    S_UNIT_WEIGHT,
    S_CUSTOMS_DESC,
    S_HS_CODE,
    S_ORIGIN,
    S_SHIPS, /* the line item is posted (Shopify's "Lineitem requires shipping") */
    S_COUNT
};

#define COL_REQUIRED 1u /* the layout is not recognised without this column */
#define VAL_REQUIRED 2u /* every order needs a value in it */

struct import_column {
    const char *header; /* matched ignoring ASCII case and surrounding space */
    enum import_slot slot;
    unsigned flags;
};

enum import_dates {
    DATES_DMY,  /* dd/mm/yy or dd/mm/yyyy (Click & Drop) */
    DATES_MDY,  /* mm/dd/yy or mm/dd/yyyy (Etsy) */
    DATES_ISO,  /* 2024-03-01, 2024-03-01 10:15[:00][ +0000], RFC 3339 */
    DATES_EBAY, /* Mar-01-24 or 01-Mar-24 */
};

struct import_layout {
    enum import_format format;
    const char *name;
    bool grouped; /* rows with the same S_KEY are one order */
    enum import_dates dates;
    const struct import_column *columns; /* ends with a NULL header */
    const char *const *footers;          /* text that marks a row as a report's summary line, not an
                                            order, when its first cell contains it; NULL-terminated */
};

extern const struct import_layout import_layouts[];
extern const size_t import_nlayouts;
/* Click & Drop's optional columns that a marketplace file may carry too. */
extern const struct import_column import_extra_columns[];
/* The CreateOrderRequest path a slot fills, with [] for array indices. */
const char *import_slot_path(enum import_slot s);
/* The Click & Drop header for a slot, NULL if none. */
const char *import_clickanddrop_header(enum import_slot s);

/* Value readers: each returns false when the text does not read. */
bool import_parse_date(enum import_dates style, const char *s, int64_t *unix_ms);
bool import_parse_money(const char *s, int64_t *pence, const char **currency);
bool import_parse_bool(const char *s, bool *value);
bool import_parse_quantity(const char *s, int64_t *q);
const char *import_date_hint(enum import_dates style);

/* The state of one import while rows are mapped. */
struct import_reader {
    struct arena *a;
    const struct import_layout *layout;
    int col[S_COUNT];             /* cell index per slot, -1 when the file has no column */
    const char *colname[S_COUNT]; /* the file's header text per slot */
    int64_t now_ms;
    struct import_defaults defaults;
    struct import_batch *out;
    size_t errcap, leftcap;
};

/* The value of a slot in a row, trimmed; NULL when the file has no such
 * column or the cell is empty. */
const char *import_cell(const struct import_reader *r, const struct csv_row *row,
                        enum import_slot s);
void import_error(struct import_reader *r, size_t line, const char *column, const char *message);
void import_leave_out(struct import_reader *r, size_t line, const char *reference,
                      const char *reason);
/* Maps the rows of one order to a CreateOrderRequest; NULL (with errors
 * added) when a value does not read. */
json_t *import_map_order(struct import_reader *r, const struct csv_row *const *rows, size_t n);
/* A business's mapping (import_mapping.h) as the file's layout: finds each
 * mapped header in the header row; false (with the error) when one is
 * missing. */
struct import_mapping;
bool import_mapping_apply(struct import_reader *r, const struct csv_row *header,
                          const struct import_mapping *m);
/* A value quoted for a message: at most ~40 characters, cut at a UTF-8
 * boundary. */
const char *import_echo(struct arena *a, const char *s);

#endif
