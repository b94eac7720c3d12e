/* Unit tests of the account's store calls (store/store_account.c,
 * sqlite_account.c, migration 015): a user's own row only within their
 * business; the password change ends every other session of the user and
 * no one else's; two-factor set up, turned on only with the secret set up,
 * never set up again while on, turned off only by a newer step (or the
 * password); the pending sign-in completed once, never with a step used
 * before, and gone when it expires. */
#include "check.h"
#include "store/store.h"
#include "store/store_account.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ROLE 1 /* users.role as stored: standard */

static int64_t t1, t2, u1, u2;

static void session(struct store *s, int64_t t, int64_t u, unsigned char tag)
{
    unsigned char h[32] = {tag};
    struct credential c = {.tenant_id = t, .user_id = u, .role = ROLE};
    CHECK_INT(store_directory_session_create(s, h, &c, "csrf", 100, 100000), STORE_OK);
}

static bool live(struct store *s, unsigned char tag)
{
    unsigned char h[32] = {tag};
    struct credential c;
    const char *csrf;
    struct arena a;
    arena_init(&a);
    int rc = store_directory_session(s, h, 200, 50000, &c, &csrf, &a);
    arena_free(&a);
    return rc == STORE_OK;
}

static void test_own_row_and_password(struct store *s)
{
    struct scope a = {t1}, b = {t2};
    struct arena ar;
    arena_init(&ar);
    struct account_row row;
    CHECK_INT(store_account_get(s, &a, u1, &ar, &row), STORE_OK);
    CHECK_STR(row.email, "a@example.com");
    CHECK_INT(row.tenant_id, t1);
    CHECK(!row.totp_on && !row.totp_secret);
    /* the other business's scope finds no such user (u2 == u1: user ids are per business) */
    CHECK_INT(u1, u2);
    CHECK_INT(store_account_get(s, &b, u1, &ar, &row), STORE_OK);
    CHECK_STR(row.email, "b@example.com");
    CHECK_INT(store_account_get(s, &a, 99, &ar, &row), STORE_NOTFOUND);

    session(s, t1, u1, 1);
    session(s, t1, u1, 2);
    session(s, t2, u2, 3);
    unsigned char keep[32] = {1};
    int64_t ended = -1;
    CHECK_INT(store_account_password_set(s, &a, u1, "new-hash", keep, &ended), STORE_OK);
    CHECK_INT(ended, 1);
    CHECK(live(s, 1));
    CHECK(!live(s, 2));
    CHECK(live(s, 3)); /* the other business's user, same user id */
    CHECK_INT(store_account_get(s, &a, u1, &ar, &row), STORE_OK);
    CHECK_STR(row.pw_hash, "new-hash");
    CHECK_INT(store_account_get(s, &b, u2, &ar, &row), STORE_OK);
    CHECK_STR(row.pw_hash, "h");
    CHECK_INT(store_account_password_set(s, &a, 99, "x", NULL, &ended), STORE_NOTFOUND);
    arena_free(&ar);
}

