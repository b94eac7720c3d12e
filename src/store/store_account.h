/* store_account: a business user's own account (issue 11, migration 015):
 * the password, the optional TOTP second factor, and the pending sign-in
 * between the password and the code. The account calls are scoped (a user
 * changes only their own account, in their own business); the sign-in
 * calls are directory calls, since no principal exists yet. Times are Unix
 * ms, the caller's. The store keeps rows; auth/ decides. */
#ifndef POSTROOM_STORE_ACCOUNT_H
#define POSTROOM_STORE_ACCOUNT_H
#include "store/store.h"

#include <stdbool.h>

struct account_row {
    int64_t tenant_id, user_id;
    const char *email;
    int role; /* users.role as stored */
    const char *pw_hash;
    const char *totp_secret; /* base32; NULL when none is set up */
    bool totp_on;            /* confirmed with a code: sign-in asks for one */
    int64_t totp_last_step;
};
int store_account_get(struct store *s, const struct scope *sc, int64_t user_id, struct arena *a,
                      struct account_row *out);
/* Sets the user's password hash and ends every session of the user except
 * the one whose token hash is keep (NULL: all), and every pending sign-in;
 * *ended gets how many sessions ended. STORE_NOTFOUND: no such user. */
int store_account_password_set(struct store *s, const struct scope *sc, int64_t user_id,
                               const char *pw_hash, const unsigned char *keep, int64_t *ended);
/* Keeps secret as the user's, not yet on (a new one replaces one never
 * confirmed). STORE_CONFLICT when two-factor is on already. */
int store_account_totp_setup(struct store *s, const struct scope *sc, int64_t user_id,
                             const char *secret, int64_t now);
/* Turns two-factor on, if secret is still the one set up and not on, and
 * records step as the last code accepted. STORE_NOTFOUND otherwise. */
int store_account_totp_enable(struct store *s, const struct scope *sc, int64_t user_id,
                              const char *secret, int64_t step, int64_t now);
/* Turns two-factor off (the secret is deleted). step >= 0 (a code
 * confirmed it): only if step is newer than the last accepted, so a code is
 * never used twice; step < 0 (the password confirmed it): in any case.
 * STORE_NOTFOUND when it was not on, or the step was used. */
int store_account_totp_disable(struct store *s, const struct scope *sc, int64_t user_id,
                               int64_t step);

/* Sign-in (directory calls). Whether the credential's user has two-factor on. */
int store_directory_user_totp_on(struct store *s, const struct credential *c, bool *on);
int store_directory_signin_pending_create(struct store *s, const unsigned char hash[32],
                                          const struct credential *c, int64_t now, int64_t expires);
/* The live pending sign-in with that token hash, with what its code step
 * needs. STORE_NOTFOUND when none (expired, used, or two-factor turned off
 * meanwhile). */
struct signin_pending_row {
    struct credential cred;
    const char *email;
    const char *totp_secret;
    int64_t totp_last_step;
};
int store_directory_signin_pending(struct store *s, const unsigned char hash[32], int64_t now,
                                   struct arena *a, struct signin_pending_row *out);
/* In one transaction: ends the pending sign-in, records step as the user's
 * last accepted code (only if newer: STORE_CONFLICT when it is not, a code
 * used twice) and creates the session. STORE_NOTFOUND when the pending
 * sign-in is gone. */
int store_directory_signin_complete(struct store *s, const unsigned char pending[32],
                                    const struct credential *c, int64_t step,
                                    const unsigned char session[32], const char *csrf, int64_t now,
                                    int64_t expires);

/* The backend's table of these calls (struct store_ops.account). */
struct store_account_ops {
    int (*get)(struct store *, int64_t, int64_t, struct arena *, struct account_row *);
    int (*password_set)(struct store *, int64_t, int64_t, const char *, const unsigned char *,
                        int64_t *);
    int (*totp_setup)(struct store *, int64_t, int64_t, const char *, int64_t);
    int (*totp_enable)(struct store *, int64_t, int64_t, const char *, int64_t, int64_t);
    int (*totp_disable)(struct store *, int64_t, int64_t, int64_t);
    int (*totp_on)(struct store *, int64_t, int64_t, bool *);
    int (*pending_create)(struct store *, const unsigned char *, int64_t, int64_t, int64_t,
                          int64_t);
    int (*pending)(struct store *, const unsigned char *, int64_t, struct arena *,
                   struct signin_pending_row *);
    int (*complete)(struct store *, const unsigned char *, int64_t, int64_t, int64_t,
                    const unsigned char *, const char *, int64_t, int64_t);
};

#endif
