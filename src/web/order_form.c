/* order_form: creating and editing an order in the web app, GET and POST
 * /orders/new and /orders/{id}/edit (issue 11).
 *
 * The form's fields are named by the JSON path they fill in a Click & Drop
 * CreateOrderRequest ("recipient.address.postcode"), so the request is built
 * from the form and checked by the API's own validation (order_batch_check:
 * domain/order_validate, and the postage quote when a service is chosen);
 * each error's path then names the field it is shown beside. A refused form
 * comes back as typed, 422, with nothing stored. Creating goes through
 * order_batch_insert as the API and the import do; editing replaces the
 * document of a new or on-hold order (service/order_edit.c), keeping every
 * field the form does not show (billing, tags, totals, further packages). */
#include "service/order_batch.h"
#include "service/order_edit.h"
#include "domain/package_format.h"
#include "domain/status.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/orders_impl.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind {
    K_TEXT,
    K_INT,
    K_MONEY,
    K_DATE,
    K_EMAIL,
    K_TEL,
    K_COUNTRY,
    K_FORMAT,
    K_SERVICE,
    K_SENDER,
    K_AREA
};

struct field {
    const char *path; /* the JSON path, and the form field's name */
    const char *label;
    enum kind kind;
    bool required;
    const char *autocomplete;
};

/* The fields of the order itself, in the form's order, by fieldset. */
static const struct field recipient_fields[] = {
    {"recipient.address.fullName", "Full name", K_TEXT, false, "name"},
    {"recipient.address.companyName", "Company", K_TEXT, false, "organization"},
    {"recipient.address.addressLine1", "Address line 1", K_TEXT, true, "address-line1"},
    {"recipient.address.addressLine2", "Address line 2", K_TEXT, false, "address-line2"},
    {"recipient.address.addressLine3", "Address line 3", K_TEXT, false, "address-line3"},
    {"recipient.address.city", "Town or city", K_TEXT, true, "address-level2"},
    {"recipient.address.county", "County", K_TEXT, false, "address-level1"},
    {"recipient.address.postcode", "Postcode", K_TEXT, false, "postal-code"},
    {"recipient.address.countryCode", "Country code", K_COUNTRY, true, "country"},
    {"recipient.phoneNumber", "Phone", K_TEL, false, "tel"},
    {"recipient.emailAddress", "E-mail", K_EMAIL, false, "email"},
};
static const struct field order_fields[] = {
    {"orderReference", "Order reference", K_TEXT, false, NULL},
    {"orderDate", "Order date", K_DATE, true, NULL},
    {"specialInstructions", "Special instructions", K_AREA, false, NULL},
};
static const struct field package_fields[] = {
    {"packages[0].weightInGrams", "Weight (grams)", K_INT, false, NULL},
    {"packages[0].packageFormatIdentifier", "Package format", K_FORMAT, false, NULL},
    {"packages[0].dimensions.heightInMms", "Height (mm)", K_INT, false, NULL},
    {"packages[0].dimensions.widthInMms", "Width (mm)", K_INT, false, NULL},
    {"packages[0].dimensions.depthInMms", "Depth (mm)", K_INT, false, NULL},
};
static const struct field shipping_fields[] = {
    {"postageDetails.serviceCode", "Service", K_SERVICE, false, NULL},
    {"senderId", "Ships from", K_SENDER, false, NULL},
};
/* One row of contents (for customs): each key under packages[0].contents[i]. */
static const struct field item_fields[] = {
    {"customsDescription", "Description", K_TEXT, false, NULL},
    {"quantity", "Quantity", K_INT, false, NULL},
    {"unitValue", "Value each (GBP)", K_MONEY, false, NULL},
    {"unitWeightInGrams", "Weight each (g)", K_INT, false, NULL},
    {"customsCode", "HS code", K_TEXT, false, NULL},
    {"originCountryCode", "Origin country", K_COUNTRY, false, NULL},
};
#define NITEM (sizeof item_fields / sizeof item_fields[0])
#define ROWS_MAX 10
#define ROWS_SHOWN 3
#define COUNT(a) (sizeof(a) / sizeof(a)[0])

/* What the form shows: typed text per field, and the rows of contents
 * (those with anything in them, in order). */
struct values {
    struct arena *a;
    json_t *text; /* path -> string */
    const char *item[ROWS_MAX][NITEM];
    size_t nrows;
};

