/* Unit tests of src/auth/session: the session cookie's attributes and
 * the CSRF comparison. */
#include "check.h"
#include "auth/session.h"

#include <sodium.h>

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
    test_session_cookie();
    return check_report("test_session");
}
