/* Unit tests of src/api/cursor: a sealed cursor opens only for its tenant
 * and server key, and any change to the token breaks it. */
#include "check.h"
#include "api/cursor.h"

#include <sodium.h>

static void test_cursor(void)
{
    unsigned char key[32], other[32];
    randombytes_buf(key, sizeof key);
    randombytes_buf(other, sizeof other);
    struct cursor c = {7, 1025, 1000, 2000}, out;
    char tok[CURSOR_TOKEN_MAX];
    cursor_seal(&c, key, tok);
    CHECK(cursor_open(tok, key, 7, &out));
    CHECK_INT(out.after_id, 1025);
    CHECK_INT(out.start_ms, 1000);
    CHECK_INT(out.end_ms, 2000);
    CHECK(!cursor_open(tok, key, 8, &out));    /* another tenant */
    CHECK(!cursor_open(tok, other, 7, &out));  /* another server key */
    for (size_t i = 0; i < strlen(tok); i++) { /* any single change breaks it */
        char t[CURSOR_TOKEN_MAX];
        strcpy(t, tok);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        CHECK(!cursor_open(t, key, 7, &out));
    }
    CHECK(!cursor_open("", key, 7, &out));
    CHECK(!cursor_open("not-a-token", key, 7, &out));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_cursor();
    return check_report("test_cursor");
}
