/* Unit tests of src/formats/import*.c, the spreadsheet import: the Click &
 * Drop layout mapped field by field, errors by line and column, each
 * marketplace export recognised and grouped, the value readers one by one,
 * and the column an order's error names. */
#include "check.h"
#include "formats/import.h"
#include "formats/import_impl.h" /* the value readers, tested one by one */
#include "domain/order.h"
#include "util/timefmt.h"

#include <stdlib.h>

static struct arena A;

static char *dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(15));
    char *out = arena_strdup(&A, s);
    free(s);
    return out;
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

#define NOW_MS 1709632800000LL /* 2024-03-05T10:00:00Z */

static const char cd_header[] =
    "First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,"
    "Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,"
    "Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,"
    "Service register code,Safe place,Signature,Product name,SKU,Quantity,Unit price,Unit "
    "weight,Customs description,HS tariff code,Country of origin,Notes to self\r\n";

static void test_clickanddrop(void)
{
    char file[4096];
    snprintf(file, sizeof file, "%s%s%s%s", cd_header,
             "Zo\xC3\xAB,Smith,Acme Ltd,1 High Street,Flat 2,,Leeds,West Yorkshire,LS1 1AA,United "
             "Kingdom,07700900123,zoe@example.com,Y,ORD-1,Leave with neighbour,01/03/2024,1.25,"
             "small parcel,12.50,3.99,16.49,GBP,TPN24,,Porch,False,Mug,MUG-1,2,6.25,0.5,Ceramic "
             "mug,691200,GB,ignored\r\n",
             "Jean,,,2 Rue de Rivoli,,,Paris,,75001,fra,,,,,,,,,,,,,,,,,,,,,,,,,\r\n",
             "Ann,O'Neil,,\"3 Mill Lane\",,,York,,YO1 7HH,,,,0,REF-3,\"Ring twice\r\nthen "
             "wait\",15/02/24,0.1,Large Letter,5,1.2,,,,,,1,,,,,,,,\r\n");
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_CLICKANDDROP);
    CHECK_STR(b.format_name, "Click & Drop");
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 3);
    if (b.norders != 3) return;
    CHECK_INT(b.orders[0].line, 2);
    CHECK_INT(b.orders[1].line, 3);
    CHECK_INT(b.orders[2].line, 4);
    CHECK_STR(
        dump(b.orders[0].item),
        "{\"currencyCode\":\"GBP\",\"isRecipientABusiness\":true,\"orderDate\":\"2024-03-"
        "01T00:00:00Z\",\"orderReference\":\"ORD-1\",\"packages\":[{\"contents\":[{\"SKU\":"
        "\"MUG-1\",\"customsCode\":\"691200\",\"customsDescription\":\"Ceramic mug\","
        "\"name\":\"Mug\",\"originCountryCode\":\"GB\",\"quantity\":2,\"unitValue\":6.25,"
        "\"unitWeightInGrams\":500}],\"packageFormatIdentifier\":\"smallParcel\","
        "\"weightInGrams\":1250}],\"postageDetails\":{\"requestSignatureUponDelivery\":"
        "false,\"safePlace\":\"Porch\",\"serviceCode\":\"TPN24\"},\"recipient\":{\"address\":"
        "{\"addressLine1\":\"1 High Street\",\"addressLine2\":\"Flat 2\",\"city\":\"Leeds\","
        "\"companyName\":\"Acme Ltd\",\"countryCode\":\"GB\",\"county\":\"West Yorkshire\","
        "\"fullName\":\"Zo\xC3\xAB Smith\",\"postcode\":\"LS1 1AA\"},\"emailAddress\":"
        "\"zoe@example.com\",\"phoneNumber\":\"07700900123\"},\"shippingCostCharged\":3.99,"
        "\"specialInstructions\":\"Leave with neighbour\",\"subtotal\":12.5,\"total\":16.49}");
    CHECK_STR(dump(b.orders[1].item),
              "{\"orderDate\":\"2024-03-05T10:00:00Z\",\"recipient\":{\"address\":{"
              "\"addressLine1\":\"2 Rue de Rivoli\",\"city\":\"Paris\",\"countryCode\":\"FR\","
              "\"fullName\":\"Jean\",\"postcode\":\"75001\"}},\"shippingCostCharged\":0,"
              "\"subtotal\":0,\"total\":0}");
    CHECK_STR(dump(b.orders[2].item),
              "{\"isRecipientABusiness\":false,\"orderDate\":\"2024-02-15T00:00:00Z\","
              "\"orderReference\":\"REF-3\",\"packages\":[{\"packageFormatIdentifier\":"
              "\"largeLetter\",\"weightInGrams\":100}],\"postageDetails\":{"
              "\"requestSignatureUponDelivery\":true},\"recipient\":{\"address\":{"
              "\"addressLine1\":\"3 Mill Lane\",\"city\":\"York\",\"countryCode\":\"GB\","
              "\"fullName\":\"Ann O'Neil\",\"postcode\":\"YO1 7HH\"}},\"shippingCostCharged\":1.2,"
              "\"specialInstructions\":\"Ring twice\\nthen wait\",\"subtotal\":5,\"total\":6.2}");
    for (size_t i = 0; i < b.norders; i++)
        CHECK(validates(b.orders[i].item));

    CHECK_STR(import_column_for(&b, "recipient.address.postcode"), "Postcode");
    CHECK_STR(import_column_for(&b, "recipient.address.fullName"), "First Name");
    CHECK_STR(import_column_for(&b, "packages[0].contents[1].SKU"), "SKU");
    CHECK_STR(import_column_for(&b, "packages[0].weightInGrams"), "Weight");
    CHECK_STR(import_column_for(&b, "orderDate"), "Order date");
    CHECK_STR(import_column_for(&b, "postageDetails.requestSignatureUponDelivery"), "Signature");
    CHECK(import_column_for(&b, "label.includeLabelInResponse") == NULL);
    CHECK(import_column_for(&b, "packages[x].weightInGrams") == NULL);
    import_batch_free(&b);
}

