/* sqlite_rules: shipping rules and order history lines in the SQLite
 * backend (migration 011). Every statement binds the scope's tenant_id as
 * ?1. Rules are read once per batch of new orders and changed by hand, so
 * their statements are prepared per call and finalized, holding no slot in
 * the connection's statement cache. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_rules.h"

#include <string.h>

#define RULE_COLS                                                                                  \
    "tenant_id, rule_id, priority, name, enabled, countries, zone, min_grams, max_grams, "         \
    "min_pence, max_pence, value_of, channel, service_code, package_format"

static void bind_bound(sqlite3_stmt *st, int i, int64_t v)
{
    if (v == RULE_NO_BOUND)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static int64_t col_bound(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? RULE_NO_BOUND : sqlite3_column_int64(st, i);
}

static const char *const zones[] = {
    [RULE_ZONE_UK] = "UK", [RULE_ZONE_EUROPE] = "EU", [RULE_ZONE_WORLD] = "WORLD"};

static void read_rule(sqlite3_stmt *st, struct arena *a, struct shipping_rule *r)
{
    memset(r, 0, sizeof *r);
    r->tenant_id = sqlite3_column_int64(st, 0);
    r->rule_id = sqlite3_column_int64(st, 1);
    r->priority = sqlite3_column_int64(st, 2);
    r->name = sq_col_text(a, st, 3);
    r->enabled = sqlite3_column_int(st, 4) != 0;
    r->countries = sq_col_text(a, st, 5);
    const char *zone = (const char *)sqlite3_column_text(st, 6);
    r->zone = RULE_ZONE_ANY;
    for (int z = RULE_ZONE_UK; zone && z <= RULE_ZONE_WORLD; z++)
        if (!strcmp(zone, zones[z])) r->zone = (enum rule_zone)z;
    r->min_grams = col_bound(st, 7);
    r->max_grams = col_bound(st, 8);
    r->min_pence = col_bound(st, 9);
    r->max_pence = col_bound(st, 10);
    const char *value_of = (const char *)sqlite3_column_text(st, 11);
    r->value_subtotal = value_of && !strcmp(value_of, "subtotal");
    r->channel = sq_col_text(a, st, 12);
    r->service_code = sq_col_text(a, st, 13);
    r->package_format = sq_col_text(a, st, 14);
}

/* Binds a rule's fields from ?3 on: name, enabled, countries, zone, the
 * bands, value_of, channel, service, format, and the time as ?15. */
static void bind_rule(sqlite3_stmt *st, const struct shipping_rule *r, int64_t now)
{
    sqlite3_bind_text(st, 3, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, r->enabled);
    sq_bind_text_opt(st, 5, r->countries && *r->countries ? r->countries : NULL);
    sq_bind_text_opt(st, 6, r->zone == RULE_ZONE_ANY ? NULL : zones[r->zone]);
    bind_bound(st, 7, r->min_grams);
    bind_bound(st, 8, r->max_grams);
    bind_bound(st, 9, r->min_pence);
    bind_bound(st, 10, r->max_pence);
    sqlite3_bind_text(st, 11, r->value_subtotal ? "subtotal" : "total", -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 12, r->channel && *r->channel ? r->channel : NULL);
    sqlite3_bind_text(st, 13, r->service_code, -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 14, r->package_format && *r->package_format ? r->package_format : NULL);
    sqlite3_bind_int64(st, 15, now);
}

static int sq_rules_list(struct store *base, const struct scope *sc, struct arena *a,
                         struct shipping_rule **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "rules",
                                  "SELECT " RULE_COLS " FROM shipping_rules WHERE tenant_id = ?1 "
                                  "ORDER BY priority");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t k = 0, cap = 0;
    struct shipping_rule *out = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = arena_grow(a, out, k, &cap, sizeof *out, 8);
        read_rule(st, a, &out[k++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "rules_list");
    *rows = out;
    *n = k;
    return STORE_OK;
}

static int sq_rule_get(struct store *base, const struct scope *sc, int64_t rule_id, struct arena *a,
                       struct shipping_rule *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "rules",
                                  "SELECT " RULE_COLS " FROM shipping_rules WHERE tenant_id = ?1 "
                                  "AND rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, rule_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_rule(st, a, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "rule_get");
}

static int sq_rule_add(struct store *base, const struct scope *sc, const struct shipping_rule *r,
                       int64_t now, int64_t *rule_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(
        s, "rules",
        "INSERT INTO shipping_rules(tenant_id, rule_id, priority, name, enabled, countries, "
        "zone, min_grams, max_grams, min_pence, max_pence, value_of, channel, service_code, "
        "package_format, created_on, updated_on) SELECT ?1, COALESCE(MAX(rule_id), 0) + 1, "
        "COALESCE(MAX(priority), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?15 FROM shipping_rules WHERE tenant_id = ?1 RETURNING rule_id");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        bind_rule(st, r, now);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *rule_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        rc = step == SQLITE_ROW                   ? STORE_OK
             : (step & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT
                                                  : sq_fail(s, "rule_add");
    }
    return sq_tx_end(s, rc);
}

static int sq_rule_update(struct store *base, const struct scope *sc, const struct shipping_rule *r,
                          int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "rules",
        "UPDATE shipping_rules SET name = ?3, enabled = ?4, countries = ?5, zone = ?6, "
        "min_grams = ?7, max_grams = ?8, min_pence = ?9, max_pence = ?10, value_of = ?11, "
        "channel = ?12, service_code = ?13, package_format = ?14, updated_on = ?15 "
        "WHERE tenant_id = ?1 AND rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, r->rule_id);
    bind_rule(st, r, now);
    int64_t changed = 0;
    int rc = sq_run(s, st, "rule_update", &changed);
    return rc == STORE_OK && !changed ? STORE_NOTFOUND : rc;
}

