/* totp: the one-time codes of two-factor sign-in (RFC 6238: HMAC-SHA-1,
 * 30-second steps, 6 digits), computed by liboath, for both realms: every
 * operator signs in with one (auth/operator.c), and a business's user who
 * turned it on (auth/session.c). A secret is 20 random bytes (libsodium),
 * kept and shown as base32 (RFC 4648). */
#ifndef POSTROOM_TOTP_H
#define POSTROOM_TOTP_H
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_B32 33 /* 32 base32 characters and the NUL */
#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1 /* steps either side of now that are accepted */

/* A fresh secret from the CSPRNG, in base32. False when liboath fails. */
bool totp_secret_new(char out[TOTP_SECRET_B32]);
/* otpauth://totp/postroom:EMAIL?secret=...&issuer=postroom&... for an
 * authenticator app. */
const char *totp_uri(struct arena *a, const char *email, const char *secret_b32);
/* Whether code (exactly TOTP_DIGITS digits) is the secret's code for a step
 * within TOTP_WINDOW of now_s (Unix seconds); *step gets the step matched
 * (now / 30), which the caller must record so that it is never accepted
 * again. */
bool totp_check(const char *secret_b32, const char *code, int64_t now_s, int64_t *step);
/* totp_check, and the step matched must be newer than last_step (the last
 * one accepted for this secret): a code seen before, or an older one, is
 * refused. The caller records *step, conditionally on its still being newer
 * than what is recorded, so two requests with one code cannot both pass. */
bool totp_accept(const char *secret_b32, const char *code, int64_t now_s, int64_t last_step,
                 int64_t *step);
/* The secret's code at t (Unix seconds): what an authenticator shows. */
bool totp_code(const char *secret_b32, int64_t t, char out[TOTP_DIGITS + 1]);

#endif
