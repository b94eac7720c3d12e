/* pg_rules: shipping rules and order history lines in the PostgreSQL
 * backend (sqlite_rules.c there, migration 011). Every statement binds the
 * scope's tenant_id as $1; numbering by MAX + 1 runs under the tenant's
 * write lock. */
#include "store/pg/pg_internal.h"
#include "store/store_rules.h"
#include "util/arena.h"

#include <string.h>

#define RULE_COLS                                                                                  \
    "tenant_id, rule_id, priority, name, enabled, countries, zone, min_grams, max_grams, "         \
    "min_pence, max_pence, value_of, channel, service_code, package_format"

static const char *const zones[] = {
    [RULE_ZONE_UK] = "UK", [RULE_ZONE_EUROPE] = "EU", [RULE_ZONE_WORLD] = "WORLD"};

static void arg_bound(struct pg_args *q, int64_t v)
{
    if (v == RULE_NO_BOUND)
        pg_arg_text(q, NULL);
    else
        pg_arg_int(q, v);
}

static int64_t col_bound(const PGresult *r, int i, int col)
{
    return pg_isnull(r, i, col) ? RULE_NO_BOUND : pg_int(r, i, col);
}

static void read_rule(const PGresult *r, int i, struct arena *a, struct shipping_rule *out)
{
    memset(out, 0, sizeof *out);
    out->tenant_id = pg_int(r, i, 0);
    out->rule_id = pg_int(r, i, 1);
    out->priority = pg_int(r, i, 2);
    out->name = pg_text(a, r, i, 3);
    out->enabled = pg_int(r, i, 4) != 0;
    out->countries = pg_text(a, r, i, 5);
    const char *zone = pg_isnull(r, i, 6) ? NULL : PQgetvalue(r, i, 6);
    out->zone = RULE_ZONE_ANY;
    for (int z = RULE_ZONE_UK; zone && z <= RULE_ZONE_WORLD; z++)
        if (!strcmp(zone, zones[z])) out->zone = (enum rule_zone)z;
    out->min_grams = col_bound(r, i, 7);
    out->max_grams = col_bound(r, i, 8);
    out->min_pence = col_bound(r, i, 9);
    out->max_pence = col_bound(r, i, 10);
    out->value_subtotal = !pg_isnull(r, i, 11) && !strcmp(PQgetvalue(r, i, 11), "subtotal");
    out->channel = pg_text(a, r, i, 12);
    out->service_code = pg_text(a, r, i, 13);
    out->package_format = pg_text(a, r, i, 14);
}

/* A rule's fields, next in q: name, enabled, countries, zone, the bands,
 * value_of, channel, service, format, and the time. */
static void bind_rule(struct pg_args *q, const struct shipping_rule *r, int64_t now)
{
    pg_arg_text(q, r->name);
    pg_arg_int(q, r->enabled);
    pg_arg_text(q, r->countries && *r->countries ? r->countries : NULL);
    pg_arg_text(q, r->zone == RULE_ZONE_ANY ? NULL : zones[r->zone]);
    arg_bound(q, r->min_grams);
    arg_bound(q, r->max_grams);
    arg_bound(q, r->min_pence);
    arg_bound(q, r->max_pence);
    pg_arg_text(q, r->value_subtotal ? "subtotal" : "total");
    pg_arg_text(q, r->channel && *r->channel ? r->channel : NULL);
    pg_arg_text(q, r->service_code);
    pg_arg_text(q, r->package_format && *r->package_format ? r->package_format : NULL);
    pg_arg_int(q, now);
}

static int rules_read(struct store *base, const struct scope *sc, const char *sql, int64_t rule_id,
                      struct arena *a, struct shipping_rule **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    if (rule_id) pg_arg_int(&q, rule_id);
    int rc;
    PGresult *r = pg_query(c, "rules_read", sql, &q, &rc);
    if (r) {
        int k = PQntuples(r);
        struct shipping_rule *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++)
            read_rule(r, i, a, &out[i]);
        *rows = k ? out : NULL;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_rules_list(struct store *base, const struct scope *sc, struct arena *a,
                         struct shipping_rule **rows, size_t *n)
{
    return rules_read(base, sc,
                      "SELECT " RULE_COLS " FROM shipping_rules WHERE tenant_id = $1 "
                      "ORDER BY priority",
                      0, a, rows, n);
}

static int pg_rules_get(struct store *base, const struct scope *sc, int64_t rule_id,
                        struct arena *a, struct shipping_rule *out)
{
    struct shipping_rule *rows = NULL;
    size_t n = 0;
    int rc = rules_read(base, sc,
                        "SELECT " RULE_COLS " FROM shipping_rules WHERE tenant_id = $1 "
                        "AND rule_id = $2",
                        rule_id, a, &rows, &n);
    if (rc != STORE_OK) return rc;
    if (n == 0) return STORE_NOTFOUND;
    *out = rows[0];
    return STORE_OK;
}

static int pg_rules_add(struct store *base, const struct scope *sc, const struct shipping_rule *r,
                        int64_t now, int64_t *rule_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    bind_rule(&q, r, now);
    int rc;
    PGresult *res = pg_query(
        c, "rule_add",
        "INSERT INTO shipping_rules(tenant_id, rule_id, priority, name, enabled, countries, "
        "zone, min_grams, max_grams, min_pence, max_pence, value_of, channel, service_code, "
        "package_format, created_on, updated_on) SELECT $1::bigint, COALESCE(MAX(rule_id), 0) + 1, "
        "COALESCE(MAX(priority), 0) + 1, $2, $3::int, $4, $5, $6::bigint, $7::bigint, "
        "$8::bigint, $9::bigint, $10, $11, $12, $13, $14::bigint, $14::bigint "
        "FROM shipping_rules WHERE tenant_id = $1 RETURNING rule_id",
        &q, &rc);
    if (res) {
        *rule_id = pg_int(res, 0, 0);
        rc = STORE_OK;
        PQclear(res);
    }
    return pg_tx_end(c, rc);
}

/* A one-statement change of one rule: STORE_NOTFOUND when the scope has no
 * such rule. */
static int change(struct store *base, const struct scope *sc, const char *where, const char *sql,
                  const struct pg_args *q)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    int64_t changed = 0;
    int rc = pg_exec(c, where, sql, q, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

static int pg_rules_update(struct store *base, const struct scope *sc,
                           const struct shipping_rule *r, int64_t now)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, r->rule_id);
    bind_rule(&q, r, now);
    return change(base, sc, "rule_update",
                  "UPDATE shipping_rules SET name = $3, enabled = $4, countries = $5, zone = $6, "
                  "min_grams = $7, max_grams = $8, min_pence = $9, max_pence = $10, "
                  "value_of = $11, channel = $12, service_code = $13, package_format = $14, "
                  "updated_on = $15 WHERE tenant_id = $1 AND rule_id = $2",
                  &q);
}

