/* errors: the page a browser gets instead of a JSON error (an unknown page,
 * a form too large, an expired form), so nobody reads raw JSON. */
#include "http/router.h"
#include "web/frame.h"
#include "web/html.h"
#include "web/web.h"

static const char *title_of(int status)
{
    switch (status) {
    case 404:
        return "Page not found";
    case 405:
        return "Not allowed here";
    case 403:
        return "Form expired";
    case 413:
        return "File too large";
    case 429:
        return "Too many requests";
    case 503:
        return "Temporarily unavailable";
    default:
        return status >= 500 ? "Something went wrong" : "Request not understood";
    }
}

/* Whether a 403 refuses a signed-in user a route their role is below (a
 * Standard user on an administrator's page), not an expired form. */
static bool role_refused(struct request *r, int status)
{
    const struct route *rt = status == 403 && r->authenticated ? router_route(r) : NULL;
    return rt && rt->auth == AUTH_SESSION && r->principal.kind == PRINCIPAL_BUSINESS &&
           r->principal.role < rt->role;
}

/* The refusal inside the app's own frame, so the user keeps their way
 * around: what they asked for is an administrator's. */
static void administrators_only(struct request *r)
{
    web_page_open(r, WEB_SECTION_NONE, "Administrators only");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">Only an administrator of your business "
                      "can open this page or make this change.</p><p>Ask an administrator "
                      "if you need it. <a href=\"/\">Go to the dashboard</a>.</p>");
    web_page_close(r, 403);
}

void web_error_page(struct request *r, int status, const char *message)
{
    if (role_refused(r, status)) {
        administrators_only(r);
        return;
    }
    const char *title = title_of(status);
    html_page_open(&r->out, title);
    buf_adds(&r->out, "<h1>");
    html_text(&r->out, title);
    buf_adds(&r->out, "</h1><p role=\"alert\" class=\"error\">");
    html_text(&r->out, status == 404 ? "There is no page at this address." : message);
    buf_adds(&r->out, "</p>");
    if (status == 503) web_notice_suspended(r); /* what a business must be told, even now */
    buf_adds(&r->out, "<p><a href=\"/\">Go to your account</a> or "
                      "<a href=\"/login\">sign in</a>.</p>");
    html_page_close_at(&r->out, r->path);
    http_reply(r, status, "text/html; charset=utf-8");
}
