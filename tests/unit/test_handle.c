/* test_handle: the guards of http/handle.c over a route table of the test's
 * own, in a server_config of its own (as a second server, the status site,
 * would use http/): credentials, the role column, CSRF and the query
 * parameters a route lists. app/routes.c has no admin-only route yet, so the
 * role guard is proved here. */
#include "check.h"
#include "auth/apikey.h"
#include "auth/password.h"
#include "auth/session.h"
#include "http/handle.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

/* What the last handler to run saw. */
static struct {
    int calls;
    const char *a, *b, *c;
} seen;

static void record(struct request *r)
{
    seen.calls++;
    seen.a = http_query(r, "a");
    seen.b = http_query(r, "b");
    seen.c = http_query(r, "c");
    buf_adds(&r->out, "handled");
    http_reply(r, 200, "text/plain");
}

static void fake_error_page(struct request *r, int status, const char *message)
{
    (void)message;
    buf_printf(&r->out, "<p>page %d</p>", status);
    http_reply(r, status, "text/html; charset=utf-8");
}

static const char *const A[] = {"a", NULL};
static const char *const AB[] = {"a", "b", NULL};
static const char *const NONE[] = {NULL};

static const struct route routes[] = {
    {"GET", "/std", "GET /std", AUTH_SESSION, ROLE_STANDARD, A, record, false, FEATURE_NONE},
    {"GET", "/admin", "GET /admin", AUTH_SESSION, ROLE_ADMIN, NONE, record, false, FEATURE_NONE},
    {"POST", "/admin", "POST /admin", AUTH_SESSION, ROLE_ADMIN, NONE, record, false, FEATURE_NONE},
    {"GET", "/api/admin", "GET /api/admin", AUTH_API_KEY, ROLE_ADMIN, NONE, record, false,
     FEATURE_NONE},
    {"GET", "/api/std", "GET /api/std", AUTH_API_KEY, ROLE_STANDARD, AB, record, false,
     FEATURE_NONE},
    /* a line whose role and query columns were left out */
    {"GET", "/forgot", "GET /forgot", AUTH_SESSION, ROLE_NONE, NULL, record, false, FEATURE_NONE},
    {"GET", "/open", "GET /open", AUTH_PUBLIC, ROLE_NONE, A, record, false, FEATURE_NONE},
};
static const struct route_table table = {routes, (int)(sizeof routes / sizeof routes[0])};

static struct server_config cfg;
static struct store *store;

struct call {
    const char *method, *path, *query; /* query: "a=1&b=2", raw */
    const char *cookie, *auth, *accept, *form;
};

/* The answer to one request through http_handle. */
struct answer {
    int status;
    int calls; /* how often the handler ran */
    char body[256];
    char location[64];
};

static struct answer run(struct call c)
{
    struct request r;
    memset(&r, 0, sizeof r);
    arena_init(&r.arena);
    r.cfg = &cfg;
    r.store = store;
    r.route = -1;
    strcpy(r.id, "test");
    r.client_ip = "127.0.0.1";
    buf_init(&r.out, &r.arena);
    buf_init(&r.body, &r.arena);
    r.method = c.method;
    r.path = c.path;
    struct http_field h[5] = {{"Host", "postroom"}};
    size_t nh = 1;
    if (c.cookie) h[nh++] = (struct http_field){"Cookie", c.cookie};
    if (c.auth) h[nh++] = (struct http_field){"Authorization", c.auth};
    if (c.accept) h[nh++] = (struct http_field){"Accept", c.accept};
    if (c.form) {
        h[nh++] = (struct http_field){"Content-Type", "application/x-www-form-urlencoded"};
        buf_adds(&r.body, c.form);
    }
    buf_cstr(&r.body);
    r.headers = h;
    r.nheaders = nh;
    struct http_field q[4];
    size_t nq = 0;
    for (const char *p = c.query; p && *p && nq < 4;) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        q[nq].name = arena_strndup(&r.arena, p, eq ? (size_t)(eq - p) : len);
        q[nq++].value = eq ? arena_strndup(&r.arena, eq + 1, len - (size_t)(eq - p) - 1) : "";
        p += len + (p[len] == '&');
    }
    r.query = q;
    r.nquery = nq;
    memset(&seen, 0, sizeof seen);
    http_handle(&r);
    struct answer a = {r.status, seen.calls, "", ""};
    snprintf(a.body, sizeof a.body, "%.*s", (int)r.out.len, r.out.data ? r.out.data : "");
    for (int i = 0; i < r.nhdr; i++)
        if (!strcmp(r.hdr_name[i], "Location"))
            snprintf(a.location, sizeof a.location, "%s", r.hdr_value[i]);
    /* the values the handler saw live in the arena: copy what tests compare */
    static char sa[32], sb[32], sc[32];
    snprintf(sa, sizeof sa, "%s", seen.a ? seen.a : "(null)");
    snprintf(sb, sizeof sb, "%s", seen.b ? seen.b : "(null)");
    snprintf(sc, sizeof sc, "%s", seen.c ? seen.c : "(null)");
    seen.a = sa, seen.b = sb, seen.c = sc;
    arena_free(&r.arena);
    return a;
}

