/* idlist: the {orderIdentifiers} path segment.
 *
 * A ';'-separated list of at most 100 items. An item of digits is an order
 * identifier; an item wrapped in double quotes is an order reference,
 * percent-encoded inside the quotes (so a ';' in a reference travels as %3B).
 * Anything else makes the whole list invalid.
 *
 * Clients send the list in two shapes, and both name the same orders:
 * - as the spec writes it, its structure raw: "ref";1001;"A%3BB"
 * - percent-encoded once more as a whole, as clients generated from the
 *   OpenAPI document do with every path parameter: %22ref%22%3B1001%3B%22A%253BB%22
 * A raw '"' anywhere in the segment means the first shape (a generated
 * client always encodes '"'); otherwise the segment is decoded once before
 * it is split, which is also what web frameworks do before routing. The
 * cases that stay ambiguous are listed in docs/api.md. */
#ifndef POSTROOM_IDLIST_H
#define POSTROOM_IDLIST_H
#include "domain/types.h"
#include "util/arena.h"

#define IDLIST_MAX 100
#define IDLIST_REFERENCE_MAX 40 /* code points */

/* Parses the raw (as received) segment. Returns the number of keys (>= 1),
 * or -1 with *error set to a message and *bad_item to the offending item
 * (at most 60 bytes, or NULL). */
int idlist_parse(struct arena *a, const char *raw, struct order_key **keys, const char **error,
                 const char **bad_item);

#endif