/* The errors to show: path -> message; and those no field shows. */
struct shown {
    const struct order_errors *errs;
    bool *used;
};

static const char *value_of(const struct values *v, const char *path)
{
    const char *s = json_string_value(json_object_get(v->text, path));
    return s ? s : "";
}

static void set_value(struct values *v, const char *path, const char *s)
{
    json_object_set_new(v->text, path, json_string(s ? s : ""));
}

/* "packages[0].contents[1].quantity" -> "f-packages-0--contents-1--quantity" */
static const char *id_of(struct arena *a, const char *prefix, const char *path)
{
    char *out = arena_printf(a, "%s%s", prefix, path);
    for (char *p = out + strlen(prefix); *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '-';
    return out;
}

/* The form field's name for a JSON path: "packages[0].weightInGrams" is
 * "packages.0.weightInGrams", since a browser percent-encodes brackets in
 * the names it posts. */
static const char *form_name(struct arena *a, const char *path)
{
    char *out = arena_strdup(a, path), *w = out;
    for (const char *p = path; *p; p++)
        if (*p == '[')
            *w++ = '.';
        else if (*p != ']')
            *w++ = *p;
    *w = 0;
    return out;
}

/* The first error for path (marking it shown), or NULL. */
static const char *error_for(struct shown *sh, const char *path)
{
    const char *msg = NULL;
    for (size_t i = 0; sh->errs && i < sh->errs->n; i++) {
        if (strcmp(sh->errs->items[i].field, path)) continue;
        if (!msg) msg = sh->errs->items[i].message;
        sh->used[i] = true;
    }
    return msg;
}

static void attr(struct request *r, const char *name, const char *value)
{
    buf_adds(&r->out, " ");
    buf_adds(&r->out, name);
    buf_adds(&r->out, "=\"");
    html_text(&r->out, value);
    buf_adds(&r->out, "\"");
}

static void select_options(struct request *r, const struct field *f, const char *cur,
                           const struct sender_row *senders, size_t nsenders)
{
    struct buf *b = &r->out;
    if (f->kind == K_FORMAT) {
        buf_adds(b, "<option value=\"\">Choose</option>");
        for (size_t i = 0; i < package_formats_count; i++) {
            buf_adds(b, "<option");
            attr(r, "value", package_formats[i].id);
            buf_adds(b, strcmp(cur, package_formats[i].id) ? ">" : " selected>");
            buf_adds(b, package_formats[i].words);
            buf_adds(b, "</option>");
        }
    } else if (f->kind == K_SERVICE) {
        buf_adds(b, "<option value=\"\">None yet: apply postage later</option>");
        for (size_t i = 0; r->cfg->tariff && i < tariff_service_count(r->cfg->tariff); i++) {
            const struct tariff_service *s = tariff_service_at(r->cfg->tariff, i);
            buf_adds(b, "<option");
            attr(r, "value", s->code);
            buf_adds(b, strcmp(cur, s->code) ? ">" : " selected>");
            html_text(b, s->name);
            buf_adds(b, " (");
            html_text(b, s->code);
            buf_adds(b, ")</option>");
        }
    } else {
        buf_adds(b, "<option value=\"\">The default sender</option>");
        for (size_t i = 0; i < nsenders; i++) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)senders[i].sender_id);
            http_egress_claim(r, senders[i].tenant_id, 0);
            buf_adds(b, "<option");
            attr(r, "value", id);
            buf_adds(b, strcmp(cur, id) ? ">" : " selected>");
            html_text(b, senders[i].trading_name);
            buf_adds(b, senders[i].is_default ? " (default)</option>" : "</option>");
        }
    }
}

