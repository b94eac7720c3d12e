/* order_json: orders written out in the API's shapes (GetOrderInfoResource,
 * GetOrderDetailsResource), from the stored document. */
#ifndef POSTROOM_ORDER_JSON_H
#define POSTROOM_ORDER_JSON_H
#include "domain/types.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdbool.h>

/* Writers. The caller claims each row's tenant for the egress check before
 * writing it. _members writes the fields without the braces, for answers
 * that extend GetOrderInfoResource (CreateOrderResponse). */
void order_write_info_members(struct jw *w, const struct order_row *row);
void order_write_info(struct jw *w, const struct order_row *row);
bool order_write_details(struct jw *w, const struct order_row *row, struct arena *a);

#endif
