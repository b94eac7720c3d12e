/* store: the storage interface every caller uses, whatever the backend.
 *
 * One struct store is one database connection, used by one thread at a time.
 * Functions that touch tenant data take a scope (built from the principal) as
 * their first argument after the connection, and filter by it in SQL; there is
 * no unscoped read of tenant data. The few functions that must work before a
 * tenant is known (resolving an API key, a session or a sign-in name) or for
 * the operator's command line are named store_directory_* and store_operator_*
 * so they stand out wherever they are called.
 *
 * Every function returns a store_rc. STORE_ERROR means the connection is no
 * longer trusted, and the store remembers it: every call goes through the
 * dispatcher (store.c), which marks the connection broken on the first
 * STORE_ERROR (store_is_broken). Its owner closes it instead of reusing it
 * (wall 7); callers need not flag anything themselves.
 *
 * Times (now, expires) are Unix milliseconds, always the caller's: the
 * store keeps no clock of its own. */
#ifndef POSTROOM_STORE_H
#define POSTROOM_STORE_H
#include "domain/audit.h"
#include "domain/scope.h"
#include "domain/types.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_rc { STORE_OK = 0, STORE_NOTFOUND = 1, STORE_CONFLICT = 2, STORE_ERROR = -1 };

struct store;
struct store_breach_ops;
struct store_account_ops;
struct store_users_ops;
struct store_rules_ops;
struct store_mappings_ops;
struct store_import_ops;
struct store_manifests_ops;
struct store_dashboard_ops;

/* Opening and schema. path is a SQLite file path, or a postgres:// URL
 * (the PostgreSQL backend connects as its own roles whatever user the URL
 * names: src/store/pg/pg_internal.h). */
int store_open(const char *path, struct store **out);
bool store_is_postgres(const char *path);
/* What the files a server keeps beside its database (the audit journal,
 * the audit key and checkpoints) are named from: the SQLite file itself,
 * or for PostgreSQL $POSTROOM_STATE_DIR/postroom (NULL when that is not
 * set: a URL names no local directory). */
const char *store_local_base(const char *path);
void store_close(struct store *s);
/* True once a call on this connection returned STORE_ERROR (or broke an
 * invariant of the interface, such as a scope other than the
 * transaction's): it must be closed, never used again. */
bool store_is_broken(const struct store *s);
int store_migrate(struct store *s, int *applied);
int store_schema_version(struct store *s, int *version);
/* Server connections leave housekeeping (SQLite: WAL checkpoints, with their
 * fsync) to store_maintain(), which the server runs from its own thread, so
 * no request pays for it. */
int store_serve_mode(struct store *s);
/* A read snapshot around a whole read-only request (authentication and
 * handler see one consistent state; SQLite takes its locks once). Calls made
 * inside join it. */
int store_snapshot_begin(struct store *s);
int store_snapshot_end(struct store *s);
int store_maintain(struct store *s);

/* A scoped transaction: every call between store_tx_begin and
 * store_tx_commit (or store_tx_rollback) runs in one transaction, and
 * commits or rolls back with the others. It belongs to one scope: a scoped
 * call inside it must pass a scope for the same tenant (an operator call,
 * the same tenant id), or it fails with STORE_ERROR and the connection is
 * broken, since code that mixes two principals in one transaction has
 * already gone wrong. Unscoped calls (directory, meta secret, S10 serials,
 * tenant create and find) may run inside too. Calls inside join the
 * transaction; each stays all or nothing within it (a call that fails
 * undoes only its own writes, so the caller may still commit the rest or
 * roll everything back). Transactions do not nest; one may run inside a read
 * snapshot (store_snapshot_begin), and then takes the write lock only at its
 * first write.
 *
 * STORE_TX_WRITE takes the write lock at once (SQLite: BEGIN IMMEDIATE), so
 * a read-then-write inside cannot lose a race; STORE_TX_READ is one
 * consistent snapshot of reads (BEGIN). A PostgreSQL backend maps begin to
 * BEGIN [READ ONLY]; SELECT set_config('app.tenant_id', $1, true), so that
 * row-level security holds the transaction to the same tenant. A failed
 * commit has rolled everything back. Once a call inside has returned
 * STORE_ERROR, the transaction can only end: every call but
 * store_tx_rollback fails, and store_tx_commit rolls back. */
