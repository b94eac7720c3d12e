/* routes: every route postroom answers, in one table. A new endpoint is a new
 * line here, and what it lets through is never left to the handler:
 *
 * - auth: AUTH_PUBLIC, AUTH_API_KEY or AUTH_SESSION. Without credentials
 *   that hold, the guards answer before the handler runs: 401 JSON for an
 *   API call, 303 to /login for a page, 403 for a form post.
 * - role: the least role the principal needs (ROLE_STANDARD or ROLE_ADMIN;
 *   an API key is ROLE_ADMIN). Below it: 403 (JSON, or a page for a
 *   browser). Public routes say ROLE_NONE.
 * - query: the query parameters the handler may read. http_query returns
 *   NULL for any other (an extra is ignored, never an error: Click & Drop
 *   clients send them); NO_QUERY for a route that takes none. The API's
 *   lists are the spec's (docs/clickanddrop-openapi.yaml), the pages' are
 *   what their forms send.
 * - READS marks the routes that only read: authentication and handler share
 *   one store snapshot.
 * - feature: what a kill switch on a feature stops (http/killswitch.c):
 *   FEATURE_API / FEATURE_WEB for the faces, LABELS, IMPORTS and EXPORTS
 *   for the label route, the import upload and the CSV export (a switch on
 *   api or web stops those too). FEATURE_NONE stays reachable whatever is
 *   switched on: /healthz and /metrics (monitoring), sign-in and sign-out
 *   (a suspended user can still leave), the stylesheet the error page uses,
 *   and /api/v1/version (public, names no business and touches no tenant
 *   data; clients probe it to tell "postroom is up" from "my access is
 *   suspended").
 *
 * - AUTH_OPERATOR: the operators' pages under /ops/ (ops/, issue 10), a
 *   realm apart: only an operator's session opens them (never a business
 *   session or API key), and it opens nothing else. Their role column says
 *   ROLE_ADMIN but is not read: an operator has no business role. Their
 *   feature is FEATURE_NONE: the console is where a switch is turned off.
 *
 * tests/unit/test_routes.c checks every line has a role and a list. */
#include "app/routes.h"
#include "api/api.h"
#include "http/router.h"
#include "ops/ops.h"
#include "web/settings.h"
#include "web/web.h"

#include <stddef.h>

#define ORDERS "/api/v1/orders"
#define MANIFESTS "/api/v1/manifests"
#define READS true
#define WRITES false

static const char *const NO_QUERY[] = {NULL};
/* GET /orders and /orders/full */
static const char *const ORDER_PAGE[] = {"pageSize", "startDateTime", "endDateTime",
                                         "continuationToken", NULL};
/* GET /orders/{ids}/label */
static const char *const LABEL[] = {"documentType", "includeReturnsLabel", "includeCN", NULL};
/* the export form's dates (web/export.c) */
static const char *const EXPORT_RANGE[] = {"from", "to", NULL};

/* the manifests page's messages after a post (web/manifests.c) */
static const char *const MANIFESTS_PAGE[] = {"made", "saved", NULL};

/* the report form names the page it was opened from (web/report.c) */
static const char *const REPORT_PAGE[] = {"page", NULL};
static const char *const DRAFT_FORMAT[] = {"format", NULL};
static const char *const RADIUS_WINDOW[] = {"from", "to", NULL};
/* which of its fixed messages a page shows after a form did something (the
 * order page, senders, settings, rules): a code, never text from the URL */
static const char *const DONE[] = {"done", NULL};
/* the orders list's tabs, search, filters, sort, keyset and what a bulk
 * action reports back (web/orders.c) */
static const char *const ORDER_LIST[] = {"status",  "q",       "from",  "to",     "service",
                                         "channel", "sort",    "after", "before", "done",
                                         "n",       "skipped", NULL};

/* POST /api/postroom/imports (api/imports.c) */
static const char *const IMPORT_UPLOAD[] = {"format", "skipBadRows", NULL};

