/* pg_unported_ops: INTERIM, deleted as the port lands. The calls of this
 * area not yet on PostgreSQL: each logs and fails (STORE_ERROR), so a server
 * on PostgreSQL runs while the port is under way, and a call not yet ported
 * is a failed request, never a crash. */
#include "store/pg/pg_internal.h"
#include "store/store_breach.h"
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

int pg_op_account_add(struct store *p0, const char *p1, const char *p2, const char *p3, int64_t p4,
                      int64_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_op_account_add");
}

int pg_op_account_list(struct store *p0, struct arena *p1, struct operator_row **p2, size_t *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_op_account_list");
}

int pg_op_account_disable(struct store *p0, const char *p1, int64_t p2, int64_t *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_op_account_disable");
}

int pg_op_login(struct store *p0, const char *p1, struct arena *p2, struct operator_row *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_op_login");
}

int pg_op_step(struct store *p0, int64_t p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_op_step");
}

int pg_op_session_create(struct store *p0, const unsigned char *p1, int64_t p2, const char *p3,
                         int64_t p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_op_session_create");
}

int pg_op_session(struct store *p0, const unsigned char *p1, int64_t p2, int64_t p3, int64_t *p4,
                  const char **p5, struct arena *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_op_session");
}

int pg_op_session_delete(struct store *p0, const unsigned char *p1)
{
    (void)p1;
    return unported(p0, "pg_op_session_delete");
}

int pg_op_order_counts(struct store *p0, struct arena *p1, struct tenant_count_row **p2, size_t *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_op_order_counts");
}

int pg_data_report_add(struct store *p0, const struct scope *p1, int64_t p2, const char *p3,
                       const char *p4, const char *p5, int64_t p6, int64_t *p7)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    (void)p7;
    return unported(p0, "pg_data_report_add");
}

int pg_op_data_reports(struct store *p0, size_t p1, struct arena *p2, struct data_report_row **p3,
                       size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_op_data_reports");
}

int pg_op_data_report_handle(struct store *p0, int64_t p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_op_data_report_handle");
}

static int pg_breach_event_add(struct store *p0, const struct security_event_row *p1)
{
    (void)p1;
    return unported(p0, "pg_breach_event_add");
}

static int pg_breach_exposure_events(struct store *p0, int64_t p1, int64_t p2, struct arena *p3,
                                     struct exposure_event **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_breach_exposure_events");
}

static int pg_breach_open(struct store *p0, const struct breach *p1, int64_t *p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_breach_open");
}

static int pg_breach_open_or_join(struct store *p0, const struct breach *p1, int64_t *p2, bool *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_breach_open_or_join");
}

static int pg_breach_get(struct store *p0, int64_t p1, struct arena *p2, struct breach *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_breach_get");
}

static int pg_breach_list(struct store *p0, struct arena *p1, struct breach **p2, size_t *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_breach_list");
}

static int pg_breach_updates(struct store *p0, int64_t p1, struct arena *p2,
                             struct breach_update **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_breach_updates");
}

static int pg_breach_radius(struct store *p0, int64_t p1, struct arena *p2, struct exposure **p3,
                            size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_breach_radius");
}

static int pg_breach_note(struct store *p0, int64_t p1, const char *p2, const char *p3, int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_breach_note");
}

static int pg_breach_decide(struct store *p0, int64_t p1, const char *p2, const char *p3,
                            const char *p4, int64_t p5, int64_t p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_breach_decide");
}

static int pg_breach_set_radius(struct store *p0, int64_t p1, int64_t p2, const struct exposure *p3,
                                size_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_breach_set_radius");
}

static int pg_breach_set_incident(struct store *p0, int64_t p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_breach_set_incident");
}

static int pg_breach_close(struct store *p0, int64_t p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_breach_close");
}

static int pg_breach_notices(struct store *p0, int64_t p1, struct arena *p2, struct exposure **p3,
                             size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_breach_notices");
}

static int pg_breach_post_set(struct store *p0, const char *p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_breach_post_set");
}

static int pg_breach_post_get(struct store *p0, const char *p1, int64_t *p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_breach_post_get");
}

static int pg_breach_post_clear(struct store *p0, const char *p1)
{
    (void)p1;
    return unported(p0, "pg_breach_post_clear");
}

const struct store_breach_ops pg_breach_ops = {
    .event_add = pg_breach_event_add,
    .exposure_events = pg_breach_exposure_events,
    .open = pg_breach_open,
    .open_or_join = pg_breach_open_or_join,
    .get = pg_breach_get,
    .list = pg_breach_list,
    .updates = pg_breach_updates,
    .radius = pg_breach_radius,
    .note = pg_breach_note,
    .decide = pg_breach_decide,
    .set_radius = pg_breach_set_radius,
    .set_incident = pg_breach_set_incident,
    .close = pg_breach_close,
    .notices = pg_breach_notices,
    .post_set = pg_breach_post_set,
    .post_get = pg_breach_post_get,
    .post_clear = pg_breach_post_clear,
};