enum store_tx_mode { STORE_TX_WRITE, STORE_TX_READ };
int store_tx_begin(struct store *s, const struct scope *sc, enum store_tx_mode mode);
/* An operator's change and its audit record as one transaction (the kill
 * switch, from the console or the command line): store_operator_* and
 * store_audit_append calls only. Its scope is no business, so a scoped call
 * inside breaks the connection. Ends with store_tx_commit or _rollback. */
int store_operator_tx_begin(struct store *s);
int store_tx_commit(struct store *s);
int store_tx_rollback(struct store *s);

/* Server-wide secret material (e.g. the continuation-token key), created on
 * first use. n is at most 64. */
int store_meta_secret(struct store *s, const char *name, unsigned char *out, size_t n);

/* Operator: the command line's tenant, user and key management. */
int store_operator_tenant_create(struct store *s, const char *name, int64_t now,
                                 int64_t *tenant_id);
int store_operator_tenant_exists(struct store *s, int64_t tenant_id);
int store_operator_tenant_find(struct store *s, const char *name, int64_t *tenant_id);
int store_operator_user_add(struct store *s, int64_t tenant_id, const char *email,
                            const char *pw_hash, int role, int64_t now, int64_t *user_id);
int store_operator_user_set_password(struct store *s, int64_t tenant_id, const char *email,
                                     const char *pw_hash);
int store_operator_apikey_add(struct store *s, int64_t tenant_id, const unsigned char hash[32],
                              const char *name, int64_t now, int64_t *key_id);
int store_operator_apikey_revoke_named(struct store *s, int64_t tenant_id, const char *name,
                                       int64_t now);
/* Every live key of a business at once (a leak of its keys): *revoked gets
 * how many. Each fails on its next request, on every server. */
int store_operator_apikey_revoke_all(struct store *s, int64_t tenant_id, int64_t now,
                                     int64_t *revoked);

/* The kill switch (sqlite_killswitch.c): operator calls, since a switch
 * may cover every tenant. A switch is keyed by tenant_id (0: every tenant)
 * and feature ("": every feature; else api, web, labels, imports or
 * exports: the caller checks the name). */
struct killswitch_row {
    int64_t tenant_id;   /* 0: every tenant */
    const char *feature; /* "": every feature */
    const char *reason;
    const char *set_by;
    int64_t set_at;
};
/* Turns the switch on (again), with its reason and who set it. */
int store_operator_killswitch_set(struct store *s, int64_t tenant_id, const char *feature,
                                  const char *reason, const char *set_by, int64_t now);
/* Turns it off; STORE_NOTFOUND when it was not on. */
int store_operator_killswitch_clear(struct store *s, int64_t tenant_id, const char *feature,
                                    int64_t now);
/* Every switch that is on, global ones first, then by tenant and feature:
 * what `killswitch status` prints and what a server reads to learn them. */
int store_operator_killswitch_list(struct store *s, struct arena *a, struct killswitch_row **rows,
                                   size_t *n);

/* The access audit (sqlite_audit.c, domain/audit.h). Appends n records
 * after the chain's head, giving each its seq, prev_hash and hash (their
 * values in recs are ignored): inside the caller's transaction when one is
 * open, so the record commits with the write it records (inside a scoped
 * one, every record's data_tenant must be the transaction's), else in its
 * own. */
int store_audit_append(struct store *s, const struct audit_record *recs, size_t n);
/* A server's audit journal (http/audit_journal.h). Appends n records taken
 * from the journal named journal and, in the same transaction (its own:
 * never inside another), records that its first offset bytes are now in
 * the chain; so a record is appended once, whoever appends it. */
int store_audit_append_journal(struct store *s, const struct audit_record *recs, size_t n,
                               const char *journal, int64_t offset);
/* How many bytes of journal are in the chain (0 when it is not known). */
int store_audit_journal_offset(struct store *s, const char *journal, int64_t *offset);
/* Forgets journal, once its file is gone. */
int store_audit_journal_forget(struct store *s, const char *journal);
/* Up to limit records from seq on, in seq order: what `audit verify` walks.
 * An operator call: the chain crosses every tenant. */
/* The last record's seq and hash (0 and audit_genesis when there is none):
 * what a checkpoint signs. */
int store_operator_audit_head(struct store *s, int64_t *seq, char hash[AUDIT_HASH_HEX]);
int store_operator_audit_range(struct store *s, int64_t from_seq, size_t limit, struct arena *a,
                               struct audit_record **rows, size_t *n);
