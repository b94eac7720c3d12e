/* test_handle_operator: the guards of http/handle.c on AUTH_OPERATOR routes,
 * over a route table of the test's own: only an operator's session opens
 * them (a business session, an API key, or either's token under the other
 * cookie name is nothing: GET 303 to /ops/login, a post 401 JSON, and the
 * handler never runs); a post needs the operator session's CSRF token; and
 * an operator's session opens no business route. */
#include "check.h"
#include "auth/apikey.h"
#include "auth/operator.h"
#include "auth/operator_totp.h"
#include "auth/password.h"
#include "auth/session.h"
#include "http/handle.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PW "a long enough password"
#define SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static struct {
    int calls;
    struct principal p;
} seen;

static void record(struct request *r)
{
    seen.calls++;
    seen.p = r->principal;
    buf_adds(&r->out, "handled");
    http_reply(r, 200, "text/plain");
}

static const char *const NONE[] = {NULL};
static const struct route routes[] = {
    {"GET", "/ops/", "GET /ops/", AUTH_OPERATOR, ROLE_ADMIN, NONE, record, false, FEATURE_NONE},
    {"POST", "/ops/x", "POST /ops/x", AUTH_OPERATOR, ROLE_ADMIN, NONE, record, false, FEATURE_NONE},
    {"GET", "/page", "GET /page", AUTH_SESSION, ROLE_STANDARD, NONE, record, false, FEATURE_WEB},
    {"GET", "/api/x", "GET /api/x", AUTH_API_KEY, ROLE_STANDARD, NONE, record, false, FEATURE_API},
};
static const struct route_table table = {routes, (int)(sizeof routes / sizeof routes[0])};

static struct server_config cfg;
static struct store *store;

struct answer {
    int status, calls;
    char body[256], location[64];
};

static struct answer run(const char *method, const char *path, const char *cookie, const char *auth,
                         const char *form)
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
    r.method = method;
    r.path = path;
    struct http_field h[5] = {{"Host", "postroom"}, {"Accept", "text/html"}};
    size_t nh = 2;
    if (cookie) h[nh++] = (struct http_field){"Cookie", cookie};
    if (auth) h[nh++] = (struct http_field){"Authorization", auth};
    if (form) {
        h[nh++] = (struct http_field){"Content-Type", "application/x-www-form-urlencoded"};
        buf_adds(&r.body, form);
    }
    buf_cstr(&r.body);
    r.headers = h;
    r.nheaders = nh;
    memset(&seen, 0, sizeof seen);
    http_handle(&r);
    struct answer a = {r.status, seen.calls, "", ""};
    snprintf(a.body, sizeof a.body, "%.*s", (int)r.out.len, r.out.data ? r.out.data : "");
    for (int i = 0; i < r.nhdr; i++)
        if (!strcmp(r.hdr_name[i], "Location"))
            snprintf(a.location, sizeof a.location, "%s", r.hdr_value[i]);
    arena_free(&r.arena);
    return a;
}

