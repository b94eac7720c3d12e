/* orders_bulk: the actions on the orders ticked in the list (web/orders.c),
 * POST /orders/bulk/ACTION: print labels (one PDF, opened in the browser),
 * despatch notes, mark despatched, hold, release, cancel, delete.
 *
 * Each reads the ticked order numbers (web_form_ids), then only the orders
 * of the business the session signs in (an order number of another
 * business, or of none, finds nothing), and hands them to the same use
 * cases the API uses. An order found nowhere, and one whose status does
 * not allow the action, are both just "skipped": the answer never says
 * which, so it tells nothing about numbers that are not the business's.
 * A change answers 303 to the list, which says what was done from its own
 * table of codes. */
#include "domain/customs_rule.h"
#include "domain/status.h"
#include "http/server.h"
#include "service/labels.h"
#include "service/orders_delete.h"
#include "service/orders_status.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <jansson.h>
#include <string.h>

/* The most labels or notes one PDF holds from the page. */
#define BULK_DOCS_MAX 500

static struct service_ctx web_service_ctx(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

/* A problem with what was posted: a page of the app's frame, and a way back. */
static void bulk_problem(struct request *r, int status, const char *message)
{
    web_page_open(r, WEB_SECTION_ORDERS, status >= 500 ? "Not done" : "Nothing was done");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<p><a href=\"/orders\">Back to the orders</a></p>");
    web_page_close(r, status);
}

/* The ticked order numbers, each once; false after answering (a number
 * that is not one, or none ticked). */
static bool ticked(struct request *r, int64_t **ids, size_t *n)
{
    const char *error;
    long got = web_form_ids(r, ids, &error);
    if (got < 0) {
        bulk_problem(r, 400, error);
        return false;
    }
    size_t k = 0;
    for (long i = 0; i < got; i++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = (*ids)[j] == (*ids)[i];
        if (!seen) (*ids)[k++] = (*ids)[i];
    }
    if (k == 0) {
        bulk_problem(r, 400, "Tick at least one order first.");
        return false;
    }
    *n = k;
    return true;
}

/* The business's orders among ids, in the order ticked; false after
 * answering a failed read. */
static bool read_ticked(struct request *r, const int64_t *ids, size_t n, struct order_row **rows,
                        size_t *nrows)
{
    struct order_key *keys = arena_alloc(&r->arena, n * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct order_key){.id = ids[i]};
    struct scope sc = scope_of(&r->principal);
    if (store_orders_get(r->store, &sc, keys, n, &r->arena, rows, nrows) != STORE_OK) {
        bulk_problem(r, 503, "The orders are unavailable right now. Try again shortly.");
        return false;
    }
    return true;
}

/* 303 to the list's tab with what was done. */
static void done(struct request *r, const char *status, const char *code, size_t n, size_t skipped)
{
    struct buf to;
    buf_init(&to, &r->arena);
    buf_adds(&to, "/orders?");
    if (status) buf_printf(&to, "status=%s&", status);
    buf_printf(&to, "done=%s&n=%zu", code, n);
    if (skipped) buf_printf(&to, "&skipped=%zu", skipped);
    web_redirect(r, buf_cstr(&to));
}

/* The tab the form was posted from, if it names one (where a deletion
 * lands): only a status the rules know is written back. */
static const char *posted_tab(struct request *r)
{
    const char *s = http_form(r, "status");
    if (!s || !*s || !strcmp(status_words(s), s)) return NULL;
    return s;
}

/* A status update or move on each ticked order, one order per key. */
enum bulk_move { BULK_DESPATCHED, BULK_HOLD, BULK_RELEASE, BULK_CANCEL };

