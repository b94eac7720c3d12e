/* rules: the shipping rules pages (issue 11). GET /rules lists the
 * business's rules in priority order, each in words ("To United Kingdom,
 * 0–2 kg, from Shopify → Royal Mail Tracked 48"); administrators add, edit,
 * reorder, switch off and delete them (/rules/new, /rules/{id}/edit, and
 * the POSTs beside them), Standard users see the list only (the route
 * table's ROLE_ADMIN answers 403 on the rest).
 *
 * A form that does not check out is shown again with what was typed and a
 * message at each field at fault (domain/shipping_rule's checks), 422, and
 * nothing stored. A rule id in the URL is looked up in the business's own
 * scope: another business's rule is a 404, and nothing changes. */
#include "domain/package_format.h"
#include "domain/shipping_rule.h"
#include "http/server.h"
#include "store/store.h"
#include "store/store_rules.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"
#include "util/id_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const zones[][2] = {
    {"", "Any destination zone"},
    {"UK", "The UK"},
    {"EU", "Europe"},
    {"WORLD", "The rest of the world"},
};

static struct scope scope_r(struct request *r)
{
    return scope_of(&r->principal);
}

/* The {id} of the URL, 0 when it is not a rule number. */
static int64_t rule_id_of(struct request *r)
{
    int64_t id;
    return id_parse(r->params[0], INT64_MAX, &id) ? id : 0;
}

static void not_found(struct request *r)
{
    web_page_open(r, WEB_SECTION_RULES, "Rule not found");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">There is no such shipping rule in your "
                      "business.</p><p><a href=\"/rules\">Back to shipping rules</a></p>");
    web_page_close(r, 404);
}

static void unavailable(struct request *r)
{
    web_page_open(r, WEB_SECTION_RULES, "Shipping rules");
    html_alert(&r->out, "The shipping rules are unavailable right now. Try again shortly.");
    web_page_close(r, 503);
}

/* ---- the list ---- */

static const char *done_message(const char *done)
{
    static const char *const msgs[][2] = {
        {"added", "Rule added."},         {"saved", "Rule saved."},
        {"deleted", "Rule deleted."},     {"moved", "Rule moved."},
        {"enabled", "Rule switched on."}, {"disabled", "Rule switched off."},
    };
    for (size_t i = 0; done && i < sizeof msgs / sizeof msgs[0]; i++)
        if (!strcmp(done, msgs[i][0])) return msgs[i][1];
    return NULL;
}

/* A small form that posts to /rules/ID/what, with one button. */
static void action_button(struct request *r, int64_t id, const char *what, const char *label,
                          const char *aria, const char *cls, const char *confirm)
{
    struct buf *b = &r->out;
    buf_adds(b, "<form method=\"post\" class=\"inline\" action=\"/rules/");
    buf_add_i64(b, id);
    buf_addc(b, '/');
    buf_adds(b, what);
    buf_adds(b, "\">");
    web_csrf_field(r);
    buf_adds(b, "<button type=\"submit\" class=\"");
    buf_adds(b, cls);
    buf_adds(b, "\" aria-label=\"");
    html_text(b, aria);
    if (confirm) {
        buf_adds(b, "\" data-confirm=\"");
        html_text(b, confirm);
    }
    buf_adds(b, "\">");
    buf_adds(b, label);
    buf_adds(b, "</button></form>");
}

static void rule_actions(struct request *r, const struct shipping_rule *x, bool first, bool last)
{
    struct buf *b = &r->out;
    const char *name = x->name;
    buf_adds(b, "<td><div class=\"actions\"><a class=\"button secondary\" href=\"/rules/");
    buf_add_i64(b, x->rule_id);
    buf_adds(b, "/edit\" aria-label=\"");
    html_text(b, arena_printf(&r->arena, "Edit %s", name));
    buf_adds(b, "\">Edit</a>");
    if (!first)
        action_button(r, x->rule_id, "up", "\xE2\x86\x91",
                      arena_printf(&r->arena, "Move %s up", name), "secondary", NULL);
    if (!last)
        action_button(r, x->rule_id, "down", "\xE2\x86\x93",
                      arena_printf(&r->arena, "Move %s down", name), "secondary", NULL);
    if (x->enabled)
        action_button(r, x->rule_id, "disable", "Switch off",
                      arena_printf(&r->arena, "Switch off %s", name), "secondary", NULL);
    else
        action_button(r, x->rule_id, "enable", "Switch on",
                      arena_printf(&r->arena, "Switch on %s", name), "secondary", NULL);
    action_button(r, x->rule_id, "delete", "Delete", arena_printf(&r->arena, "Delete %s", name),
                  "danger",
                  arena_printf(&r->arena, "Delete the rule \xE2\x80\x9C%s\xE2\x80\x9D?", name));
    buf_adds(b, "</td>");
}

