/* Unit tests of auth/operator_totp.c: RFC 6238's SHA-1 test vectors (the
 * last 6 digits of appendix B's 8), the window of one step either side,
 * the step a code matches, malformed codes, fresh secrets and the otpauth
 * URI. */
#include "auth/operator_totp.h"
#include "check.h"

#include <sodium.h>
#include <string.h>

/* base32 of RFC 6238's SHA-1 seed, "12345678901234567890" */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_rfc6238_vectors(void)
{
    static const struct {
        int64_t t;
        const char *code;
    } v[] = {
        {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000LL, "353130"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[TOTP_DIGITS + 1] = "";
        CHECK(totp_code(RFC_SECRET, v[i].t, out));
        CHECK_STR(out, v[i].code);
        int64_t step = -1;
        CHECK(totp_check(RFC_SECRET, v[i].code, v[i].t, &step));
        CHECK_INT(step, v[i].t / TOTP_STEP_S);
    }
}

static void test_window(void)
{
    /* 1111111109 is step 37037036; its code holds one step either side */
    int64_t step = 0, t = 1111111109;
    CHECK(totp_check(RFC_SECRET, "081804", t + 30, &step));
    CHECK_INT(step, 37037036);
    CHECK(totp_check(RFC_SECRET, "081804", t - 30, &step));
    CHECK_INT(step, 37037036);
    CHECK(!totp_check(RFC_SECRET, "081804", t + 60, &step));
    CHECK(!totp_check(RFC_SECRET, "081804", t - 60, &step));
    /* the next step's code, at t: matched as the next step */
    char next[TOTP_DIGITS + 1];
    CHECK(totp_code(RFC_SECRET, t + 30, next));
    CHECK(totp_check(RFC_SECRET, next, t, &step));
    CHECK_INT(step, 37037037);
}

static void test_malformed(void)
{
    int64_t step = 0;
    CHECK(!totp_check(RFC_SECRET, NULL, 59, &step));
    CHECK(!totp_check(RFC_SECRET, "", 59, &step));
    CHECK(!totp_check(RFC_SECRET, "28708", 59, &step));
    CHECK(!totp_check(RFC_SECRET, "2870820", 59, &step));
    CHECK(!totp_check(RFC_SECRET, "28708a", 59, &step));
    CHECK(!totp_check(RFC_SECRET, " 87082", 59, &step));
    CHECK(!totp_check(RFC_SECRET, "287083", 59, &step));
    CHECK(!totp_check("not base32!", "287082", 59, &step));
    CHECK(!totp_check(NULL, "287082", 59, &step));
}

static void test_secret_and_uri(void)
{
    char a[TOTP_SECRET_B32], b[TOTP_SECRET_B32];
    CHECK(totp_secret_new(a));
    CHECK(totp_secret_new(b));
    CHECK_INT(strlen(a), 32);
    CHECK_INT(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    CHECK(strcmp(a, b) != 0);
    char code[TOTP_DIGITS + 1];
    int64_t step = 0;
    CHECK(totp_code(a, 1700000000, code));
    CHECK(totp_check(a, code, 1700000000, &step));
    struct arena ar;
    arena_init(&ar);
    const char *uri = totp_uri(&ar, "ops+1@example.com", "ABC");
    CHECK_STR(uri, "otpauth://totp/postroom:ops%2B1%40example.com?secret=ABC&issuer=postroom&"
                   "algorithm=SHA1&digits=6&period=30");
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_rfc6238_vectors();
    test_window();
    test_malformed();
    test_secret_and_uri();
    return check_report("test_operator_totp");
}
