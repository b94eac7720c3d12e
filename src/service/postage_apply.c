/* postage_apply: quoting by rules or a service, and the bulk action (see
 * the header). */
#include "service/postage_apply.h"
#include "domain/s10.h"
#include "domain/status.h"
#include "service/audit.h"
#include "store/store.h"
#include "store/store_rules.h"

#include <stdint.h>
#include <string.h>

/* Quotes doc with r's service (and format); the stored text on success. */
static const char *quote_with(const struct service_ctx *c, const json_t *doc,
                              const struct shipping_rule *r, struct postage_quote *q)
{
    json_t *named = shipping_rule_apply_doc(doc, r);
    if (!named) return NULL;
    struct order_errors errs = {0};
    const char *text = NULL;
    if (postage_quote(c->tariff, named, c->arena, q, &errs) && q->service_code) {
        char *t = json_dumps(named, JSON_COMPACT);
        if (t) text = arena_strdup(c->arena, t);
        free(t);
    }
    json_decref(named);
    return text;
}

bool postage_quote_for(const struct service_ctx *c, const char *doc, const char *channel,
                       const struct shipping_rule *rules, size_t nrules, const char *service,
                       struct postage_quote *q, const char **doc_out,
                       const struct shipping_rule **applied)
{
    *applied = NULL;
    *doc_out = NULL;
    if (!c->tariff || !doc) return false;
    json_t *d = json_loads(doc, 0, NULL);
    if (!d) return false;
    if (service) {
        struct shipping_rule named = {.service_code = service};
        *doc_out = quote_with(c, d, &named, q);
    } else {
        struct rule_facts f;
        shipping_rule_facts(d, channel, &f);
        int64_t after = INT64_MIN;
        size_t i;
        while (!*doc_out && (i = shipping_rule_next(rules, nrules, c->tariff, &f, after)) !=
                                SHIPPING_RULE_NONE) {
            *doc_out = quote_with(c, d, &rules[i], q);
            if (*doc_out) *applied = &rules[i];
            after = rules[i].priority;
        }
    }
    json_decref(d);
    return *doc_out != NULL;
}

const char *postage_rule_line(const struct service_ctx *c, const struct shipping_rule *r)
{
    const struct tariff_service *s = c->tariff ? tariff_service(c->tariff, r->service_code) : NULL;
    return arena_printf(c->arena, "Postage applied by rule \xE2\x80\x9C%s\xE2\x80\x9D: %s", r->name,
                        s ? s->name : r->service_code);
}

/* The service's line, for postage applied by hand with a chosen service. */
static const char *service_line(const struct service_ctx *c, const char *code)
{
    const struct tariff_service *s = tariff_service(c->tariff, code);
    return arena_printf(c->arena, "Postage applied: %s", s ? s->name : code);
}

/* Quotes, numbers and applies postage to one New order, inside the
 * caller's transaction: a store code, with *res filled in. */
static int apply_one(const struct service_ctx *c, const struct order_row *row,
                     const struct shipping_rule *rules, size_t nrules, const char *service,
                     struct postage_result *res)
{
    struct postage_quote q;
    const char *doc;
    const struct shipping_rule *rule;
    if (!postage_quote_for(c, row->doc, row->channel, rules, nrules, service, &q, &doc, &rule)) {
        res->outcome = service ? POSTAGE_CANNOT : POSTAGE_NO_RULE;
        return STORE_OK;
    }
    int64_t serial;
    int rc = store_s10_reserve(c->store, q.s10_prefix, 1, &serial);
    if (rc != STORE_OK) return rc;
    char *tn = arena_alloc(c->arena, S10_LEN + 1);
    if (!s10_format(tn, q.s10_prefix, (uint32_t)serial)) return SERVICE_NO_SERIAL;
    struct postage p = {q.service_code, q.pence, tn};
    rc = store_order_apply_postage(c->store, &c->scope, row->order_id, STATUS_NEW, &p, c->now);
    if (rc == STORE_CONFLICT) { /* changed since it was read */
        res->outcome = POSTAGE_NOT_NEW;
        return STORE_OK;
    }
    if (rc != STORE_OK) return rc;
    const char *line = rule ? postage_rule_line(c, rule) : service_line(c, q.service_code);
    rc =
        store_order_history_add(c->store, &c->scope, row->order_id, "postageApplied", line, c->now);
    if (rc != STORE_OK) return rc;
    *res = (struct postage_result){row->order_id,  row, POSTAGE_APPLIED,
                                   q.service_code, tn,  rule ? rule->name : NULL};
    return STORE_OK;
}

/* The row read for id, NULL when the scope has none. */
static const struct order_row *row_of(const struct order_row *rows, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].order_id == id) return &rows[i];
    return NULL;
}

enum service_rc service_postage_apply(const struct service_ctx *c, const int64_t *ids, size_t n,
                                      const char *service, struct postage_result **results)
{
    struct postage_result *res = arena_alloc(c->arena, (n ? n : 1) * sizeof *res);
    *results = res;
    if (service && (!c->tariff || !tariff_service(c->tariff, service))) return SERVICE_INVALID;
    struct order_key *keys = arena_alloc(c->arena, (n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct order_key){.id = ids[i]};
    struct order_row *rows = NULL;
    size_t nrows = 0;
    struct shipping_rule *rules = NULL;
    size_t nrules = 0;
    if (n && store_orders_get(c->store, &c->scope, keys, n, c->arena, &rows, &nrows) != STORE_OK)
        return SERVICE_STORE_ERROR;
    if (!service && store_rules_list(c->store, &c->scope, c->arena, &rules, &nrules) != STORE_OK)
        return SERVICE_STORE_ERROR;
    int64_t *applied = arena_alloc(c->arena, (n ? n : 1) * sizeof *applied);
    size_t napplied = 0;
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        res[i] = (struct postage_result){.order_id = ids[i], .outcome = POSTAGE_NOT_FOUND};
        /* an id posted twice is acted on once */
        bool again = false;
        for (size_t j = 0; j < i; j++)
            again |= ids[j] == ids[i];
        res[i].row = row_of(rows, nrows, ids[i]);
        if (!res[i].row) continue;
        res[i].outcome = POSTAGE_NOT_NEW;
        if (again || strcmp(res[i].row->status, STATUS_NEW)) continue;
        rc = apply_one(c, res[i].row, rules, nrules, service, &res[i]);
        if (rc == STORE_OK && res[i].outcome == POSTAGE_APPLIED) applied[napplied++] = ids[i];
    }
    if (rc == STORE_OK) rc = service_audit(c, "order.postage", "order", applied, napplied);
    int end = service_tx_end(c, rc);
    if (rc == SERVICE_NO_SERIAL) return SERVICE_NO_SERIAL;
    return end == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}