static int pg_rules_del(struct store *base, const struct scope *sc, int64_t rule_id)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, rule_id);
    return change(base, sc, "rule_delete",
                  "DELETE FROM shipping_rules WHERE tenant_id = $1 AND rule_id = $2", &q);
}

static int pg_rules_set_enabled(struct store *base, const struct scope *sc, int64_t rule_id,
                                bool enabled, int64_t now)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, rule_id);
    pg_arg_int(&q, enabled);
    pg_arg_int(&q, now);
    return change(base, sc, "rule_enable",
                  "UPDATE shipping_rules SET enabled = $3, updated_on = $4 "
                  "WHERE tenant_id = $1 AND rule_id = $2",
                  &q);
}

static int set_priority(struct pg_conn *c, const struct scope *sc, int64_t rule_id, int64_t prio,
                        int64_t now)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, rule_id);
    pg_arg_int(&q, prio);
    pg_arg_int(&q, now);
    return pg_exec(c, "rule_priority",
                   "UPDATE shipping_rules SET priority = $3, updated_on = $4 "
                   "WHERE tenant_id = $1 AND rule_id = $2",
                   &q, NULL);
}

/* The rule's priority and its neighbour's above or below it, then a swap
 * through a priority no rule holds (priorities start at 1): the unique key
 * is checked row by row in PostgreSQL, so one UPDATE of both rows could
 * trip it midway. */
static int pg_rules_move(struct store *base, const struct scope *sc, int64_t rule_id, bool up,
                         int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, rule_id);
    int rc;
    PGresult *r =
        pg_query(c, "rule_neighbour",
                 up ? "SELECT r.priority, n.rule_id, n.priority FROM shipping_rules r "
                      "LEFT JOIN shipping_rules n ON n.tenant_id = r.tenant_id AND n.priority = "
                      "(SELECT MAX(priority) FROM shipping_rules WHERE tenant_id = $1 AND "
                      "priority < r.priority) WHERE r.tenant_id = $1 AND r.rule_id = $2"
                    : "SELECT r.priority, n.rule_id, n.priority FROM shipping_rules r "
                      "LEFT JOIN shipping_rules n ON n.tenant_id = r.tenant_id AND n.priority = "
                      "(SELECT MIN(priority) FROM shipping_rules WHERE tenant_id = $1 AND "
                      "priority > r.priority) WHERE r.tenant_id = $1 AND r.rule_id = $2",
                 &q, &rc);
    int64_t prio = 0, other = 0, other_prio = 0;
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) {
            prio = pg_int(r, 0, 0);
            other = pg_int(r, 0, 1); /* 0 for NULL: no neighbour */
            other_prio = pg_int(r, 0, 2);
        }
        PQclear(r);
    }
    if (rc == STORE_OK && other) {
        rc = set_priority(c, sc, rule_id, -1, now);
        if (rc == STORE_OK) rc = set_priority(c, sc, other, prio, now);
        if (rc == STORE_OK) rc = set_priority(c, sc, rule_id, other_prio, now);
    }
    return pg_tx_end(c, rc);
}

/* One statement: the line is numbered after the order's last, and written
 * only if the scope has the order (HAVING filters the one group an
 * aggregate without GROUP BY always makes). */
static int pg_rules_history_add(struct store *base, const struct scope *sc, int64_t order_id,
                                const char *kind, const char *text, int64_t now)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, order_id);
    pg_arg_int(&q, now);
    pg_arg_text(&q, kind);
    pg_arg_text(&q, text);
    return change(base, sc, "history_line",
                  "INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) "
                  "SELECT $1::bigint, $2::bigint, COALESCE(MAX(event_id), 0) + 1, $3::bigint, "
                  "$4, $5 FROM order_history WHERE tenant_id = $1 AND order_id = $2 "
                  "HAVING EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1 AND order_id = $2)",
                  &q);
}

const struct store_rules_ops pg_rules_ops = {
    .list = pg_rules_list,
    .get = pg_rules_get,
    .add = pg_rules_add,
    .update = pg_rules_update,
    .del = pg_rules_del,
    .set_enabled = pg_rules_set_enabled,
    .move = pg_rules_move,
    .history_add = pg_rules_history_add,
};
