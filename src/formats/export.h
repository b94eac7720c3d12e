/* export: orders out as a spreadsheet.
 *
 * The columns are Click & Drop's import layout (domain/import reads them
 * back, so an exported file imports unchanged), followed by what only an
 * export can say: the order number, status, tracking number, channel and
 * when it was created. One row per order; its first line item fills the
 * product columns. Pure logic: the caller reads the rows and claims each
 * one's tenant for the egress check before writing it. */
#ifndef POSTROOM_EXPORT_H
#define POSTROOM_EXPORT_H
#include "domain/types.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdbool.h>

/* A UTF-8 byte order mark (so Excel reads the file as UTF-8) and the header
 * row. */
void export_header(struct buf *b);
/* One order's row. False when its stored document does not parse. */
bool export_row(struct buf *b, const struct order_row *row, struct arena *a);
/* One cell: quoted when it holds a comma, quote or line break; prefixed
 * with an apostrophe when a spreadsheet would otherwise run it as a formula
 * (CSV injection: a customer name "=HYPERLINK(...)" must stay text). */
void export_cell(struct buf *b, const char *s);

#endif
