/* server: libmicrohttpd adapter and the request lifecycle.
 *
 *   first call    allocate the request and its arena, id, limits
 *   body calls    accumulate the body up to max_body (413 beyond)
 *   last call     route -> authenticate -> guards -> handler -> egress -> send
 *   completed     log line, metrics, free the arena
 */
#include "http/server.h"
#include "auth/apikey_usage.h"
#include "http/audit_journal.h"
#include "http/egress.h"
#include "http/handle.h"
#include "http/killswitch.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

void server_config_defaults(struct server_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->port = 8080;
    c->rate_limit = 5;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = n > 0 ? (unsigned)n : 2;
    c->max_body = 8u << 20;
    c->max_upload = (size_t)512 << 20;
    c->max_url = 8u << 10;
    /* Must stay well inside libmicrohttpd's 32 KiB connection buffer (kept at
     * its default: the whole buffer is zeroed for every request, so a larger
     * one costs every request), or it answers oversize headers itself. */
    c->max_headers = 12u << 10;
    c->timeout_s = 30;
    c->audit_reads = true;
}

bool server_parse_listen(struct server_config *c, const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon) return false;
    size_t hl = (size_t)(colon - s);
    const char *h = s;
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') h++, hl -= 2;
    if (hl == 0 || hl >= sizeof c->listen_host) return false;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) return false;
    memcpy(c->listen_host, h, hl);
    c->listen_host[hl] = 0;
    c->port = (uint16_t)port;
    return true;
}

/* --- per-thread store connections ---------------------------------------
 * One connection per server thread, opened on first use. A connection is
 * state of the thread, never of a request: nothing a request reads stays in
 * it, and after any failed call it is closed instead of reused. */
static _Thread_local struct store *thread_store;
#define MAX_STORES 256
static struct store *open_stores[MAX_STORES];
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;

static void store_discard(struct store *s)
{
    pthread_mutex_lock(&stores_lock);
    for (int i = 0; i < MAX_STORES; i++)
        if (open_stores[i] == s) open_stores[i] = NULL;
    pthread_mutex_unlock(&stores_lock);
    if (thread_store == s) thread_store = NULL;
    store_close(s);
}

static struct store *store_for_thread(const struct server_config *cfg)
{
    if (thread_store && store_is_broken(thread_store)) store_discard(thread_store);
    if (thread_store) return thread_store;
    if (!cfg->db_path) return NULL; /* a server without an app store */
    struct store *s;
    if (store_open(cfg->db_path, &s) != STORE_OK) return NULL;
    if (store_serve_mode(s) != STORE_OK) {
        store_close(s);
        return NULL;
    }
    pthread_mutex_lock(&stores_lock);
    for (int i = 0; i < MAX_STORES; i++)
        if (!open_stores[i]) {
            open_stores[i] = s;
            break;
        }
    pthread_mutex_unlock(&stores_lock);
    thread_store = s;
    return s;
}

static void stores_close_all(void)
{
    pthread_mutex_lock(&stores_lock);
    for (int i = 0; i < MAX_STORES; i++) {
        store_close(open_stores[i]);
        open_stores[i] = NULL;
    }
    pthread_mutex_unlock(&stores_lock);
}

/* --- the access audit's journal -------------------------------------------
 * A request whose handler recorded reads (http_audit) writes its records
 * into this server's journal (audit_journal.h, a mapped file) before its
 * answer leaves, or a 500 leaves instead; the journal's flusher appends
 * them to the chain in batches. Nothing waits for a commit, so no
 * connection is ever suspended. */
#define AUDIT_BATCH_MAX 1024 /* records per transaction at most */
/* How long the flusher waits for more after the first record: no answer
 * waits for it, so it is long enough to make batches big (fewer commits
 * and WAL pages a record) and short enough to keep the chain fresh. */
#define AUDIT_LINGER_US 20000
static struct audit_journal *audit_j;

/* An answer whose audit records could not be written does not leave:
 * nothing of it (body or headers) goes out, a 500 does. */
static void audit_refused(struct request *r)
{
    r->nhdr = 0;
    http_error(r, 500, "InternalError", "The request could not be completed.");
}

