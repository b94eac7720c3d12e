/* signin: the sign-in form, signing in and out (the signed-in home page,
 * the dashboard, is web/dashboard.c). */
#include "auth/password.h"
#include "auth/session.h"
#include "store/store.h"
#include "web/html.h"
#include "web/web.h"

#include <string.h>

/* A browser that comes to sign in with a session cookie naming no live
 * session (its session was revoked, or expired) is told to drop what it
 * cached and its cookies, on the sign-in page and on the guards' redirect
 * here (http/handle.c). Never on the answer to a successful sign-in: that
 * one sets the new session cookie, and the order in which a browser applies
 * Clear-Site-Data "cookies" and Set-Cookie of one response is not settled
 * (some clear the new cookie with the old), so the clearing comes one answer
 * earlier, on a page that sets no cookie. */
static bool clear_if_stale(struct request *r)
{
    if (!session_stale(r->store, http_header(r, "Cookie"), &r->arena)) return false;
    http_add_header(r, "Clear-Site-Data", SESSION_CLEAR_SITE_DATA);
    return true;
}

/* The sign-in form, with the e-mail address typed (NULL: none). A browser
 * that brings a session cookie naming no live session is told why it is
 * here; one that honoured the guards' Clear-Site-Data on the way comes
 * without the cookie and sees the plain form. */
static void signin_page(struct request *r, int status, const char *email, const char *message)
{
    bool ended = clear_if_stale(r);
    bool live = !ended && session_cookie_sent(http_header(r, "Cookie"));
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, "Sign in");
    buf_adds(&r->out, "<h1>Sign in to postroom</h1>");
    /* Shown when the stale cookie came; without any cookie it is left to
     * app.js, which shows it in a tab that was signed in and did not sign
     * out: a browser that honoured Clear-Site-Data on the guards' redirect
     * arrives here without the cookie. Never beside a live session. */
    if (!message && !live) {
        buf_adds(&r->out, "<p role=\"status\" class=\"notice\" data-session-ended");
        buf_adds(&r->out, ended ? ">" : " hidden>");
        buf_adds(&r->out, "Your session has ended; sign in again.</p>");
    }
    html_alert(&r->out, message);
    buf_adds(&r->out, "<form method=\"post\" action=\"/login\" class=\"stack\">"
                      "<label>E-mail <input name=\"email\" type=\"email\" "
                      "autocomplete=\"username\" required value=\"");
    html_text(&r->out, email ? email : "");
    buf_adds(&r->out, "\"></label>"
                      "<label>Password <input name=\"password\" type=\"password\" "
                      "autocomplete=\"current-password\" required></label>"
                      "<button type=\"submit\">Sign in</button></form>"
                      "<script src=\"/assets/app.js\" defer></script>");
    html_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

static void redirect(struct request *r, const char *to)
{
    http_add_header(r, "Location", to);
    http_reply(r, 303, "text/html; charset=utf-8");
}

void web_signin_form(struct request *r)
{
    signin_page(r, 200, NULL, NULL);
}

