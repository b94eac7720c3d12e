/* signin: the operators' sign-in form, signing in and out.
 *
 * The form asks for the e-mail address, the password and the 6-digit code
 * of the operator's authenticator; every failure gets the same message,
 * counted per account and per address (auth/operator.c). The form itself
 * carries a CSRF token before any session exists: GET /ops/login sets it
 * in a short-lived cookie (Path=/ops, SameSite=Strict) and in the form,
 * and POST /ops/login needs both to match, so no other site can sign a
 * browser in. */
#include "auth/operator.h"
#include "auth/password.h"
#include "http/server.h"
#include "ops/ops.h"
#include "ops/ops_impl.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define LOGIN_COOKIE "postroom_ops_login"
#define LOGIN_TOKEN_LEN 43 /* base64url of 32 bytes */

static bool secure(struct request *r)
{
    return r->cfg && r->cfg->tls_cert;
}

/* The value of cookie name in a Cookie header, if it is there once with
 * exactly len characters. */
static bool cookie_value(const char *header, const char *name, char *out, size_t len)
{
    size_t nl = strlen(name);
    bool found = false;
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
            if (found) return false;
            found = true;
            p += nl + 1;
            size_t n = strcspn(p, "; ");
            if (n != len) return false;
            memcpy(out, p, n);
            out[n] = 0;
        }
        p += strcspn(p, ";");
    }
    return found;
}

static void login_page(struct request *r, int status, const char *email, const char *message)
{
    unsigned char raw[32];
    char token[LOGIN_TOKEN_LEN + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, sizeof token, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    http_add_header(r, "Set-Cookie",
                    arena_printf(&r->arena,
                                 "%s=%s; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=900%s",
                                 LOGIN_COOKIE, token, secure(r) ? "; Secure" : ""));
    buf_init(&r->out, &r->arena);
    ops_page_open(&r->out, "Operator sign-in");
    buf_adds(&r->out, "<h1>postroom operators</h1>");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<form method=\"post\" action=\"/ops/login\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, token);
    buf_adds(&r->out, "\"><label>E-mail <input name=\"email\" type=\"email\" "
                      "autocomplete=\"username\" required value=\"");
    html_text(&r->out, email ? email : "");
    buf_adds(&r->out, "\"></label><label>Password <input name=\"password\" type=\"password\" "
                      "autocomplete=\"current-password\" required></label>"
                      "<label>Code <input name=\"code\" inputmode=\"numeric\" "
                      "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" "
                      "required></label><button type=\"submit\">Sign in</button></form>");
    ops_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

void ops_login_form(struct request *r)
{
    login_page(r, 200, NULL, NULL);
}

static bool login_csrf_ok(struct request *r)
{
    char token[LOGIN_TOKEN_LEN + 1];
    const char *sent = http_form(r, "csrf");
    return cookie_value(http_header(r, "Cookie"), LOGIN_COOKIE, token, LOGIN_TOKEN_LEN) && sent &&
           strlen(sent) == LOGIN_TOKEN_LEN && sodium_memcmp(token, sent, LOGIN_TOKEN_LEN) == 0;
}

/* A failed sign-in is recorded with the operator the address named, if
 * any, and never the address itself. */
static void record_failure(struct request *r, int64_t operator_id)
{
    struct audit_record rec =
        ops_audit_record(r, operator_id, 0, "operator.signin_failed",
                         operator_id ? operator_principal_id(&r->arena, operator_id) : "");
    ops_audit_append(r, &rec, 1); /* a failure already answers with an error */
}

static const char *const GENERIC =
    "That e-mail address, password and code do not match an operator account.";

void ops_login(struct request *r)
{
    const char *email = http_form(r, "email");
    const char *password = http_form(r, "password");
    const char *code = http_form(r, "code");
    if (!login_csrf_ok(r)) {
        login_page(r, 403, email && strlen(email) <= 254 ? email : NULL,
                   "The form has expired; sign in again.");
        return;
    }
    if (!email || !password || !code || !*email || strlen(email) > 254 ||
        strlen(password) > PASSWORD_MAX_LEN || strlen(code) > 16) {
        login_page(r, 400, email && strlen(email) <= 254 ? email : NULL, GENERIC);
        return;
    }
    char token[OPERATOR_TOKEN_LEN + 1];
    struct principal p;
    int64_t op = 0;
    switch (operator_sign_in(r->store, email, password, code, r->client_ip, time_now_ms(),
                             &r->arena, &p, token, &op)) {
    case SIGNIN_OK:
        break;
    case SIGNIN_BAD_CREDENTIALS:
        record_failure(r, op);
        login_page(r, 401, email, GENERIC);
        return;
    case SIGNIN_LIMITED:
        record_failure(r, op);
        http_add_header(r, "Retry-After", "3600");
        login_page(r, 429, email, "Too many failed sign-ins. Try again later.");
        return;
    case SIGNIN_CODE_NEEDED: /* a business user's second step, never an operator's */
    case SIGNIN_ERROR:
        login_page(r, 503, email, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
    r->principal = p;
    /* a session that could not be recorded is ended at once */
    if (!ops_audit(r, 0, "operator.signin", operator_principal_id(&r->arena, op))) {
        char cookie[OPERATOR_TOKEN_LEN + 64];
        snprintf(cookie, sizeof cookie, "%s=%s", OPERATOR_COOKIE, token);
        operator_sign_out(r->store, cookie);
        memset(&r->principal, 0, sizeof r->principal);
        login_page(r, 503, email, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
    operator_sign_out(r->store, http_header(r, "Cookie")); /* any older one is replaced */
    http_add_header(r, "Set-Cookie", operator_cookie(&r->arena, token, secure(r)));
    http_add_header(r, "Set-Cookie",
                    arena_printf(&r->arena,
                                 "%s=; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=0%s",
                                 LOGIN_COOKIE, secure(r) ? "; Secure" : ""));
    ops_redirect(r, "/ops/");
}

void ops_logout(struct request *r)
{
    ops_audit(r, 0, "operator.signout", operator_principal_id(&r->arena, r->principal.operator_id));
    operator_sign_out(r->store, http_header(r, "Cookie")); /* a failure breaks the connection */
    http_add_header(r, "Set-Cookie", operator_cookie(&r->arena, NULL, secure(r)));
    ops_redirect(r, "/ops/login");
}
