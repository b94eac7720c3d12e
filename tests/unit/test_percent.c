/* Unit tests of src/util/percent: percent-decoding, with and without
 * form pluses, and its refusals. */
#include "check.h"
#include "util/arena.h"
#include "util/percent.h"

static void test_percent(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(percent_decode(&a, "a%3Bb%20c", 9, false), "a;b c");
    CHECK_STR(percent_decode(&a, "a+b", 3, true), "a b");
    CHECK_STR(percent_decode(&a, "a+b", 3, false), "a+b");
    CHECK_STR(percent_decode(&a, "%C5%81ukasz", 11, false), "\xC5\x81ukasz");
    CHECK(percent_decode(&a, "%", 1, false) == NULL);
    CHECK(percent_decode(&a, "%4", 2, false) == NULL);
    CHECK(percent_decode(&a, "%zz", 3, false) == NULL);
    CHECK(percent_decode(&a, "a%00b", 5, false) == NULL);
    arena_free(&a);
}

int main(void)
{
    test_percent();
    return check_report("test_percent");
}
