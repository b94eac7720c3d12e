/* store_rules: the store calls of shipping rules (issue 11, migration 011)
 * and the order history line a rule's postage (or the web's bulk postage)
 * writes. Every call is scoped: a business reads and changes only its own
 * rules, and inside a scoped transaction only the transaction's tenant.
 * Times are Unix ms, the caller's. */
#ifndef POSTROOM_STORE_RULES_H
#define POSTROOM_STORE_RULES_H
#include "domain/shipping_rule.h"
#include "store/store.h"

/* The scope's rules, by priority (lowest first). */
int store_rules_list(struct store *s, const struct scope *sc, struct arena *a,
                     struct shipping_rule **rows, size_t *n);
/* STORE_NOTFOUND when the scope has no rule of that id. */
int store_rule_get(struct store *s, const struct scope *sc, int64_t rule_id, struct arena *a,
                   struct shipping_rule *out);
/* Adds r (its ids and priority ignored) after the scope's last rule. */
int store_rule_add(struct store *s, const struct scope *sc, const struct shipping_rule *r,
                   int64_t now, int64_t *rule_id);
/* Replaces the conditions, action, name and enabled flag of rule
 * r->rule_id, keeping its priority. STORE_NOTFOUND when there is none. */
int store_rule_update(struct store *s, const struct scope *sc, const struct shipping_rule *r,
                      int64_t now);
int store_rule_delete(struct store *s, const struct scope *sc, int64_t rule_id);
int store_rule_set_enabled(struct store *s, const struct scope *sc, int64_t rule_id, bool enabled,
                           int64_t now);
/* Swaps the rule's priority with the next rule's above (up) or below it;
 * STORE_OK and nothing changed when it is first (last) already. */
int store_rule_move(struct store *s, const struct scope *sc, int64_t rule_id, bool up, int64_t now);
/* Appends a line to the scope's order's history (kind e.g.
 * "postageApplied"); STORE_NOTFOUND when the order is not the scope's. */
int store_order_history_add(struct store *s, const struct scope *sc, int64_t order_id,
                            const char *kind, const char *text, int64_t now);

/* The backend's table of these calls (struct store_ops.rules). */
struct store_rules_ops {
    int (*list)(struct store *, const struct scope *, struct arena *, struct shipping_rule **,
                size_t *);
    int (*get)(struct store *, const struct scope *, int64_t, struct arena *,
               struct shipping_rule *);
    int (*add)(struct store *, const struct scope *, const struct shipping_rule *, int64_t,
               int64_t *);
    int (*update)(struct store *, const struct scope *, const struct shipping_rule *, int64_t);
    int (*del)(struct store *, const struct scope *, int64_t);
    int (*set_enabled)(struct store *, const struct scope *, int64_t, bool, int64_t);
    int (*move)(struct store *, const struct scope *, int64_t, bool, int64_t);
    int (*history_add)(struct store *, const struct scope *, int64_t, const char *, const char *,
                       int64_t);
};

#endif
