/* shipping_rule: matching, parsing and describing shipping rules (see the
 * header). */
#include "domain/shipping_rule.h"
#include "domain/country.h"
#include "domain/package_format.h"
#include "util/buf.h"

#include <ctype.h>
#include <string.h>

#define MAX_GRAMS 10000000LL     /* 10 tonnes: far above any format */
#define MAX_PENCE 100000000000LL /* a billion pounds, the API's money bound */

const char *const shipping_rule_field_names[RULE_F_COUNT] = {
    [RULE_F_NAME] = "name",
    [RULE_F_COUNTRIES] = "countries",
    [RULE_F_ZONE] = "zone",
    [RULE_F_MIN_GRAMS] = "min_grams",
    [RULE_F_MAX_GRAMS] = "max_grams",
    [RULE_F_MIN_VALUE] = "min_value",
    [RULE_F_MAX_VALUE] = "max_value",
    [RULE_F_VALUE_OF] = "value_of",
    [RULE_F_CHANNEL] = "channel",
    [RULE_F_SERVICE] = "service",
    [RULE_F_FORMAT] = "package_format",
};

/* orders.channel as the doors write it: the API, the Click & Drop
 * spreadsheet, and the marketplaces' exports the import reads */
const char *const shipping_rule_channels[] = {
    "API", "Spreadsheet import", "Shopify", "eBay", "Amazon", "Etsy", "WooCommerce", NULL,
};

static const char *const zone_codes[] = {[RULE_ZONE_ANY] = "",
                                         [RULE_ZONE_UK] = "UK",
                                         [RULE_ZONE_EUROPE] = "EU",
                                         [RULE_ZONE_WORLD] = "WORLD"};

/* ---- matching ---- */

void shipping_rule_facts(const json_t *doc, const char *channel, struct rule_facts *f)
{
    memset(f, 0, sizeof *f);
    const char *cc = json_string_value(json_object_get(
        json_object_get(json_object_get(doc, "recipient"), "address"), "countryCode"));
    if (cc && strlen(cc) == 2)
        for (int i = 0; i < 2; i++)
            f->country[i] = (char)toupper((unsigned char)cc[i]);
    size_t i;
    const json_t *pkg;
    json_array_foreach(json_object_get(doc, "packages"), i, pkg) f->grams +=
        json_integer_value(json_object_get(pkg, "weightInGrams"));
    f->subtotal = json_integer_value(json_object_get(doc, "subtotal"));
    f->total = json_integer_value(json_object_get(doc, "total"));
    f->channel = channel ? channel : "API";
}

static bool in_band(int64_t v, int64_t lo, int64_t hi)
{
    return (lo == RULE_NO_BOUND || v >= lo) && (hi == RULE_NO_BOUND || v <= hi);
}

