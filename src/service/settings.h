/* settings: the administrators' changes to their business (issue 11): its
 * users, API keys, label layout and customs defaults. Each change and its
 * access-audit record commit in one transaction (service/audit.h), so none
 * is made unrecorded; the records name ids only, never an address, a
 * password or a key. The store decides what the scope holds: an id of
 * another business finds nothing (STORE_NOTFOUND). Each returns a store
 * return code. */
#ifndef POSTROOM_SERVICE_SETTINGS_H
#define POSTROOM_SERVICE_SETTINGS_H
#include "service/service.h"
#include "store/store_users.h"

/* STORE_CONFLICT: the address already signs someone in. */
int service_user_add(const struct service_ctx *c, const char *email, const char *pw_hash, int role,
                     int64_t *user_id);
/* STORE_CONFLICT: the business would be left without an administrator. */
int service_user_set_role(const struct service_ctx *c, int64_t user_id, int role);
int service_user_remove(const struct service_ctx *c, int64_t user_id);
int service_apikey_add(const struct service_ctx *c, const unsigned char hash[32], const char *name,
                       int64_t *key_id);
int service_apikey_revoke(const struct service_ctx *c, int64_t key_id);
int service_label_settings_set(const struct service_ctx *c, const struct label_settings *in);

#endif
