/* settings_users: /settings/users, a business's users (issue 11).
 *
 * GET lists them (e-mail, role in words, when added, when last signed in);
 * POST /settings/users adds one with a password postroom makes (shown
 * once, on the answer; only its Argon2id hash is kept, so an administrator
 * never chooses another person's password and nobody has to type it
 * twice); POST /settings/users/role sets a role; POST /settings/users/
 * remove removes a user, whose sessions end with it. The rules: an
 * administrator cannot remove themself, a business always keeps one
 * administrator, and an address signs in one account in all of postroom.
 * A refused form changes nothing and says why beside the field (422). */
#include "auth/password.h"
#include "service/settings.h"
#include "web/frame.h"
#include "web/settings.h"

#include <sodium.h>
#include <string.h>

#define EMAIL_MAX 254

/* What the add form holds when it is shown again. */
struct add_form {
    const char *email, *role;
    const char *email_error, *role_error;
};

static const char *role_words(int role)
{
    return role == ROLE_ADMIN ? "Administrator" : role == ROLE_STANDARD ? "Standard" : "No access";
}

/* "admin" or "standard" as the stored role; 0 for anything else. */
static int role_of_form(const char *v)
{
    if (v && !strcmp(v, "admin")) return ROLE_ADMIN;
    if (v && !strcmp(v, "standard")) return ROLE_STANDARD;
    return 0;
}

static void role_options(struct request *r, int selected)
{
    buf_adds(&r->out, selected == ROLE_ADMIN ? "<option value=\"admin\" selected>"
                                             : "<option value=\"admin\">");
    buf_adds(&r->out, "Administrator</option>");
    buf_adds(&r->out, selected == ROLE_STANDARD ? "<option value=\"standard\" selected>"
                                                : "<option value=\"standard\">");
    buf_adds(&r->out, "Standard</option>");
}

static void user_row(struct request *r, const struct user_row *u)
{
    bool me = u->user_id == r->principal.user_id;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)u->user_id);
    buf_adds(&r->out, "<tr><td data-label=\"E-mail\"><span>");
    html_text(&r->out, u->email);
    if (me) buf_adds(&r->out, " <span class=\"muted\">(you)</span>");
    buf_adds(&r->out, "</span></td><td data-label=\"Role\">");
    html_text(&r->out, role_words(u->role));
    buf_adds(&r->out, "</td><td data-label=\"Added\">");
    settings_when(r, u->created_at, "");
    buf_adds(&r->out, "</td><td data-label=\"Last signed in\">");
    settings_when(r, u->last_signin_at, "Never");
    buf_adds(&r->out, "</td><td class=\"actions\"><form method=\"post\" "
                      "action=\"/settings/users/role\" class=\"inline\">");
    web_csrf_field(r);
    buf_adds(&r->out, "<input type=\"hidden\" name=\"user\" value=\"");
    buf_adds(&r->out, id);
    buf_adds(&r->out, "\"><select name=\"role\" aria-label=\"Role of ");
    html_text(&r->out, u->email);
    buf_adds(&r->out, "\">");
    role_options(r, u->role);
    buf_adds(&r->out, "</select><button type=\"submit\" class=\"secondary\">Set role</button>"
                      "</form>");
    if (!me) {
        buf_adds(&r->out, "<form method=\"post\" action=\"/settings/users/remove\" "
                          "class=\"inline\">");
        web_csrf_field(r);
        buf_adds(&r->out, "<input type=\"hidden\" name=\"user\" value=\"");
        buf_adds(&r->out, id);
        buf_adds(&r->out, "\"><button type=\"submit\" class=\"danger\" data-confirm=\"Remove this "
                          "user? They are signed out at once.\" aria-label=\"Remove ");
        html_text(&r->out, u->email);
        buf_adds(&r->out, "\">Remove</button></form>");
    }
    buf_adds(&r->out, "</td></tr>");
}

