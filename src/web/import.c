/* import: the spreadsheet import page, GET and POST /import, and an
 * import job's page, GET /import/jobs/{n} (and its status as JSON, which
 * app.js polls for the progress bar).
 *
 * A business uploads a Click & Drop spreadsheet or a marketplace export;
 * the upload becomes an import job (service/import_job.h), the same the
 * API and the command line run: every order checked exactly as POST
 * /orders checks it, all or nothing (one bad row and nothing is created,
 * and the page lists every problem by line and column so the file can be
 * fixed and uploaded again). A small file's job runs in the request and
 * the answer is its result; a bigger one runs in the server's worker and
 * the answer is its page, with a live progress bar until it ends. */
#include "service/import_job.h"
#include "domain/status.h"
#include "service/import_mapping.h"
#include "formats/import.h"
#include "http/multipart.h"
#include "http/server.h"
#include "store/store.h"
#include "store/store_import.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/import_impl.h"
#include "web/settings.h"
#include "web/web.h"
#include "util/id_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_ERRORS_SHOWN 100
#define IMPORT_ROWS_SHOWN 2000 /* lines of a job's orders listed on its result page */
/* A file up to this size is imported in the request that uploads it; a
 * bigger one in the background, its page showing a live progress bar. */
#define IMPORT_INLINE_BYTES (1u << 20)

static void import_form(struct request *r)
{
    buf_adds(&r->out, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\"><label>Spreadsheet (CSV or tab separated) "
                      "<input name=\"file\" type=\"file\" accept=\".csv,.tsv,.txt,text/csv,"
                      "text/tab-separated-values\" required></label>");
    web_import_mapping_choice(r);
    buf_adds(&r->out,
             "<fieldset><legend>For orders the file gives no parcel for</legend>"
             "<label>Weight (kg) <input name=\"weight\" inputmode=\"decimal\" "
             "pattern=\"[0-9]{1,2}([.][0-9]{1,3})?\" placeholder=\"0.5\"></label>"
             "<label>Package size <select name=\"package\"><option value=\"\">none</option>"
             "<option>letter</option><option>large letter</option><option>small parcel</option>"
             "<option>medium parcel</option><option>parcel</option><option>printed papers</option>"
             "</select></label></fieldset>"
             "<label><input name=\"skip_existing\" type=\"checkbox\" value=\"1\" checked> "
             "Skip orders whose reference is already in postroom (a marketplace export "
             "uploaded again)</label>"
             "<button type=\"submit\">Import orders</button></form>"
             "<p>Click &amp; Drop's own layout, or an orders export from Shopify, eBay, "
             "Amazon (unshipped orders report), Etsy or WooCommerce. The first row names the "
             "columns.</p>"
             "<p>Another layout? Upload it, and map its columns once: "
             "<a href=\"/import/mappings\">saved column mappings</a>.</p>");
}

/* "a Shopify file", but "an Amazon file", "an eBay file", "an Etsy file". */
static const char *article(const char *name)
{
    return name && name[0] && strchr("AEIOUaeiou", name[0]) ? "an" : "a";
}

static void page_open(struct request *r, const char *title)
{
    web_page_open(r, WEB_SECTION_IMPORT, title);
}

static void page_close(struct request *r, int status)
{
    web_page_close(r, status);
}

/* A problem with the upload as a whole: the message, then the form again. */
static void refuse(struct request *r, int status, const char *message)
{
    page_open(r, "Import orders");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
    html_text(&r->out, message);
    size_t n = strlen(message);
    buf_adds(&r->out, n && message[n - 1] == '.' ? " Nothing was imported.</p>"
                                                 : ". Nothing was imported.</p>");
    import_form(r);
    page_close(r, status);
}

void web_import_form(struct request *r)
{
    page_open(r, "Import orders");
    import_form(r);
    page_close(r, 200);
}