/* One labelled input with its error beside it. */
static void input(struct request *r, const struct field *f, const char *name, const char *label,
                  const char *cur, struct shown *sh, const struct sender_row *senders,
                  size_t nsenders)
{
    struct buf *b = &r->out;
    const char *id = id_of(&r->arena, "f-", name), *eid = id_of(&r->arena, "e-", name);
    const char *err = error_for(sh, name);
    buf_adds(b, "<label");
    attr(r, "for", id);
    buf_adds(b, f->kind == K_AREA ? " class=\"wide\">" : ">");
    html_text(b, label);
    if (f->required) buf_adds(b, " <span class=\"req\">(required)</span>");
    buf_adds(b, "</label>");
    bool sel = f->kind == K_FORMAT || f->kind == K_SERVICE || f->kind == K_SENDER;
    buf_adds(b, sel ? "<select" : f->kind == K_AREA ? "<textarea rows=\"3\"" : "<input");
    attr(r, "id", id);
    attr(r, "name", form_name(&r->arena, name));
    if (!sel && f->kind != K_AREA) {
        attr(r, "type",
             f->kind == K_DATE    ? "date"
             : f->kind == K_EMAIL ? "email"
             : f->kind == K_TEL   ? "tel"
                                  : "text");
        if (f->kind == K_INT) attr(r, "inputmode", "numeric");
        if (f->kind == K_MONEY) attr(r, "inputmode", "decimal");
        if (f->kind == K_COUNTRY) attr(r, "maxlength", "3");
        attr(r, "value", cur);
    }
    if (f->autocomplete) attr(r, "autocomplete", f->autocomplete);
    if (f->required) buf_adds(b, " required");
    if (err) {
        buf_adds(b, " aria-invalid=\"true\"");
        attr(r, "aria-describedby", eid);
    }
    buf_adds(b, ">");
    if (sel) {
        select_options(r, f, cur, senders, nsenders);
        buf_adds(b, "</select>");
    } else if (f->kind == K_AREA) {
        html_text(b, cur);
        buf_adds(b, "</textarea>");
    }
    if (err) {
        buf_adds(b, "<span class=\"field-error\"");
        attr(r, "id", eid);
        buf_adds(b, ">");
        html_text(b, err);
        buf_adds(b, "</span>");
    }
}

static void fieldset(struct request *r, const char *legend, const struct field *fs, size_t n,
                     const struct values *v, struct shown *sh, const struct sender_row *senders,
                     size_t nsenders)
{
    buf_adds(&r->out, "<fieldset class=\"grid\"><legend>");
    buf_adds(&r->out, legend);
    buf_adds(&r->out, "</legend>");
    for (size_t i = 0; i < n; i++) {
        buf_adds(&r->out,
                 fs[i].kind == K_AREA ? "<div class=\"cell wide\">" : "<div class=\"cell\">");
        input(r, &fs[i], fs[i].path, fs[i].label, value_of(v, fs[i].path), sh, senders, nsenders);
        buf_adds(&r->out, "</div>");
    }
    buf_adds(&r->out, "</fieldset>");
}

static const char *item_path(struct arena *a, size_t row, size_t k)
{
    return arena_printf(a, "packages[0].contents[%zu].%s", row, item_fields[k].path);
}

static void contents_table(struct request *r, const struct values *v, struct shown *sh)
{
    struct buf *b = &r->out;
    size_t rows = v->nrows + 1 > ROWS_SHOWN ? v->nrows + 1 : ROWS_SHOWN;
    if (rows > ROWS_MAX) rows = ROWS_MAX;
    buf_adds(b, "<fieldset class=\"contents\"><legend>Contents, for customs (needed outside "
                "the UK)</legend>");
    for (size_t i = 0; i < rows; i++) {
        buf_printf(b, "<div class=\"item\" role=\"group\" aria-label=\"Item %zu\">", i + 1);
        for (size_t k = 0; k < NITEM; k++) {
            const char *label =
                arena_printf(&r->arena, "%s, item %zu", item_fields[k].label, i + 1);
            buf_adds(b, "<div class=\"cell\">");
            input(r, &item_fields[k], item_path(&r->arena, i, k), label,
                  i < v->nrows && v->item[i][k] ? v->item[i][k] : "", sh, NULL, 0);
            buf_adds(b, "</div>");
        }
        buf_adds(b, "</div>");
    }
    buf_adds(b, "</fieldset>");
}

/* The errors of the check no field shows (a rule about the whole order). */
static void other_errors(struct request *r, struct shown *sh)
{
    bool any = false;
    for (size_t i = 0; sh->errs && i < sh->errs->n; i++) {
        if (sh->used[i]) continue;
        const struct field_error *fe = &sh->errs->items[i];
        buf_adds(&r->out, any ? "<li>" : "<ul class=\"error\" role=\"alert\"><li>");
        any = true;
        if (*fe->field) {
            html_text(&r->out, fe->field);
            buf_adds(&r->out, ": ");
        }
        html_text(&r->out, fe->message);
        buf_adds(&r->out, "</li>");
    }
    if (any) buf_adds(&r->out, "</ul>");
}

