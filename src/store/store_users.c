/* store_users: dispatch of the settings pages' calls to the backend (see
 * the header). Every call but the key's last use is scoped, and held, as
 * store.c holds its own, to the open transaction's tenant. */
#include "store/store_users.h"
#include "util/log.h"

static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

/* A scope that names a business, and inside a scoped transaction only the
 * transaction's: anything else breaks the connection (store.c). */
static bool scoped(struct store *s, const struct scope *sc)
{
    if (s->broken && s->in_tx) return false;
    if (sc && sc->tenant_id > 0 && (!s->in_tx || sc->tenant_id == s->tx_scope.tenant_id))
        return true;
    log_json("error", "store invariant broken", "\"what\":\"settings call out of scope\"");
    s->broken = true;
    return false;
}

#define SCOPED(call) return scoped(s, sc) ? done(s, s->ops->users->call) : STORE_ERROR

int store_users_list(struct store *s, const struct scope *sc, struct arena *a,
                     struct user_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    SCOPED(list(s, sc, a, rows, n));
}

int store_user_create(struct store *s, const struct scope *sc, const char *email,
                      const char *pw_hash, int role, int64_t now, int64_t *user_id)
{
    *user_id = 0;
    SCOPED(create(s, sc, email, pw_hash, role, now, user_id));
}

int store_user_set_role(struct store *s, const struct scope *sc, int64_t user_id, int role)
{
    SCOPED(set_role(s, sc, user_id, role));
}

int store_user_remove(struct store *s, const struct scope *sc, int64_t user_id)
{
    SCOPED(remove(s, sc, user_id));
}

int store_apikeys_list(struct store *s, const struct scope *sc, struct arena *a,
                       struct apikey_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    SCOPED(keys(s, sc, a, rows, n));
}

int store_apikey_create(struct store *s, const struct scope *sc, const unsigned char hash[32],
                        const char *name, int64_t now, int64_t *key_id)
{
    *key_id = 0;
    SCOPED(key_create(s, sc, hash, name, now, key_id));
}

int store_apikey_revoke(struct store *s, const struct scope *sc, int64_t key_id, int64_t now)
{
    SCOPED(key_revoke(s, sc, key_id, now));
}

int store_directory_apikey_used(struct store *s, int64_t tenant_id, int64_t key_id, int64_t at)
{
    if (s->in_tx) return STORE_ERROR; /* the housekeeper's own write, never inside another */
    return done(s, s->ops->users->key_used(s, tenant_id, key_id, at));
}

int store_label_settings(struct store *s, const struct scope *sc, struct arena *a,
                         struct label_settings *out)
{
    SCOPED(labels(s, sc, a, out));
}

int store_label_settings_set(struct store *s, const struct scope *sc,
                             const struct label_settings *in)
{
    SCOPED(labels_set(s, sc, in));
}
