/* settings: GET /settings, the administrators' index of their business's
 * settings, and what the settings pages share (web/settings.h). */
#include "web/settings.h"
#include "domain/breach.h"
#include "http/server.h"
#include "util/timefmt.h"
#include "util/utf8.h"
#include "web/frame.h"
#include "util/id_parse.h"

#include <string.h>

static const struct {
    const char *href, *title, *what;
} pages[] = {
    {"/settings/users", "Users",
     "Who can sign in to your business, and whether they are an administrator."},
    {"/settings/keys", "API keys",
     "Keys your software uses with the Click & Drop API: create, see when each was last used, "
     "revoke."},
    {"/settings/labels", "Labels and customs",
     "The label layout your printer takes, and what your customs declarations say when an "
     "order leaves it out."},
    {"/settings/senders", "Trading names and sender addresses",
     "The names and return addresses on your labels; one is the default."},
};

void web_settings(struct request *r)
{
    web_page_open(r, WEB_SECTION_SETTINGS, "Settings");
    buf_adds(&r->out, "<p class=\"muted\">Only administrators see these pages.</p>"
                      "<ul class=\"settings-index\">");
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        buf_adds(&r->out, "<li><a href=\"");
        buf_adds(&r->out, pages[i].href);
        buf_adds(&r->out, "\">");
        html_text(&r->out, pages[i].title);
        buf_adds(&r->out, "</a><p>");
        html_text(&r->out, pages[i].what);
        buf_adds(&r->out, "</p></li>");
    }
    buf_adds(&r->out, "</ul>");
    web_page_close(r, 200);
}

struct service_ctx settings_ctx(struct request *r)
{
    struct service_ctx c = {r->store,       scope_of(&r->principal), &r->arena,
                            r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
    return c;
}

void settings_when(struct request *r, int64_t ms, const char *if_never)
{
    if (!ms) {
        buf_adds(&r->out, "<span class=\"muted\">");
        html_text(&r->out, if_never);
        buf_adds(&r->out, "</span>");
        return;
    }
    char iso[40];
    time_format_rfc3339(ms, iso, sizeof iso);
    buf_adds(&r->out, "<time datetime=\"");
    html_text(&r->out, iso);
    buf_adds(&r->out, "\">");
    html_text(&r->out, breach_london(&r->arena, ms));
    buf_adds(&r->out, "</time>");
}

bool settings_id(const char *v, int64_t *id)
{
    return id_parse(v, INT64_MAX, id);
}

void settings_field_error(struct request *r, const char *id, const char *msg)
{
    if (!msg) return;
    buf_adds(&r->out, "<span class=\"field-error\" id=\"");
    buf_adds(&r->out, id);
    buf_adds(&r->out, "-error\">");
    html_text(&r->out, msg);
    buf_adds(&r->out, "</span>");
}

const char *settings_clean_text(struct request *r, const char *v, size_t max, const char **why)
{
    if (!v) v = "";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < ' ' || c == 127) {
            *why = "Use letters, digits and punctuation only.";
            return NULL;
        }
        chars += (c & 0xC0) != 0x80;
    }
    if (!utf8_valid(v, n)) {
        *why = "Use letters, digits and punctuation only.";
        return NULL;
    }
    if (chars == 0) {
        *why = "Enter a name.";
        return NULL;
    }
    if (chars > max) {
        *why = arena_printf(&r->arena, "Use at most %zu characters.", max);
        return NULL;
    }
    *why = NULL;
    return arena_strndup(&r->arena, v, n);
}

void settings_done(struct request *r, const char *message)
{
    if (!message) return;
    buf_adds(&r->out, "<p class=\"done\" role=\"status\">");
    html_text(&r->out, message);
    buf_adds(&r->out, "</p>");
}

void settings_breadcrumb(struct request *r, const char *page)
{
    buf_adds(&r->out, "<nav aria-label=\"Breadcrumb\" class=\"breadcrumb\"><a href=\"/settings\">"
                      "Settings</a> <span aria-hidden=\"true\">/</span> ");
    html_text(&r->out, page);
    buf_adds(&r->out, "</nav>");
}
