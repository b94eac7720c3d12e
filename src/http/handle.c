/* handle: checks, routing, authentication, guards, handler, egress. */
#include "http/handle.h"
#include "auth/apikey.h"
#include "auth/operator.h"
#include "auth/session.h"
#include "http/egress.h"
#include "http/killswitch.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"
#include "util/percent.h"
#include "util/timefmt.h"

#include <string.h>
#include <strings.h>

const char *http_route_name(const struct request *r)
{
    const struct route *rt = router_route(r);
    return rt ? rt->name : "unmatched";
}

/* RFC 9110 5.6.2: a header name is a token: visible ASCII but the
 * separators "(),/:;<=>?@[\\]{} and the double quote. The two words are
 * that set as bits, characters 0-63 and 64-127. */
static bool tchar(unsigned char c)
{
    static const uint64_t tchars[2] = {0x03ff6cfa00000000u, 0x57ffffffc7fffffeu};
    return c < 128 && (tchars[c >> 6] >> (c & 63) & 1);
}

/* What one pass over the headers finds: the first problem of syntax, how
 * often each header the checks care about appears, and the bytes sent. */
struct header_scan {
    const char *why;
    int content_length, transfer_encoding, host, authorization, cookie, content_type;
    const char *host_value;
    size_t bytes;
};

static void count_name(struct header_scan *h, const struct http_field *f, size_t len)
{
    switch (len) {
    case 4:
        if (!strcasecmp(f->name, "Host")) h->host++, h->host_value = f->value;
        break;
    case 6:
        h->cookie += !strcasecmp(f->name, "Cookie");
        break;
    case 12:
        h->content_type += !strcasecmp(f->name, "Content-Type");
        break;
    case 13:
        h->authorization += !strcasecmp(f->name, "Authorization");
        break;
    case 14:
        h->content_length += !strcasecmp(f->name, "Content-Length");
        break;
    case 17:
        h->transfer_encoding += !strcasecmp(f->name, "Transfer-Encoding");
        break;
    }
}

static void scan_headers(const struct request *r, struct header_scan *h)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < r->nheaders; i++) {
        const struct http_field *f = &r->headers[i];
        size_t nl = 0, vl = 0;
        bool token = f->name[0] != 0;
        for (; f->name[nl]; nl++)
            token = token && tchar((unsigned char)f->name[nl]);
        bool clean = true;
        for (; f->value[vl]; vl++) {
            unsigned char c = (unsigned char)f->value[vl];
            clean = clean && !((c < 32 && c != '\t') || c == 127);
        }
        if (!h->why && !token) h->why = "A header name is not a valid token.";
        if (!h->why && !clean) h->why = "A header value holds a control character.";
        count_name(h, f, nl);
        h->bytes += nl + vl + 4;
    }
}

/* Framing and header syntax (RFC 9112 6.3, 3.2; RFC 9110 5.5). A request
 * that fails them is answered 400 and its connection closed, so nothing
 * after it on the same connection (a smuggled request) is ever read. */
