/* fuzz_import: spreadsheet import (domain/import*.c over domain/csv.c).
 *
 * The input is a whole file, read with a fixed "now". Then:
 *  - a refused file has at least one error and no orders;
 *  - every error has a message, a line between 1 and the file's line count,
 *    and a column that is NULL or non-empty UTF-8;
 *  - there are at most IMPORT_MAX_ORDERS orders, in increasing line order;
 *  - every item is a JSON object with an orderDate that parses, an alpha-2
 *    countryCode and the three required money fields;
 *  - every item run through order_validate either validates or fails with
 *    errors, and import_column_for on each error's field returns NULL or a
 *    non-empty column name. */
#include "formats/import.h"
#include "domain/order.h"
#include "fuzz_common.h"
#include "util/json_alloc.h"
#include "util/timefmt.h"

#define NOW_MS 1709632800000LL

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_alloc_install();
    return 0;
}

static void check_item(const struct import_batch *b, const json_t *item, struct arena *a)
{
    FUZZ_CHECK(json_is_object(item), "an item that is not an object");
    int64_t ms;
    const char *date = json_string_value(json_object_get(item, "orderDate"));
    FUZZ_CHECK(date && time_parse_rfc3339(date, &ms), "orderDate %s", date ? date : "(none)");
    const char *cc = json_string_value(json_object_get(
        json_object_get(json_object_get(item, "recipient"), "address"), "countryCode"));
    FUZZ_CHECK(cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
                   cc[1] <= 'Z',
               "countryCode %s", cc ? cc : "(none)");
    static const char *const money[] = {"subtotal", "shippingCostCharged", "total"};
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(json_is_number(json_object_get(item, money[i])), "no %s", money[i]);
    struct order_new o;
    struct order_errors e = {0};
    if (order_validate(item, a, &o, &e)) {
        FUZZ_CHECK(e.n == 0, "validated with %zu errors", e.n);
        return;
    }
    FUZZ_CHECK(e.n > 0, "refused without an error");
    for (size_t i = 0; i < e.n; i++) {
        FUZZ_CHECK(e.items[i].field, "an error without a field");
        const char *col = import_column_for(b, e.items[i].field);
        FUZZ_CHECK(!col || *col, "an empty column for %s", e.items[i].field);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 100000) return 0;
    char *copy = fuzz_cstr(data, size);
    struct arena a;
    arena_init(&a);
    struct import_batch b;
    size_t skip = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t lines = fuzz_count_lines(data + skip, size - skip);
    bool ok = import_read(copy, size, NOW_MS, &a, &b);
    if (!ok)
        FUZZ_CHECK(b.nerrors >= 1 && b.norders == 0, "a refusal with %zu errors, %zu orders",
                   b.nerrors, b.norders);
    if (ok)
        FUZZ_CHECK(b.format >= IMPORT_CLICKANDDROP && b.format <= IMPORT_WOOCOMMERCE &&
                       b.format_name,
                   "format %d", (int)b.format);
    for (size_t i = 0; i < b.nerrors; i++) {
        const struct import_error *e = &b.errors[i];
        FUZZ_CHECK(e->message && *e->message, "error %zu has no message", i);
        FUZZ_CHECK(e->line >= 1 && e->line <= (lines ? lines : 1), "error on line %zu of %zu: %s",
                   e->line, lines, e->message);
        FUZZ_CHECK(!e->column || (*e->column && ref_utf8_valid((const unsigned char *)e->column,
                                                               strlen(e->column))),
                   "error %zu names an empty or non-UTF-8 column", i);
    }
    FUZZ_CHECK(b.norders <= IMPORT_MAX_ORDERS, "%zu orders", b.norders);
    for (size_t i = 0; i < b.norders; i++) {
        FUZZ_CHECK(b.orders[i].line >= 1 && b.orders[i].line <= lines, "order on line %zu of %zu",
                   b.orders[i].line, lines);
        FUZZ_CHECK(i == 0 || b.orders[i].line > b.orders[i - 1].line, "orders out of line order");
        check_item(&b, b.orders[i].item, &a);
    }
    import_batch_free(&b);
    arena_free(&a);
    free(copy);
    return 0;
}