/* Revoking sessions (sqlite_sessions.c): every session of one tenant, or of
 * every tenant (tenant_id 0), ends at once. The rows are deleted, so a
 * cookie that named one now names no session, as an expired one does; API
 * keys are not sessions and are left alone. *ended gets how many ended. */
int store_operator_sessions_revoke(struct store *s, int64_t tenant_id, int64_t *ended);
/* store_operator_killswitch_set and store_operator_sessions_revoke for the
 * same tenant_id in one transaction: both happen, or neither. */
int store_operator_killswitch_set_revoking(struct store *s, int64_t tenant_id, const char *feature,
                                           const char *reason, const char *set_by, int64_t now,
                                           int64_t *ended);

/* Operators (issue 10, sqlite_operators.c): postroom's own staff, a realm
 * apart from the businesses. An operator has no tenant; its sign-in name,
 * password hash, TOTP secret and sessions live in tables of their own, so
 * nothing a business holds (a session, a key, a sign-in name) can name one.
 * The store only keeps the rows: auth/operator.c decides. */
struct operator_row {
    int64_t operator_id;
    const char *email;
    const char *pw_hash;     /* store_directory_operator_login only */
    const char *totp_secret; /* base32; store_directory_operator_login only */
    int64_t totp_last_step;  /* the last TOTP time step accepted */
    int64_t created_at;
    int64_t disabled_at; /* 0: may sign in */
};
/* STORE_CONFLICT when the e-mail address already names an operator. */
int store_operator_account_add(struct store *s, const char *email, const char *pw_hash,
                               const char *totp_secret, int64_t now, int64_t *operator_id);
/* Every operator, by id (no hash, no secret). */
int store_operator_account_list(struct store *s, struct arena *a, struct operator_row **rows,
                                size_t *n);
/* Disables the operator and ends its sessions in one transaction; *id gets
 * its id. STORE_NOTFOUND when no operator has that address. */
int store_operator_account_disable(struct store *s, const char *email, int64_t now, int64_t *id);
/* The enabled operator signing in with email; STORE_NOTFOUND otherwise. */
int store_directory_operator_login(struct store *s, const char *email, struct arena *a,
                                   struct operator_row *out);
/* Records step as the operator's last accepted TOTP step, only if it is
 * later than the last: STORE_CONFLICT when it is not (a code used twice). */
int store_directory_operator_step(struct store *s, int64_t operator_id, int64_t step);
int store_directory_operator_session_create(struct store *s, const unsigned char hash[32],
                                            int64_t operator_id, const char *csrf, int64_t now,
                                            int64_t expires);
/* The enabled operator whose live session has that hash, touching it. */
int store_directory_operator_session(struct store *s, const unsigned char hash[32], int64_t now,
                                     int64_t idle_ms, int64_t *operator_id, const char **csrf,
                                     struct arena *a);
int store_directory_operator_session_delete(struct store *s, const unsigned char hash[32]);

/* What the operators' console shows of the businesses: counts and ids,
 * never an order's contents. One row per (tenant, status); a tenant with
 * no orders has one row with status "" and count 0. */
struct tenant_count_row {
    int64_t tenant_id;
    const char *name; /* the business's own name */
    const char *status;
    int64_t count;
};
int store_operator_order_counts(struct store *s, struct arena *a, struct tenant_count_row **rows,
                                size_t *n);

/* "Report a data problem" (web/report.c): filed by a business user, read
 * and marked handled by the operators. category is wrong_data,
 * other_business or other; page a path without its query. */
struct data_report_row {
    int64_t report_id;
    int64_t tenant_id;
    int64_t user_id;
    const char *page;
    const char *category;
    const char *details;
    int64_t created_at;
    int64_t handled_at; /* 0: not yet */
    int64_t handled_by; /* operator_id */
};
int store_data_report_add(struct store *s, const struct scope *sc, int64_t user_id,
                          const char *page, const char *category, const char *details, int64_t now,
                          int64_t *report_id);
/* The newest limit reports, newest first. */
int store_operator_data_reports(struct store *s, size_t limit, struct arena *a,
                                struct data_report_row **rows, size_t *n);
/* STORE_NOTFOUND when there is no such report, or it was handled already. */
int store_operator_data_report_handle(struct store *s, int64_t report_id, int64_t operator_id,
                                      int64_t now);