/* Whether the two-letter code is one of the list's ("GB JE"). */
static bool in_list(const char *list, const char *cc)
{
    if (!cc[0]) return false;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        if (p[0] == cc[0] && p[1] == cc[1] && (p[2] == ' ' || p[2] == '\0')) return true;
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

static bool in_zone(enum rule_zone z, const struct tariff *t, const char *cc)
{
    const char *name = t && cc[0] ? tariff_zone_of(t, cc) : NULL;
    if (!name) return false;
    if (z == RULE_ZONE_UK) return !strcmp(name, "UK");
    if (z == RULE_ZONE_EUROPE) return !strcmp(name, "EU");
    return strcmp(name, "UK") && strcmp(name, "EU");
}

static bool same_text(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

bool shipping_rule_matches(const struct shipping_rule *r, const struct tariff *t,
                           const struct rule_facts *f)
{
    if (r->countries && *r->countries && !in_list(r->countries, f->country)) return false;
    if (r->zone != RULE_ZONE_ANY && !in_zone(r->zone, t, f->country)) return false;
    if (!in_band(f->grams, r->min_grams, r->max_grams)) return false;
    if (!in_band(r->value_subtotal ? f->subtotal : f->total, r->min_pence, r->max_pence))
        return false;
    if (r->channel && *r->channel && !same_text(r->channel, f->channel)) return false;
    return true;
}

size_t shipping_rule_next(const struct shipping_rule *rules, size_t n, const struct tariff *t,
                          const struct rule_facts *f, int64_t after)
{
    size_t best = SHIPPING_RULE_NONE;
    for (size_t i = 0; i < n; i++) {
        const struct shipping_rule *r = &rules[i];
        if (!r->enabled || r->priority <= after) continue;
        if (best != SHIPPING_RULE_NONE && r->priority >= rules[best].priority) continue;
        if (shipping_rule_matches(r, t, f)) best = i;
    }
    return best;
}

json_t *shipping_rule_apply_doc(const json_t *doc, const struct shipping_rule *r)
{
    json_t *copy = json_deep_copy(doc);
    if (!copy) return NULL;
    json_t *pd = json_object_get(copy, "postageDetails");
    if (!json_is_object(pd)) {
        pd = json_object();
        json_object_set_new(copy, "postageDetails", pd);
    }
    json_object_set_new(pd, "serviceCode", json_string(r->service_code));
    if (r->package_format && *r->package_format) {
        size_t i;
        json_t *pkg;
        json_array_foreach(json_object_get(copy, "packages"), i, pkg)
        {
            const char *f = json_string_value(json_object_get(pkg, "packageFormatIdentifier"));
            if (!f || !strcmp(f, "undefined"))
                json_object_set_new(pkg, "packageFormatIdentifier", json_string(r->package_format));
        }
    }
    return copy;
}

/* ---- parsing ---- */

static const char *trimmed(struct arena *a, const char *s)
{
    if (!s) return "";
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *o = arena_alloc(a, n + 1);
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A whole number of grams, or RULE_NO_BOUND for an empty field. */
static const char *parse_grams(const char *s, int64_t *out)
{
    *out = RULE_NO_BOUND;
    if (!*s) return NULL;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return "Enter a whole number of grams, such as 2000.";
        v = v * 10 + (*p - '0');
        if (v > MAX_GRAMS) return "Enter at most 10,000,000 g.";
    }
    *out = v;
    return NULL;
}

/* Pounds ("10", "10.5", "£10.50") as pence, or RULE_NO_BOUND when empty. */
static const char *parse_money(const char *s, int64_t *out)
{
    static const char *const bad = "Enter an amount in pounds, such as 25 or 25.50.";
    *out = RULE_NO_BOUND;
    if (!strncmp(s, "\xC2\xA3", 2)) s += 2; /* £ */
    if (!*s) return NULL;
    int64_t v = 0;
    int decimals = -1;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals == 2) return bad;
        v = v * 10 + (*p - '0');
        if (decimals >= 0) decimals++;
        if (v > MAX_PENCE) return "Enter at most £1,000,000,000.";
    }
    if (decimals == 0 || (s[0] == '.' && !s[1])) return bad;
    for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
        v *= 10;
    if (v > MAX_PENCE) return "Enter at most £1,000,000,000.";
    *out = v;
    return NULL;
}

/* Adds the country a word names to o (once), or says why it cannot. */
static const char *add_country(struct buf *o, struct arena *a, const char *word, int *n)
{
    const char *cc = country_to_alpha2(word);
    if (!cc)
        return arena_printf(a, "\"%.40s\" is not a country code (use codes such as GB, FR, US).",
                            word);
    if (o->len && in_list(buf_cstr(o), cc)) return NULL;
    if (++*n > RULE_MAX_COUNTRIES) return "Name at most 50 countries (or choose a zone).";
    if (o->len) buf_addc(o, ' ');
    buf_adds(o, cc);
    return NULL;
}

/* "gb, France JE, United States" as "GB FR JE US": a piece between commas
 * is one country's name, or else codes separated by spaces. */
