/* html_escape: text into HTML, escaped. */
#include "util/html_escape.h"
#include "util/utf8.h"

#include <string.h>

void html_text(struct buf *b, const char *s)
{
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n) {
        size_t l = utf8_sequence(p, n);
        if (!l) { /* not UTF-8: the replacement character, never the raw byte */
            buf_adds(b, "\xEF\xBF\xBD");
            p++, n--;
            continue;
        }
        switch (*p) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        case '\'':
            buf_adds(b, "&#39;");
            break;
        default: /* control characters are dropped: XML (the feeds) forbids them */
            if ((*p >= 0x20 && *p != 0x7f) || *p == '\n' || *p == '\t' || *p == '\r')
                buf_add(b, p, l);
        }
        p += l, n -= l;
    }
}

void html_alert(struct buf *b, const char *message)
{
    if (!message) return;
    buf_adds(b, "<p role=\"alert\" class=\"error\">");
    html_text(b, message);
    buf_adds(b, "</p>");
}