static void rules_table(struct request *r, const struct shipping_rule *rows, size_t n, bool admin)
{
    struct buf *b = &r->out;
    buf_adds(b, "<div class=\"table-wrap\"><table class=\"rules\"><caption class=\"muted\">"
                "Tried from the top; the first that matches an order and whose service can "
                "carry it applies.</caption><thead><tr><th scope=\"col\" class=\"num\">Order"
                "</th><th scope=\"col\">Name</th><th scope=\"col\">When</th>"
                "<th scope=\"col\">Apply</th><th scope=\"col\">Status</th>");
    if (admin) buf_adds(b, "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th>");
    buf_adds(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct shipping_rule *x = &rows[i];
        http_egress_claim(r, x->tenant_id, 0);
        buf_adds(b, x->enabled ? "<tr>" : "<tr class=\"off\">");
        buf_adds(b, "<td class=\"num\">");
        buf_add_i64(b, (int64_t)i + 1);
        buf_adds(b, "</td><td class=\"rule-name\">");
        html_text(b, x->name);
        buf_adds(b, "</td><td>");
        html_text(b, shipping_rule_conditions_words(x, &r->arena));
        buf_adds(b, "</td><td>");
        html_text(b, shipping_rule_action_words(x, r->cfg->tariff, &r->arena));
        buf_adds(b, x->enabled ? "</td><td><span class=\"badge s-on\">On</span></td>"
                               : "</td><td><span class=\"badge s-off\">Off</span></td>");
        if (admin) rule_actions(r, x, i == 0, i + 1 == n);
        buf_adds(b, "</tr>");
    }
    buf_adds(b, "</tbody></table></div>");
}

void web_rules(struct request *r)
{
    struct scope sc = scope_r(r);
    struct shipping_rule *rows;
    size_t n;
    if (store_rules_list(r->store, &sc, &r->arena, &rows, &n) != STORE_OK) {
        unavailable(r);
        return;
    }
    bool admin = r->principal.role >= ROLE_ADMIN;
    web_page_open(r, WEB_SECTION_RULES, "Shipping rules");
    struct buf *b = &r->out;
    const char *done = done_message(http_query(r, "done"));
    if (done) {
        buf_adds(b, "<p class=\"done\" role=\"status\">");
        buf_adds(b, done);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<p class=\"lead\">An order that arrives without a service (by the API, an "
                "import or the order form) takes postage from the first rule below that "
                "matches it, and its history says which rule applied.</p>");
    if (admin)
        buf_adds(b, "<p class=\"toolbar\"><a class=\"button\" href=\"/rules/new\">"
                    "Add a rule</a></p>");
    if (!n) {
        buf_adds(b, "<div class=\"empty\"><p><strong>No shipping rules yet.</strong></p><p>");
        buf_adds(b, admin ? "Add a rule to choose a service by destination, weight, order "
                            "value or channel."
                          : "An administrator of your business can add rules.");
        buf_adds(b, "</p></div>");
    } else {
        rules_table(r, rows, n, admin);
    }
    if (!admin) buf_adds(b, "<p class=\"muted\">Only administrators can change the rules.</p>");
    web_page_close(r, 200);
}

/* ---- the form ---- */

struct form_state {
    const char *v[RULE_F_COUNT];
    const char *err[RULE_F_COUNT];
    bool enabled;
};