/* A credential as the directory holds it: whose it is, and the role number
 * stored with a user. The store never decides what a credential may do:
 * auth/ alone turns one into a principal. */
struct credential {
    int64_t tenant_id;
    int64_t user_id; /* 0 for an API key */
    int64_t key_id;  /* 0 for a user or a session */
    int role;        /* users.role as stored; 0 for an API key */
};

/* Directory: resolve credentials to the rows they name. */
int store_directory_apikey(struct store *s, const unsigned char hash[32], struct credential *out);
int store_directory_login(struct store *s, const char *email, struct arena *a,
                          struct credential *out, const char **pw_hash);
int store_directory_session(struct store *s, const unsigned char hash[32], int64_t now,
                            int64_t idle_ms, struct credential *out, const char **csrf,
                            struct arena *a);
int store_directory_session_create(struct store *s, const unsigned char hash[32],
                                   const struct credential *p, const char *csrf, int64_t now,
                                   int64_t expires);
int store_directory_session_delete(struct store *s, const unsigned char hash[32]);
int store_directory_failures(struct store *s, const char *subject, int64_t since, int *count);
int store_directory_failure_add(struct store *s, const char *subject, int64_t now);
/* A stamp of the database's state as this connection sees it, for a cache
 * of what the directory answered (auth/apikey.c): two stamps are equal only
 * if nothing was committed between them, by any connection of any process,
 * this one included. Inside a snapshot it is the snapshot's (and begins its
 * read). STORE_NOTFOUND when the backend keeps no such stamp: then nothing
 * may be cached. */
struct store_stamp {
    uint64_t connection, data, own;
};
int store_directory_stamp(struct store *s, struct store_stamp *out);

/* Tenant data: orders. Inserting reports, for each order, the identifier
 * and the tenant id the database holds it under (read back from the rows
 * written, not copied from the scope), so a just-created order reaches the
 * egress check with the tenant id the store gave it. tenants_out may be
 * NULL for a caller that writes no order out. */
int store_orders_insert(struct store *s, const struct scope *sc, const struct order_new *orders,
                        size_t n, int64_t now, int64_t *ids_out, int64_t *tenants_out);
int store_orders_get(struct store *s, const struct scope *sc, const struct order_key *keys,
                     size_t n, struct arena *a, struct order_row **rows, size_t *nrows);
int store_orders_page(struct store *s, const struct scope *sc, const struct order_page_query *q,
                      struct arena *a, struct order_row **rows, size_t *nrows);
/* Deleting voids the order's label (its tracking number and postage) as of now. */
int store_order_delete(struct store *s, const struct scope *sc, int64_t order_id, int64_t now);
int store_order_set_status(struct store *s, const struct scope *sc, int64_t order_id,
                           const struct order_status_change *c);
int store_tenant_name(struct store *s, const struct scope *sc, struct arena *a, const char **name);
/* The e-mail a business's user signs in with (the web app's navigation bar). */
int store_user_email(struct store *s, const struct scope *sc, int64_t user_id, struct arena *a,
                     const char **email);

/* Postage, labels and manifests. Voiding (an order set back to new, or
 * deleted) marks its tracking number void and refunds its postage in the
 * ledger, in the same transaction. */
int store_tenant_settings(struct store *s, const struct scope *sc, struct arena *a,
                          struct tenant_settings *out);
int store_operator_tenant_settings_set(struct store *s, int64_t tenant_id,
                                       const struct tenant_settings *in);
/* Reserves n consecutive S10 serials of a prefix, never handed out again. */
int store_s10_reserve(struct store *s, const char *prefix, int n, int64_t *first);
/* New -> postage applied, if the order is still in from_status. */
int store_order_apply_postage(struct store *s, const struct scope *sc, int64_t order_id,
                              const char *from_status, const struct postage *p, int64_t now);
/* Postage applied -> label generated (orders in other states are left). */
int store_orders_mark_printed(struct store *s, const struct scope *sc, const int64_t *ids, size_t n,
                              int64_t now);
/* Every order in labelGenerated or despatched and in no manifest goes into a
 * new numbered manifest, atomically. STORE_NOTFOUND when none is eligible. */
int store_manifest_create(struct store *s, const struct scope *sc, int64_t now, struct arena *a,
                          int64_t *manifest_no, struct order_row **rows, size_t *nrows);
