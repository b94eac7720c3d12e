/* import_mapping: a business's own column mapping, for spreadsheet layouts
 * postroom does not know (issue 13): which header of the file fills which
 * postroom field, and how its dates are written.
 *
 * A mapping is a value handed to the reader (import_defaults.mapping), the
 * alternative to a detected layout; where it is kept (the store, per
 * business) is the caller's business. Pure logic: no HTTP, no store. */
#ifndef POSTROOM_IMPORT_MAPPING_H
#define POSTROOM_IMPORT_MAPPING_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* The postroom fields a column can fill, in the order the mapping page
 * lists them. */
enum import_field {
    IMPORT_F_REFERENCE,
    IMPORT_F_KEY,
    IMPORT_F_FULLNAME,
    IMPORT_F_FIRST,
    IMPORT_F_LAST,
    IMPORT_F_COMPANY,
    IMPORT_F_ADDR1,
    IMPORT_F_ADDR2,
    IMPORT_F_ADDR3,
    IMPORT_F_CITY,
    IMPORT_F_COUNTY,
    IMPORT_F_POSTCODE,
    IMPORT_F_COUNTRY,
    IMPORT_F_EMAIL,
    IMPORT_F_PHONE,
    IMPORT_F_BUSINESS,
    IMPORT_F_INSTRUCTIONS,
    IMPORT_F_DATE,
    IMPORT_F_WEIGHT,
    IMPORT_F_PACKAGE,
    IMPORT_F_SUBTOTAL,
    IMPORT_F_SHIPPING,
    IMPORT_F_TOTAL,
    IMPORT_F_CURRENCY,
    IMPORT_F_SERVICE,
    IMPORT_F_REGISTER,
    IMPORT_F_SAFEPLACE,
    IMPORT_F_SIGNATURE,
    IMPORT_F_ITEM_NAME,
    IMPORT_F_SKU,
    IMPORT_F_QUANTITY,
    IMPORT_F_UNIT_PRICE,
    IMPORT_F_UNIT_WEIGHT,
    IMPORT_F_CUSTOMS_DESC,
    IMPORT_F_HS_CODE,
    IMPORT_F_ORIGIN,
    IMPORT_F_SHIPS,
    IMPORT_NFIELDS
};

struct import_field_info {
    const char *key;   /* stable, for forms and the stored spec: "postcode" */
    const char *label; /* for people: "Postcode" */
    const char *hint;  /* a few words more, or NULL */
};
const struct import_field_info *import_field_info(enum import_field f);

/* How the file writes its dates. */
enum import_mapping_dates {
    IMPORT_MAP_DMY, /* dd/mm/yyyy (the UK's) */
    IMPORT_MAP_MDY, /* mm/dd/yyyy (the US's) */
    IMPORT_MAP_ISO, /* 2026-03-01, with or without a time */
    IMPORT_MAP_NDATES
};
/* "dmy", "mdy", "iso"; and the words the page shows. */
const char *import_mapping_dates_key(enum import_mapping_dates d);
const char *import_mapping_dates_label(enum import_mapping_dates d);

struct import_mapping {
    const char *name; /* the business's name for it; the batch's format_name */
    enum import_mapping_dates dates;
    /* per field: the header of the file's column that fills it (matched
     * ignoring ASCII case and surrounding space), NULL when none does */
    const char *column[IMPORT_NFIELDS];
};

/* The header row of a file, trimmed: what the mapping page offers. */
struct import_headers {
    const char **text;
    const char **first; /* per header, the first data row's cell (trimmed), "" when none */
    size_t n;
    size_t line;       /* its physical line */
    size_t nrows;      /* data rows below it (blank ones not counted) */
    size_t prefix_len; /* bytes of the file up to the end of its first `rows` data rows */
};
/* Reads the file's header row, and how many bytes the header and its first
 * `rows` data rows take (so that the page can keep only those). False with
 * *line and *message for a file that is not a readable spreadsheet. */
bool import_file_headers(const char *data, size_t len, size_t rows, struct arena *a,
                         struct import_headers *out, size_t *line, const char **message);

/* What a mapping of these headers should be: per field, the message for
 * the person making it (NULL when the field is fine), e.g. "Address line 1
 * must be mapped to a column". A required field (the recipient's name,
 * address line 1, the town) not mapped, two fields reading one column, a
 * column the headers do not have or have twice. Returns the number of
 * messages; 0 when the mapping can be saved. */
size_t import_mapping_check(const struct import_mapping *m, const struct import_headers *h,
                            struct arena *a, const char *errors[IMPORT_NFIELDS]);

/* A first guess for headers postroom has not seen as a whole: a header
 * that is one of the known layouts' spellings of a field, or the field's
 * own label, fills it. */
void import_mapping_guess(const struct import_headers *h, struct import_mapping *out);

/* The stored form: a JSON text (dates and the fields' columns), and back.
 * Decode is false for a text that is not a mapping. */
const char *import_mapping_encode(const struct import_mapping *m, struct arena *a);
bool import_mapping_decode(const char *spec, const char *name, struct arena *a,
                           struct import_mapping *out);
/* The headers as one text (a JSON array, ASCII lower-cased, trimmed): two
 * files whose signatures are equal have the same columns in the same
 * order, so a saved mapping recognises them. */
const char *import_headers_signature(const struct import_headers *h, struct arena *a);

#endif
