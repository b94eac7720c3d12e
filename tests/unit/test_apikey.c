/* Unit tests of src/auth/apikey: key format, parsing from the
 * Authorization header, and hashing. */
#include "check.h"
#include "auth/apikey.h"

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

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_apikey();
    return check_report("test_apikey");
}