/* The whole form: action is /orders/new or /orders/{id}/edit. */
static void order_form(struct request *r, const char *action, const char *submit,
                       const struct values *v, const struct order_errors *errs, const char *cancel)
{
    struct sender_row *senders = NULL;
    size_t nsenders = 0;
    struct scope sc = scope_of(&r->principal);
    if (store_senders_list(r->store, &sc, &r->arena, &senders, &nsenders) != STORE_OK)
        nsenders = 0; /* the select offers the default only; the post is checked again */
    struct shown sh = {errs,
                       arena_alloc(&r->arena, (errs && errs->n ? errs->n : 1) * sizeof(bool))};
    if (errs && errs->n)
        buf_printf(&r->out,
                   "<p class=\"error\" role=\"alert\">%zu problem%s with this order: see the "
                   "fields marked below. Nothing was saved.</p>",
                   errs->n, errs->n == 1 ? "" : "s");
    size_t mark = r->out.len;
    buf_adds(&r->out, "<form method=\"post\" class=\"order-form\" novalidate");
    attr(r, "action", action);
    buf_adds(&r->out, ">");
    web_csrf_field(r);
    fieldset(r, "Recipient", recipient_fields, COUNT(recipient_fields), v, &sh, NULL, 0);
    fieldset(r, "Order", order_fields, COUNT(order_fields), v, &sh, NULL, 0);
    fieldset(r, "Package", package_fields, COUNT(package_fields), v, &sh, NULL, 0);
    contents_table(r, v, &sh);
    fieldset(r, "Service and sender", shipping_fields, COUNT(shipping_fields), v, &sh, senders,
             nsenders);
    if (r->principal.role >= ROLE_ADMIN)
        buf_adds(&r->out, "<p class=\"muted\"><a href=\"/settings/senders\">Manage trading "
                          "names and sender addresses</a></p>");
    buf_adds(&r->out, "<div class=\"actions\"><button type=\"submit\">");
    buf_adds(&r->out, submit);
    buf_adds(&r->out, "</button><a class=\"button secondary\"");
    attr(r, "href", cancel);
    buf_adds(&r->out, ">Cancel</a></div></form>");
    /* the errors no field took go above the form */
    struct buf rest;
    buf_init(&rest, &r->arena);
    buf_add(&rest, r->out.data + mark, r->out.len - mark);
    r->out.len = mark;
    other_errors(r, &sh);
    buf_add(&r->out, rest.data, rest.len);
}

/* --- the form's values, from a post or from an order's document ---------- */

static bool all_digits(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!n || n > max) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* "12", "12.5", "12.50": digits, and decimals after one point. */
static bool is_decimal(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot) return all_digits(s, 9);
    size_t whole = (size_t)(dot - s);
    if (!whole || whole > 9 || !all_digits(dot + 1, 6)) return false;
    for (size_t i = 0; i < whole; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static void read_post(struct request *r, struct values *v)
{
    const struct field *sets[] = {recipient_fields, order_fields, package_fields, shipping_fields};
    size_t counts[] = {COUNT(recipient_fields), COUNT(order_fields), COUNT(package_fields),
                       COUNT(shipping_fields)};
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < counts[s]; i++) {
            const char *t = http_form(r, form_name(&r->arena, sets[s][i].path));
            set_value(v, sets[s][i].path, t ? t : "");
        }
    for (size_t row = 0; row < ROWS_MAX; row++) {
        bool any = false;
        const char *cells[NITEM];
        for (size_t k = 0; k < NITEM; k++) {
            cells[k] = http_form(r, form_name(&r->arena, item_path(&r->arena, row, k)));
            any |= cells[k] && *cells[k];
        }
        if (!any) continue;
        for (size_t k = 0; k < NITEM; k++)
            v->item[v->nrows][k] = cells[k] ? cells[k] : "";
        v->nrows++;
    }
}

