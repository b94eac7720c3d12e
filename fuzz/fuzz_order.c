/* fuzz_order: order JSON validation and the order writers (domain/order_*.c).
 *
 * The input is parsed as POST /orders parses its body (jansson,
 * JSON_REJECT_DUPLICATES). An object with "items" has each item validated,
 * another object is validated as one item, an array item by item. Then:
 *  - a failed item has at least one error, each with a code 1-4 and a field
 *    path, and the failedOrders entry the API builds from them is valid JSON;
 *  - a valid item's stored document is a JSON object holding only fields of
 *    the item (unknown fields dropped), strings unchanged except normalised
 *    date-times; its reference, order date and package count agree with it;
 *  - written out (order_write_details and order_write_info on a row whose doc
 *    is the validated document, as GET /orders/{ids}/full does), the answer is
 *    valid JSON, carries the required orderDate, every date-time in it parses
 *    back, and money prints as the stored pence. */
#include "api/order_json.h"
#include "domain/order.h"
#include "fuzz_common.h"
#include "util/json_alloc.h"
#include "util/timefmt.h"

#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_alloc_install();
    return 0;
}

static bool is_date_key(const char *k)
{
    return !strcmp(k, "orderDate") || !strcmp(k, "plannedDespatchDate") ||
           !strcmp(k, "commercialInvoiceDate");
}

static bool is_money_key(const char *k)
{
    static const char *const m[] = {
        "subtotal", "shippingCostCharged", "otherCosts", "customsDutyCosts", "total",
        "orderTax", "unitValue",           NULL};
    for (int i = 0; m[i]; i++)
        if (!strcmp(k, m[i])) return true;
    return false;
}

/* Every member of the stored document comes from the item, unchanged but for
 * date-times (normalised) and money (pence) and integers written as reals. */
static void check_subset(const json_t *doc, const json_t *item, const char *key)
{
    if (json_is_object(doc)) {
        FUZZ_CHECK(json_is_object(item), "stored %s is an object, the item's is not", key);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)doc, k, v)
        {
            const json_t *src = json_object_get(item, k);
            FUZZ_CHECK(src, "the stored document holds \"%s\", which the item does not", k);
            check_subset(v, src, k);
        }
    } else if (json_is_array(doc)) {
        FUZZ_CHECK(json_is_array(item) && json_array_size(item) == json_array_size(doc),
                   "stored array %s differs in length", key);
        for (size_t i = 0; i < json_array_size(doc); i++)
            check_subset(json_array_get(doc, i), json_array_get(item, i), key);
    } else if (json_is_string(doc)) {
        FUZZ_CHECK(json_is_string(item), "stored %s is a string, the item's is not", key);
        if (is_date_key(key)) {
            int64_t a, b;
            FUZZ_CHECK(time_parse_rfc3339(json_string_value(item), &a), "%s was accepted", key);
            FUZZ_CHECK(time_parse_rfc3339(json_string_value(doc), &b),
                       "%s \"%s\" is stored as \"%s\", which does not parse", key,
                       json_string_value(item), json_string_value(doc));
            FUZZ_CHECK(a == b, "%s \"%s\" is stored as another instant \"%s\"", key,
                       json_string_value(item), json_string_value(doc));
        } else {
            FUZZ_CHECK(json_equal((json_t *)doc, (json_t *)item), "string %s changed", key);
        }
    } else if (json_is_number(doc) && is_money_key(key)) {
        int64_t pence;
        FUZZ_CHECK(order_parse_money(item, INT64_MAX, &pence) == 0 &&
                       json_integer_value(doc) == pence,
                   "money %s stored as %lld pence", key, (long long)json_integer_value(doc));
    } else if (json_is_number(doc)) {
        FUZZ_CHECK(json_is_number(item) && json_number_value(doc) == json_number_value(item),
                   "number %s changed", key);
    } else {
        FUZZ_CHECK(json_equal((json_t *)doc, (json_t *)item), "%s changed", key);
    }
}

/* Every string member named like a date-time in the answer parses. */
static void check_dates(const json_t *v, const char *key)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k, m) check_dates(m, k);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            check_dates(json_array_get(v, i), key);
    } else if (key && (strstr(key, "On") || strstr(key, "Date")) && !strstr(key, "Reference")) {
        int64_t ms;
        FUZZ_CHECK(json_is_string(v) && time_parse_rfc3339(json_string_value(v), &ms),
                   "the answer's %s is not a date-time the API accepts: %s", key,
                   json_is_string(v) ? json_string_value(v) : "(not a string)");
    }
}

static json_t *parse_answer(struct buf *b, const char *what)
{
    json_error_t je;
    json_t *j = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &je);
    FUZZ_CHECK(j, "%s is not valid JSON (%s at %d): %.300s", what, je.text, je.position,
               buf_cstr(b));
    return j;
}