static const struct route routes[] = {
    {"GET", "/healthz", "GET /healthz", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_healthz, WRITES,
     FEATURE_NONE},
    {"GET", "/metrics", "GET /metrics", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_metrics, WRITES,
     FEATURE_NONE},
    {"GET", "/api/v1/version", "GET /version", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_version,
     WRITES, FEATURE_NONE},
    {"POST", ORDERS, "POST /orders", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY, api_orders_create,
     WRITES, FEATURE_API},
    {"GET", ORDERS, "GET /orders", AUTH_API_KEY, ROLE_STANDARD, ORDER_PAGE, api_orders_list, READS,
     FEATURE_API},
    {"GET", ORDERS "/full", "GET /orders/full", AUTH_API_KEY, ROLE_STANDARD, ORDER_PAGE,
     api_orders_list_full, READS, FEATURE_API},
    {"PUT", ORDERS "/status", "PUT /orders/status", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_status, WRITES, FEATURE_API},
    {"GET", ORDERS "/{}", "GET /orders/{ids}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_get, READS, FEATURE_API},
    {"DELETE", ORDERS "/{}", "DELETE /orders/{ids}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_delete, WRITES, FEATURE_API},
    {"GET", ORDERS "/{}/full", "GET /orders/{ids}/full", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_get_full, READS, FEATURE_API},
    /* printing a label moves the order to labelGenerated: a write */
    {"GET", ORDERS "/{}/label", "GET /orders/{ids}/label", AUTH_API_KEY, ROLE_STANDARD, LABEL,
     api_orders_label, WRITES, FEATURE_LABELS},
    /* postroom's own import jobs, outside Click & Drop's paths (docs/api.md) */
    {"POST", "/api/postroom/imports", "POST /api/postroom/imports", AUTH_API_KEY, ROLE_STANDARD,
     IMPORT_UPLOAD, api_imports_create, WRITES, FEATURE_API},
    {"GET", "/api/postroom/imports/{}", "GET /api/postroom/imports/{id}", AUTH_API_KEY,
     ROLE_STANDARD, NO_QUERY, api_imports_get, READS, FEATURE_API},
    {"POST", MANIFESTS, "POST /manifests", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_manifests_create, WRITES, FEATURE_API},
    {"GET", MANIFESTS "/{}", "GET /manifests/{n}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_manifests_get, READS, FEATURE_API},
    {"POST", MANIFESTS "/retry/{}", "POST /manifests/retry/{n}", AUTH_API_KEY, ROLE_STANDARD,
     NO_QUERY, api_manifests_retry, WRITES, FEATURE_API},
    {"GET", "/api/v1/carriers", "GET /carriers", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_carriers_list, READS, FEATURE_API},
    {"GET", "/api/v1/returns/services", "GET /returns/services", AUTH_API_KEY, ROLE_STANDARD,
     NO_QUERY, api_returns_services, READS, FEATURE_API},
    {"POST", "/api/v1/returns", "POST /returns", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_returns_create, WRITES, FEATURE_API},
    {"GET", "/assets/style.css", "GET /assets/style.css", AUTH_PUBLIC, ROLE_NONE, NO_QUERY,
     web_style, WRITES, FEATURE_NONE},
    {"GET", "/assets/app.js", "GET /assets/app.js", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_script,
     WRITES, FEATURE_NONE},
    {"GET", "/login", "GET /login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_signin_form, WRITES,
     FEATURE_NONE},
    {"POST", "/login", "POST /login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_signin, WRITES,
     FEATURE_NONE},
    {"POST", "/logout", "POST /logout", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_signout, WRITES,
     FEATURE_NONE},
    {"GET", "/", "GET /", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_home, WRITES, FEATURE_WEB},
    {"GET", "/manifests", "GET /manifests", AUTH_SESSION, ROLE_STANDARD, MANIFESTS_PAGE,
     web_manifests, WRITES, FEATURE_WEB},
    {"POST", "/manifests", "POST /manifests (page)", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_manifests_create, WRITES, FEATURE_WEB},
    {"GET", "/manifests/{}", "GET /manifests/{n}.pdf", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_manifest_pdf, WRITES, FEATURE_WEB},
    {"POST", "/manifests/daily", "POST /manifests/daily", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_manifests_daily, WRITES, FEATURE_WEB},
    {"GET", "/import", "GET /import", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_import_form,
     WRITES, FEATURE_WEB},
    {"POST", "/import", "POST /import", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_import, WRITES,
     FEATURE_IMPORTS},
    /* a business's own column mappings (web/import_mapping.c): Standard
     * users see and use them, administrators make, rename and delete them */
    {"POST", "/import/mapping", "POST /import/mapping", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_import_mapping, WRITES, FEATURE_IMPORTS},
    {"GET", "/import/mappings", "GET /import/mappings", AUTH_SESSION, ROLE_STANDARD, DONE,
     web_import_mappings, WRITES, FEATURE_WEB},
    {"GET", "/import/mappings/{}", "GET /import/mappings/{n}", AUTH_SESSION, ROLE_STANDARD, DONE,
     web_import_mapping_page, WRITES, FEATURE_WEB},
    {"POST", "/import/mappings/{}/rename", "POST /import/mappings/{n}/rename", AUTH_SESSION,
     ROLE_ADMIN, NO_QUERY, web_import_mapping_rename, WRITES, FEATURE_WEB},
    {"POST", "/import/mappings/{}/delete", "POST /import/mappings/{n}/delete", AUTH_SESSION,
     ROLE_ADMIN, NO_QUERY, web_import_mapping_delete, WRITES, FEATURE_WEB},
    {"GET", "/import/jobs/{}", "GET /import/jobs/{n}", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_import_job, WRITES, FEATURE_IMPORTS},
    {"GET", "/import/jobs/{}/status", "GET /import/jobs/{n}/status", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_import_job_status, WRITES, FEATURE_IMPORTS},
    {"GET", "/notices", "GET /notices", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_notices, WRITES,
     FEATURE_WEB},
    {"GET", "/export", "GET /export", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_export_form,
     WRITES, FEATURE_WEB},
    /* a session is touched (written) as it authenticates, so no session route
     * shares the READS snapshot; the export takes its own after signing in */
    {"GET", "/export.csv", "GET /export.csv", AUTH_SESSION, ROLE_STANDARD, EXPORT_RANGE,
     web_export_csv, WRITES, FEATURE_EXPORTS},
    {"GET", "/report-problem", "GET /report-problem", AUTH_SESSION, ROLE_STANDARD, REPORT_PAGE,
     web_report_form, WRITES, FEATURE_WEB},
    {"POST", "/report-problem", "POST /report-problem", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_report, WRITES, FEATURE_WEB},
    /* the user's own account (web/account.c) and the code step of a sign-in
     * with two-factor on (web/signin.c) */
    {"GET", "/login/code", "GET /login/code", AUTH_PUBLIC, ROLE_NONE, NO_QUERY,
     web_signin_code_form, WRITES, FEATURE_NONE},
    {"POST", "/login/code", "POST /login/code", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_signin_code,
     WRITES, FEATURE_NONE},
    {"GET", "/account", "GET /account", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_account, WRITES,
     FEATURE_WEB},
    {"POST", "/account/password", "POST /account/password", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_account_password, WRITES, FEATURE_WEB},
    {"POST", "/account/totp/setup", "POST /account/totp/setup", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_account_totp_setup, WRITES, FEATURE_WEB},
    {"GET", "/account/totp", "GET /account/totp", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_account_totp, WRITES, FEATURE_WEB},
    {"GET", "/account/totp/qr.png", "GET /account/totp/qr.png", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_account_totp_qr, WRITES, FEATURE_WEB},
    {"POST", "/account/totp/enable", "POST /account/totp/enable", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_account_totp_enable, WRITES, FEATURE_WEB},
    {"POST", "/account/totp/disable", "POST /account/totp/disable", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_account_totp_disable, WRITES, FEATURE_WEB},
    /* one order, creating and editing it (web/order_page.c, order_form.c):
     * /orders/new comes before /orders/{} (the first match is taken) */
    {"GET", "/orders/new", "GET /orders/new", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_order_new_form, WRITES, FEATURE_WEB},
    {"POST", "/orders/new", "POST /orders/new", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_order_create, WRITES, FEATURE_WEB},
    {"GET", "/orders/{}", "GET /orders/{n}", AUTH_SESSION, ROLE_STANDARD, DONE, web_order_page,
     WRITES, FEATURE_WEB},
    {"GET", "/orders/{}/edit", "GET /orders/{n}/edit", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_order_edit_form, WRITES, FEATURE_WEB},
    {"POST", "/orders/{}/edit", "POST /orders/{n}/edit", AUTH_SESSION, ROLE_STANDARD, NO_QUERY,
     web_order_edit, WRITES, FEATURE_WEB},
    {"GET", "/orders/{}/label.pdf", "GET /orders/{n}/label.pdf", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_order_label, WRITES, FEATURE_LABELS},
    {"GET", "/orders/{}/despatch-note.pdf", "GET /orders/{n}/despatch-note.pdf", AUTH_SESSION,
     ROLE_STANDARD, NO_QUERY, web_order_despatch_note, WRITES, FEATURE_LABELS},
    /* trading names and sender addresses (web/senders.c) */
    {"GET", "/settings/senders", "GET /settings/senders", AUTH_SESSION, ROLE_ADMIN, DONE,
     web_senders, WRITES, FEATURE_WEB},
    {"POST", "/settings/senders", "POST /settings/senders", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_sender_add, WRITES, FEATURE_WEB},
    {"GET", "/settings/senders/{}/edit", "GET /settings/senders/{n}/edit", AUTH_SESSION, ROLE_ADMIN,
     NO_QUERY, web_sender_edit_form, WRITES, FEATURE_WEB},
    {"POST", "/settings/senders/{}/edit", "POST /settings/senders/{n}/edit", AUTH_SESSION,
     ROLE_ADMIN, NO_QUERY, web_sender_edit, WRITES, FEATURE_WEB},
    {"POST", "/settings/senders/{}/default", "POST /settings/senders/{n}/default", AUTH_SESSION,
     ROLE_ADMIN, NO_QUERY, web_sender_default, WRITES, FEATURE_WEB},
    {"POST", "/settings/senders/{}/remove", "POST /settings/senders/{n}/remove", AUTH_SESSION,
     ROLE_ADMIN, NO_QUERY, web_sender_remove, WRITES, FEATURE_WEB},
    /* the administrators' settings (web/settings*.c): a Standard user gets 403 */
    {"GET", "/settings", "GET /settings", AUTH_SESSION, ROLE_ADMIN, NO_QUERY, web_settings, WRITES,
     FEATURE_WEB},
    {"GET", "/settings/users", "GET /settings/users", AUTH_SESSION, ROLE_ADMIN, DONE,
     web_settings_users, WRITES, FEATURE_WEB},
    {"POST", "/settings/users", "POST /settings/users", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_settings_user_add, WRITES, FEATURE_WEB},
    {"POST", "/settings/users/role", "POST /settings/users/role", AUTH_SESSION, ROLE_ADMIN,
     NO_QUERY, web_settings_user_role, WRITES, FEATURE_WEB},
    {"POST", "/settings/users/remove", "POST /settings/users/remove", AUTH_SESSION, ROLE_ADMIN,
     NO_QUERY, web_settings_user_remove, WRITES, FEATURE_WEB},
    {"GET", "/settings/keys", "GET /settings/keys", AUTH_SESSION, ROLE_ADMIN, DONE,
     web_settings_keys, WRITES, FEATURE_WEB},
    {"POST", "/settings/keys", "POST /settings/keys", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_settings_key_add, WRITES, FEATURE_WEB},
    {"POST", "/settings/keys/revoke", "POST /settings/keys/revoke", AUTH_SESSION, ROLE_ADMIN,
     NO_QUERY, web_settings_key_revoke, WRITES, FEATURE_WEB},
    {"GET", "/settings/labels", "GET /settings/labels", AUTH_SESSION, ROLE_ADMIN, DONE,
     web_settings_labels, WRITES, FEATURE_WEB},
    {"POST", "/settings/labels", "POST /settings/labels", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_settings_labels_save, WRITES, FEATURE_WEB},
    /* shipping rules (web/rules.c): everyone reads, administrators change */
    {"GET", "/rules", "GET /rules", AUTH_SESSION, ROLE_STANDARD, DONE, web_rules, WRITES,
     FEATURE_WEB},
    {"GET", "/rules/new", "GET /rules/new", AUTH_SESSION, ROLE_ADMIN, NO_QUERY, web_rule_new_form,
     WRITES, FEATURE_WEB},
    {"POST", "/rules/new", "POST /rules/new", AUTH_SESSION, ROLE_ADMIN, NO_QUERY, web_rule_create,
     WRITES, FEATURE_WEB},
    {"GET", "/rules/{}/edit", "GET /rules/{id}/edit", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_edit_form, WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/edit", "POST /rules/{id}/edit", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_update, WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/delete", "POST /rules/{id}/delete", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_delete, WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/up", "POST /rules/{id}/up", AUTH_SESSION, ROLE_ADMIN, NO_QUERY, web_rule_up,
     WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/down", "POST /rules/{id}/down", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_down, WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/enable", "POST /rules/{id}/enable", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_enable, WRITES, FEATURE_WEB},
    {"POST", "/rules/{}/disable", "POST /rules/{id}/disable", AUTH_SESSION, ROLE_ADMIN, NO_QUERY,
     web_rule_disable, WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/postage", "POST /orders/bulk/postage", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_postage, WRITES, FEATURE_WEB},
    /* the orders list and its bulk actions (web/orders.c, web/orders_bulk.c) */
    {"GET", "/orders", "GET /web/orders", AUTH_SESSION, ROLE_STANDARD, ORDER_LIST, web_orders,
     WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/labels", "POST /web/orders/bulk/labels", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_labels, WRITES, FEATURE_LABELS},
    {"POST", "/orders/bulk/despatch-notes", "POST /web/orders/bulk/despatch-notes", AUTH_SESSION,
     ROLE_STANDARD, NO_QUERY, web_orders_bulk_despatch_notes, WRITES, FEATURE_LABELS},
    {"POST", "/orders/bulk/despatched", "POST /web/orders/bulk/despatched", AUTH_SESSION,
     ROLE_STANDARD, NO_QUERY, web_orders_bulk_despatched, WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/hold", "POST /web/orders/bulk/hold", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_hold, WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/release", "POST /web/orders/bulk/release", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_release, WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/cancel", "POST /web/orders/bulk/cancel", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_cancel, WRITES, FEATURE_WEB},
    {"POST", "/orders/bulk/delete", "POST /web/orders/bulk/delete", AUTH_SESSION, ROLE_STANDARD,
     NO_QUERY, web_orders_bulk_delete, WRITES, FEATURE_WEB},
    /* the operators (ops/): sign-in is public, the rest needs an operator */
    {"GET", "/ops/login", "GET /ops/login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, ops_login_form,
     WRITES, FEATURE_NONE},
    {"POST", "/ops/login", "POST /ops/login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, ops_login, WRITES,
     FEATURE_NONE},
    {"POST", "/ops/logout", "POST /ops/logout", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY, ops_logout,
     WRITES, FEATURE_NONE},
    {"GET", "/ops/", "GET /ops/", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY, ops_console, WRITES,
     FEATURE_NONE},
    {"POST", "/ops/killswitch/on", "POST /ops/killswitch/on", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY,
     ops_killswitch_on, WRITES, FEATURE_NONE},
    {"POST", "/ops/killswitch/off", "POST /ops/killswitch/off", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY,
     ops_killswitch_off, WRITES, FEATURE_NONE},
    {"POST", "/ops/reports/{}/handled", "POST /ops/reports/{n}/handled", AUTH_OPERATOR, ROLE_ADMIN,
     NO_QUERY, ops_report_handled, WRITES, FEATURE_NONE},
    {"POST", "/ops/apikeys/revoke", "POST /ops/apikeys/revoke", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY,
     ops_apikeys_revoke, WRITES, FEATURE_NONE},
    {"GET", "/ops/breaches", "GET /ops/breaches", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY, ops_breaches,
     WRITES, FEATURE_NONE},
    {"GET", "/ops/breaches/{}", "GET /ops/breaches/{n}", AUTH_OPERATOR, ROLE_ADMIN, NO_QUERY,
     ops_breach, WRITES, FEATURE_NONE},
    {"GET", "/ops/breaches/{}/draft", "GET /ops/breaches/{n}/draft", AUTH_OPERATOR, ROLE_ADMIN,
     DRAFT_FORMAT, ops_breach_draft, WRITES, FEATURE_NONE},
    {"POST", "/ops/breaches/{}/note", "POST /ops/breaches/{n}/note", AUTH_OPERATOR, ROLE_ADMIN,
     NO_QUERY, ops_breach_note, WRITES, FEATURE_NONE},
    {"POST", "/ops/breaches/{}/decide", "POST /ops/breaches/{n}/decide", AUTH_OPERATOR, ROLE_ADMIN,
     NO_QUERY, ops_breach_decide, WRITES, FEATURE_NONE},
    {"POST", "/ops/breaches/{}/close", "POST /ops/breaches/{n}/close", AUTH_OPERATOR, ROLE_ADMIN,
     NO_QUERY, ops_breach_close, WRITES, FEATURE_NONE},
    {"GET", "/ops/blast-radius", "GET /ops/blast-radius", AUTH_OPERATOR, ROLE_ADMIN, RADIUS_WINDOW,
     ops_blast_radius, WRITES, FEATURE_NONE},
};
const struct route_table app_routes = {routes, (int)(sizeof routes / sizeof routes[0])};