/* Signs a user in; the Cookie header and the session's CSRF token. */
static void sign_in(const char *email, char *cookie, size_t n, char *csrf)
{
    struct arena a;
    arena_init(&a);
    struct principal p;
    char token[SESSION_TOKEN_LEN + 1];
    CHECK_INT(session_sign_in(store, email, "a long enough password", "127.0.0.1", &a, &p, token),
              SIGNIN_OK);
    snprintf(cookie, n, "%s=%s", SESSION_COOKIE, token);
    const char *c = "";
    CHECK_INT(session_authenticate(store, cookie, &a, &p, &c), STORE_OK);
    snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", c);
    arena_free(&a);
}

static void test_unauthenticated(void)
{
    /* a page: 303 to sign-in, whatever the client accepts */
    struct answer a = run((struct call){.method = "GET", .path = "/std", .query = "a=1"});
    CHECK_INT(a.status, 303);
    CHECK_STR(a.location, "/login");
    CHECK_INT(a.calls, 0);
    a = run((struct call){.method = "GET", .path = "/admin", .accept = "text/html"});
    CHECK_INT(a.status, 303);
    CHECK_STR(a.location, "/login");
    CHECK_INT(a.calls, 0);
    /* a cookie naming no session is no session */
    char stale[80];
    snprintf(stale, sizeof stale, "%s=%0*d", SESSION_COOKIE, SESSION_TOKEN_LEN, 0);
    a = run((struct call){.method = "GET", .path = "/std", .cookie = stale});
    CHECK_INT(a.status, 303);
    CHECK_INT(a.calls, 0);
    /* a form post: the form has expired */
    a = run((struct call){.method = "POST", .path = "/admin", .form = "csrf=x"});
    CHECK_INT(a.status, 403);
    CHECK(strstr(a.body, "\"Forbidden\"") != NULL);
    CHECK_INT(a.calls, 0);
    /* the API: 401 JSON */
    a = run((struct call){.method = "GET", .path = "/api/std"});
    CHECK_INT(a.status, 401);
    CHECK(strstr(a.body, "\"code\":\"Unauthorized\"") != NULL);
    CHECK_INT(a.calls, 0);
    a = run((struct call){.method = "GET",
                          .path = "/api/std",
                          .auth = "Bearer 0123456789abcdefghijABCDEFGHIJ012345"});
    CHECK_INT(a.status, 401);
    CHECK_INT(a.calls, 0);
    /* a line without a role still needs a signed-in user */
    a = run((struct call){.method = "GET", .path = "/forgot"});
    CHECK_INT(a.status, 303);
    CHECK_INT(a.calls, 0);
}

static void test_roles(const char *std_cookie, const char *std_csrf, const char *adm_cookie,
                       const char *adm_csrf, const char *key_header)
{
    /* a Standard user on an admin-only route: 403, as JSON or as a page */
    struct answer a = run((struct call){.method = "GET", .path = "/admin", .cookie = std_cookie});
    CHECK_INT(a.status, 403);
    CHECK(strstr(a.body, "\"code\":\"Forbidden\"") != NULL);
    CHECK_INT(a.calls, 0);
    a = run((struct call){
        .method = "GET", .path = "/admin", .cookie = std_cookie, .accept = "text/html"});
    CHECK_INT(a.status, 403);
    CHECK_STR(a.body, "<p>page 403</p>");
    CHECK_INT(a.calls, 0);
    /* even with a valid form token */
    char form[80];
    snprintf(form, sizeof form, "csrf=%s", std_csrf);
    a = run((struct call){.method = "POST", .path = "/admin", .cookie = std_cookie, .form = form});
    CHECK_INT(a.status, 403);
    CHECK_INT(a.calls, 0);
    /* the same user where Standard is enough */
    a = run((struct call){.method = "GET", .path = "/std", .cookie = std_cookie});
    CHECK_INT(a.status, 200);
    CHECK_INT(a.calls, 1);
    a = run((struct call){.method = "GET", .path = "/forgot", .cookie = std_cookie});
    CHECK_INT(a.status, 200);
    CHECK_INT(a.calls, 1);
    /* an administrator passes; a post still needs its own session's token */
    a = run((struct call){.method = "GET", .path = "/admin", .cookie = adm_cookie});
    CHECK_INT(a.status, 200);
    CHECK_INT(a.calls, 1);
    a = run((struct call){.method = "POST", .path = "/admin", .cookie = adm_cookie, .form = form});
    CHECK_INT(a.status, 403);
    CHECK_INT(a.calls, 0);
    snprintf(form, sizeof form, "csrf=%s", adm_csrf);
    a = run((struct call){.method = "POST", .path = "/admin", .cookie = adm_cookie, .form = form});
    CHECK_INT(a.status, 200);
    CHECK_INT(a.calls, 1);
    /* an API key is an administrator's */
    a = run((struct call){.method = "GET", .path = "/api/admin", .auth = key_header});
    CHECK_INT(a.status, 200);
    CHECK_INT(a.calls, 1);
    /* a session is no API key, nor a key a session */
    a = run((struct call){.method = "GET", .path = "/api/admin", .cookie = adm_cookie});
    CHECK_INT(a.status, 401);
    a = run((struct call){.method = "GET", .path = "/admin", .auth = key_header});
    CHECK_INT(a.status, 303);
}

