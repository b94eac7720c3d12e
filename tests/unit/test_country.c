/* Unit tests of src/domain/country: country names, alpha-2 and alpha-3
 * codes read as alpha-2, and which countries have postcodes. */
#include "check.h"
#include "domain/country.h"

static void test_country(void)
{
    const char *gb[] = {"GB",      "gb",       " gbr ", "United Kingdom",   "uk",
                        "England", "Scotland", "Wales", "Northern Ireland", "GREAT BRITAIN"};
    for (size_t i = 0; i < sizeof gb / sizeof *gb; i++)
        CHECK_STR(country_to_alpha2(gb[i]), "GB");
    CHECK_STR(country_to_alpha2("USA"), "US");
    CHECK_STR(country_to_alpha2("United States of America"), "US");
    CHECK_STR(country_to_alpha2("united states"), "US");
    CHECK_STR(country_to_alpha2("Germany"), "DE");
    CHECK_STR(country_to_alpha2("deu"), "DE");
    CHECK_STR(country_to_alpha2("C\xC3\xB4te d'Ivoire"), "CI");
    CHECK_STR(country_to_alpha2("Ivory Coast"), "CI");
    CHECK_STR(country_to_alpha2("Bolivia"), "BO");
    CHECK_STR(country_to_alpha2("Korea, Republic of"), "KR");
    CHECK_STR(country_to_alpha2("Republic of Ireland"), "IE");
    CHECK_STR(country_to_alpha2("\tJersey\n"), "JE");
    CHECK_STR(country_to_alpha2("ZW"), "ZW");
    CHECK(country_to_alpha2("Narnia") == NULL);
    CHECK(country_to_alpha2("") == NULL);
    CHECK(country_to_alpha2("   ") == NULL);
    CHECK(country_to_alpha2("G") == NULL);
    CHECK(country_to_alpha2("Channel Islands") == NULL);
    CHECK(country_to_alpha2(NULL) == NULL);
    CHECK_STR(country_name("GB"), "United Kingdom");
    CHECK(country_name("XX") == NULL);
    /* every assigned alpha-2 code maps to itself */
    int found = 0;
    for (char x = 'A'; x <= 'Z'; x++)
        for (char y = 'A'; y <= 'Z'; y++) {
            char code[3] = {x, y, 0};
            if (country_name(code)) {
                found++;
                CHECK_STR(country_to_alpha2(code), code);
            }
        }
    CHECK_INT(found, 249);
}

/* Which countries have postcodes, by alpha-2 or alpha-3 code. */
static void test_requires_postcode(void)
{
    const char *need[] = {"GB", "GBR", "US", "CA", "DE", "FR", "AU", "NL", "JE", "IM", "JP"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        CHECK(country_requires_postcode(need[i]));
    const char *none[] = {"IE", "HK", "AE", "QA", "MO", "ZW"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        CHECK(!country_requires_postcode(none[i]));
    CHECK(!country_requires_postcode("ZZ"));
    CHECK(!country_requires_postcode(NULL));
    CHECK(!country_requires_postcode("United Kingdom")); /* a code, not a name */
}

int main(void)
{
    test_country();
    test_requires_postcode();
    return check_report("test_country");
}
