/* Unit tests of src/auth/session: the session cookie's attributes, the
 * CSRF comparison, and telling a session cookie from other cookies (what
 * decides who is told to Clear-Site-Data). */
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

/* Any session cookie counts, well formed or not (a stale one is what the
 * browser must clear); a cookie whose name only contains ours does not. */
static void test_cookie_sent(void)
{
    CHECK(session_cookie_sent("__Host-postroom_session=abc"));
    CHECK(session_cookie_sent("theme=dark; __Host-postroom_session="));
    CHECK(session_cookie_sent("a=1;__Host-postroom_session=x; b=2"));
    CHECK(!session_cookie_sent(NULL));
    CHECK(!session_cookie_sent(""));
    CHECK(!session_cookie_sent("theme=dark; b=2"));
    CHECK(!session_cookie_sent("x__Host-postroom_session=abc"));
    CHECK(!session_cookie_sent("theme=__Host-postroom_session=abc"));
    CHECK(strcmp(SESSION_CLEAR_SITE_DATA, "\"cache\", \"cookies\"") == 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_session_cookie();
    test_cookie_sent();
    return check_report("test_session");
}
