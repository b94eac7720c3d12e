/* imports: postroom's own import endpoints, outside Click & Drop's paths
 * (docs/api.md, "Import jobs"):
 *
 *   POST /api/postroom/imports?format=F&skipBadRows=true   the file is the body
 *   GET  /api/postroom/imports/{jobId}
 *
 * The upload was written to a file as it arrived (server_config.spool_routes),
 * so a 100,000-row file costs no more memory than a small one; it is made
 * durable, becomes a queued job of the caller's business and is answered
 * 202 at once. The server's worker runs the job (service/import_job.h).
 * A job is its business's: another business's job id is a 404, exactly as
 * an id that was never issued. */
#include "api/api.h"
#include "http/server.h"
#include "service/import_job.h"
#include "store/store_import.h"
#include "util/timefmt.h"
#include "util/id_parse.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBLEMS_SHOWN 1000

static const char *const state_words[] = {[IMPORT_QUEUED] = "queued",
                                          [IMPORT_RUNNING] = "running",
                                          [IMPORT_DONE] = "done",
                                          [IMPORT_FAILED] = "failed"};

static bool parse_bool(const char *v, bool *out)
{
    if (!v || !strcmp(v, "false")) return *out = false, true;
    if (!strcmp(v, "true")) return *out = true, true;
    return false;
}

void api_imports_create(struct request *r)
{
    const char *format = http_query(r, "format");
    enum import_format f;
    if (!format) format = "auto";
    if (!import_job_format(format, &f)) {
        http_error(r, 400, "BadRequest",
                   "format must be auto, clickanddrop, shopify, ebay, amazon, etsy or woocommerce");
        return;
    }
    bool skip_bad_rows;
    if (!parse_bool(http_query(r, "skipBadRows"), &skip_bad_rows)) {
        http_error(r, 400, "BadRequest", "skipBadRows must be true or false");
        return;
    }
    if (!r->spool_path || r->body_seen == 0) {
        http_error(r, 400, "BadRequest", "The body must be the file to import (CSV or TSV).");
        return;
    }
    /* acknowledged means kept: the file is on disk before the job exists */
    if (fdatasync(r->spool_fd) != 0) {
        http_error(r, 503, "ServiceUnavailable", "The upload could not be kept; try again.");
        return;
    }
    const char *who = http_audit_actor(r)->principal_id;
    struct import_job_row in = {.source = "api",
                                .format = format,
                                .skip_bad_rows = skip_bad_rows,
                                .skip_existing = true,
                                .file_path = r->spool_path,
                                .file_bytes = (int64_t)r->body_seen,
                                .principal_id = who,
                                .request_id = r->id};
    struct scope sc = scope_of(&r->principal);
    int64_t job;
    if (store_import_job_create(r->store, &sc, &in, time_now_ms(), &job) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    r->spool_path = NULL; /* the job's now: the worker removes it when the job ends */
    http_egress_claim(r, sc.tenant_id, 0);
    char *url = arena_printf(&r->arena, "/api/postroom/imports/%lld", (long long)job);
    http_add_header(r, "Location", url);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kint(&w, "jobId", job);
    jw_kstr(&w, "state", "queued");
    jw_kstr(&w, "statusUrl", url);
    jw_obj_close(&w);
    http_reply_json(r, 202);
}

static void write_problems(struct request *r, struct jw *w, const struct scope *sc, int64_t job)
{
    struct import_problem_row *rows;
    size_t n;
    if (store_import_problems(r->store, sc, job, 0, PROBLEMS_SHOWN, &r->arena, &rows, &n) !=
        STORE_OK)
        n = 0;
    jw_key(w, "problems");
    jw_arr_open(w);
    for (size_t i = 0; i < n; i++) {
        jw_obj_open(w);
        jw_kint(w, "line", rows[i].line);
        jw_kstr_opt(w, "column", rows[i].column);
        jw_kstr(w, "message", rows[i].message);
        jw_obj_close(w);
    }
    jw_arr_close(w);
}

void api_imports_get(struct request *r)
{
    int64_t id;
    struct scope sc = scope_of(&r->principal);
    struct import_job_row j;
    int rc = id_parse(r->params[0], INT64_MAX, &id)
                 ? store_import_job_get(r->store, &sc, id, &r->arena, &j)
                 : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        http_error(r, 404, "NotFound", "No such import job.");
        return;
    }
    if (rc != STORE_OK) {
        api_store_failed(r);
        return;
    }
    http_egress_claim(r, j.tenant_id, 0);
    if (j.first_order_id) http_egress_claim(r, j.tenant_id, j.first_order_id);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kint(&w, "jobId", j.job_id);
    jw_kstr(&w, "state", state_words[j.state]);
    jw_kstr(&w, "source", j.source);
    jw_kstr(&w, "format", j.format);
    jw_kstr_opt(&w, "formatName", j.format_name);
    jw_kbool(&w, "skipBadRows", j.skip_bad_rows);
    jw_kint(&w, "bytesTotal", j.file_bytes);
    jw_kint(&w, "bytesRead", j.bytes_read);
    jw_kint(&w, "rowsRead", j.rows_read);
    jw_kint(&w, "ordersStaged", j.orders_staged);
    jw_kint(&w, "ordersCreated", j.orders_created);
    jw_kint(&w, "ordersSkipped", j.orders_held);
    jw_kint(&w, "ordersLeftOut", j.left_out);
    jw_kint(&w, "problemCount", j.problems);
    write_problems(r, &w, &sc, j.job_id);
    jw_kint(&w, "attempts", j.attempts);
    jw_kbool(&w, "resumed", j.attempts > 1);
    jw_ktime_opt(&w, "createdOn", j.created_at);
    jw_ktime_opt(&w, "startedOn", j.started_at);
    jw_ktime_opt(&w, "finishedOn", j.finished_at);
    jw_key(&w, "result");
    if (j.state == IMPORT_DONE || j.state == IMPORT_FAILED) {
        jw_obj_open(&w);
        jw_kstr_opt(&w, "outcome", j.outcome);
        jw_kstr_opt(&w, "message", j.message);
        if (j.first_order_id) {
            jw_kint(&w, "firstOrderIdentifier", j.first_order_id);
            jw_kint(&w, "lastOrderIdentifier", j.last_order_id);
        }
        jw_obj_close(&w);
    } else {
        jw_null(&w);
    }
    jw_obj_close(&w);
    http_reply_json(r, 200);
}
