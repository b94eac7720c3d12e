/* frame: the signed-in app's page frame (web/frame.h). */
#include "web/frame.h"
#include "http/server.h"
#include "store/store.h"
#include "web/web.h"

#include <string.h>

static const struct nav_item {
    enum web_section section;
    const char *href, *label;
    bool admin_only;
} nav[] = {
    {WEB_SECTION_DASHBOARD, "/", "Dashboard", false},
    {WEB_SECTION_ORDERS, "/orders", "Orders", false},
    {WEB_SECTION_MANIFESTS, "/manifests", "Manifests", false},
    {WEB_SECTION_RULES, "/rules", "Shipping rules", false},
    {WEB_SECTION_IMPORT, "/import", "Import", false},
    {WEB_SECTION_EXPORT, "/export", "Export", false},
    {WEB_SECTION_SETTINGS, "/settings", "Settings", true},
};

static void nav_bar(struct request *r, enum web_section section, const char *business,
                    const char *email)
{
    struct buf *b = &r->out;
    buf_adds(b, "<header class=\"topbar\"><a class=\"brand\" href=\"/\">postroom</a>"
                "<nav aria-label=\"Main\"><ul>");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (nav[i].admin_only && r->principal.role < ROLE_ADMIN) continue;
        buf_adds(b, "<li><a href=\"");
        buf_adds(b, nav[i].href);
        buf_adds(b, nav[i].section == section ? "\" aria-current=\"page\">" : "\">");
        buf_adds(b, nav[i].label);
        buf_adds(b, "</a></li>");
    }
    buf_adds(b, "</ul></nav><div class=\"who\"><span class=\"business\">");
    html_text(b, business);
    buf_adds(b, "</span><span class=\"user\">");
    html_text(b, email);
    buf_adds(b, section == WEB_SECTION_ACCOUNT
                    ? "</span><a href=\"/account\" aria-current=\"page\">Account</a>"
                    : "</span><a href=\"/account\">Account</a>");
    buf_adds(b, "<form method=\"post\" action=\"/logout\" class=\"signout\">");
    web_csrf_field(r);
    buf_adds(b, "<button type=\"submit\" class=\"link\">Sign out</button></form></div></header>");
}

void web_page_open(struct request *r, enum web_section section, const char *title)
{
    struct scope sc = scope_of(&r->principal);
    const char *business = NULL, *email = NULL;
    if (store_tenant_name(r->store, &sc, &r->arena, &business) != STORE_OK) business = NULL;
    if (store_user_email(r->store, &sc, r->principal.user_id, &r->arena, &email) != STORE_OK)
        email = NULL;
    buf_init(&r->out, &r->arena);
    buf_adds(&r->out, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<link rel=\"stylesheet\" href=\"/assets/style.css\">"
                      "<script src=\"/assets/app.js\" defer></script><title>");
    html_text(&r->out, title);
    buf_adds(&r->out, " - postroom</title></head><body class=\"app\">"
                      "<a class=\"skip\" href=\"#content\">Skip to content</a>");
    nav_bar(r, section, business ? business : "", email ? email : "");
    buf_adds(&r->out, "<main id=\"content\" tabindex=\"-1\">");
    web_notice_banner(r);
    buf_adds(&r->out, "<h1>");
    html_text(&r->out, title);
    buf_adds(&r->out, "</h1>");
}

void web_page_close(struct request *r, int status)
{
    html_page_close_at(&r->out, r->path);
    http_reply(r, status, "text/html; charset=utf-8");
}

void web_csrf_field(struct request *r)
{
    buf_adds(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\">");
}

long web_form_ids(struct request *r, int64_t **ids, const char **error)
{
    const char **values = arena_alloc(&r->arena, WEB_FORM_IDS_MAX * sizeof *values);
    size_t n = http_form_all(r, "id", values, WEB_FORM_IDS_MAX);
    *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof **ids);
    for (size_t i = 0; i < n; i++) {
        const char *v = values[i];
        int64_t id = 0;
        size_t len = strlen(v);
        bool ok = len > 0 && len <= 18;
        for (size_t k = 0; ok && k < len; k++) {
            ok = v[k] >= '0' && v[k] <= '9';
            id = id * 10 + (v[k] - '0');
        }
        if (!ok || id <= 0) {
            *error = "An order number in the selection is not a number.";
            return -1;
        }
        (*ids)[i] = id;
    }
    *error = NULL;
    return (long)n;
}

void web_redirect(struct request *r, const char *to)
{
    http_add_header(r, "Location", to);
    http_reply(r, 303, "text/html; charset=utf-8");
}