static void test_totp_and_pending(struct store *s)
{
    struct scope a = {t1};
    struct credential c = {.tenant_id = t1, .user_id = u1, .role = ROLE};
    struct arena ar;
    arena_init(&ar);
    struct account_row row;
    bool on = true;
    CHECK_INT(store_directory_user_totp_on(s, &c, &on), STORE_OK);
    CHECK(!on);
    CHECK_INT(store_account_totp_setup(s, &a, u1, "SECRETONE", 1000), STORE_OK);
    CHECK_INT(store_account_totp_setup(s, &a, u1, "SECRETTWO", 1000), STORE_OK); /* replaced */
    CHECK_INT(store_directory_user_totp_on(s, &c, &on), STORE_OK);
    CHECK(!on); /* set up is not on */
    CHECK_INT(store_account_totp_enable(s, &a, u1, "SECRETONE", 10, 2000), STORE_NOTFOUND);
    CHECK_INT(store_account_totp_enable(s, &a, u1, "SECRETTWO", 10, 2000), STORE_OK);
    CHECK_INT(store_account_totp_enable(s, &a, u1, "SECRETTWO", 11, 2000), STORE_NOTFOUND);
    CHECK_INT(store_account_totp_setup(s, &a, u1, "SECRETTHREE", 3000), STORE_CONFLICT);
    CHECK_INT(store_directory_user_totp_on(s, &c, &on), STORE_OK);
    CHECK(on);
    CHECK_INT(store_account_get(s, &a, u1, &ar, &row), STORE_OK);
    CHECK(row.totp_on);
    CHECK_STR(row.totp_secret, "SECRETTWO");
    CHECK_INT(row.totp_last_step, 10);
    /* another business's user with the same id has none */
    struct credential other = {.tenant_id = t2, .user_id = u2, .role = ROLE};
    CHECK_INT(store_directory_user_totp_on(s, &other, &on), STORE_OK);
    CHECK(!on);

    /* the pending sign-in: live until it expires, completed once */
    unsigned char p[32] = {0x50}, sess[32] = {0x51}, sess2[32] = {0x52};
    CHECK_INT(store_directory_signin_pending_create(s, p, &c, 100, 400), STORE_OK);
    struct signin_pending_row pr;
    CHECK_INT(store_directory_signin_pending(s, p, 200, &ar, &pr), STORE_OK);
    CHECK_INT(pr.cred.tenant_id, t1);
    CHECK_INT(pr.cred.user_id, u1);
    CHECK_STR(pr.email, "a@example.com");
    CHECK_STR(pr.totp_secret, "SECRETTWO");
    CHECK_INT(pr.totp_last_step, 10);
    CHECK_INT(store_directory_signin_pending(s, p, 400, &ar, &pr), STORE_NOTFOUND); /* expired */
    /* a step used before: refused, nothing made, the pending one stays */
    CHECK_INT(store_directory_signin_complete(s, p, &c, 10, sess, "csrf", 200, 90000),
              STORE_CONFLICT);
    CHECK(!live(s, 0x51));
    CHECK_INT(store_directory_signin_pending(s, p, 200, &ar, &pr), STORE_OK);
    CHECK_INT(store_directory_signin_complete(s, p, &c, 11, sess, "csrf", 200, 90000), STORE_OK);
    CHECK(live(s, 0x51));
    CHECK_INT(store_directory_signin_pending(s, p, 200, &ar, &pr), STORE_NOTFOUND);
    CHECK_INT(store_directory_signin_complete(s, p, &c, 12, sess2, "csrf", 200, 90000),
              STORE_NOTFOUND);
    CHECK(!live(s, 0x52));
    /* an expired one cannot be completed either */
    unsigned char q[32] = {0x53};
    CHECK_INT(store_directory_signin_pending_create(s, q, &c, 100, 150), STORE_OK);
    CHECK_INT(store_directory_signin_complete(s, q, &c, 13, sess2, "csrf", 200, 90000),
              STORE_NOTFOUND);
    /* a password change ends pending sign-ins too */
    unsigned char r[32] = {0x54};
    CHECK_INT(store_directory_signin_pending_create(s, r, &c, 100, 90000), STORE_OK);
    int64_t ended = 0;
    CHECK_INT(store_account_password_set(s, &a, u1, "hash-3", NULL, &ended), STORE_OK);
    CHECK_INT(store_directory_signin_pending(s, r, 200, &ar, &pr), STORE_NOTFOUND);

    /* off: not with a step used, with a newer one; then the pending row needs it on */
    CHECK_INT(store_account_totp_disable(s, &a, u1, 11), STORE_NOTFOUND);
    CHECK_INT(store_account_totp_disable(s, &a, u1, 12), STORE_OK);
    CHECK_INT(store_account_totp_disable(s, &a, u1, -1), STORE_NOTFOUND); /* off already */
    CHECK_INT(store_account_totp_setup(s, &a, u1, "AGAIN", 5000), STORE_OK);
    CHECK_INT(store_account_totp_enable(s, &a, u1, "AGAIN", 1, 5000), STORE_OK);
    CHECK_INT(store_account_totp_disable(s, &a, u1, -1), STORE_OK); /* by the password */
    unsigned char w[32] = {0x55};
    CHECK_INT(store_directory_signin_pending_create(s, w, &c, 100, 90000), STORE_OK);
    CHECK_INT(store_directory_signin_pending(s, w, 200, &ar, &pr), STORE_NOTFOUND);
    arena_free(&ar);
}

static void test_scope_refused(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope none = {0};
    struct arena ar;
    arena_init(&ar);
    struct account_row row;
    CHECK_INT(store_account_get(s, &none, u1, &ar, &row), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
    /* inside one business's transaction, another's account is refused */
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope a = {t1}, b = {t2};
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_account_totp_setup(s, &b, u2, "X", 1), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_tx_rollback(s);
    store_close(s);
    arena_free(&ar);
}

int main(void)
{
    char path[] = "/tmp/postroom-test-account-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &t1), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &t2), STORE_OK);
    CHECK_INT(store_operator_user_add(s, t1, "a@example.com", "h", ROLE, 2, &u1), STORE_OK);
    CHECK_INT(store_operator_user_add(s, t2, "b@example.com", "h", ROLE, 2, &u2), STORE_OK);
    test_own_row_and_password(s);
    test_totp_and_pending(s);
    store_close(s);
    test_scope_refused(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_account");
}
