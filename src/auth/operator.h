/* operator: signing operators in and out, and their sessions (issue 10).
 *
 * Operators are a realm apart from the businesses: their own accounts
 * (store_operator_account_*), a password and a TOTP code on every sign-in
 * (auth/totp.h; a code is accepted once), their own sessions in
 * their own table, sent in their own cookie, scoped to /ops (Path=/ops,
 * HttpOnly, SameSite=Strict, Secure over TLS), each with its own CSRF
 * token, ended after OPERATOR_IDLE_MS without use. The principal made here
 * is PRINCIPAL_OPERATOR with no tenant: it opens no business route and
 * scopes no business store call. */
#ifndef POSTROOM_OPERATOR_H
#define POSTROOM_OPERATOR_H
#include "auth/principal.h"
#include "auth/session.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>

#define OPERATOR_COOKIE "postroom_ops"
#define OPERATOR_IDLE_MS (30LL * 60 * 1000)
#define OPERATOR_ABSOLUTE_MS (8LL * 3600 * 1000)
#define OPERATOR_TOKEN_LEN SESSION_TOKEN_LEN
/* Failed operator sign-ins per account and per client address, per hour. */
#define OPERATOR_MAX_FAILS_ACCOUNT 10
#define OPERATOR_MAX_FAILS_ADDRESS 50

struct store;

/* Checks the limits, the password and the code; on success records the
 * code's step (so it is never accepted again) and creates a fresh session.
 * token gets OPERATOR_TOKEN_LEN + 1 bytes. *operator_id gets the operator
 * the e-mail named, when it named one, whatever the result (0 otherwise),
 * for the audit record of a failure. now is Unix ms. */
enum signin_result operator_sign_in(struct store *s, const char *email, const char *password,
                                    const char *code, const char *client_ip, int64_t now,
                                    struct arena *a, struct principal *out, char *token,
                                    int64_t *operator_id);
/* Resolves the Cookie header's operator cookie to an operator principal and
 * its session's CSRF token: STORE_OK, STORE_NOTFOUND or STORE_ERROR. */
int operator_authenticate(struct store *s, const char *cookie_header, struct arena *a,
                          struct principal *out, const char **csrf);
/* Ends the session the Cookie header's operator cookie names, if any. */
int operator_sign_out(struct store *s, const char *cookie_header);
/* The Set-Cookie value that installs (token) or clears (NULL) the cookie;
 * secure adds Secure (the server speaks TLS). */
const char *operator_cookie(struct arena *a, const char *token, bool secure);
/* "operator:N", the audit's principal id. */
const char *operator_principal_id(struct arena *a, int64_t operator_id);

#endif
