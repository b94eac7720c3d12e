/* settings_labels: /settings/labels, a business's label layout and
 * customs defaults (issue 11).
 *
 * The layout is the one `postroom tenant set --label-layout` sets (6x4
 * thermal labels, or A4 sheets), read by every document the business
 * prints. The customs defaults fill what an order's items leave out on
 * its CN22/CN23 (documents/paperwork.c): the declaration's category (the
 * box ticked: today sale of goods) and the country of origin printed for
 * an item that names none. They do not relax the checks before postage
 * (domain/customs_rule.h): commercial goods and CN23s still need each
 * item's HS code and origin in the order. */
#include "domain/country.h"
#include "service/settings.h"
#include "web/frame.h"
#include "web/settings.h"

#include <string.h>

static const struct {
    const char *value, *words;
} categories[] = {
    {"", "Sale of goods (as the order says, or no default)"},
    {"gift", "Gift"},
    {"commercialSample", "Commercial sample"},
    {"documents", "Documents"},
    {"returnedGoods", "Returned goods"},
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

struct labels_form {
    const char *layout, *category, *origin;
    const char *layout_error, *category_error, *origin_error;
};

static void layout_choice(struct request *r, const char *value, const char *words,
                          const char *chosen)
{
    buf_adds(&r->out, "<label class=\"choice\"><input type=\"radio\" name=\"layout\" value=\"");
    buf_adds(&r->out, value);
    buf_adds(&r->out, chosen && !strcmp(chosen, value) ? "\" checked> " : "\"> ");
    html_text(&r->out, words);
    buf_adds(&r->out, "</label>");
}

static void labels_page(struct request *r, int status, const char *done, const char *alert,
                        const struct labels_form *f)
{
    web_page_open(r, WEB_SECTION_SETTINGS, "Labels and customs");
    settings_breadcrumb(r, "Labels and customs");
    settings_done(r, done);
    html_alert(&r->out, alert);
    buf_adds(&r->out, "<form method=\"post\" action=\"/settings/labels\" class=\"stack\" "
                      "novalidate>");
    web_csrf_field(r);
    buf_adds(&r->out,
             f->layout_error ? "<fieldset aria-describedby=\"layout-error\">" : "<fieldset>");
    buf_adds(&r->out, "<legend>Label layout</legend>");
    layout_choice(r, "6x4", "6 x 4 inch labels, one per page (thermal printers)", f->layout);
    layout_choice(r, "A4", "A4 sheets (office printers)", f->layout);
    settings_field_error(r, "layout", f->layout_error);
    buf_adds(&r->out, "</fieldset><fieldset class=\"column\"><legend>Customs defaults</legend>"
                      "<p class=\"muted\">Printed on CN22 "
                      "and CN23 declarations when an order's items leave them out. Orders of "
                      "goods for sale still need each item's HS code and origin before "
                      "postage.</p><label for=\"category\">Type of contents<select "
                      "id=\"category\" name=\"category\"");
    buf_adds(&r->out, f->category_error ? " aria-invalid=\"true\" "
                                          "aria-describedby=\"category-error\">"
                                        : ">");
    for (size_t i = 0; i < NCATEGORIES; i++) {
        buf_adds(&r->out, "<option value=\"");
        buf_adds(&r->out, categories[i].value);
        bool sel = f->category ? !strcmp(f->category, categories[i].value) : i == 0;
        buf_adds(&r->out, sel ? "\" selected>" : "\">");
        html_text(&r->out, categories[i].words);
        buf_adds(&r->out, "</option>");
    }
    buf_adds(&r->out, "</select>");
    settings_field_error(r, "category", f->category_error);
    buf_adds(&r->out, "</label><label for=\"origin\">Country of origin of your goods (two "
                      "letters, such as GB; leave empty for none)<input id=\"origin\" "
                      "name=\"origin\" maxlength=\"60\" autocomplete=\"off\" value=\"");
    html_text(&r->out, f->origin ? f->origin : "");
    buf_adds(&r->out, f->origin_error
                          ? "\" aria-invalid=\"true\" aria-describedby=\"origin-error\">"
                          : "\">");
    settings_field_error(r, "origin", f->origin_error);
    buf_adds(&r->out, "</label></fieldset><button type=\"submit\">Save</button></form>");
    web_page_close(r, status);
}

void web_settings_labels(struct request *r)
{
    struct scope sc = scope_of(&r->principal);
    struct label_settings ls;
    if (store_label_settings(r->store, &sc, &r->arena, &ls) != STORE_OK) {
        http_error(r, 503, "Unavailable", "The settings could not be read; try again shortly.");
        return;
    }
    struct labels_form f = {ls.label_layout,
                            ls.customs_category ? ls.customs_category : "",
                            ls.customs_origin,
                            NULL,
                            NULL,
                            NULL};
    const char *done = http_query(r, "done");
    labels_page(r, 200, done && !strcmp(done, "saved") ? "The settings are saved." : NULL, NULL,
                &f);
}

static bool category_known(const char *v)
{
    for (size_t i = 0; v && i < NCATEGORIES; i++)
        if (!strcmp(v, categories[i].value)) return true;
    return false;
}

void web_settings_labels_save(struct request *r)
{
    struct labels_form f = {
        http_form(r, "layout"), http_form(r, "category"), http_form(r, "origin"), NULL, NULL, NULL};
    if (!f.layout || (strcmp(f.layout, "6x4") && strcmp(f.layout, "A4")))
        f.layout_error = "Choose 6 x 4 labels or A4 sheets.";
    if (!category_known(f.category ? f.category : "")) f.category_error = "Choose from the list.";
    const char *origin = NULL;
    if (f.origin && *f.origin) {
        /* a country typed by name or code becomes its two-letter code */
        origin = country_to_alpha2(f.origin);
        if (!origin) f.origin_error = "Enter a country, such as GB or United Kingdom.";
    }
    if (f.layout_error || f.category_error || f.origin_error) {
        labels_page(r, 422, NULL, "Nothing was saved: see the fields below.", &f);
        return;
    }
    struct label_settings ls = {f.layout, f.category && *f.category ? f.category : NULL, origin};
    struct service_ctx c = settings_ctx(r);
    if (service_label_settings_set(&c, &ls) != STORE_OK) {
        http_error(r, 503, "Unavailable", "The settings could not be saved; try again shortly.");
        return;
    }
    web_redirect(r, "/settings/labels?done=saved");
}
