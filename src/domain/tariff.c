/* tariff: finding services and formats, and pricing one package. Reads the
 * loaded tariff only, so it needs no lock. */
#include "domain/tariff_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int tariff_format_index(const struct tariff *t, const char *name)
{
    for (int i = 0; i < t->n_formats; i++)
        if (strcmp(t->formats[i].name, name) == 0) return i;
    return -1;
}

int tariff_zone_index(const struct tariff *t, const char *name)
{
    for (int i = 0; i < t->n_zones; i++)
        if (strcmp(t->zones[i], name) == 0) return i;
    return -1;
}

struct tariff_svc *tariff_svc_find(const struct tariff *t, const char *code)
{
    for (size_t i = 0; i < t->n_services; i++)
        if (strcmp(t->services[i]->pub.code, code) == 0) return t->services[i];
    return NULL;
}

int tariff_country_zone(const struct tariff *t, const char *cc)
{
    if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
        return TARIFF_NO_ZONE;
    return t->zone_of[cc[0] - 'A'][cc[1] - 'A'];
}

const struct tariff_service *tariff_service(const struct tariff *t, const char *code)
{
    const struct tariff_svc *s = code ? tariff_svc_find(t, code) : NULL;
    return s ? &s->pub : NULL;
}

const struct tariff_format *tariff_format(const struct tariff *t, const char *name)
{
    int i = name ? tariff_format_index(t, name) : -1;
    return i < 0 ? NULL : &t->formats[i];
}

size_t tariff_service_count(const struct tariff *t)
{
    return t->n_services;
}

const struct tariff_service *tariff_service_at(const struct tariff *t, size_t i)
{
    return i < t->n_services ? &t->services[i]->pub : NULL;
}

const struct tariff_carrier *tariff_carrier(const struct tariff *t)
{
    return t->carrier.name ? &t->carrier : NULL;
}

size_t tariff_return_count(const struct tariff *t)
{
    return t->n_returns;
}

const struct tariff_return_service *tariff_return_at(const struct tariff *t, size_t i)
{
    return i < t->n_returns ? &t->returns[i] : NULL;
}

const struct tariff_return_service *tariff_return_service(const struct tariff *t, const char *code)
{
    for (size_t i = 0; code && i < t->n_returns; i++)
        if (strcmp(t->returns[i].code, code) == 0) return &t->returns[i];
    return NULL;
}

bool tariff_domestic(const struct tariff *t, const char *alpha2)
{
    return alpha2 && t->uk_zone != TARIFF_NO_ZONE && tariff_country_zone(t, alpha2) == t->uk_zone;
}

const char *tariff_zone_of(const struct tariff *t, const char *alpha2)
{
    int z = alpha2 ? tariff_country_zone(t, alpha2) : TARIFF_NO_ZONE;
    return z == TARIFF_NO_ZONE ? NULL : t->zones[z];
}

bool tariff_service_takes(const struct tariff *t, const char *code, const char *format)
{
    const struct tariff_svc *s = code ? tariff_svc_find(t, code) : NULL;
    int f = format ? tariff_format_index(t, format) : -1;
    return s && f >= 0 && (s->formats & 1u << f);
}

/* Copies a caller's value for quoting in a message: printable ASCII only,
 * at most 24 characters, so an error can never carry control bytes. */
static const char *quote(char out[32], const char *v)
{
    size_t n = 0;
    for (; v && v[n] && n < 24; n++)
        out[n] = (v[n] >= 0x20 && v[n] < 0x7f) ? v[n] : '?';
    if (v && v[n]) out[n - 1] = '~';
    out[n] = 0;
    return out;
}

/* Fills err for a lookup failure and returns false. */
static bool qfail(struct tariff_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool qfail(struct tariff_error *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->line = 0;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

/* The package's field path, e.g. packages[0].weightInGrams. */
static const char *pfield(char out[48], int index, const char *name)
{
    snprintf(out, 48, "packages[%d].%s", index, name);
    return out;
}

/* The zone the query's country is in, or an error on the country code. */
static bool query_zone(const struct tariff *t, const char *country, int *zone,
                       struct tariff_error *err)
{
    const char *field = "recipient.address.countryCode";
    char cc[3] = {0}, q[32];
    if (!country || strlen(country) != 2)
        return qfail(err, TARIFF_ERR_INVALID, field,
                     "%s must be a two-letter ISO 3166 code, not '%s'", field, quote(q, country));
    for (int i = 0; i < 2; i++)
        cc[i] = (char)(country[i] >= 'a' && country[i] <= 'z' ? country[i] - 32 : country[i]);
    *zone = tariff_country_zone(t, cc);
    if (*zone == TARIFF_NO_ZONE)
        return qfail(err, TARIFF_ERR_INVALID, field,
                     "%s %s is not a country any service delivers to", field, quote(q, country));
    return true;
}

/* Sorts three sides longest first. */
static void sort3(int d[3])
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 - i; j++)
            if (d[j] < d[j + 1]) {
                int x = d[j];
                d[j] = d[j + 1];
                d[j + 1] = x;
            }
}

