/* package_format: Click & Drop's package formats and what a person calls
 * them, one table for the forms, the pages, the rules' sentences and the
 * documents. */
#ifndef POSTROOM_PACKAGE_FORMAT_H
#define POSTROOM_PACKAGE_FORMAT_H
#include <stddef.h>

struct package_format {
    const char *id;    /* the API's packageFormatIdentifier: "smallParcel" */
    const char *words; /* "Small parcel" */
};

/* The formats a business may choose, in the tariff's order ("undefined",
 * the API's "none given", is not one of them). */
extern const struct package_format package_formats[];
extern const size_t package_formats_count;

/* "Small parcel" for smallParcel, "Not given" for undefined; any other
 * value as it is, and NULL as NULL. */
const char *package_format_words(const char *id);

#endif
