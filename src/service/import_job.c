/* import_job: reading, checking, staging and swapping in one import (see
 * the header). */
#include "service/import_job.h"
#include "formats/import_stream.h"
#include "service/import_mapping.h"
#include "service/order_batch.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *import_runner_id(void)
{
    static char id[96];
    if (!id[0]) {
        char host[64] = "";
        gethostname(host, sizeof host - 1);
        snprintf(id, sizeof id, "%s:%ld", host, (long)getpid());
    }
    return id;
}

static const struct {
    const char *word;
    enum import_format format;
} formats[] = {
    {"auto", 0},
    {"clickanddrop", IMPORT_CLICKANDDROP},
    {"shopify", IMPORT_SHOPIFY},
    {"ebay", IMPORT_EBAY},
    {"amazon", IMPORT_AMAZON},
    {"etsy", IMPORT_ETSY},
    {"woocommerce", IMPORT_WOOCOMMERCE},
};

bool import_job_format(const char *word, enum import_format *out)
{
    for (size_t i = 0; word && i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(word, formats[i].word)) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

const char *import_job_plain(struct arena *a, const char *message)
{
    if (!message || message[0] != '\'') return message;
    const char *end = strstr(message + 1, "' is ");
    return end ? arena_printf(a, "the value%s", end + 1) : "the value cannot be read";
}

/* One run's state. */
struct run {
    struct service_ctx *c;
    int64_t job_id;
    const char *runner;
    const struct import_job_hooks *hooks;
    struct import_job_row p; /* counters and outcome, as the job row will say */
    int64_t seq;             /* staged orders so far */
    struct import_problem_row *pending;
    size_t npending, cap;
};

static void problem(struct run *r, struct arena *a, size_t line, const char *column,
                    const char *message)
{
    if (r->hooks && r->hooks->problem) r->hooks->problem(r->hooks->ctx, line, column, message);
    r->p.problems++;
    if (r->p.problems > IMPORT_JOB_PROBLEMS_KEPT) return;
    r->pending = arena_grow(a, r->pending, r->npending, &r->cap, sizeof *r->pending, 64);
    r->pending[r->npending++] =
        (struct import_problem_row){(int64_t)line, column, import_job_plain(a, message)};
}

static int flush_problems(struct run *r)
{
    int64_t first = r->p.problems - (int64_t)r->npending;
    if (first > IMPORT_JOB_PROBLEMS_KEPT) first = IMPORT_JOB_PROBLEMS_KEPT;
    int rc = store_import_problems_add(r->c->store, &r->c->scope, r->job_id, first + 1, r->pending,
                                       r->npending);
    r->pending = NULL;
    r->npending = r->cap = 0;
    return rc;
}

/* The chunk's orders checked as POST /orders checks them; the failures
 * become problems named by the column the user knows. */
static void check_chunk(struct run *r, struct arena *a, const struct import_batch *ib,
                        struct order_batch *ob)
{
    const json_t **items = arena_alloc(a, (ib->norders ? ib->norders : 1) * sizeof *items);
    for (size_t i = 0; i < ib->norders; i++)
        items[i] = ib->orders[i].item;
    struct service_ctx c = *r->c;
    c.arena = a;
    order_batch_check(&c, items, ib->norders, ob);
    const char *channel =
        ib->format == IMPORT_CLICKANDDROP ? "Spreadsheet import" : ib->format_name;
    for (size_t i = 0; i < ob->nvalid; i++)
        ob->valid[i].channel = channel;
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->slot[i] != ORDER_BATCH_FAILED) continue;
        for (size_t k = 0; k < ob->errs[i].n; k++) {
            const struct field_error *fe = &ob->errs[i].items[k];
            const char *column = import_column_for(ib, fe->field);
            problem(r, a, ib->orders[i].line, column ? column : (*fe->field ? fe->field : NULL),
                    fe->message);
        }
    }
}

