/* Unit tests of src/domain/package_format: every format the API's validation
 * accepts (but "undefined") is offered with its name, and names come back
 * for ids, "Not given" for undefined, anything else as it is. */
#include "check.h"
#include "domain/package_format.h"

#include <string.h>

int main(void)
{
    static const char *const api[] = {"letter",      "largeLetter", "smallParcel", "mediumParcel",
                                      "largeParcel", "parcel",      "documents"};
    CHECK_INT(package_formats_count, sizeof api / sizeof api[0]);
    for (size_t i = 0; i < package_formats_count && i < sizeof api / sizeof api[0]; i++) {
        CHECK_STR(package_formats[i].id, api[i]);
        CHECK(package_formats[i].words[0] >= 'A' && package_formats[i].words[0] <= 'Z');
    }
    CHECK_STR(package_format_words("smallParcel"), "Small parcel");
    CHECK_STR(package_format_words("largeLetter"), "Large letter");
    CHECK_STR(package_format_words("undefined"), "Not given");
    CHECK_STR(package_format_words("crate"), "crate");
    CHECK(package_format_words(NULL) == NULL);
    return check_report("test_package_format");
}