/* The name, id and (when it is at fault) error attributes of a control. */
static void field_attrs(struct request *r, int f, const struct form_state *st)
{
    struct buf *b = &r->out;
    buf_adds(b, " name=\"");
    buf_adds(b, shipping_rule_field_names[f]);
    buf_adds(b, "\" id=\"f-");
    buf_adds(b, shipping_rule_field_names[f]);
    buf_adds(b, "\"");
    if (st->err[f]) {
        buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"e-");
        buf_adds(b, shipping_rule_field_names[f]);
        buf_adds(b, "\"");
    }
}

static void field_error(struct request *r, int f, const struct form_state *st)
{
    if (!st->err[f]) return;
    struct buf *b = &r->out;
    buf_adds(b, "<span class=\"field-error\" id=\"e-");
    buf_adds(b, shipping_rule_field_names[f]);
    buf_adds(b, "\">");
    html_text(b, st->err[f]);
    buf_adds(b, "</span>");
}

/* <div class="field"><label for=f-NAME>LABEL</label>: the control follows,
 * outside the label, so its name is the label's text alone. */
static void field_open(struct request *r, int f, const char *label)
{
    struct buf *b = &r->out;
    buf_adds(b, "<div class=\"field\"><label for=\"f-");
    buf_adds(b, shipping_rule_field_names[f]);
    buf_adds(b, "\">");
    buf_adds(b, label);
    buf_adds(b, "</label>");
}

static void text_field(struct request *r, int f, const struct form_state *st, const char *label,
                       const char *attrs)
{
    struct buf *b = &r->out;
    field_open(r, f, label);
    buf_adds(b, "<input type=\"text\"");
    field_attrs(r, f, st);
    buf_adds(b, attrs);
    buf_adds(b, " value=\"");
    html_text(b, st->v[f]);
    buf_adds(b, "\">");
    field_error(r, f, st);
    buf_adds(b, "</div>");
}

static void option(struct buf *b, const char *value, const char *label, const char *current)
{
    buf_adds(b, "<option value=\"");
    html_text(b, value);
    buf_adds(b, !strcmp(value, current) ? "\" selected>" : "\">");
    html_text(b, label);
    buf_adds(b, "</option>");
}

static void select_open(struct request *r, int f, const struct form_state *st, const char *label)
{
    field_open(r, f, label);
    buf_adds(&r->out, "<select");
    field_attrs(r, f, st);
    buf_adds(&r->out, ">");
}

static void select_close(struct request *r, int f, const struct form_state *st)
{
    buf_adds(&r->out, "</select>");
    field_error(r, f, st);
    buf_adds(&r->out, "</div>");
}

static void destination_fields(struct request *r, const struct form_state *st)
{
    struct buf *b = &r->out;
    buf_adds(b, "<fieldset><legend>Destination (countries or a zone)</legend>");
    text_field(r, RULE_F_COUNTRIES, st, "Countries",
               " autocomplete=\"off\" placeholder=\"GB, FR, US\" maxlength=\"600\"");
    select_open(r, RULE_F_ZONE, st, "Zone");
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        option(b, zones[i][0], zones[i][1], st->v[RULE_F_ZONE]);
    select_close(r, RULE_F_ZONE, st);
    buf_adds(b, "</fieldset>");
}

static void band_fields(struct request *r, const struct form_state *st)
{
    struct buf *b = &r->out;
    buf_adds(b, "<fieldset><legend>Weight of all the packages, in grams</legend>");
    text_field(r, RULE_F_MIN_GRAMS, st, "From", " inputmode=\"numeric\" maxlength=\"12\"");
    text_field(r, RULE_F_MAX_GRAMS, st, "Up to", " inputmode=\"numeric\" maxlength=\"12\"");
    buf_adds(b, "</fieldset><fieldset><legend>Order value, in pounds</legend>");
    text_field(r, RULE_F_MIN_VALUE, st, "From", " inputmode=\"decimal\" maxlength=\"16\"");
    text_field(r, RULE_F_MAX_VALUE, st, "Up to", " inputmode=\"decimal\" maxlength=\"16\"");
    select_open(r, RULE_F_VALUE_OF, st, "Of the order's");
    option(b, "total", "Total", st->v[RULE_F_VALUE_OF]);
    option(b, "subtotal", "Subtotal", st->v[RULE_F_VALUE_OF]);
    select_close(r, RULE_F_VALUE_OF, st);
    buf_adds(b, "</fieldset>");
    select_open(r, RULE_F_CHANNEL, st, "Channel the order came by");
    option(b, "", "Any channel", st->v[RULE_F_CHANNEL]);
    for (const char *const *c = shipping_rule_channels; *c; c++)
        option(b, *c, *c, st->v[RULE_F_CHANNEL]);
    select_close(r, RULE_F_CHANNEL, st);
}

