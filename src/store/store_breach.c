/* store_breach: dispatch of the breach register's calls to the backend.
 * Like the kill switch, these cross tenants: none runs inside a scoped
 * transaction (the connection is then broken, as store.c does); the one
 * scoped call, the notices, runs only for the transaction's tenant. */
#include "store/store_breach.h"
#include "util/log.h"

#include <stdio.h>

static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

/* Whether an operator call may run here. */
static bool operator_ok(struct store *s, const char *what)
{
    if (s->broken && s->in_tx) return false;
    if (!s->in_tx) return true;
    char extra[96];
    snprintf(extra, sizeof extra, "\"what\":\"%s in a scoped tx\"", what);
    log_json("error", "store invariant broken", extra);
    s->broken = true;
    return false;
}

#define OP(what, call) return operator_ok(s, what) ? done(s, s->ops->breach->call) : STORE_ERROR

int store_operator_security_event_add(struct store *s, const struct security_event_row *e)
{
    OP("security event", event_add(s, e));
}

int store_operator_exposure_events(struct store *s, int64_t from, int64_t to, struct arena *a,
                                   struct exposure_event **ev, size_t *n)
{
    *ev = NULL;
    *n = 0;
    OP("exposure events", exposure_events(s, from, to, a, ev, n));
}

int store_operator_breach_open(struct store *s, const struct breach *b, int64_t *id)
{
    OP("breach", open(s, b, id));
}

int store_operator_breach_open_or_join(struct store *s, const struct breach *b, int64_t *id,
                                       bool *created)
{
    *created = false;
    OP("breach", open_or_join(s, b, id, created));
}

int store_operator_breach_get(struct store *s, int64_t id, struct arena *a, struct breach *b)
{
    OP("breach", get(s, id, a, b));
}

int store_operator_breach_list(struct store *s, struct arena *a, struct breach **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    OP("breach", list(s, a, rows, n));
}

int store_operator_breach_updates(struct store *s, int64_t id, struct arena *a,
                                  struct breach_update **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    OP("breach", updates(s, id, a, rows, n));
}

int store_operator_breach_radius(struct store *s, int64_t id, struct arena *a,
                                 struct exposure **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    OP("breach", radius(s, id, a, rows, n));
}

int store_operator_breach_note(struct store *s, int64_t id, const char *author, const char *note,
                               int64_t now)
{
    OP("breach", note(s, id, author, note, now));
}

int store_operator_breach_decide(struct store *s, int64_t id, const char *decision,
                                 const char *reason, const char *by, int64_t now,
                                 int64_t notified_at)
{
    OP("breach", decide(s, id, decision, reason, by, now, notified_at));
}

int store_operator_breach_set_radius(struct store *s, int64_t id, int64_t window_to,
                                     const struct exposure *x, size_t n)
{
    OP("breach", set_radius(s, id, window_to, x, n));
}

int store_operator_breach_set_incident(struct store *s, int64_t id, int64_t incident)
{
    OP("breach", set_incident(s, id, incident));
}

int store_operator_breach_close(struct store *s, int64_t id, int64_t now)
{
    OP("breach", close(s, id, now));
}

int store_operator_blast_radius(struct store *s, int64_t from, int64_t to, struct arena *a,
                                struct exposure **x, size_t *n)
{
    struct exposure_event *ev;
    size_t nev;
    *x = NULL;
    *n = 0;
    int rc = store_operator_exposure_events(s, from, to, a, &ev, &nev);
    if (rc == STORE_OK) breach_blast_radius(ev, nev, a, x, n);
    return rc;
}

int store_operator_breach_refresh_radius(struct store *s, int64_t id, int64_t now, struct arena *a)
{
    struct breach b;
    struct exposure *x = NULL;
    size_t n = 0;
    int rc = store_operator_breach_get(s, id, a, &b);
    if (rc == STORE_OK)
        rc = store_operator_blast_radius(s, b.window_from, b.window_to ? b.window_to : now, a, &x,
                                         &n);
    if (rc == STORE_OK) rc = store_operator_breach_set_radius(s, id, 0, x, n);
    return rc;
}

int store_breach_notices(struct store *s, const struct scope *sc, struct arena *a,
                         struct exposure **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!sc || (s->broken && s->in_tx)) return STORE_ERROR;
    if (s->in_tx && sc->tenant_id != s->tx_scope.tenant_id) {
        log_json("error", "store invariant broken", "\"what\":\"notices for another tenant\"");
        s->broken = true;
        return STORE_ERROR;
    }
    return done(s, s->ops->breach->notices(s, sc->tenant_id, a, rows, n));
}

int store_operator_status_post_set(struct store *s, const char *subject, int64_t incident,
                                   int64_t now)
{
    OP("status post", post_set(s, subject, incident, now));
}

int store_operator_status_post_get(struct store *s, const char *subject, int64_t *incident)
{
    *incident = 0;
    OP("status post", post_get(s, subject, incident));
}

int store_operator_status_post_clear(struct store *s, const char *subject)
{
    OP("status post", post_clear(s, subject));
}
