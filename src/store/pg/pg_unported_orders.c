/* pg_unported_orders: INTERIM, deleted as the port lands. The calls of this
 * area not yet on PostgreSQL: each logs and fails (STORE_ERROR), so a server
 * on PostgreSQL runs while the port is under way, and a call not yet ported
 * is a failed request, never a crash. */
#include "store/pg/pg_internal.h"
#include "util/log.h"

#include <stdio.h>

static int unported(struct store *s, const char *what)
{
    (void)s;
    char extra[96];
    snprintf(extra, sizeof extra, "\"call\":\"%s\"", what);
    log_json("error", "not on PostgreSQL yet", extra);
    return STORE_ERROR;
}

int pg_orders_insert(struct store *p0, const struct scope *p1, const struct order_new *p2,
                     size_t p3, int64_t p4, int64_t *p5, int64_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_orders_insert");
}

int pg_orders_get(struct store *p0, const struct scope *p1, const struct order_key *p2, size_t p3,
                  struct arena *p4, struct order_row **p5, size_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_orders_get");
}

int pg_orders_page(struct store *p0, const struct scope *p1, const struct order_page_query *p2,
                   struct arena *p3, struct order_row **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_orders_page");
}

int pg_order_delete(struct store *p0, const struct scope *p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_order_delete");
}

int pg_order_set_status(struct store *p0, const struct scope *p1, int64_t p2,
                        const struct order_status_change *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_order_set_status");
}

int pg_tenant_settings(struct store *p0, const struct scope *p1, struct arena *p2,
                       struct tenant_settings *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_tenant_settings");
}

int pg_tenant_settings_set(struct store *p0, int64_t p1, const struct tenant_settings *p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_tenant_settings_set");
}

int pg_s10_reserve(struct store *p0, const char *p1, int p2, int64_t *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_s10_reserve");
}

int pg_order_apply_postage(struct store *p0, const struct scope *p1, int64_t p2, const char *p3,
                           const struct postage *p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_order_apply_postage");
}

int pg_orders_mark_printed(struct store *p0, const struct scope *p1, const int64_t *p2, size_t p3,
                           int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_orders_mark_printed");
}

int pg_manifest_create(struct store *p0, const struct scope *p1, int64_t p2, struct arena *p3,
                       int64_t *p4, struct order_row **p5, size_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_manifest_create");
}

int pg_manifest_get(struct store *p0, const struct scope *p1, int64_t p2, struct arena *p3,
                    int64_t *p4, struct order_row **p5, size_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_manifest_get");
}

int pg_return_insert(struct store *p0, const struct scope *p1, const struct return_new *p2,
                     int64_t p3, int64_t *p4, int64_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_return_insert");
}

int pg_return_get(struct store *p0, const struct scope *p1, const char *p2, struct arena *p3,
                  struct return_row *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_return_get");
}

int pg_order_history(struct store *p0, const struct scope *p1, int64_t p2, struct arena *p3,
                     struct order_event **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_order_history");
}

int pg_carriers(struct store *p0, const struct scope *p1, size_t p2, struct arena *p3,
                struct carrier_row **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_carriers");
}

int pg_order_edit(struct store *p0, const struct scope *p1, int64_t p2, const struct order_new *p3,
                  int64_t p4, const char *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_order_edit");
}

int pg_orders_find(struct store *p0, const struct scope *p1, const struct order_find *p2,
                   struct arena *p3, struct order_row **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_orders_find");
}

int pg_order_status_counts(struct store *p0, const struct scope *p1, struct arena *p2,
                           struct order_count_row **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_order_status_counts");
}