/* One line of the problem list: "Line 7, Postcode: is required". */
static void problem(struct request *r, size_t line, const char *column, const char *message)
{
    buf_adds(&r->out, "<li>");
    if (line) buf_printf(&r->out, "Line %zu", line);
    if (column) {
        buf_adds(&r->out, line ? ", " : "");
        html_text(&r->out, column);
    }
    buf_adds(&r->out, line || column ? ": " : "");
    html_text(&r->out, message);
    buf_adds(&r->out, "</li>");
}

static void problems_open(struct request *r, size_t count, const char *format_name)
{
    page_open(r, "Import orders");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
    buf_printf(&r->out, "%zu problem%s", count, count == 1 ? "" : "s");
    if (format_name) {
        buf_adds(&r->out, " in this ");
        html_text(&r->out, format_name);
        buf_adds(&r->out, " file");
    }
    buf_adds(&r->out, ". Nothing was imported: fix the file and upload it again.</p><ul>");
}

static void problems_close(struct request *r, size_t count)
{
    buf_adds(&r->out, "</ul>");
    if (count > IMPORT_ERRORS_SHOWN)
        buf_printf(&r->out, "<p>and %zu more.</p>", count - IMPORT_ERRORS_SHOWN);
    import_form(r);
    page_close(r, 422);
}

/* What the page answering an upload heard while the job ran inline: the
 * problems as the reader wrote them (they may quote the cell: the
 * business's own file, shown to the business) and the orders left out. */
struct heard {
    struct arena *a;
    struct heard_problem {
        size_t line;
        const char *column, *message;
    } * problems;
    size_t nproblems, pcap;
    struct import_left_out *left_out;
    size_t nleft_out, lcap;
};

static void heard_problem(void *ctx, size_t line, const char *column, const char *message)
{
    struct heard *h = ctx;
    if (h->nproblems >= IMPORT_ERRORS_SHOWN) return;
    h->problems = arena_grow(h->a, h->problems, h->nproblems, &h->pcap, sizeof *h->problems, 16);
    h->problems[h->nproblems++] = (struct heard_problem){
        line, column ? arena_strdup(h->a, column) : NULL, arena_strdup(h->a, message)};
}

static void heard_left_out(void *ctx, const struct import_left_out *l)
{
    struct heard *h = ctx;
    h->left_out = arena_grow(h->a, h->left_out, h->nleft_out, &h->lcap, sizeof *h->left_out, 16);
    h->left_out[h->nleft_out++] =
        (struct import_left_out){l->line, l->reference ? arena_strdup(h->a, l->reference) : NULL,
                                 arena_strdup(h->a, l->reason)};
}

/* The job's problems: as heard, or (a job that ran in the background) as
 * the store keeps them, quoting no cell. */
static void list_problems(struct request *r, const struct import_job_row *j, const struct heard *h)
{
    if (h) {
        for (size_t i = 0; i < h->nproblems; i++)
            problem(r, h->problems[i].line, h->problems[i].column, h->problems[i].message);
        return;
    }
    struct import_problem_row *rows;
    size_t n;
    struct scope sc = scope_of(&r->principal);
    if (store_import_problems(r->store, &sc, j->job_id, 0, IMPORT_ERRORS_SHOWN, &r->arena, &rows,
                              &n) != STORE_OK)
        n = 0;
    for (size_t i = 0; i < n; i++)
        problem(r, (size_t)rows[i].line, rows[i].column, rows[i].message);
}

/* A job that ended having imported nothing. */
static void job_failed(struct request *r, const struct import_job_row *j, const struct heard *h)
{
    const char *outcome = j->outcome ? j->outcome : "";
    if (!strcmp(outcome, "empty")) {
        refuse(r, 422, "The file has no orders below its header row.");
        return;
    }
    if (!strcmp(outcome, "unreadable") && j->problems == 1) {
        const struct heard_problem *p = h && h->nproblems ? &h->problems[0] : NULL;
        if (p) {
            refuse(r, 422,
                   p->line ? arena_printf(&r->arena, "Line %zu: %s", p->line, p->message)
                           : p->message);
            return;
        }
    }
    if (strcmp(outcome, "rejected") && strcmp(outcome, "unreadable")) {
        refuse(r, 503, j->message ? j->message : "The import could not be saved; try again.");
        return;
    }
    problems_open(r, (size_t)j->problems, j->format_name);
    list_problems(r, j, h);
    problems_close(r, (size_t)j->problems);
}

