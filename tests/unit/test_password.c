/* Unit tests of src/auth/password: Argon2id hashes at the ASVS minimum
 * and their verification. */
#include "check.h"
#include "auth/password.h"

#include <sodium.h>

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

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_password();
    return check_report("test_password");
}
