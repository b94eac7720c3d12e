/* pg_unported_web: INTERIM, deleted as the port lands. The calls of this
 * area not yet on PostgreSQL: each logs and fails (STORE_ERROR), so a server
 * on PostgreSQL runs while the port is under way, and a call not yet ported
 * is a failed request, never a crash. */
#include "store/pg/pg_internal.h"
#include "store/store_account.h"
#include "store/store_users.h"
#include "store/store_rules.h"
#include "store/store_manifests.h"
#include "store/store_dashboard.h"
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

int pg_senders_list(struct store *p0, const struct scope *p1, struct arena *p2,
                    struct sender_row **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_senders_list");
}

int pg_sender_get(struct store *p0, const struct scope *p1, int64_t p2, struct arena *p3,
                  struct sender_row *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_sender_get");
}

int pg_sender_save(struct store *p0, const struct scope *p1, const struct sender_row *p2,
                   int64_t p3, int64_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_sender_save");
}

int pg_sender_set_default(struct store *p0, const struct scope *p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_sender_set_default");
}

int pg_sender_remove(struct store *p0, const struct scope *p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_sender_remove");
}

static int pg_account_get(struct store *p0, int64_t p1, int64_t p2, struct arena *p3,
                          struct account_row *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_account_get");
}

static int pg_account_password_set(struct store *p0, int64_t p1, int64_t p2, const char *p3,
                                   const unsigned char *p4, int64_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_account_password_set");
}

static int pg_account_totp_setup(struct store *p0, int64_t p1, int64_t p2, const char *p3,
                                 int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_account_totp_setup");
}

static int pg_account_totp_enable(struct store *p0, int64_t p1, int64_t p2, const char *p3,
                                  int64_t p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_account_totp_enable");
}

static int pg_account_totp_disable(struct store *p0, int64_t p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_account_totp_disable");
}

static int pg_account_totp_on(struct store *p0, int64_t p1, int64_t p2, bool *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_account_totp_on");
}

static int pg_account_pending_create(struct store *p0, const unsigned char *p1, int64_t p2,
                                     int64_t p3, int64_t p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_account_pending_create");
}

static int pg_account_pending(struct store *p0, const unsigned char *p1, int64_t p2,
                              struct arena *p3, struct signin_pending_row *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_account_pending");
}

static int pg_account_complete(struct store *p0, const unsigned char *p1, int64_t p2, int64_t p3,
                               int64_t p4, const unsigned char *p5, const char *p6, int64_t p7,
                               int64_t p8)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    (void)p7;
    (void)p8;
    return unported(p0, "pg_account_complete");
}

const struct store_account_ops pg_account_ops = {
    .get = pg_account_get,
    .password_set = pg_account_password_set,
    .totp_setup = pg_account_totp_setup,
    .totp_enable = pg_account_totp_enable,
    .totp_disable = pg_account_totp_disable,
    .totp_on = pg_account_totp_on,
    .pending_create = pg_account_pending_create,
    .pending = pg_account_pending,
    .complete = pg_account_complete,
};

static int pg_users_list(struct store *p0, const struct scope *p1, struct arena *p2,
                         struct user_row **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_users_list");
}

static int pg_users_create(struct store *p0, const struct scope *p1, const char *p2, const char *p3,
                           int p4, int64_t p5, int64_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_users_create");
}

static int pg_users_set_role(struct store *p0, const struct scope *p1, int64_t p2, int p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_users_set_role");
}

static int pg_users_remove(struct store *p0, const struct scope *p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_users_remove");
}

static int pg_users_keys(struct store *p0, const struct scope *p1, struct arena *p2,
                         struct apikey_row **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_users_keys");
}

static int pg_users_key_create(struct store *p0, const struct scope *p1, const unsigned char *p2,
                               const char *p3, int64_t p4, int64_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_users_key_create");
}

static int pg_users_key_revoke(struct store *p0, const struct scope *p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_users_key_revoke");
}

static int pg_users_key_used(struct store *p0, int64_t p1, int64_t p2, int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_users_key_used");
}

static int pg_users_labels(struct store *p0, const struct scope *p1, struct arena *p2,
                           struct label_settings *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_users_labels");
}