static void order_cells(struct request *r, const struct import_job_order_row *o)
{
    buf_adds(&r->out, "<td>");
    html_text(&r->out, o->order.reference);
    buf_adds(&r->out, "</td>");
}

/* The lines of the job's orders: created (linked), then in a second table
 * those skipped because the business had their reference already. */
static void job_orders(struct request *r, const struct import_job_row *j, bool audit)
{
    struct import_job_order_row *rows;
    size_t n;
    struct scope sc = scope_of(&r->principal);
    if (store_import_job_orders(r->store, &sc, j->job_id, 0, IMPORT_ROWS_SHOWN, &r->arena, &rows,
                                &n) != STORE_OK)
        n = 0;
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    size_t nids = 0, made = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].order.tenant_id) {
            http_egress_claim(r, rows[i].order.tenant_id, rows[i].order.order_id);
            ids[nids++] = rows[i].order.order_id;
            made += !rows[i].held;
        }
    if (audit && nids) http_audit_ids(r, sc.tenant_id, "order.read", "order", ids, nids);
    if (made) {
        buf_adds(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>Line</th><th>Order</th>"
                          "<th>Reference</th><th>Status</th><th>Tracking number</th></tr></thead>"
                          "<tbody>");
        for (size_t i = 0; i < n; i++) {
            const struct import_job_order_row *o = &rows[i];
            if (o->held || !o->order.tenant_id) continue;
            buf_printf(&r->out, "<tr><td>%lld</td><td><a href=\"/orders/%lld\">%lld</a></td>",
                       (long long)o->line, (long long)o->order.order_id,
                       (long long)o->order.order_id);
            order_cells(r, o);
            buf_adds(&r->out, "<td><span class=\"badge s-");
            html_text(&r->out, o->order.status);
            buf_adds(&r->out, "\">");
            html_text(&r->out, status_words(o->order.status));
            buf_adds(&r->out, "</span></td><td>");
            html_text(&r->out, o->order.tracking_number);
            buf_adds(&r->out, "</td></tr>");
        }
        buf_adds(&r->out, "</tbody></table></div>");
        if (j->orders_created > (int64_t)made)
            buf_printf(&r->out, "<p class=\"muted\">and %lld more, in Orders.</p>",
                       (long long)(j->orders_created - (int64_t)made));
    }
    if (!j->orders_held) return;
    buf_printf(&r->out,
               "<p>%lld order%s skipped: an order with the same reference is already in "
               "postroom.</p><div class=\"table-wrap\"><table><thead><tr><th>Line</th>"
               "<th>Reference</th><th>Existing order</th></tr></thead><tbody>",
               (long long)j->orders_held, j->orders_held == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const struct import_job_order_row *o = &rows[i];
        if (!o->held || !o->order.tenant_id) continue;
        buf_printf(&r->out, "<tr><td>%lld</td>", (long long)o->line);
        order_cells(r, o);
        buf_printf(&r->out, "<td>%lld</td></tr>", (long long)o->order.order_id);
    }
    buf_adds(&r->out, "</tbody></table></div>");
}

static void left_out_table(struct request *r, const struct import_job_row *j, const struct heard *h)
{
    if (!j->left_out) return;
    buf_printf(&r->out, "<p>%lld order%s left out, not an error", (long long)j->left_out,
               j->left_out == 1 ? "" : "s");
    if (!h || !h->nleft_out) {
        buf_adds(&r->out, ": nothing in them is posted.</p>");
        return;
    }
    buf_adds(&r->out, ":</p><div class=\"table-wrap\"><table><thead><tr><th>Line</th>"
                      "<th>Reference</th><th>Why</th></tr></thead><tbody>");
    for (size_t i = 0; i < h->nleft_out; i++) {
        buf_printf(&r->out, "<tr><td>%zu</td><td>", h->left_out[i].line);
        html_text(&r->out, h->left_out[i].reference);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, h->left_out[i].reason);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table></div>");
}

