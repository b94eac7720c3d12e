/* store_mappings: dispatch of the import mappings' calls to the backend,
 * each held to its scope as store.c holds the others. */
#include "store/store_mappings.h"
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
    snprintf(extra, sizeof extra, "\"what\":\"mappings: bad scope\",\"tenant\":%lld",
             sc ? (long long)sc->tenant_id : 0LL);
    log_json("error", "store invariant broken", extra);
    s->broken = true;
    return false;
}

#define CALL(call) return scoped(s, sc) ? done(s, s->ops->mappings->call) : STORE_ERROR

int store_mappings_list(struct store *s, const struct scope *sc, struct arena *a,
                        struct mapping_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    CALL(list(s, sc, a, rows, n));
}

int store_mapping_get(struct store *s, const struct scope *sc, int64_t mapping_id, struct arena *a,
                      struct mapping_row *out)
{
    CALL(get(s, sc, mapping_id, a, out));
}

int store_mapping_find(struct store *s, const struct scope *sc, const char *name, struct arena *a,
                       struct mapping_row *out)
{
    CALL(find(s, sc, name, a, out));
}

int store_mapping_add(struct store *s, const struct scope *sc, const struct mapping_row *m,
                      int64_t now, int64_t *mapping_id)
{
    CALL(add(s, sc, m, now, mapping_id));
}

int store_mapping_rename(struct store *s, const struct scope *sc, int64_t mapping_id,
                         const char *name, int64_t now)
{
    CALL(rename(s, sc, mapping_id, name, now));
}

int store_mapping_delete(struct store *s, const struct scope *sc, int64_t mapping_id)
{
    CALL(del(s, sc, mapping_id));
}