/* The stored value at a dotted path ("packages[0].dimensions.widthInMms"). */
static const json_t *at_path(const json_t *root, const char *path, struct arena *a)
{
    char *p = arena_strdup(a, path), *save = NULL;
    const json_t *cur = root;
    for (char *seg = strtok_r(p, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
        char *br = strchr(seg, '[');
        if (br) *br = 0;
        cur = json_object_get(cur, seg);
        if (br) cur = json_array_get(cur, (size_t)atoi(br + 1));
    }
    return cur;
}

static const char *money_text(struct arena *a, json_int_t pence)
{
    return arena_printf(a, "%lld.%02lld", (long long)(pence / 100), (long long)(pence % 100));
}

static const char *text_of(struct arena *a, const json_t *j, enum kind kind)
{
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (kind == K_DATE && strlen(s) >= 10) return arena_strndup(a, s, 10);
        return s;
    }
    if (json_is_integer(j))
        return kind == K_MONEY ? money_text(a, json_integer_value(j))
                               : arena_printf(a, "%lld", (long long)json_integer_value(j));
    return "";
}

static void read_doc(struct arena *a, const json_t *doc, struct values *v)
{
    const struct field *sets[] = {recipient_fields, order_fields, package_fields, shipping_fields};
    size_t counts[] = {COUNT(recipient_fields), COUNT(order_fields), COUNT(package_fields),
                       COUNT(shipping_fields)};
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < counts[s]; i++)
            set_value(v, sets[s][i].path,
                      text_of(a, at_path(doc, sets[s][i].path, a), sets[s][i].kind));
    const json_t *contents = at_path(doc, "packages[0].contents", a);
    for (size_t row = 0; row < json_array_size(contents) && row < ROWS_MAX; row++) {
        const json_t *item = json_array_get(contents, row);
        for (size_t k = 0; k < NITEM; k++)
            v->item[row][k] =
                text_of(a, json_object_get(item, item_fields[k].path), item_fields[k].kind);
        v->nrows++;
    }
}

/* --- the request, from the values ----------------------------------------- */

/* The JSON a typed text stands for: a number where one is meant and the
 * text is one; otherwise the text itself, for the validation to refuse. */
