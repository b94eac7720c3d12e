/* senders: trading names and sender addresses, /settings/senders (issue 11,
 * administrators only).
 *
 * A business may ship under several trading names, each with its own
 * return address; one is the default, and an order names the one it ships
 * from (its document's "senderId", chosen on the order form). Its labels,
 * despatch notes and customs forms print that sender (service/paper.c),
 * else the default, else the account address as before. The default cannot
 * be removed while others remain, nor a sender that orders still to ship
 * name (store_sender_remove says which). */
#include "service/senders.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/orders_impl.h"
#include "web/web.h"
#include "util/id_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sfield {
    const char *name, *label;
    size_t max;
    bool required;
    const char *autocomplete, *type;
} sfields[] = {
    {"trading_name", "Trading name", 250, true, "organization", "text"},
    {"address_line1", "Address line 1", 100, true, "address-line1", "text"},
    {"address_line2", "Address line 2", 100, false, "address-line2", "text"},
    {"city", "Town or city", 100, true, "address-level2", "text"},
    {"postcode", "Postcode", 20, false, "postal-code", "text"},
    {"country_code", "Country code", 2, true, "country", "text"},
    {"phone", "Phone", 25, false, "tel", "tel"},
    {"email", "E-mail", 254, false, "email", "email"},
};
#define NSF (sizeof sfields / sizeof sfields[0])

struct sform {
    const char *v[NSF];
    const char *err[NSF];
    size_t nerr;
};

static const char **field_of(struct sender_row *s, size_t i)
{
    const char **f[NSF] = {&s->trading_name, &s->address_line1, &s->address_line2, &s->city,
                           &s->postcode,     &s->country_code,  &s->phone,         &s->email};
    return f[i];
}

static void attr(struct request *r, const char *name, const char *value)
{
    buf_adds(&r->out, " ");
    buf_adds(&r->out, name);
    buf_adds(&r->out, "=\"");
    html_text(&r->out, value);
    buf_adds(&r->out, "\"");
}

static void sender_form(struct request *r, const char *action, const char *submit,
                        const struct sform *f)
{
    struct buf *b = &r->out;
    buf_adds(b, "<form method=\"post\" class=\"sender-form\" novalidate");
    attr(r, "action", action);
    buf_adds(b, ">");
    web_csrf_field(r);
    buf_adds(b, "<fieldset class=\"grid\"><legend>Trading name and address</legend>");
    for (size_t i = 0; i < NSF; i++) {
        const struct sfield *sf = &sfields[i];
        const char *id = arena_printf(&r->arena, "s-%s", sf->name);
        const char *eid = arena_printf(&r->arena, "se-%s", sf->name);
        buf_adds(b, "<div class=\"cell\"><label");
        attr(r, "for", id);
        buf_adds(b, ">");
        buf_adds(b, sf->label);
        if (sf->required) buf_adds(b, " <span class=\"req\">(required)</span>");
        buf_adds(b, "</label><input");
        attr(r, "id", id);
        attr(r, "name", sf->name);
        attr(r, "type", sf->type);
        attr(r, "autocomplete", sf->autocomplete);
        attr(r, "value", f->v[i] ? f->v[i] : "");
        if (sf->required) buf_adds(b, " required");
        if (f->err[i]) {
            buf_adds(b, " aria-invalid=\"true\"");
            attr(r, "aria-describedby", eid);
        }
        buf_adds(b, ">");
        if (f->err[i]) {
            buf_adds(b, "<span class=\"field-error\"");
            attr(r, "id", eid);
            buf_adds(b, ">");
            html_text(b, f->err[i]);
            buf_adds(b, "</span>");
        }
        buf_adds(b, "</div>");
    }
    buf_adds(b, "</fieldset><div class=\"actions\"><button type=\"submit\">");
    buf_adds(b, submit);
    buf_adds(b, "</button></div></form>");
}

static const char *done_text(const char *done)
{
    if (!done) return NULL;
    if (!strcmp(done, "added")) return "Sender added.";
    if (!strcmp(done, "saved")) return "Sender saved.";
    if (!strcmp(done, "default")) return "Default sender changed.";
    if (!strcmp(done, "removed")) return "Sender removed.";
    return NULL;
}