/* A header in another case and order, with the minimum of columns. */
static void test_clickanddrop_minimal(void)
{
    const char *file = " postcode ,CITY,address line 1,first name\n"
                       "SW1A 1AA,London,10 Downing St,Rishi\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.norders, 1);
    CHECK_INT(b.nerrors, 0);
    if (b.norders) CHECK(validates(b.orders[0].item));
    CHECK_STR(import_column_for(&b, "recipient.address.postcode"), "postcode");
    /* the file has no Weight column: the one to add */
    CHECK_STR(import_column_for(&b, "packages[0].weightInGrams"), "Weight");
    import_batch_free(&b);
}

static bool has_error(const struct import_batch *b, size_t line, const char *column)
{
    for (size_t i = 0; i < b->nerrors; i++)
        if (b->errors[i].line == line && b->errors[i].message && *b->errors[i].message &&
            (column ? b->errors[i].column && !strcmp(b->errors[i].column, column)
                    : !b->errors[i].column))
            return true;
    return false;
}

static void test_bad_rows(void)
{
    const char *file =
        "First Name,Last Name,Address Line 1,City,Postcode,Country,Order date,Weight,Package "
        "size,Recipient is a business,Total,Quantity,Product name,Unit price\n"
        "Al,One,1 A St,Bath,BA1 1AA,GB,01/03/24,1,parcel,N,10,,,\n"        /* 2: fine */
        "Bo,Two,2 B St,Bath,BA1 1AA,GB,31/02/2024,1,parcel,N,10,,,\n"      /* 3: no such day */
        "Cy,Three,3 C St,Bath,BA1 1AA,GB,01/03/24,1.2345,parcel,N,10,,,\n" /* 4 */
        "Di,Four,4 D St,Bath,BA1 1AA,Narnia,01/03/24,1,parcel,N,10,,,\n"   /* 5 */
        "Ed,Five,5 E St,Bath,BA1 1AA,GB,01/03/24,1,parcel,maybe,10,,,\n"   /* 6 */
        "Fi,Six,6 F St,Bath,BA1 1AA,GB,01/03/24,1,crate,N,10,,,\n"         /* 7 */
        "Gu,Seven,7 G St,Bath,BA1 1AA,GB,01/03/24,1,parcel,N,12.345,,,\n"  /* 8 */
        ",Eight,8 H St,Bath,BA1 1AA,GB,01/03/24,1,parcel,N,10,,,\n"        /* 9 */
        "Hu,Nine,9 I St,Bath,BA1 1AA,GB,01/03/24 25:00,1,parcel,N,10,,,\n" /* 10: no such hour */
        "Io,Ten,10 J St,Bath,BA1 1AA,GB,01/03/24,1,parcel,N,10,0,Mug,\n"   /* 11 */
        "Jo,Eleven,11 K St,Bath,BA1 1AA,GB,01/03/24,1,parcel,N,10,1,Mug,1.5.0\n" /* 12 */
        ",,,,,,,,,,,,,\n"                                                        /* 13: empty */
        "Ky,Twelve,12 L St,Bath,BA1 1AA,GB,1/3/2024,0.001,Printed Papers,1,£9.99,,,\n"; /* 14 */
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.norders, 2);
    CHECK_INT(b.nerrors, 10);
    CHECK(has_error(&b, 3, "Order date"));
    CHECK(has_error(&b, 4, "Weight"));
    CHECK(has_error(&b, 5, "Country"));
    CHECK(has_error(&b, 6, "Recipient is a business"));
    CHECK(has_error(&b, 7, "Package size"));
    CHECK(has_error(&b, 8, "Total"));
    CHECK(has_error(&b, 9, "First Name"));
    CHECK(has_error(&b, 10, "Order date"));
    CHECK(has_error(&b, 11, "Quantity"));
    CHECK(has_error(&b, 12, "Unit price"));
    if (b.norders == 2) {
        CHECK_INT(b.orders[0].line, 2);
        CHECK_INT(b.orders[1].line, 14);
        const json_t *o = b.orders[1].item,
                     *pkg = json_array_get(json_object_get(o, "packages"), 0);
        CHECK_STR(json_string_value(json_object_get(pkg, "packageFormatIdentifier")), "documents");
        CHECK_INT(json_integer_value(json_object_get(pkg, "weightInGrams")), 1);
        CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2024-03-01T00:00:00Z");
        CHECK_STR(json_string_value(json_object_get(o, "currencyCode")), "GBP");
        CHECK(json_real_value(json_object_get(o, "total")) == 9.99);
        CHECK(validates(o));
    }
    for (size_t i = 0; i < b.nerrors; i++)
        CHECK(strlen(b.errors[i].message) > 5);
    import_batch_free(&b);
}

