/* session: sign-in with limits, session tokens, cookies, CSRF. */
#include "auth/session.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "store/store.h"
#include "store/store_account.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int failures(struct store *s, const char *subject, int64_t now, int *count)
{
    return store_directory_failures(s, subject, now - 3600 * 1000LL, count);
}

static const char *addr_subject(struct arena *a, const char *client_ip)
{
    return arena_printf(a, "addr:%s", client_ip ? client_ip : "?");
}

/* Whether the account or the address has used up its failures this hour. */
static enum signin_result limits(struct store *s, const char *acct, const char *addr, int64_t now)
{
    int na = 0, nd = 0;
    if (failures(s, acct, now, &na) != STORE_OK || failures(s, addr, now, &nd) != STORE_OK)
        return SIGNIN_ERROR;
    if (na >= SIGNIN_MAX_FAILS_ACCOUNT || nd >= SIGNIN_MAX_FAILS_ADDRESS) return SIGNIN_LIMITED;
    return SIGNIN_OK;
}

static enum signin_result failed(struct store *s, const char *acct, const char *addr, int64_t now)
{
    if (store_directory_failure_add(s, acct, now) != STORE_OK ||
        store_directory_failure_add(s, addr, now) != STORE_OK)
        return SIGNIN_ERROR;
    return SIGNIN_BAD_CREDENTIALS;
}

/* The password held for a user with two-factor on: a pending sign-in. */
static enum signin_result pending_start(struct store *s, const struct credential *p, int64_t now,
                                        char *token)
{
    auth_token_random(token);
    unsigned char h[32];
    auth_token_hash(token, h);
    if (store_directory_signin_pending_create(s, h, p, now, now + SESSION_PENDING_MS) != STORE_OK)
        return SIGNIN_ERROR;
    return SIGNIN_CODE_NEEDED;
}

enum signin_result session_sign_in(struct store *s, const char *email, const char *password,
                                   const char *client_ip, struct arena *a, struct principal *out,
                                   char *token)
{
    int64_t now = time_now_ms();
    const char *acct = auth_account_subject(a, "acct:", email);
    const char *addr = addr_subject(a, client_ip);
    enum signin_result lim = limits(s, acct, addr, now);
    if (lim != SIGNIN_OK) return lim;

    const char *hash = NULL;
    struct credential p;
    int rc = store_directory_login(s, email, a, &p, &hash);
    if (rc == STORE_ERROR) return SIGNIN_ERROR;
    bool ok;
    if (rc == STORE_OK) {
        ok = password_verify(hash, password);
    } else {
        password_burn(password);
        ok = false;
    }
    if (!ok) return failed(s, acct, addr, now);
    bool second = false;
    if (store_directory_user_totp_on(s, &p, &second) != STORE_OK) return SIGNIN_ERROR;
    if (second) return pending_start(s, &p, now, token);
    char csrf[SESSION_TOKEN_LEN + 1];
    auth_token_random(token);
    auth_token_random(csrf);
    unsigned char h[32];
    auth_token_hash(token, h);
    if (store_directory_session_create(s, h, &p, csrf, now, now + SESSION_ABSOLUTE_MS) != STORE_OK)
        return SIGNIN_ERROR;
    *out = (struct principal){p.tenant_id,        p.user_id, 0, role_of_stored(p.role),
                              PRINCIPAL_BUSINESS, 0};
    return SIGNIN_OK;
}

/* Finds our cookie's value in a Cookie header; copies at most the token length. */
int session_authenticate(struct store *s, const char *cookie_header, struct arena *a,
                         struct principal *out, const char **csrf)
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, SESSION_COOKIE, token)) return STORE_NOTFOUND;
    unsigned char h[32];
    auth_token_hash(token, h);
    struct credential c;
    int rc = store_directory_session(s, h, time_now_ms(), SESSION_IDLE_MS, &c, csrf, a);
    if (rc != STORE_OK) return rc;
    *out = (struct principal){c.tenant_id,        c.user_id, 0, role_of_stored(c.role),
                              PRINCIPAL_BUSINESS, 0};
    return STORE_OK;
}

bool session_cookie_sent(const char *cookie_header)
{
    const char *name = SESSION_COOKIE "=";
    size_t nl = strlen(name);
    for (const char *p = cookie_header; p && *p; p += strcspn(p, ";")) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, name, nl) == 0) return true;
    }
    return false;
}

