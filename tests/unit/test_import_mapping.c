/* Unit tests of src/formats/import_mapping.c: a file of a layout postroom
 * does not know read through a business's own mapping (a row per order,
 * and a row per item grouped by an order number), the mapping's checks
 * field by field, its first guess, its stored form and the headers'
 * signature, and the header row and first rows the mapping page keeps. */
#include "check.h"
#include "domain/order.h"
#include "formats/import.h"
#include "formats/import_mapping.h"

#include <stdlib.h>

static struct arena A;

#define NOW_MS 1709632800000LL /* 2024-03-05T10:00:00Z */

static const char *str(const json_t *j, const char *path)
{
    /* "a.b.c" through objects only */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *at = j;
    for (char *k = strtok(buf, "."); k && at; k = strtok(NULL, "."))
        at = json_object_get(at, k);
    return json_string_value(at);
}

static bool validates(const json_t *item)
{
    struct order_new o;
    struct order_errors e = {0};
    bool ok = order_validate(item, &A, &o, &e);
    for (size_t i = 0; !ok && i < e.n; i++)
        fprintf(stderr, "  %s: %s\n", e.items[i].field, e.items[i].message);
    return ok;
}

/* A shop's own export: columns no known layout has, in its own order. */
static const char shop[] = "Our Ref,Customer,Street,Town,Zip,Land,Mail,Kilos,Placed,Notes\r\n"
                           "S-1,Zoe Smith,1 High St,Leeds,LS1 1AA,United Kingdom,"
                           "zoe@example.com,1.25,2024-03-01,keep me\r\n"
                           "S-2,Jean Dupont,2 Rue de Rivoli,Paris,75001,FRA,,0.5,2024-03-02,\r\n";

static void shop_mapping(struct import_mapping *m)
{
    memset(m, 0, sizeof *m);
    m->name = "Our shop";
    m->dates = IMPORT_MAP_ISO;
    m->column[IMPORT_F_REFERENCE] = "Our Ref";
    m->column[IMPORT_F_FULLNAME] = "customer"; /* case does not matter */
    m->column[IMPORT_F_ADDR1] = "Street";
    m->column[IMPORT_F_CITY] = "Town";
    m->column[IMPORT_F_POSTCODE] = "Zip";
    m->column[IMPORT_F_COUNTRY] = "Land";
    m->column[IMPORT_F_EMAIL] = "Mail";
    m->column[IMPORT_F_WEIGHT] = "Kilos";
    m->column[IMPORT_F_DATE] = "Placed";
}

static void test_a_row_per_order(void)
{
    struct import_batch b;
    /* without the mapping the file is not recognised */
    CHECK(!import_read(shop, strlen(shop), NOW_MS, &A, &b));
    CHECK_INT(b.format, 0);
    struct import_mapping m;
    shop_mapping(&m);
    struct import_defaults d = {.now_ms = NOW_MS, .mapping = &m};
    CHECK(import_read_with(shop, strlen(shop), &d, &A, &b));
    CHECK_INT(b.format, IMPORT_MAPPED);
    CHECK_STR(b.format_name, "Our shop");
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 2);
    if (b.norders != 2) return;
    const json_t *o = b.orders[0].item;
    CHECK_INT(b.orders[0].line, 2);
    CHECK_STR(str(o, "orderReference"), "S-1");
    CHECK_STR(str(o, "recipient.address.fullName"), "Zoe Smith");
    CHECK_STR(str(o, "recipient.address.addressLine1"), "1 High St");
    CHECK_STR(str(o, "recipient.address.city"), "Leeds");
    CHECK_STR(str(o, "recipient.address.postcode"), "LS1 1AA");
    CHECK_STR(str(o, "recipient.address.countryCode"), "GB");
    CHECK_STR(str(o, "recipient.emailAddress"), "zoe@example.com");
    CHECK_STR(str(o, "orderDate"), "2024-03-01T00:00:00Z");
    const json_t *pkg = json_array_get(json_object_get(o, "packages"), 0);
    CHECK_INT(json_integer_value(json_object_get(pkg, "weightInGrams")), 1250);
    CHECK(validates(o));
    o = b.orders[1].item;
    CHECK_STR(str(o, "recipient.address.countryCode"), "FR");
    CHECK(!json_object_get(json_object_get(o, "recipient"), "emailAddress"));
    /* an order's errors name the file's own column */
    CHECK_STR(import_column_for(&b, "recipient.address.postcode"), "Zip");
    CHECK_STR(import_column_for(&b, "orderReference"), "Our Ref");
    import_batch_free(&b);
}