static int pg_users_labels_set(struct store *p0, const struct scope *p1,
                               const struct label_settings *p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_users_labels_set");
}

const struct store_users_ops pg_users_ops = {
    .list = pg_users_list,
    .create = pg_users_create,
    .set_role = pg_users_set_role,
    .remove = pg_users_remove,
    .keys = pg_users_keys,
    .key_create = pg_users_key_create,
    .key_revoke = pg_users_key_revoke,
    .key_used = pg_users_key_used,
    .labels = pg_users_labels,
    .labels_set = pg_users_labels_set,
};

static int pg_rules_list(struct store *p0, const struct scope *p1, struct arena *p2,
                         struct shipping_rule **p3, size_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_rules_list");
}

static int pg_rules_get(struct store *p0, const struct scope *p1, int64_t p2, struct arena *p3,
                        struct shipping_rule *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_rules_get");
}

static int pg_rules_add(struct store *p0, const struct scope *p1, const struct shipping_rule *p2,
                        int64_t p3, int64_t *p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_rules_add");
}

static int pg_rules_update(struct store *p0, const struct scope *p1, const struct shipping_rule *p2,
                           int64_t p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_rules_update");
}

static int pg_rules_del(struct store *p0, const struct scope *p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_rules_del");
}

static int pg_rules_set_enabled(struct store *p0, const struct scope *p1, int64_t p2, bool p3,
                                int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_rules_set_enabled");
}

static int pg_rules_move(struct store *p0, const struct scope *p1, int64_t p2, bool p3, int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_rules_move");
}

static int pg_rules_history_add(struct store *p0, const struct scope *p1, int64_t p2,
                                const char *p3, const char *p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_rules_history_add");
}

const struct store_rules_ops pg_rules_ops = {
    .list = pg_rules_list,
    .get = pg_rules_get,
    .add = pg_rules_add,
    .update = pg_rules_update,
    .del = pg_rules_del,
    .set_enabled = pg_rules_set_enabled,
    .move = pg_rules_move,
    .history_add = pg_rules_history_add,
};

static int pg_manifests_eligible(struct store *p0, const struct scope *p1, size_t p2,
                                 struct arena *p3, struct order_row **p4, size_t *p5, int64_t *p6)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    (void)p6;
    return unported(p0, "pg_manifests_eligible");
}

static int pg_manifests_list(struct store *p0, const struct scope *p1, size_t p2, struct arena *p3,
                             struct manifest_summary **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_manifests_list");
}

static int pg_manifests_daily_get(struct store *p0, const struct scope *p1, struct arena *p2,
                                  struct manifest_daily *p3)
{
    (void)p1;
    (void)p2;
    (void)p3;
    return unported(p0, "pg_manifests_daily_get");
}

static int pg_manifests_daily_set(struct store *p0, const struct scope *p1, bool p2, int p3,
                                  bool p4, int64_t p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_manifests_daily_set");
}

static int pg_manifests_daily_claim(struct store *p0, const struct scope *p1, const char *p2,
                                    int p3, int64_t p4)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    return unported(p0, "pg_manifests_daily_claim");
}

static int pg_manifests_daily_made(struct store *p0, const struct scope *p1, int64_t p2)
{
    (void)p1;
    (void)p2;
    return unported(p0, "pg_manifests_daily_made");
}

static int pg_manifests_daily_pending(struct store *p0, const char *p1, size_t p2, struct arena *p3,
                                      struct manifest_daily **p4, size_t *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_manifests_daily_pending");
}

const struct store_manifests_ops pg_manifests_ops = {
    .eligible = pg_manifests_eligible,
    .list = pg_manifests_list,
    .daily_get = pg_manifests_daily_get,
    .daily_set = pg_manifests_daily_set,
    .daily_claim = pg_manifests_daily_claim,
    .daily_made = pg_manifests_daily_made,
    .daily_pending = pg_manifests_daily_pending,
};

static int pg_dashboard_read(struct store *p0, const struct scope *p1, const int64_t *p2, size_t p3,
                             struct arena *p4, struct dashboard_read *p5)
{
    (void)p1;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)p5;
    return unported(p0, "pg_dashboard_read");
}

const struct store_dashboard_ops pg_dashboard_ops = {
    .read = pg_dashboard_read,
};
