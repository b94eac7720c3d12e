/* shipping_rule: Click & Drop's shipping rules, matched against an order.
 *
 * A business keeps rules in priority order; each has conditions (the
 * destination as a list of countries or as a zone of the tariff, a band of
 * the packages' total weight, a band of the order's value, the channel the
 * order came by), any combination of them or none, and an action: the
 * service to buy (and the package format for packages that name none). An
 * order without postage takes the first enabled rule, by priority, that
 * matches it and whose service can carry it (the caller quotes each
 * candidate with domain/postage and asks for the next when one cannot).
 *
 * Pure logic: the rules come from the store, the facts from the validated
 * order document; no I/O. Parsing a rule from a form's text lives here too,
 * so the same checks hold whichever face writes one. */
#ifndef POSTROOM_SHIPPING_RULE_H
#define POSTROOM_SHIPPING_RULE_H
#include "domain/tariff.h"
#include "util/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The destination zones a rule can name: the tariff's UK zone, its EU
 * zone, and every other zone it serves ("rest of the world"). */
enum rule_zone { RULE_ZONE_ANY, RULE_ZONE_UK, RULE_ZONE_EUROPE, RULE_ZONE_WORLD };

#define RULE_NO_BOUND (-1) /* an open end of a band */
#define RULE_NAME_MAX 100  /* characters */
#define RULE_MAX_COUNTRIES 50
#define SHIPPING_RULE_NONE ((size_t)-1)

/* A rule as stored; tenant_id goes to the egress check like any record. */
struct shipping_rule {
    int64_t tenant_id;
    int64_t rule_id;  /* per business, from 1 */
    int64_t priority; /* lower first; unique per business */
    const char *name;
    bool enabled;
    const char *countries; /* alpha-2 codes, one space apart ("GB JE"); NULL or "": any */
    enum rule_zone zone;
    int64_t min_grams, max_grams; /* the packages' total weight, inclusive; RULE_NO_BOUND */
    int64_t min_pence, max_pence; /* the order's value, inclusive; RULE_NO_BOUND */
    bool value_subtotal;          /* the value band is of the subtotal, else of the total */
    const char *channel;          /* orders.channel ("API", "Shopify"...); NULL or "": any */
    const char *service_code;     /* postageDetails.serviceCode to apply */
    const char *package_format;   /* for packages whose format is "undefined"; NULL: none */
};

/* What a rule looks at in one order. */
struct rule_facts {
    char country[3];         /* recipient.address.countryCode upper-cased; "" when absent */
    int64_t grams;           /* sum of packages[].weightInGrams */
    int64_t subtotal, total; /* pence, as the validated document keeps money */
    const char *channel;     /* "API" when the order names none */
};

/* The facts of a validated order document (order_validate's) that came in
 * by channel (NULL: "API"). */
void shipping_rule_facts(const json_t *doc, const char *channel, struct rule_facts *f);
/* Whether every condition of the rule holds for the order (enabled or not). */
bool shipping_rule_matches(const struct shipping_rule *r, const struct tariff *t,
                           const struct rule_facts *f);
/* The index of the enabled rule of least priority above after that matches
 * (INT64_MIN: the first), whatever order rules[] is in; SHIPPING_RULE_NONE
 * when none does. Asking again with the found rule's priority gives the
 * next candidate. */
size_t shipping_rule_next(const struct shipping_rule *rules, size_t n, const struct tariff *t,
                          const struct rule_facts *f, int64_t after);
/* A copy of the order document that names the rule's service (and its
 * package format for packages of format "undefined"): what postage_quote
 * quotes and what the order is stored as. The caller json_decrefs it. */
json_t *shipping_rule_apply_doc(const json_t *doc, const struct shipping_rule *r);

/* A rule's form, as text typed into it. */
enum rule_field {
    RULE_F_NAME,
    RULE_F_COUNTRIES, /* codes or names, separated by commas or spaces */
    RULE_F_ZONE,      /* "", "UK", "EU" or "WORLD" */
    RULE_F_MIN_GRAMS,
    RULE_F_MAX_GRAMS,
    RULE_F_MIN_VALUE, /* pounds: "10" or "10.50" */
    RULE_F_MAX_VALUE,
    RULE_F_VALUE_OF, /* "total" or "subtotal" */
    RULE_F_CHANNEL,
    RULE_F_SERVICE,
    RULE_F_FORMAT,
    RULE_F_COUNT
};
extern const char *const shipping_rule_field_names[RULE_F_COUNT]; /* the form's names */
/* The channels a rule can name, NULL-terminated ("API", "Spreadsheet
 * import", "Shopify", ...), as orders.channel stores them. */
extern const char *const shipping_rule_channels[];

/* Parses and checks a rule from its form (NULL fields count as empty).
 * On success fills out (its ids and priority left 0) and returns true;
 * otherwise errors[field] says what is wrong with each field at fault. */
bool shipping_rule_parse(const char *const in[RULE_F_COUNT], bool enabled, const struct tariff *t,
                         struct arena *a, struct shipping_rule *out,
                         const char *errors[RULE_F_COUNT]);
/* The form's text for a stored rule (what editing starts from). */
void shipping_rule_to_form(const struct shipping_rule *r, struct arena *a,
                           const char *out[RULE_F_COUNT]);

/* A rule in words: "To United Kingdom, 0–2 kg, from Shopify" (conditions;
 * "Every order" with none) and the action "Royal Mail Tracked 48". */
const char *shipping_rule_conditions_words(const struct shipping_rule *r, struct arena *a);
const char *shipping_rule_action_words(const struct shipping_rule *r, const struct tariff *t,
                                       struct arena *a);
/* Both: "To United Kingdom, 0–2 kg, from Shopify → Royal Mail Tracked 48". */
const char *shipping_rule_words(const struct shipping_rule *r, const struct tariff *t,
                                struct arena *a);

#endif