static void job_done(struct request *r, const struct import_job_row *j, const struct heard *h,
                     bool audit)
{
    page_open(r, "Orders imported");
    buf_printf(&r->out, "<p role=\"status\">%lld order%s imported from %s ",
               (long long)j->orders_created, j->orders_created == 1 ? "" : "s",
               article(j->format_name));
    html_text(&r->out, j->format_name);
    buf_adds(&r->out, " file.</p>");
    job_orders(r, j, audit);
    left_out_table(r, j, h);
    if (j->problems) {
        buf_printf(&r->out,
                   "<p class=\"error\">%lld problem%s: the rows named here were left out, the "
                   "others imported.</p><ul>",
                   (long long)j->problems, j->problems == 1 ? "" : "s");
        list_problems(r, j, h);
        buf_adds(&r->out, "</ul>");
    }
    if (j->attempts > 1 && j->message) {
        buf_adds(&r->out, "<p class=\"muted\">");
        html_text(&r->out, j->message);
        buf_adds(&r->out, "</p>");
    }
    buf_adds(&r->out, "<p>");
    if (j->orders_created)
        buf_adds(&r->out, "<a href=\"/orders\">See them in Orders</a> &middot; ");
    buf_adds(&r->out, "<a href=\"/import\">Import another file</a></p>");
    page_close(r, 200);
}

static int percent(const struct import_job_row *j)
{
    if (j->state == IMPORT_DONE || j->file_bytes <= 0) return j->state == IMPORT_DONE ? 100 : 0;
    int64_t p = j->bytes_read * 100 / j->file_bytes;
    return (int)(p > 99 ? 99 : p);
}

/* A job under way: a progress bar app.js keeps live (it polls the job's
 * status and reloads the page when the job ends); without the script, the
 * link reloads by hand. */
static void job_running(struct request *r, const struct import_job_row *j)
{
    page_open(r, "Importing orders");
    char *status = arena_printf(&r->arena, "/import/jobs/%lld/status", (long long)j->job_id);
    buf_adds(&r->out, "<div class=\"import-progress\" data-import-job=\"");
    html_text(&r->out, status);
    buf_printf(&r->out,
               "\"><p role=\"status\" data-import-text>%s: %lld rows read, %lld orders checked "
               "so far.</p><progress max=\"100\" value=\"%d\" aria-label=\"Import progress\">%d%%"
               "</progress></div><p class=\"muted\">The orders are added all at once when the "
               "whole file has been read. You can leave this page: the import goes on.</p>"
               "<p><a href=\"/import/jobs/%lld\">Refresh</a></p>",
               j->state == IMPORT_QUEUED ? "Waiting to start" : "Importing",
               (long long)j->rows_read, (long long)j->orders_staged, percent(j), percent(j),
               (long long)j->job_id);
    page_close(r, 200);
}

static void show_job(struct request *r, const struct import_job_row *j, const struct heard *h,
                     bool audit)
{
    if (j->state == IMPORT_DONE)
        job_done(r, j, h, audit);
    else if (j->state == IMPORT_FAILED)
        job_failed(r, j, h);
    else
        job_running(r, j);
}
/* The default parcel the form gives; NULL, or why it is refused. */
static const char *read_defaults(struct request *r, struct import_defaults *d)
{
    const char *weight = http_form(r, "weight"), *package = http_form(r, "package");
    if (weight && *weight &&
        (!import_parse_kg(weight, &d->weight_grams) || d->weight_grams < 1 ||
         d->weight_grams > 30000))
        return "The default weight must be in kg, from 0.001 to 30, e.g. 0.5.";
    if (package && *package && !(d->package_format = import_package_format(package)))
        return "Choose a package size from the list.";
    return NULL;
}