/* Nothing on an operator route: GET to the operators' sign-in, a post 401 JSON. */
static void check_nothing(const char *cookie, const char *auth)
{
    struct answer a = run("GET", "/ops/", cookie, auth, NULL);
    CHECK_INT(a.status, 303);
    CHECK_STR(a.location, "/ops/login");
    CHECK_STR(a.body, "");
    CHECK_INT(a.calls, 0);
    a = run("POST", "/ops/x", cookie, auth, "csrf=x");
    CHECK_INT(a.status, 401);
    CHECK(strstr(a.body, "\"code\":\"Unauthorized\"") != NULL);
    CHECK_INT(a.calls, 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-handle-operator-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK_INT(store_open(path, &store), STORE_OK);
    CHECK_INT(store_migrate(store, NULL), STORE_OK);
    server_config_defaults(&cfg);
    cfg.rate_limit = 0;
    cfg.routes = &table;

    char hash[PASSWORD_HASH_MAX], key[APIKEY_LEN + 1], code[TOTP_DIGITS + 1];
    CHECK(password_hash(PW, hash));
    int64_t t, uid, opid;
    CHECK_INT(store_operator_tenant_create(store, "Biz", 1, &t), STORE_OK);
    CHECK_INT(store_operator_user_add(store, t, "adm@biz.example", hash, ROLE_ADMIN, 1, &uid),
              STORE_OK);
    CHECK_INT(apikey_create(store, t, "k", 1, key), STORE_OK);
    CHECK_INT(store_operator_account_add(store, "op@ops.example", hash, SECRET, 1, &opid),
              STORE_OK);

    struct arena a;
    arena_init(&a);
    struct principal p;
    char btoken[SESSION_TOKEN_LEN + 1], otoken[OPERATOR_TOKEN_LEN + 1];
    CHECK_INT(session_sign_in(store, "adm@biz.example", PW, "127.0.0.1", &a, &p, btoken),
              SIGNIN_OK);
    int64_t now = time_now_ms(), op = 0;
    CHECK(totp_code(SECRET, now / 1000, code));
    CHECK_INT(
        operator_sign_in(store, "op@ops.example", PW, code, "127.0.0.1", now, &a, &p, otoken, &op),
        SIGNIN_OK);
    const char *ocsrf = NULL, *bcsrf = NULL;
    char bcookie[128], ocookie[128], b_as_o[128], o_as_b[128], keyh[64], form[80], both[300];
    snprintf(bcookie, sizeof bcookie, "%s=%s", SESSION_COOKIE, btoken);
    snprintf(ocookie, sizeof ocookie, "%s=%s", OPERATOR_COOKIE, otoken);
    snprintf(b_as_o, sizeof b_as_o, "%s=%s", OPERATOR_COOKIE, btoken);
    snprintf(o_as_b, sizeof o_as_b, "%s=%s", SESSION_COOKIE, otoken);
    snprintf(keyh, sizeof keyh, "Bearer %s", key);
    CHECK_INT(operator_authenticate(store, ocookie, &a, &p, &ocsrf), STORE_OK);
    CHECK_INT(session_authenticate(store, bcookie, &a, &p, &bcsrf), STORE_OK);

    /* nobody, a business session, a key, a business token as the operators' */
    check_nothing(NULL, NULL);
    check_nothing(bcookie, NULL);
    check_nothing(NULL, keyh);
    check_nothing(bcookie, keyh);
    check_nothing(b_as_o, NULL);
    /* the business session's CSRF token is no operator's either */
    snprintf(form, sizeof form, "csrf=%s", bcsrf);
    struct answer r = run("POST", "/ops/x", bcookie, NULL, form);
    CHECK_INT(r.status, 401);
    CHECK_INT(r.calls, 0);

    /* the operator: its principal has no tenant */
    r = run("GET", "/ops/", ocookie, NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(r.calls, 1);
    CHECK_INT(seen.p.kind, PRINCIPAL_OPERATOR);
    CHECK_INT(seen.p.tenant_id, 0);
    CHECK_INT(seen.p.operator_id, opid);
    /* with a business cookie beside it, still the operator */
    snprintf(both, sizeof both, "%s; %s", bcookie, ocookie);
    r = run("GET", "/ops/", both, keyh, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(seen.p.tenant_id, 0);
    /* a post needs the operator session's token */
    r = run("POST", "/ops/x", ocookie, NULL, form);
    CHECK_INT(r.status, 403);
    CHECK_INT(r.calls, 0);
    snprintf(form, sizeof form, "csrf=%s", ocsrf);
    r = run("POST", "/ops/x", ocookie, NULL, form);
    CHECK_INT(r.status, 200);
    CHECK_INT(r.calls, 1);

    /* the operator's session opens no business route */
    r = run("GET", "/page", ocookie, NULL, NULL);
    CHECK_INT(r.status, 303);
    CHECK_STR(r.location, "/login");
    CHECK_INT(r.calls, 0);
    r = run("GET", "/page", o_as_b, NULL, NULL);
    CHECK_INT(r.status, 303);
    CHECK_INT(r.calls, 0);
    r = run("GET", "/api/x", ocookie, NULL, NULL);
    CHECK_INT(r.status, 401);
    CHECK_INT(r.calls, 0);
    /* while the business ones still work where they belong */
    r = run("GET", "/page", bcookie, NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(seen.p.tenant_id, t);
    r = run("GET", "/api/x", NULL, keyh, NULL);
    CHECK_INT(r.status, 200);

    arena_free(&a);
    store_close(store);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_handle_operator");
}
