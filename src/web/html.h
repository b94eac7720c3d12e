/* html: the HTML writer. Text goes through html_text(), which escapes by
 * default; markup is only ever written from constant strings. */
#ifndef POSTROOM_HTML_H
#define POSTROOM_HTML_H
#include "util/buf.h"

void html_text(struct buf *b, const char *s); /* escapes & < > " ' */
void html_page_open(struct buf *b, const char *title);
void html_page_close(struct buf *b);

#endif