/* HOST-PID-STARTMS: a journal name no other server process uses. */
static void audit_journal_name(char *out, size_t cap)
{
    char host[64] = "host";
    if (gethostname(host, sizeof host - 1) != 0) strcpy(host, "host");
    host[sizeof host - 1] = 0;
    for (char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.'))
            *p = '_';
    snprintf(out, cap, "%s-%ld-%lld", host, (long)getpid(), (long long)time_now_ms());
}

static bool audit_start(struct server_config *c)
{
    if (!c->db_path || c->audit_off) return true;
    struct arena a;
    arena_init(&a);
    char name[160];
    audit_journal_name(name, sizeof name);
    const char *l = getenv("POSTROOM_AUDIT_LINGER_US");
    audit_j = audit_journal_open(c->db_path, audit_journal_dir(&a, c->db_path), name,
                                 AUDIT_BATCH_MAX, l ? (unsigned)atoi(l) : AUDIT_LINGER_US, 0);
    arena_free(&a);
    return audit_j != NULL;
}

/* After libmicrohttpd stopped: everything written is appended. */
static void audit_stop(void)
{
    if (!audit_j) return;
    struct audit_journal_stats st;
    audit_journal_stats(audit_j, &st);
    audit_journal_close(audit_j);
    audit_j = NULL;
    char extra[200];
    snprintf(extra, sizeof extra,
             "\"writes\":%llu,\"batches\":%llu,\"records\":%llu,\"failed_batches\":%llu,"
             "\"largest\":%zu",
             st.writes, st.batches, st.records, st.failed_batches, st.largest);
    log_json("info", "audit journal", extra);
}

/* --- request lifecycle ---------------------------------------------------- */

static _Atomic unsigned long long request_counter;
static unsigned char id_prefix[4]; /* random per process, set before serving */

/* Collects MHD's headers or query arguments into an arena array. The
 * strings stay in libmicrohttpd's connection memory, which outlives the
 * request. A value with a NUL inside is kept as its own field (so the checks
 * see it): libmicrohttpd would hand on only the part before the NUL, and
 * "Bearer KEY\0junk" must not authenticate as KEY. */
struct field_collect {
    struct http_field *f;
    size_t n, cap;
    struct arena *arena;
    bool nul_inside;
};

static enum MHD_Result collect_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct field_collect *c = cls;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) c->nul_inside = true;
    c->f = arena_grow(c->arena, c->f, c->n, &c->cap, sizeof *c->f, 16);
    c->f[c->n++] = (struct http_field){key, value ? value : ""};
    return MHD_YES;
}

static void collect(struct MHD_Connection *conn, struct request *r)
{
    struct field_collect h = {.arena = &r->arena}, q = {.arena = &r->arena};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect_field, &h);
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_field, &q);
    r->headers = h.f;
    r->nheaders = h.n;
    r->query = q.f;
    r->nquery = q.n;
    r->nul_in_fields = h.nul_inside || q.nul_inside;
}

/* a.b.c.d, as inet_ntop writes it, without its printf (every request) */
static void ipv4_text(const struct in_addr *in, char *out)
{
    const unsigned char *b = (const unsigned char *)&in->s_addr;
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i) out[n++] = '.';
        n += fmt_u64(out + n, b[i]);
    }
    out[n] = 0;
}

static struct request *request_new(struct MHD_Connection *conn, const struct server_config *cfg,
                                   const char *method, const char *url)
{
    struct request *r = xcalloc(1, sizeof *r);
    arena_init(&r->arena);
    r->cfg = cfg;
    r->started = time_mono_s();
    r->route = -1;
    r->status = 0;
    /* request id: 4 random bytes of this process, then a counter, in hex */
    static const char hex[] = "0123456789abcdef";
    unsigned long long n = atomic_fetch_add(&request_counter, 1) + 1;
    for (int i = 0; i < 4; i++) {
        r->id[2 * i] = hex[id_prefix[i] >> 4];
        r->id[2 * i + 1] = hex[id_prefix[i] & 15];
    }
    for (int i = 0; i < 10; i++)
        r->id[8 + i] = hex[(n >> (4 * (9 - i))) & 15];
    r->id[18] = 0;
    r->method = arena_strdup(&r->arena, method);
    r->path = arena_strdup(&r->arena, url);
    buf_init(&r->body, &r->arena);
    buf_init(&r->out, &r->arena);
    r->spool_fd = -1;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            ipv4_text(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                      sizeof ip);
    }
    r->client_ip = arena_strdup(&r->arena, ip);
    return r;
}

