/* html: escaping writer and the page frame. */
#include "web/html.h"

void html_text(struct buf *b, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        switch (*s) {
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
        default:
            buf_addc(b, *s);
        }
    }
}

void html_page_open(struct buf *b, const char *title)
{
    buf_adds(b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/assets/style.css\"><title>");
    html_text(b, title);
    buf_adds(b, " - postroom</title></head><body><main>");
}

void html_page_close(struct buf *b)
{
    buf_adds(b, "</main></body></html>");
}
