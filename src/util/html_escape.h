/* html_escape: the escaping HTML writer every page uses (web/ for the
 * businesses, ops/ for the operators, status/ for the public), kept below them so that neither
 * needs the other. Text goes through html_text(), which escapes by
 * default; markup is only ever written from constant strings. */
#ifndef POSTROOM_HTML_ESCAPE_H
#define POSTROOM_HTML_ESCAPE_H
#include "util/buf.h"

/* Escapes & < > " ', writes invalid UTF-8 as U+FFFD and drops control
 * characters but tab and newlines: fit for HTML and XML (the status feeds)
 * alike. */
void html_text(struct buf *b, const char *s);
/* An error a page reports about what was just asked, announced to screen
 * readers: <p role="alert" class="error">message</p>; nothing when message
 * is NULL. */
void html_alert(struct buf *b, const char *message);

#endif