/* The saved mapping the form chose, or else the one made from a file with
 * exactly this file's headers: SERVICE_OK with it, SERVICE_NOTFOUND for
 * none (the layouts are detected), anything else after answering (a chosen
 * number the business does not have is a 404, whoever's it is). */
static int choose_mapping(struct request *r, const struct multipart *m,
                          const struct multipart_part *file, struct saved_mapping *sm)
{
    const struct multipart_part *choice = multipart_get(m, "mapping");
    struct scope sc = scope_of(&r->principal);
    int rc;
    if (choice && choice->len) {
        int64_t id = 0;
        bool number = strlen(choice->data) == choice->len && settings_id(choice->data, &id);
        rc = number ? service_import_mapping_get(r->store, &sc, id, &r->arena, sm)
                    : SERVICE_NOTFOUND;
        if (rc == SERVICE_NOTFOUND) {
            web_import_mapping_not_found(r);
            return SERVICE_INVALID;
        }
    } else {
        rc = service_import_mapping_match(r->store, &sc, file->data, file->len, &r->arena, sm);
        if (rc == SERVICE_NOTFOUND) return rc;
    }
    if (rc == SERVICE_INVALID)
        refuse(r, 422,
               "The saved column mapping cannot be read; an administrator can delete it "
               "and map the file again.");
    else if (rc != SERVICE_OK)
        refuse(r, 503, "The import could not be checked; try again shortly.");
    return rc;
}

/* The upload kept as a file beside the database (the job reads it, and a
 * server that stops mid-import resumes from it); NULL when it cannot be. */
