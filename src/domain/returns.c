/* returns: CreateReturnRequest against the spec's table, the order a return
 * names, and the returns label's shipment. */
#include "domain/returns.h"
#include "domain/country.h"
#include "domain/order.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One string field of the spec: its name, whether it is required, its
 * maxLength in characters. */
struct rfield {
    const char *name;
    bool required;
    int max;
};

/* The spec's Address, field by field. */
static const struct rfield address_fields[] = {{"title", false, 25},
                                               {"firstName", true, 150},
                                               {"lastName", true, 150},
                                               {"companyName", false, 250},
                                               {"addressLine1", true, 250},
                                               {"addressLine2", false, 250},
                                               {"addressLine3", false, 250},
                                               {"city", true, 100},
                                               {"county", false, 250},
                                               {"postcode", true, 25},
                                               {"country", true, 50},
                                               {"countryIsoCode", true, 3},
                                               {NULL, false, 0}};
enum {
    A_TITLE,
    A_FIRST,
    A_LAST,
    A_COMPANY,
    A_LINE1,
    A_LINE2,
    A_LINE3,
    A_CITY,
    A_COUNTY,
    A_POSTCODE,
    A_COUNTRY,
    A_ISO,
    A_COUNT
};

/* Strings the spec leaves unbounded still get a bound. */
static const struct rfield service_code_field = {"serviceCode", true, 20};
static const struct rfield register_code_field = {"serviceRegisterCode", false, 50};
static const struct rfield reference_field = {"reference", true, 50};

struct vctx {
    struct arena *a;
    const struct tariff *t;
    struct return_error *err;
};

