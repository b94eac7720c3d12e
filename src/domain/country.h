/* country: ISO 3166-1 country codes from what people type in a spreadsheet.
 *
 * Pure lookup over a constant table: no allocation, no state. */
#ifndef POSTROOM_COUNTRY_H
#define POSTROOM_COUNTRY_H
#include <stdbool.h>

/* The alpha-2 code of the country text names: an alpha-2 or alpha-3 code,
 * the ISO short name (or its common or official form, "Bolivia",
 * "Korea, Republic of"), or a common alias (UK, Great Britain, England,
 * Scotland, Wales, Northern Ireland -> GB; USA, United States of America ->
 * US; Holland -> NL; ...). Case-insensitive (ASCII letters) and ignoring
 * surrounding white space. NULL if the text names no country. The result is
 * a constant string. */
const char *country_to_alpha2(const char *text);

/* The ISO short name of an alpha-2 code ("GB" -> "United Kingdom"), NULL if
 * the code is not assigned. */
const char *country_name(const char *alpha2);

/* True when an address in the country a code names (alpha-2 or alpha-3, as
 * the API's countryCode holds it) must have a postcode: GB, US, DE, FR,
 * ... (the list and why is in country.c). False for countries whose
 * addresses often have none (IE, HK, AE, ...) and for unknown codes. */
bool country_requires_postcode(const char *code);

#endif
