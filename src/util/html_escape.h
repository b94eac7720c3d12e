/* html_escape: the escaping HTML writer both page faces use (web/ for the
 * businesses, ops/ for the operators), kept below them so that neither
 * needs the other. Text goes through html_text(), which escapes by
 * default; markup is only ever written from constant strings. */
#ifndef POSTROOM_HTML_ESCAPE_H
#define POSTROOM_HTML_ESCAPE_H
#include "util/buf.h"

void html_text(struct buf *b, const char *s); /* escapes & < > " ' */

#endif