static json_t *typed(const char *s, enum kind kind)
{
    if (kind == K_INT && all_digits(s, 9)) return json_integer(atoll(s));
    if (kind == K_SENDER && all_digits(s, 9)) return json_integer(atoll(s));
    if (kind == K_MONEY && is_decimal(s))
        return strchr(s, '.') ? json_real(strtod(s, NULL)) : json_integer(atoll(s));
    if (kind == K_DATE && strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
        char t[32];
        snprintf(t, sizeof t, "%sT00:00:00Z", s);
        return json_string(t);
    }
    if (kind == K_COUNTRY) {
        char up[8] = {0};
        for (size_t i = 0; s[i] && i < 7; i++)
            up[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        return json_string(strlen(s) < 8 ? up : s);
    }
    return json_string(s);
}

/* Sets (value non-NULL) or removes the value at a dotted path, making the
 * objects and arrays on the way when setting. */
static void set_path(json_t *root, const char *path, json_t *value, struct arena *a)
{
    char *p = arena_strdup(a, path), *save = NULL;
    json_t *cur = root;
    char *seg = strtok_r(p, ".", &save);
    while (seg && cur) {
        char *next = strtok_r(NULL, ".", &save);
        char *br = strchr(seg, '[');
        size_t idx = br ? (size_t)atoi(br + 1) : 0;
        if (br) *br = 0;
        if (!next && !br) {
            if (value)
                json_object_set_new(cur, seg, value);
            else
                json_object_del(cur, seg);
            return;
        }
        json_t *child = json_object_get(cur, seg);
        if (!child && !value) return;
        if (!child) {
            child = br ? json_array() : json_object();
            json_object_set_new(cur, seg, child);
        }
        if (br) {
            while (value && json_array_size(child) <= idx)
                json_array_append_new(child, json_object());
            child = json_array_get(child, idx);
        }
        cur = child;
        seg = next;
    }
    json_decref(value); /* the path could not hold it */
}

static const char *const money_keys[] = {
    "subtotal", "shippingCostCharged", "otherCosts", "customsDutyCosts", "total", "orderTax"};

static void pence_to_pounds(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        json_object_set_new(obj, key, json_real((double)json_integer_value(v) / 100.0));
}

/* A stored document as a request again: the store keeps money as integer
 * pence, a request gives pounds. */
static json_t *request_of(const json_t *stored)
{
    json_t *req = json_deep_copy(stored);
    for (size_t i = 0; i < COUNT(money_keys); i++)
        pence_to_pounds(req, money_keys[i]);
    size_t i, j;
    json_t *pkg, *item;
    json_array_foreach(json_object_get(req, "packages"), i, pkg)
    {
        json_array_foreach(json_object_get(pkg, "contents"), j, item)
            pence_to_pounds(item, "unitValue");
    }
    json_object_del(req, "label"); /* no label is returned to a page */
    return req;
}

static void put(json_t *req, const char *path, const char *text, enum kind kind, struct arena *a)
{
    set_path(req, path, *text ? typed(text, kind) : NULL, a);
}

static bool package_given(const struct values *v)
{
    for (size_t i = 0; i < COUNT(package_fields); i++)
        if (*value_of(v, package_fields[i].path)) return true;
    return v->nrows > 0;
}

static void put_package(struct request *r, json_t *req, const struct values *v)
{
    json_t *packages = json_object_get(req, "packages");
    if (!package_given(v)) {
        if (json_array_size(packages)) json_array_remove(packages, 0);
        if (packages && !json_array_size(packages)) json_object_del(req, "packages");
        return;
    }
    for (size_t i = 0; i < COUNT(package_fields); i++)
        put(req, package_fields[i].path, value_of(v, package_fields[i].path),
            package_fields[i].kind, &r->arena);
    json_t *pkg = json_array_get(json_object_get(req, "packages"), 0);
    if (pkg && !json_object_size(json_object_get(pkg, "dimensions")))
        json_object_del(pkg, "dimensions");
    if (!v->nrows) {
        json_object_del(pkg, "contents");
        return;
    }
    const json_t *old = json_object_get(pkg, "contents");
    json_t *items = json_array();
    for (size_t row = 0; row < v->nrows; row++) {
        const json_t *was = json_array_get(old, row);
        json_t *item = was ? json_deep_copy(was) : json_object();
        for (size_t k = 0; k < NITEM; k++) {
            const char *t = v->item[row][k];
            if (*t)
                json_object_set_new(item, item_fields[k].path, typed(t, item_fields[k].kind));
            else
                json_object_del(item, item_fields[k].path);
        }
        json_array_append_new(items, item);
    }
    json_object_set_new(pkg, "contents", items);
}

/* A new order's totals: the contents' value (what the shipping rules and
 * the despatch note read), no shipping charged. */
static void new_totals(json_t *req)
{
    int64_t pence = 0;
    size_t i;
    json_t *item;
    json_array_foreach(
        json_object_get(json_array_get(json_object_get(req, "packages"), 0), "contents"), i, item)
    {
        const json_t *q = json_object_get(item, "quantity"),
                     *u = json_object_get(item, "unitValue");
        if (json_is_integer(q) && json_is_number(u) && json_number_value(u) >= 0 &&
            json_number_value(u) < 1e6 && json_integer_value(q) < 1000000)
            pence += (int64_t)(json_number_value(u) * 100 + 0.5) * json_integer_value(q);
    }
    json_object_set_new(req, "subtotal", json_real((double)pence / 100.0));
    json_object_set_new(req, "shippingCostCharged", json_integer(0));
    json_object_set_new(req, "total", json_real((double)pence / 100.0));
}

/* The CreateOrderRequest the form stands for: stored (an edited order's
 * document) with the form's fields laid over it, or a new one. */
static json_t *build_request(struct request *r, const struct values *v, const json_t *stored)
{
    json_t *req = stored ? request_of(stored) : json_object();
    const struct field *sets[] = {recipient_fields, order_fields, shipping_fields};
    size_t counts[] = {COUNT(recipient_fields), COUNT(order_fields), COUNT(shipping_fields)};
    const char *was_date = json_string_value(json_object_get(req, "orderDate"));
    char *keep_date = was_date ? arena_strdup(&r->arena, was_date) : NULL;
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < counts[s]; i++)
            put(req, sets[s][i].path, value_of(v, sets[s][i].path), sets[s][i].kind, &r->arena);
    /* an unchanged date keeps the time of day it was stored with */
    const char *date = value_of(v, "orderDate");
    if (keep_date && strlen(date) == 10 && !strncmp(keep_date, date, 10))
        json_object_set_new(req, "orderDate", json_string(keep_date));
    /* a sender chosen here names the trading name printed */
    if (*value_of(v, "senderId")) json_object_del(json_object_get(req, "sender"), "tradingName");
    put_package(r, req, v);
    if (!stored) new_totals(req);
    return req;
}

/* --- the pages --------------------------------------------------------------- */