static void test_file_errors(void)
{
    struct import_batch b;
    const char *f = "First Name,Address Line 1,City\nA,B,C\n";
    CHECK(!import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.nerrors, 1);
    CHECK(has_error(&b, 1, "Postcode"));
    f = "\n\nfoo,bar\n1,2\n";
    CHECK(!import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK(has_error(&b, 3, NULL));
    f = "First Name,Address Line 1,City,Postcode\n\"A,B,C,D\n";
    CHECK(!import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK(has_error(&b, 2, NULL));
    CHECK(!import_read("", 0, NOW_MS, &A, &b));
    CHECK(has_error(&b, 1, NULL));
    f = ",,\n,,\n";
    CHECK(!import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK(has_error(&b, 1, NULL));

    /* IMPORT_MAX_ORDERS orders import; one more refuses the file */
    size_t cap = 64 + (IMPORT_MAX_ORDERS + 1) * 32;
    char *big = malloc(cap);
    size_t n = (size_t)snprintf(big, cap, "First Name,Address Line 1,City,Postcode\n");
    for (int i = 0; i < IMPORT_MAX_ORDERS; i++)
        n += (size_t)snprintf(big + n, cap - n, "N%d,%d High St,Bath,BA1 1AA\n", i, i);
    CHECK(import_read(big, n, NOW_MS, &A, &b));
    CHECK_INT(b.norders, IMPORT_MAX_ORDERS);
    import_batch_free(&b);
    n += (size_t)snprintf(big + n, cap - n, "Last,1 Low St,Bath,BA1 1AA\n");
    CHECK(!import_read(big, n, NOW_MS, &A, &b));
    CHECK_INT(b.norders, 0);
    CHECK(has_error(&b, IMPORT_MAX_ORDERS + 2, NULL));
    free(big);
}

static const json_t *contents_of(const json_t *item)
{
    return json_object_get(json_array_get(json_object_get(item, "packages"), 0), "contents");
}

static void test_shopify(void)
{
    const char *file =
        "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem "
        "quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Shipping Street,Shipping "
        "Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping "
        "Province,Shipping Country,Shipping Phone\n"
        "#1001,zoe@example.com,paid,GBP,25.00,3.50,0,28.50,2024-03-01 10:15:00 "
        "+0000,2,Mug,7.50,MUG-"
        "1,Zo\xC3\xAB Smith,1 High St,1 High St,,,Leeds,LS1 1AA,,GB,07700900123\n"
        "#1001,,,,,,,,,1,Teapot,10.00,POT-1,,,,,,,,,,\n"
        "#1002,al@example.com,paid,USD,5,0,0,5,2024-03-02 09:00:00 -0500,1,Card,5,,Al "
        "Jones,5 Main St,5 Main St,,,Springfield,'02134,IL,US,'+1 555 0100\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_SHOPIFY);
    CHECK_STR(b.format_name, "Shopify");
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 2);
    if (b.norders != 2) return;
    const json_t *o = b.orders[0].item;
    CHECK_INT(b.orders[0].line, 2);
    CHECK_INT(json_array_size(contents_of(o)), 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(contents_of(o), 1), "name")),
              "Teapot");
    CHECK_STR(json_string_value(json_object_get(o, "orderReference")), "#1001");
    CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2024-03-01T10:15:00Z");
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(o, "recipient"), "address"), "fullName")),
              "Zo\xC3\xAB Smith");
    CHECK(json_number_value(json_object_get(o, "total")) == 28.5);
    CHECK_STR(json_string_value(json_object_get(b.orders[1].item, "orderDate")),
              "2024-03-02T14:00:00Z");
    /* Shopify's '02134 keeps a zip's leading zero: the apostrophe is not part of it */
    const json_t *al = json_object_get(b.orders[1].item, "recipient");
    CHECK_STR(json_string_value(json_object_get(json_object_get(al, "address"), "postcode")),
              "02134");
    CHECK_STR(json_string_value(json_object_get(al, "phoneNumber")), "+1 555 0100");
    /* no weight in a Shopify export: validation names the column to add */
    struct order_new on;
    struct order_errors e = {0};
    CHECK(!order_validate(o, &A, &on, &e));
    CHECK(e.n == 1 && !strcmp(e.items[0].field, "packages[0].weightInGrams"));
    CHECK_STR(import_column_for(&b, e.n ? e.items[0].field : ""), "Weight");
    CHECK_STR(import_column_for(&b, "recipient.address.postcode"), "Shipping Zip");
    import_batch_free(&b);

    /* with a Weight column added by the user, the orders validate */
    const char *weighed = "Name,Lineitem name,Lineitem quantity,Shipping Name,Shipping "
                          "Address1,Shipping City,Shipping Zip,Shipping Country,Weight\n"
                          "#7,Mug,1,Al,1 A St,Bath,BA1 1AA,GB,0.4\n#7,Pot,1,,,,,,\n";
    CHECK(import_read(weighed, strlen(weighed), NOW_MS, &A, &b));
    CHECK_INT(b.norders, 1);
    if (b.norders) {
        CHECK(validates(b.orders[0].item));
        CHECK_INT(json_array_size(contents_of(b.orders[0].item)), 2);
    }
    import_batch_free(&b);
}

