/* paper: the letterhead and layout every document needs (see the header). */
#include "service/paper.h"
#include "store/store.h"
#include "store/store_users.h"

#include <jansson.h>
#include <string.h>

int service_letterhead(const struct service_ctx *c, struct tenant_settings *ts, const char **name)
{
    int rc = store_tenant_settings(c->store, &c->scope, c->arena, ts);
    /* the customs defaults of the settings page (store_users.h) */
    struct label_settings ls;
    if (rc == STORE_OK) rc = store_label_settings(c->store, &c->scope, c->arena, &ls);
    if (rc == STORE_OK) {
        ts->customs_category = ls.customs_category;
        ts->customs_origin = ls.customs_origin;
    }
    return rc == STORE_OK ? store_tenant_name(c->store, &c->scope, c->arena, name) : rc;
}

/* The senderId of an order's document, 0 when it names none. */
static int64_t sender_id_of(const char *doc)
{
    json_t *d = doc ? json_loads(doc, 0, NULL) : NULL;
    int64_t id = (int64_t)json_integer_value(json_object_get(d, "senderId"));
    json_decref(d);
    return id;
}

struct tenant_settings service_sender_of(const struct tenant_settings *ts,
                                         const struct sender_row *senders, size_t n,
                                         const char *doc)
{
    const struct sender_row *from = NULL;
    int64_t id = n ? sender_id_of(doc) : 0;
    for (size_t i = 0; i < n && !from; i++)
        if (senders[i].sender_id == id) from = &senders[i];
    for (size_t i = 0; i < n && !from; i++)
        if (senders[i].is_default) from = &senders[i];
    if (!from) return *ts;
    struct tenant_settings out = *ts;
    out.trading_name = from->trading_name;
    out.address_line1 = from->address_line1;
    out.address_line2 = from->address_line2;
    out.city = from->city;
    out.postcode = from->postcode;
    out.country_code = from->country_code;
    out.phone = from->phone;
    return out;
}

int service_letterhead_for(const struct service_ctx *c, const char *doc, struct tenant_settings *ts,
                           const char **name)
{
    int rc = service_letterhead(c, ts, name);
    struct sender_row *senders = NULL;
    size_t n = 0;
    if (rc == STORE_OK) rc = store_senders_list(c->store, &c->scope, c->arena, &senders, &n);
    if (rc == STORE_OK) *ts = service_sender_of(ts, senders, n, doc);
    return rc;
}

enum doc_layout service_layout(const struct tenant_settings *ts)
{
    return ts->label_layout && !strcmp(ts->label_layout, "A4") ? DOC_LAYOUT_A4 : DOC_LAYOUT_6X4;
}

enum service_rc service_drawn(enum doc_rc rc)
{
    if (rc == DOC_OK) return SERVICE_OK;
    return rc == DOC_ERR_TENANT ? SERVICE_FOREIGN_RECORD : SERVICE_DRAW_FAILED;
}