static void test_bad_values_by_line_and_column(void)
{
    static const char file[] = "Our Ref,Customer,Street,Town,Zip,Land,Mail,Kilos,Placed\r\n"
                               "S-1,Zoe Smith,1 High St,Leeds,LS1 1AA,GB,,heavy,2024-03-01\r\n"
                               "S-2,,2 Low St,York,YO1 1AA,GB,,0.5,2024-03-01\r\n"
                               "S-3,Ann Lee,3 Mid St,Hull,HU1 1AA,Narnia,,0.5,01/03/2024\r\n"
                               "S-4,Bob Ray,4 End St,Bath,BA1 1AA,GB,,0.5,2024-03-04\r\n";
    struct import_mapping m;
    shop_mapping(&m);
    struct import_defaults d = {.now_ms = NOW_MS, .mapping = &m};
    struct import_batch b;
    CHECK(import_read_with(file, strlen(file), &d, &A, &b));
    CHECK_INT(b.norders, 1);
    CHECK_INT(b.nerrors, 4);
    if (b.nerrors != 4) return;
    CHECK_INT(b.errors[0].line, 2);
    CHECK_STR(b.errors[0].column, "Kilos");
    CHECK_INT(b.errors[1].line, 3);
    CHECK_STR(b.errors[1].column, "Customer");
    CHECK_STR(b.errors[1].message, "must not be empty");
    CHECK_INT(b.errors[2].line, 4);
    CHECK_STR(b.errors[2].column, "Land");
    CHECK_INT(b.errors[3].line, 4);
    CHECK_STR(b.errors[3].column, "Placed");
    CHECK(strstr(b.errors[3].message, "not a date") != NULL);
    CHECK_INT(b.orders[0].line, 5);
    import_batch_free(&b);
}

/* A file without a column the mapping reads is refused as a whole. */
static void test_a_column_gone(void)
{
    static const char file[] = "Our Ref,Customer,Street,City\r\nS-1,Zoe,1 High St,Leeds\r\n";
    struct import_mapping m;
    shop_mapping(&m);
    struct import_defaults d = {.now_ms = NOW_MS, .mapping = &m};
    struct import_batch b;
    CHECK(!import_read_with(file, strlen(file), &d, &A, &b));
    CHECK_INT(b.nerrors, 1);
    CHECK_INT(b.norders, 0);
    CHECK_STR(b.errors[0].column, "Town");
    CHECK(strstr(b.errors[0].message, "\"Our shop\" reads for Town or city") != NULL);
}

/* A row per item, grouped by an order number that is the reference too;
 * the first and last name in two columns; dd/mm dates. */
static void test_a_row_per_item(void)
{
    static const char file[] = "No.;Given;Family;Addr;Place;PC;Item;Qty;Each;Day\n"
                               "1001;Ann;Lee;1 A St;Leeds;LS1 1AA;Mug;2;5.00;28/11/2026\n"
                               "1002;Bob;Ray;2 B St;York;YO1 1AA;Cup;1;3.50;29/11/2026\n"
                               "1001;;;;;;Plate;1;7.25;\n";
    struct import_mapping m = {.name = "Till", .dates = IMPORT_MAP_DMY};
    m.column[IMPORT_F_KEY] = "No.";
    m.column[IMPORT_F_REFERENCE] = "No.";
    m.column[IMPORT_F_FIRST] = "Given";
    m.column[IMPORT_F_LAST] = "Family";
    m.column[IMPORT_F_ADDR1] = "Addr";
    m.column[IMPORT_F_CITY] = "Place";
    m.column[IMPORT_F_POSTCODE] = "PC";
    m.column[IMPORT_F_ITEM_NAME] = "Item";
    m.column[IMPORT_F_QUANTITY] = "Qty";
    m.column[IMPORT_F_UNIT_PRICE] = "Each";
    m.column[IMPORT_F_DATE] = "Day";
    struct import_defaults d = {.now_ms = NOW_MS, .mapping = &m};
    struct import_batch b;
    CHECK(import_read_with(file, strlen(file), &d, &A, &b));
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 2);
    if (b.norders != 2) return;
    const json_t *o = b.orders[0].item;
    CHECK_STR(str(o, "orderReference"), "1001");
    CHECK_STR(str(o, "recipient.address.fullName"), "Ann Lee");
    CHECK_STR(str(o, "orderDate"), "2026-11-28T00:00:00Z");
    const json_t *items =
        json_object_get(json_array_get(json_object_get(o, "packages"), 0), "contents");
    CHECK_INT(json_array_size(items), 2);
    CHECK_STR(str(json_array_get(items, 1), "name"), "Plate");
    /* subtotal: 2 x 5.00 + 7.25 */
    CHECK(json_number_value(json_object_get(o, "subtotal")) == 17.25);
    import_batch_free(&b);
}