static void test_ebay(void)
{
    const char *file =
        "\n"
        "Sales Record Number,Order Number,Buyer Username,Buyer Name,Buyer Email,Post To "
        "Name,Post To Phone,Post To Address 1,Post To Address 2,Post To City,Post To "
        "County,Post To Postcode,Post To Country,Item Number,Item Title,Custom "
        "Label,Quantity,Sold For,Postage And Packaging,Total Price,Sale Date\n"
        ",,,,,,,,,,,,,,,,,,,,\n"
        "101,12-34567-89012,zsmith,Zoe Smith,z@example.com,Zoe Smith,07700900123,1 High "
        "St,,Leeds,West Yorkshire,LS1 1AA,United Kingdom,2345,Blue mug,MUG-B,1,\xC2\xA3"
        "8.99,\xC2\xA3"
        "2.50,\xC2\xA3"
        "11.49,Mar-01-24\n"
        "102,12-34567-89013,ajones,Al Jones,a@example.com,Al Jones,,2 Low St,,Bath,,BA1 "
        "1AA,United Kingdom,,,,3,,\xC2\xA3"
        "0.00,\xC2\xA3"
        "20.00,01-Mar-24\n"
        "102,12-34567-89013,,,,,,,,,,,,111,Red mug,MUG-R,2,\xC2\xA3"
        "5.00,,,\n"
        "102,12-34567-89013,,,,,,,,,,,,112,Green mug,MUG-G,1,\xC2\xA3"
        "10.00,,,\n"
        ",,,,,,,,,,,,,,,,,,,,\n"
        "3 record(s) downloaded,from Mar-01-24 to Mar-02-24,,,,,,,,,,,,,,,,,,,\n"
        "Seller ID : seller1,,,,,,,,,,,,,,,,,,,,\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_EBAY);
    CHECK_INT(b.nerrors, 0);

    CHECK_INT(b.norders, 2);
    if (b.norders != 2) return;
    const json_t *o = b.orders[1].item;
    CHECK_INT(b.orders[1].line, 5);
    CHECK_INT(json_array_size(contents_of(o)), 2);
    CHECK_STR(json_string_value(json_object_get(o, "orderReference")), "12-34567-89013");
    CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2024-03-01T00:00:00Z");
    CHECK_STR(json_string_value(json_object_get(o, "currencyCode")), "GBP");
    CHECK(json_number_value(json_object_get(o, "subtotal")) == 20);
    CHECK_STR(json_string_value(json_object_get(b.orders[0].item, "orderDate")),
              "2024-03-01T00:00:00Z");
    import_batch_free(&b);
}

static void test_amazon(void)
{
    const char *file =
        "order-id\torder-item-id\tpurchase-date\tpayments-date\tbuyer-email\tbuyer-name\tbuyer-"
        "phone-number\tsku\tproduct-name\tquantity-purchased\tquantity-shipped\tquantity-to-"
        "ship\tship-service-level\trecipient-name\tship-address-1\tship-address-2\tship-address-"
        "3\tship-city\tship-state\tship-postal-code\tship-country\n"
        "203-1234567-1234567\t1\t2024-03-01T10:15:00+00:00\t2024-03-01T10:15:00+00:00\tx@"
        "marketplace.amazon.co.uk\tZoe\t07700900123\tMUG-1\tBlue mug, "
        "large\t2\t0\t2\tStandard\tZoe "
        "Smith\t1 High St\t\t\tLeeds\tWest Yorkshire\tLS1 1AA\tGB\n"
        "203-1234567-1234567\t2\t2024-03-01T10:15:00+00:00\t2024-03-01T10:15:00+00:00\tx@"
        "marketplace.amazon.co.uk\tZoe\t07700900123\tPOT-1\tTeapot\t1\t0\t1\tStandard\tZoe "
        "Smith\t1 High St\t\t\tLeeds\tWest Yorkshire\tLS1 1AA\tGB\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_AMAZON);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        const json_t *c = contents_of(b.orders[0].item);
        CHECK_INT(json_array_size(c), 2);
        CHECK_STR(json_string_value(json_object_get(json_array_get(c, 0), "name")),
                  "Blue mug, large");
        CHECK_INT(json_integer_value(json_object_get(json_array_get(c, 0), "quantity")), 2);
        CHECK_STR(json_string_value(json_object_get(b.orders[0].item, "orderDate")),
                  "2024-03-01T10:15:00Z");
    }
    import_batch_free(&b);
}

static void test_etsy(void)
{
    const char *file =
        "Sale Date,Order ID,Buyer User ID,Full Name,First Name,Last Name,Number of Items,Payment "
        "Method,Date Shipped,Street 1,Street 2,Ship City,Ship State,Ship Zipcode,Ship "
        "Country,Currency,Order Value,Coupon Code,Shipping,Sales Tax,Order Total\n"
        "03/01/24,3141592653,zoe1,Zo\xEB Smith,Zo\xEB,Smith,1,Etsy Payments,,1 High St,Flat "
        "2,Leeds,West Yorkshire,LS1 1AA,United Kingdom,GBP,12.00,,2.99,0,14.99\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_ETSY);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_STR(dump(o),
                  "{\"currencyCode\":\"GBP\",\"orderDate\":\"2024-03-01T00:00:00Z\","
                  "\"orderReference\":\"3141592653\",\"recipient\":{\"address\":{\"addressLine1\":"
                  "\"1 High St\",\"addressLine2\":\"Flat 2\",\"city\":\"Leeds\",\"countryCode\":"
                  "\"GB\",\"county\":\"West Yorkshire\",\"fullName\":\"Zo\xC3\xAB Smith\","
                  "\"postcode\":\"LS1 1AA\"}},\"shippingCostCharged\":2.99,\"subtotal\":12,"
                  "\"total\":14.99}");
        CHECK(validates(o));
    }
    import_batch_free(&b);
}