/* The chunk's valid orders, numbered and given postage, into the staging. */
static int stage_chunk(struct run *r, struct arena *a, const struct import_batch *ib,
                       struct order_batch *ob)
{
    if (!ob->nvalid) return STORE_OK;
    struct service_ctx c = *r->c;
    c.arena = a;
    int rc = order_batch_prepare(&c, ob);
    if (rc != STORE_OK) return rc;
    struct import_staged_row *rows = arena_alloc(a, ob->nvalid * sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < ob->n; i++) {
        size_t k = ob->slot[i];
        if (k == ORDER_BATCH_FAILED) continue;
        rows[n++] = (struct import_staged_row){++r->seq, (int64_t)ib->orders[i].line, &ob->valid[k],
                                               ob->history[k]};
    }
    rc = store_import_stage(r->c->store, &r->c->scope, r->job_id, rows, n);
    if (rc == STORE_OK) r->p.orders_staged += (int64_t)n;
    return rc;
}

static int progress(struct run *r, struct import_stream *st)
{
    r->p.bytes_read = (int64_t)import_stream_bytes(st);
    r->p.rows_read = (int64_t)import_stream_rows(st);
    r->c->now = time_now_ms();
    int rc = flush_problems(r);
    if (rc == STORE_OK)
        rc = store_import_job_progress(r->c->store, &r->c->scope, r->job_id, r->runner, &r->p,
                                       r->c->now + IMPORT_JOB_LEASE_MS);
    if (rc == STORE_OK && r->hooks && r->hooks->progress) r->hooks->progress(r->hooks->ctx, &r->p);
    return rc;
}

/* One chunk read, checked and (while the import can still succeed)
 * staged. IMPORT_END when the file is done. */
static int one_chunk(struct run *r, struct import_stream *st, enum import_chunk *what)
{
    struct arena a;
    arena_init(&a);
    struct import_batch ib;
    *what = import_stream_next(st, &a, &ib);
    int rc = STORE_OK;
    if (*what == IMPORT_FILE_ERROR) {
        const struct import_error *e = &ib.errors[0];
        if (ib.format_name) r->p.format_name = arena_strdup(r->c->arena, ib.format_name);
        problem(r, &a, e->line, e->column, e->message);
    } else if (*what == IMPORT_CHUNK) {
        if (ib.format_name && !r->p.format_name)
            r->p.format_name = arena_strdup(r->c->arena, ib.format_name);
        for (size_t i = 0; i < ib.nerrors; i++)
            problem(r, &a, ib.errors[i].line, ib.errors[i].column, ib.errors[i].message);
        for (size_t i = 0; i < ib.nleft_out; i++)
            if (r->hooks && r->hooks->left_out) r->hooks->left_out(r->hooks->ctx, &ib.left_out[i]);
        r->p.left_out += (int64_t)ib.nleft_out;
        r->p.orders_created += (int64_t)ib.norders; /* orders read, until the swap says */
        struct order_batch ob;
        check_chunk(r, &a, &ib, &ob);
        /* once a bad row sinks the import, the rest is only read for its
         * problems: nothing more is staged */
        if (!r->p.problems || r->p.skip_bad_rows) rc = stage_chunk(r, &a, &ib, &ob);
    }
    if (rc == STORE_OK) rc = progress(r, st);
    import_batch_free(&ib);
    arena_free(&a);
    return rc;
}

/* A job run again after its first runner stopped says so. */
static const char *resumed(struct run *r, const char *message)
{
    if (r->p.attempts <= 1) return message;
    return arena_printf(r->c->arena,
                        "%s (run again from the start: the first run stopped before it "
                        "finished, and nothing of it was applied)",
                        message);
}

static int finish(struct run *r, enum import_job_state state, const char *outcome,
                  const char *message)
{
    message = resumed(r, message);
    r->p.state = state;
    r->p.outcome = outcome;
    r->p.message = message;
    r->c->now = time_now_ms();
    int rc = store_import_unstage(r->c->store, &r->c->scope, r->job_id);
    if (rc == STORE_OK)
        rc = store_import_job_finish(r->c->store, &r->c->scope, r->job_id, &r->p, r->c->now);
    return rc;
}

