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

enum signin_result { SIGNIN_OK, SIGNIN_BAD_CREDENTIALS, SIGNIN_LIMITED, SIGNIN_ERROR };

/* Checks the limits, verifies the password and on success creates a fresh
 * session (rotation at sign-in: a token is never carried over). token gets
 * SESSION_TOKEN_LEN + 1 bytes. */
enum signin_result session_sign_in(struct store *s, const char *email, const char *password,
                                   const char *client_ip, struct arena *a, struct principal *out,
                                   char *token);
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