/* Headers every answer carries. Authenticated or not, nothing postroom
 * serves may be stored by a shared cache (wall 6). */
static void add_standard_headers(struct request *r, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json");
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Authorization, Cookie");
    /* a handler's own policy (the status page's stricter one) replaces this */
    bool own_csp = false;
    for (int i = 0; i < r->nhdr; i++)
        if (!strcasecmp(r->hdr_name[i], "Content-Security-Policy")) own_csp = true;
    if (!own_csp)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                                "form-action 'self'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    /* framing is refused by the CSP's frame-ancestors; X-Frame-Options, which
     * it supersedes, would only cost every answer another header */
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    if (r->cfg->tls_cert)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

/* --- streamed answers (http_reply_stream) ---------------------------------
 * libmicrohttpd asks for the body block by block (chunked on HTTP/1.1, up
 * to the close on 1.0), always on the thread that serves the connection, so
 * the thread's store connection is the one the producer uses, between
 * other requests' turns: a producer holds no snapshot across chunks. */
#define STREAM_BLOCK (64u << 10)

/* Makes the next chunk. Its claims and audit records are settled before any
 * of its bytes leave. False cuts the connection: the status line and the
 * chunks before are already out, so a failure can no longer become a 500,
 * only an answer that visibly ends short (no last chunk). A foreign record
 * raises the same security event and tripwire as any answer's
 * (egress_enforce), whose 500 is never sent. */
static bool stream_chunk(struct request *r)
{
    r->stream_sent += r->out.len;
    r->stream_off = 0;
    /* the request's arena is the chunk's own while it is made (request.h) */
    struct arena keep = r->arena;
    r->arena = r->stream_arena;
    arena_free(&r->arena); /* the previous chunk */
    buf_init(&r->out, &r->arena);
    r->audit = NULL, r->naudit = r->audit_cap = 0;
    r->store = store_for_thread(r->cfg);
    /* a kill switch turned on while the answer streams stops it at the next
     * chunk (the table in memory, refreshed within a second: no store call) */
    const char *reason = NULL;
    bool stopped = killswitch_stops(router_route(r), r->principal.tenant_id, &r->arena, &reason);
    if (stopped)
        log_json("warn", "stream stopped by a kill switch",
                 arena_printf(&r->arena, "\"request_id\":\"%s\"", r->id));
    enum http_stream_step step =
        r->store && !stopped ? r->stream_next(r, r->stream_ctx) : HTTP_STREAM_FAILED;
    /* with the connection still at hand: the tripwire records through it */
    bool ok = !egress_enforce(r, http_route_name(r)) && step != HTTP_STREAM_FAILED;
    if (ok && r->naudit)
        ok = audit_j ? audit_journal_write(audit_j, &r->arena, r->audit, r->naudit)
                     : http_audit_flush(r);
    r->audit = NULL, r->naudit = r->audit_cap = 0;
    if (r->store && store_is_broken(r->store)) {
        store_discard(r->store);
        ok = false;
    }
    r->store = NULL; /* the thread's, not this request's, between chunks */
    if (step == HTTP_STREAM_DONE) r->stream_next = NULL;
    r->stream_arena = r->arena;
    r->arena = keep;
    if (!ok) {
        r->stream_next = NULL;
        r->out.len = 0;
        r->status = 500; /* what the log and metrics say: the answer failed */
    }
    return ok;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *dst, size_t max)
{
    (void)pos;
    struct request *r = cls;
    while (r->stream_off == r->out.len) {
        if (!r->stream_next) return MHD_CONTENT_READER_END_OF_STREAM;
        if (!stream_chunk(r)) return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = r->out.len - r->stream_off;
    if (n > max) n = max;
    memcpy(dst, r->out.data + r->stream_off, n);
    r->stream_off += n;
    return (ssize_t)n;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct request *r)
{
    r->sent = true;
    struct MHD_Response *resp =
        r->stream_next
            ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, r,
                                                NULL)
            : MHD_create_response_from_buffer(r->out.len, r->out.len ? r->out.data : (void *)"",
                                              MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    add_standard_headers(r, resp);
    for (int i = 0; i < r->nhdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    /* after a request whose framing cannot be trusted, nothing more is read
     * from the connection: bytes after it could be a smuggled request */
    if (r->close_connection) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* --- spooled uploads (server_config.spool_routes) ------------------------------------------
 * An import's file goes to a file in server_config.spool_dir as it
 * arrives, so a 100,000-row upload costs the server no more memory than a
 * small one. The handler takes the file (spool_path NULL) or it is removed
 * when the request ends. */
static bool spool_open(struct request *r, const char *method, const char *url)
{
    int route;
    if (!r->cfg->spool_dir || !r->cfg->spool_routes ||
        router_match(r, method, url, &route) != ROUTE_FOUND)
        return false;
    bool spools = false;
    for (const char *const *n = r->cfg->spool_routes; *n && !spools; n++)
        spools = !strcmp(*n, r->cfg->routes->routes[route].name);
    if (!spools) return false;
    char *path = arena_printf(&r->arena, "%s/upload-%s-XXXXXX", r->cfg->spool_dir, r->id);
    r->spool_fd = mkstemp(path);
    if (r->spool_fd < 0) {
        log_json("error", "cannot spool an upload", NULL);
        return false;
    }
    r->spool_path = path;
    return true;
}

static bool spool_write(struct request *r, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(r->spool_fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            log_json("error", "cannot write a spooled upload", NULL);
            return false;
        }
        p += w, n -= (size_t)w;
    }
    return true;
}

static void spool_end(struct request *r)
{
    if (r->spool_fd >= 0) close(r->spool_fd);
    r->spool_fd = -1;
    if (r->spool_path) unlink(r->spool_path);
    r->spool_path = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    const struct server_config *cfg = cls;
    struct request *r = *con_cls;
    if (!r) {
        r = request_new(conn, cfg, method, url);
        r->http10 = version && strcmp(version, "HTTP/1.0") == 0;
        *con_cls = r;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        /* A body declared too large is read and discarded, then answered
         * 413 (a page for a browser's upload), for a client that sends all
         * of it before reading: answered early, the unread bytes would make
         * the close a reset that loses the answer. Above 8 x max_body (the
         * bound the chunked path keeps too) it is answered at once and the
         * connection closed. */
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        bool spooled = spool_open(r, method, url);
        size_t limit = spooled ? cfg->max_upload : cfg->max_body;
        if (declared > 8ull * limit) {
            spool_end(r);
            r->close_connection = true;
            http_error(r, 413, "PayloadTooLarge", "The request body is too large.");
            return send_reply(conn, r);
        }
        if (declared > limit) r->body_too_large = true;
        /* an upload that goes to disk is let in only with credentials that
         * hold: refused now, before its first byte is written (a client
         * that sent Expect: 100-continue sends none), the rest of it
         * discarded and the connection closed after the answer */
        if (spooled && !r->body_too_large) {
            collect(conn, r);
            r->store = store_for_thread(cfg);
            bool admitted = http_upload_admitted(r);
            if (r->store && store_is_broken(r->store)) {
                store_discard(r->store);
                r->store = NULL;
            }
            if (!admitted) {
                spool_end(r);
                r->close_connection = true;
                return send_reply(conn, r);
            }
        }
        return MHD_YES;
    }
    if (r->sent) {
        *upload_data_size = 0; /* already answered (413): discard the rest */
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* A body that grows past the limit (chunked, so no Content-Length to
         * refuse up front) is discarded and answered 413 once it ends; one
         * that keeps going far beyond gets its connection closed. */
        r->body_seen += *upload_data_size;
        size_t limit = r->spool_path ? cfg->max_upload : cfg->max_body;
        if (r->body_too_large || r->body_seen > limit) {
            r->body_too_large = true;
            *upload_data_size = 0;
            return r->body_seen > 8 * limit ? MHD_NO : MHD_YES;
        }
        if (r->spool_path) {
            if (!spool_write(r, upload_data, *upload_data_size)) return MHD_NO;
        } else {
            buf_add(&r->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    buf_cstr(&r->body);
    collect(conn, r);
    r->store = store_for_thread(cfg);
    r->audit_deferred = audit_j != NULL;
    http_handle(r);
    /* A connection a call broke is closed now, before this thread serves
     * anything else: the store remembers its own failures (store.c). */
    if (r->store && store_is_broken(r->store)) {
        store_discard(r->store);
        r->store = NULL;
    }
    if (r->naudit && !audit_journal_write(audit_j, &r->arena, r->audit, r->naudit))
        audit_refused(r);
    r->naudit = 0;
    return send_reply(conn, r);
}

/* One JSON line per request, written by hand: the numbers, the hex id and
 * the timestamp are postroom's own and need no escaping; the method (as the
 * client sent it) and the route name go through the JSON writer's escaping
 * like every other string. */
static void log_request(struct request *r, double secs)
{
    struct buf b;
    buf_init(&b, &r->arena);
    buf_reserve(&b, 200);
    char ts[40];
    time_format_rfc3339(time_now_ms(), ts, sizeof ts);
    buf_adds(&b, "{\"ts\":\"");
    buf_adds(&b, ts);
    buf_adds(&b, "\",\"level\":\"info\",\"msg\":\"request\",\"rid\":\"");
    buf_adds(&b, r->id);
    buf_adds(&b, "\",\"tenant\":");
    buf_add_i64(&b, r->principal.tenant_id);
    buf_adds(&b, ",\"method\":");
    buf_add_json_str(&b, r->method);
    buf_adds(&b, ",\"route\":");
    buf_add_json_str(&b, http_route_name(r));
    buf_adds(&b, ",\"status\":");
    buf_add_i64(&b, r->status);
    /* microseconds as a fixed-point millisecond figure, without printf */
    uint64_t us = (uint64_t)(secs * 1e6);
    char ms[32];
    size_t n = fmt_u64(ms, us / 1000);
    ms[n++] = '.';
    ms[n++] = (char)('0' + us % 1000 / 100);
    ms[n++] = (char)('0' + us % 100 / 10);
    ms[n++] = (char)('0' + us % 10);
    buf_adds(&b, ",\"ms\":");
    buf_add(&b, ms, n);
    buf_adds(&b, ",\"bytes\":");
    buf_add_i64(&b, (int64_t)(r->stream_sent + r->out.len));
    buf_addc(&b, '}');
    log_write_line_batched(b.data, b.len);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct request *r = *con_cls;
    if (!r) return;
    spool_end(r);
    double secs = time_mono_s() - r->started;
    if (!r->status) r->status = 499; /* client went away before an answer */
    log_request(r, secs);
    metrics_record(r->route, r->status, secs);
    arena_free(&r->stream_arena);
    arena_free(&r->arena);
    free(r);
    *con_cls = NULL;
}

/* libmicrohttpd's own diagnostics become JSON log lines like every other.
 * Its messages describe protocol errors and carry no request data. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512], esc[1100], extra[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t o = 0;
    for (const char *p = msg; *p && o + 7 < sizeof esc; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            esc[o++] = '\\';
            esc[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            esc[o++] = ' '; /* keep the line plain ASCII JSON */
        } else {
            esc[o++] = (char)c;
        }
    }
    while (o && esc[o - 1] == ' ')
        o--;
    esc[o] = 0;
    snprintf(extra, sizeof extra, "\"detail\":\"%s\"", esc);
    log_json("warn", "http library", extra);
}

/* Keeps the path exactly as sent: the router matches raw segments, and
 * handlers decode what they take (a %3B inside a quoted reference is data,
 * not a separator). */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

/* --- housekeeping ----------------------------------------------------------
 * One thread with its own connection does the store's housekeeping every
 * 200 ms until the server stops, and refreshes the kill switches' snapshot
 * (http/killswitch.c) as often: a switch set anywhere is obeyed here within
 * one round (well inside the 1 s issue 10 asks), with one small read per
 * round instead of one per request. */
static atomic_bool stopping;

static void *housekeeper(void *arg)
{
    const struct server_config *cfg = arg;
    struct store *s = NULL;
    while (!atomic_load(&stopping)) {
        if (!s && cfg->db_path && store_open(cfg->db_path, &s) != STORE_OK) s = NULL;
        log_flush();
        if (s && killswitch_refresh(s) != STORE_OK) {
            store_close(s);
            s = NULL;
        }
        if (s && cfg->housekeeping) cfg->housekeeping(s, cfg);
        /* API keys' last use (auth/apikey_usage.h): a failed write waits */
        if (s && apikey_usage_flush(s) == STORE_ERROR) {
            store_close(s);
            s = NULL;
        }
        if (s && store_maintain(s) != STORE_OK) {
            store_close(s);
            s = NULL;
        }
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (s) {
        store_maintain(s);
        store_close(s);
    }
    return NULL;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + got + 1 > cap) {
            cap = (n + got + 1) * 2;
            data = xrealloc(data, cap);
        }
        memcpy(data + n, chunk, got);
        n += got;
    }
    fclose(f);
    if (!data) data = xcalloc(1, 1);
    data[n] = 0;
    return data;
}

static int serve(struct server_config *c);

int server_run(struct server_config *c)
{
    return serve(c);
}

/* Migrates the app's database and reads what every request needs from it. */
static int prepare_store(struct server_config *c)
{
    struct store *s;
    if (store_open(c->db_path, &s) != STORE_OK) {
        fprintf(stderr, "postroom: cannot open the database\n");
        return 1;
    }
    int applied = 0;
    if (store_migrate(s, &applied) != STORE_OK ||
        store_meta_secret(s, "continuation_token_key", c->token_key, sizeof c->token_key) !=
            STORE_OK ||
        killswitch_refresh(s) != STORE_OK) { /* obeyed from the first request */
        fprintf(stderr, "postroom: cannot prepare the database\n");
        store_close(s);
        return 1;
    }
    store_close(s);
    return 0;
}

static int serve(struct server_config *c)
{
    randombytes_buf(id_prefix, sizeof id_prefix);
    if (c->db_path && prepare_store(c) != 0) return 1;

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    socklen_t sl;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, c->listen_host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(c->port);
        sl = sizeof *in4;
    } else if (inet_pton(AF_INET6, c->listen_host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(c->port);
        sl = sizeof *in6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "postroom: --listen needs a numeric address, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    (void)sl;
    char *cert = NULL, *key = NULL;
    if (c->tls_cert || c->tls_key) {
        if (!c->tls_cert || !c->tls_key) {
            fprintf(stderr, "postroom: --tls-cert and --tls-key go together\n");
            return 2;
        }
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            fprintf(stderr, "postroom: this libmicrohttpd has no TLS support\n");
            return 1;
        }
        cert = read_file(c->tls_cert);
        key = read_file(c->tls_key);
        if (!cert || !key) {
            fprintf(stderr, "postroom: cannot read the TLS certificate or key\n");
            free(cert);
            free(key);
            return 1;
        }
        flags |= MHD_USE_TLS;
    }

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* server threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);

    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    if (!audit_start(c)) {
        fprintf(stderr, "postroom: cannot open the audit's journal beside the database\n");
        free(cert);
        free(key);
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, c->port, NULL, NULL, on_request, c, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
        NULL, /* first, to catch every message */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, c->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, c->timeout_s, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_ARRAY, cert ? tls_opts : &tls_opts[2], MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "postroom: cannot listen on %s:%u\n", c->listen_host, c->port);
        audit_stop();
        free(cert);
        free(key);
        return 1;
    }
    pthread_t hk;
    atomic_store(&stopping, false);
    bool hk_started = pthread_create(&hk, NULL, housekeeper, c) == 0;
    bool workers = c->db_path && c->workers_start && c->workers_start(c);
    char extra[160];
    snprintf(extra, sizeof extra,
             "\"listen\":\"%s:%u\",\"threads\":%u,\"tls\":%s,\"rate_limit\":%d", c->listen_host,
             c->port, c->threads, cert ? "true" : "false", c->rate_limit);
    log_json("info", "serving", extra);
    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {
    }
    log_json("info", "stopping", NULL);
    MHD_stop_daemon(d);
    if (workers && c->workers_stop) c->workers_stop();
    audit_stop();
    atomic_store(&stopping, true);
    if (hk_started) pthread_join(hk, NULL);
    stores_close_all();
    killswitch_reset(); /* the snapshot dies with the server */
    log_flush();
    if (cert) sodium_memzero(cert, strlen(cert));
    if (key) sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
    return 0;
}