static const char *parse_countries(const char *s, struct arena *a, const char **out)
{
    struct buf o;
    buf_init(&o, a);
    buf_adds(&o, "");
    int n = 0;
    while (*s) {
        size_t len = strcspn(s, ",;");
        const char *piece = trimmed(a, arena_printf(a, "%.*s", (int)len, s));
        s += len + (s[len] != '\0');
        if (!*piece) continue;
        const char *why = NULL;
        if (country_to_alpha2(piece)) {
            why = add_country(&o, a, piece, &n);
        } else {
            for (const char *p = piece; *p && !why;) {
                size_t w = strcspn(p, " \t");
                if (w) why = add_country(&o, a, arena_printf(a, "%.*s", (int)w, p), &n);
                p += w;
                while (*p == ' ' || *p == '\t')
                    p++;
            }
        }
        if (why) return why;
    }
    *out = buf_cstr(&o);
    return NULL;
}

static const char *check_service(const char *code, const char *format, const struct tariff *t,
                                 const char **ferr)
{
    *ferr = NULL;
    if (!*code) return "Choose the service the rule applies.";
    if (!t || !tariff_service(t, code))
        return "That service is not one of Royal Mail's services we price.";
    if (*format && !tariff_format(t, format))
        *ferr = "That package format is not one we price.";
    else if (*format && !tariff_service_takes(t, code, format))
        *ferr = "The service does not take that package format.";
    return NULL;
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list)) return true;
    return false;
}

bool shipping_rule_parse(const char *const in[RULE_F_COUNT], bool enabled, const struct tariff *t,
                         struct arena *a, struct shipping_rule *out,
                         const char *errors[RULE_F_COUNT])
{
    const char *v[RULE_F_COUNT];
    for (int i = 0; i < RULE_F_COUNT; i++) {
        v[i] = trimmed(a, in[i]);
        errors[i] = NULL;
    }
    memset(out, 0, sizeof *out);
    out->enabled = enabled;
    out->name = v[RULE_F_NAME];
    if (!*out->name)
        errors[RULE_F_NAME] = "Give the rule a name.";
    else if (utf8_chars(out->name) > RULE_NAME_MAX)
        errors[RULE_F_NAME] = "Keep the name to 100 characters.";
    errors[RULE_F_COUNTRIES] = parse_countries(v[RULE_F_COUNTRIES], a, &out->countries);
    out->zone = RULE_ZONE_ANY;
    bool zone_ok = false;
    for (int z = RULE_ZONE_ANY; z <= RULE_ZONE_WORLD; z++)
        if (!strcmp(v[RULE_F_ZONE], zone_codes[z])) out->zone = (enum rule_zone)z, zone_ok = true;
    if (!zone_ok)
        errors[RULE_F_ZONE] = "Choose a zone: the UK, Europe or the rest of the world.";
    else if (out->zone != RULE_ZONE_ANY && !errors[RULE_F_COUNTRIES] && *out->countries)
        errors[RULE_F_ZONE] = "Choose countries or a zone, not both.";
    errors[RULE_F_MIN_GRAMS] = parse_grams(v[RULE_F_MIN_GRAMS], &out->min_grams);
    errors[RULE_F_MAX_GRAMS] = parse_grams(v[RULE_F_MAX_GRAMS], &out->max_grams);
    if (!errors[RULE_F_MIN_GRAMS] && !errors[RULE_F_MAX_GRAMS] && out->min_grams != RULE_NO_BOUND &&
        out->max_grams != RULE_NO_BOUND && out->min_grams > out->max_grams)
        errors[RULE_F_MAX_GRAMS] = "The largest weight is below the smallest.";
    errors[RULE_F_MIN_VALUE] = parse_money(v[RULE_F_MIN_VALUE], &out->min_pence);
    errors[RULE_F_MAX_VALUE] = parse_money(v[RULE_F_MAX_VALUE], &out->max_pence);
    if (!errors[RULE_F_MIN_VALUE] && !errors[RULE_F_MAX_VALUE] && out->min_pence != RULE_NO_BOUND &&
        out->max_pence != RULE_NO_BOUND && out->min_pence > out->max_pence)
        errors[RULE_F_MAX_VALUE] = "The largest value is below the smallest.";
    if (!*v[RULE_F_VALUE_OF] || !strcmp(v[RULE_F_VALUE_OF], "total"))
        out->value_subtotal = false;
    else if (!strcmp(v[RULE_F_VALUE_OF], "subtotal"))
        out->value_subtotal = true;
    else
        errors[RULE_F_VALUE_OF] = "Choose the total or the subtotal.";
    out->channel = v[RULE_F_CHANNEL];
    if (*out->channel && !one_of(out->channel, shipping_rule_channels))
        errors[RULE_F_CHANNEL] = "Choose one of the channels orders come by.";
    out->service_code = v[RULE_F_SERVICE];
    out->package_format = *v[RULE_F_FORMAT] ? v[RULE_F_FORMAT] : NULL;
    errors[RULE_F_SERVICE] =
        check_service(out->service_code, v[RULE_F_FORMAT], t, &errors[RULE_F_FORMAT]);
    for (int i = 0; i < RULE_F_COUNT; i++)
        if (errors[i]) return false;
    return true;
}