static void action_fields(struct request *r, const struct form_state *st)
{
    struct buf *b = &r->out;
    const struct tariff *t = r->cfg->tariff;
    buf_adds(b, "<fieldset><legend>Then apply</legend>");
    select_open(r, RULE_F_SERVICE, st, "Service");
    option(b, "", "Choose a service", st->v[RULE_F_SERVICE]);
    bool known = !*st->v[RULE_F_SERVICE];
    for (size_t i = 0; t && i < tariff_service_count(t); i++) {
        const struct tariff_service *s = tariff_service_at(t, i);
        option(b, s->code, arena_printf(&r->arena, "%s (%s)", s->name, s->code),
               st->v[RULE_F_SERVICE]);
        known |= !strcmp(s->code, st->v[RULE_F_SERVICE]);
    }
    if (!known) /* what was posted, kept so the message names it */
        option(b, st->v[RULE_F_SERVICE], st->v[RULE_F_SERVICE], st->v[RULE_F_SERVICE]);
    select_close(r, RULE_F_SERVICE, st);
    select_open(r, RULE_F_FORMAT, st, "Package format for packages without one");
    option(b, "", "Keep the packages' own", st->v[RULE_F_FORMAT]);
    for (size_t i = 0; i < package_formats_count; i++)
        option(b, package_formats[i].id, package_formats[i].words, st->v[RULE_F_FORMAT]);
    select_close(r, RULE_F_FORMAT, st);
    buf_adds(b, "</fieldset>");
}

/* The new or edit form (id 0: new), with st's values and messages, and
 * the rule as stored in words (summary, NULL for none). */
static void rule_form(struct request *r, int64_t id, const struct form_state *st,
                      const char *summary, int status)
{
    web_page_open(r, WEB_SECTION_RULES, id ? "Edit shipping rule" : "New shipping rule");
    struct buf *b = &r->out;
    if (summary) {
        buf_adds(b, "<p class=\"rule-summary\">Now: ");
        html_text(b, summary);
        buf_adds(b, "</p>");
    }
    bool bad = false;
    for (int i = 0; i < RULE_F_COUNT; i++)
        bad |= st->err[i] != NULL;
    if (bad) html_alert(b, "The rule was not saved: check the fields marked below.");
    buf_adds(b, "<form method=\"post\" class=\"stack rule-form\" novalidate action=\"");
    buf_adds(b, id ? arena_printf(&r->arena, "/rules/%lld/edit", (long long)id) : "/rules/new");
    buf_adds(b, "\">");
    web_csrf_field(r);
    text_field(r, RULE_F_NAME, st, "Name", " maxlength=\"100\" required");
    buf_adds(b, "<p class=\"muted\">Leave a condition empty to match every order on it.</p>");
    destination_fields(r, st);
    band_fields(r, st);
    action_fields(r, st);
    buf_adds(b, "<label><input type=\"checkbox\" name=\"enabled\" value=\"1\"");
    buf_adds(b, st->enabled ? " checked>" : ">");
    buf_adds(b, " Rule is on</label><p class=\"toolbar\"><button type=\"submit\">");
    buf_adds(b, id ? "Save rule" : "Add rule");
    buf_adds(b, "</button><a class=\"button secondary\" href=\"/rules\">Cancel</a></p></form>");
    web_page_close(r, status);
}

static void form_from_request(struct request *r, struct form_state *st)
{
    for (int i = 0; i < RULE_F_COUNT; i++) {
        const char *v = http_form(r, shipping_rule_field_names[i]);
        st->v[i] = v ? v : "";
        st->err[i] = NULL;
    }
    st->enabled = http_form(r, "enabled") != NULL;
}

