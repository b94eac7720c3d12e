/* labels: the paperwork of stored orders, whichever face asks for it:
 * postage labels (GET /orders/{ids}/label, and the label POST /orders
 * returns when label.includeLabelInResponse asks), despatch notes, and
 * CN22 or CN23 customs declarations.
 *
 * One PDF for the orders handed in, in the business's layout (6x4 or A4).
 * The rows are the caller's, read in the context's scope; the face claims
 * each for its egress check, and the document layer refuses a record of
 * any tenant but the scope's (SERVICE_FOREIGN_RECORD). Which orders may
 * have which document (postage applied, customs contents complete) is the
 * face's to check first: it answers in the spec's error shape. */
#ifndef POSTROOM_SERVICE_LABELS_H
#define POSTROOM_SERVICE_LABELS_H
#include "domain/types.h"
#include "service/service.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

struct doc_fonts;

enum service_paperwork { SERVICE_DESPATCH_NOTE, SERVICE_CN22, SERVICE_CN23 };

/* Draws the postage labels of rows (orders that have postage) into out,
 * each followed on request by a returns label (its own S10 number of the
 * tariff's first return service) and, for an international order, by its
 * customs form; then marks the orders printed (postage applied -> label
 * generated) as of c->now. SERVICE_OK, SERVICE_STORE_ERROR,
 * SERVICE_DRAW_FAILED or SERVICE_FOREIGN_RECORD; nothing is marked unless
 * the whole document was drawn. */
enum service_rc service_render_labels(const struct service_ctx *c, const struct doc_fonts *fonts,
                                      const struct order_row *rows, size_t n, bool returns,
                                      bool customs, struct buf *out);
/* Draws one document of the kind per order into out; nothing is marked. */
enum service_rc service_render_paperwork(const struct service_ctx *c, const struct doc_fonts *fonts,
                                         enum service_paperwork kind, const struct order_row *rows,
                                         size_t n, struct buf *out);

#endif
