/* account: the signed-in user's own account (issue 11), GET /account: the
 * e-mail address and role, changing the password, and two-factor sign-in
 * (TOTP, auth/totp.h) turned on and off.
 *
 * Changing the password needs the current one (a wrong one counts as a
 * failed sign-in of the account, auth/session.c) and the new one twice, as
 * auth/password.h bounds it; on success every other session of the user
 * ends and this one stays. Turning two-factor on shows a fresh secret, as
 * base32 and as a QR code (GET /account/totp/qr.png, the user's own, never
 * cached), and is on only once a code from it is entered; turning it off
 * needs the password or a code. No password, secret or code is ever logged
 * or recorded: the audit's records say only which user changed what. */
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "service/account.h"
#include "store/store_account.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/web.h"

#include <sodium.h>
#include <string.h>

/* What a form's fields were told, by field. */
struct field_errors {
    const char *current, *fresh, *again, *code, *off;
};

static struct service_ctx ctx_of(struct request *r)
{
    return (struct service_ctx){r->store, scope_of(&r->principal), &r->arena,
                                NULL,     time_now_ms(),           http_audit_actor(r)};
}

/* The user's account row, claimed for the answer; false when it answered. */
static bool account_of(struct request *r, struct account_row *acct)
{
    struct scope sc = scope_of(&r->principal);
    int rc = store_account_get(r->store, &sc, r->principal.user_id, &r->arena, acct);
    if (rc != STORE_OK) {
        http_error(r, 503, "Unavailable", "Your account could not be read; try again shortly.");
        return false;
    }
    http_egress_claim(r, acct->tenant_id, 0);
    return true;
}

static void field_error(struct request *r, const char *id, const char *message)
{
    if (!message) return;
    buf_adds(&r->out, "<span class=\"field-error\" id=\"");
    buf_adds(&r->out, id);
    buf_adds(&r->out, "\">");
    html_text(&r->out, message);
    buf_adds(&r->out, "</span>");
}

