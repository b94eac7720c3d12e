/* session: sign-in with limits, session tokens, cookies, CSRF. */
#include "auth/session.h"
#include "auth/password.h"
#include "auth/token.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int failures(struct store *s, const char *subject, int64_t now, int *count)
{
    return store_directory_failures(s, subject, now - 3600 * 1000LL, count);
}

enum signin_result session_sign_in(struct store *s, const char *email, const char *password,
                                   const char *client_ip, struct arena *a, struct principal *out,
                                   char *token)
{
    int64_t now = time_now_ms();
    const char *acct = auth_account_subject(a, "acct:", email);
    const char *addr = arena_printf(a, "addr:%s", client_ip ? client_ip : "?");
    int na = 0, nd = 0;
    if (failures(s, acct, now, &na) != STORE_OK || failures(s, addr, now, &nd) != STORE_OK)
        return SIGNIN_ERROR;
    if (na >= SIGNIN_MAX_FAILS_ACCOUNT || nd >= SIGNIN_MAX_FAILS_ADDRESS) return SIGNIN_LIMITED;

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
    if (!ok) {
        if (store_directory_failure_add(s, acct, now) != STORE_OK ||
            store_directory_failure_add(s, addr, now) != STORE_OK)
            return SIGNIN_ERROR;
        return SIGNIN_BAD_CREDENTIALS;
    }
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
