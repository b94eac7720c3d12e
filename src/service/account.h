/* account: a business user's changes to their own account (issue 11): the
 * password and the two-factor sign-in, each with its audit record in the
 * change's own transaction (service/audit.h), objects "user:N". What a
 * password or a code is, is auth/'s to say: the face checks them and hands
 * over the result (a new hash, a step), never a password or a code; no
 * record names a secret. */
#ifndef POSTROOM_SERVICE_ACCOUNT_H
#define POSTROOM_SERVICE_ACCOUNT_H
#include "service/service.h"
#include "util/buf.h"

#include <stdint.h>

/* user.password: the new hash, and every other session of the user ends
 * (keep: the token hash of the session that stays; NULL: none stays), with
 * every pending sign-in. *ended gets how many sessions ended. */
enum service_rc service_account_password(const struct service_ctx *c, int64_t user_id,
                                         const char *pw_hash, const unsigned char *keep,
                                         int64_t *ended);
/* Keeps a fresh secret as the user's, not yet on (no record: nothing asks
 * for a code until it is confirmed). SERVICE_INVALID: two-factor is on. */
enum service_rc service_account_totp_setup(const struct service_ctx *c, int64_t user_id,
                                           const char *secret);
/* user.totp_on: the secret set up is confirmed by a code of step.
 * SERVICE_NOTFOUND: that secret is no longer the one set up. */
enum service_rc service_account_totp_enable(const struct service_ctx *c, int64_t user_id,
                                            const char *secret, int64_t step);
/* user.totp_off: confirmed by a code of step (never one used before), or
 * by the password (step < 0). SERVICE_NOTFOUND: it was not on, or the
 * code's step was used. */
enum service_rc service_account_totp_disable(const struct service_ctx *c, int64_t user_id,
                                             int64_t step);
/* The QR code of an otpauth:// URI as a PNG, appended to out. */
enum service_rc service_account_qr_png(const char *uri, struct buf *out);

#endif
