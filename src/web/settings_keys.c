/* settings_keys: /settings/keys, a business's API keys (issue 11).
 *
 * GET lists them (name, created, last used, revoked); POST /settings/keys
 * makes one with a name and shows it once, on the answer: only its SHA-256
 * is stored (auth/apikey.c), so nobody can show it again. POST
 * /settings/keys/revoke revokes one: the directory looks every key up on
 * every request, so its next request fails on every server. Last used is
 * written at most once a minute per key and server (auth/apikey_usage.h),
 * so it can trail the newest use by a minute. */
#include "auth/apikey.h"
#include "service/settings.h"
#include "web/frame.h"
#include "web/settings.h"

#include <sodium.h>
#include <string.h>

#define KEY_NAME_MAX 80

static void key_row(struct request *r, const struct apikey_row *k)
{
    buf_adds(&r->out, k->revoked_at ? "<tr class=\"revoked\"><td data-label=\"Name\">"
                                    : "<tr><td data-label=\"Name\">");
    html_text(&r->out, k->name && *k->name ? k->name : "(no name)");
    buf_adds(&r->out, "</td><td data-label=\"Created\">");
    settings_when(r, k->created_at, "");
    buf_adds(&r->out, "</td><td data-label=\"Last used\">");
    settings_when(r, k->last_used_at, "Never");
    buf_adds(&r->out, "</td><td data-label=\"Status\">");
    if (k->revoked_at) {
        buf_adds(&r->out, "<span class=\"badge s-cancelled\">Revoked</span> ");
        settings_when(r, k->revoked_at, "");
        buf_adds(&r->out, "</td><td class=\"actions\"></td></tr>");
        return;
    }
    buf_adds(&r->out, "<span class=\"badge s-despatched\">Live</span></td><td class=\"actions\">"
                      "<form method=\"post\" action=\"/settings/keys/revoke\" class=\"inline\">");
    web_csrf_field(r);
    buf_printf(&r->out, "<input type=\"hidden\" name=\"key\" value=\"%lld\">",
               (long long)k->key_id);
    buf_adds(&r->out, "<button type=\"submit\" class=\"danger\" data-confirm=\"Revoke this key? "
                      "Software using it stops working at once.\" aria-label=\"Revoke ");
    html_text(&r->out, k->name && *k->name ? k->name : "the key with no name");
    buf_adds(&r->out, "\">Revoke</button></form></td></tr>");
}

static void create_form(struct request *r, const char *name, const char *error)
{
    buf_adds(&r->out, "<h2>Create a key</h2><form method=\"post\" action=\"/settings/keys\" "
                      "class=\"stack\" novalidate>");
    web_csrf_field(r);
    buf_adds(&r->out, "<label for=\"name\">Name (what uses it, such as \"Shop website\")"
                      "<input id=\"name\" name=\"name\" maxlength=\"80\" required "
                      "autocomplete=\"off\" value=\"");
    html_text(&r->out, name ? name : "");
    buf_adds(&r->out, error ? "\" aria-invalid=\"true\" aria-describedby=\"name-error\">" : "\">");
    settings_field_error(r, "name", error);
    buf_adds(&r->out, "</label><button type=\"submit\">Create key</button></form>");
}

/* The page; key is a key just made, shown this once. */
static void keys_page(struct request *r, int status, const char *done, const char *alert,
                      const char *key, const char *name, const char *name_error)
{
    struct scope sc = scope_of(&r->principal);
    struct apikey_row *keys = NULL;
    size_t n = 0;
    if (store_apikeys_list(r->store, &sc, &r->arena, &keys, &n) != STORE_OK) {
        http_error(r, 503, "Unavailable", "The keys could not be read; try again shortly.");
        return;
    }
    web_page_open(r, WEB_SECTION_SETTINGS, "API keys");
    settings_breadcrumb(r, "API keys");
    settings_done(r, done);
    html_alert(&r->out, alert);
    if (key) {
        buf_adds(&r->out, "<div class=\"once\" role=\"status\"><p>Your new key <strong>");
        html_text(&r->out, name);
        buf_adds(&r->out, "</strong>:</p><p><label for=\"new-key\">API key<input id=\"new-key\" "
                          "class=\"secret\" readonly spellcheck=\"false\" size=\"40\" value=\"");
        html_text(&r->out, key);
        buf_adds(&r->out, "\"></label></p><p>Copy it now (select it, then Ctrl+C or Cmd+C) into "
                          "your software's settings, as the Authorization header's value. "
                          "postroom keeps only a hash of it and cannot show it again; if it "
                          "is lost, create another and revoke this one.</p></div>");
    }
    if (n == 0) {
        buf_adds(&r->out, "<p class=\"empty\">No API keys yet. Create one for each piece of "
                          "software that sends you orders.</p>");
    } else {
        buf_adds(
            &r->out,
            "<div class=\"table-wrap\"><table class=\"stacked\"><thead><tr><th scope=\"col\">Name"
            "</th><th scope=\"col\">Created</th><th scope=\"col\">Last used</th>"
            "<th scope=\"col\">Status</th><th scope=\"col\">Change</th></tr>"
            "</thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            http_egress_claim(r, keys[i].tenant_id, 0); /* the business's own keys only */
            key_row(r, &keys[i]);
        }
        buf_adds(&r->out, "</tbody></table></div><p class=\"muted\">Last used is updated at "
                          "most once a minute.</p>");
    }
    create_form(r, key ? NULL : name, name_error);
    web_page_close(r, status);
}

void web_settings_keys(struct request *r)
{
    const char *done = http_query(r, "done");
    keys_page(r, 200, done && !strcmp(done, "revoked") ? "The key is revoked." : NULL, NULL, NULL,
              NULL, NULL);
}

void web_settings_key_add(struct request *r)
{
    const char *why = NULL, *typed = http_form(r, "name");
    const char *name = settings_clean_text(r, typed, KEY_NAME_MAX, &why);
    if (!name) {
        keys_page(r, 422, NULL, "The key was not created: see the field below.", NULL, typed, why);
        return;
    }
    char key[APIKEY_LEN + 1];
    unsigned char hash[32];
    apikey_generate(key);
    apikey_hash(key, hash);
    struct service_ctx c = settings_ctx(r);
    int64_t key_id = 0;
    if (service_apikey_add(&c, hash, name, &key_id) != STORE_OK) {
        sodium_memzero(key, sizeof key);
        http_error(r, 503, "Unavailable", "The key could not be created; try again shortly.");
        return;
    }
    const char *shown = arena_strdup(&r->arena, key);
    sodium_memzero(key, sizeof key);
    keys_page(r, 200, "The key is created.", NULL, shown, name, NULL);
}

void web_settings_key_revoke(struct request *r)
{
    int64_t key_id;
    if (!settings_id(http_form(r, "key"), &key_id)) {
        keys_page(r, 422, NULL, "Choose a key from the list.", NULL, NULL, NULL);
        return;
    }
    struct service_ctx c = settings_ctx(r);
    int rc = service_apikey_revoke(&c, key_id);
    if (rc == STORE_OK)
        web_redirect(r, "/settings/keys?done=revoked");
    else if (rc == STORE_NOTFOUND)
        keys_page(r, 404, NULL, "There is no such live key in your business.", NULL, NULL, NULL);
    else
        http_error(r, 503, "Unavailable", "The key could not be revoked; try again shortly.");
}
