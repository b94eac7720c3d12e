/* carriers: GET /carriers, the carriers the caller's business can use:
 * the tariff's carrier (Royal Mail) always, then every other courier the
 * business has marked orders despatched with. Only the caller's own orders
 * are read, and each name is claimed with the tenant it was read with. */
#include "api/api.h"
#include "domain/carrier.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "store/store.h"

/* More distinct couriers than any business uses; the list stops there. */
#define CARRIERS_MAX 500

void api_carriers_list(struct request *r)
{
    const struct tariff_carrier *rm = tariff_carrier(r->cfg->tariff);
    if (!rm) {
        http_error(r, 500, "InternalError", "The tariff names no carrier.");
        return;
    }
    struct scope sc = scope_of(&r->principal);
    struct carrier_row *rows;
    size_t n;
    if (store_carriers(r->store, &sc, CARRIERS_MAX, &r->arena, &rows, &n) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    const char **names = arena_alloc(&r->arena, (n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id, 0); /* a name, no order */
        names[i] = rows[i].name;
    }
    struct carrier *list;
    size_t k = carrier_list(&r->arena, rm->guid, rm->name, names, n, &list);
    struct jw w;
    jw_init(&w, &r->out);
    jw_arr_open(&w);
    for (size_t i = 0; i < k; i++) {
        jw_obj_open(&w);
        jw_kstr(&w, "carrierGuid", list[i].guid);
        jw_kstr(&w, "carrierName", list[i].name);
        jw_kstr(&w, "carrierStatus", list[i].status);
        jw_kstr(&w, "carrierType", list[i].type);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    http_reply_json(r, 200);
}
