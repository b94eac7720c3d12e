/* store_rules: dispatch of the shipping rules' calls to the backend, each
 * held to its scope as store.c holds the others. */
#include "store/store_rules.h"
#include "util/log.h"

#include <stdio.h>

static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

/* A scope that names a business, and inside a scoped transaction the
 * transaction's; anything else breaks the connection (store.c's rule). */
static bool scoped(struct store *s, const struct scope *sc)
{
    if (s->broken && s->in_tx) return false;
    if (sc && sc->tenant_id >= 1 && (!s->in_tx || sc->tenant_id == s->tx_scope.tenant_id))
        return true;
    char extra[96];
    snprintf(extra, sizeof extra, "\"what\":\"rules: bad scope\",\"tenant\":%lld",
             sc ? (long long)sc->tenant_id : 0LL);
    log_json("error", "store invariant broken", extra);
    s->broken = true;
    return false;
}

#define CALL(call) return scoped(s, sc) ? done(s, s->ops->rules->call) : STORE_ERROR

int store_rules_list(struct store *s, const struct scope *sc, struct arena *a,
                     struct shipping_rule **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    CALL(list(s, sc, a, rows, n));
}

int store_rule_get(struct store *s, const struct scope *sc, int64_t rule_id, struct arena *a,
                   struct shipping_rule *out)
{
    CALL(get(s, sc, rule_id, a, out));
}

int store_rule_add(struct store *s, const struct scope *sc, const struct shipping_rule *r,
                   int64_t now, int64_t *rule_id)
{
    CALL(add(s, sc, r, now, rule_id));
}

int store_rule_update(struct store *s, const struct scope *sc, const struct shipping_rule *r,
                      int64_t now)
{
    CALL(update(s, sc, r, now));
}

int store_rule_delete(struct store *s, const struct scope *sc, int64_t rule_id)
{
    CALL(del(s, sc, rule_id));
}

int store_rule_set_enabled(struct store *s, const struct scope *sc, int64_t rule_id, bool enabled,
                           int64_t now)
{
    CALL(set_enabled(s, sc, rule_id, enabled, now));
}

int store_rule_move(struct store *s, const struct scope *sc, int64_t rule_id, bool up, int64_t now)
{
    CALL(move(s, sc, rule_id, up, now));
}

int store_order_history_add(struct store *s, const struct scope *sc, int64_t order_id,
                            const char *kind, const char *text, int64_t now)
{
    CALL(history_add(s, sc, order_id, kind, text, now));
}