static const char *grams_text(struct arena *a, int64_t g)
{
    return g == RULE_NO_BOUND ? "" : arena_printf(a, "%lld", (long long)g);
}

static const char *money_text(struct arena *a, int64_t p)
{
    return p == RULE_NO_BOUND
               ? ""
               : arena_printf(a, "%lld.%02lld", (long long)(p / 100), (long long)(p % 100));
}

void shipping_rule_to_form(const struct shipping_rule *r, struct arena *a,
                           const char *out[RULE_F_COUNT])
{
    out[RULE_F_NAME] = r->name ? r->name : "";
    out[RULE_F_COUNTRIES] = r->countries ? r->countries : "";
    out[RULE_F_ZONE] = zone_codes[r->zone];
    out[RULE_F_MIN_GRAMS] = grams_text(a, r->min_grams);
    out[RULE_F_MAX_GRAMS] = grams_text(a, r->max_grams);
    out[RULE_F_MIN_VALUE] = money_text(a, r->min_pence);
    out[RULE_F_MAX_VALUE] = money_text(a, r->max_pence);
    out[RULE_F_VALUE_OF] = r->value_subtotal ? "subtotal" : "total";
    out[RULE_F_CHANNEL] = r->channel ? r->channel : "";
    out[RULE_F_SERVICE] = r->service_code ? r->service_code : "";
    out[RULE_F_FORMAT] = r->package_format ? r->package_format : "";
}

/* ---- words ---- */

/* 2000 -> "2", 1500 -> "1.5" (kilograms). */
static void add_kg(struct buf *o, int64_t g)
{
    buf_add_i64(o, g / 1000);
    int64_t frac = g % 1000;
    if (!frac) return;
    char d[5];
    d[0] = '.';
    d[1] = (char)('0' + frac / 100);
    d[2] = (char)('0' + frac / 10 % 10);
    d[3] = (char)('0' + frac % 10);
    int n = 4;
    while (d[n - 1] == '0')
        n--;
    d[n] = '\0';
    buf_adds(o, d);
}

/* A weight with its unit: "2 kg", "1.5 kg", "750 g". */
static void add_weight(struct buf *o, int64_t g)
{
    if (g < 1000 && g) {
        buf_add_i64(o, g);
        buf_adds(o, " g");
    } else {
        add_kg(o, g);
        buf_adds(o, " kg");
    }
}

static void add_money(struct buf *o, int64_t p)
{
    buf_adds(o, "\xC2\xA3");
    buf_add_i64(o, p / 100);
    buf_addc(o, '.');
    buf_addc(o, (char)('0' + p % 100 / 10));
    buf_addc(o, (char)('0' + p % 10));
}

static void sep(struct buf *o)
{
    if (o->len) buf_adds(o, ", ");
}

