/* paper: what every document a business prints needs from the store, shared
 * by the use cases that draw (labels, manifests, returns).
 *
 * The business's settings (layout, sender and return address) and its name
 * are read in the use case's scope; a document's verdict is turned into the
 * use case's, keeping a refused record of another tenant apart from a
 * drawing that failed, because the face raises the first as an incident. */
#ifndef POSTROOM_SERVICE_PAPER_H
#define POSTROOM_SERVICE_PAPER_H
#include "documents/document.h"
#include "domain/types.h"
#include "service/service.h"

/* The scope's settings and name; a store return code. */
int service_letterhead(const struct service_ctx *c, struct tenant_settings *ts, const char **name);
/* The letterhead an order ships under: its chosen sender (its document's
 * "senderId", one of senders, the business's live senders as
 * store_senders_list gives them), else the default sender, else ts itself
 * (the account address, as before senders existed). The layout stays ts's. */
struct sender_row;
struct tenant_settings service_sender_of(const struct tenant_settings *ts,
                                         const struct sender_row *senders, size_t n,
                                         const char *doc);
/* service_letterhead with the address of the sender an order ships from
 * (its document's senderId, else the default sender, else the account's):
 * for a document about one order, or doc NULL for the business as a whole
 * (a manifest). */
int service_letterhead_for(const struct service_ctx *c, const char *doc, struct tenant_settings *ts,
                           const char **name);
/* The label layout the business chose (6x4 unless A4). */
enum doc_layout service_layout(const struct tenant_settings *ts);
/* SERVICE_OK, SERVICE_FOREIGN_RECORD or SERVICE_DRAW_FAILED. */
enum service_rc service_drawn(enum doc_rc rc);

#endif
