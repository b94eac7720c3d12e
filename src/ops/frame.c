/* frame: the operators' page frame, error page and redirect. */
#include "ops/ops_impl.h"

void ops_page_open(struct buf *b, const char *title)
{
    buf_adds(b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/assets/style.css\"><title>");
    html_text(b, title);
    buf_adds(b, " - postroom operators</title></head><body><main>");
}

void ops_page_nav(struct buf *b)
{
    buf_adds(b, "<nav aria-label=\"Operators\"><a href=\"/ops/\">Console</a> "
                "<a href=\"/ops/breaches\">Breaches</a> "
                "<a href=\"/ops/blast-radius\">Blast radius</a></nav>");
}

void ops_page_close(struct buf *b)
{
    buf_adds(b, "</main></body></html>");
}

void ops_error(struct request *r, int status, const char *message)
{
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, "Operators");
    buf_adds(&r->out, "<h1>postroom operators</h1><p role=\"alert\" class=\"error\">");
    html_text(&r->out, message);
    buf_adds(&r->out, "</p><p><a href=\"/ops/\">Back to the console</a></p>");
    ops_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

void ops_redirect(struct request *r, const char *to)
{
    http_add_header(r, "Location", to);
    http_reply(r, 303, "text/html; charset=utf-8");
}