static void add_form(struct request *r, const struct add_form *f)
{
    buf_adds(&r->out, "<h2>Add a user</h2><form method=\"post\" action=\"/settings/users\" "
                      "class=\"stack\" novalidate>");
    web_csrf_field(r);
    buf_adds(&r->out, "<label for=\"email\">E-mail address<input id=\"email\" name=\"email\" "
                      "type=\"email\" autocomplete=\"off\" maxlength=\"254\" required value=\"");
    html_text(&r->out, f->email ? f->email : "");
    buf_adds(&r->out,
             f->email_error ? "\" aria-invalid=\"true\" aria-describedby=\"email-error\">" : "\">");
    settings_field_error(r, "email", f->email_error);
    buf_adds(&r->out, "</label><label for=\"role\">Role<select id=\"role\" name=\"role\"");
    buf_adds(&r->out,
             f->role_error ? " aria-invalid=\"true\" aria-describedby=\"role-error\">" : ">");
    role_options(r, f->role ? role_of_form(f->role) : ROLE_STANDARD);
    buf_adds(&r->out, "</select>");
    settings_field_error(r, "role", f->role_error);
    buf_adds(&r->out, "</label><p class=\"muted\">Standard users work with orders, labels and "
                      "manifests; administrators also manage users, API keys and settings. "
                      "postroom makes the first password and shows it to you once, to hand "
                      "on; the user changes it after signing in.</p>"
                      "<button type=\"submit\">Add user</button></form>");
}

/* The page: an optional message (done or alert), the one-time password of
 * a user just added, the list and the add form. */
static void users_page(struct request *r, int status, const char *done, const char *alert,
                       const char *password, const char *for_email, const struct add_form *f)
{
    struct scope sc = scope_of(&r->principal);
    struct user_row *users = NULL;
    size_t n = 0;
    int rc = store_users_list(r->store, &sc, &r->arena, &users, &n);
    if (rc != STORE_OK) {
        http_error(r, 503, "Unavailable", "The users could not be read; try again shortly.");
        return;
    }
    web_page_open(r, WEB_SECTION_SETTINGS, "Users");
    settings_breadcrumb(r, "Users");
    settings_done(r, done);
    html_alert(&r->out, alert);
    if (password) {
        buf_adds(&r->out, "<div class=\"once\" role=\"status\"><p>The first password of <strong>");
        html_text(&r->out, for_email);
        buf_adds(&r->out, "</strong> is</p><p><code class=\"secret\">");
        html_text(&r->out, password);
        buf_adds(&r->out, "</code></p><p>Copy it now and give it to them in person or by "
                          "phone: it is not shown again, and postroom keeps only a hash "
                          "of it.</p></div>");
    }
    buf_adds(&r->out,
             "<div class=\"table-wrap\"><table class=\"stacked\"><caption class=\"muted\">");
    buf_printf(&r->out, "%zu user%s", n, n == 1 ? "" : "s");
    buf_adds(&r->out, "</caption><thead><tr><th scope=\"col\">E-mail</th><th scope=\"col\">Role"
                      "</th><th scope=\"col\">Added</th><th scope=\"col\">Last signed in</th>"
                      "<th scope=\"col\">Change</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, users[i].tenant_id, 0); /* a business's own users only */
        user_row(r, &users[i]);
    }
    buf_adds(&r->out, "</tbody></table></div>");
    struct add_form empty = {0};
    add_form(r, f ? f : &empty);
    web_page_close(r, status);
}

void web_settings_users(struct request *r)
{
    const char *done = http_query(r, "done");
    const char *msg = NULL;
    if (done && !strcmp(done, "role")) msg = "The role is changed.";
    if (done && !strcmp(done, "removed")) msg = "The user is removed and signed out.";
    users_page(r, 200, msg, NULL, NULL, NULL, NULL);
}

/* The address's own rules, as the command line's `user add` has them. */
static const char *email_problem(const char *e)
{
    if (!e || !*e) return "Enter the user's e-mail address.";
    size_t n = strlen(e);
    const char *at = strchr(e, '@');
    if (n > EMAIL_MAX) return "An e-mail address has at most 254 characters.";
    if (!at || at == e || !at[1] || strchr(at + 1, '@'))
        return "Enter an e-mail address like name@example.com.";
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127 || *p == '<' || *p == '>' ||
            *p == '"')
            return "Enter an e-mail address like name@example.com.";
    return NULL;
}

