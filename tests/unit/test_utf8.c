/* Unit tests of src/util/utf8: what is valid UTF-8 (overlong forms,
 * surrogates, truncation refused). */
#include "check.h"
#include "util/utf8.h"

static void test_utf8(void)
{
    CHECK(utf8_valid("plain", 5));
    CHECK(utf8_valid("Zo\xc3\xab \xce\x9f\xf0\x9f\x93\xa6", 11));
    CHECK(!utf8_valid("\xff", 1));
    CHECK(!utf8_valid("\xc3\x28", 2));         /* bad continuation */
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!utf8_valid("\xe2\x82", 2));         /* truncated */
}

int main(void)
{
    test_utf8();
    return check_report("test_utf8");
}