static bool framing_checks(struct request *r, const struct header_scan *h)
{
    const char *why = NULL;
    if (r->nul_in_fields) why = "A header or query value holds a NUL byte.";
    if (!why) why = h->why;
    int cl = h->content_length, te = h->transfer_encoding, host = h->host;
    if (!why && cl && te) why = "Content-Length and Transfer-Encoding may not both be given.";
    if (!why && (cl > 1 || te > 1)) why = "Content-Length and Transfer-Encoding may appear once.";
    if (!why && (host > 1 || (host == 0 && !r->http10)))
        why = "Exactly one Host header is required.";
    const char *hv = host == 1 ? h->host_value : NULL;
    if (!why && hv &&
        (strlen(hv) > 255 || strspn(hv, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789.-_~:[]%!$&'()*+,;=") != strlen(hv)))
        why = "The Host header is not a valid host.";
    if (!why) return true;
    r->close_connection = true;
    http_error(r, 400, "BadRequest", why);
    return false;
}

/* 413. A page's form (a session route: the import upload) gets a page a
 * browser shows, not JSON; nothing of the request was read, so the page is
 * the same for everyone and names no business. */
static void too_large(struct request *r)
{
    int route = -1;
    if (!r->cfg->error_page || router_match(r, r->method, r->path, &route) != ROUTE_FOUND ||
        r->cfg->routes->routes[route].auth != AUTH_SESSION) {
        http_error(r, 413, "PayloadTooLarge", "The request body is too large.");
        return;
    }
    /* the same page frame as every other error a browser gets (web/errors.c),
     * whatever the upload's Accept header said */
    buf_init(&r->out, &r->arena);
    r->cfg->error_page(r, 413,
                       arena_printf(&r->arena,
                                    "The file is larger than the %zu MiB an upload may be. Nothing "
                                    "was imported: split it into smaller files (at most 1000 "
                                    "orders each) and upload them one by one.",
                                    r->cfg->max_body >> 20));
}

/* Limits and well-formedness that hold for every route. False when they
 * answered. Every query argument must decode cleanly: a value with a bad
 * escape or a NUL is an error, never silently treated as absent. */
static bool request_checks(struct request *r)
{
    struct header_scan h;
    scan_headers(r, &h);
    if (!framing_checks(r, &h)) return false;
    size_t header_bytes = h.bytes, query_bytes = 0;
    bool malformed = false;
    for (size_t i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].name, *v = r->query[i].value;
        query_bytes += strlen(k) + strlen(v) + 2;
        if (!percent_decode(&r->arena, k, strlen(k), true) ||
            !percent_decode(&r->arena, v, strlen(v), true))
            malformed = true;
    }
    if (strlen(r->path) + query_bytes > r->cfg->max_url) {
        http_error(r, 414, "UriTooLong", "The request URL is too long.");
        return false;
    }
    if (header_bytes > r->cfg->max_headers) {
        http_error(r, 431, "HeadersTooLarge", "The request headers are too large.");
        return false;
    }
    /* two credentials in one request: refuse rather than pick one */
    if (h.authorization > 1 || h.cookie > 1 || h.content_type > 1) {
        http_error(r, 400, "DuplicateHeader",
                   "Authorization, Cookie and Content-Type may each appear only once.");
        return false;
    }
    if (malformed) {
        http_error(r, 400, "InvalidQuery", "The query string is not validly percent-encoded.");
        return false;
    }
    if (r->body_too_large) {
        too_large(r);
        return false;
    }
    return true;
}

/* Resolves credentials to a principal: the only place a tenant id is born. */
static bool authenticate(struct request *r, const struct route *rt)
{
    int rc = STORE_NOTFOUND;
    if (rt->auth == AUTH_API_KEY) {
        rc = apikey_authenticate(r->store, http_header(r, "Authorization"), &r->principal);
    } else if (rt->auth == AUTH_SESSION) {
        rc = session_authenticate(r->store, http_header(r, "Cookie"), &r->arena, &r->principal,
                                  &r->session_csrf);
        r->session_stale = rc == STORE_NOTFOUND && session_cookie_sent(http_header(r, "Cookie"));
    } else if (rt->auth == AUTH_OPERATOR) {
        /* only the operator cookie: a business session or key is nothing here */
        rc = operator_authenticate(r->store, http_header(r, "Cookie"), &r->arena, &r->principal,
                                   &r->session_csrf);
    }
    if (rc == STORE_ERROR) {
        http_error(r, 503, "Unavailable", "The service is temporarily unavailable.");
        return false;
    }
    /* each realm's routes take only its own kind of principal */
    if (rt->auth == AUTH_OPERATOR)
        r->authenticated = rc == STORE_OK && r->principal.kind == PRINCIPAL_OPERATOR &&
                           r->principal.operator_id > 0 && r->principal.tenant_id == 0;
    else
        r->authenticated =
            rc == STORE_OK && r->principal.kind == PRINCIPAL_BUSINESS && r->principal.tenant_id > 0;
    if (!r->authenticated) memset(&r->principal, 0, sizeof r->principal);
    return true;
}

/* No credentials, or none that hold: a browser asking for a page goes to
 * sign-in (no ?next=: sign-in always lands on the home page, so there is no
 * redirect target to validate); a form post without a session is refused as
 * an expired form; an API call is answered 401. A browser whose session
 * cookie names no live session (revoked by the operator, or expired) is
 * told on the way to clear its cache and cookies: this answer sets no
 * cookie, so nothing new is cleared with the old (web/signin.c). */
static void deny_unauthenticated(struct request *r, const struct route *rt)
{
    if (rt->auth == AUTH_API_KEY) {
        http_add_header(r, "WWW-Authenticate", "Bearer");
        http_error(r, 401, "Unauthorized", "A valid API key is required.");
    } else if (rt->auth == AUTH_OPERATOR) {
        /* the operators' sign-in, never a business page; a form post is
         * answered 401 in JSON, which shows nothing of the console */
        if (strcmp(r->method, "GET") == 0) {
            http_add_header(r, "Location", "/ops/login");
            http_reply(r, 303, "text/html; charset=utf-8");
        } else {
            buf_init(&r->out, &r->arena);
            buf_adds(&r->out, "{\"code\":\"Unauthorized\",\"message\":\"An operator "
                              "session is required.\"}");
            http_reply_json(r, 401);
        }
    } else if (strcmp(r->method, "GET") == 0) {
        if (r->session_stale) http_add_header(r, "Clear-Site-Data", SESSION_CLEAR_SITE_DATA);
        http_add_header(r, "Location", "/login");
        http_reply(r, 303, "text/html; charset=utf-8");
    } else {
        http_error(r, 403, "Forbidden", "The form has expired; reload the page.");
    }
}

/* The route's least role. A route that needs credentials needs at least a
 * Standard user's role, whatever its column says: a line left at ROLE_NONE,
 * or a user whose stored role auth does not know, opens nothing. */
static enum role role_needed(const struct route *rt)
{
    if (rt->auth == AUTH_PUBLIC) return rt->role;
    return rt->role > ROLE_STANDARD ? rt->role : ROLE_STANDARD;
}

/* Keeps only the query arguments the route lists, so http_query never hands
 * a handler a parameter its route does not take (an extra a client sent, or
 * one meant for another route). Names compare as sent, as http_query's do. */
static void keep_listed_query(struct request *r, const struct route *rt)
{
    struct http_field *kept = arena_alloc(&r->arena, (r->nquery + 1) * sizeof *kept);
    size_t n = 0;
    for (size_t i = 0; i < r->nquery; i++)
        if (router_takes_query(rt, r->query[i].name)) kept[n++] = r->query[i];
    r->query = kept;
    r->nquery = n;
}

/* A kill switch covering the route (for the principal's tenant, or every
 * tenant): 503 with the switch's reason and where to read more. The API
 * gets ErrorResponse and Retry-After; a browser outside /api/ gets the
 * error page (http_error). */
static bool suspended(struct request *r, const struct route *rt)
{
    const char *reason = NULL;
    if (!killswitch_stops(rt, r->principal.tenant_id, &r->arena, &reason)) return false;
    const char *status = r->cfg->status_url ? r->cfg->status_url : "the status page";
    http_add_header(r, "Retry-After", "60");
    http_error(
        r, 503, "ServiceSuspended",
        arena_printf(&r->arena, "%s%sService status: %s", reason, *reason ? " " : "", status));
    return true;
}

/* Guards between authentication and the handler: credentials, kill switch,
 * CSRF, role, rate limit, query parameters. False when they answered. */
static bool guards(struct request *r, const struct route *rt)
{
    if (rt->auth != AUTH_PUBLIC && !r->authenticated) {
        deny_unauthenticated(r, rt);
        return false;
    }
    if (suspended(r, rt)) return false;
    if ((rt->auth == AUTH_SESSION || rt->auth == AUTH_OPERATOR) && strcmp(r->method, "GET") != 0 &&
        !session_csrf_ok(r->session_csrf, http_form(r, "csrf"))) {
        http_error(r, 403, "Forbidden", "The form has expired; reload the page.");
        return false;
    }
    /* an operator has no business role: authentication above is its guard */
    if (rt->auth != AUTH_OPERATOR && r->principal.role < role_needed(rt)) {
        http_error(r, 403, "Forbidden", "Your role does not allow this.");
        return false;
    }
    if (rt->auth == AUTH_API_KEY) {
        int retry = 1;
        if (!ratelimit_take(r->principal.tenant_id, r->principal.key_id, r->cfg->rate_limit,
                            time_mono_s(), &retry)) {
            http_add_header(r, "Retry-After", arena_printf(&r->arena, "%d", retry));
            http_error(r, 429, "TooManyRequests", "Rate limit exceeded; retry later.");
            return false;
        }
    }
    keep_listed_query(r, rt);
    return true;
}

static void route_and_run(struct request *r)
{
    /* matched before the checks so that their errors take the route's shape */
    enum route_match m = router_match(r, r->method, r->path, &r->route);
    if (!request_checks(r)) return;
    switch (m) {
    case ROUTE_NO_PATH:
        http_error(r, 404, "NotFound", "No such resource.");
        return;
    case ROUTE_NO_METHOD:
        http_add_header(r, "Allow", router_allowed(r, r->path));
        http_error(r, 405, "MethodNotAllowed", "That method is not allowed on this resource.");
        return;
    case ROUTE_FOUND:
        break;
    }
    const struct route *rt = router_route(r);
    /* a server without an app store (db_path NULL, the status site) runs
     * its public routes without one; nothing else runs there */
    bool storeless = !r->store && r->cfg && !r->cfg->db_path;
    if (storeless && (rt->auth != AUTH_PUBLIC || rt->snapshot)) {
        http_error(r, 500, "InternalError", "The request could not be completed.");
        return;
    }
    if (!r->store && !storeless) {
        http_error(r, 503, "Unavailable", "The service is temporarily unavailable.");
        return;
    }
    /* API reads run in one snapshot: key lookup and handler see the same state */
    bool snapshot = rt->snapshot;
    if (snapshot && store_snapshot_begin(r->store) != STORE_OK) {
        http_error(r, 503, "Unavailable", "The service is temporarily unavailable.");
        return;
    }
    if ((rt->auth == AUTH_PUBLIC || authenticate(r, rt)) && guards(r, rt)) rt->handler(r);
    /* a broken connection is closed instead (server.c), which ends it */
    if (snapshot && !store_is_broken(r->store) && store_snapshot_end(r->store) != STORE_OK)
        http_error(r, 500, "InternalError", "The request could not be completed.");
    /* outside the snapshot, so a read's audit record is an ordinary write;
     * a server batches it with other requests' instead (server.c) */
    if (!r->audit_deferred && !http_audit_flush(r))
        http_error(r, 500, "InternalError", "The request could not be completed.");
}

bool http_upload_admitted(struct request *r)
{
    if (router_match(r, r->method, r->path, &r->route) != ROUTE_FOUND) return true;
    const struct route *rt = router_route(r);
    if (rt->auth == AUTH_PUBLIC) return true;
    if (!request_checks(r)) return false;
    if (!r->store) {
        http_error(r, 503, "Unavailable", "The service is temporarily unavailable.");
        return false;
    }
    if (!authenticate(r, rt)) return false;
    bool admitted = r->authenticated;
    if (!admitted) deny_unauthenticated(r, rt);
    /* nothing of this look is kept: http_handle authenticates afresh */
    memset(&r->principal, 0, sizeof r->principal);
    r->authenticated = false;
    r->session_csrf = NULL;
    r->session_stale = false;
    return admitted;
}

void http_handle(struct request *r)
{
    route_and_run(r);
    if (!r->status) http_error(r, 500, "InternalError", "The request could not be completed.");
    egress_enforce(r, http_route_name(r));
}