static void bulk_move(struct request *r, enum bulk_move move)
{
    static const struct {
        const char *to, *code;
        enum status_move move;
    } moves[] = {
        [BULK_DESPATCHED] = {STATUS_DESPATCHED, "despatched", STATUS_MOVE_HOLD},
        [BULK_HOLD] = {STATUS_ON_HOLD, "hold", STATUS_MOVE_HOLD},
        [BULK_RELEASE] = {STATUS_NEW, "release", STATUS_MOVE_RELEASE},
        [BULK_CANCEL] = {STATUS_CANCELLED, "cancel", STATUS_MOVE_CANCEL},
    };
    int64_t *ids;
    size_t n, updated = 0;
    if (!ticked(r, &ids, &n)) return;
    struct service_ctx c = web_service_ctx(r);
    struct status_request sr = {.status = STATUS_DESPATCHED};
    for (size_t i = 0; i < n; i++) {
        struct order_key key = {.id = ids[i]};
        struct status_result *res;
        size_t nres;
        enum service_rc rc = move == BULK_DESPATCHED
                                 ? service_order_status(&c, &key, &sr, &res, &nres)
                                 : service_order_move(&c, &key, moves[move].move, &res, &nres);
        if (rc != SERVICE_OK) {
            bulk_problem(r, 503,
                         "The orders could not all be changed right now. Try again "
                         "shortly.");
            return;
        }
        for (size_t k = 0; k < nres; k++)
            updated += res[k].outcome == STATUS_UPDATED;
    }
    done(r, moves[move].to, moves[move].code, updated, n - updated);
}

void web_orders_bulk_despatched(struct request *r)
{
    bulk_move(r, BULK_DESPATCHED);
}

void web_orders_bulk_hold(struct request *r)
{
    bulk_move(r, BULK_HOLD);
}

void web_orders_bulk_release(struct request *r)
{
    bulk_move(r, BULK_RELEASE);
}

void web_orders_bulk_cancel(struct request *r)
{
    bulk_move(r, BULK_CANCEL);
}

void web_orders_bulk_delete(struct request *r)
{
    int64_t *ids;
    size_t n, deleted = 0;
    if (!ticked(r, &ids, &n)) return;
    const char *tab = posted_tab(r);
    struct service_ctx c = web_service_ctx(r);
    for (size_t i = 0; i < n; i++) {
        struct order_key key = {.id = ids[i]};
        struct delete_result *res;
        size_t nres;
        if (service_orders_delete(&c, &key, &res, &nres) != SERVICE_OK) {
            bulk_problem(r, 503,
                         "The orders could not all be deleted right now. Try again "
                         "shortly.");
            return;
        }
        for (size_t k = 0; k < nres; k++)
            deleted += res[k].outcome == DELETE_DONE;
    }
    done(r, tab, "delete", deleted, n - deleted);
}

/* A document that could not be made; one that refused a record of another
 * business is withheld at the egress wall as an incident. */
static void document_failed(struct request *r, enum service_rc rc)
{
    if (rc == SERVICE_FOREIGN_RECORD) {
        r->egress_violation = true;
        r->egress_foreign_tenant = -1;
    }
    bulk_problem(r, rc == SERVICE_STORE_ERROR ? 503 : 500,
                 "The PDF could not be produced. Try again shortly.");
}

static void answer_pdf(struct request *r, const char *filename)
{
    http_add_header(r, "Content-Disposition",
                    arena_printf(&r->arena, "inline; filename=\"%s\"", filename));
    http_reply(r, 200, "application/pdf");
}

/* The business's ticked orders for a document, or NULL after answering. */
static struct order_row *document_rows(struct request *r, size_t *nrows)
{
    int64_t *ids;
    size_t n;
    struct order_row *rows;
    if (!ticked(r, &ids, &n) || !read_ticked(r, ids, n, &rows, nrows)) return NULL;
    if (*nrows == 0) {
        bulk_problem(r, 400, "None of the ticked orders could be found.");
        return NULL;
    }
    if (*nrows > BULK_DOCS_MAX) {
        bulk_problem(r, 400, "Tick at most 500 orders for one PDF.");
        return NULL;
    }
    for (size_t i = 0; i < *nrows; i++)
        http_egress_claim(r, rows[i].tenant_id, rows[i].order_id);
    return rows;
}

