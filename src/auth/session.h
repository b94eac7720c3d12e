/* session: server-side web sessions.
 *
 * A session token is 256 bits from the CSPRNG, sent only in the cookie
 * __Host-postroom_session (Secure, HttpOnly, SameSite=Lax, Path=/) and stored
 * only as its SHA-256. Sessions end on logout, after SESSION_IDLE_MS without
 * use and SESSION_ABSOLUTE_MS after sign-in, all checked server-side. Each
 * session has its own CSRF token for state-changing forms. */
#ifndef POSTROOM_SESSION_H
#define POSTROOM_SESSION_H
#include "auth/principal.h"
#include "auth/token.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>

#define SESSION_COOKIE "__Host-postroom_session"
#define SESSION_IDLE_MS (30LL * 60 * 1000)
#define SESSION_ABSOLUTE_MS (12LL * 3600 * 1000)
#define SESSION_TOKEN_LEN AUTH_TOKEN_LEN

/* Sign-in limits: failures per account and per client address, per hour. */
#define SIGNIN_MAX_FAILS_ACCOUNT 20
#define SIGNIN_MAX_FAILS_ADDRESS 100

struct store;

/* SIGNIN_CODE_NEEDED: the password held, and the user has two-factor on. */
enum signin_result {
    SIGNIN_OK,
    SIGNIN_BAD_CREDENTIALS,
    SIGNIN_LIMITED,
    SIGNIN_ERROR,
    SIGNIN_CODE_NEEDED
};

/* Checks the limits, verifies the password and on success creates a fresh
 * session (rotation at sign-in: a token is never carried over). token gets
 * SESSION_TOKEN_LEN + 1 bytes. For a user with two-factor on, the password
 * makes no session: SIGNIN_CODE_NEEDED, and token is a pending sign-in's
 * (SESSION_PENDING_COOKIE) that session_sign_in_code completes. */
enum signin_result session_sign_in(struct store *s, const char *email, const char *password,
                                   const char *client_ip, struct arena *a, struct principal *out,
                                   char *token);

/* The pending sign-in between the password and the code: its token,
 * 256 bits like a session's and stored only as its SHA-256, in its own
 * cookie (Secure, HttpOnly, SameSite=Strict, so no other site can post a
 * code with it), for SESSION_PENDING_MS. It opens no page. */
#define SESSION_PENDING_COOKIE "__Host-postroom_signin"
#define SESSION_PENDING_MS (5LL * 60 * 1000)
/* Whether the Cookie header names a live pending sign-in: STORE_OK,
 * STORE_NOTFOUND or STORE_ERROR. */
int session_pending(struct store *s, const char *cookie_header, struct arena *a);
/* The second step: the limits (a wrong code is a failed sign-in of the
 * account and the address, as a wrong password is), the code against the
 * user's secret, never a step accepted before; on success the pending
 * sign-in ends and a fresh session is made (token, as session_sign_in).
 * SIGNIN_BAD_CREDENTIALS also when no live pending sign-in is named. */
enum signin_result session_sign_in_code(struct store *s, const char *cookie_header,
                                        const char *code, const char *client_ip, struct arena *a,
                                        struct principal *out, char *token);
/* The Set-Cookie value that installs (token) or clears (NULL) the pending
 * sign-in's cookie. */
const char *session_pending_cookie(struct arena *a, const char *token);
/* The stored form (SHA-256) of the session token the Cookie header
 * carries; false when it carries none. */
bool session_token_hash(const char *cookie_header, unsigned char hash[32]);
/* A failed check of a signed-in user's password (the account page's
 * current password) counts as a failed sign-in of the account: false when
 * it could not be recorded. Whether the account is limited now: *limited. */
bool session_password_failed(struct store *s, const char *email, const char *client_ip,
                             struct arena *a);
bool session_limited(struct store *s, const char *email, const char *client_ip, struct arena *a,
                     bool *limited);
/* Resolves the Cookie header to a principal and the session's CSRF token. */
int session_authenticate(struct store *s, const char *cookie_header, struct arena *a,
                         struct principal *out, const char **csrf);
/* Whether the Cookie header carries a session cookie at all, well formed or
 * not. */
bool session_cookie_sent(const char *cookie_header);
/* Whether it carries a session cookie that names no live session (revoked,
 * expired, signed out, or never valid); false on a store error. */
bool session_stale(struct store *s, const char *cookie_header, struct arena *a);
/* What a browser whose session is stale is told to clear: whatever it
 * cached of the signed-in pages, and its cookies (docs/incident.md,
 * "Revoking sessions"). */
#define SESSION_CLEAR_SITE_DATA "\"cache\", \"cookies\""
/* Ends the session the Cookie header names, if any. */
int session_sign_out(struct store *s, const char *cookie_header);
/* The Set-Cookie value that installs (token) or clears (NULL) the cookie. */
const char *session_cookie(struct arena *a, const char *token);
/* Constant-time comparison of a submitted CSRF token with the session's. */
bool session_csrf_ok(const char *expected, const char *submitted);

#endif
