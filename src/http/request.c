/* request: reading a request's parts and building its answer. */
#include "http/request.h"
#include "domain/audit.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "http/error_shape.h"
#include "http/multipart.h"
#include "http/router.h"
#include "http/server.h"
#include "util/percent.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

const char *http_header(struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

const char *http_query(struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].name;
        if (strcmp(k, name) == 0) {
            const char *raw = r->query[i].value;
            return percent_decode(&r->arena, raw, strlen(raw), true);
        }
    }
    return NULL;
}

static const char *multipart_boundary_of(struct request *r)
{
    const char *ct = http_header(r, "Content-Type");
    return ct ? multipart_boundary(ct, &r->arena) : NULL;
}

const struct multipart *http_multipart(struct request *r)
{
    if (r->form) return r->form;
    if (r->form_error) return NULL;
    const char *boundary = multipart_boundary_of(r);
    if (!boundary) {
        r->form_error = "The form is not multipart/form-data.";
        return NULL;
    }
    struct multipart *m = arena_alloc(&r->arena, sizeof *m);
    if (!multipart_parse(r->body.data ? r->body.data : "", r->body.len, boundary, &r->arena, m,
                         &r->form_error)) {
        if (!r->form_error) r->form_error = "The form could not be read.";
        return NULL;
    }
    r->form = m;
    return m;
}

static const char *multipart_field(struct request *r, const char *name)
{
    const struct multipart *m = http_multipart(r);
    const struct multipart_part *p = m ? multipart_get(m, name) : NULL;
    if (!p || p->filename || memchr(p->data, 0, p->len)) return NULL;
    return p->data;
}

const char *http_form(struct request *r, const char *name)
{
    if (multipart_boundary_of(r)) return multipart_field(r, name);
    const char *p = buf_cstr(&r->body);
    size_t nl = strlen(name);
    while (*p) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
            return percent_decode(&r->arena, eq + 1, len - nl - 1, true);
        p += len;
        if (*p == '&') p++;
    }
    return NULL;
}

size_t http_form_all(struct request *r, const char *name, const char **values, size_t max)
{
    if (multipart_boundary_of(r)) {
        const char *v = max ? multipart_field(r, name) : NULL;
        if (v) values[0] = v;
        return v ? 1 : 0;
    }
    const char *p = buf_cstr(&r->body);
    size_t nl = strlen(name), n = 0;
    while (*p && n < max) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
            values[n++] = percent_decode(&r->arena, eq + 1, len - nl - 1, true);
        p += len;
        if (*p == '&') p++;
    }
    return n;
}

void http_add_header(struct request *r, const char *name, const char *value)
{
    if (r->nhdr >= REQ_MAX_HEADERS_OUT) return;
    r->hdr_name[r->nhdr] = name;
    r->hdr_value[r->nhdr++] = value;
}

void http_reply(struct request *r, int status, const char *content_type)
{
    r->status = status;
    r->content_type = content_type;
}

void http_reply_stream(struct request *r, const char *content_type, http_stream_fn next, void *ctx)
{
    http_reply(r, 200, content_type);
    r->stream_next = next;
    r->stream_ctx = ctx;
}

void http_reply_json(struct request *r, int status)
{
    http_reply(r, status, "application/json");
}

/* A browser asking for a page (navigation sends Accept: text/html) outside
 * the API, whose clients always get JSON. */
static bool wants_page(struct request *r)
{
    const char *accept = http_header(r, "Accept");
    return r->cfg && r->cfg->error_page && accept && strstr(accept, "text/html") &&
           strncmp(r->path, "/api/", 5) != 0;
}

/* In the shape the spec gives this route and status (error_shape.c), or
 * as a page for a browser. */
void http_error(struct request *r, int status, const char *code, const char *message)
{
    r->stream_next = NULL; /* an error replaces a streamed answer too */
    if (wants_page(r)) {
        buf_init(&r->out, &r->arena);
        r->cfg->error_page(r, status, message);
        return;
    }
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    const struct route *rt = router_route(r);
    const char *route = rt ? rt->name : NULL;
    enum error_shape shape = error_shape_for(route, status);
    if (shape == ERROR_SHAPE_MANIFEST) {
        jw_obj_open(&w);
        jw_key(&w, "errors");
    }
    if (shape != ERROR_SHAPE_OBJECT) jw_arr_open(&w);
    jw_obj_open(&w);
    jw_kstr(&w, "code", code);
    jw_kstr(&w, shape == ERROR_SHAPE_MANIFEST ? "description" : "message", message);
    jw_obj_close(&w);
    if (shape != ERROR_SHAPE_OBJECT) jw_arr_close(&w);
    if (shape == ERROR_SHAPE_MANIFEST) jw_obj_close(&w);
    http_reply_json(r, status);
}

/* "host:pid", read once: every record of this process names it. */
static char server_id[96];
static pthread_once_t server_id_once = PTHREAD_ONCE_INIT;

static void server_id_init(void)
{
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(server_id, sizeof server_id, "%s:%ld", host, (long)getpid());
}

const struct audit_actor *http_audit_actor(struct request *r)
{
    if (r->cfg && r->cfg->audit_off) return NULL;
    pthread_once(&server_id_once, server_id_init);
    struct audit_actor *a = arena_alloc(&r->arena, sizeof *a);
    /* "key:ID" or "user:ID", without printf: every audited read comes here */
    char *pid = arena_alloc(&r->arena, 32);
    bool key = r->principal.key_id != 0;
    memcpy(pid, key ? "key:" : "user:", key ? 4 : 5);
    int64_t id = key ? r->principal.key_id : r->principal.user_id;
    char *p = pid + (key ? 4 : 5);
    if (id < 0) *p++ = '-';
    p[fmt_u64(p, id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id)] = 0;
    *a = (struct audit_actor){server_id, r->id, r->principal.tenant_id, pid};
    return a;
}

static void audit_add(struct request *r, const struct audit_record *recs, size_t n)
{
    if (r->naudit + n > r->audit_cap) {
        r->audit_cap = (r->naudit + n) * 2;
        struct audit_record *g = arena_alloc(&r->arena, r->audit_cap * sizeof *g);
        if (r->naudit) memcpy(g, r->audit, r->naudit * sizeof *g);
        r->audit = g;
    }
    memcpy(r->audit + r->naudit, recs, n * sizeof *recs);
    r->naudit += n;
}

/* Reads are recorded unless the server was told not to. */
static const struct audit_actor *read_actor(struct request *r)
{
    return r->cfg && !r->cfg->audit_reads ? NULL : http_audit_actor(r);
}

void http_audit(struct request *r, int64_t data_tenant, const char *action, const char *objects)
{
    const struct audit_actor *who = read_actor(r);
    if (!who) return;
    struct audit_record rec = audit_record_of(who, time_now_ms(), data_tenant, action, objects);
    audit_add(r, &rec, 1);
}

void http_audit_ids(struct request *r, int64_t data_tenant, const char *action, const char *kind,
                    const int64_t *ids, size_t n)
{
    const struct audit_actor *who = read_actor(r);
    if (!who || !n) return;
    struct audit_record *recs;
    size_t k = audit_records_of_ids(&r->arena, who, time_now_ms(), data_tenant, action, kind, ids,
                                    n, &recs);
    audit_add(r, recs, k);
}

bool http_audit_flush(struct request *r)
{
    if (!r->naudit) return true;
    bool ok = r->store && store_audit_append(r->store, r->audit, r->naudit) == STORE_OK;
    r->naudit = 0;
    return ok;
}