static void add_weight_band(struct buf *o, int64_t lo, int64_t hi)
{
    if (lo == RULE_NO_BOUND && hi == RULE_NO_BOUND) return;
    sep(o);
    if (lo == RULE_NO_BOUND || (lo == 0 && hi != RULE_NO_BOUND)) {
        if (lo == 0) {
            buf_adds(o, "0\xE2\x80\x93"); /* – */
        } else {
            buf_adds(o, "up to ");
        }
        add_weight(o, hi);
    } else if (hi == RULE_NO_BOUND) {
        add_weight(o, lo);
        buf_adds(o, " or more");
    } else if (lo % 1000 == 0 && hi % 1000 == 0 && hi >= 1000) {
        add_kg(o, lo);
        buf_adds(o, "\xE2\x80\x93");
        add_weight(o, hi);
    } else {
        add_weight(o, lo);
        buf_adds(o, "\xE2\x80\x93");
        add_weight(o, hi);
    }
}

static void add_value_band(struct buf *o, const struct shipping_rule *r)
{
    int64_t lo = r->min_pence, hi = r->max_pence;
    if (lo == RULE_NO_BOUND && hi == RULE_NO_BOUND) return;
    sep(o);
    buf_adds(o, r->value_subtotal ? "subtotal " : "total ");
    if (lo == RULE_NO_BOUND) {
        buf_adds(o, "up to ");
        add_money(o, hi);
    } else if (hi == RULE_NO_BOUND) {
        add_money(o, lo);
        buf_adds(o, " or more");
    } else {
        add_money(o, lo);
        buf_adds(o, "\xE2\x80\x93");
        add_money(o, hi);
    }
}

static void add_destination(struct buf *o, const struct shipping_rule *r)
{
    static const char *const zone_words[] = {
        [RULE_ZONE_UK] = "To the UK",
        [RULE_ZONE_EUROPE] = "To Europe",
        [RULE_ZONE_WORLD] = "To the rest of the world",
    };
    if (r->zone != RULE_ZONE_ANY) {
        buf_adds(o, zone_words[r->zone]);
        return;
    }
    if (!r->countries || !*r->countries) return;
    buf_adds(o, "To ");
    bool first = true;
    for (const char *p = r->countries; *p;) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        char cc[3] = {p[0], p[1] ? p[1] : '\0', '\0'};
        const char *name = country_name(cc);
        if (!first) buf_adds(o, ", ");
        buf_adds(o, name ? name : cc);
        first = false;
        while (*p && *p != ' ')
            p++;
    }
}

const char *shipping_rule_conditions_words(const struct shipping_rule *r, struct arena *a)
{
    struct buf o;
    buf_init(&o, a);
    add_destination(&o, r);
    add_weight_band(&o, r->min_grams, r->max_grams);
    add_value_band(&o, r);
    if (r->channel && *r->channel) {
        sep(&o);
        buf_adds(&o, "from ");
        buf_adds(&o, r->channel);
    }
    if (!o.len) return "Every order";
    char *s = (char *)buf_cstr(&o);
    s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

/* A format in the rule's sentence: the table's words, in lower case. */
static const char *format_words(struct arena *a, const char *f)
{
    const char *w = package_format_words(f);
    char *out = arena_strdup(a, w);
    if (out[0] >= 'A' && out[0] <= 'Z') out[0] = (char)(out[0] - 'A' + 'a');
    return out;
}

const char *shipping_rule_action_words(const struct shipping_rule *r, const struct tariff *t,
                                       struct arena *a)
{
    const struct tariff_service *s = t ? tariff_service(t, r->service_code) : NULL;
    const char *name = s ? s->name : r->service_code;
    if (!r->package_format || !*r->package_format) return name;
    return arena_printf(a, "%s (%s)", name, format_words(a, r->package_format));
}

const char *shipping_rule_words(const struct shipping_rule *r, const struct tariff *t,
                                struct arena *a)
{
    return arena_printf(a, "%s \xE2\x86\x92 %s", shipping_rule_conditions_words(r, a),
                        shipping_rule_action_words(r, t, a));
}
