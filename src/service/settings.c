/* settings: the administrators' changes, each with its audit record in
 * one transaction (see the header). */
#include "service/settings.h"
#include "service/audit.h"

/* Ends the change's transaction after recording action on kind:id. */
static int recorded(const struct service_ctx *c, int rc, const char *action, const char *kind,
                    int64_t id)
{
    if (rc == STORE_OK) rc = service_audit_one(c, action, kind, id);
    return service_tx_end(c, rc);
}

int service_user_add(const struct service_ctx *c, const char *email, const char *pw_hash, int role,
                     int64_t *user_id)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_user_create(c->store, &c->scope, email, pw_hash, role, c->now, user_id);
    return recorded(c, rc, "user.create", "user", *user_id);
}

int service_user_set_role(const struct service_ctx *c, int64_t user_id, int role)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_user_set_role(c->store, &c->scope, user_id, role);
    return recorded(c, rc, "user.role", "user", user_id);
}

int service_user_remove(const struct service_ctx *c, int64_t user_id)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_user_remove(c->store, &c->scope, user_id);
    return recorded(c, rc, "user.remove", "user", user_id);
}

int service_apikey_add(const struct service_ctx *c, const unsigned char hash[32], const char *name,
                       int64_t *key_id)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_apikey_create(c->store, &c->scope, hash, name, c->now, key_id);
    return recorded(c, rc, "apikey.create", "apikey", *key_id);
}

int service_apikey_revoke(const struct service_ctx *c, int64_t key_id)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_apikey_revoke(c->store, &c->scope, key_id, c->now);
    return recorded(c, rc, "apikey.revoke", "apikey", key_id);
}

int service_label_settings_set(const struct service_ctx *c, const struct label_settings *in)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_label_settings_set(c->store, &c->scope, in);
    return recorded(c, rc, "settings.labels", "tenant", c->scope.tenant_id);
}
