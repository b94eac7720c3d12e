/* notices: what a business is told of a breach that touched its records
 * (UK GDPR Art. 33(2): the processor tells the controller without undue
 * delay). A banner on its signed-in pages, and /notices listing its own
 * part of every breach's blast radius: which of its orders were handed to
 * which other business (by id), when, how often, and whether the answer
 * was withheld. Never the other business's data, nor a name: the rows are
 * the business's own (store_breach_notices, a scoped call). While a kill
 * switch stops the pages, the 503 page carries the notice itself. */
#include "domain/breach.h"
#include "store/store_breach.h"
#include "web/html.h"
#include "web/web.h"

/* The business's rows, or none when they cannot be read (a page is never
 * refused for want of its banner). */
static size_t notices_of(struct request *r, struct exposure **x)
{
    size_t n = 0;
    *x = NULL;
    if (!r->authenticated || !r->store || store_is_broken(r->store)) return 0;
    struct scope sc = scope_of(&r->principal);
    if (store_breach_notices(r->store, &sc, &r->arena, x, &n) != STORE_OK) return 0;
    return n;
}

static void banner(struct buf *b, const struct exposure *x, size_t nx, bool link)
{
    int64_t n, businesses;
    breach_radius_counts(x, nx, &n, &businesses);
    buf_adds(b, "<aside class=\"notice\" role=\"alert\" id=\"data-notice\"><strong>Notice about "
                "your data.</strong> postroom handed ");
    buf_printf(b, "%lld record%s of your orders to another business's request%s. ", (long long)n,
               n == 1 ? "" : "s", n == 1 ? "" : "s");
    if (link) buf_adds(b, "<a href=\"/notices\">Read what happened and which orders</a>.");
    buf_adds(b, "</aside>");
}

static void when(struct buf *b, int64_t ms)
{
    char t[32];
    breach_format_london(ms, t, sizeof t);
    html_text(b, t);
}

static void table(struct buf *b, const struct exposure *x, size_t n)
{
    buf_adds(b, "<table class=\"notices\"><thead><tr><th>Breach</th><th>Your record</th>"
                "<th>Handed to business</th><th>First</th><th>Last</th><th>Times</th>"
                "<th>Withheld by the egress check</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "<tr><td>%lld</td><td>", (long long)x[i].breach_id);
        html_text(b, x[i].object);
        buf_printf(b, "</td><td>%lld</td><td>", (long long)x[i].principal_tenant);
        when(b, x[i].first_at);
        buf_adds(b, "</td><td>");
        when(b, x[i].last_at);
        buf_printf(b, "</td><td>%lld</td><td>%lld</td></tr>", (long long)x[i].times,
                   (long long)x[i].withheld);
    }
    buf_adds(b, "</tbody></table>");
}

static void explain(struct buf *b)
{
    buf_adds(b, "<p>An answer withheld by the egress check never left postroom: the other "
                "business did not receive it. We have recorded the breach, suspended access "
                "where needed and will tell you what we learn. As the controller of your "
                "customers' data you decide whether to tell the ICO and your customers; "
                "contact us for what you need.</p>");
}

void web_notice_banner(struct request *r)
{
    struct exposure *x;
    size_t n = notices_of(r, &x);
    if (n) banner(&r->out, x, n, true);
}

void web_notice_suspended(struct request *r)
{
    struct exposure *x;
    size_t n = notices_of(r, &x);
    if (!n) return;
    banner(&r->out, x, n, false);
    table(&r->out, x, n);
    explain(&r->out);
}

void web_notices(struct request *r)
{
    struct exposure *x;
    size_t n = notices_of(r, &x);
    html_page_open(&r->out, "Notices");
    buf_adds(&r->out, "<h1>Notices about your data</h1>");
    if (!n) {
        buf_adds(&r->out, "<p>There is no notice: no breach we know of touched your records.</p>");
    } else {
        banner(&r->out, x, n, false);
        table(&r->out, x, n);
        explain(&r->out);
    }
    buf_adds(&r->out, "<p><a href=\"/\">Back to your account</a></p>");
    html_page_close(&r->out);
    http_reply(r, 200, "text/html; charset=utf-8");
}
