/* Unit tests of src/util/arena: alignment, zeroed memory, blocks larger
 * than a block, the string helpers, and freeing it all. */
#include "check.h"
#include "util/arena.h"

#include <stdint.h>

static void test_arena(void)
{
    struct arena a;
    arena_init(&a);
    char *p = arena_alloc(&a, 10);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECK(p[0] == 0 && p[9] == 0);
    char *big = arena_alloc(&a, 100000); /* larger than a block */
    big[99999] = 'x';
    CHECK_STR(arena_strdup(&a, "hello"), "hello");
    CHECK_STR(arena_strndup(&a, "hello", 3), "hel");
    CHECK_STR(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
    CHECK(a.total >= 100000);
    arena_free(&a);
    CHECK(a.head == NULL && a.total == 0);
}

int main(void)
{
    test_arena();
    return check_report("test_arena");
}