/* Describes a format's size limit: "450 x 350 x 160 mm" or, for formats
 * limited by length and girth, "length 1500 mm, length + girth 3000 mm". */
static void describe_limit(char *out, size_t n, const struct tariff_format *f)
{
    if (f->max_mm[0] && f->max_mm[1] && f->max_mm[2] && !f->max_length_girth_mm) {
        snprintf(out, n, "%d x %d x %d mm", f->max_mm[0], f->max_mm[1], f->max_mm[2]);
        return;
    }
    int len = snprintf(out, n, "length %d mm", f->max_mm[0]);
    if (f->max_length_girth_mm && len > 0 && (size_t)len < n)
        snprintf(out + len, n - (size_t)len, ", length + girth %d mm", f->max_length_girth_mm);
}

/* Checks the dimensions (all three or none) against the format's box. */
static bool check_dims(const struct tariff_format *f, const struct tariff_query *q,
                       struct tariff_error *err)
{
    char field[48], limit[80];
    pfield(field, q->package_index, "dimensions");
    int d[3] = {q->dims_mm[0], q->dims_mm[1], q->dims_mm[2]};
    int given = (d[0] != 0) + (d[1] != 0) + (d[2] != 0);
    if (given == 0) return true;
    if (given != 3 || d[0] < 0 || d[1] < 0 || d[2] < 0)
        return qfail(err, TARIFF_ERR_INVALID, field,
                     "%s needs heightInMms, widthInMms and depthInMms, each above 0", field);
    sort3(d);
    bool over = false;
    for (int i = 0; i < 3; i++)
        over |= f->max_mm[i] && d[i] > f->max_mm[i];
    long girth = (long)d[0] + 2L * ((long)d[1] + d[2]);
    over |= f->max_length_girth_mm && girth > f->max_length_girth_mm;
    if (!over) return true;
    describe_limit(limit, sizeof limit, f);
    return qfail(err, TARIFF_ERR_RANGE, field, "%s %d x %d x %d mm exceed %s for %s", field,
                 q->dims_mm[0], q->dims_mm[1], q->dims_mm[2], limit, f->name);
}

/* The format, checked against the service, its weight and its size. */
static bool query_format(const struct tariff *t, const struct tariff_svc *s,
                         const struct tariff_query *q, int *fi, struct tariff_error *err)
{
    char field[48], qv[32];
    pfield(field, q->package_index, "packageFormatIdentifier");
    *fi = q->format ? tariff_format_index(t, q->format) : -1;
    if (*fi < 0)
        return qfail(err, TARIFF_ERR_INVALID, field,
                     "%s '%s' is not a package format postroom prices", field,
                     quote(qv, q->format));
    const struct tariff_format *f = &t->formats[*fi];
    if (!(s->formats & 1u << *fi))
        return qfail(err, TARIFF_ERR_INVALID, field, "service %s does not take format %s",
                     s->pub.code, f->name);
    pfield(field, q->package_index, "weightInGrams");
    if (q->weight_grams < 1)
        return qfail(err, TARIFF_ERR_RANGE, field, "%s must be at least 1 g", field);
    if (q->weight_grams > f->max_grams)
        return qfail(err, TARIFF_ERR_RANGE, field, "%s exceeds %d g for %s", field, f->max_grams,
                     f->name);
    return check_dims(f, q, err);
}

bool tariff_price(const struct tariff *t, const struct tariff_query *q, int64_t *pence,
                  struct tariff_error *err)
{
    char qv[32], field[48];
    const char *sfield = "postageDetails.serviceCode";
    const struct tariff_svc *s = q->service_code ? tariff_svc_find(t, q->service_code) : NULL;
    if (!s)
        return qfail(err, TARIFF_ERR_INVALID, sfield, "%s %s does not exist", sfield,
                     quote(qv, q->service_code));
    int zone, fi;
    if (!query_zone(t, q->country, &zone, err)) return false;
    if ((zone == t->uk_zone) != (s->pub.scope == TARIFF_SCOPE_UK))
        return qfail(err, TARIFF_ERR_INVALID, "recipient.address.countryCode",
                     "service %s does not deliver to %s", s->pub.code, quote(qv, q->country));
    if (!query_format(t, s, q, &fi, err)) return false;
    const struct tariff_bands *b = &s->prices[fi][zone];
    for (int i = 0; i < b->n; i++)
        if (q->weight_grams <= b->band[i].max_grams) {
            *pence = b->band[i].pence;
            return true;
        }
    pfield(field, q->package_index, "weightInGrams");
    return qfail(err, TARIFF_ERR_RANGE, field, "%s exceeds %d g, the most %s takes as %s", field,
                 b->band[b->n - 1].max_grams, s->pub.code, t->formats[fi].name);
}
