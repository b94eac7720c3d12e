/* html: the HTML writer. Text goes through html_text(), which escapes by
 * default; markup is only ever written from constant strings. */
#ifndef POSTROOM_HTML_H
#define POSTROOM_HTML_H
#include "util/buf.h"
#include "util/html_escape.h" /* html_text */

void html_page_open(struct buf *b, const char *title);
void html_page_close(struct buf *b);
/* The frame's close for a page of the signed-in web app at path (the raw
 * request path): with the "Report a data problem" link (web/report.c) that
 * names the page. */
void html_page_close_at(struct buf *b, const char *path);

#endif