void web_rule_new_form(struct request *r)
{
    struct form_state st = {.enabled = true};
    for (int i = 0; i < RULE_F_COUNT; i++)
        st.v[i] = "";
    st.v[RULE_F_VALUE_OF] = "total";
    rule_form(r, 0, &st, NULL, 200);
}

/* Parses the posted form: true with *out, or the form shown again (422). */
static bool parse_posted(struct request *r, int64_t id, struct shipping_rule *out)
{
    struct form_state st;
    form_from_request(r, &st);
    if (shipping_rule_parse(st.v, st.enabled, r->cfg->tariff, &r->arena, out, st.err)) return true;
    rule_form(r, id, &st, NULL, 422);
    return false;
}

void web_rule_create(struct request *r)
{
    struct shipping_rule x;
    if (!parse_posted(r, 0, &x)) return;
    struct scope sc = scope_r(r);
    int64_t id;
    if (store_rule_add(r->store, &sc, &x, time_now_ms(), &id) != STORE_OK) {
        unavailable(r);
        return;
    }
    web_redirect(r, "/rules?done=added");
}

void web_rule_edit_form(struct request *r)
{
    int64_t id = rule_id_of(r);
    struct scope sc = scope_r(r);
    struct shipping_rule x;
    int rc = id ? store_rule_get(r->store, &sc, id, &r->arena, &x) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        not_found(r);
        return;
    }
    if (rc != STORE_OK) {
        unavailable(r);
        return;
    }
    http_egress_claim(r, x.tenant_id, 0);
    struct form_state st = {.enabled = x.enabled};
    shipping_rule_to_form(&x, &r->arena, st.v);
    rule_form(r, id, &st, shipping_rule_words(&x, r->cfg->tariff, &r->arena), 200);
}

void web_rule_update(struct request *r)
{
    int64_t id = rule_id_of(r);
    struct scope sc = scope_r(r);
    struct shipping_rule old;
    /* the rule is looked up first, so another business's id is a 404
     * whatever the form holds */
    int rc = id ? store_rule_get(r->store, &sc, id, &r->arena, &old) : STORE_NOTFOUND;
    if (rc == STORE_OK) {
        struct shipping_rule x;
        if (!parse_posted(r, id, &x)) return;
        x.rule_id = id;
        rc = store_rule_update(r->store, &sc, &x, time_now_ms());
    }
    if (rc == STORE_NOTFOUND) {
        not_found(r);
        return;
    }
    if (rc != STORE_OK) {
        unavailable(r);
        return;
    }
    web_redirect(r, "/rules?done=saved");
}

/* The POSTs beside a rule: one store call each, then back to the list. */
enum rule_action { ACT_DELETE, ACT_UP, ACT_DOWN, ACT_ENABLE, ACT_DISABLE };

static void rule_post(struct request *r, enum rule_action what)
{
    static const char *const done[] = {"/rules?done=deleted", "/rules?done=moved",
                                       "/rules?done=moved", "/rules?done=enabled",
                                       "/rules?done=disabled"};
    int64_t id = rule_id_of(r);
    struct scope sc = scope_r(r);
    int64_t now = time_now_ms();
    int rc = STORE_NOTFOUND;
    if (id) switch (what) {
        case ACT_DELETE:
            rc = store_rule_delete(r->store, &sc, id);
            break;
        case ACT_UP:
        case ACT_DOWN:
            rc = store_rule_move(r->store, &sc, id, what == ACT_UP, now);
            break;
        case ACT_ENABLE:
        case ACT_DISABLE:
            rc = store_rule_set_enabled(r->store, &sc, id, what == ACT_ENABLE, now);
            break;
        }
    if (rc == STORE_NOTFOUND) {
        not_found(r);
        return;
    }
    if (rc != STORE_OK) {
        unavailable(r);
        return;
    }
    web_redirect(r, done[what]);
}

void web_rule_delete(struct request *r)
{
    rule_post(r, ACT_DELETE);
}

void web_rule_up(struct request *r)
{
    rule_post(r, ACT_UP);
}

void web_rule_down(struct request *r)
{
    rule_post(r, ACT_DOWN);
}

void web_rule_enable(struct request *r)
{
    rule_post(r, ACT_ENABLE);
}

void web_rule_disable(struct request *r)
{
    rule_post(r, ACT_DISABLE);
}
