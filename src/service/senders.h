/* senders: changing a business's trading names and sender addresses (the
 * web app's /settings/senders, issue 11). Each change and its audit record
 * (sender.update, "sender:N") commit together, as every change of a
 * business's data does (service/audit.h). */
#ifndef POSTROOM_SERVICE_SENDERS_H
#define POSTROOM_SERVICE_SENDERS_H
#include "service/service.h"
#include "store/store.h"

enum sender_change { SENDER_SAVE, SENDER_MAKE_DEFAULT, SENDER_REMOVE };

/* SENDER_SAVE adds in (in->sender_id 0) or replaces sender in->sender_id;
 * the others act on sender_id alone. A store return code (STORE_NOTFOUND
 * for a sender the scope does not hold, STORE_CONFLICT for one
 * store_sender_remove keeps); *sender_id gets the number changed. */
int service_sender_change(const struct service_ctx *c, enum sender_change what,
                          const struct sender_row *in, int64_t *sender_id);

#endif