static void test_woocommerce(void)
{
    const char *file =
        "Order Number,Order Status,Order Date,First Name (Shipping),Last Name "
        "(Shipping),Company (Shipping),Address 1&2 (Shipping),City (Shipping),State Code "
        "(Shipping),Postcode (Shipping),Country Code (Shipping),Email (Billing),Phone "
        "(Billing),Item Name,SKU,Quantity,Item Cost,Order Shipping Amount,Order Total Amount\n"
        "5001,processing,2024-03-01 10:15,Zoe,Smith,,\"1 High St, Flat 2\",Leeds,WYK,LS1 "
        "1AA,GB,z@example.com,07700900123,Mug,MUG-1,2,7.50,3.00,18.00\n"
        "5001,processing,2024-03-01 10:15,Zoe,Smith,,\"1 High St, Flat 2\",Leeds,WYK,LS1 "
        "1AA,GB,z@example.com,07700900123,Card,,1,0,3.00,18.00\n"
        "5002,processing,2024-03-01 11:00,Al,Jones,,2 Low St,Bath,,BA1 1AA,XX,,,Mug,MUG-1,1,7.50,"
        "0,7.50\n";
    struct import_batch b;
    CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_WOOCOMMERCE);
    CHECK_INT(b.norders, 1);
    CHECK_INT(b.nerrors, 1);
    CHECK(has_error(&b, 4, "Country Code (Shipping)"));
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_INT(json_array_size(contents_of(o)), 2);
        CHECK(json_number_value(json_object_get(o, "subtotal")) == 15);
        CHECK_STR(json_string_value(json_object_get(
                      json_object_get(json_object_get(o, "recipient"), "address"), "addressLine1")),
                  "1 High St, Flat 2");
        CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2024-03-01T10:15:00Z");
    }
    CHECK_STR(import_column_for(&b, "recipient.address.addressLine1"), "Address 1&2 (Shipping)");
    import_batch_free(&b);
}

/* A date cell as the layout's style reads it, as RFC 3339; "-" when refused. */
static const char *date_of(enum import_dates style, const char *s)
{
    int64_t ms;
    if (!import_parse_date(style, s, &ms)) return "-";
    char *t = arena_alloc(&A, 40);
    time_format_rfc3339(ms, t, 40);
    return t;
}

static void test_dates_with_a_time(void)
{
    CHECK_STR(date_of(DATES_DMY, "28/11/2026"), "2026-11-28T00:00:00Z");
    CHECK_STR(date_of(DATES_DMY, "28/11/2026 14:05"), "2026-11-28T14:05:00Z");
    CHECK_STR(date_of(DATES_DMY, "28/11/2026 14:05:33"), "2026-11-28T14:05:33Z");
    CHECK_STR(date_of(DATES_DMY, "28/11/26 9:05"), "2026-11-28T09:05:00Z");
    CHECK_STR(date_of(DATES_DMY, "1/2/2026 00:00"), "2026-02-01T00:00:00Z");
    /* a year first cannot be misread: ISO dates read in the slashed layouts too */
    CHECK_STR(date_of(DATES_DMY, "2026-11-28 14:05"), "2026-11-28T14:05:00Z");
    CHECK_STR(date_of(DATES_DMY, "2026-11-28"), "2026-11-28T00:00:00Z");
    CHECK_STR(date_of(DATES_MDY, "11/28/2026 14:05"), "2026-11-28T14:05:00Z");
    CHECK_STR(date_of(DATES_MDY, "2026-11-28 14:05:33"), "2026-11-28T14:05:33Z");
    CHECK_STR(date_of(DATES_ISO, "2026-11-28 14:05"), "2026-11-28T14:05:00Z");
    CHECK_STR(date_of(DATES_EBAY, "Nov-28-26 14:05"), "2026-11-28T14:05:00Z");
    CHECK_STR(date_of(DATES_EBAY, "28-Nov-26"), "2026-11-28T00:00:00Z");
    const char *refused[] = {"28/11/2026 14",     "28/11/2026 24:00",  "28/11/2026 14:60",
                             "28/11/2026 14:05:", "28/11/2026 14:5",   "28/11/2026 14:05:60",
                             "28/11/2026T14:05",  "28/11/2026 14:05 ", "28/11/2026 2pm",
                             "29/02/2026 10:00",  "28/11/2026,14:05",  "28/11/2026 114:05"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        CHECK_STR(date_of(DATES_DMY, refused[i]), "-");
        CHECK_STR(date_of(DATES_MDY, refused[i]), "-");
    }
    CHECK_STR(date_of(DATES_MDY, "28/11/2026 14:05"), "-"); /* no month 28 */
}

/* A money cell in pence; -1 when refused. */
static long long pence_of(const char *s, const char **currency)
{
    int64_t p;
    const char *c;
    if (!import_parse_money(s, &p, &c)) return -1;
    if (currency) *currency = c;
    return p;
}

