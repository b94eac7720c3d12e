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
static void clear_if_stale(struct request *r)
{
    if (session_stale(r->store, http_header(r, "Cookie"), &r->arena))
        http_add_header(r, "Clear-Site-Data", SESSION_CLEAR_SITE_DATA);
}

static void signin_page(struct request *r, int status, const char *message)
{
    clear_if_stale(r);
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, "Sign in");
    buf_adds(&r->out, "<h1>Sign in to postroom</h1>");
    html_alert(&r->out, message);
    buf_adds(&r->out, "<form method=\"post\" action=\"/login\">"
                      "<label>E-mail <input name=\"email\" type=\"email\" "
                      "autocomplete=\"username\" required></label>"
                      "<label>Password <input name=\"password\" type=\"password\" "
                      "autocomplete=\"current-password\" required></label>"
                      "<button type=\"submit\">Sign in</button></form>");
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
    signin_page(r, 200, NULL);
}

void web_signin(struct request *r)
{
    const char *email = http_form(r, "email");
    const char *password = http_form(r, "password");
    if (!email || !password || !*email || strlen(email) > 254 ||
        strlen(password) > PASSWORD_MAX_LEN) {
        signin_page(r, 400, "Enter your e-mail address and password.");
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
    case SIGNIN_BAD_CREDENTIALS:
        signin_page(r, 401, "That e-mail address and password do not match an account.");
        return;
    case SIGNIN_LIMITED:
        http_add_header(r, "Retry-After", "3600");
        signin_page(r, 429, "Too many failed sign-ins. Try again later.");
        return;
    case SIGNIN_ERROR:
        signin_page(r, 503, "Sign-in is unavailable right now. Try again shortly.");
        return;
    }
}

void web_signout(struct request *r)
{
    session_sign_out(r->store, http_header(r, "Cookie")); /* a failure breaks the connection */
    http_add_header(r, "Set-Cookie", session_cookie(&r->arena, NULL));
    redirect(r, "/login");
}
