/* report: "Report a data problem" (issue 10), GET /report-problem?page=PATH
 * (the form) and POST /report-problem (filing it).
 *
 * Every page of the signed-in web app links here with its own path
 * (web/html.c, html_page_close_at). A report records the page's path only
 * (never its query, which could hold a search), the time, the business and
 * the user, a category, and optional short text; the operators see it in
 * their console (ops/). The text is stored but never logged, and the form
 * asks that it hold no customer's details. */
#include "store/store.h"
#include "util/timefmt.h"
#include "util/utf8.h"
#include "web/html.h"
#include "web/web.h"

#include <string.h>

#define REPORT_PAGE_MAX 200
#define REPORT_DETAILS_MAX 500

static const struct {
    const char *value, *label;
} categories[] = {
    {"wrong_data", "Wrong data shown"},
    {"other_business", "Someone else's data shown"},
    {"other", "Something else"},
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

/* The page a report names: a path of printable ASCII, cut at any query or
 * fragment; "/" when none was given or it is not one. */
static const char *page_of(struct request *r, const char *given)
{
    if (!given || given[0] != '/') return "/";
    size_t n = strcspn(given, "?#");
    if (n > REPORT_PAGE_MAX) return "/";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)given[i] <= ' ' || (unsigned char)given[i] >= 127) return "/";
    return arena_strndup(&r->arena, given, n);
}

static bool category_known(const char *c)
{
    for (size_t i = 0; c && i < NCATEGORIES; i++)
        if (!strcmp(categories[i].value, c)) return true;
    return false;
}

static void report_form(struct request *r, int status, const char *page, const char *message)
{
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, "Report a data problem");
    buf_adds(&r->out, "<h1>Report a data problem</h1>");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<p>Tell postroom's operators that a page showed something wrong, "
                      "such as another business's orders. They see the page, the time and "
                      "your account, and look into it at once.</p>"
                      "<form method=\"post\" action=\"/report-problem\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\"><input type=\"hidden\" name=\"page\" value=\"");
    html_text(&r->out, page);
    buf_adds(&r->out, "\"><p>Page: <code>");
    html_text(&r->out, page);
    buf_adds(&r->out, "</code></p><fieldset><legend>What went wrong?</legend>");
    for (size_t i = 0; i < NCATEGORIES; i++) {
        buf_adds(&r->out, "<label><input type=\"radio\" name=\"category\" required value=\"");
        html_text(&r->out, categories[i].value);
        buf_adds(&r->out, "\"> ");
        html_text(&r->out, categories[i].label);
        buf_adds(&r->out, "</label>");
    }
    buf_adds(&r->out, "</fieldset><label>Anything else (optional, at most 500 characters). "
                      "Do not type your customers' names, addresses or other details here."
                      "<textarea name=\"details\" maxlength=\"500\" rows=\"4\"></textarea>"
                      "</label><button type=\"submit\">Send the report</button></form>"
                      "<p><a href=\"/\">Home</a></p>");
    html_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

void web_report_form(struct request *r)
{
    report_form(r, 200, page_of(r, http_query(r, "page")), NULL);
}

void web_report(struct request *r)
{
    const char *page = page_of(r, http_form(r, "page"));
    const char *category = http_form(r, "category");
    const char *details = http_form(r, "details");
    if (!details) details = "";
    if (!category_known(category)) {
        report_form(r, 400, page, "Choose what went wrong.");
        return;
    }
    size_t n = strlen(details), chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)details[i] & 0xC0) != 0x80; /* not a continuation byte */
    if (chars > REPORT_DETAILS_MAX || !utf8_valid(details, n)) {
        report_form(r, 400, page, "The text may be at most 500 characters.");
        return;
    }
    struct scope sc = scope_of(&r->principal);
    int64_t id = 0;
    if (store_data_report_add(r->store, &sc, r->principal.user_id, page, category, details,
                              time_now_ms(), &id) != STORE_OK) {
        http_error(r, 503, "Unavailable", "The report could not be sent; try again shortly.");
        return;
    }
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, "Report sent");
    buf_adds(&r->out, "<h1>Report sent</h1><p role=\"status\">Thank you. postroom's operators "
                      "have your report about <code>");
    html_text(&r->out, page);
    buf_adds(&r->out, "</code>.</p><p><a href=\"/\">Home</a></p>");
    html_page_close(&r->out);
    http_reply(r, 200, "text/html; charset=utf-8");
}
