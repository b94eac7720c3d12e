/* Unit tests of auth/totp.c's shared part beyond the operators' tests
 * (test_operator_totp.c): totp_accept, the check both realms use, which
 * takes a code only for a step newer than the last one accepted. */
#include "auth/totp.h"
#include "check.h"

#include <string.h>

/* base32 of RFC 6238's SHA-1 seed, "12345678901234567890" */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_accept_only_newer_steps(void)
{
    int64_t t = 1234567890, now_step = t / TOTP_STEP_S;
    char code[TOTP_DIGITS + 1], prev[TOTP_DIGITS + 1], next[TOTP_DIGITS + 1];
    CHECK(totp_code(RFC_SECRET, t, code));
    CHECK_STR(code, "005924"); /* RFC 6238 appendix B */
    CHECK(totp_code(RFC_SECRET, t - TOTP_STEP_S, prev));
    CHECK(totp_code(RFC_SECRET, t + TOTP_STEP_S, next));
    int64_t step = -1;
    /* nothing accepted yet: the code of now */
    CHECK(totp_accept(RFC_SECRET, code, t, 0, &step));
    CHECK_INT(step, now_step);
    /* the same step again, or an older one: refused, *step untouched */
    step = -1;
    CHECK(!totp_accept(RFC_SECRET, code, t, now_step, &step));
    CHECK(!totp_accept(RFC_SECRET, prev, t, now_step, &step));
    CHECK_INT(step, -1);
    /* the window's next step is newer */
    CHECK(totp_accept(RFC_SECRET, next, t, now_step, &step));
    CHECK_INT(step, now_step + 1);
    /* the previous step, while nothing newer was taken */
    CHECK(totp_accept(RFC_SECRET, prev, t, now_step - 2, &step));
    CHECK_INT(step, now_step - 1);
    /* outside the window, malformed, or another secret: refused */
    CHECK(!totp_accept(RFC_SECRET, code, t + 3 * TOTP_STEP_S, 0, &step));
    CHECK(!totp_accept(RFC_SECRET, "05924", t, 0, &step));
    CHECK(!totp_accept(RFC_SECRET, "0059245", t, 0, &step));
    CHECK(!totp_accept(RFC_SECRET, NULL, t, 0, &step));
    CHECK(!totp_accept("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", code, t, 0, &step));
    CHECK(!totp_accept("not base32!", code, t, 0, &step));
}

static void test_fresh_secrets_work_with_accept(void)
{
    char a[TOTP_SECRET_B32], b[TOTP_SECRET_B32], code[TOTP_DIGITS + 1];
    CHECK(totp_secret_new(a));
    CHECK(totp_secret_new(b));
    CHECK(strcmp(a, b) != 0);
    CHECK(totp_code(a, 1700000000, code));
    int64_t step = 0;
    CHECK(totp_accept(a, code, 1700000000, 0, &step));
    CHECK_INT(step, 1700000000 / TOTP_STEP_S);
}

int main(void)
{
    test_accept_only_newer_steps();
    test_fresh_secrets_work_with_accept();
    return check_report("test_totp");
}
