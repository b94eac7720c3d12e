/* package_format: the formats and their names (see the header). */
#include "domain/package_format.h"

#include <string.h>

const struct package_format package_formats[] = {
    {"letter", "Letter"},
    {"largeLetter", "Large letter"},
    {"smallParcel", "Small parcel"},
    {"mediumParcel", "Medium parcel"},
    {"largeParcel", "Large parcel"},
    {"parcel", "Parcel"},
    {"documents", "Documents"},
};
const size_t package_formats_count = sizeof package_formats / sizeof package_formats[0];

const char *package_format_words(const char *id)
{
    if (!id) return NULL;
    if (!strcmp(id, "undefined")) return "Not given";
    for (size_t i = 0; i < package_formats_count; i++)
        if (!strcmp(id, package_formats[i].id)) return package_formats[i].words;
    return id;
}
