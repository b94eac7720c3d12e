/* Unit tests of src/domain/s10: the published examples, a generated table
 * checked against an independent implementation written here another way,
 * and rejection of corrupted numbers. */
#include "check.h"
#include "domain/s10.h"

#include <stdint.h>
#include <stdlib.h>

/* The independent check digit: works on the printed digits as text, and
 * maps the remainder straight to the digit through a table (remainder 0
 * gives 11 -> 5, remainder 1 gives 10 -> 0, otherwise 11 - remainder). */
static char ref_check(const char digits[8])
{
    static const char weights[] = "86423597";
    static const char by_remainder[] = "50987654321";
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (digits[i] - '0') * (weights[i] - '0');
    return by_remainder[sum % 11];
}

/* The independent whole number: prefix, zero-padded serial, check, GB. */
static void ref_number(char out[14], const char *prefix, uint32_t serial)
{
    char digits[9];
    snprintf(digits, sizeof digits, "%08u", (unsigned)serial);
    snprintf(out, 14, "%s%s%cGB", prefix, digits, ref_check(digits));
}

/* Whether s is valid by the independent implementation. */
static int ref_valid(const char *s)
{
    if (strlen(s) != 13 || strcmp(s + 11, "GB") != 0) return 0;
    for (int i = 0; i < 2; i++)
        if (s[i] < 'A' || s[i] > 'Z') return 0;
    for (int i = 2; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return ref_check(s + 2) == s[10];
}

static void test_published(void)
{
    char out[S10_LEN + 1];
    CHECK_INT(s10_check_digit(47312482), 9);
    CHECK(s10_format(out, "RA", 47312482));
    CHECK_STR(out, "RA473124829GB");
    CHECK(s10_valid("RA473124829GB"));
    /* UPU's own worked serial 12345678: sum 204, 204 % 11 = 6, 11 - 6 = 5 */
    CHECK_INT(s10_check_digit(12345678), 5);
    CHECK(s10_valid("EE123456785GB"));
    struct s10_parts p;
    CHECK(s10_parse("RA473124829GB", &p));
    CHECK_STR(p.service, "RA");
    CHECK_INT(p.serial, 47312482);
    CHECK_INT(p.check, 9);
    CHECK_STR(p.country, "GB");
}

/* The two special cases: remainder 1 (c = 10 -> 0) and remainder 0
 * (c = 11 -> 5), found by search so the table below certainly has them. */
static void test_special_cases(void)
{
    int seen0 = 0, seen5 = 0;
    for (uint32_t s = 0; s < 2000 && !(seen0 && seen5); s++) {
        char d[9];
        snprintf(d, sizeof d, "%08u", (unsigned)s);
        int sum = 0;
        for (int i = 0; i < 8; i++)
            sum += (d[i] - '0') * ("86423597"[i] - '0');
        if (sum % 11 == 1) {
            CHECK_INT(s10_check_digit(s), 0);
            seen0 = 1;
        }
        if (sum % 11 == 0) {
            CHECK_INT(s10_check_digit(s), 5);
            seen5 = 1;
        }
    }
    CHECK(seen0 && seen5);
}

/* 500 serials from a fixed linear congruential sequence, plus the ends of
 * the range, each formatted, parsed and compared with the reference. */
static void test_generated(void)
{
    static const char *prefixes[] = {"RA", "TT", "LX", "ZW", "UA", "CP", "EE", "RR"};
    uint32_t x = 20260401u, serials[502];
    for (int i = 0; i < 500; i++) {
        x = x * 1103515245u + 12345u;
        serials[i] = (x >> 3) % 100000000u;
    }
    serials[500] = 0;
    serials[501] = S10_SERIAL_MAX;
    for (int i = 0; i < 502; i++) {
        const char *pre = prefixes[i % 8];
        char got[S10_LEN + 1], want[14];
        CHECK(s10_format(got, pre, serials[i]));
        ref_number(want, pre, serials[i]);
        CHECK_STR(got, want);
        CHECK(s10_valid(got));
        struct s10_parts p;
        CHECK(s10_parse(got, &p) && p.serial == serials[i]);
    }
}

/* Every wrong check digit is refused; a changed or swapped serial digit is
 * refused exactly when the reference refuses it too (mod 11 with 10 -> 0 and
 * 11 -> 5 folds two remainders together, so a few changes stay valid). */
static void test_corrupted(void)
{
    char good[S10_LEN + 1], bad[S10_LEN + 1];
    int refused = 0;
    for (uint32_t serial = 1000; serial < 1000 + 50 * 7919; serial += 7919) {
        s10_format(good, "RA", serial);
        for (char c = '0'; c <= '9'; c++) {
            memcpy(bad, good, sizeof bad);
            bad[10] = c;
            CHECK(s10_valid(bad) == (c == good[10]));
        }
        for (int pos = 2; pos < 10; pos++) {
            memcpy(bad, good, sizeof bad);
            bad[pos] = (char)('0' + (bad[pos] - '0' + 3) % 10);
            CHECK(s10_valid(bad) == ref_valid(bad));
            refused += !s10_valid(bad);
        }
        for (int pos = 2; pos < 9; pos++) {
            memcpy(bad, good, sizeof bad);
            char t = bad[pos];
            bad[pos] = bad[pos + 1];
            bad[pos + 1] = t;
            CHECK(s10_valid(bad) == ref_valid(bad));
        }
    }
    CHECK(refused > 300); /* most of the 400 single-digit changes */
}

static void test_shapes(void)
{
    const char *bad[] = {"",
                         "RA47312482GB",
                         "RA4731248290GB",
                         "ra473124829GB",
                         "R1473124829GB",
                         "RA47312482XGB",
                         "RA473124829G",
                         "RA473124829gb",
                         "RA 73124829GB",
                         "RA473124829FR",
                         "RA-73124829GB",
                         "RA473124829GB ",
                         "1A473124829GB"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!s10_valid(bad[i]));
    struct s10_parts p;
    CHECK(s10_parse("RA473124829FR", &p)); /* well formed, another post */
    CHECK_STR(p.country, "FR");
    CHECK(!s10_parse(NULL, &p));
    char out[S10_LEN + 1];
    CHECK(!s10_format(out, "R", 1));
    CHECK(!s10_format(out, "RAB", 1));
    CHECK(!s10_format(out, "ra", 1));
    CHECK(!s10_format(out, "RA", S10_SERIAL_MAX + 1));
    CHECK(!s10_format(out, NULL, 1));
}

int main(void)
{
    test_published();
    test_special_cases();
    test_generated();
    test_corrupted();
    test_shapes();
    return check_report("s10");
}
