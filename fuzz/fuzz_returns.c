/* fuzz_returns: CreateReturnRequest validation (domain/returns.c) and the
 * returns label's shipment built from it.
 *
 * The input is parsed as POST /returns parses its body (jansson,
 * JSON_REJECT_DUPLICATES) and checked against the shipped tariff. Then:
 *  - a refused request names one field: a known code, a JSON path that the
 *    message quotes, under service or shipment;
 *  - an accepted request's service is one of the tariff's return services,
 *    every required address string is there and not blank, every string is
 *    within its maxLength, both countries are in the UK zone, the reference
 *    is at most 50 characters, and the stored document is a JSON object
 *    holding only members of the request, unchanged;
 *  - the shipment built from it carries the tenant, the tracking number and
 *    the service, and its names are the request's first and last names;
 *  - the order a reference names is always one with that identifier or that
 *    exact reference. */
#include "app/share.h"
#include "domain/order.h"
#include "documents/paperwork.h"
#include "domain/returns.h"
#include "fuzz_common.h"
#include "util/json_alloc.h"

static struct tariff *tariff;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_alloc_install();
    struct tariff_error err;
    if (!tariff_load(POSTROOM_SOURCE_DIR "/share/" TARIFF_FILE, &tariff, &err)) {
        fprintf(stderr, "fuzz_returns: %s\n", err.message);
        abort();
    }
    return 0;
}

static bool blank(const char *s)
{
    return !s || strspn(s, " \t\r\n") == strlen(s);
}

/* Every member of doc is in item with the same value. */
static void check_subset(const json_t *doc, const json_t *item, const char *key)
{
    if (!json_is_object(doc)) {
        FUZZ_CHECK(json_equal((json_t *)doc, (json_t *)item), "%s changed", key);
        return;
    }
    FUZZ_CHECK(json_is_object(item), "stored %s is an object, the request's is not", key);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)doc, k, v)
    {
        const json_t *src = json_object_get(item, k);
        FUZZ_CHECK(src, "the stored document holds \"%s\", which the request does not", k);
        check_subset(v, src, k);
    }
}

static void check_address(const struct return_address *a, const char *which)
{
    const char *req[] = {a->first_name, a->last_name, a->line1,      a->city,
                         a->postcode,   a->country,   a->country_iso};
    for (size_t i = 0; i < sizeof req / sizeof *req; i++)
        FUZZ_CHECK(!blank(req[i]), "%s: required field %zu accepted blank", which, i);
    FUZZ_CHECK(utf8_length(a->first_name) <= 150 && utf8_length(a->line1) <= 250 &&
                   utf8_length(a->city) <= 100 && utf8_length(a->postcode) <= 25 &&
                   utf8_length(a->country) <= 50 && strlen(a->country_iso) == 3,
               "%s: a field over its maxLength was accepted", which);
    FUZZ_CHECK(!a->title || utf8_length(a->title) <= 25, "%s: title too long", which);
    FUZZ_CHECK(a->alpha2 && tariff_domestic(tariff, a->alpha2), "%s: country %s outside the UK",
               which, a->country_iso);
}

static void check_valid(const json_t *root, const struct return_request *rq, struct arena *a)
{
    FUZZ_CHECK(rq->service && tariff_return_service(tariff, rq->service->code) == rq->service,
               "the service is not a return service of the tariff");
    check_address(&rq->shipping, "shippingAddress");
    check_address(&rq->to, "returnAddress");
    FUZZ_CHECK(!rq->reference || (utf8_length(rq->reference) <= 50 && !blank(rq->reference)),
               "reference accepted out of bounds");
    json_error_t je;
    json_t *doc = json_loads(rq->doc, JSON_REJECT_DUPLICATES, &je);
    FUZZ_CHECK(json_is_object(doc), "the stored document is not an object: %.200s", rq->doc);
    check_subset(doc, root, "(request)");
    json_decref(doc);
    struct tenant_settings ts = {0};
    struct doc_shipment s;
    return_shipment(rq, 42, 0, &ts, "Shop", "VR000000014GB", a, &s);
    FUZZ_CHECK(s.tenant_id == 42 && !strcmp(s.returns_tracking_number, "VR000000014GB") &&
                   !strcmp(s.returns_service_code, rq->service->code),
               "the shipment lost its tenant, tracking number or service");
    FUZZ_CHECK(strstr(s.recipient.name, rq->shipping.first_name) &&
                   strstr(s.return_address.name, rq->to.last_name),
               "the shipment's names are not the request's");
}

static void check_refused(const struct return_error *e)
{
    FUZZ_CHECK(e->code && (!strcmp(e->code, "MissingField") || !strcmp(e->code, "InvalidField") ||
                           !strcmp(e->code, "FieldTooLong")),
               "unknown error code %s", e->code ? e->code : "(null)");
    FUZZ_CHECK(e->field && e->message && strstr(e->message, e->field),
               "the message does not name the field");
    FUZZ_CHECK(!strncmp(e->field, "service", 7) || !strncmp(e->field, "shipment", 8),
               "field %s is not under service or shipment", e->field);
}

static void check_pick(const json_t *root)
{
    const char *ref = json_string_value(json_object_get(root, "reference"));
    if (!ref) return;
    struct order_row rows[3] = {{.order_id = 1001, .reference = "A"},
                                {.order_id = 1002, .reference = ref},
                                {.order_id = return_reference_id(ref), .reference = "B"}};
    const struct order_row *o = return_pick_order(ref, rows, 3);
    FUZZ_CHECK(o, "no order picked for a reference that names two");
    FUZZ_CHECK((o->order_id && o->order_id == return_reference_id(ref)) ||
                   !strcmp(o->reference, ref),
               "picked order %lld for reference %s", (long long)o->order_id, ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return 0;
    }
    struct arena a;
    arena_init(&a);
    struct return_request rq;
    struct return_error err;
    if (return_validate(root, tariff, &a, &rq, &err))
        check_valid(root, &rq, &a);
    else
        check_refused(&err);
    check_pick(root);
    arena_free(&a);
    json_decref(root);
    return 0;
}
