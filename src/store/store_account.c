/* store_account: dispatch of the account calls to the backend. A scoped
 * call runs only for a business, and inside a scoped transaction only for
 * the transaction's business, as store.c holds every scoped call. */
#include "store/store_account.h"
#include "util/log.h"

#include <string.h>

static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

static bool usable(struct store *s)
{
    return !(s->broken && s->in_tx);
}

static bool scoped(struct store *s, const struct scope *sc)
{
    if (!usable(s)) return false;
    if (!sc || sc->tenant_id < 1 || (s->in_tx && sc->tenant_id != s->tx_scope.tenant_id)) {
        log_json("error", "store invariant broken", "\"what\":\"account call out of scope\"");
        s->broken = true;
        return false;
    }
    return true;
}

int store_account_get(struct store *s, const struct scope *sc, int64_t user_id, struct arena *a,
                      struct account_row *out)
{
    memset(out, 0, sizeof *out);
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->account->get(s, sc->tenant_id, user_id, a, out));
}

int store_account_password_set(struct store *s, const struct scope *sc, int64_t user_id,
                               const char *pw_hash, const unsigned char *keep, int64_t *ended)
{
    *ended = 0;
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->account->password_set(s, sc->tenant_id, user_id, pw_hash, keep, ended));
}

int store_account_totp_setup(struct store *s, const struct scope *sc, int64_t user_id,
                             const char *secret, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->account->totp_setup(s, sc->tenant_id, user_id, secret, now));
}

int store_account_totp_enable(struct store *s, const struct scope *sc, int64_t user_id,
                              const char *secret, int64_t step, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->account->totp_enable(s, sc->tenant_id, user_id, secret, step, now));
}

int store_account_totp_disable(struct store *s, const struct scope *sc, int64_t user_id,
                               int64_t step)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->account->totp_disable(s, sc->tenant_id, user_id, step));
}

int store_directory_user_totp_on(struct store *s, const struct credential *c, bool *on)
{
    *on = false;
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->account->totp_on(s, c->tenant_id, c->user_id, on));
}

int store_directory_signin_pending_create(struct store *s, const unsigned char hash[32],
                                          const struct credential *c, int64_t now, int64_t expires)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s,
                s->ops->account->pending_create(s, hash, c->tenant_id, c->user_id, now, expires));
}

int store_directory_signin_pending(struct store *s, const unsigned char hash[32], int64_t now,
                                   struct arena *a, struct signin_pending_row *out)
{
    memset(out, 0, sizeof *out);
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->account->pending(s, hash, now, a, out));
}

int store_directory_signin_complete(struct store *s, const unsigned char pending[32],
                                    const struct credential *c, int64_t step,
                                    const unsigned char session[32], const char *csrf, int64_t now,
                                    int64_t expires)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->account->complete(s, pending, c->tenant_id, c->user_id, step, session,
                                             csrf, now, expires));
}