static struct import_headers headers_of(const char *file)
{
    struct import_headers h;
    size_t line;
    const char *msg;
    CHECK(import_file_headers(file, strlen(file), 10, &A, &h, &line, &msg));
    return h;
}

static void test_checks_name_each_field(void)
{
    struct import_headers h = headers_of(shop);
    struct import_mapping m;
    shop_mapping(&m);
    const char *err[IMPORT_NFIELDS];
    CHECK_INT(import_mapping_check(&m, &h, &A, err), 0);
    /* two fields to one column: both are named */
    m.column[IMPORT_F_POSTCODE] = "Town";
    /* a required field unmapped */
    m.column[IMPORT_F_ADDR1] = NULL;
    /* a column the file does not have */
    m.column[IMPORT_F_PHONE] = "Telephone";
    CHECK_INT(import_mapping_check(&m, &h, &A, err), 4);
    CHECK(err[IMPORT_F_POSTCODE] && strstr(err[IMPORT_F_POSTCODE], "Town or city"));
    CHECK(err[IMPORT_F_CITY] && strstr(err[IMPORT_F_CITY], "Postcode"));
    CHECK_STR(err[IMPORT_F_ADDR1], "Address line 1 must be mapped to a column");
    CHECK_STR(err[IMPORT_F_PHONE], "the file has no column \"Telephone\"");
    CHECK(!err[IMPORT_F_REFERENCE]);
    /* no name at all */
    shop_mapping(&m);
    m.column[IMPORT_F_FULLNAME] = NULL;
    CHECK_INT(import_mapping_check(&m, &h, &A, err), 1);
    CHECK(err[IMPORT_F_FULLNAME] != NULL);
    m.column[IMPORT_F_FIRST] = "Customer";
    CHECK_INT(import_mapping_check(&m, &h, &A, err), 0);
    /* the order number may be the reference's column too */
    m.column[IMPORT_F_KEY] = "Our Ref";
    CHECK_INT(import_mapping_check(&m, &h, &A, err), 0);
    /* a header the file has twice */
    struct import_headers h2 = headers_of("Name,Street,Town,Name\r\nA,B,C,D\r\n");
    struct import_mapping m2 = {.name = "x"};
    m2.column[IMPORT_F_FULLNAME] = "Name";
    m2.column[IMPORT_F_ADDR1] = "Street";
    m2.column[IMPORT_F_CITY] = "Town";
    CHECK_INT(import_mapping_check(&m2, &h2, &A, err), 1);
    CHECK(err[IMPORT_F_FULLNAME] && strstr(err[IMPORT_F_FULLNAME], "two columns"));
}