static int sq_rule_delete(struct store *base, const struct scope *sc, int64_t rule_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "rules", "DELETE FROM shipping_rules WHERE tenant_id = ?1 AND rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, rule_id);
    int64_t changed = 0;
    int rc = sq_run(s, st, "rule_delete", &changed);
    return rc == STORE_OK && !changed ? STORE_NOTFOUND : rc;
}

static int sq_rule_set_enabled(struct store *base, const struct scope *sc, int64_t rule_id,
                               bool enabled, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "rules",
                                  "UPDATE shipping_rules SET enabled = ?3, updated_on = ?4 "
                                  "WHERE tenant_id = ?1 AND rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, rule_id);
    sqlite3_bind_int(st, 3, enabled);
    sqlite3_bind_int64(st, 4, now);
    int64_t changed = 0;
    int rc = sq_run(s, st, "rule_enable", &changed);
    return rc == STORE_OK && !changed ? STORE_NOTFOUND : rc;
}

/* The rule's priority (STORE_NOTFOUND when the scope has no such rule), and
 * its neighbour's id and priority above or below it (*other 0: none). */
static int neighbour(struct sqlite_store *s, const struct scope *sc, int64_t rule_id, bool up,
                     int64_t *prio, int64_t *other, int64_t *other_prio)
{
    sqlite3_stmt *st =
        sq_prepare(s, "rules",
                   up ? "SELECT r.priority, n.rule_id, n.priority FROM shipping_rules r "
                        "LEFT JOIN shipping_rules n ON n.tenant_id = r.tenant_id AND n.priority = "
                        "(SELECT MAX(priority) FROM shipping_rules WHERE tenant_id = ?1 AND "
                        "priority < r.priority) WHERE r.tenant_id = ?1 AND r.rule_id = ?2"
                      : "SELECT r.priority, n.rule_id, n.priority FROM shipping_rules r "
                        "LEFT JOIN shipping_rules n ON n.tenant_id = r.tenant_id AND n.priority = "
                        "(SELECT MIN(priority) FROM shipping_rules WHERE tenant_id = ?1 AND "
                        "priority > r.priority) WHERE r.tenant_id = ?1 AND r.rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, rule_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *prio = sqlite3_column_int64(st, 0);
        *other = sqlite3_column_int64(st, 1); /* 0 for NULL: no neighbour */
        *other_prio = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "rule_neighbour");
}

static int set_priority(struct sqlite_store *s, const struct scope *sc, int64_t rule_id,
                        int64_t prio, int64_t now)
{
    sqlite3_stmt *st = sq_prepare(s, "rules",
                                  "UPDATE shipping_rules SET priority = ?3, updated_on = ?4 "
                                  "WHERE tenant_id = ?1 AND rule_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, rule_id);
    sqlite3_bind_int64(st, 3, prio);
    sqlite3_bind_int64(st, 4, now);
    return sq_run(s, st, "rule_priority", NULL);
}

/* A swap through a priority no rule holds (priorities start at 1), so the
 * unique key holds at every step. */
static int sq_rule_move(struct store *base, const struct scope *sc, int64_t rule_id, bool up,
                        int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t prio = 0, other = 0, other_prio = 0;
    int rc = neighbour(s, sc, rule_id, up, &prio, &other, &other_prio);
    if (rc == STORE_OK && other) {
        rc = set_priority(s, sc, rule_id, -1, now);
        if (rc == STORE_OK) rc = set_priority(s, sc, other, prio, now);
        if (rc == STORE_OK) rc = set_priority(s, sc, rule_id, other_prio, now);
    }
    return sq_tx_end(s, rc);
}

static int sq_history_add(struct store *base, const struct scope *sc, int64_t order_id,
                          const char *kind, const char *text, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st =
        sq_prepare(s, "rules", "SELECT 1 FROM orders WHERE tenant_id = ?1 AND order_id = ?2");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, order_id);
        int step = sqlite3_step(st);
        sqlite3_finalize(st);
        rc = step == SQLITE_ROW    ? STORE_OK
             : step == SQLITE_DONE ? STORE_NOTFOUND
                                   : sq_fail(s, "history_order");
    }
    if (rc == STORE_OK) {
        st = sq_prepare(s, "rules",
                        "INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) "
                        "SELECT ?1, ?2, COALESCE(MAX(event_id), 0) + 1, ?3, ?4, ?5 "
                        "FROM order_history WHERE tenant_id = ?1 AND order_id = ?2");
        if (st) {
            sqlite3_bind_int64(st, 1, sc->tenant_id);
            sqlite3_bind_int64(st, 2, order_id);
            sqlite3_bind_int64(st, 3, now);
            sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
        }
        rc = sq_run(s, st, "history_line", NULL);
    }
    return sq_tx_end(s, rc);
}

const struct store_rules_ops sq_rules_ops = {
    .list = sq_rules_list,
    .get = sq_rule_get,
    .add = sq_rule_add,
    .update = sq_rule_update,
    .del = sq_rule_delete,
    .set_enabled = sq_rule_set_enabled,
    .move = sq_rule_move,
    .history_add = sq_history_add,
};