int store_manifest_get(struct store *s, const struct scope *sc, int64_t manifest_no,
                       struct arena *a, int64_t *created_at, struct order_row **rows,
                       size_t *nrows);

/* Returns and order history (sqlite_returns.c). Inserting a return that
 * names an order (order_id > 0) appends the history line to that order in
 * the same transaction; an order_id that is not the scope's order links
 * nothing (*linked_order = 0). */
int store_return_insert(struct store *s, const struct scope *sc, const struct return_new *in,
                        int64_t now, int64_t *return_id, int64_t *linked_order);
/* The scope's return with that tracking number, STORE_NOTFOUND if none. */
int store_return_get(struct store *s, const struct scope *sc, const char *tracking_number,
                     struct arena *a, struct return_row *out);
/* An order's history, oldest first (none for another tenant's order). */
int store_order_history(struct store *s, const struct scope *sc, int64_t order_id, struct arena *a,
                        struct order_event **events, size_t *n);
/* The other couriers the scope's orders stand despatched with: each
 * distinct name once, in the order first used. At most max names. */
int store_carriers(struct store *s, const struct scope *sc, size_t max, struct arena *a,
                   struct carrier_row **rows, size_t *n);

/* Trading names and sender addresses (issue 11, sqlite_senders.c): several
 * per business, one the default; an order names the one it ships from by
 * its document's "senderId" (docs/api.md). */
struct sender_row {
    int64_t tenant_id;
    int64_t sender_id;
    const char *trading_name, *address_line1, *address_line2, *city, *postcode, *country_code,
        *phone, *email;
    bool is_default;
};
/* The scope's senders, the default first, then by number. */
int store_senders_list(struct store *s, const struct scope *sc, struct arena *a,
                       struct sender_row **rows, size_t *n);
/* The scope's sender with that number; STORE_NOTFOUND if none (or removed). */
int store_sender_get(struct store *s, const struct scope *sc, int64_t sender_id, struct arena *a,
                     struct sender_row *out);
/* Adds in (in->sender_id 0; the business's first sender becomes its
 * default) or replaces the fields of sender in->sender_id (STORE_NOTFOUND
 * when the scope has none); *sender_id gets its number. */
int store_sender_save(struct store *s, const struct scope *sc, const struct sender_row *in,
                      int64_t now, int64_t *sender_id);
/* Makes the sender the default (and no other); STORE_NOTFOUND if none. */
int store_sender_set_default(struct store *s, const struct scope *sc, int64_t sender_id);
/* Removes a sender. STORE_CONFLICT when it is the default while others
 * remain (another must be made default first), or when an order still to
 * ship (new, postage applied, label generated, on hold) names it. */
int store_sender_remove(struct store *s, const struct scope *sc, int64_t sender_id, int64_t now);

/* Editing an order (issue 11, sqlite_order_edit.c): replaces its document,
 * reference, date and package count with o's, and appends history_text to
 * its history ("edited"), in one transaction; only while the order is new
 * or on hold. STORE_NOTFOUND when the scope has no such order,
 * STORE_CONFLICT when it is in another status. */
int store_order_edit(struct store *s, const struct scope *sc, int64_t order_id,
                     const struct order_new *o, int64_t now, const char *history_text);
/* The web app's orders list (sqlite_orderlist.c): one page of the scope's
 * orders by the list's filters, sorted, with a keyset (the order number of
 * the row the page continues after or before, as the API's continuation
 * carries an order number), and the counts per status its tabs show. */
enum order_sort { ORDER_SORT_NEWEST, ORDER_SORT_OLDEST, ORDER_SORT_REFERENCE, ORDER_SORT_NAME };
struct order_find {
    const char *status;       /* NULL: every status */
    const char *search;       /* NULL: none; else part of a reference, recipient name,
                                 postcode (spaces ignored) or tracking number */
    int64_t start_ms, end_ms; /* createdOn bounds, inclusive; 0 = open */
    const char *service;      /* the postage service, or the one the order asks for */
    const char *channel;
    enum order_sort sort;
    int64_t after_id, before_id; /* keyset: the rows after (or before) this one in the
                                    sort; 0 = from the start. After an order number that
                                    is not the scope's (or is gone) is from the start;
                                    before one, nothing. */
    int limit;
};
/* Up to f->limit rows in f->sort's order (also when paging back). */
int store_orders_find(struct store *s, const struct scope *sc, const struct order_find *f,
                      struct arena *a, struct order_row **rows, size_t *nrows);