static void test_money_with_thousands(void)
{
    const char *cur = "?";
    CHECK_INT(pence_of("1,234.50", &cur), 123450);
    CHECK(cur == NULL);
    CHECK_INT(pence_of("\xC2\xA3"
                       "1,234.50",
                       &cur),
              123450);
    CHECK_STR(cur, "GBP");
    CHECK_INT(pence_of("$12,345,678.00", &cur), 1234567800);
    CHECK_STR(cur, "USD");
    CHECK_INT(pence_of("1,234", NULL), 123400);
    CHECK_INT(pence_of("999,999", NULL), 99999900);
    CHECK_INT(pence_of("12.5", NULL), 1250);
    CHECK_INT(pence_of("1234.50", NULL), 123450);
    /* a decimal comma, or commas that do not group thousands: not guessed */
    const char *refused[] = {"1,23",      "12,50",   "1,2345.00", ",123",      "1,,234",
                             "1234,567",  "1,234,5", "1.234,50",  "1,234.5,0", "1,234.",
                             "1,234.567", "1,",      "£,123",     "12,3456"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK_INT(pence_of(refused[i], NULL), -1);
}

static void test_semicolon_file(void)
{
    /* a whole semicolon file from Excel, with a sep line, dates with a time and
     * money with thousands separators: the user's spreadsheet */
    const char *f = "sep=;\r\n"
                    "First Name;Last Name;Address Line 1;City;Postcode;Order date;Weight;"
                    "Sub-total;Shipping cost;Total\r\n"
                    "Zo\xC3\xAB;Smith;1 High St;Leeds;LS1 1AA;28/11/2026 14:05;1.5;1,234.50;"
                    "\xC2\xA3"
                    "2.50;\xC2\xA3"
                    "1,237.00\r\n"
                    "Al;Jones;2 Low St;Bath;BA1 1AA;2026-11-28 09:30;0.2;1,23;0;1\r\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_CLICKANDDROP);
    CHECK_INT(b.norders, 1);
    CHECK_INT(b.nerrors, 1);
    CHECK(has_error(&b, 4, "Sub-total")); /* 1,23 stays refused */
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_INT(b.orders[0].line, 3);
        CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2026-11-28T14:05:00Z");
        CHECK(json_number_value(json_object_get(o, "subtotal")) == 1234.5);
        CHECK(json_number_value(json_object_get(o, "total")) == 1237);
        CHECK_STR(json_string_value(json_object_get(o, "currencyCode")), "GBP");
        CHECK(validates(o));
    }
    import_batch_free(&b);
}

/* A zip (.xlsx) file is refused as a whole, with what to do instead. */
static void test_not_text(void)
{
    static const char zip[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    /* the import refuses the whole file and says what to do instead */
    struct import_batch b;
    CHECK(!import_read(zip, sizeof zip - 1, NOW_MS, &A, &b));
    CHECK(b.nerrors == 1 && strstr(b.errors[0].message, "save it as CSV"));
}

/* The recipient's address of an item. */
static const json_t *address_of(const json_t *item)
{
    return json_object_get(json_object_get(item, "recipient"), "address");
}

static const char *addr_field(const json_t *item, const char *key)
{
    return json_string_value(json_object_get(address_of(item), key));
}

static void test_ebay_spellings(void)
{
    /* the mixed "Ship To" report with UK postcode and county headers */
    const char *f = "Order Number,Item Title,Ship To Name,Ship To Phone,Ship To Address 1,Ship To "
                    "Address 2,Ship To City,Ship To County,Ship To Postcode,Ship To Country,"
                    "Quantity,Sold For,Postage And Packaging,Total Price,Sale Date\n"
                    "01-12345-67890,Blue mug,Zoe Smith,07700900123,1 High St,,Leeds,West "
                    "Yorkshire,LS1 1AA,United Kingdom,1,8.99,2.50,11.49,28-Nov-26\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_EBAY);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        CHECK_STR(addr_field(b.orders[0].item, "postcode"), "LS1 1AA");
        CHECK_STR(addr_field(b.orders[0].item, "county"), "West Yorkshire");
    }
    CHECK_STR(import_column_for(&b, "recipient.address.postcode"), "Ship To Postcode");
    CHECK_STR(import_column_for(&b, "recipient.address.county"), "Ship To County");
    import_batch_free(&b);
    /* every postcode and county spelling, one file each */
    const char *postcodes[] = {"Ship To Zip", "Ship To Postcode", "Ship To Postal Code",
                               "Post To Postcode", "Post To Zip"};
    const char *counties[] = {"Ship To State", "Ship To County", "Post To County", "Post To State",
                              "Ship To State"};
    for (size_t i = 0; i < 5; i++) {
        char file[512];
        snprintf(file, sizeof file,
                 "Sales Record Number,Item Title,Post To Name,Post To Address 1,Post To City,%s,%s,"
                 "Sale Price\n7,Mug,Al Jones,2 Low St,Bath,BA1 1AA,Somerset,5.00\n",
                 postcodes[i], counties[i]);
        CHECK(import_read(file, strlen(file), NOW_MS, &A, &b));
        CHECK_INT(b.format, IMPORT_EBAY);
        CHECK_INT(b.norders, 1);
        if (b.norders == 1) {
            const json_t *o = b.orders[0].item;
            CHECK_STR(addr_field(o, "postcode"), "BA1 1AA");
            CHECK_STR(addr_field(o, "county"), "Somerset");
            CHECK_STR(json_string_value(json_object_get(o, "orderReference")), "7");
            CHECK(json_number_value(
                      json_object_get(json_array_get(contents_of(o), 0), "unitValue")) == 5);
        }
        import_batch_free(&b);
    }
}