static void test_guess_and_stored_form(void)
{
    struct import_headers h = headers_of(
        "Ship To Name,Postcode,Town,Address line 1,Colour,Email Address\r\nx,y,z,w,v,u\r\n");
    struct import_mapping g;
    import_mapping_guess(&h, &g);
    CHECK_STR(g.column[IMPORT_F_FULLNAME], "Ship To Name");
    CHECK_STR(g.column[IMPORT_F_POSTCODE], "Postcode");
    CHECK_STR(g.column[IMPORT_F_CITY], "Town");
    CHECK_STR(g.column[IMPORT_F_ADDR1], "Address line 1");
    CHECK_STR(g.column[IMPORT_F_EMAIL], "Email Address");
    CHECK(!g.column[IMPORT_F_KEY]);
    CHECK(!g.column[IMPORT_F_COUNTRY]);

    struct import_mapping m, back;
    shop_mapping(&m);
    m.dates = IMPORT_MAP_MDY;
    m.column[IMPORT_F_SKU] = "Name with \"quotes\" and , comma";
    const char *spec = import_mapping_encode(&m, &A);
    CHECK(spec != NULL);
    CHECK(import_mapping_decode(spec, "Again", &A, &back));
    CHECK_STR(back.name, "Again");
    CHECK_INT(back.dates, IMPORT_MAP_MDY);
    for (int f = 0; f < IMPORT_NFIELDS; f++) {
        if (m.column[f])
            CHECK_STR(back.column[f], m.column[f]);
        else
            CHECK(back.column[f] == NULL);
    }
    CHECK(!import_mapping_decode("{\"dates\":\"ymd\",\"columns\":{}}", "x", &A, &back));
    CHECK(!import_mapping_decode("{\"dates\":\"dmy\",\"columns\":{\"city\":3}}", "x", &A, &back));
    CHECK(!import_mapping_decode("not json", "x", &A, &back));
    CHECK(!import_mapping_decode(NULL, "x", &A, &back));

    /* the signature: case and surrounding space do not count, order does */
    struct import_headers a = headers_of("A, b ,C\r\n1,2,3\r\n");
    struct import_headers b = headers_of("a,B,c\n9,9,9\n");
    struct import_headers c = headers_of("B,A,C\r\n1,2,3\r\n");
    CHECK_STR(import_headers_signature(&a, &A), import_headers_signature(&b, &A));
    CHECK(strcmp(import_headers_signature(&a, &A), import_headers_signature(&c, &A)) != 0);
    CHECK_STR(import_headers_signature(&a, &A), "[\"a\",\"b\",\"c\"]");
}

/* What the mapping page keeps of an upload: the header and the first rows,
 * cut at a line end, so that their line numbers stay the file's. */
static void test_first_rows(void)
{
    static const char file[] = "\r\nRef,Name,Street,Town\r\n"
                               "1,A,\"two\nlines\",X\r\n"
                               "\r\n"
                               "2,B,S,Y\r"
                               "3,C,S,Z\n"
                               "4,D,S,W\r\n";
    struct import_headers h;
    size_t line;
    const char *msg;
    CHECK(import_file_headers(file, strlen(file), 2, &A, &h, &line, &msg));
    CHECK_INT(h.line, 2);
    CHECK_INT(h.n, 4);
    CHECK_STR(h.text[3], "Town");
    CHECK_STR(h.first[2], "two\nlines");
    CHECK_STR(h.first[0], "1");
    CHECK_INT(h.nrows, 4);
    const char *want_end = strstr(file, "3,C");
    CHECK_INT(h.prefix_len, want_end - file);
    CHECK(import_file_headers(file, strlen(file), 10, &A, &h, &line, &msg));
    CHECK_INT(h.prefix_len, strlen(file));
    CHECK(!import_file_headers("\r\n\r\n", 4, 10, &A, &h, &line, &msg));
    CHECK(!import_file_headers("\"open,Town\r\n", 12, 10, &A, &h, &line, &msg));
    CHECK_INT(line, 1);
    /* the prefix reads as the same first rows, line numbers and all */
    struct import_mapping m = {.name = "cut"};
    m.column[IMPORT_F_REFERENCE] = "Ref";
    m.column[IMPORT_F_FULLNAME] = "Name";
    m.column[IMPORT_F_ADDR1] = "Street";
    m.column[IMPORT_F_CITY] = "Town";
    CHECK(import_file_headers(file, strlen(file), 2, &A, &h, &line, &msg));
    struct import_defaults d = {.now_ms = NOW_MS, .mapping = &m};
    struct import_batch b;
    CHECK(import_read_with(file, h.prefix_len, &d, &A, &b));
    CHECK_INT(b.norders, 2);
    if (b.norders == 2) {
        CHECK_INT(b.orders[0].line, 3);
        CHECK_INT(b.orders[1].line, 6);
    }
    import_batch_free(&b);
}

int main(void)
{
    arena_init(&A);
    test_a_row_per_order();
    test_bad_values_by_line_and_column();
    test_a_column_gone();
    test_a_row_per_item();
    test_checks_name_each_field();
    test_guess_and_stored_form();
    test_first_rows();
    arena_free(&A);
    return check_report("import_mapping");
}