static void test_query(const char *std_cookie, const char *key_header)
{
    /* only what the route lists reaches the handler; extras are no error */
    struct answer a = run((struct call){
        .method = "GET", .path = "/std", .query = "a=1&b=2&c=3", .cookie = std_cookie});
    CHECK_INT(a.status, 200);
    CHECK_STR(seen.a, "1");
    CHECK_STR(seen.b, "(null)");
    CHECK_STR(seen.c, "(null)");
    a = run((struct call){
        .method = "GET", .path = "/api/std", .query = "c=3&b=%32&a=x", .auth = key_header});
    CHECK_INT(a.status, 200);
    CHECK_STR(seen.a, "x");
    CHECK_STR(seen.b, "2");
    CHECK_STR(seen.c, "(null)");
    /* a route that lists none (or whose list was left out) gets none */
    a = run((struct call){.method = "GET", .path = "/admin", .query = "a=1", .cookie = std_cookie});
    CHECK_INT(a.status, 403);
    a = run((struct call){
        .method = "GET", .path = "/forgot", .query = "a=1&b=2", .cookie = std_cookie});
    CHECK_INT(a.status, 200);
    CHECK_STR(seen.a, "(null)");
    CHECK_STR(seen.b, "(null)");
    /* public routes too; names compare as sent */
    a = run((struct call){.method = "GET", .path = "/open", .query = "b=1&%61=2&a=%41"});
    CHECK_INT(a.status, 200);
    CHECK_STR(seen.a, "A");
    CHECK_STR(seen.b, "(null)");
    /* a badly encoded extra is still a bad request, as before */
    a = run((struct call){.method = "GET", .path = "/open", .query = "a=1&c=%zz"});
    CHECK_INT(a.status, 400);
    CHECK_INT(a.calls, 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-guards-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK_INT(store_open(path, &store), STORE_OK);
    CHECK_INT(store_migrate(store, NULL), STORE_OK);
    server_config_defaults(&cfg);
    cfg.rate_limit = 0;
    cfg.routes = &table;
    cfg.error_page = fake_error_page;

    int64_t t, uid;
    char hash[PASSWORD_HASH_MAX], key[APIKEY_LEN + 1];
    CHECK_INT(store_operator_tenant_create(store, "Guards Ltd", 1, &t), STORE_OK);
    CHECK(password_hash("a long enough password", hash));
    CHECK_INT(store_operator_user_add(store, t, "std@guards.example", hash, ROLE_STANDARD, 1, &uid),
              STORE_OK);
    CHECK_INT(store_operator_user_add(store, t, "adm@guards.example", hash, ROLE_ADMIN, 1, &uid),
              STORE_OK);
    CHECK_INT(apikey_create(store, t, "main", 1, key), STORE_OK);
    char std_cookie[128], adm_cookie[128], key_header[64];
    char std_csrf[SESSION_TOKEN_LEN + 1], adm_csrf[SESSION_TOKEN_LEN + 1];
    sign_in("std@guards.example", std_cookie, sizeof std_cookie, std_csrf);
    sign_in("adm@guards.example", adm_cookie, sizeof adm_cookie, adm_csrf);
    snprintf(key_header, sizeof key_header, "Bearer %s", key);

    test_unauthenticated();
    test_roles(std_cookie, std_csrf, adm_cookie, adm_csrf, key_header);
    test_query(std_cookie, key_header);

    store_close(store);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_handle");
}