bool session_stale(struct store *s, const char *cookie_header, struct arena *a)
{
    if (!session_cookie_sent(cookie_header)) return false;
    struct principal p;
    const char *csrf;
    return session_authenticate(s, cookie_header, a, &p, &csrf) == STORE_NOTFOUND;
}

int session_sign_out(struct store *s, const char *cookie_header)
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, SESSION_COOKIE, token)) return STORE_NOTFOUND;
    unsigned char h[32];
    auth_token_hash(token, h);
    return store_directory_session_delete(s, h);
}

const char *session_cookie(struct arena *a, const char *token)
{
    if (token)
        return arena_printf(a, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=%lld",
                            SESSION_COOKIE, token, SESSION_ABSOLUTE_MS / 1000);
    return SESSION_COOKIE "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
}

bool session_csrf_ok(const char *expected, const char *submitted)
{
    if (!expected || !submitted) return false;
    size_t n = strlen(expected);
    if (strlen(submitted) != n || n == 0) return false;
    return sodium_memcmp(expected, submitted, n) == 0;
}

int session_pending(struct store *s, const char *cookie_header, struct arena *a)
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, SESSION_PENDING_COOKIE, token)) return STORE_NOTFOUND;
    unsigned char h[32];
    auth_token_hash(token, h);
    struct signin_pending_row row;
    return store_directory_signin_pending(s, h, time_now_ms(), a, &row);
}

enum signin_result session_sign_in_code(struct store *s, const char *cookie_header,
                                        const char *code, const char *client_ip, struct arena *a,
                                        struct principal *out, char *token)
{
    int64_t now = time_now_ms();
    char pending[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, SESSION_PENDING_COOKIE, pending))
        return SIGNIN_BAD_CREDENTIALS;
    unsigned char ph[32];
    auth_token_hash(pending, ph);
    struct signin_pending_row row;
    int rc = store_directory_signin_pending(s, ph, now, a, &row);
    if (rc != STORE_OK) return rc == STORE_NOTFOUND ? SIGNIN_BAD_CREDENTIALS : SIGNIN_ERROR;
    const char *acct = auth_account_subject(a, "acct:", row.email);
    const char *addr = addr_subject(a, client_ip);
    enum signin_result lim = limits(s, acct, addr, now);
    if (lim != SIGNIN_OK) return lim;
    int64_t step = 0;
    if (!totp_accept(row.totp_secret, code, now / 1000, row.totp_last_step, &step))
        return failed(s, acct, addr, now);
    char csrf[SESSION_TOKEN_LEN + 1];
    auth_token_random(token);
    auth_token_random(csrf);
    unsigned char h[32];
    auth_token_hash(token, h);
    rc = store_directory_signin_complete(s, ph, &row.cred, step, h, csrf, now,
                                         now + SESSION_ABSOLUTE_MS);
    /* another request took this step (or the pending sign-in) first */
    if (rc == STORE_CONFLICT || rc == STORE_NOTFOUND) return failed(s, acct, addr, now);
    if (rc != STORE_OK) return SIGNIN_ERROR;
    *out = (struct principal){row.cred.tenant_id,
                              row.cred.user_id,
                              0,
                              role_of_stored(row.cred.role),
                              PRINCIPAL_BUSINESS,
                              0};
    return SIGNIN_OK;
}

const char *session_pending_cookie(struct arena *a, const char *token)
{
    if (token)
        return arena_printf(a, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%lld",
                            SESSION_PENDING_COOKIE, token, SESSION_PENDING_MS / 1000);
    return SESSION_PENDING_COOKIE "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

bool session_token_hash(const char *cookie_header, unsigned char hash[32])
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(cookie_header, SESSION_COOKIE, token)) return false;
    auth_token_hash(token, hash);
    return true;
}

bool session_password_failed(struct store *s, const char *email, const char *client_ip,
                             struct arena *a)
{
    return failed(s, auth_account_subject(a, "acct:", email), addr_subject(a, client_ip),
                  time_now_ms()) == SIGNIN_BAD_CREDENTIALS;
}

bool session_limited(struct store *s, const char *email, const char *client_ip, struct arena *a,
                     bool *limited)
{
    enum signin_result r = limits(s, auth_account_subject(a, "acct:", email),
                                  addr_subject(a, client_ip), time_now_ms());
    *limited = r == SIGNIN_LIMITED;
    return r != SIGNIN_ERROR;
}
