/* import_cmd: the import command (see the header). */
#include "app/import_cmd.h"
#include "app/cli.h"
#include "app/import_worker.h"
#include "app/share.h"
#include "domain/audit.h"
#include "domain/tariff.h"
#include "service/import_job.h"
#include "store/store.h"
#include "store/store_import.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: postroom [--db PATH] import FILE --tenant ID\n"
    "                [--format auto|clickanddrop|shopify|ebay|amazon|etsy|woocommerce]\n"
    "                [--skip-bad-rows]\n"
    "Imports the orders of a spreadsheet file (any number of rows) into the business,\n"
    "all or nothing: one bad row and nothing is imported, every problem listed by line.\n"
    "  --format         the file's layout; default auto (read from its header row)\n"
    "  --skip-bad-rows  import the good rows and list the bad ones\n"
    "Orders whose reference the business already has are skipped, so a file imported\n"
    "twice creates its orders once. Progress goes to stderr: a bar on a terminal,\n"
    "a line every two seconds otherwise.\n";

/* What the command was asked. The options are one table so that another
 * (a named column mapping, issue 13 item 3) is one more line here and one
 * more field. */
struct import_args {
    const char *file;
    int64_t tenant;
    const char *format;
    bool skip_bad_rows;
};

static bool parse_args(int argc, char **argv, struct import_args *a)
{
    *a = (struct import_args){.format = "auto"};
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--tenant") && v) {
            char *end;
            long long t = strtoll(v, &end, 10);
            if (*end || t < 1) return false;
            a->tenant = t;
            i++;
        } else if (!strcmp(o, "--format") && v) {
            a->format = v;
            i++;
        } else if (!strcmp(o, "--skip-bad-rows")) {
            a->skip_bad_rows = true;
        } else if (o[0] != '-' && !a->file) {
            a->file = o;
        } else {
            return false;
        }
    }
    return a->file && a->tenant;
}

/* The progress line: a bar on a terminal, redrawn in place; plain lines
 * every two seconds to anything else. */
struct bar {
    bool tty;
    int64_t file_bytes;
    double started, last;
};

static void bar_draw(void *ctx, const struct import_job_row *p)
{
    struct bar *b = ctx;
    double now = time_mono_s(), secs = now - b->started;
    if (!b->tty && now - b->last < 2.0) return;
    b->last = now;
    double rate = secs > 0 ? (double)p->rows_read / secs : 0;
    double done = b->file_bytes ? (double)p->bytes_read / (double)b->file_bytes : 1;
    double left = done > 0 && done < 1 ? secs / done - secs : 0;
    if (b->tty) {
        char cells[31];
        int filled = (int)(done * 30);
        for (int i = 0; i < 30; i++)
            cells[i] = i < filled ? '#' : '.';
        cells[30] = 0;
        fprintf(stderr, "\r[%s] %3d%%  %lld rows  %.0f rows/s  %.0f s left ", cells,
                (int)(done * 100), (long long)p->rows_read, rate, left);
    } else {
        fprintf(stderr, "postroom: import: %lld rows read (%d%%), %.0f rows/s, about %.0f s left\n",
                (long long)p->rows_read, (int)(done * 100), rate, left);
    }
    fflush(stderr);
}

static void print_problems(struct store *s, const struct scope *sc, int64_t job,
                           const struct import_job_row *out, struct arena *a)
{
    int64_t after = 0;
    for (;;) {
        struct import_problem_row *rows;
        size_t n;
        if (store_import_problems(s, sc, job, after, 500, a, &rows, &n) != STORE_OK || !n) break;
        for (size_t i = 0; i < n; i++) {
            printf("line %lld", (long long)rows[i].line);
            if (rows[i].column) printf(", %s", rows[i].column);
            printf(": %s\n", rows[i].message);
        }
        after += (int64_t)n;
    }
    if (out->problems > IMPORT_JOB_PROBLEMS_KEPT)
        printf("and %lld more problems\n", (long long)(out->problems - IMPORT_JOB_PROBLEMS_KEPT));
}