void web_signin(struct request *r)
{
    const char *email = http_form(r, "email");
    const char *password = http_form(r, "password");
    if (!email || !password || !*email || strlen(email) > 254 ||
        strlen(password) > PASSWORD_MAX_LEN) {
        signin_page(r, 400, email && strlen(email) <= 254 ? email : NULL,
                    "Enter your e-mail address and password.");
        return;
    }
    char token[SESSION_TOKEN_LEN + 1];
    struct principal p;
    switch (session_sign_in(r->store, email, password, r->client_ip, &r->arena, &p, token)) {
    case SIGNIN_OK:
        /* any session cookie the browser brought is replaced, never reused */
        session_sign_out(r->store, http_header(r, "Cookie"));
        http_add_header(r, "Set-Cookie", session_cookie(&r->arena, token));
        r->principal = p;
        redirect(r, "/");
        return;
    case SIGNIN_CODE_NEEDED:
        /* token is the pending sign-in's, never a session's */
        http_add_header(r, "Set-Cookie", session_pending_cookie(&r->arena, token));
        redirect(r, "/login/code");
        return;
    case SIGNIN_BAD_CREDENTIALS:
        signin_page(r, 401, email, "That e-mail address and password do not match an account.");
        return;
    case SIGNIN_LIMITED:
        http_add_header(r, "Retry-After", "3600");
        signin_page(r, 429, email, "Too many failed sign-ins. Try again later.");
        return;
    case SIGNIN_ERROR:
        signin_page(r, 503, email, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
}

/* The code step. It sets no Clear-Site-Data, which would clear the
 * pending sign-in's cookie with the rest. */
static void code_page(struct request *r, int status, const char *message)
{
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, "Enter your code");
    buf_adds(&r->out, "<h1>Enter your code</h1>");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<p>Your account has two-factor authentication on. Open your "
                      "authenticator app and enter the 6-digit code it shows for postroom.</p>"
                      "<form method=\"post\" action=\"/login/code\" class=\"stack\">"
                      "<label>Code <input name=\"code\" inputmode=\"numeric\" "
                      "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" "
                      "required autofocus></label><button type=\"submit\">Sign in</button></form>"
                      "<p><a href=\"/login\">Start again</a></p>");
    html_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
}

static const char *const CODE_GONE = "That sign-in has expired. Sign in again.";

/* The pending sign-in is gone (expired, used, or never was): the sign-in
 * form again, and its cookie cleared. */
static void code_gone(struct request *r, int status)
{
    http_add_header(r, "Set-Cookie", session_pending_cookie(&r->arena, NULL));
    signin_page(r, status, NULL, CODE_GONE);
}

void web_signin_code_form(struct request *r)
{
    switch (session_pending(r->store, http_header(r, "Cookie"), &r->arena)) {
    case STORE_OK:
        code_page(r, 200, NULL);
        return;
    case STORE_NOTFOUND:
        code_gone(r, 200);
        return;
    default:
        signin_page(r, 503, NULL, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
}

void web_signin_code(struct request *r)
{
    const char *cookie = http_header(r, "Cookie");
    int live = session_pending(r->store, cookie, &r->arena);
    if (live == STORE_NOTFOUND) {
        code_gone(r, 401);
        return;
    }
    const char *code = http_form(r, "code");
    if (live != STORE_OK || !code || strlen(code) > 16) {
        if (live != STORE_OK)
            signin_page(r, 503, NULL, "Sign-in is unavailable right now. Try again shortly.");
        else
            code_page(r, 400, "Enter the 6-digit code your app shows.");
        return;
    }
    char token[SESSION_TOKEN_LEN + 1];
    struct principal p;
    switch (session_sign_in_code(r->store, cookie, code, r->client_ip, &r->arena, &p, token)) {
    case SIGNIN_OK:
        session_sign_out(r->store, cookie); /* any older session is replaced */
        http_add_header(r, "Set-Cookie", session_pending_cookie(&r->arena, NULL));
        http_add_header(r, "Set-Cookie", session_cookie(&r->arena, token));
        r->principal = p;
        redirect(r, "/");
        return;
    case SIGNIN_BAD_CREDENTIALS:
        code_page(r, 401,
                  "That code is not right, or was used already. Enter the code your "
                  "app shows now.");
        return;
    case SIGNIN_LIMITED:
        http_add_header(r, "Retry-After", "3600");
        code_page(r, 429, "Too many failed sign-ins. Try again later.");
        return;
    case SIGNIN_CODE_NEEDED:
    case SIGNIN_ERROR:
        code_page(r, 503, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
}

void web_signout(struct request *r)
{
    session_sign_out(r->store, http_header(r, "Cookie")); /* a failure breaks the connection */
    http_add_header(r, "Set-Cookie", session_cookie(&r->arena, NULL));
    redirect(r, "/login");
}