static void senders_table(struct request *r, const struct sender_row *s, size_t n)
{
    struct buf *b = &r->out;
    if (!n) {
        buf_adds(b, "<p class=\"empty\">No trading names yet: your labels print your account "
                    "address. Add one below to ship under a trading name of its own.</p>");
        return;
    }
    buf_adds(b, "<div class=\"table-wrap\"><table class=\"senders\"><thead><tr><th>Trading name"
                "</th><th>Address</th><th>Contact</th><th><span class=\"visually-hidden\">"
                "Actions</span></th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        long long id = (long long)s[i].sender_id;
        buf_adds(b, "<tr><td>");
        html_text(b, s[i].trading_name);
        if (s[i].is_default) buf_adds(b, " <span class=\"badge s-new\">Default</span>");
        buf_adds(b, "</td><td>");
        const char *lines[] = {s[i].address_line1, s[i].address_line2, s[i].city, s[i].postcode,
                               s[i].country_code};
        bool first = true;
        for (size_t k = 0; k < 5; k++) {
            if (!lines[k] || !*lines[k]) continue;
            buf_adds(b, first ? "" : ", ");
            html_text(b, lines[k]);
            first = false;
        }
        buf_adds(b, "</td><td>");
        html_text(b, s[i].phone ? s[i].phone : "");
        if (s[i].phone && s[i].email) buf_adds(b, "<br>");
        html_text(b, s[i].email ? s[i].email : "");
        buf_adds(b, "</td><td><div class=\"row-actions\">");
        buf_printf(b,
                   "<a class=\"button secondary\" href=\"/settings/senders/%lld/edit\">Edit"
                   "<span class=\"visually-hidden\"> ",
                   id);
        html_text(b, s[i].trading_name);
        buf_adds(b, "</span></a>");
        if (!s[i].is_default) {
            buf_printf(b, "<form method=\"post\" action=\"/settings/senders/%lld/default\">", id);
            web_csrf_field(r);
            buf_adds(b, "<button type=\"submit\" class=\"secondary\">Make default<span "
                        "class=\"visually-hidden\"> ");
            html_text(b, s[i].trading_name);
            buf_adds(b, "</span></button></form>");
        }
        buf_printf(b, "<form method=\"post\" action=\"/settings/senders/%lld/remove\">", id);
        web_csrf_field(r);
        buf_adds(b, "<button type=\"submit\" class=\"danger\" data-confirm=\"Remove this "
                    "sender?\">Remove<span class=\"visually-hidden\"> ");
        html_text(b, s[i].trading_name);
        buf_adds(b, "</span></button></form></div></td></tr>");
    }
    buf_adds(b, "</tbody></table></div>");
}

/* The list, a message (done or error) and the add form. */
static void list_page(struct request *r, int status, const char *error, const struct sform *add)
{
    struct sender_row *s;
    size_t n;
    if (!web_senders_read(r, &s, &n)) return;
    web_page_open(r, WEB_SECTION_SETTINGS, "Trading names and sender addresses");
    const char *done = done_text(http_query(r, "done"));
    if (done && !error) {
        buf_adds(&r->out, "<p class=\"done\" role=\"status\">");
        buf_adds(&r->out, done);
        buf_adds(&r->out, "</p>");
    }
    if (error) {
        buf_adds(&r->out, "<p class=\"error\" role=\"alert\">");
        html_text(&r->out, error);
        buf_adds(&r->out, "</p>");
    }
    buf_adds(&r->out, "<p><a href=\"/settings\">Settings</a></p><p class=\"muted\">Each order "
                      "ships from the sender chosen on it, or else from the default. Labels, "
                      "despatch notes and customs forms print its name and address.</p>");
    senders_table(r, s, n);
    buf_adds(&r->out, "<h2>Add a sender</h2>");
    struct sform empty = {.v = {[5] = "GB"}};
    sender_form(r, "/settings/senders", "Add sender", add ? add : &empty);
    web_page_close(r, status);
}

void web_senders(struct request *r)
{
    list_page(r, 200, NULL, NULL);
}