/* One row per status and channel the scope's orders have, with how many. */
struct order_count_row {
    int64_t tenant_id;
    const char *status, *channel;
    int64_t count;
};
int store_order_status_counts(struct store *s, const struct scope *sc, struct arena *a,
                              struct order_count_row **rows, size_t *n);

/* The backend's function table: a PostgreSQL backend fills in the same. */
struct store_ops {
    void (*close)(struct store *);
    int (*migrate)(struct store *, int *);
    int (*schema_version)(struct store *, int *);
    int (*serve_mode)(struct store *);
    int (*snapshot_begin)(struct store *);
    int (*snapshot_end)(struct store *);
    int (*tx_begin)(struct store *, const struct scope *, enum store_tx_mode);
    int (*tx_commit)(struct store *);
    int (*tx_rollback)(struct store *);
    int (*maintain)(struct store *);
    int (*meta_secret)(struct store *, const char *, unsigned char *, size_t);
    int (*tenant_create)(struct store *, const char *, int64_t, int64_t *);
    int (*tenant_exists)(struct store *, int64_t);
    int (*tenant_find)(struct store *, const char *, int64_t *);
    int (*user_add)(struct store *, int64_t, const char *, const char *, int, int64_t, int64_t *);
    int (*user_set_password)(struct store *, int64_t, const char *, const char *);
    int (*apikey_add)(struct store *, int64_t, const unsigned char *, const char *, int64_t,
                      int64_t *);
    int (*apikey_revoke_named)(struct store *, int64_t, const char *, int64_t);
    int (*apikey_revoke_all)(struct store *, int64_t, int64_t, int64_t *);
    int (*dir_apikey)(struct store *, const unsigned char *, struct credential *);
    int (*dir_login)(struct store *, const char *, struct arena *, struct credential *,
                     const char **);
    int (*dir_session)(struct store *, const unsigned char *, int64_t, int64_t, struct credential *,
                       const char **, struct arena *);
    int (*dir_session_create)(struct store *, const unsigned char *, const struct credential *,
                              const char *, int64_t, int64_t);
    int (*dir_session_delete)(struct store *, const unsigned char *);
    int (*dir_failures)(struct store *, const char *, int64_t, int *);
    int (*dir_failure_add)(struct store *, const char *, int64_t);
    int (*dir_stamp)(struct store *, struct store_stamp *); /* NULL: no stamp, no cache */
    /* operators (sqlite_operators.c) */
    int (*op_account_add)(struct store *, const char *, const char *, const char *, int64_t,
                          int64_t *);
    int (*op_account_list)(struct store *, struct arena *, struct operator_row **, size_t *);
    int (*op_account_disable)(struct store *, const char *, int64_t, int64_t *);
    int (*op_login)(struct store *, const char *, struct arena *, struct operator_row *);
    int (*op_step)(struct store *, int64_t, int64_t);
    int (*op_session_create)(struct store *, const unsigned char *, int64_t, const char *, int64_t,
                             int64_t);
    int (*op_session)(struct store *, const unsigned char *, int64_t, int64_t, int64_t *,
                      const char **, struct arena *);
    int (*op_session_delete)(struct store *, const unsigned char *);
    int (*op_order_counts)(struct store *, struct arena *, struct tenant_count_row **, size_t *);
    int (*data_report_add)(struct store *, const struct scope *, int64_t, const char *,
                           const char *, const char *, int64_t, int64_t *);
    int (*op_data_reports)(struct store *, size_t, struct arena *, struct data_report_row **,
                           size_t *);
    int (*op_data_report_handle)(struct store *, int64_t, int64_t, int64_t);
    int (*orders_insert)(struct store *, const struct scope *, const struct order_new *, size_t,
                         int64_t, int64_t *, int64_t *);
    int (*orders_get)(struct store *, const struct scope *, const struct order_key *, size_t,
                      struct arena *, struct order_row **, size_t *);
    int (*orders_page)(struct store *, const struct scope *, const struct order_page_query *,
                       struct arena *, struct order_row **, size_t *);
    int (*order_delete)(struct store *, const struct scope *, int64_t, int64_t);
    int (*order_set_status)(struct store *, const struct scope *, int64_t,
                            const struct order_status_change *);
    int (*tenant_name)(struct store *, const struct scope *, struct arena *, const char **);
    int (*user_email)(struct store *, const struct scope *, int64_t, struct arena *, const char **);
    int (*tenant_settings)(struct store *, const struct scope *, struct arena *,
                           struct tenant_settings *);
    int (*tenant_settings_set)(struct store *, int64_t, const struct tenant_settings *);
    int (*s10_reserve)(struct store *, const char *, int, int64_t *);
    int (*order_apply_postage)(struct store *, const struct scope *, int64_t, const char *,
                               const struct postage *, int64_t);
    int (*orders_mark_printed)(struct store *, const struct scope *, const int64_t *, size_t,
                               int64_t);
    int (*manifest_create)(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                           struct order_row **, size_t *);
    int (*manifest_get)(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                        struct order_row **, size_t *);
    int (*return_insert)(struct store *, const struct scope *, const struct return_new *, int64_t,
                         int64_t *, int64_t *);
    int (*return_get)(struct store *, const struct scope *, const char *, struct arena *,
                      struct return_row *);
    int (*order_history)(struct store *, const struct scope *, int64_t, struct arena *,
                         struct order_event **, size_t *);
    int (*carriers)(struct store *, const struct scope *, size_t, struct arena *,
                    struct carrier_row **, size_t *);
    int (*killswitch_set)(struct store *, int64_t, const char *, const char *, const char *,
                          int64_t);
    int (*killswitch_clear)(struct store *, int64_t, const char *, int64_t);
    int (*killswitch_list)(struct store *, struct arena *, struct killswitch_row **, size_t *);
    int (*audit_append)(struct store *, const struct audit_record *, size_t);
    int (*audit_head)(struct store *, int64_t *, char *);
    int (*audit_append_journal)(struct store *, const struct audit_record *, size_t, const char *,
                                int64_t);
    int (*audit_journal_offset)(struct store *, const char *, int64_t *);
    int (*audit_journal_forget)(struct store *, const char *);
    int (*audit_range)(struct store *, int64_t, size_t, struct arena *, struct audit_record **,
                       size_t *);
    int (*sessions_revoke)(struct store *, int64_t, int64_t *);
    int (*killswitch_set_revoking)(struct store *, int64_t, const char *, const char *,
                                   const char *, int64_t, int64_t *);
    int (*senders_list)(struct store *, const struct scope *, struct arena *, struct sender_row **,
                        size_t *);
    int (*sender_get)(struct store *, const struct scope *, int64_t, struct arena *,
                      struct sender_row *);
    int (*sender_save)(struct store *, const struct scope *, const struct sender_row *, int64_t,
                       int64_t *);
    int (*sender_set_default)(struct store *, const struct scope *, int64_t);
    int (*sender_remove)(struct store *, const struct scope *, int64_t, int64_t);
    int (*order_edit)(struct store *, const struct scope *, int64_t, const struct order_new *,
                      int64_t, const char *);
    /* the web app's orders list (sqlite_orderlist.c) */
    int (*orders_find)(struct store *, const struct scope *, const struct order_find *,
                       struct arena *, struct order_row **, size_t *);
    int (*order_status_counts)(struct store *, const struct scope *, struct arena *,
                               struct order_count_row **, size_t *);
    const struct store_breach_ops *breach; /* store_breach.h */
    /* the user account's calls, store_account.h */
    const struct store_account_ops *account;
    const struct store_users_ops *users;         /* store_users.h: the settings pages */
    const struct store_rules_ops *rules;         /* store_rules.h */
    const struct store_manifests_ops *manifests; /* store_manifests.h */
    const struct store_dashboard_ops *dashboard; /* store_dashboard.h */
    const struct store_mappings_ops *mappings;   /* store_mappings.h: import mappings */
    const struct store_import_ops *import;       /* store_import.h: import jobs */
};

/* What the dispatcher keeps of a connection, whatever the backend (which
 * embeds it first and zeroes it on open). */
struct store {
    const struct store_ops *ops;
    bool broken;           /* a call returned STORE_ERROR: close, never reuse */
    bool in_tx;            /* inside store_tx_begin ... commit/rollback */
    bool operator_tx;      /* ... and it is store_operator_tx_begin's */
    struct scope tx_scope; /* the transaction's scope */
};

/* Backends. */
int store_sqlite_open(const char *path, struct store **out);
int store_pg_open(const char *url, struct store **out);

#endif