static const char *label_of(struct arena *a, const char *path)
{
    const struct field *sets[] = {recipient_fields, order_fields, package_fields, shipping_fields};
    size_t counts[] = {COUNT(recipient_fields), COUNT(order_fields), COUNT(package_fields),
                       COUNT(shipping_fields)};
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < counts[s]; i++)
            if (!strcmp(sets[s][i].path, path)) return sets[s][i].label;
    for (size_t row = 0; row < ROWS_MAX; row++)
        for (size_t k = 0; k < NITEM; k++)
            if (!strcmp(item_path(a, row, k), path))
                return arena_printf(a, "%s, item %zu", item_fields[k].label, row + 1);
    if (!strcmp(path, "packages[0].contents")) return "Contents";
    if (!strcmp(path, "packages") || !strcmp(path, "packages[0]")) return "Package";
    return NULL;
}

/* The validation's messages ("is required") as sentences naming the field
 * ("Address line 1 is required"). */
static void name_errors(struct arena *a, struct order_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++) {
        const char *label = label_of(a, errs->items[i].field);
        if (label) errs->items[i].message = arena_printf(a, "%s %s", label, errs->items[i].message);
    }
}

/* A sender that is not one of the business's: refused as the validation
 * would refuse a field (its number tells nothing of other businesses). */
static bool sender_known(struct request *r, const struct values *v, struct order_errors *errs)
{
    const char *s = value_of(v, "senderId");
    if (!*s) return true;
    struct scope sc = scope_of(&r->principal);
    struct sender_row row;
    int rc = all_digits(s, 9) ? store_sender_get(r->store, &sc, atoll(s), &r->arena, &row)
                              : STORE_NOTFOUND;
    if (rc == STORE_OK) {
        http_egress_claim(r, row.tenant_id, 0);
        return true;
    }
    order_errors_add(errs, &r->arena, OERR_INVALID,
                     rc == STORE_NOTFOUND ? "must be one of your senders: choose one from the list"
                                          : "could not be checked; try again shortly",
                     "senderId", s);
    return false;
}

static void values_init(struct request *r, struct values *v)
{
    memset(v, 0, sizeof *v);
    v->a = &r->arena;
    v->text = json_object();
}

static void form_page(struct request *r, const char *title, const char *action, const char *submit,
                      const struct values *v, const struct order_errors *errs, const char *cancel,
                      int status)
{
    web_page_open(r, WEB_SECTION_ORDERS, title);
    order_form(r, action, submit, v, errs, cancel);
    web_page_close(r, status);
}

void web_order_new_form(struct request *r)
{
    struct values v;
    values_init(r, &v);
    char today[40];
    time_format_rfc3339(time_now_ms(), today, sizeof today);
    today[10] = 0;
    set_value(&v, "orderDate", today);
    set_value(&v, "recipient.address.countryCode", "GB");
    form_page(r, "New order", "/orders/new", "Create order", &v, NULL, "/orders", 200);
    json_decref(v.text);
}

