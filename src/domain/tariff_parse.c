/* tariff_parse: checks every line of the text of share/tariff.tsv and builds
 * the tariff from it, so a mistake in next year's prices stops the server at
 * start-up with the line at fault instead of mispricing orders. The text
 * comes from the caller (app/share.c reads the file): the domain opens no
 * file. */
#include "domain/tariff_impl.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096
#define MAX_FIELDS 10
#define NAME_MAX_BYTES 100

struct loader {
    struct tariff *t;
    const char *name; /* what messages call the text (a path), NULL: none */
    int line;
    struct tariff_error *err;
    char *f[MAX_FIELDS];
    int nf;
};

/* Records "NAME:LINE: message" ("line LINE: message" without a name) and
 * returns false, for `return fail(...)`. */
static bool fail(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct loader *L, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    L->err->line = L->line;
    if (L->name && L->line)
        snprintf(L->err->message, sizeof L->err->message, "%s:%d: %s", L->name, L->line, what);
    else if (L->name)
        snprintf(L->err->message, sizeof L->err->message, "%s: %s", L->name, what);
    else if (L->line)
        snprintf(L->err->message, sizeof L->err->message, "line %d: %s", L->line, what);
    else
        snprintf(L->err->message, sizeof L->err->message, "%s", what);
    return false;
}

/* A decimal integer in [lo, hi]: digits only, no sign, no spaces. */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
    if (!*s || strlen(s) > 9) return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

/* A size limit in mm, or '-' for none (0). */
static bool parse_size(const char *s, int *out)
{
    if (strcmp(s, "-") == 0) {
        *out = 0;
        return true;
    }
    return parse_int(s, 1, 100000, out);
}

