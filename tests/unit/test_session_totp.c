/* Unit tests of src/auth/session's second step (two-factor on): the
 * password makes a pending sign-in, never a session; the code completes it
 * once; a wrong or reused code is refused and counted as a failed sign-in;
 * the pending cookie's attributes. */
#include "check.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "store/store.h"
#include "store/store_account.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW "a long enough password"

static const char *cookie_of(struct arena *a, const char *name, const char *token)
{
    return arena_printf(a, "%s=%s", name, token);
}

static void test_pending_cookie(void)
{
    struct arena a;
    arena_init(&a);
    const char *set = session_pending_cookie(&a, "tok");
    CHECK(strncmp(set, "__Host-postroom_signin=tok;", 27) == 0);
    CHECK(strstr(set, "; Secure") && strstr(set, "; HttpOnly") && strstr(set, "SameSite=Strict") &&
          strstr(set, "Path=/") && strstr(set, "Max-Age=300"));
    CHECK(strstr(session_pending_cookie(&a, NULL), "Max-Age=0") != NULL);
    arena_free(&a);
}

static void test_two_steps(struct store *s)
{
    struct arena a;
    arena_init(&a);
    int64_t t = 0, u = 0;
    char hash[PASSWORD_HASH_MAX], secret[TOTP_SECRET_B32];
    CHECK(password_hash(PW, hash));
    CHECK_INT(store_operator_tenant_create(s, "T", 1, &t), STORE_OK);
    CHECK_INT(store_operator_user_add(s, t, "two@t.example", hash, 1, 1, &u), STORE_OK);
    CHECK(totp_secret_new(secret));
    struct scope sc = {t};
    CHECK_INT(store_account_totp_setup(s, &sc, u, secret, 1), STORE_OK);
    CHECK_INT(store_account_totp_enable(s, &sc, u, secret, 1, 1), STORE_OK);

    char token[SESSION_TOKEN_LEN + 1];
    struct principal p = {0};
    CHECK_INT(session_sign_in(s, "two@t.example", PW, "10.0.0.9", &a, &p, token),
              SIGNIN_CODE_NEEDED);
    CHECK_INT(p.tenant_id, 0); /* no principal yet */
    const char *pending = cookie_of(&a, SESSION_PENDING_COOKIE, token);
    const char *csrf;
    /* the pending token is no session, even sent as one */
    CHECK_INT(session_authenticate(s, cookie_of(&a, SESSION_COOKIE, token), &a, &p, &csrf),
              STORE_NOTFOUND);
    CHECK_INT(session_pending(s, pending, &a), STORE_OK);
    CHECK_INT(session_pending(s, cookie_of(&a, SESSION_COOKIE, token), &a), STORE_NOTFOUND);

    int fails = 0;
    const char *acct = auth_account_subject(&a, "acct:", "two@t.example");
    char session[SESSION_TOKEN_LEN + 1];
    CHECK_INT(session_sign_in_code(s, pending, "12345", "10.0.0.9", &a, &p, session),
              SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(store_directory_failures(s, acct, 0, &fails), STORE_OK);
    CHECK_INT(fails, 1);
    char code[TOTP_DIGITS + 1];
    CHECK(totp_code(secret, time_now_ms() / 1000, code));
    CHECK_INT(session_sign_in_code(s, pending, code, "10.0.0.9", &a, &p, session), SIGNIN_OK);
    CHECK_INT(p.tenant_id, t);
    CHECK_INT(p.user_id, u);
    struct principal q;
    CHECK_INT(session_authenticate(s, cookie_of(&a, SESSION_COOKIE, session), &a, &q, &csrf),
              STORE_OK);
    CHECK_INT(q.user_id, u);
    /* used up; and the same code in a new sign-in is refused and counted */
    CHECK_INT(session_pending(s, pending, &a), STORE_NOTFOUND);
    CHECK_INT(session_sign_in(s, "two@t.example", PW, "10.0.0.9", &a, &p, token),
              SIGNIN_CODE_NEEDED);
    pending = cookie_of(&a, SESSION_PENDING_COOKIE, token);
    CHECK_INT(session_sign_in_code(s, pending, code, "10.0.0.9", &a, &p, session),
              SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(store_directory_failures(s, acct, 0, &fails), STORE_OK);
    CHECK_INT(fails, 2);
    CHECK_INT(session_sign_in_code(s, NULL, code, "10.0.0.9", &a, &p, session),
              SIGNIN_BAD_CREDENTIALS);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_pending_cookie();
    char path[] = "/tmp/postroom-test-session-totp-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_two_steps(s);
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_session_totp");
}