/* A labelled input; markup from constants, the message through html_text. */
static void input(struct request *r, const char *label, const char *name, const char *type,
                  const char *autocomplete, bool required, const char *error)
{
    buf_adds(&r->out, "<label>");
    buf_adds(&r->out, label);
    buf_adds(&r->out, " <input name=\"");
    buf_adds(&r->out, name);
    buf_adds(&r->out, "\" type=\"");
    buf_adds(&r->out, type);
    buf_adds(&r->out, "\" autocomplete=\"");
    buf_adds(&r->out, autocomplete);
    buf_adds(&r->out, required ? "\" required" : "\"");
    if (!strcmp(name, "code"))
        buf_adds(&r->out, " inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\"");
    if (error) {
        buf_adds(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
        buf_adds(&r->out, name);
        buf_adds(&r->out, "\"");
    }
    buf_adds(&r->out, "></label>");
    if (error) {
        char id[32] = "err-";
        strncat(id, name, sizeof id - 5);
        field_error(r, id, error);
    }
}

static void details(struct request *r, const struct account_row *acct)
{
    buf_adds(&r->out, "<section aria-labelledby=\"h-details\"><h2 id=\"h-details\">Your details"
                      "</h2><dl class=\"details\"><dt>E-mail</dt><dd>");
    html_text(&r->out, acct->email);
    buf_adds(&r->out, "</dd><dt>Role</dt><dd>");
    buf_adds(&r->out, role_of_stored(acct->role) == ROLE_ADMIN ? "Administrator" : "Standard");
    buf_adds(&r->out, "</dd></dl></section>");
}

static void password_form(struct request *r, const struct field_errors *e)
{
    buf_adds(&r->out, "<section aria-labelledby=\"h-password\"><h2 id=\"h-password\">Change "
                      "password</h2><p class=\"muted\">At least 10 characters. Changing it "
                      "signs you out everywhere else.</p><form method=\"post\" "
                      "action=\"/account/password\" class=\"stack\">");
    web_csrf_field(r);
    input(r, "Current password", "current", "password", "current-password", true, e->current);
    input(r, "New password", "password", "password", "new-password", true, e->fresh);
    input(r, "New password again", "again", "password", "new-password", true, e->again);
    buf_adds(&r->out, "<button type=\"submit\">Change password</button></form></section>");
}

static void totp_section(struct request *r, const struct account_row *acct,
                         const struct field_errors *e)
{
    buf_adds(&r->out, "<section aria-labelledby=\"h-totp\"><h2 id=\"h-totp\">Two-factor "
                      "authentication</h2>");
    if (!acct->totp_on) {
        buf_adds(&r->out, "<p><span class=\"badge\">Off</span> Signing in needs only your "
                          "password. Turn two-factor authentication on to be asked as well for "
                          "a code from an authenticator app on your phone.</p>"
                          "<form method=\"post\" action=\"/account/totp/setup\">");
        web_csrf_field(r);
        buf_adds(&r->out, "<button type=\"submit\">Set up two-factor authentication</button>"
                          "</form></section>");
        return;
    }
    buf_adds(&r->out, "<p><span class=\"badge s-despatched\">On</span> Signing in asks for a "
                      "code from your authenticator app after your password.</p>"
                      "<form method=\"post\" action=\"/account/totp/disable\" class=\"stack\">"
                      "<p>To turn it off, enter your password or a code from your app.</p>");
    web_csrf_field(r);
    input(r, "Password", "password", "password", "current-password", false, e->off);
    input(r, "or a code", "code", "text", "one-time-code", false, e->code);
    buf_adds(&r->out, "<button type=\"submit\" class=\"danger\">Turn two-factor authentication "
                      "off</button></form></section>");
}

static void account_page(struct request *r, int status, const struct account_row *acct,
                         const char *done, const char *alert, const struct field_errors *e)
{
    static const struct field_errors none;
    if (!e) e = &none;
    web_page_open(r, WEB_SECTION_ACCOUNT, "Your account");
    if (done) {
        buf_adds(&r->out, "<p role=\"status\" class=\"done\">");
        html_text(&r->out, done);
        buf_adds(&r->out, "</p>");
    }
    html_alert(&r->out, alert);
    buf_adds(&r->out, "<div class=\"account\">");
    details(r, acct);
    password_form(r, e);
    totp_section(r, acct, e);
    buf_adds(&r->out, "</div>");
    web_page_close(r, status);
}

void web_account(struct request *r)
{
    struct account_row acct;
    if (account_of(r, &acct)) account_page(r, 200, &acct, NULL, NULL, NULL);
}

/* The new password's rules (auth/password.h); NULL when it keeps them. */
static const char *password_rule(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < PASSWORD_MIN_LEN) return "Choose a password of at least 10 characters.";
    if (n > PASSWORD_MAX_LEN) return "A password may be at most 256 characters.";
    return NULL;
}

/* The current password, checked as a sign-in is (limits, and a wrong one
 * counted); NULL when it holds, else the field's message. */
static const char *current_wrong(struct request *r, const struct account_row *acct,
                                 const char *current, int *status)
{
    bool limited = false;
    *status = 422;
    if (!session_limited(r->store, acct->email, r->client_ip, &r->arena, &limited)) {
        *status = 503;
        return "Your password could not be checked; try again shortly.";
    }
    if (limited) {
        *status = 429;
        http_add_header(r, "Retry-After", "3600");
        return "Too many wrong passwords. Try again later.";
    }
    if (current && strlen(current) <= PASSWORD_MAX_LEN && password_verify(acct->pw_hash, current))
        return NULL;
    if (!session_password_failed(r->store, acct->email, r->client_ip, &r->arena)) *status = 503;
    return "That is not your current password.";
}

