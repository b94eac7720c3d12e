/* idlist: the {orderIdentifiers} path segment.
 *
 * A ';'-separated list of at most 100 items. An item of digits is an order
 * identifier; an item wrapped in double quotes (raw or as %22) is an order
 * reference, percent-encoded inside the quotes (so a ';' in a reference
 * travels as %3B). Anything else makes the whole list invalid. */
#ifndef POSTROOM_IDLIST_H
#define POSTROOM_IDLIST_H
#include "store/store.h"

#define IDLIST_MAX 100

/* Parses the raw segment. Returns the number of keys (>= 1), or -1 with
 * *error set to a message and *bad_item to the offending raw item (or NULL). */
int idlist_parse(struct arena *a, const char *raw, struct order_key **keys, const char **error,
                 const char **bad_item);

#endif
