/* account: the account's changes, recorded in their own transaction. */
#include "service/account.h"
#include "documents/document.h"
#include "service/audit.h"
#include "store/store_account.h"

static enum service_rc rc_of(int rc)
{
    switch (rc) {
    case STORE_OK:
        return SERVICE_OK;
    case STORE_NOTFOUND:
        return SERVICE_NOTFOUND;
    case STORE_CONFLICT:
        return SERVICE_INVALID;
    default:
        return SERVICE_STORE_ERROR;
    }
}

/* The change's result, its record, and the end of its transaction. */
static enum service_rc recorded(const struct service_ctx *c, int rc, const char *action,
                                int64_t user_id)
{
    if (rc == STORE_OK) rc = service_audit_one(c, action, "user", user_id);
    return rc_of(service_tx_end(c, rc));
}

enum service_rc service_account_password(const struct service_ctx *c, int64_t user_id,
                                         const char *pw_hash, const unsigned char *keep,
                                         int64_t *ended)
{
    *ended = 0;
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_account_password_set(c->store, &c->scope, user_id, pw_hash, keep, ended);
    enum service_rc out = recorded(c, rc, "user.password", user_id);
    if (out != SERVICE_OK) *ended = 0;
    return out;
}

enum service_rc service_account_totp_setup(const struct service_ctx *c, int64_t user_id,
                                           const char *secret)
{
    return rc_of(store_account_totp_setup(c->store, &c->scope, user_id, secret, c->now));
}

enum service_rc service_account_totp_enable(const struct service_ctx *c, int64_t user_id,
                                            const char *secret, int64_t step)
{
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_account_totp_enable(c->store, &c->scope, user_id, secret, step, c->now);
    return recorded(c, rc, "user.totp_on", user_id);
}

enum service_rc service_account_totp_disable(const struct service_ctx *c, int64_t user_id,
                                             int64_t step)
{
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_account_totp_disable(c->store, &c->scope, user_id, step);
    return recorded(c, rc, "user.totp_off", user_id);
}

enum service_rc service_account_qr_png(const char *uri, struct buf *out)
{
    /* 6 pixels a module: some 250 px square for a secret's URI */
    switch (doc_qr_png(uri, 6, out)) {
    case DOC_OK:
        return SERVICE_OK;
    case DOC_ERR_INPUT:
        return SERVICE_INVALID;
    default:
        return SERVICE_DRAW_FAILED;
    }
}
