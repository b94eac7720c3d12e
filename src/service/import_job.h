/* import_job: one import job run to its end, whichever process runs it
 * (the server's worker thread, the web page for a small file, the
 * command line's `postroom import`).
 *
 * The file is read chunk by chunk (formats/import_stream.h) in memory
 * bounded by a chunk; each order is checked exactly as POST /orders checks
 * it (service/order_batch), and each chunk's valid orders are staged in a
 * short write of their own. At the end one transaction swaps the staged
 * orders into the business's orders, writes their audit records and marks
 * the job done; a job whose file has a bad row (without skip_bad_rows) or
 * cannot be read ends failed, having created nothing. So a job is applied
 * whole or not at all, and what it says is what happened. */
#ifndef POSTROOM_IMPORT_JOB_H
#define POSTROOM_IMPORT_JOB_H
#include "formats/import.h"
#include "service/service.h"
#include "store/store_import.h"

#include <stdio.h>

/* Problems kept per job in the store (every one is counted). */
#define IMPORT_JOB_PROBLEMS_KEPT 10000
/* How long a runner's hold on a job lasts unless it renews it (each
 * chunk does). */
#define IMPORT_JOB_LEASE_MS 15000

/* What a door wants to hear while the job runs (every member may be NULL).
 * problem gets the message as the reader wrote it (it may quote the cell,
 * for the page answering the upload); the store keeps it without. */
struct import_job_hooks {
    void *ctx;
    void (*problem)(void *ctx, size_t line, const char *column, const char *message);
    void (*left_out)(void *ctx, const struct import_left_out *l);
    void (*progress)(void *ctx, const struct import_job_row *p);
};

/* This process's runner id, "host:pid" (app/import_worker.h says what a
 * runner is). */
const char *import_runner_id(void);

/* "auto", "clickanddrop", "shopify", "ebay", "amazon", "etsy",
 * "woocommerce" -> the format (0 for auto); false for another word. */
bool import_job_format(const char *word, enum import_format *out);

/* Runs the job c->scope's job_id, already taken by runner
 * (store_import_job_take), reading f. c->actor is who asked (the job's
 * principal), for the audit; c->now is refreshed as the job goes. *out is
 * the job as it ended. SERVICE_OK when the job ended (done or failed, as
 * out says); SERVICE_STORE_ERROR when the store failed first (the job is
 * left running, for a later runner to take once its lease is over);
 * SERVICE_NOTFOUND when the job stopped being this runner's. */
int import_job_run(struct service_ctx *c, int64_t job_id, const char *runner, FILE *f,
                   const struct import_job_hooks *hooks, struct import_job_row *out);

/* Ends a job that cannot be run (its file is gone), as failed with message. */
int import_job_fail(const struct service_ctx *c, const struct import_job_row *job,
                    const char *outcome, const char *message);

/* A problem's message without the cell it quotes: "'31/02/24' is not a
 * date" -> "the value is not a date". */
const char *import_job_plain(struct arena *a, const char *message);

#endif