static void test_shopify_items_not_posted(void)
{
    const char *f = "Name,Email,Subtotal,Shipping,Total,Created at,Lineitem quantity,Lineitem "
                    "name,Lineitem price,Lineitem sku,Lineitem requires shipping,Shipping Name,"
                    "Shipping Street,Shipping City,Shipping Zip,Shipping Province Name,Shipping "
                    "Country,Phone,Weight\n"
                    "#2001,a@example.com,35.00,3.00,38.00,2026-11-28 14:05:00 +0000,1,Mug,10.00,"
                    "MUG-1,true,Zoe Smith,\"1 High St, Flat 2\",Leeds,LS1 1AA,West Yorkshire,GB,"
                    "07700900123,0.5\n"
                    "#2001,,,,,,1,Gift card,25.00,GIFT-25,false,,,,,,,,\n"
                    "#2002,b@example.com,25.00,0,25.00,2026-11-28 15:00:00 +0000,1,Gift card,"
                    "25.00,GIFT-25,false,Al Jones,2 Low St,Bath,BA1 1AA,,GB,,0.1\n"
                    "#2003,c@example.com,5,0,5,2026-11-28 16:00:00 +0000,1,E-book,5,EB-1,FALSE,"
                    "Cy Brown,3 Mid St,York,YO1 7HH,,GB,,\n"
                    "#2003,,,,,,1,Download,5,DL-1,no,,,,,,,,\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_SHOPIFY);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    CHECK_INT(b.nleft_out, 2);
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item, *c = contents_of(o);
        CHECK_INT(json_array_size(c), 1); /* the gift card is not parcel contents */
        CHECK_STR(json_string_value(json_object_get(json_array_get(c, 0), "SKU")), "MUG-1");
        CHECK_STR(addr_field(o, "addressLine1"), "1 High St, Flat 2");
        CHECK_STR(addr_field(o, "county"), "West Yorkshire");
        CHECK_STR(
            json_string_value(json_object_get(json_object_get(o, "recipient"), "phoneNumber")),
            "07700900123");
        CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2026-11-28T14:05:00Z");
        CHECK(json_number_value(json_object_get(o, "subtotal")) == 35);
        CHECK(validates(o));
    }
    if (b.nleft_out == 2) {
        CHECK_INT(b.left_out[0].line, 4);
        CHECK_STR(b.left_out[0].reference, "#2002");
        CHECK(strstr(b.left_out[0].reason, "Lineitem requires shipping") != NULL);
        CHECK_INT(b.left_out[1].line, 5);
        CHECK_STR(b.left_out[1].reference, "#2003");
    }
    import_batch_free(&b);
    /* a value that does not read is an error with its column */
    const char *bad = "Name,Lineitem name,Lineitem requires shipping,Shipping Name,Shipping "
                      "Address1,Shipping City\n#9,Mug,perhaps,Al,1 A St,Bath\n";
    CHECK(import_read(bad, strlen(bad), NOW_MS, &A, &b));
    CHECK_INT(b.norders, 0);
    CHECK_INT(b.nleft_out, 0);
    CHECK(has_error(&b, 2, "Lineitem requires shipping"));
    import_batch_free(&b);
}

static void test_amazon_business_order(void)
{
    const char *f = "order-id\tpurchase-date\tsku\tproduct-name\tquantity-to-ship\trecipient-"
                    "name\tship-address-1\tship-city\tship-postal-code\tship-country\tis-"
                    "business-order\n"
                    "202-1\t2026-11-28T14:05:00+00:00\tA-1\tDesk\t1\tAcme Ltd\t1 Works Rd\t"
                    "Hull\tHU1 1AA\tGB\ttrue\n"
                    "202-2\t2026-11-28T15:05:00+00:00\tA-2\tLamp\t1\tPat\t2 Home Rd\tHull\t"
                    "HU1 2BB\tGB\tfalse\n"
                    "202-3\t2026-11-28T16:05:00+00:00\tA-3\tPen\t1\tSam\t3 Home Rd\tHull\t"
                    "HU1 3CC\tGB\t\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_AMAZON);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 3);
    if (b.norders == 3) {
        CHECK(json_is_true(json_object_get(b.orders[0].item, "isRecipientABusiness")));
        CHECK(json_is_false(json_object_get(b.orders[1].item, "isRecipientABusiness")));
        CHECK(json_object_get(b.orders[2].item, "isRecipientABusiness") == NULL);
    }
    CHECK_STR(import_column_for(&b, "isRecipientABusiness"), "is-business-order");
    import_batch_free(&b);
}

