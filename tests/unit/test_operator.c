/* Unit tests of auth/operator.c: an operator signs in only with its
 * password and a current TOTP code, each code once; every failure is the
 * same result and counts towards the limit; the session's cookie names an
 * operator principal with no tenant; a business session is no operator's,
 * nor the other way round; sign-out and the cookie's attributes. */
#include "auth/operator.h"
#include "auth/operator_totp.h"
#include "auth/password.h"
#include "check.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW "an operator's password"
#define SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static struct store *store;

static enum signin_result try(const char *email, const char *pw, const char *code, int64_t now,
                              const char *ip, char *cookie, size_t n, int64_t *op)
{
    struct arena a;
    arena_init(&a);
    struct principal p = {0};
    char token[OPERATOR_TOKEN_LEN + 1] = "";
    enum signin_result r = operator_sign_in(store, email, pw, code, ip, now, &a, &p, token, op);
    if (r == SIGNIN_OK) {
        CHECK_INT(p.kind, PRINCIPAL_OPERATOR);
        CHECK_INT(p.tenant_id, 0);
        CHECK_INT(p.role, ROLE_NONE);
        CHECK_INT(p.operator_id, *op);
        if (cookie) snprintf(cookie, n, "%s=%s", OPERATOR_COOKIE, token);
    }
    arena_free(&a);
    return r;
}

static void test_sign_in(int64_t id)
{
    int64_t now = time_now_ms(), op = -1;
    char code[TOTP_DIGITS + 1], next[TOTP_DIGITS + 1], cookie[128];
    CHECK(totp_code(SECRET, now / 1000, code));
    CHECK(totp_code(SECRET, now / 1000 + 30, next));
    /* no code, a malformed one, a wrong password, an unknown address */
    CHECK_INT(try("op@t.example", PW, NULL, now, "10.0.0.1", NULL, 0, &op), SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(op, id);
    CHECK_INT(try("op@t.example", PW, "", now, "10.0.0.1", NULL, 0, &op), SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(try("op@t.example", "wrong", code, now, "10.0.0.1", NULL, 0, &op),
              SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(try("nobody@t.example", PW, code, now, "10.0.0.1", NULL, 0, &op),
              SIGNIN_BAD_CREDENTIALS);
    CHECK_INT(op, 0);
    /* the right code, once */
    CHECK_INT(try("op@t.example", PW, code, now, "10.0.0.1", cookie, sizeof cookie, &op),
              SIGNIN_OK);
    CHECK_INT(try("op@t.example", PW, code, now + 1000, "10.0.0.1", NULL, 0, &op),
              SIGNIN_BAD_CREDENTIALS);
    /* the next step's code still works once, then the first is older */
    CHECK_INT(try("op@t.example", PW, next, now, "10.0.0.1", NULL, 0, &op), SIGNIN_OK);
    CHECK_INT(try("op@t.example", PW, code, now, "10.0.0.1", NULL, 0, &op), SIGNIN_BAD_CREDENTIALS);

    /* the session */
    struct arena a;
    arena_init(&a);
    struct principal p;
    const char *csrf = NULL;
    CHECK_INT(operator_authenticate(store, cookie, &a, &p, &csrf), STORE_OK);
    CHECK_INT(p.kind, PRINCIPAL_OPERATOR);
    CHECK_INT(p.operator_id, id);
    CHECK_INT(p.tenant_id, 0);
    CHECK(csrf && strlen(csrf) == OPERATOR_TOKEN_LEN);
    struct scope sc = scope_of(&p);
    CHECK_INT(sc.tenant_id, 0);
    /* the operator token under the business cookie's name is no session */
    char as_business[160];
    snprintf(as_business, sizeof as_business, "%s=%s", SESSION_COOKIE,
             cookie + strlen(OPERATOR_COOKIE) + 1);
    CHECK_INT(session_authenticate(store, as_business, &a, &p, &csrf), STORE_NOTFOUND);
    /* two operator cookies name none */
    char twice[300];
    snprintf(twice, sizeof twice, "%s; %s", cookie, cookie);
    CHECK_INT(operator_authenticate(store, twice, &a, &p, &csrf), STORE_NOTFOUND);
    CHECK_INT(operator_sign_out(store, cookie), STORE_OK);
    CHECK_INT(operator_authenticate(store, cookie, &a, &p, &csrf), STORE_NOTFOUND);
    arena_free(&a);
}

static void test_limit(void)
{
    int64_t now = time_now_ms(), op;
    for (int i = 0; i < OPERATOR_MAX_FAILS_ACCOUNT; i++)
        CHECK_INT(try("limited@t.example", "wrong", "000000", now, "10.0.0.2", NULL, 0, &op),
                  SIGNIN_BAD_CREDENTIALS);
    char code[TOTP_DIGITS + 1];
    CHECK(totp_code(SECRET, now / 1000, code));
    CHECK_INT(try("limited@t.example", PW, code, now, "10.0.0.3", NULL, 0, &op), SIGNIN_LIMITED);
    /* a business user's failures are counted apart */
    int count = -1;
    CHECK_INT(store_directory_failures(store, "addr:10.0.0.2", 0, &count), STORE_OK);
    CHECK_INT(count, 0);
}

static void test_cookie(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(operator_cookie(&a, "TOKEN", false),
              "postroom_ops=TOKEN; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=28800");
    CHECK_STR(operator_cookie(&a, NULL, true),
              "postroom_ops=; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
    CHECK_STR(operator_principal_id(&a, 7), "operator:7");
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-operator-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK_INT(store_open(path, &store), STORE_OK);
    CHECK_INT(store_migrate(store, NULL), STORE_OK);
    char hash[PASSWORD_HASH_MAX];
    CHECK(password_hash(PW, hash));
    int64_t id, id2;
    CHECK_INT(store_operator_account_add(store, "op@t.example", hash, SECRET, 1, &id), STORE_OK);
    CHECK_INT(store_operator_account_add(store, "limited@t.example", hash, SECRET, 1, &id2),
              STORE_OK);
    test_sign_in(id);
    test_limit();
    test_cookie();
    store_close(store);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_operator");
}
