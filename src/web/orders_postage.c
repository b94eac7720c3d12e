/* orders_postage: POST /orders/bulk/postage, the orders list's bulk action
 * "apply postage" (issue 11): the ticked New orders get postage from the
 * service chosen, or from the business's shipping rules (service=rules),
 * through service/postage_apply. Ids of another business, or of no order,
 * are counted as skipped, never acted on nor named. Then 303 to the list's
 * Postage applied tab with what happened:
 * /orders?status=postageApplied&done=postage|rules&n=APPLIED&skipped=M. */
#include "service/postage_apply.h"
#include "http/server.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <string.h>

static void refuse(struct request *r, int status, const char *message)
{
    web_page_open(r, WEB_SECTION_ORDERS, "Apply postage");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<p><a href=\"/orders\">Back to the orders</a></p>");
    web_page_close(r, status);
}

void web_orders_bulk_postage(struct request *r)
{
    int64_t *ids;
    const char *why;
    long n = web_form_ids(r, &ids, &why);
    if (n < 0) {
        refuse(r, 400, why);
        return;
    }
    const char *service = http_form(r, "service");
    if (!service || !*service) {
        refuse(r, 400, "Choose a service, or let the shipping rules choose.");
        return;
    }
    bool by_rules = !strcmp(service, "rules");
    struct service_ctx c = {r->store,       scope_of(&r->principal), &r->arena,
                            r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
    struct postage_result *res;
    enum service_rc rc = service_postage_apply(&c, ids, (size_t)n, by_rules ? NULL : service, &res);
    if (rc == SERVICE_INVALID) {
        refuse(r, 400, "That is not a service postroom prices.");
        return;
    }
    if (rc != SERVICE_OK) {
        refuse(r, 503,
               "Postage could not be applied right now; nothing was changed. "
               "Try again shortly.");
        return;
    }
    /* the answer says how many of the business's orders changed: those
     * are the records it tells of */
    long applied = 0;
    for (long i = 0; i < n; i++)
        if (res[i].outcome == POSTAGE_APPLIED) {
            http_egress_claim(r, res[i].row->tenant_id, res[i].row->order_id);
            applied++;
        }
    web_redirect(r,
                 arena_printf(&r->arena, "/orders?status=postageApplied&done=%s&n=%ld&skipped=%ld",
                              by_rules ? "rules" : "postage", applied, n - applied));
}