static void test_etsy_and_woocommerce_spellings(void)
{
    /* Etsy's sold order items file: one row per item, grouped by Order ID */
    const char *f = "Sale Date,Item Name,Buyer,Quantity,Price,Order Delivery,Currency,Ship Name,"
                    "Ship Address1,Ship Address2,Ship City,Ship State,Ship Zipcode,Ship Country,"
                    "Order ID\n"
                    "11/28/26,Mug,zoe1,2,7.50,2.99,GBP,Zoe Smith,1 High St,Flat 2,Leeds,,LS1 1AA,"
                    "United Kingdom,31415\n"
                    "11/28/26,Coaster,zoe1,1,1.00,2.99,GBP,Zoe Smith,1 High St,Flat 2,Leeds,,LS1 "
                    "1AA,United Kingdom,31415\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_ETSY);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_INT(json_array_size(contents_of(o)), 2);
        CHECK(json_number_value(json_object_get(o, "subtotal")) == 16);
        CHECK(json_number_value(json_object_get(o, "shippingCostCharged")) == 2.99);
        CHECK_STR(addr_field(o, "fullName"), "Zoe Smith");
        CHECK_STR(addr_field(o, "addressLine2"), "Flat 2");
    }
    import_batch_free(&b);

    /* WooCommerce through the snake_case export extensions */
    f = "order_id,order_number,order_date,status,shipping_total,order_total,order_currency,"
        "billing_email,billing_phone,shipping_first_name,shipping_last_name,shipping_company,"
        "shipping_address_1,shipping_address_2,shipping_postcode,shipping_city,shipping_state,"
        "shipping_country,shipping_phone,customer_note,item_name,item_sku,item_quantity\n"
        "77,W-77,2026-11-28 14:05:33,processing,3.00,23.00,GBP,z@example.com,01130000000,Zoe,"
        "Smith,Acme,1 High St,Unit 2,LS1 1AA,Leeds,West Yorkshire,GB,07700900123,Ring the bell,"
        "Mug,MUG-1,2\n"
        "77,W-77,2026-11-28 14:05:33,processing,3.00,23.00,GBP,z@example.com,01130000000,Zoe,"
        "Smith,Acme,1 High St,Unit 2,LS1 1AA,Leeds,West Yorkshire,GB,07700900123,Ring the bell,"
        "Pot,POT-1,1\n";
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_WOOCOMMERCE);
    CHECK_INT(b.nerrors, 0);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_STR(json_string_value(json_object_get(o, "orderReference")), "W-77");
        CHECK_STR(json_string_value(json_object_get(o, "orderDate")), "2026-11-28T14:05:33Z");
        CHECK_STR(addr_field(o, "fullName"), "Zoe Smith");
        CHECK_STR(addr_field(o, "companyName"), "Acme");
        CHECK_STR(addr_field(o, "addressLine2"), "Unit 2");
        CHECK_STR(addr_field(o, "postcode"), "LS1 1AA");
        CHECK_STR(addr_field(o, "county"), "West Yorkshire");
        CHECK_STR(
            json_string_value(json_object_get(json_object_get(o, "recipient"), "phoneNumber")),
            "07700900123");
        CHECK_STR(json_string_value(json_object_get(o, "specialInstructions")), "Ring the bell");
        CHECK_INT(json_array_size(contents_of(o)), 2);
        CHECK(json_number_value(json_object_get(o, "total")) == 23);
    }
    import_batch_free(&b);

    /* Click & Drop's own layout under the names people give its columns */
    f = "First Name,Company name,Address Line 1,Town/City,Post code,Country code,Sub total\n"
        "Zoe,Acme,1 High St,Leeds,LS1 1AA,GBR,10.00\n";
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.format, IMPORT_CLICKANDDROP);
    CHECK_INT(b.norders, 1);
    if (b.norders == 1) {
        const json_t *o = b.orders[0].item;
        CHECK_STR(addr_field(o, "city"), "Leeds");
        CHECK_STR(addr_field(o, "postcode"), "LS1 1AA");
        CHECK_STR(addr_field(o, "countryCode"), "GB");
        CHECK_STR(addr_field(o, "companyName"), "Acme");
    }
    import_batch_free(&b);
}

/* A postcode country without a postcode: the line and the file's own column
 * name. */
static void test_postcode_from_a_file(void)
{
    /* from a file: the line and the file's own column name */
    const char *f = "Order Number,Item Title,Ship To Name,Ship To Address 1,Ship To City,Ship To "
                    "Postcode,Ship To Country,Weight\n"
                    "1-1,Mug,Al,1 A St,Bath,,United Kingdom,0.5\n"
                    "1-2,Mug,Bo,2 B St,Dublin,,Ireland,0.5\n";
    struct import_batch b;
    CHECK(import_read(f, strlen(f), NOW_MS, &A, &b));
    CHECK_INT(b.norders, 2);
    if (b.norders == 2) {
        struct order_new o;
        struct order_errors e = {0};
        CHECK(!order_validate(b.orders[0].item, &A, &o, &e));
        CHECK(e.n == 1 && e.items[0].code == OERR_REQUIRED);
        CHECK_STR(import_column_for(&b, e.n ? e.items[0].field : ""), "Ship To Postcode");
        CHECK(validates(b.orders[1].item));
    }
    import_batch_free(&b);
}

/* The import names the column to fill in, even for an order without items. */
static void test_import_columns(void)
{
    const char csv[] = "First Name,Address Line 1,City,Postcode,Country,Service code,Weight\r\n"
                       "Jean,2 Rue de Rivoli,Paris,75001,France,ITROLP,0.5\r\n";
    struct import_batch b;
    CHECK(import_read(csv, sizeof csv - 1, 0, &A, &b));
    CHECK_STR(import_column_for(&b, "packages[0].contents"), "Customs description");
    CHECK_STR(import_column_for(&b, "packages[0].contents[0].customsCode"), "HS tariff code");
    CHECK_STR(import_column_for(&b, "packages[0].contents[2].originCountryCode"),
              "Country of origin");
    CHECK_STR(import_column_for(&b, "packages[0].contents[0].unitWeightInGrams"), "Unit weight");
    import_batch_free(&b);
}

int main(void)
{
    arena_init(&A);
    test_clickanddrop();
    test_clickanddrop_minimal();
    test_bad_rows();
    test_file_errors();
    test_shopify();
    test_ebay();
    test_amazon();
    test_etsy();
    test_woocommerce();
    test_dates_with_a_time();
    test_money_with_thousands();
    test_semicolon_file();
    test_not_text();
    test_ebay_spellings();
    test_shopify_items_not_posted();
    test_amazon_business_order();
    test_etsy_and_woocommerce_spellings();
    test_postcode_from_a_file();
    test_import_columns();
    arena_free(&A);
    return check_report("import");
}