/* A first password: four groups of four from letters and digits that
 * cannot be mistaken for each other (57 bits), from the CSPRNG. */
static void first_password(char out[20])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    size_t k = 0;
    for (int g = 0; g < 4; g++) {
        if (g) out[k++] = '-';
        for (int i = 0; i < 4; i++)
            out[k++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    out[k] = 0;
}

void web_settings_user_add(struct request *r)
{
    struct add_form f = {http_form(r, "email"), http_form(r, "role"), NULL, NULL};
    if (f.email) {
        while (*f.email == ' ')
            f.email++;
        size_t n = strlen(f.email);
        while (n && f.email[n - 1] == ' ')
            n--;
        f.email = arena_strndup(&r->arena, f.email, n);
    }
    f.email_error = email_problem(f.email);
    int role = role_of_form(f.role);
    if (!role) f.role_error = "Choose Administrator or Standard.";
    if (f.email_error || f.role_error) {
        users_page(r, 422, NULL, "The user was not added: see the fields below.", NULL, NULL, &f);
        return;
    }
    char pw[20], hash[PASSWORD_HASH_MAX];
    first_password(pw);
    if (!password_hash(pw, hash)) {
        sodium_memzero(pw, sizeof pw);
        http_error(r, 503, "Unavailable", "The user could not be added; try again shortly.");
        return;
    }
    struct service_ctx c = settings_ctx(r);
    int64_t uid = 0;
    int rc = service_user_add(&c, f.email, hash, role, &uid);
    if (rc == STORE_CONFLICT) {
        sodium_memzero(pw, sizeof pw);
        f.email_error = "That address already signs in to postroom; use another.";
        users_page(r, 422, NULL, "The user was not added: see the fields below.", NULL, NULL, &f);
        return;
    }
    if (rc != STORE_OK) {
        sodium_memzero(pw, sizeof pw);
        http_error(r, 503, "Unavailable", "The user could not be added; try again shortly.");
        return;
    }
    const char *shown = arena_strdup(&r->arena, pw);
    sodium_memzero(pw, sizeof pw);
    users_page(r, 200, "The user is added.", NULL, shown, f.email, NULL);
}

/* The user a form names, or a page saying what is wrong (false). */
static bool posted_user(struct request *r, int64_t *uid)
{
    if (settings_id(http_form(r, "user"), uid)) return true;
    users_page(r, 422, NULL, "Choose a user from the list.", NULL, NULL, NULL);
    return false;
}

/* A store answer to a role change or removal, as the page says it. */
static void changed(struct request *r, int rc, const char *conflict, const char *done_to)
{
    if (rc == STORE_OK)
        web_redirect(r, done_to);
    else if (rc == STORE_NOTFOUND)
        users_page(r, 404, NULL, "There is no such user in your business.", NULL, NULL, NULL);
    else if (rc == STORE_CONFLICT)
        users_page(r, 422, NULL, conflict, NULL, NULL, NULL);
    else
        http_error(r, 503, "Unavailable", "The change could not be saved; try again shortly.");
}

void web_settings_user_role(struct request *r)
{
    int64_t uid;
    if (!posted_user(r, &uid)) return;
    int role = role_of_form(http_form(r, "role"));
    if (!role) {
        users_page(r, 422, NULL, "Choose Administrator or Standard.", NULL, NULL, NULL);
        return;
    }
    struct service_ctx c = settings_ctx(r);
    changed(r, service_user_set_role(&c, uid, role),
            "Your business needs at least one administrator: make another user an "
            "administrator first.",
            "/settings/users?done=role");
}

void web_settings_user_remove(struct request *r)
{
    int64_t uid;
    if (!posted_user(r, &uid)) return;
    if (uid == r->principal.user_id) {
        users_page(r, 422, NULL, "You cannot remove yourself; another administrator can.", NULL,
                   NULL, NULL);
        return;
    }
    struct service_ctx c = settings_ctx(r);
    changed(r, service_user_remove(&c, uid),
            "Your business needs at least one administrator: this is the last one.",
            "/settings/users?done=removed");
}
