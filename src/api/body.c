/* body: strict JSON request bodies, shared by the handlers that take one. */
#include "api/api.h"
#include "util/timefmt.h"
#include "http/server.h"
#include "api/idlist.h"
#include "store/store.h"

#include <string.h>
#include <strings.h>

json_t *api_json_body(struct request *r)
{
    const char *ct = http_header(r, "Content-Type");
    /* application/json, optionally with parameters (; charset=utf-8) */
    if (ct && (strncasecmp(ct, "application/json", 16) != 0 ||
               (ct[16] != 0 && ct[16] != ';' && ct[16] != ' '))) {
        http_error(r, 415, "UnsupportedMediaType", "The request body must be application/json.");
        return NULL;
    }
    if (r->body.len == 0) {
        http_error(r, 400, "InvalidRequest", "A JSON request body is required.");
        return NULL;
    }
    json_error_t err;
    /* Strict: duplicate keys, bad UTF-8, \u0000 and trailing data are rejected. */
    json_t *root = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        http_error(r, 400, "InvalidJson",
                   arena_printf(&r->arena,
                                "The request body is not valid JSON (line %d, column %d).",
                                err.line, err.column));
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        http_error(r, 400, "InvalidRequest", "The request body must be a JSON object.");
        return NULL;
    }
    return root;
}

void api_store_failed(struct request *r)
{
    http_error(r, 500, "InternalError", "The request could not be completed.");
}

void api_foreign_record(struct request *r)
{
    r->egress_violation = true;
    r->egress_foreign_tenant = -1;
}

/* The spec's 400 for a bad identifier list: an array of OrderErrorResponse
 * (the item in channelOrderReference), or for DELETE of OrderErrorInfo (in
 * orderReference). */
static void bad_idlist(struct request *r, const char *message, const char *item)
{
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    jw_arr_open(&w);
    jw_obj_open(&w);
    bool del = !strcmp(r->method, "DELETE");
    jw_kstr_opt(&w, del ? "orderReference" : "channelOrderReference", item);
    jw_kstr(&w, "code", "InvalidOrderIdentifiers");
    jw_kstr(&w, "message", message);
    jw_obj_close(&w);
    jw_arr_close(&w);
    http_reply_json(r, 400);
}

int api_order_keys(struct request *r, struct order_key **keys)
{
    const char *err = NULL, *item = NULL;
    int n = idlist_parse(&r->arena, r->params[0], keys, &err, &item);
    if (n < 0) bad_idlist(r, err, item);
    return n;
}

bool api_find_orders(struct request *r, struct order_row **rows, size_t *n)
{
    struct order_key *keys;
    int nk = api_order_keys(r, &keys);
    if (nk < 0) return false;
    struct scope sc = scope_of(&r->principal);
    if (store_orders_get(r->store, &sc, keys, (size_t)nk, &r->arena, rows, n) != STORE_OK) {
        api_store_failed(r);
        return false;
    }
    if (*n == 0) {
        http_error(r, 404, "NotFound", "No matching orders were found.");
        return false;
    }
    return true;
}

struct service_ctx api_service_ctx(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

void api_audit_rows(struct request *r, const char *action, const struct order_row *rows, size_t n)
{
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    bool *done = arena_alloc(&r->arena, (n ? n : 1) * sizeof *done);
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        size_t k = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && rows[j].tenant_id == rows[i].tenant_id) {
                ids[k++] = rows[j].order_id;
                done[j] = true;
            }
        http_audit_ids(r, rows[i].tenant_id, action, "order", ids, k);
    }
}