void web_account_password(struct request *r)
{
    struct account_row acct;
    if (!account_of(r, &acct)) return;
    const char *current = http_form(r, "current");
    const char *fresh = http_form(r, "password");
    const char *again = http_form(r, "again");
    struct field_errors e = {0};
    int status = 422;
    e.fresh = password_rule(fresh);
    if (!e.fresh && (!again || strcmp(fresh, again))) e.again = "The two new passwords differ.";
    e.current = current_wrong(r, &acct, current, &status);
    if (e.current || e.fresh || e.again) {
        account_page(r, e.current ? status : 422, &acct, NULL, "The password was not changed.", &e);
        return;
    }
    char hash[PASSWORD_HASH_MAX];
    unsigned char keep[32];
    bool have = session_token_hash(http_header(r, "Cookie"), keep);
    struct service_ctx c = ctx_of(r);
    int64_t ended = 0;
    if (!password_hash(fresh, hash) ||
        service_account_password(&c, acct.user_id, hash, have ? keep : NULL, &ended) !=
            SERVICE_OK) {
        sodium_memzero(hash, sizeof hash);
        account_page(r, 503, &acct, NULL, "The password could not be changed; try again shortly.",
                     NULL);
        return;
    }
    sodium_memzero(hash, sizeof hash);
    account_page(r, 200, &acct,
                 ended ? "Your password is changed, and you are signed out everywhere else."
                       : "Your password is changed.",
                 NULL, NULL);
}

void web_account_totp_setup(struct request *r)
{
    struct account_row acct;
    if (!account_of(r, &acct)) return;
    if (acct.totp_on) {
        account_page(r, 409, &acct, NULL, "Two-factor authentication is on already.", NULL);
        return;
    }
    char secret[TOTP_SECRET_B32];
    struct service_ctx c = ctx_of(r);
    bool ok = totp_secret_new(secret) &&
              service_account_totp_setup(&c, acct.user_id, secret) == SERVICE_OK;
    sodium_memzero(secret, sizeof secret);
    if (!ok) {
        account_page(r, 503, &acct, NULL,
                     "Two-factor authentication could not be set up; try again shortly.", NULL);
        return;
    }
    web_redirect(r, "/account/totp");
}

/* The secret in groups of four, easier to type into an app. */
static void secret_grouped(struct request *r, const char *secret)
{
    for (size_t i = 0; secret[i]; i++) {
        if (i && i % 4 == 0) buf_addc(&r->out, ' ');
        char one[2] = {secret[i], 0};
        html_text(&r->out, one);
    }
}

static void setup_page(struct request *r, int status, const struct account_row *acct,
                       const char *code_error)
{
    web_page_open(r, WEB_SECTION_ACCOUNT, "Set up two-factor authentication");
    if (code_error) html_alert(&r->out, "Two-factor authentication is not on yet.");
    buf_adds(&r->out, "<ol class=\"steps\"><li><p>Open an authenticator app on your phone "
                      "(such as Google Authenticator, Microsoft Authenticator or 1Password) "
                      "and scan this QR code.</p><img class=\"qr\" src=\"/account/totp/qr.png\" "
                      "width=\"246\" height=\"246\" alt=\"QR code of your two-factor secret, for "
                      "an authenticator app\"></li><li><p>Or type this key into the app:</p>"
                      "<p><code class=\"secret\" id=\"totp-secret\">");
    secret_grouped(r, acct->totp_secret);
    buf_adds(&r->out, "</code></p></li><li><p>Enter the 6-digit code the app shows, to "
                      "confirm.</p><form method=\"post\" action=\"/account/totp/enable\" "
                      "class=\"stack\">");
    web_csrf_field(r);
    input(r, "Code", "code", "text", "one-time-code", true, code_error);
    buf_adds(&r->out, "<div class=\"toolbar\"><button type=\"submit\">Turn on</button>"
                      "<a class=\"button secondary\" href=\"/account\">Cancel</a></div>"
                      "</form></li></ol>");
    web_page_close(r, status);
}

/* The account's secret set up and not yet on, or the account page told
 * why not (false). */
