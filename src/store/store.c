/* store: dispatch from the store interface to the backend in use. */
#include "store/store.h"

#include <string.h>

int store_open(const char *path, struct store **out)
{
    return store_sqlite_open(path, out);
}

void store_close(struct store *s)
{
    if (s) s->ops->close(s);
}

int store_migrate(struct store *s, int *applied)
{
    return s->ops->migrate(s, applied);
}

int store_schema_version(struct store *s, int *version)
{
    return s->ops->schema_version(s, version);
}

int store_serve_mode(struct store *s)
{
    return s->ops->serve_mode(s);
}

int store_snapshot_begin(struct store *s)
{
    return s->ops->snapshot_begin(s);
}

int store_snapshot_end(struct store *s)
{
    return s->ops->snapshot_end(s);
}

int store_maintain(struct store *s)
{
    return s->ops->maintain(s);
}

int store_meta_secret(struct store *s, const char *name, unsigned char *out, size_t n)
{
    return s->ops->meta_secret(s, name, out, n);
}

int store_operator_tenant_create(struct store *s, const char *name, int64_t *tenant_id)
{
    return s->ops->tenant_create(s, name, tenant_id);
}

int store_operator_tenant_exists(struct store *s, int64_t tenant_id)
{
    return s->ops->tenant_exists(s, tenant_id);
}

int store_operator_tenant_find(struct store *s, const char *name, int64_t *tenant_id)
{
    return s->ops->tenant_find(s, name, tenant_id);
}

int store_operator_user_add(struct store *s, int64_t tenant_id, const char *email,
                            const char *pw_hash, int role, int64_t *user_id)
{
    return s->ops->user_add(s, tenant_id, email, pw_hash, role, user_id);
}

int store_operator_user_set_password(struct store *s, int64_t tenant_id, const char *email,
                                     const char *pw_hash)
{
    return s->ops->user_set_password(s, tenant_id, email, pw_hash);
}

int store_operator_apikey_add(struct store *s, int64_t tenant_id, const unsigned char hash[32],
                              const char *name, int64_t *key_id)
{
    return s->ops->apikey_add(s, tenant_id, hash, name, key_id);
}

int store_operator_apikey_revoke_named(struct store *s, int64_t tenant_id, const char *name)
{
    return s->ops->apikey_revoke_named(s, tenant_id, name);
}

int store_directory_apikey(struct store *s, const unsigned char hash[32], struct credential *out)
{
    return s->ops->dir_apikey(s, hash, out);
}

int store_directory_login(struct store *s, const char *email, struct arena *a,
                          struct credential *out, const char **pw_hash)
{
    return s->ops->dir_login(s, email, a, out, pw_hash);
}

int store_directory_session(struct store *s, const unsigned char hash[32], int64_t now,
                            int64_t idle_ms, struct credential *out, const char **csrf,
                            struct arena *a)
{
    return s->ops->dir_session(s, hash, now, idle_ms, out, csrf, a);
}

int store_directory_session_create(struct store *s, const unsigned char hash[32],
                                   const struct credential *p, const char *csrf, int64_t now,
                                   int64_t expires)
{
    return s->ops->dir_session_create(s, hash, p, csrf, now, expires);
}

int store_directory_session_delete(struct store *s, const unsigned char hash[32])
{
    return s->ops->dir_session_delete(s, hash);
}

int store_directory_failures(struct store *s, const char *subject, int64_t since, int *count)
{
    return s->ops->dir_failures(s, subject, since, count);
}

int store_directory_failure_add(struct store *s, const char *subject, int64_t now)
{
    return s->ops->dir_failure_add(s, subject, now);
}

int store_orders_insert(struct store *s, const struct scope *sc, const struct order_new *orders,
                        size_t n, int64_t now, int64_t *ids_out, int64_t *tenants_out)
{
    return s->ops->orders_insert(s, sc, orders, n, now, ids_out, tenants_out);
}

int store_orders_get(struct store *s, const struct scope *sc, const struct order_key *keys,
                     size_t n, struct arena *a, struct order_row **rows, size_t *nrows)
{
    return s->ops->orders_get(s, sc, keys, n, a, rows, nrows);
}

int store_orders_page(struct store *s, const struct scope *sc, const struct order_page_query *q,
                      struct arena *a, struct order_row **rows, size_t *nrows)
{
    return s->ops->orders_page(s, sc, q, a, rows, nrows);
}

int store_order_delete(struct store *s, const struct scope *sc, int64_t order_id, int64_t now)
{
    return s->ops->order_delete(s, sc, order_id, now);
}

int store_order_set_status(struct store *s, const struct scope *sc, int64_t order_id,
                           const struct order_status_change *c)
{
    return s->ops->order_set_status(s, sc, order_id, c);
}

int store_tenant_name(struct store *s, const struct scope *sc, struct arena *a, const char **name)
{
    return s->ops->tenant_name(s, sc, a, name);
}

int store_tenant_settings(struct store *s, const struct scope *sc, struct arena *a,
                          struct tenant_settings *out)
{
    return s->ops->tenant_settings(s, sc, a, out);
}

int store_operator_tenant_settings_set(struct store *s, int64_t tenant_id,
                                       const struct tenant_settings *in)
{
    return s->ops->tenant_settings_set(s, tenant_id, in);
}

int store_s10_reserve(struct store *s, const char *prefix, int n, int64_t *first)
{
    return s->ops->s10_reserve(s, prefix, n, first);
}

int store_order_apply_postage(struct store *s, const struct scope *sc, int64_t order_id,
                              const char *from_status, const struct postage *p, int64_t now)
{
    return s->ops->order_apply_postage(s, sc, order_id, from_status, p, now);
}

int store_orders_mark_printed(struct store *s, const struct scope *sc, const int64_t *ids, size_t n,
                              int64_t now)
{
    return s->ops->orders_mark_printed(s, sc, ids, n, now);
}

int store_manifest_create(struct store *s, const struct scope *sc, int64_t now, struct arena *a,
                          int64_t *manifest_no, struct order_row **rows, size_t *nrows)
{
    return s->ops->manifest_create(s, sc, now, a, manifest_no, rows, nrows);
}

int store_manifest_get(struct store *s, const struct scope *sc, int64_t manifest_no,
                       struct arena *a, int64_t *created_at, struct order_row **rows, size_t *nrows)
{
    return s->ops->manifest_get(s, sc, manifest_no, a, created_at, rows, nrows);
}

int store_return_insert(struct store *s, const struct scope *sc, const struct return_new *in,
                        int64_t now, int64_t *return_id, int64_t *linked_order)
{
    return s->ops->return_insert(s, sc, in, now, return_id, linked_order);
}

int store_return_get(struct store *s, const struct scope *sc, const char *tracking_number,
                     struct arena *a, struct return_row *out)
{
    return s->ops->return_get(s, sc, tracking_number, a, out);
}

int store_order_history(struct store *s, const struct scope *sc, int64_t order_id, struct arena *a,
                        struct order_event **events, size_t *n)
{
    return s->ops->order_history(s, sc, order_id, a, events, n);
}

int store_carriers(struct store *s, const struct scope *sc, size_t max, struct arena *a,
                   struct carrier_row **rows, size_t *n)
{
    return s->ops->carriers(s, sc, max, a, rows, n);
}
