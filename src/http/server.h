/* server: the libmicrohttpd adapter. Owns the daemon, the per-thread store
 * connections and the request lifecycle (limits, parse, id, arena, route,
 * authenticate, guard, handle, egress check, send, log). */
#ifndef POSTROOM_SERVER_H
#define POSTROOM_SERVER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tariff;
struct doc_fonts;
struct request;
struct route_table;
struct store;
struct security_event;
struct tripwire_config;

struct server_config {
    /* the app's database; NULL: this server has no app store (the status
     * site, which must answer while that database is down) */
    const char *db_path;
    const char *share_dir;         /* tariff and other data files */
    const struct tariff *tariff;   /* loaded by the composition root (app/share.c) */
    const struct doc_fonts *fonts; /* likewise, shared read-only */
    char listen_host[64];
    uint16_t port;
    int rate_limit; /* requests per second per API key; 0 = off */
    const char *tls_cert, *tls_key;
    unsigned threads;
    size_t max_body;             /* 413 above */
    size_t max_url;              /* 414 above */
    size_t max_headers;          /* 431 above */
    unsigned timeout_s;          /* idle connection timeout */
    unsigned char token_key[32]; /* HMAC key of continuation tokens */
    /* Writes an error as a page, for a browser that asked for HTML outside
     * /api/ (set by the composition root; NULL: errors are always JSON). */
    void (*error_page)(struct request *r, int status, const char *message);
    const struct route_table *routes; /* what this server answers (app/routes.c) */
    /* where a kill switch's 503 sends people (the status site, issue 10);
     * NULL: "the status page" */
    const char *status_url;
    /* Record reads in the access audit too (issue 10; on by default):
     * their records are appended in batches (http/audit_queue.h). */
    bool audit_reads;
    /* Record nothing at all, reads or writes: only for measuring what the
     * audit costs (bench/run.sh), never for serving businesses. */
    bool audit_off;
    /* called by the housekeeper every round with its connection (the access
     * audit's checkpoints, app/audit_cmd.c); NULL: nothing */
    void (*housekeeping)(struct store *s, const struct server_config *c);
    /* The tripwire (issue 10, app/tripwire.c): called in the request whose
     * answer the egress wall withheld (a tenant_mismatch), after the body
     * was wiped and before the 500 is sent, with the request's store
     * connection; tripwire_config is its own. NULL: the event is only
     * logged. */
    void (*tripwire)(struct request *r, const struct security_event *e);
    const struct tripwire_config *tripwire_config;
    /* Called after a kill switch was set or cleared through this server
     * (the operators' console), so it is posted to the status site as the
     * CLI's are (app/status_post.c). False: the switch changed but the post
     * failed. NULL: nothing is posted. */
    bool (*killswitch_changed)(struct request *r, int64_t tenant_id, const char *feature, bool on,
                               const char *reason);
    /* Background work started once the database is ready and stopped
     * before server_run returns: the import jobs' worker thread
     * (app/import_worker.c). NULL: none. */
    bool (*workers_start)(const struct server_config *c);
    void (*workers_stop)(void);
    /* The routes (by name, NULL-terminated) whose body is written to a
     * file in spool_dir while it arrives (request.spool_path), up to
     * max_upload (413 above), not held in memory; NULL spool_dir: none. */
    const char *const *spool_routes;
    const char *spool_dir;
    size_t max_upload;
};

void server_config_defaults(struct server_config *c);
/* Parses "HOST:PORT" (HOST may be [v6]). */
bool server_parse_listen(struct server_config *c, const char *s);
/* Serves until SIGINT or SIGTERM. Returns a process exit status. */
int server_run(struct server_config *c);

#endif