static void check_money(const json_t *ans, const char *ak, const json_t *doc, const char *dk)
{
    const json_t *v = json_object_get(ans, ak);
    FUZZ_CHECK(json_is_number(v), "the answer has no %s", ak);
    double want = (double)json_integer_value(json_object_get(doc, dk)) / 100.0;
    FUZZ_CHECK(fabs(json_number_value(v) - want) < 0.005, "%s prints as %f, stored %f", ak,
               json_number_value(v), want);
}

static void check_valid(const json_t *item, const struct order_new *o, struct arena *a)
{
    json_error_t je;
    json_t *doc = json_loads(o->doc, JSON_REJECT_DUPLICATES, &je);
    FUZZ_CHECK(json_is_object(doc), "the stored document is not a JSON object: %.200s", o->doc);
    check_subset(doc, item, "(order)");

    const json_t *ref = json_object_get(item, "orderReference");
    if (json_is_string(ref)) {
        FUZZ_CHECK(o->reference && !strcmp(o->reference, json_string_value(ref)), "reference");
        FUZZ_CHECK(utf8_length(o->reference) <= 40, "a reference of %zu characters",
                   utf8_length(o->reference));
    } else {
        FUZZ_CHECK(!o->reference, "a reference from nowhere");
    }
    int64_t date;
    FUZZ_CHECK(time_parse_rfc3339(json_string_value(json_object_get(item, "orderDate")), &date),
               "accepted without a valid orderDate");
    FUZZ_CHECK(o->order_date == date, "orderDate \"%s\" is kept as %lld, not %lld",
               json_string_value(json_object_get(item, "orderDate")), (long long)o->order_date,
               (long long)date);
    size_t np = json_array_size(json_object_get(doc, "packages"));
    FUZZ_CHECK((size_t)o->package_count == np && np <= ORDER_MAX_PACKAGES, "package count %d",
               o->package_count);

    struct order_row row = {.tenant_id = 1,
                            .order_id = 1001,
                            .reference = o->reference,
                            .status = "new",
                            .created_on = 1796032800000LL,
                            .order_date = o->order_date,
                            .package_count = o->package_count,
                            .tracking_number = "RA473124829GB",
                            .doc = o->doc};
    struct buf b;
    buf_init(&b, a);
    struct jw w;
    jw_init(&w, &b);
    FUZZ_CHECK(order_write_details(&w, &row, a), "order_write_details failed on a valid order");
    json_t *ans = parse_answer(&b, "order_write_details");
    FUZZ_CHECK(json_is_object(ans), "details are not an object");
    FUZZ_CHECK(json_object_get(ans, "orderDate"), "the details lost the required orderDate \"%s\"",
               json_string_value(json_object_get(item, "orderDate")));
    check_dates(ans, NULL);
    check_money(ans, "subtotal", doc, "subtotal");
    check_money(ans, "total", doc, "total");
    check_money(ans, "shippingCostCharged", doc, "shippingCostCharged");
    json_decref(ans);

    buf_init(&b, a);
    jw_init(&w, &b);
    order_write_info(&w, &row);
    ans = parse_answer(&b, "order_write_info");
    FUZZ_CHECK(json_integer_value(json_object_get(ans, "orderIdentifier")) == 1001, "info id");
    check_dates(ans, NULL);
    json_decref(ans);
    json_decref(doc);
}

static void check_failed(const json_t *item, const struct order_errors *e, struct arena *a)
{
    FUZZ_CHECK(e->n > 0, "an order was refused without an error");
    struct buf b;
    buf_init(&b, a);
    struct jw w;
    jw_init(&w, &b);
    /* the failedOrders entry, as api/orders.c writes it */
    jw_obj_open(&w);
    jw_key(&w, "order");
    char *echo = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    jw_raw(&w, echo ? echo : "null");
    free(echo);
    jw_key(&w, "errors");
    jw_arr_open(&w);
    for (size_t i = 0; i < e->n; i++) {
        const struct field_error *fe = &e->items[i];
        FUZZ_CHECK(fe->code >= 1 && fe->code <= 4, "errorCode %d", fe->code);
        FUZZ_CHECK(fe->field && fe->message, "an error without a field or message");
        jw_obj_open(&w);
        jw_kint(&w, "errorCode", fe->code);
        jw_kstr(&w, "errorMessage", fe->message);
        jw_kstr(&w, "fieldName", fe->field);
        jw_kstr_opt(&w, "value", fe->value);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    json_decref(parse_answer(&b, "failedOrders entry"));
}

static void one(const json_t *item)
{
    struct arena a;
    arena_init(&a);
    struct order_new o;
    struct order_errors e = {0};
    if (order_validate(item, &a, &o, &e)) {
        FUZZ_CHECK(e.n == 0, "a valid order with %zu errors", e.n);
        check_valid(item, &o, &a);
    } else {
        check_failed(item, &e, &a);
    }
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!root) return 0;
    const json_t *items = json_object_get(root, "items");
    if (!items && json_is_array(root)) items = root;
    if (json_is_array(items)) {
        for (size_t i = 0; i < json_array_size(items) && i < 100; i++)
            one(json_array_get(items, i));
    } else {
        one(root);
    }
    json_decref(root);
    return 0;
}