static char *spool(struct request *r, const struct multipart_part *file)
{
    if (!r->cfg->spool_dir) return NULL;
    char *path = arena_printf(&r->arena, "%s/web-%s-XXXXXX", r->cfg->spool_dir, r->id);
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    size_t off = 0;
    while (off < file->len) {
        ssize_t w = write(fd, file->data + off, file->len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    bool ok = off == file->len && fdatasync(fd) == 0;
    close(fd);
    if (!ok) unlink(path);
    return ok ? path : NULL;
}

/* Runs a small file's job in this request, as the worker would. */
static int run_inline(struct request *r, int64_t job, const char *path, struct heard *h,
                      struct import_job_row *out)
{
    struct scope sc = scope_of(&r->principal);
    int64_t now = time_now_ms();
    const char *runner = import_runner_id();
    FILE *f = fopen(path, "rb");
    if (!f) return SERVICE_STORE_ERROR;
    struct service_ctx c = {r->store, sc, &r->arena, r->cfg->tariff, now, http_audit_actor(r)};
    struct import_job_hooks hooks = {h, heard_problem, heard_left_out, NULL};
    int rc = import_job_run(&c, job, runner, f, &hooks, out);
    fclose(f);
    if (rc == SERVICE_OK) unlink(path);
    return rc;
}

void web_import(struct request *r)
{
    const struct multipart *m = http_multipart(r);
    if (!m) {
        refuse(r, 400, r->form_error);
        return;
    }
    const struct multipart_part *file = multipart_get(m, "file");
    /* a browser sends an empty filename when no file was chosen */
    if (!file || !file->filename || (!*file->filename && file->len == 0)) {
        refuse(r, 400, "Choose a spreadsheet file to import.");
        return;
    }
    if (file->len == 0) {
        refuse(r, 422,
               arena_printf(&r->arena,
                            "The file \"%s\" is empty (0 bytes): save the spreadsheet again and "
                            "upload the saved file.",
                            file->filename));
        return;
    }
    struct import_defaults d = {.now_ms = time_now_ms()};
    const char *why = read_defaults(r, &d);
    if (why) {
        refuse(r, 400, why);
        return;
    }
    /* A saved mapping chosen, or one made from a file with exactly these
     * headers; else the layouts are detected, and a file of a layout
     * postroom does not know is offered the mapping page. */
    struct saved_mapping sm;
    int mrc = choose_mapping(r, m, file, &sm);
    if (mrc == SERVICE_OK) {
        http_egress_claim(r, sm.tenant_id, 0);
        d.mapping = &sm.m;
    } else if (mrc != SERVICE_NOTFOUND) {
        return; /* answered */
    } else {
        struct import_batch ib;
        bool readable = import_read_with(file->data, file->len, &d, &r->arena, &ib);
        bool offered = !readable && !ib.format && !ib.format_name && ib.nerrors == 1 &&
                       web_import_mapping_offer(r, file->data, file->len, file->filename,
                                                ib.errors[0].message);
        import_batch_free(&ib);
        if (offered) return;
    }
    char *path = spool(r, file);
    if (!path) {
        refuse(r, 503, "The file could not be kept for the import; try again shortly.");
        return;
    }
    struct import_job_row in = {
        .source = "web",
        .format =
            d.mapping ? arena_printf(&r->arena, "mapping:%lld", (long long)sm.mapping_id) : "auto",
        .skip_existing = http_form(r, "skip_existing") != NULL,
        .default_grams = d.weight_grams,
        .default_package = d.package_format,
        .file_path = path,
        .file_bytes = (int64_t)file->len,
        .principal_id = http_audit_actor(r)->principal_id,
        .request_id = r->id};
    /* a small file's job is this request's from the start: no worker takes it */
    bool inline_run = file->len <= IMPORT_INLINE_BYTES;
    if (inline_run) {
        in.runner = import_runner_id();
        in.lease_until = time_now_ms() + IMPORT_JOB_LEASE_MS;
    }
    struct scope sc = scope_of(&r->principal);
    int64_t job;
    if (store_import_job_create(r->store, &sc, &in, time_now_ms(), &job) != STORE_OK) {
        unlink(path);
        refuse(r, 503, "The import could not be started; try again shortly.");
        return;
    }
    /* a big file runs in the background, its page showing the progress */
    if (!inline_run) {
        web_redirect(r, arena_printf(&r->arena, "/import/jobs/%lld", (long long)job));
        return;
    }
    struct heard h = {.a = &r->arena};
    struct import_job_row out;
    int rc = run_inline(r, job, path, &h, &out);
    if (rc != SERVICE_OK) {
        refuse(r, 503, "The import could not be saved; try again shortly.");
        return;
    }
    out.job_id = job;
    show_job(r, &out, &h, false);
}

/* The job of this business with the path's id; false after answering 404. */
static bool find_job(struct request *r, struct import_job_row *j)
{
    int64_t id;
    struct scope sc = scope_of(&r->principal);
    int rc = id_parse(r->params[0], INT64_MAX, &id)
                 ? store_import_job_get(r->store, &sc, id, &r->arena, j)
                 : STORE_NOTFOUND;
    if (rc == STORE_OK) {
        http_egress_claim(r, j->tenant_id, 0);
        return true;
    }
    /* another business's job reads exactly as one never made */
    if (rc == STORE_NOTFOUND)
        http_error(r, 404, "NotFound", "There is no page at this address.");
    else
        http_error(r, 503, "ServiceUnavailable", "The import could not be read; try again.");
    return false;
}

void web_import_job(struct request *r)
{
    struct import_job_row j;
    if (find_job(r, &j)) show_job(r, &j, NULL, true);
}

void web_import_job_status(struct request *r)
{
    struct import_job_row j;
    if (!find_job(r, &j)) return;
    static const char *const states[] = {[IMPORT_QUEUED] = "queued",
                                         [IMPORT_RUNNING] = "running",
                                         [IMPORT_DONE] = "done",
                                         [IMPORT_FAILED] = "failed"};
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kstr(&w, "state", states[j.state]);
    jw_kint(&w, "percent", percent(&j));
    jw_kint(&w, "rowsRead", j.rows_read);
    jw_kint(&w, "ordersStaged", j.orders_staged);
    jw_kint(&w, "problemCount", j.problems);
    jw_obj_close(&w);
    http_reply_json(r, 200);
}