static bool fail(struct vctx *v, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(struct vctx *v, const char *code, const char *field, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->err->code = code;
    v->err->field = field;
    v->err->message = arena_strdup(v->a, msg);
    return false;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return false;
    return true;
}

/* The string obj[f->name] at prefix.name into *out (NULL when absent or
 * null), copied into doc when present. A required string that is empty or
 * only white space is missing. */
static bool str_field(struct vctx *v, const json_t *obj, const char *prefix, const struct rfield *f,
                      json_t *doc, const char **out)
{
    const char *path = arena_printf(v->a, "%s.%s", prefix, f->name);
    json_t *j = json_object_get(obj, f->name);
    *out = NULL;
    if (!j || json_is_null(j)) {
        if (f->required) return fail(v, "MissingField", path, "%s is required.", path);
        return true;
    }
    if (!json_is_string(j)) return fail(v, "InvalidField", path, "%s must be a string.", path);
    const char *s = json_string_value(j);
    if (f->required && blank(s))
        return fail(v, "MissingField", path, "%s is required and may not be empty.", path);
    if (utf8_length(s) > (size_t)f->max)
        return fail(v, "FieldTooLong", path, "%s must be at most %d characters.", path, f->max);
    json_object_set(doc, f->name, j);
    *out = arena_strdup(v->a, s);
    return true;
}

/* The object obj[name] at prefix.name into *out (NULL when absent and not
 * required). */
static bool obj_field(struct vctx *v, const json_t *obj, const char *prefix, const char *name,
                      bool required, const json_t **out, const char **path)
{
    *path = *prefix ? arena_printf(v->a, "%s.%s", prefix, name) : name;
    const json_t *j = json_object_get(obj, name);
    *out = NULL;
    if (!j || json_is_null(j)) {
        if (required) return fail(v, "MissingField", *path, "%s is required.", *path);
        return true;
    }
    if (!json_is_object(j)) return fail(v, "InvalidField", *path, "%s must be an object.", *path);
    *out = j;
    return true;
}

/* countryIsoCode: an ISO 3166-1 alpha-3 code of a country in the tariff's
 * UK zone, where return services carry items. */
static bool check_country(struct vctx *v, const char *prefix, struct return_address *ra)
{
    const char *path = arena_printf(v->a, "%s.countryIsoCode", prefix);
    const char *a2 = strlen(ra->country_iso) == 3 ? country_to_alpha2(ra->country_iso) : NULL;
    if (!a2)
        return fail(v, "InvalidField", path,
                    "%s must be an ISO 3166-1 alpha-3 country code such as GBR.", path);
    if (!tariff_domestic(v->t, a2))
        return fail(v, "InvalidField", path,
                    "%s: return services carry items within the UK only (GBR, GGY, JEY, IMN).",
                    path);
    ra->alpha2 = a2;
    return true;
}

static bool address(struct vctx *v, const json_t *obj, const char *prefix, json_t *doc,
                    struct return_address *ra)
{
    const char *val[A_COUNT];
    for (int i = 0; i < A_COUNT; i++)
        if (!str_field(v, obj, prefix, &address_fields[i], doc, &val[i])) return false;
    *ra = (struct return_address){val[A_TITLE],  val[A_FIRST],    val[A_LAST],    val[A_COMPANY],
                                  val[A_LINE1],  val[A_LINE2],    val[A_LINE3],   val[A_CITY],
                                  val[A_COUNTY], val[A_POSTCODE], val[A_COUNTRY], val[A_ISO],
                                  NULL};
    return check_country(v, prefix, ra);
}

/* The codes of the tariff's return services, "TSN, TSS", for a message. */
static const char *service_codes(struct vctx *v)
{
    const char *list = "";
    for (size_t i = 0; i < tariff_return_count(v->t); i++)
        list = arena_printf(v->a, "%s%s%s", list, i ? ", " : "", tariff_return_at(v->t, i)->code);
    return list;
}

static bool service(struct vctx *v, const json_t *body, json_t *doc, struct return_request *out)
{
    const json_t *svc;
    const char *path, *code, *reg;
    if (!obj_field(v, body, "", "service", true, &svc, &path)) return false;
    json_t *d = json_object();
    json_object_set_new(doc, "service", d);
    if (!str_field(v, svc, path, &service_code_field, d, &code) ||
        !str_field(v, svc, path, &register_code_field, d, &reg))
        return false;
    out->service = tariff_return_service(v->t, code);
    if (!out->service)
        return fail(v, "InvalidField", "service.serviceCode",
                    "service.serviceCode must be a return service of GET /returns/services (%s).",
                    service_codes(v));
    return true;
}

static bool shipment(struct vctx *v, const json_t *body, json_t *doc, struct return_request *out)
{
    const json_t *sh, *addr, *cref;
    const char *path, *apath;
    if (!obj_field(v, body, "", "shipment", true, &sh, &path)) return false;
    json_t *d = json_object();
    json_object_set_new(doc, "shipment", d);
    static const char *const which[2] = {"shippingAddress", "returnAddress"};
    for (int i = 0; i < 2; i++) {
        if (!obj_field(v, sh, path, which[i], true, &addr, &apath)) return false;
        json_t *ad = json_object();
        json_object_set_new(d, which[i], ad);
        if (!address(v, addr, apath, ad, i ? &out->to : &out->shipping)) return false;
    }
    if (!obj_field(v, sh, path, "customerReference", false, &cref, &apath)) return false;
    if (!cref) return true;
    json_t *cd = json_object();
    json_object_set_new(d, "customerReference", cd);
    return str_field(v, cref, apath, &reference_field, cd, &out->reference);
}

bool return_validate(const json_t *body, const struct tariff *t, struct arena *a,
                     struct return_request *out, struct return_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    struct vctx v = {a, t, err};
    json_t *doc = json_object();
    bool ok = service(&v, body, doc, out) && shipment(&v, body, doc, out);
    if (ok) {
        char *text = json_dumps(doc, JSON_COMPACT);
        out->doc = arena_strdup(a, text);
        free(text);
    }
    json_decref(doc);
    return ok;
}

int64_t return_reference_id(const char *reference)
{
    size_t n = reference ? strlen(reference) : 0;
    if (n == 0 || n > 16 || strspn(reference, "0123456789") != n) return 0;
    int64_t id = strtoll(reference, NULL, 10);
    return id > 0 && id < (1LL << 53) ? id : 0;
}

const struct order_row *return_pick_order(const char *reference, const struct order_row *rows,
                                          size_t n)
{
    if (!reference) return NULL;
    int64_t id = return_reference_id(reference);
    const struct order_row *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (id && rows[i].order_id == id) return &rows[i];
    for (size_t i = 0; i < n; i++)
        if (rows[i].reference && strcmp(rows[i].reference, reference) == 0 &&
            (!best || rows[i].order_id > best->order_id))
            best = &rows[i];
    return best;
}

const char *return_history_text(struct arena *a, const char *tracking)
{
    return arena_printf(a, "Return label created, tracking %s", tracking);
}