static bool has_postage(const struct order_row *row)
{
    return row->tracking_number && row->service_code && strcmp(row->status, STATUS_NEW);
}

/* Whether the order's customs declaration (CN22 or CN23, printed with the
 * label of an order that crosses a customs border) can be filled in. */
static bool customs_ready(struct request *r, const struct order_row *row)
{
    json_t *doc = row->doc ? json_loads(row->doc, 0, NULL) : NULL;
    if (!doc) return true; /* unreadable: drawing it fails as a 500 */
    struct order_errors errs = {0};
    bool ok = !customs_needed(customs_country(doc)) || customs_check(doc, &r->arena, &errs);
    json_decref(doc);
    return ok;
}

/* Names the ticked orders that cannot have a label yet, on a page of
 * their own: those with no postage, and those whose customs declaration
 * lacks details. */
static void not_printable(struct request *r, const struct order_row *rows, const bool *bad,
                          size_t n)
{
    web_page_open(r, WEB_SECTION_ORDERS, "Labels not printed");
    html_alert(&r->out, "Some of the ticked orders cannot have a label yet, so no labels were "
                        "printed. Put them right first, or untick them.");
    buf_adds(&r->out, "<ul class=\"no-postage\">");
    for (size_t i = 0; i < n; i++) {
        if (!bad[i]) continue;
        buf_printf(&r->out, "<li><a href=\"/orders/%lld\">%lld</a>", (long long)rows[i].order_id,
                   (long long)rows[i].order_id);
        if (rows[i].reference) {
            buf_adds(&r->out, " <span class=\"muted\">");
            html_text(&r->out, rows[i].reference);
            buf_adds(&r->out, "</span>");
        }
        buf_adds(&r->out, " <span class=\"badge s-");
        html_text(&r->out, rows[i].status);
        buf_adds(&r->out, "\">");
        html_text(&r->out, status_words(rows[i].status));
        buf_adds(&r->out, has_postage(&rows[i])
                              ? "</span> the customs declaration lacks details of the contents</li>"
                              : "</span> no postage yet</li>");
    }
    buf_adds(&r->out, "</ul><p><a href=\"/orders\">Back to the orders</a></p>");
    web_page_close(r, 400);
}

void web_orders_bulk_labels(struct request *r)
{
    size_t n;
    struct order_row *rows = document_rows(r, &n);
    if (!rows) return;
    bool *bad = arena_alloc(&r->arena, n * sizeof *bad), any = false;
    for (size_t i = 0; i < n; i++)
        any |= bad[i] = !has_postage(&rows[i]) || !customs_ready(r, &rows[i]);
    if (any) {
        not_printable(r, rows, bad, n);
        return;
    }
    struct service_ctx c = web_service_ctx(r);
    buf_init(&r->out, &r->arena);
    /* with each label the customs form an order crossing a border needs, as
     * Click & Drop prints them; recorded as label.print, and the orders
     * marked printed, by the use case */
    enum service_rc rc = service_render_labels(&c, r->cfg->fonts, rows, n, false, true, &r->out);
    if (rc != SERVICE_OK) {
        document_failed(r, rc);
        return;
    }
    answer_pdf(r, "labels.pdf");
}

void web_orders_bulk_despatch_notes(struct request *r)
{
    size_t n;
    struct order_row *rows = document_rows(r, &n);
    if (!rows) return;
    struct service_ctx c = web_service_ctx(r);
    buf_init(&r->out, &r->arena);
    enum service_rc rc =
        service_render_paperwork(&c, r->cfg->fonts, SERVICE_DESPATCH_NOTE, rows, n, &r->out);
    if (rc != SERVICE_OK) {
        document_failed(r, rc);
        return;
    }
    int64_t *ids = arena_alloc(&r->arena, n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].order_id;
    http_audit_ids(r, r->principal.tenant_id, "paperwork.print", "order", ids, n);
    answer_pdf(r, "despatch-notes.pdf");
}