/* The swap, its audit records and the job's end: one transaction. */
static int swap_in(struct run *r)
{
    struct service_ctx *c = r->c;
    c->now = time_now_ms();
    r->p.outcome = "imported";
    r->p.message =
        resumed(r, r->p.problems ? "imported; the bad rows listed were left out" : "imported");
    return store_import_swap(c->store, &c->scope, r->job_id, r->p.skip_existing, c->now, c->actor,
                             &r->p);
}

static int settle(struct run *r, enum import_chunk last, int64_t read)
{
    if (last == IMPORT_FILE_ERROR)
        return finish(r, IMPORT_FAILED, "unreadable",
                      "the file could not be read on; nothing was imported");
    if (r->p.problems && !r->p.skip_bad_rows)
        return finish(r, IMPORT_FAILED, "rejected",
                      "the file has bad rows; nothing was imported: fix them and upload it again "
                      "(or import with skip bad rows)");
    if (!read && !r->p.left_out && !r->p.problems)
        return finish(r, IMPORT_FAILED, "empty", "the file has no orders below its header row");
    return swap_in(r);
}

int import_job_run(struct service_ctx *c, int64_t job_id, const char *runner, FILE *f,
                   const struct import_job_hooks *hooks, struct import_job_row *out)
{
    struct import_job_row job;
    int rc = store_import_job_get(c->store, &c->scope, job_id, c->arena, &job);
    if (rc != STORE_OK) return rc == STORE_NOTFOUND ? SERVICE_NOTFOUND : SERVICE_STORE_ERROR;
    struct import_defaults d = {.now_ms = time_now_ms(),
                                .weight_grams = job.default_grams,
                                .package_format = job.default_package};
    if (!import_job_format(job.format, &d.format)) d.format = 0;
    struct run r = {.c = c, .job_id = job_id, .runner = runner, .hooks = hooks, .p = job};
    /* "mapping:N": the file is read through the business's saved mapping N
     * (web/import.c, postroom import --mapping), looked up again on every
     * run, so a job resumed after a restart reads the file as it began to */
    struct saved_mapping sm;
    long long mapping_id = 0;
    if (job.format && sscanf(job.format, "mapping:%lld", &mapping_id) == 1) {
        int mrc = service_import_mapping_get(c->store, &c->scope, mapping_id, c->arena, &sm);
        if (mrc == SERVICE_STORE_ERROR) return SERVICE_STORE_ERROR;
        if (mrc != SERVICE_OK) {
            rc = finish(&r, IMPORT_FAILED, "mapping",
                        "the saved column mapping this file was to be read with is gone; "
                        "nothing was imported");
            *out = r.p;
            return rc == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
        }
        d.mapping = &sm.m;
    }
    r.p.bytes_read = r.p.rows_read = r.p.orders_staged = r.p.problems = r.p.left_out = 0;
    r.p.orders_created = 0;
    struct import_stream *st = import_stream_open(f, &d);
    enum import_chunk what = IMPORT_CHUNK;
    while (rc == STORE_OK && what == IMPORT_CHUNK)
        rc = one_chunk(&r, st, &what);
    import_stream_close(st);
    int64_t read = r.p.orders_created;
    r.p.orders_created = 0;
    if (rc == STORE_OK) rc = settle(&r, what, read);
    *out = r.p;
    out->state = rc == STORE_OK ? r.p.state : IMPORT_RUNNING;
    if (rc == STORE_CONFLICT) return SERVICE_NOTFOUND; /* another runner has it now */
    return rc == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}

int import_job_fail(const struct service_ctx *c, const struct import_job_row *job,
                    const char *outcome, const char *message)
{
    struct import_job_row p = *job;
    p.state = IMPORT_FAILED;
    p.outcome = outcome;
    p.message = message;
    int rc = store_import_unstage(c->store, &c->scope, job->job_id);
    if (rc == STORE_OK) rc = store_import_job_finish(c->store, &c->scope, job->job_id, &p, c->now);
    return rc == STORE_OK || rc == STORE_CONFLICT ? SERVICE_OK : SERVICE_STORE_ERROR;
}
