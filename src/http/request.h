/* request: one HTTP request's state, from the first byte to the log line.
 *
 * Everything a request allocates lives in its arena and dies with it. The
 * response is built here and only leaves through http_send(), which is where
 * the egress check runs (wall 5): every record written into a body is claimed
 * with its tenant id, and a body carrying any tenant but the principal's is
 * withheld. */
#ifndef POSTROOM_REQUEST_H
#define POSTROOM_REQUEST_H
#include "auth/principal.h"
#include "incident/security_event.h"
#include "util/arena.h"
#include "util/buf.h"

struct audit_actor;
struct MHD_Connection;

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct server_config;
struct multipart;

struct http_field {
    const char *name, *value;
};

struct request;
/* The producer of a streamed answer (http_reply_stream): writes the next
 * chunk into r->out and says whether more follow. */
enum http_stream_step { HTTP_STREAM_FAILED = -1, HTTP_STREAM_DONE = 0, HTTP_STREAM_MORE = 1 };
typedef enum http_stream_step (*http_stream_fn)(struct request *r, void *ctx);

#define REQ_MAX_HEADERS_OUT 12
#define REQ_MAX_PARAMS 4

struct request {
    struct arena arena;
    const struct server_config *cfg;
    struct store *store; /* this thread's connection; NULL if none could be opened */

    char id[20]; /* request id, also sent as X-Request-Id */
    double started;
    const char *method;
    const char *path; /* raw (still percent-encoded) path, no query */
    const char *client_ip;

    /* headers in arrival order, names as sent; query arguments still
     * percent-encoded (http_query decodes) */
    const struct http_field *headers, *query;
    size_t nheaders, nquery;
    bool nul_in_fields; /* a header or query value had a NUL inside */
    bool http10;        /* HTTP/1.0: no Host required */

    struct buf body;        /* request body */
    struct multipart *form; /* the body's multipart/form-data parts, once parsed */
    const char *form_error; /* why the multipart body did not parse */
    size_t body_seen;       /* bytes received, kept or not */
    /* A route that spools (server_config.spool_routes): the body went to this file in
     * server_config.spool_dir instead of body (body_fd open on it). A
     * handler that keeps the file sets spool_path to NULL; otherwise the
     * server removes it when the request ends. */
    char *spool_path;
    int spool_fd;
    bool body_too_large;

    /* routing */
    int route; /* index into the route table, -1 if none */
    const char *params[REQ_MAX_PARAMS];

    /* authentication */
    struct principal principal;
    bool authenticated;
    const char *session_csrf; /* set when signed in with a session */
    bool session_stale;       /* a session cookie came that names no live session */

    /* response */
    int status;
    const char *content_type;
    struct buf out;
    const char *hdr_name[REQ_MAX_HEADERS_OUT];
    const char *hdr_value[REQ_MAX_HEADERS_OUT];
    int nhdr;
    bool sent;
    bool close_connection; /* answer with Connection: close */
    /* a streamed answer (http_reply_stream, server.c): the producer of the
     * chunks after r->out, the arena the current chunk lives in, how much of
     * r->out has left and how many bytes went out before it */
    http_stream_fn stream_next;
    void *stream_ctx;
    struct arena stream_arena;
    size_t stream_off, stream_sent;
    bool egress_violation;
    int64_t egress_foreign_tenant;
    /* the foreign records claimed (the first EGRESS_MAX_FOREIGN), for the
     * tripwire's security event */
    struct security_record *egress_foreign;
    size_t negress_foreign;

    /* access audit records the handler asked for, appended once the
     * handler's snapshot is over (http_audit) */
    struct audit_record *audit;
    size_t naudit, audit_cap;
    /* On a server, the records go to its journal (audit_journal.h,
     * server.c) instead of being appended by http_handle. */
    bool audit_deferred;
};

/* Who asks, for the access audit: this server (host:pid), the request id
 * and the principal, allocated from the request's arena. NULL when the
 * server records nothing (--audit 0): a use case handed no actor records
 * nothing. */
const struct audit_actor *http_audit_actor(struct request *r);

/* Records that this request read objects ("order:1001,1002") of
 * data_tenant, for the access audit. The records are appended after the
 * handler (and its read snapshot) ends; on a server they are written to
 * its journal (audit_journal.h) before the answer leaves, and if that
 * fails, it becomes a 500: nothing recorded as read leaves unrecorded. Nothing is recorded when the
 * server audits no reads
 * (--audit-reads 0) or nothing at all (--audit 0). */
void http_audit(struct request *r, int64_t data_tenant, const char *action, const char *objects);
/* The same for a list of ids of one kind ("order"), in as many records as
 * domain/audit.h's bound on ids per record asks. */
void http_audit_ids(struct request *r, int64_t data_tenant, const char *action, const char *kind,
                    const int64_t *ids, size_t n);
/* Appends the pending records (handle.c); false when that failed. */
bool http_audit_flush(struct request *r);

/* Request side. */
const char *http_header(struct request *r, const char *name);
/* A query argument, percent-decoded; NULL when absent. A handler sees only
 * the parameters its route lists (the guards drop the others). */
const char *http_query(struct request *r, const char *name);
/* A text field of the form the body carries, decoded: either
 * application/x-www-form-urlencoded or multipart/form-data (a file field, or
 * one holding a NUL, is no text field). NULL when absent. */
const char *http_form(struct request *r, const char *name);
/* Every value of a field a urlencoded form repeats (the ticked boxes of a
 * list, name=1&name=2...), decoded, in body order, at most max; the count.
 * A multipart body gives its first value only. */
size_t http_form_all(struct request *r, const char *name, const char **values, size_t max);
/* The parts of a multipart/form-data body, parsed once; NULL when the body is
 * not multipart/form-data or is malformed (r->form_error then says why). */
const struct multipart *http_multipart(struct request *r);

/* Response side. Handlers set a status and body, then return; the server
 * sends it. */
void http_add_header(struct request *r, const char *name, const char *value);
void http_reply(struct request *r, int status, const char *content_type);
void http_reply_json(struct request *r, int status); /* body already in r->out */
/* A 200 whose body is r->out (the first chunk, checked and audited like any
 * answer) followed by the chunks next(r, ctx) writes, one per call, into
 * r->out, until it returns HTTP_STREAM_DONE. While a chunk is made, the
 * request's arena is that chunk's own (freed before the next), so memory
 * stays bounded by a chunk: ctx and whatever outlives a chunk must be
 * allocated before. Each chunk's claims are checked and its audit records
 * written before any of its bytes leave; a foreign record, a failed audit
 * write or HTTP_STREAM_FAILED cuts the connection instead, since the status
 * line is already out (server.c). An error (http_error) before the answer
 * leaves cancels the stream. */
void http_reply_stream(struct request *r, const char *content_type, http_stream_fn next, void *ctx);
/* ErrorResponse {"code":..,"message":..}; replaces any body. */
void http_error(struct request *r, int status, const char *code, const char *message);

/* Egress: declare that a record of tenant_id is in the body being built;
 * order_id is the order it is or belongs to (0: it names none), so that a
 * withheld answer says which records it held. */
void http_egress_foreign(struct request *r, int64_t tenant_id, int64_t order_id);
static inline void http_egress_claim(struct request *r, int64_t tenant_id, int64_t order_id)
{
    if (tenant_id != r->principal.tenant_id || !r->authenticated)
        http_egress_foreign(r, tenant_id, order_id);
}

#endif
