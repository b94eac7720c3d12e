/* html: the page frame (the escaping writer is util/html_escape.c). */
#include "web/html.h"

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

void html_page_close_at(struct buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_adds(b, "<p class=\"report\"><a href=\"/report-problem?page=");
    /* the path as a query value: what is not plainly safe there is %XX */
    for (const char *p = path ? path : "/"; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            buf_addc(b, (char)c);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[c >> 4]);
            buf_addc(b, hex[c & 15]);
        }
    }
    buf_adds(b, "\">Report a data problem</a></p>");
    html_page_close(b);
}
