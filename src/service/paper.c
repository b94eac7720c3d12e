/* paper: the letterhead and layout every document needs (see the header). */
#include "service/paper.h"
#include "store/store.h"
#include "store/store_users.h"

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

enum doc_layout service_layout(const struct tenant_settings *ts)
{
    return ts->label_layout && !strcmp(ts->label_layout, "A4") ? DOC_LAYOUT_A4 : DOC_LAYOUT_6X4;
}

enum service_rc service_drawn(enum doc_rc rc)
{
    if (rc == DOC_OK) return SERVICE_OK;
    return rc == DOC_ERR_TENANT ? SERVICE_FOREIGN_RECORD : SERVICE_DRAW_FAILED;
}
