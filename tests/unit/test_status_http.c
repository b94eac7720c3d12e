/* test_status_http: the status site's routes through http/handle.c on a
 * server with no app store (server_config.db_path NULL, no r->store), as
 * status-serve runs them: every document answers 200 application/json
 * without credentials, and so do the page (/, /index.html), its stylesheet
 * and the feeds, each with its own type, the access audit's checkpoints
 * as plain text, and HEAD of each; an unknown path
 * is 404, another method 405; with the status database gone the answer is
 * 503, not a crash; a route that needs credentials never runs on such a
 * server. */
#include "check.h"
#include "http/handle.h"
#include "http/server.h"
#include "status/status_db.h"
#include "status/status_http.h"
#include "util/arena.h"

#include <stdlib.h>
#include <unistd.h>

static struct server_config cfg;
static int secret_calls;

static void secret(struct request *r)
{
    secret_calls++;
    http_reply(r, 200, "text/plain");
}

/* A route that needs credentials has no place on a server without a store. */
static const struct route keyed[] = {
    {"GET", "/k", "GET /k", AUTH_API_KEY, ROLE_STANDARD, NULL, secret, false, FEATURE_NONE},
};
static const struct route_table keyed_table = {keyed, 1};

struct answer {
    int status;
    char type[64];
    char body[64];
};

static struct answer run(const char *method, const char *path)
{
    struct request r;
    memset(&r, 0, sizeof r);
    arena_init(&r.arena);
    r.cfg = &cfg;
    r.store = NULL;
    r.route = -1;
    strcpy(r.id, "test");
    r.client_ip = "127.0.0.1";
    buf_init(&r.out, &r.arena);
    buf_init(&r.body, &r.arena);
    buf_cstr(&r.body);
    r.method = method;
    r.path = path;
    struct http_field h[1] = {{"Host", "status"}};
    r.headers = h;
    r.nheaders = 1;
    http_handle(&r);
    struct answer a = {r.status, "", ""};
    snprintf(a.type, sizeof a.type, "%s", r.content_type ? r.content_type : "");
    snprintf(a.body, sizeof a.body, "%.*s", (int)(r.out.len < 63 ? r.out.len : 63),
             r.out.data ? r.out.data : "");
    arena_free(&r.arena);
    return a;
}

int main(void)
{
    server_config_defaults(&cfg);
    cfg.rate_limit = 0;
    cfg.db_path = NULL;
    cfg.routes = &status_routes;
    char path[] = "/tmp/postroom-test-shttp-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct status_db *db;
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    status_db_close(db);
    status_http_set_db(path);

    int json_routes = 0, heads = 0;
    for (int i = 0; i < status_routes.count; i++) {
        const struct route *rt = &status_routes.routes[i];
        CHECK_INT(rt->auth, AUTH_PUBLIC);
        CHECK_INT(rt->feature, FEATURE_NONE);
        struct answer a = run(rt->method, rt->pattern);
        CHECK_INT(a.status, 200);
        heads += !strcmp(rt->method, "HEAD");
        if (strncmp(rt->pattern, "/api/v2/", 8) || strcmp(rt->method, "GET"))
            continue; /* the page and feeds: below */
        json_routes++;
        CHECK_STR(a.type, "application/json");
        CHECK(!strncmp(a.body, "{\"page\":{\"id\":\"postroom\"", 24));
    }
    CHECK_INT(json_routes, 8);
    CHECK_INT(heads, 15); /* every path answers HEAD as well */
    CHECK_INT(status_routes.count, 30);
    struct answer page = run("GET", "/");
    CHECK_STR(page.type, "text/html; charset=utf-8");
    CHECK(!strncmp(page.body, "<!DOCTYPE html>", 15));
    CHECK_STR(run("GET", "/index.html").type, "text/html; charset=utf-8");
    CHECK_STR(run("GET", "/status.css").type, "text/css; charset=utf-8");
    struct answer atom = run("GET", "/history.atom");
    CHECK_STR(atom.type, "application/atom+xml; charset=utf-8");
    CHECK(!strncmp(atom.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed", 44));
    CHECK_STR(run("GET", "/history.rss").type, "application/rss+xml; charset=utf-8");
    /* the access audit's checkpoints: plain text, empty while there are none */
    struct answer lines = run("GET", "/audit/checkpoints.txt");
    CHECK_STR(lines.type, "text/plain; charset=utf-8");
    CHECK_STR(lines.body, "");
    CHECK_STR(run("GET", "/audit/public-keys.txt").type, "text/plain; charset=utf-8");
    CHECK_INT(run("GET", "/index.htm").status, 404);
    CHECK_INT(run("GET", "/api/v2/nothing.json").status, 404);
    CHECK_INT(run("POST", "/api/v2/summary.json").status, 405);
    CHECK_INT(run("GET", "/api/v2/summary.json/").status, 404);

    cfg.routes = &keyed_table;
    CHECK_INT(run("GET", "/k").status, 500);
    CHECK_INT(secret_calls, 0);
    cfg.routes = &status_routes;

    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    struct answer gone = run("GET", "/api/v2/status.json");
    CHECK_INT(gone.status, 503);
    CHECK_STR(gone.type, "application/json");
    return check_report("test_status_http");
}