static bool pending_secret(struct request *r, struct account_row *acct)
{
    if (!account_of(r, acct)) return false;
    if (acct->totp_on) {
        account_page(r, 409, acct, NULL, "Two-factor authentication is on already.", NULL);
        return false;
    }
    if (!acct->totp_secret) {
        account_page(r, 409, acct, NULL, "Start the set-up again.", NULL);
        return false;
    }
    return true;
}

void web_account_totp(struct request *r)
{
    struct account_row acct;
    if (pending_secret(r, &acct)) setup_page(r, 200, &acct, NULL);
}

void web_account_totp_qr(struct request *r)
{
    struct account_row acct;
    struct scope sc = scope_of(&r->principal);
    if (store_account_get(r->store, &sc, r->principal.user_id, &r->arena, &acct) != STORE_OK ||
        acct.totp_on || !acct.totp_secret) {
        http_error(r, 404, "NotFound", "No two-factor set-up is in progress.");
        return;
    }
    http_egress_claim(r, acct.tenant_id, 0);
    buf_init(&r->out, &r->arena);
    const char *uri = totp_uri(&r->arena, acct.email, acct.totp_secret);
    if (service_account_qr_png(uri, &r->out) != SERVICE_OK) {
        http_error(r, 500, "InternalError", "The QR code could not be drawn.");
        return;
    }
    http_reply(r, 200, "image/png");
}

void web_account_totp_enable(struct request *r)
{
    struct account_row acct;
    if (!pending_secret(r, &acct)) return;
    const char *code = http_form(r, "code");
    int64_t step = 0;
    if (!code || strlen(code) > 16 ||
        !totp_accept(acct.totp_secret, code, time_now_ms() / 1000, 0, &step)) {
        setup_page(r, 422, &acct, "That code is not right. Enter the code the app shows now.");
        return;
    }
    struct service_ctx c = ctx_of(r);
    switch (service_account_totp_enable(&c, acct.user_id, acct.totp_secret, step)) {
    case SERVICE_OK:
        acct.totp_on = true;
        account_page(r, 200, &acct,
                     "Two-factor authentication is on. Signing in now asks for a code.", NULL,
                     NULL);
        return;
    case SERVICE_NOTFOUND:
        account_page(r, 409, &acct, NULL, "The set-up changed meanwhile; start it again.", NULL);
        return;
    default:
        account_page(r, 503, &acct, NULL,
                     "Two-factor authentication could not be turned on; try again shortly.", NULL);
        return;
    }
}

void web_account_totp_disable(struct request *r)
{
    struct account_row acct;
    if (!account_of(r, &acct)) return;
    if (!acct.totp_on) {
        account_page(r, 409, &acct, NULL, "Two-factor authentication is off already.", NULL);
        return;
    }
    const char *password = http_form(r, "password");
    const char *code = http_form(r, "code");
    struct field_errors e = {0};
    int64_t step = -1;
    int status = 422;
    if (code && *code) {
        if (strlen(code) > 16 ||
            !totp_accept(acct.totp_secret, code, time_now_ms() / 1000, acct.totp_last_step, &step))
            e.code = "That code is not right, or was used already.";
    } else if (password && *password) {
        e.off = current_wrong(r, &acct, password, &status);
    } else {
        e.off = "Enter your password or a code.";
    }
    if (e.code || e.off) {
        account_page(r, e.off ? status : 422, &acct, NULL, "Two-factor authentication is still on.",
                     &e);
        return;
    }
    struct service_ctx c = ctx_of(r);
    switch (service_account_totp_disable(&c, acct.user_id, step)) {
    case SERVICE_OK:
        acct.totp_on = false;
        acct.totp_secret = NULL;
        account_page(r, 200, &acct, "Two-factor authentication is off.", NULL, NULL);
        return;
    case SERVICE_NOTFOUND:
        e.code = "That code is not right, or was used already.";
        account_page(r, 422, &acct, NULL, "Two-factor authentication is still on.", &e);
        return;
    default:
        account_page(r, 503, &acct, NULL,
                     "Two-factor authentication could not be turned off; try again shortly.", NULL);
        return;
    }
}
