/* operator: operator sign-in (password and TOTP), sessions, cookie. */
#include "auth/operator.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <string.h>

static bool limited(struct store *s, const char *acct, const char *addr, int64_t now, bool *error)
{
    int na = 0, nd = 0;
    int64_t since = now - 3600 * 1000LL;
    if (store_directory_failures(s, acct, since, &na) != STORE_OK ||
        store_directory_failures(s, addr, since, &nd) != STORE_OK) {
        *error = true;
        return true;
    }
    return na >= OPERATOR_MAX_FAILS_ACCOUNT || nd >= OPERATOR_MAX_FAILS_ADDRESS;
}

/* Password, then code, then the code's step: every check runs, and each
 * failure looks the same from outside. */
static bool credentials_hold(struct store *s, const char *email, const char *password,
                             const char *code, int64_t now, struct arena *a, int64_t *operator_id,
                             int *rc)
{
    struct operator_row op;
    *rc = store_directory_operator_login(s, email, a, &op);
    if (*rc == STORE_ERROR) return false;
    if (*rc != STORE_OK) {
        password_burn(password);
        return false;
    }
    *operator_id = op.operator_id;
    if (!password_verify(op.pw_hash, password)) return false;
    int64_t step = 0;
    /* a code seen before (or one older than the last accepted) is refused */
    if (!totp_accept(op.totp_secret, code, now / 1000, op.totp_last_step, &step)) return false;
    *rc = store_directory_operator_step(s, op.operator_id, step);
    return *rc == STORE_OK;
}

enum signin_result operator_sign_in(struct store *s, const char *email, const char *password,
                                    const char *code, const char *client_ip, int64_t now,
                                    struct arena *a, struct principal *out, char *token,
                                    int64_t *operator_id)
{
    *operator_id = 0;
    const char *acct = auth_account_subject(a, "opacct:", email);
    const char *addr = arena_printf(a, "opaddr:%s", client_ip ? client_ip : "?");
    bool error = false;
    if (limited(s, acct, addr, now, &error)) return error ? SIGNIN_ERROR : SIGNIN_LIMITED;
    int rc = STORE_OK;
    if (!credentials_hold(s, email, password, code, now, a, operator_id, &rc)) {
        if (rc == STORE_ERROR) return SIGNIN_ERROR;
        if (store_directory_failure_add(s, acct, now) != STORE_OK ||
            store_directory_failure_add(s, addr, now) != STORE_OK)
            return SIGNIN_ERROR;
        return SIGNIN_BAD_CREDENTIALS;
    }
    char csrf[OPERATOR_TOKEN_LEN + 1];
    auth_token_random(token);
    auth_token_random(csrf);
    unsigned char h[32];
    auth_token_hash(token, h);
    if (store_directory_operator_session_create(s, h, *operator_id, csrf, now,
                                                now + OPERATOR_ABSOLUTE_MS) != STORE_OK)
        return SIGNIN_ERROR;
    *out = (struct principal){.kind = PRINCIPAL_OPERATOR, .operator_id = *operator_id};
    return SIGNIN_OK;
}

int operator_authenticate(struct store *s, const char *cookie_header, struct arena *a,
                          struct principal *out, const char **csrf)
{
    char token[OPERATOR_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, OPERATOR_COOKIE, token)) return STORE_NOTFOUND;
    unsigned char h[32];
    auth_token_hash(token, h);
    int64_t id = 0;
    int rc = store_directory_operator_session(s, h, time_now_ms(), OPERATOR_IDLE_MS, &id, csrf, a);
    if (rc != STORE_OK) return rc;
    *out = (struct principal){.kind = PRINCIPAL_OPERATOR, .operator_id = id};
    return STORE_OK;
}

int operator_sign_out(struct store *s, const char *cookie_header)
{
    char token[OPERATOR_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, OPERATOR_COOKIE, token)) return STORE_NOTFOUND;
    unsigned char h[32];
    auth_token_hash(token, h);
    return store_directory_operator_session_delete(s, h);
}

const char *operator_cookie(struct arena *a, const char *token, bool secure)
{
    const char *sec = secure ? "; Secure" : "";
    if (token)
        return arena_printf(a, "%s=%s; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
                            OPERATOR_COOKIE, token, OPERATOR_ABSOLUTE_MS / 1000, sec);
    return arena_printf(a, "%s=; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=0%s",
                        OPERATOR_COOKIE, sec);
}

const char *operator_principal_id(struct arena *a, int64_t operator_id)
{
    return arena_printf(a, "operator:%lld", (long long)operator_id);
}
