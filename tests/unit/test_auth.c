/* Unit tests of src/auth: key format and parsing, Argon2id passwords,
 * session cookies and CSRF comparison. */
#include "check.h"
#include "auth/apikey.h"
#include "auth/password.h"
#include "auth/session.h"

#include <ctype.h>
#include <sodium.h>

static void test_apikey(void)
{
    char k1[APIKEY_LEN + 1], k2[APIKEY_LEN + 1];
    apikey_generate(k1);
    apikey_generate(k2);
    CHECK_INT(strlen(k1), 36);
    CHECK(strcmp(k1, k2) != 0);
    bool alnum = true;
    for (int i = 0; i < 36; i++)
        alnum &= isalnum((unsigned char)k1[i]) != 0;
    CHECK(alnum);
    char hdr[80];
    snprintf(hdr, sizeof hdr, "Bearer %s", k1);
    CHECK_STR(apikey_from_header(hdr), k1);
    snprintf(hdr, sizeof hdr, "bearer   %s", k1); /* scheme is case-insensitive */
    CHECK_STR(apikey_from_header(hdr), k1);
    snprintf(hdr, sizeof hdr, "Bearer %s ", k1); /* the key must end the header */
    CHECK(apikey_from_header(hdr) == NULL);
    CHECK_STR(apikey_from_header(k1), k1);
    CHECK(apikey_from_header(NULL) == NULL);
    CHECK(apikey_from_header("") == NULL);
    CHECK(apikey_from_header("Bearer ") == NULL);
    CHECK(apikey_from_header("Bearer short") == NULL);
    snprintf(hdr, sizeof hdr, "Bearer %sX", k1); /* 37 characters */
    CHECK(apikey_from_header(hdr) == NULL);
    snprintf(hdr, sizeof hdr, "Basic %s", k1);
    CHECK(apikey_from_header(hdr) == NULL);
    char withdash[APIKEY_LEN + 1];
    memcpy(withdash, k1, sizeof withdash);
    withdash[5] = '-';
    CHECK(apikey_from_header(withdash) == NULL);
    unsigned char h1[32], h2[32];
    apikey_hash(k1, h1);
    apikey_hash(k2, h2);
    CHECK(memcmp(h1, h2, 32) != 0);
}

static void test_password(void)
{
    char hash[PASSWORD_HASH_MAX];
    CHECK(password_hash("correct horse battery", hash));
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK(strstr(hash, "m=19456,t=2") != NULL); /* 19 MiB, t=2: ASVS minimum */
    CHECK(password_verify(hash, "correct horse battery"));
    CHECK(!password_verify(hash, "correct horse batterY"));
    CHECK(!password_verify("garbage", "x"));
}

static void test_session_cookie(void)
{
    struct arena a;
    arena_init(&a);
    const char *set = session_cookie(&a, "tok");
    CHECK(strncmp(set, "__Host-postroom_session=tok;", 28) == 0);
    CHECK(strstr(set, "; Secure") && strstr(set, "; HttpOnly") && strstr(set, "SameSite=Lax") &&
          strstr(set, "Path=/"));
    CHECK(strstr(set, "Domain") == NULL); /* __Host- forbids it */
    const char *clear = session_cookie(&a, NULL);
    CHECK(strstr(clear, "Max-Age=0") != NULL);
    CHECK(session_csrf_ok("abc", "abc"));
    CHECK(!session_csrf_ok("abc", "abd"));
    CHECK(!session_csrf_ok("abc", "ab"));
    CHECK(!session_csrf_ok("abc", NULL));
    CHECK(!session_csrf_ok(NULL, "abc"));
    CHECK(!session_csrf_ok("", ""));
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_apikey();
    test_password();
    test_session_cookie();
    return check_report("test_auth");
}