/* Names of formats, zones and services: letters and digits only. */
static bool valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static bool parse_yesno(const char *s, bool *out)
{
    if (strcmp(s, "yes") == 0)
        *out = true;
    else if (strcmp(s, "no") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* format NAME MAX_GRAMS LENGTH WIDTH DEPTH LENGTH_PLUS_GIRTH */
static bool record_format(struct loader *L)
{
    struct tariff *t = L->t;
    if (L->nf != 7) return fail(L, "format needs 6 fields, has %d", L->nf - 1);
    if (!valid_name(L->f[1], 31)) return fail(L, "bad format name '%.40s'", L->f[1]);
    if (tariff_format_index(t, L->f[1]) >= 0) return fail(L, "format %s declared twice", L->f[1]);
    if (t->n_formats == TARIFF_MAX_FORMATS) return fail(L, "too many formats");
    struct tariff_format *f = &t->formats[t->n_formats];
    if (!parse_int(L->f[2], 1, 1000000, &f->max_grams))
        return fail(L, "format %s: bad max weight '%.20s'", L->f[1], L->f[2]);
    for (int i = 0; i < 3; i++)
        if (!parse_size(L->f[3 + i], &f->max_mm[i]))
            return fail(L, "format %s: bad size '%.20s'", L->f[1], L->f[3 + i]);
    if (!parse_size(L->f[6], &f->max_length_girth_mm))
        return fail(L, "format %s: bad length plus girth '%.20s'", L->f[1], L->f[6]);
    for (int i = 1; i < 3; i++)
        if (f->max_mm[i] && f->max_mm[i - 1] && f->max_mm[i] > f->max_mm[i - 1])
            return fail(L, "format %s: sizes must go longest first", L->f[1]);
    f->name = arena_strdup(&t->arena, L->f[1]);
    t->n_formats++;
    return true;
}

static bool valid_country(const char *cc)
{
    return strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z';
}

/* zone NAME CC CC ...: each country in at most one zone. */
static bool record_zone(struct loader *L)
{
    struct tariff *t = L->t;
    if (L->nf != 3) return fail(L, "zone needs 2 fields, has %d", L->nf - 1);
    if (!valid_name(L->f[1], 7)) return fail(L, "bad zone name '%.40s'", L->f[1]);
    if (tariff_zone_index(t, L->f[1]) >= 0) return fail(L, "zone %s declared twice", L->f[1]);
    if (t->n_zones == TARIFF_MAX_ZONES) return fail(L, "too many zones");
    int z = t->n_zones;
    char *save = NULL;
    for (char *cc = strtok_r(L->f[2], " ", &save); cc; cc = strtok_r(NULL, " ", &save)) {
        if (!valid_country(cc)) return fail(L, "zone %s: bad country code '%.10s'", L->f[1], cc);
        signed char *slot = &t->zone_of[cc[0] - 'A'][cc[1] - 'A'];
        if (*slot != TARIFF_NO_ZONE) return fail(L, "country %s is in two zones", cc);
        *slot = (signed char)z;
    }
    t->zones[z] = arena_strdup(&t->arena, L->f[1]);
    if (strcmp(L->f[1], "UK") == 0) t->uk_zone = z;
    t->n_zones++;
    return true;
}

/* The comma-separated format list of a service line, as a bit set. */
static bool parse_formats(struct loader *L, char *list, uint32_t *out)
{
    char *save = NULL;
    *out = 0;
    for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        int i = tariff_format_index(L->t, name);
        if (i < 0) return fail(L, "unknown format '%.40s' (declare formats first)", name);
        *out |= 1u << i;
    }
    if (!*out) return fail(L, "service takes no format");
    return true;
}

static bool parse_scope(const char *s, enum tariff_scope *out)
{
    if (strcmp(s, "uk") == 0)
        *out = TARIFF_SCOPE_UK;
    else if (strcmp(s, "intl") == 0)
        *out = TARIFF_SCOPE_INTL;
    else
        return false;
    return true;
}

/* service CODE PREFIX TRACKED SIGNED SCOPE FORMATS NAME */
static bool record_service(struct loader *L)
{
    struct tariff *t = L->t;
    if (L->nf != 8) return fail(L, "service needs 7 fields, has %d", L->nf - 1);
    const char *code = L->f[1], *pre = L->f[2], *name = L->f[7];
    if (!valid_name(code, 15)) return fail(L, "bad service code '%.40s'", code);
    if (tariff_svc_find(t, code) || tariff_return_service(t, code))
        return fail(L, "service %s declared twice", code);
    if (t->n_services == TARIFF_MAX_SERVICES) return fail(L, "too many services");
    struct tariff_svc *s = arena_alloc(&t->arena, sizeof *s);
    if (strlen(pre) != 2 || !valid_country(pre))
        return fail(L, "service %s: S10 prefix must be two letters A-Z, not '%.10s'", code, pre);
    if (!parse_yesno(L->f[3], &s->pub.tracked) || !parse_yesno(L->f[4], &s->pub.signed_for))
        return fail(L, "service %s: tracked and signed are yes or no", code);
    if (!parse_scope(L->f[5], &s->pub.scope))
        return fail(L, "service %s: scope is uk or intl, not '%.10s'", code, L->f[5]);
    if (!parse_formats(L, L->f[6], &s->formats)) return false;
    if (!*name || strlen(name) > NAME_MAX_BYTES)
        return fail(L, "service %s: name must be 1 to %d bytes", code, NAME_MAX_BYTES);
    s->pub.code = arena_strdup(&t->arena, code);
    s->pub.name = arena_strdup(&t->arena, name);
    memcpy(s->pub.s10_prefix, pre, 3);
    s->line = L->line;
    t->services[t->n_services++] = s;
    return true;
}

/* A lower-case RFC 4122 UUID: 8-4-4-4-12 hex digits. */
static bool valid_guid(const char *s)
{
    if (strlen(s) != TARIFF_GUID_LEN) return false;
    for (int i = 0; i < TARIFF_GUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

/* carrier GUID NAME: the one carrier, before any return service. */
static bool record_carrier(struct loader *L)
{
    struct tariff *t = L->t;
    if (L->nf != 3) return fail(L, "carrier needs 2 fields, has %d", L->nf - 1);
    if (t->carrier.name) return fail(L, "a second carrier line");
    if (!valid_guid(L->f[1]))
        return fail(L, "carrier GUID '%.40s' is not a lower-case UUID", L->f[1]);
    if (!*L->f[2] || strlen(L->f[2]) > NAME_MAX_BYTES)
        return fail(L, "carrier name must be 1 to %d bytes", NAME_MAX_BYTES);
    memcpy(t->carrier.guid, L->f[1], TARIFF_GUID_LEN + 1);
    t->carrier.name = arena_strdup(&t->arena, L->f[2]);
    return true;
}

/* Whether an S10 prefix is already a service's or a return service's: one
 * prefix, one service, so a number says what it was issued for. */
static bool prefix_taken(const struct tariff *t, const char *pre)
{
    for (size_t i = 0; i < t->n_services; i++)
        if (strcmp(t->services[i]->pub.s10_prefix, pre) == 0) return true;
    for (size_t i = 0; i < t->n_returns; i++)
        if (strcmp(t->returns[i].s10_prefix, pre) == 0) return true;
    return false;
}

/* returns CODE PREFIX GUID NAME */
static bool record_returns(struct loader *L)
{
    struct tariff *t = L->t;
    if (L->nf != 5) return fail(L, "returns needs 4 fields, has %d", L->nf - 1);
    const char *code = L->f[1], *pre = L->f[2], *guid = L->f[3], *name = L->f[4];
    if (!t->carrier.name) return fail(L, "returns before the carrier line");
    if (!valid_name(code, 15)) return fail(L, "bad returns service code '%.40s'", code);
    if (tariff_svc_find(t, code) || tariff_return_service(t, code))
        return fail(L, "service %s declared twice", code);
    if (t->n_returns == TARIFF_MAX_RETURNS) return fail(L, "too many returns services");
    if (strlen(pre) != 2 || !valid_country(pre))
        return fail(L, "returns %s: S10 prefix must be two letters A-Z, not '%.10s'", code, pre);
    if (prefix_taken(t, pre)) return fail(L, "returns %s: S10 prefix %s is taken", code, pre);
    if (!valid_guid(guid))
        return fail(L, "returns %s: GUID '%.40s' is not a lower-case UUID", code, guid);
    if (!*name || strlen(name) > NAME_MAX_BYTES)
        return fail(L, "returns %s: name must be 1 to %d bytes", code, NAME_MAX_BYTES);
    struct tariff_return_service *r = &t->returns[t->n_returns++];
    r->code = arena_strdup(&t->arena, code);
    r->name = arena_strdup(&t->arena, name);
    memcpy(r->s10_prefix, pre, 3);
    memcpy(r->guid, guid, TARIFF_GUID_LEN + 1);
    return true;
}

/* One MAX_GRAMS:PENCE band, checked against the format and the band before. */
static bool parse_band(struct loader *L, char *text, const struct tariff_format *f, int prev,
                       struct tariff_band *out)
{
    char *colon = strchr(text, ':');
    if (!colon) return fail(L, "band '%.20s' is not MAX_GRAMS:PENCE", text);
    *colon = 0;
    if (!parse_int(text, 1, 1000000, &out->max_grams) ||
        !parse_int(colon + 1, 1, 10000000, &out->pence))
        return fail(L, "band '%.20s:%.20s' is not MAX_GRAMS:PENCE", text, colon + 1);
    if (out->max_grams <= prev) return fail(L, "bands must go up in weight");
    if (out->max_grams > f->max_grams)
        return fail(L, "band %d g is over %s's %d g limit", out->max_grams, f->name, f->max_grams);
    return true;
}

/* Checks a price line's service, format and zone against each other. */
static bool price_target(struct loader *L, struct tariff_svc **s, int *fi, int *zi)
{
    *s = tariff_svc_find(L->t, L->f[1]);
    if (!*s) return fail(L, "unknown service '%.40s' (declare services first)", L->f[1]);
    *fi = tariff_format_index(L->t, L->f[2]);
    if (*fi < 0) return fail(L, "unknown format '%.40s'", L->f[2]);
    if (!((*s)->formats & 1u << *fi))
        return fail(L, "service %s does not take format %s", L->f[1], L->f[2]);
    *zi = tariff_zone_index(L->t, L->f[3]);
    if (*zi < 0) return fail(L, "unknown zone '%.40s'", L->f[3]);
    bool uk = *zi == L->t->uk_zone;
    if (uk != ((*s)->pub.scope == TARIFF_SCOPE_UK))
        return fail(L, "service %s does not go to zone %s", L->f[1], L->f[3]);
    if ((*s)->prices[*fi][*zi].n)
        return fail(L, "second price line for %s %s %s", L->f[1], L->f[2], L->f[3]);
    return true;
}

/* price SERVICE FORMAT ZONE BAND BAND ... */
static bool record_price(struct loader *L)
{
    if (L->nf != 5) return fail(L, "price needs 4 fields, has %d", L->nf - 1);
    struct tariff_svc *s;
    int fi = 0, zi = 0, n = 0, prev = 0;
    if (!price_target(L, &s, &fi, &zi)) return false;
    struct tariff_band *bands = arena_alloc(&L->t->arena, TARIFF_MAX_BANDS * sizeof *bands);
    char *save = NULL;
    for (char *b = strtok_r(L->f[4], " ", &save); b; b = strtok_r(NULL, " ", &save)) {
        if (n == TARIFF_MAX_BANDS) return fail(L, "more than %d bands", TARIFF_MAX_BANDS);
        if (!parse_band(L, b, &L->t->formats[fi], prev, &bands[n])) return false;
        prev = bands[n++].max_grams;
    }
    if (!n) return fail(L, "price line without bands");
    s->prices[fi][zi].n = n;
    s->prices[fi][zi].band = bands;
    return true;
}

/* Splits the line at TABs into L->f; false when there are too many fields. */
static bool split(struct loader *L, char *line)
{
    L->nf = 0;
    for (char *p = line;;) {
        if (L->nf == MAX_FIELDS) return fail(L, "too many fields");
        L->f[L->nf++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) return true;
        *tab = 0;
        p = tab + 1;
    }
}

static bool record(struct loader *L, char *line)
{
    if (!split(L, line)) return false;
    const char *kind = L->f[0];
    if (strcmp(kind, "format") == 0) return record_format(L);
    if (strcmp(kind, "zone") == 0) return record_zone(L);
    if (strcmp(kind, "service") == 0) return record_service(L);
    if (strcmp(kind, "price") == 0) return record_price(L);
    if (strcmp(kind, "carrier") == 0) return record_carrier(L);
    if (strcmp(kind, "returns") == 0) return record_returns(L);
    return fail(L, "unknown record '%.20s' (format, zone, service, price, carrier or returns)",
                kind);
}

/* Every service has a price for each format it takes in each of its zones. */
static bool check_complete(struct loader *L)
{
    struct tariff *t = L->t;
    L->line = 0;
    if (t->uk_zone == TARIFF_NO_ZONE) return fail(L, "no zone named UK");
    if (!t->n_services) return fail(L, "no services");
    for (size_t i = 0; i < t->n_services; i++) {
        struct tariff_svc *s = t->services[i];
        L->line = s->line;
        for (int f = 0; f < t->n_formats; f++) {
            if (!(s->formats & 1u << f)) continue;
            for (int z = 0; z < t->n_zones; z++) {
                bool in_scope = (z == t->uk_zone) == (s->pub.scope == TARIFF_SCOPE_UK);
                if (in_scope && !s->prices[f][z].n)
                    return fail(L, "service %s has no price for %s in zone %s", s->pub.code,
                                t->formats[f].name, t->zones[z]);
            }
        }
    }
    return true;
}

/* Checks the text line by line. A line ends at a newline (a CR before it is
 * dropped) or at the end of the text, and holds at most LINE_MAX_BYTES - 2
 * bytes, none of them NUL. */
static bool parse_lines(struct loader *L, const char *text, size_t len)
{
    char line[LINE_MAX_BYTES];
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        L->line++;
        if (n > LINE_MAX_BYTES - 2) return fail(L, "line longer than %d bytes", LINE_MAX_BYTES - 2);
        if (memchr(p, 0, n)) return fail(L, "line holds a NUL byte");
        memcpy(line, p, n);
        line[n] = 0;
        if (n && line[n - 1] == '\r') line[--n] = 0;
        p = nl ? nl + 1 : end;
        if (line[0] == '#' || line[0] == 0) continue;
        if (!record(L, line)) return false;
    }
    return check_complete(L);
}

static struct tariff *tariff_new(void)
{
    struct tariff *t = xcalloc(1, sizeof *t);
    arena_init(&t->arena);
    t->uk_zone = TARIFF_NO_ZONE;
    memset(t->zone_of, TARIFF_NO_ZONE, sizeof t->zone_of);
    return t;
}

bool tariff_parse_named(const char *name, const char *text, size_t len, struct tariff **out,
                        struct tariff_error *err)
{
    memset(err, 0, sizeof *err);
    struct loader L = {.t = tariff_new(), .name = name, .err = err};
    if (!parse_lines(&L, text, len)) {
        tariff_free(L.t);
        return false;
    }
    *out = L.t;
    return true;
}

bool tariff_parse(const char *text, size_t len, struct tariff **out, struct tariff_error *err)
{
    return tariff_parse_named(NULL, text, len, out, err);
}

void tariff_free(struct tariff *t)
{
    if (!t) return;
    arena_free(&t->arena);
    free(t);
}