static struct service_ctx ctx_of(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

void web_order_create(struct request *r)
{
    struct values v;
    values_init(r, &v);
    read_post(r, &v);
    json_t *req = build_request(r, &v, NULL);
    struct service_ctx c = ctx_of(r);
    struct order_batch b;
    const json_t *items[1] = {req};
    order_batch_check(&c, items, 1, &b);
    bool sender_ok = sender_known(r, &v, &b.errs[0]);
    if (b.nvalid != 1 || !sender_ok) {
        name_errors(&r->arena, &b.errs[0]);
        form_page(r, "New order", "/orders/new", "Create order", &v, &b.errs[0], "/orders", 422);
    } else {
        b.valid[0].channel = "Web";
        if (order_batch_insert(&c, &b) != STORE_OK) {
            web_store_failed(r);
        } else {
            struct order_row row = order_batch_row(&c, &b, 0);
            http_egress_claim(r, row.tenant_id, row.order_id);
            web_redirect(
                r, arena_printf(&r->arena, "/orders/%lld?done=created", (long long)row.order_id));
        }
    }
    json_decref(req);
    json_decref(v.text);
}

/* Why an order in this status cannot be edited; NULL when it can. */
static const char *not_editable(const char *status)
{
    if (!strcmp(status, STATUS_NEW) || !strcmp(status, STATUS_ON_HOLD)) return NULL;
    if (!strcmp(status, STATUS_POSTAGE_APPLIED))
        return "Postage is applied: set the order back to new to edit it.";
    if (!strcmp(status, STATUS_LABEL_GENERATED))
        return "Its label is printed: set the order back to new to edit it.";
    if (!strcmp(status, STATUS_CANCELLED))
        return "It is cancelled: a cancelled order stays as it was.";
    return "It has been despatched: what was sent cannot be changed.";
}

static void refused_page(struct request *r, const struct order_row *row, const char *why)
{
    web_page_open(r, WEB_SECTION_ORDERS,
                  arena_printf(&r->arena, "Edit order %lld", (long long)row->order_id));
    buf_adds(&r->out, "<p class=\"error\" role=\"alert\">This order cannot be edited. ");
    html_text(&r->out, why);
    buf_adds(&r->out, "</p><p><a");
    attr(r, "href", arena_printf(&r->arena, "/orders/%lld", (long long)row->order_id));
    buf_adds(&r->out, ">Back to the order</a></p>");
    web_page_close(r, 409);
}

static const char *edit_action(struct request *r, const struct order_row *row)
{
    return arena_printf(&r->arena, "/orders/%lld/edit", (long long)row->order_id);
}

static const char *order_href(struct request *r, const struct order_row *row)
{
    return arena_printf(&r->arena, "/orders/%lld", (long long)row->order_id);
}

void web_order_edit_form(struct request *r)
{
    struct order_row row;
    if (!web_order_find(r, &row)) return;
    http_audit_ids(r, row.tenant_id, "order.read", "order", &row.order_id, 1);
    const char *why = not_editable(row.status);
    if (why) {
        refused_page(r, &row, why);
        return;
    }
    json_t *doc = row.doc ? json_loads(row.doc, 0, NULL) : NULL;
    if (!doc) {
        web_store_failed(r);
        return;
    }
    struct values v;
    values_init(r, &v);
    read_doc(&r->arena, doc, &v);
    form_page(r, arena_printf(&r->arena, "Edit order %lld", (long long)row.order_id),
              edit_action(r, &row), "Save changes", &v, NULL, order_href(r, &row), 200);
    json_decref(v.text);
    json_decref(doc);
}

void web_order_edit(struct request *r)
{
    struct order_row row;
    if (!web_order_find(r, &row)) return;
    const char *why = not_editable(row.status);
    json_t *doc = row.doc ? json_loads(row.doc, 0, NULL) : NULL;
    if (why || !doc) {
        json_decref(doc);
        if (why)
            refused_page(r, &row, why);
        else
            web_store_failed(r);
        return;
    }
    struct values v;
    values_init(r, &v);
    read_post(r, &v);
    json_t *req = build_request(r, &v, doc);
    struct service_ctx c = ctx_of(r);
    struct order_batch b;
    struct order_errors serr = {0};
    bool wrong_status = false;
    enum service_rc rc;
    if (sender_known(r, &v, &serr)) {
        rc = service_order_edit(&c, row.order_id, row.status, req, &b, &wrong_status);
    } else {
        /* the sender is refused: the rest is checked all the same, so the
         * page names every problem at once */
        const json_t *items[1] = {req};
        order_batch_check(&c, items, 1, &b);
        const struct field_error *fe = &serr.items[0];
        order_errors_add(&b.errs[0], &r->arena, fe->code, fe->message, fe->field, fe->value);
        rc = SERVICE_INVALID;
    }
    const char *title = arena_printf(&r->arena, "Edit order %lld", (long long)row.order_id);
    if (rc == SERVICE_OK) {
        web_redirect(r,
                     arena_printf(&r->arena, "/orders/%lld?done=edited", (long long)row.order_id));
    } else if (rc == SERVICE_NOTFOUND) {
        http_error(r, 404, "NotFound", "There is no page at this address.");
    } else if (rc == SERVICE_INVALID && wrong_status) {
        refused_page(r, &row, "Its status changed meanwhile: open the order again.");
    } else if (rc == SERVICE_INVALID) {
        name_errors(&r->arena, &b.errs[0]);
        form_page(r, title, edit_action(r, &row), "Save changes", &v, &b.errs[0],
                  order_href(r, &row), 422);
    } else {
        web_store_failed(r);
    }
    json_decref(req);
    json_decref(doc);
    json_decref(v.text);
}