static void print_result(const struct import_job_row *out, double secs)
{
    if (out->state == IMPORT_DONE) {
        printf("imported %lld order%s", (long long)out->orders_created,
               out->orders_created == 1 ? "" : "s");
        if (out->orders_created)
            printf(" (%lld-%lld)", (long long)out->first_order_id, (long long)out->last_order_id);
        if (out->format_name)
            printf(" from %s %s file", strchr("AEIOUaeiou", out->format_name[0]) ? "an" : "a",
                   out->format_name);
        printf(" in %.1f s", secs);
        if (out->orders_held)
            printf("; %lld already in postroom, skipped", (long long)out->orders_held);
        if (out->left_out) printf("; %lld left out (nothing to post)", (long long)out->left_out);
        if (out->problems)
            printf("; %lld bad row problem%s, left out:", (long long)out->problems,
                   out->problems == 1 ? "" : "s");
        printf("\n");
    } else {
        printf("nothing imported: %s\n", out->message ? out->message : "the import failed");
    }
}

static int run(struct store *s, const struct import_args *a, const struct tariff *t)
{
    FILE *f = fopen(a->file, "rb");
    if (!f) return cli_fail("cannot open the file");
    struct stat st;
    int64_t size = fstat(fileno(f), &st) == 0 ? (int64_t)st.st_size : 0;
    char who[80];
    snprintf(who, sizeof who, "cli:%s", cli_login_name());
    struct import_job_row in = {.source = "cli",
                                .format = a->format,
                                .skip_bad_rows = a->skip_bad_rows,
                                .skip_existing = true,
                                .file_bytes = size,
                                .principal_id = who,
                                .request_id = "cli"};
    struct scope sc = {a->tenant};
    int64_t now = time_now_ms(), job;
    const char *runner = import_runner_id();
    in.runner = runner; /* this process's from the start: no server's worker takes it */
    in.lease_until = now + IMPORT_JOB_LEASE_MS;
    if (store_import_job_create(s, &sc, &in, now, &job) != STORE_OK) {
        fclose(f);
        return cli_fail("cannot start the import job");
    }
    fprintf(stderr, "postroom: import job %lld\n", (long long)job);
    struct arena ar;
    arena_init(&ar);
    struct audit_actor actor = {runner, "cli", 0, who};
    struct service_ctx ctx = {s, sc, &ar, t, now, &actor};
    struct bar b = {isatty(2), size, time_mono_s(), 0};
    struct import_job_hooks hooks = {&b, NULL, NULL, bar_draw};
    struct import_job_row out;
    int rc = import_job_run(&ctx, job, runner, f, &hooks, &out);
    fclose(f);
    if (b.tty) fputs("\n", stderr);
    if (rc != SERVICE_OK) {
        arena_free(&ar);
        return cli_fail("the import stopped on a database failure; nothing was imported");
    }
    print_result(&out, time_mono_s() - b.started);
    print_problems(s, &sc, job, &out, &ar);
    arena_free(&ar);
    return out.state == IMPORT_DONE ? 0 : 1;
}

int cmd_import(const char *db, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
    struct import_args a;
    if (!parse_args(argc, argv, &a)) {
        fputs(usage, stderr);
        return 2;
    }
    enum import_format fmt;
    if (!import_job_format(a.format, &fmt))
        return cli_fail("--format must be auto, clickanddrop, shopify, ebay, amazon, etsy or "
                        "woocommerce");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    if (store_operator_tenant_exists(s, a.tenant) != STORE_OK) {
        store_close(s);
        return cli_fail("no such tenant");
    }
    struct tariff *t = app_load_tariff(NULL);
    if (!t) {
        store_close(s);
        return 1;
    }
    int rc = run(s, &a, t);
    tariff_free(t);
    store_close(s);
    return rc;
}
