/* Unit tests of src/util/id_parse: the one spelling of each number, and
 * everything strtoll would also have read as one. */
#include "check.h"
#include "util/id_parse.h"

#include <stdint.h>

static void test_accepts(void)
{
    int64_t v = 0;
    CHECK(id_parse("1", 100, &v) && v == 1);
    CHECK(id_parse("1001", INT64_MAX, &v) && v == 1001);
    CHECK(id_parse("100", 100, &v) && v == 100);
    CHECK(id_parse("2147483647", 2147483647, &v) && v == 2147483647);
    CHECK(id_parse("9223372036854775807", INT64_MAX, &v) && v == INT64_MAX);
}

static void test_refuses(void)
{
    static const char *const bad[] = {"",    "0",   "01", "+1",  "-1",  " 1", "1 ", "1a",
                                      "0x1", "1e3", "١",  "%31", "1.0", "00", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v = 42;
        CHECK(!id_parse(bad[i], INT64_MAX, &v));
        CHECK(v == 42); /* untouched */
    }
    int64_t v = 42;
    CHECK(!id_parse("101", 100, &v));
    CHECK(!id_parse("2147483648", 2147483647, &v));
    CHECK(!id_parse("9223372036854775808", INT64_MAX, &v));
    CHECK(!id_parse("99999999999999999999999", INT64_MAX, &v));
    CHECK(v == 42);
}

int main(void)
{
    test_accepts();
    test_refuses();
    return check_report("test_id_parse");
}