/* The form's fields, checked; false when one is refused (f->err says). */
static bool read_form(struct request *r, struct sform *f, struct sender_row *out)
{
    memset(f, 0, sizeof *f);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < NSF; i++) {
        const char *v = http_form(r, sfields[i].name);
        f->v[i] = v ? v : "";
        size_t len = strlen(f->v[i]);
        if (sfields[i].required && !len)
            f->err[i] = arena_printf(&r->arena, "%s is required", sfields[i].label);
        else if (len > sfields[i].max)
            f->err[i] = arena_printf(&r->arena, "%s must be at most %zu characters",
                                     sfields[i].label, sfields[i].max);
        *field_of(out, i) = len ? f->v[i] : NULL;
    }
    const char *cc = f->v[5];
    if (!f->err[5] &&
        !(strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z'))
        f->err[5] = "Country code must be two capital letters, e.g. GB";
    if (!f->err[7] && *f->v[7] && !strchr(f->v[7], '@'))
        f->err[7] = "E-mail must be an address such as name@example.com";
    for (size_t i = 0; i < NSF; i++)
        f->nerr += f->err[i] != NULL;
    return f->nerr == 0;
}

static struct service_ctx ctx_of(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

void web_sender_add(struct request *r)
{
    struct sform f;
    struct sender_row in;
    if (!read_form(r, &f, &in)) {
        list_page(r, 422, "The sender was not added: see the fields marked below.", &f);
        return;
    }
    struct service_ctx c = ctx_of(r);
    int64_t id = 0;
    if (service_sender_change(&c, SENDER_SAVE, &in, &id) != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_redirect(r, "/settings/senders?done=added");
}

/* The sender r->params[0] names, in the scope; false after the 404 page. */
static bool sender_find(struct request *r, struct sender_row *row)
{
    int64_t id;
    struct scope sc = scope_of(&r->principal);
    int rc = id_parse(r->params[0], INT64_MAX, &id)
                 ? store_sender_get(r->store, &sc, id, &r->arena, row)
                 : STORE_NOTFOUND;
    if (rc == STORE_OK) {
        http_egress_claim(r, row->tenant_id, 0);
        return true;
    }
    if (rc == STORE_NOTFOUND)
        http_error(r, 404, "NotFound", "There is no page at this address.");
    else
        web_store_failed(r);
    return false;
}

static void edit_page(struct request *r, const struct sender_row *row, const struct sform *f,
                      int status)
{
    web_page_open(r, WEB_SECTION_SETTINGS, "Edit sender");
    if (f->nerr)
        buf_adds(&r->out, "<p class=\"error\" role=\"alert\">The sender was not saved: see the "
                          "fields marked below.</p>");
    sender_form(r,
                arena_printf(&r->arena, "/settings/senders/%lld/edit", (long long)row->sender_id),
                "Save sender", f);
    buf_adds(&r->out, "<p><a href=\"/settings/senders\">Back to the senders</a></p>");
    web_page_close(r, status);
}

void web_sender_edit_form(struct request *r)
{
    struct sender_row row;
    if (!sender_find(r, &row)) return;
    struct sform f = {0};
    for (size_t i = 0; i < NSF; i++)
        f.v[i] = *field_of(&row, i);
    edit_page(r, &row, &f, 200);
}

void web_sender_edit(struct request *r)
{
    struct sender_row row;
    if (!sender_find(r, &row)) return;
    struct sform f;
    struct sender_row in;
    if (!read_form(r, &f, &in)) {
        edit_page(r, &row, &f, 422);
        return;
    }
    in.sender_id = row.sender_id;
    struct service_ctx c = ctx_of(r);
    int64_t id = row.sender_id;
    int rc = service_sender_change(&c, SENDER_SAVE, &in, &id);
    if (rc == STORE_NOTFOUND)
        http_error(r, 404, "NotFound", "There is no page at this address.");
    else if (rc != STORE_OK)
        web_store_failed(r);
    else
        web_redirect(r, "/settings/senders?done=saved");
}

void web_sender_default(struct request *r)
{
    struct sender_row row;
    if (!sender_find(r, &row)) return;
    struct service_ctx c = ctx_of(r);
    int64_t id = row.sender_id;
    if (service_sender_change(&c, SENDER_MAKE_DEFAULT, NULL, &id) != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_redirect(r, "/settings/senders?done=default");
}

void web_sender_remove(struct request *r)
{
    struct sender_row row;
    if (!sender_find(r, &row)) return;
    struct service_ctx c = ctx_of(r);
    int64_t id = row.sender_id;
    int rc = service_sender_change(&c, SENDER_REMOVE, NULL, &id);
    if (rc == STORE_CONFLICT)
        list_page(r, 409,
                  row.is_default ? "This sender cannot be removed: it is the default while you "
                                   "have others (make another the default first), or orders "
                                   "still to ship name it."
                                 : "Orders still to ship name this sender: despatch or edit "
                                   "them first.",
                  NULL);
    else if (rc != STORE_OK)
        web_store_failed(r);
    else
        web_redirect(r, "/settings/senders?done=removed");
}
