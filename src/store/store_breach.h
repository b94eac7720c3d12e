/* store_breach: the store calls of the breach register, the tripwire's
 * security events and the status posts the app made (issue 10, migration
 * 009). All but store_breach_notices are operator calls: a breach crosses
 * tenants. They are refused inside a scoped transaction, like the kill
 * switch. Times are Unix ms, the caller's. */
#ifndef POSTROOM_STORE_BREACH_H
#define POSTROOM_STORE_BREACH_H
#include "domain/breach.h"
#include "store/store.h"

/* A tenant_mismatch as stored: ids only (records "order:2001,2002"). */
struct security_event_row {
    int64_t time;
    const char *kind, *request_id, *route;
    int64_t principal_tenant;
    const char *principal_id;
    int64_t exposed_tenant;
    const char *records;
};
int store_operator_security_event_add(struct store *s, const struct security_event_row *e);

/* What the blast radius is folded from (breach_blast_radius): every audit
 * record in [from, to] whose data tenant is not its principal's, then every
 * security event in [from, to] (withheld), each in time order. */
int store_operator_exposure_events(struct store *s, int64_t from, int64_t to, struct arena *a,
                                   struct exposure_event **ev, size_t *n);

/* Opens a breach from b (its id, decision, closed_at and status_incident are
 * ignored) and gives its id. */
int store_operator_breach_open(struct store *s, const struct breach *b, int64_t *id);
/* The tripwire's: the newest open breach opened by the tripwire, or a new
 * one from b when none is open, in one write transaction (two servers
 * tripping at once share one entry). *created says which. */
int store_operator_breach_open_or_join(struct store *s, const struct breach *b, int64_t *id,
                                       bool *created);
int store_operator_breach_get(struct store *s, int64_t id, struct arena *a, struct breach *b);
/* Every breach, newest first. */
int store_operator_breach_list(struct store *s, struct arena *a, struct breach **rows, size_t *n);
int store_operator_breach_updates(struct store *s, int64_t id, struct arena *a,
                                  struct breach_update **rows, size_t *n);
/* The breach's blast radius as last stored (breach_id set), by business. */
int store_operator_breach_radius(struct store *s, int64_t id, struct arena *a,
                                 struct exposure **rows, size_t *n);
/* The blast radius of [from, to] folded by business (breach_blast_radius
 * over store_operator_exposure_events). */
int store_operator_blast_radius(struct store *s, int64_t from, int64_t to, struct arena *a,
                                struct exposure **x, size_t *n);
/* Folds the breach's window again (up to now while the window is open)
 * and stores it as its blast radius: what the CLI, the tripwire and the
 * console's close all do. */
int store_operator_breach_refresh_radius(struct store *s, int64_t id, int64_t now, struct arena *a);
/* Appends a later fact. STORE_NOTFOUND: no such breach. */
int store_operator_breach_note(struct store *s, int64_t id, const char *author, const char *note,
                               int64_t now);
/* Records the decision (notify or no-notify) and its reason; notified_at
 * 0 leaves it unset. STORE_NOTFOUND: no such breach. */
int store_operator_breach_decide(struct store *s, int64_t id, const char *decision,
                                 const char *reason, const char *by, int64_t now,
                                 int64_t notified_at);
/* Replaces the stored blast radius and moves the window's end to window_to
 * (0: leave it open), in one transaction. */
int store_operator_breach_set_radius(struct store *s, int64_t id, int64_t window_to,
                                     const struct exposure *x, size_t n);
int store_operator_breach_set_incident(struct store *s, int64_t id, int64_t incident);
/* Closes it (the tripwire then opens a new one); STORE_NOTFOUND if none open. */
int store_operator_breach_close(struct store *s, int64_t id, int64_t now);

/* A business's own part of every breach: the rows of breach_records whose
 * data is the scope's tenant, newest breach first. A scoped call. */
int store_breach_notices(struct store *s, const struct scope *sc, struct arena *a,
                         struct exposure **rows, size_t *n);

/* The status site's incident posted about subject ("killswitch:0:",
 * "breach:3"): set, read (STORE_NOTFOUND: none), forget. */
int store_operator_status_post_set(struct store *s, const char *subject, int64_t incident,
                                   int64_t now);
int store_operator_status_post_get(struct store *s, const char *subject, int64_t *incident);
int store_operator_status_post_clear(struct store *s, const char *subject);

/* The backend's table of these calls (struct store_ops.breach). */
struct store_breach_ops {
    int (*event_add)(struct store *, const struct security_event_row *);
    int (*exposure_events)(struct store *, int64_t, int64_t, struct arena *,
                           struct exposure_event **, size_t *);
    int (*open)(struct store *, const struct breach *, int64_t *);
    int (*open_or_join)(struct store *, const struct breach *, int64_t *, bool *);
    int (*get)(struct store *, int64_t, struct arena *, struct breach *);
    int (*list)(struct store *, struct arena *, struct breach **, size_t *);
    int (*updates)(struct store *, int64_t, struct arena *, struct breach_update **, size_t *);
    int (*radius)(struct store *, int64_t, struct arena *, struct exposure **, size_t *);
    int (*note)(struct store *, int64_t, const char *, const char *, int64_t);
    int (*decide)(struct store *, int64_t, const char *, const char *, const char *, int64_t,
                  int64_t);
    int (*set_radius)(struct store *, int64_t, int64_t, const struct exposure *, size_t);
    int (*set_incident)(struct store *, int64_t, int64_t);
    int (*close)(struct store *, int64_t, int64_t);
    int (*notices)(struct store *, int64_t, struct arena *, struct exposure **, size_t *);
    int (*post_set)(struct store *, const char *, int64_t, int64_t);
    int (*post_get)(struct store *, const char *, int64_t *);
    int (*post_clear)(struct store *, const char *);
};

#endif
