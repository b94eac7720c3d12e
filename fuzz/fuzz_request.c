/* fuzz_request: whole HTTP requests through the real router, authentication,
 * guards, handlers, store and egress check (http_handle), in process.
 *
 * Input: "METHOD PATH[?QUERY]\n" then "Name: value\n" header lines, an empty
 * line, and the body. In header values $KEYA and $KEYB stand for the API
 * keys of two tenants, A and B, and $SESSA / $SESSB for their web session
 * tokens; in the body $CSRFA / $CSRFB stand for the sessions' CSRF tokens.
 * So the fuzzer reaches the API's handlers and the web pages (import and
 * export included) as either tenant, and writes what it likes as both.
 *
 * The oracle judges a leak by who owns the data, never by text the fuzzer
 * could have typed (fuzz/README.md, "How fuzz_request judges a leak"):
 * - A third tenant, V (the victim), has orders with the same identifiers
 *   and references as A's and B's, a manifest, a label and settings, but no
 *   credentials the fuzzer can use. Every personal field of V's holds a
 *   secret drawn from randombytes when the process starts, written after
 *   validation and searched for by oracle_scan.c, which libFuzzer cannot
 *   see: the fuzzer can neither guess nor learn it, so any answer holding it
 *   (to A, to B or to nobody) carries V's data.
 * - Every store call a request makes is checked at the store's function
 *   table: its scope is the principal's, and every row it returns is of
 *   that tenant. This sees rows of any tenant, A's and B's fuzzer-written
 *   ones included, whatever the handler then claims for the egress wall and
 *   whatever format (PDF too) the answer has.
 * Besides: never a 5xx, and a JSON answer is valid JSON.
 * FUZZ_REQUEST_ORACLE=body or =store keeps only one of the two checks (the
 * planted-leak check, fuzz/planted.sh, shows each finds a leak alone). */
#include "api/api.h"
#include "auth/apikey.h"
#include "auth/password.h"
#include "auth/session.h"
#include "documents/document.h"
#include "domain/order.h"
#include "domain/tariff.h"
#include "app/import_worker.h"
#include "service/import_job.h"
#include "app/routes.h"
#include "app/share.h"
#include "http/handle.h"
#include "http/server.h"
#include "oracle_scan.h"
#include "store/store.h"
#include "util/json_alloc.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct server_config cfg;
static struct store *store;
static char key_a[APIKEY_LEN + 1], key_b[APIKEY_LEN + 1];
static char sess_a[SESSION_TOKEN_LEN + 1], sess_b[SESSION_TOKEN_LEN + 1];
static struct arena init_arena; /* what the fuzzer keeps for its whole run */
static char db_path[64];
static int64_t tenant_a, tenant_b, tenant_v;

/* The victim's secret: 16 characters of Crockford's base32 (80 bits) from
 * randombytes, new in every process. Each of V's fields holds it followed by
 * the order's digit and a letter naming the field, so a finding says what
 * leaked. Until V's data is in place the fields hold PLACEHOLDER instead:
 * nothing instrumented ever handles the secret. */
#define SECRET_LEN 16
#define PLACEHOLDER "QQQQQQVICTIMQQQQ"
static char secret[SECRET_LEN + 1];

enum { ORACLE_BODY = 1, ORACLE_STORE = 2 };
static int oracle = ORACLE_BODY | ORACLE_STORE;

/* --- the store check: scope and row ownership at the function table ----- */

static const struct store_ops *real_ops;
static struct store_ops checked_ops;
static const struct request *current; /* the request http_handle is running */

static const char *tenant_label(int64_t t)
{
    return t == tenant_a ? "A" : t == tenant_b ? "B" : t == tenant_v ? "V (the victim)" : "?";
}

__attribute__((noreturn, format(printf, 1, 2))) static void leak(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\nfuzz_request: LEAK: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* A scoped store call made while a request runs must carry the principal's
 * tenant: the tenant is born only in authentication (wall 1). */
static void check_scope(const struct scope *sc, const char *fn)
{
    if (!current || !(oracle & ORACLE_STORE)) return;
    int64_t p = current->principal.tenant_id;
    if (p > 0 && sc->tenant_id == p) return;
    leak("%s %s ran %s with tenant %s's scope for principal %s", current->method, current->path, fn,
         tenant_label(sc->tenant_id), p > 0 ? tenant_label(p) : "nobody");
}

/* Every row a scoped read returns is of the scope's tenant (wall 2). */
static void check_rows(const struct scope *sc, const struct order_row *rows, size_t n,
                       const char *fn)
{
    if (!current || !(oracle & ORACLE_STORE)) return;
    for (size_t i = 0; i < n; i++)
        if (rows[i].tenant_id != sc->tenant_id)
            leak("%s %s: %s for tenant %s returned order %lld of tenant %s", current->method,
                 current->path, fn, tenant_label(sc->tenant_id), (long long)rows[i].order_id,
                 tenant_label(rows[i].tenant_id));
}

/* An insert reports every order under the scope's tenant (wall 2). */
static int c_orders_insert(struct store *s, const struct scope *sc, const struct order_new *o,
                           size_t n, int64_t now, int64_t *ids, int64_t *tenants)
{
    check_scope(sc, "orders_insert");
    int rc = real_ops->orders_insert(s, sc, o, n, now, ids, tenants);
    if (rc != STORE_OK || !tenants || !current || !(oracle & ORACLE_STORE)) return rc;
    for (size_t i = 0; i < n; i++)
        if (tenants[i] != sc->tenant_id)
            leak("%s %s: orders_insert for tenant %s wrote order %lld as tenant %s",
                 current->method, current->path, tenant_label(sc->tenant_id), (long long)ids[i],
                 tenant_label(tenants[i]));
    return rc;
}
static int c_orders_get(struct store *s, const struct scope *sc, const struct order_key *k,
                        size_t nk, struct arena *a, struct order_row **rows, size_t *n)
{
    check_scope(sc, "orders_get");
    int rc = real_ops->orders_get(s, sc, k, nk, a, rows, n);
    if (rc == STORE_OK) check_rows(sc, *rows, *n, "orders_get");
    return rc;
}
static int c_orders_page(struct store *s, const struct scope *sc, const struct order_page_query *q,
                         struct arena *a, struct order_row **rows, size_t *n)
{
    check_scope(sc, "orders_page");
    int rc = real_ops->orders_page(s, sc, q, a, rows, n);
    if (rc == STORE_OK) check_rows(sc, *rows, *n, "orders_page");
    return rc;
}
static int c_order_delete(struct store *s, const struct scope *sc, int64_t id, int64_t now)
{
    check_scope(sc, "order_delete");
    return real_ops->order_delete(s, sc, id, now);
}
static int c_order_set_status(struct store *s, const struct scope *sc, int64_t id,
                              const struct order_status_change *c)
{
    check_scope(sc, "order_set_status");
    return real_ops->order_set_status(s, sc, id, c);
}
static int c_tenant_name(struct store *s, const struct scope *sc, struct arena *a,
                         const char **name)
{
    check_scope(sc, "tenant_name");
    return real_ops->tenant_name(s, sc, a, name);
}
static int c_tenant_settings(struct store *s, const struct scope *sc, struct arena *a,
                             struct tenant_settings *out)
{
    check_scope(sc, "tenant_settings");
    return real_ops->tenant_settings(s, sc, a, out);
}
static int c_order_apply_postage(struct store *s, const struct scope *sc, int64_t id,
                                 const char *from, const struct postage *p, int64_t now)
{
    check_scope(sc, "order_apply_postage");
    return real_ops->order_apply_postage(s, sc, id, from, p, now);
}
static int c_orders_mark_printed(struct store *s, const struct scope *sc, const int64_t *ids,
                                 size_t n, int64_t now)
{
    check_scope(sc, "orders_mark_printed");
    return real_ops->orders_mark_printed(s, sc, ids, n, now);
}
static int c_manifest_create(struct store *s, const struct scope *sc, int64_t now, struct arena *a,
                             int64_t *no, struct order_row **rows, size_t *n)
{
    check_scope(sc, "manifest_create");
    int rc = real_ops->manifest_create(s, sc, now, a, no, rows, n);
    if (rc == STORE_OK) check_rows(sc, *rows, *n, "manifest_create");
    return rc;
}
static int c_manifest_get(struct store *s, const struct scope *sc, int64_t no, struct arena *a,
                          int64_t *at, struct order_row **rows, size_t *n)
{
    check_scope(sc, "manifest_get");
    int rc = real_ops->manifest_get(s, sc, no, a, at, rows, n);
    if (rc == STORE_OK) check_rows(sc, *rows, *n, "manifest_get");
    return rc;
}

/* Opens the database with every scoped function of its table checked. */
static int open_store(void)
{
    int rc = store_open(db_path, &store);
    if (rc != STORE_OK) return rc;
    real_ops = store->ops;
    checked_ops = *real_ops;
    checked_ops.orders_insert = c_orders_insert;
    checked_ops.orders_get = c_orders_get;
    checked_ops.orders_page = c_orders_page;
    checked_ops.order_delete = c_order_delete;
    checked_ops.order_set_status = c_order_set_status;
    checked_ops.tenant_name = c_tenant_name;
    checked_ops.tenant_settings = c_tenant_settings;
    checked_ops.order_apply_postage = c_order_apply_postage;
    checked_ops.orders_mark_printed = c_orders_mark_printed;
    checked_ops.manifest_create = c_manifest_create;
    checked_ops.manifest_get = c_manifest_get;
    store->ops = &checked_ops;
    return STORE_OK;
}

/* --- the body check: V's secret in what goes out ------------------------ */

static const char *field_name(char tag)
{
    switch (tag) {
    case 'F':
        return "recipient fullName";
    case 'C':
        return "recipient companyName";
    case '1':
        return "addressLine1";
    case '2':
        return "addressLine2";
    case '3':
        return "addressLine3";
    case 'T':
        return "city";
    case 'Y':
        return "county";
    case 'P':
        return "phoneNumber";
    case 'E':
        return "emailAddress";
    case 'B':
        return "billing fullName";
    case 'N':
        return "contents name";
    case 'S':
        return "contents SKU";
    case 'D':
        return "customsDescription";
    case 'I':
        return "specialInstructions";
    case 'M':
        return "tenant name";
    case 'R':
        return "sender trading name";
    case 'A':
        return "sender address";
    default:
        return "a field";
    }
}

static void check_text(const struct request *r, const char *where, const char *s, size_t n)
{
    const char *hit = s ? oracle_find(s, n, secret, SECRET_LEN) : NULL;
    if (!hit) return;
    size_t at = (size_t)(hit - s) + SECRET_LEN;
    char row = at < n ? s[at] : '?', tag = at + 1 < n ? s[at + 1] : '?';
    int64_t p = r->authenticated ? r->principal.tenant_id : 0;
    leak("%s %s (status %d) answered %s with V's %s of order %c in its %s", r->method, r->path,
         r->status, p ? tenant_label(p) : "nobody", field_name(tag), row, where);
}

/* No answer to anyone but V holds V's secret, in its body or its headers. */
static void check_answer(const struct request *r)
{
    if (!(oracle & ORACLE_BODY)) return;
    if (r->authenticated && r->principal.tenant_id == tenant_v) return; /* never happens */
    check_text(r, "body", r->out.data, r->out.len);
    for (int i = 0; i < r->nhdr; i++) {
        check_text(r, "headers", r->hdr_name[i], strlen(r->hdr_name[i]));
        check_text(r, "headers", r->hdr_value[i], strlen(r->hdr_value[i]));
    }
}

/* --- the tenants and what they hold ------------------------------------- */

/* A fixed creation time for the seeded orders, so a date-filtered list or
 * export reaches them whatever the clock says: 2026-01-01T11:00:00Z. */
#define SEEDED_ON 1767265200000LL

/* What one of V's fields holds until the secret is written in: the
 * placeholder, the order's digit and the field's letter. */
static const char *vfield(struct arena *a, int row, char tag)
{
    return arena_printf(a, PLACEHOLDER "%d%c", row, tag);
}

/* Three orders of one tenant. A's and B's hold plain text (the fuzzer may
 * type anything and write it as A or B, so their text proves nothing); V's
 * hold the placeholder in every personal field. The references overlap
 * across tenants: each tenant has a "SHARED-REF", and V also has A's and
 * B's own references, so a lookup that loses its tenant finds V's order. */
static void seed_orders(int64_t tenant, char letter)
{
    struct arena a;
    arena_init(&a);
    bool v = tenant == tenant_v;
    struct order_new o[3];
    for (int i = 0; i < 3; i++) {
        int row = i + 1;
        const char *ref = i == 0 ? "SHARED-REF"
                          : v    ? (i == 1 ? "A-REF-1" : "B-REF-1")
                                 : arena_printf(&a, "%c-REF-%d", letter, i);
#define F(tag) (v ? vfield(&a, row, tag) : arena_printf(&a, "%c plain %c", letter, tag))
        json_t *j = json_pack(
            "{s:s,s:{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:s,s:s},"
            "s:{s:{s:s,s:s,s:s,s:s}},s:s,s:s,s:i,s:i,s:i,"
            "s:[{s:i,s:s,s:[{s:s,s:s,s:i,s:s}]}]}",
            "orderReference", ref, "recipient", "address", "fullName", F('F'), "companyName",
            F('C'), "addressLine1", F('1'), "addressLine2", F('2'), "addressLine3", F('3'), "city",
            F('T'), "county", F('Y'), "postcode", "AB1 2CD", "countryCode", "GB", "phoneNumber",
            F('P'), "emailAddress", arena_printf(&a, "%s@example.com", F('E')), "billing",
            "address", "fullName", F('B'), "addressLine1", "1 Bill St", "city", "Leeds",
            "countryCode", "GB", "orderDate", "2026-11-29T10:00:00Z", "specialInstructions", F('I'),
            "subtotal", 1, "shippingCostCharged", 1, "total", 2, "packages", "weightInGrams", 100,
            "packageFormatIdentifier", "letter", "contents", "name", F('N'), "SKU", F('S'),
            "quantity", 1, "customsDescription", F('D'));
#undef F
        struct order_errors e = {0};
        if (!j || !order_validate(j, &a, &o[i], &e)) abort();
        json_decref(j);
    }
    int64_t ids[3];
    struct scope sc = {tenant};
    if (store_orders_insert(store, &sc, o, 3, SEEDED_ON, ids, NULL) != STORE_OK) abort();
    arena_free(&a);
}

static void request_init(struct request *r)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    r->cfg = &cfg;
    r->store = store;
    r->route = -1;
    strcpy(r->id, "fuzz");
    r->client_ip = "127.0.0.1";
    buf_init(&r->out, &r->arena);
    buf_init(&r->body, &r->arena);
}

/* One request of V's, made before fuzzing starts with a key that is revoked
 * afterwards: how V comes to have a label printed and a manifest. */
static void as_victim(const char *key, const char *method, const char *path, bool label,
                      const char *body)
{
    struct request r;
    request_init(&r);
    struct http_field h[] = {{"Host", "postroom"},
                             {"Authorization", arena_printf(&r.arena, "Bearer %s", key)},
                             {"Content-Type", "application/json"}};
    struct http_field q[] = {{"documentType", "postageLabel"}, {"includeReturnsLabel", "false"}};
    r.method = method;
    r.path = path;
    r.headers = h;
    r.nheaders = 3;
    r.query = q;
    r.nquery = label ? 2 : 0;
    buf_adds(&r.body, body ? body : "");
    buf_cstr(&r.body);
    http_handle(&r);
    if (r.status >= 300) {
        fprintf(stderr, "fuzz_request: seeding V: %s %s answered %d: %.300s\n", method, path,
                r.status, buf_cstr(&r.out));
        abort();
    }
    arena_free(&r.arena);
}

/* In every row of V's, the placeholder becomes the secret. This runs in
 * SQLite (whose comparisons libFuzzer would see only while an input runs,
 * and none does yet), so the secret never passes through postroom's code
 * before an answer carries it. */
static void write_secret(void)
{
    static const char *const sql[] = {
        "UPDATE orders SET doc = replace(doc, ?1, ?2) WHERE tenant_id = ?3",
        "UPDATE tenants SET name = replace(name, ?1, ?2) WHERE tenant_id = ?3",
        ("UPDATE tenant_settings SET trading_name = replace(trading_name, ?1, ?2), "
         "address_line1 = replace(address_line1, ?1, ?2) WHERE tenant_id = ?3"),
    };
    sqlite3 *db;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) abort();
    sqlite3_busy_timeout(db, 5000);
    int changed = 0;
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK) abort();
        sqlite3_bind_text(st, 1, PLACEHOLDER, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, secret, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, tenant_v);
        if (sqlite3_step(st) != SQLITE_DONE) abort();
        changed += sqlite3_changes(db);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (changed != 4 + 1 + 1) abort(); /* 4 orders, the tenant, its settings */
}

/* V: the tenant whose data the oracle knows, and no credentials for the
 * fuzzer. Its orders share identifiers (1001-1004) and references with A's
 * and B's; order 1004 has postage, a printed label and manifest 1001. */
static void seed_victim(void)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char rnd[SECRET_LEN];
    randombytes_buf(rnd, sizeof rnd);
    for (int i = 0; i < SECRET_LEN; i++)
        secret[i] = alphabet[rnd[i] & 31];
    secret[SECRET_LEN] = 0;

    struct arena a;
    arena_init(&a);
    if (store_operator_tenant_create(store, vfield(&a, 0, 'M'), time_now_ms(), &tenant_v) !=
        STORE_OK)
        abort();
    struct tenant_settings ts = {.label_layout = "6x4",
                                 .trading_name = vfield(&a, 0, 'R'),
                                 .address_line1 = vfield(&a, 0, 'A'),
                                 .city = "York",
                                 .postcode = "YO1 1AA",
                                 .country_code = "GB"};
    if (store_operator_tenant_settings_set(store, tenant_v, &ts) != STORE_OK) abort();
    seed_orders(tenant_v, 'V');
    char key[APIKEY_LEN + 1];
    if (apikey_create(store, tenant_v, "init", time_now_ms(), key) != STORE_OK) abort();
    const char *order = arena_printf(
        &a,
        "{\"items\":[{\"orderReference\":\"SHARED-REF\",\"recipient\":{\"address\":{"
        "\"fullName\":\"%s\",\"addressLine1\":\"%s\",\"city\":\"%s\",\"postcode\":\"SW1A 1AA\","
        "\"countryCode\":\"GB\"},\"emailAddress\":\"%s@example.com\"},"
        "\"orderDate\":\"2026-01-01T00:00:00Z\",\"subtotal\":1,\"shippingCostCharged\":0,"
        "\"total\":1,\"packages\":[{\"weightInGrams\":100,\"packageFormatIdentifier\":\"letter\","
        "\"contents\":[{\"name\":\"%s\",\"quantity\":1}]}],"
        "\"postageDetails\":{\"serviceCode\":\"OLP2\"}}]}",
        vfield(&a, 4, 'F'), vfield(&a, 4, '1'), vfield(&a, 4, 'T'), vfield(&a, 4, 'E'),
        vfield(&a, 4, 'N'));
    as_victim(key, "POST", "/api/v1/orders", false, order);
    as_victim(key, "GET", "/api/v1/orders/1004/label", true, NULL);
    as_victim(key, "POST", "/api/v1/manifests", false, "{\"carrierName\":\"Royal Mail OBA\"}");
    if (store_operator_apikey_revoke_named(store, tenant_v, "init", time_now_ms()) != STORE_OK)
        abort();
    sodium_memzero(key, sizeof key);
    arena_free(&a);
    write_secret();
}

/* A's and B's web sessions. The fuzzer may sign them out (POST /logout
 * with the CSRF token); then new ones are made, straight in the store, so
 * the pages stay reachable for the rest of the run. */
static struct principal user_a, user_b;
static char csrf_a[SESSION_TOKEN_LEN + 1], csrf_b[SESSION_TOKEN_LEN + 1];

static void random_token(char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void new_session(const struct principal *p, char *token, char *csrf)
{
    unsigned char h[32];
    random_token(token);
    random_token(csrf);
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    int64_t now = time_now_ms();
    struct credential c = {p->tenant_id, p->user_id, 0, (int)p->role};
    if (store_directory_session_create(store, h, &c, csrf, now, now + SESSION_ABSOLUTE_MS) !=
        STORE_OK)
        abort();
}

/* A user of the tenant, signed in once through the sign-in path: its
 * principal, session token and CSRF token. */
static void sign_in(int64_t tenant, const char *email, struct principal *p, char *token, char *csrf)
{
    char hash[PASSWORD_HASH_MAX];
    int64_t user;
    const char *c;
    if (!password_hash("fuzz password 1", hash) ||
        store_operator_user_add(store, tenant, email, hash, ROLE_STANDARD, time_now_ms(), &user) !=
            STORE_OK ||
        session_sign_in(store, email, "fuzz password 1", "127.0.0.1", &init_arena, p, token) !=
            SIGNIN_OK)
        abort();
    const char *cookie = arena_printf(&init_arena, "%s=%s", SESSION_COOKIE, token);
    if (session_authenticate(store, cookie, &init_arena, p, &c) != STORE_OK) abort();
    snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", c);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (sodium_init() < 0) abort();
    json_alloc_install();
    arena_init(&init_arena);
    const char *mode = getenv("FUZZ_REQUEST_ORACLE");
    if (mode && strcmp(mode, "body") == 0) oracle = ORACLE_BODY;
    if (mode && strcmp(mode, "store") == 0) oracle = ORACLE_STORE;
    if (mode && strcmp(mode, "body") && strcmp(mode, "store") && strcmp(mode, "both")) {
        fprintf(stderr, "fuzz_request: FUZZ_REQUEST_ORACLE is body, store or both\n");
        abort();
    }
    snprintf(db_path, sizeof db_path, "/tmp/postroom-fuzz-%d.db", (int)getpid());
    unlink(db_path);
    if (open_store() != STORE_OK || store_migrate(store, NULL) != STORE_OK) abort();
    server_config_defaults(&cfg);
    cfg.db_path = db_path;
    cfg.rate_limit = 0;
    cfg.routes = &app_routes;
    /* as cmd_serve: import uploads are kept in a spool directory beside the
     * database while their job runs (web/import.c refuses 503 without one) */
    cfg.spool_dir = import_spool_dir(db_path);
    if (!cfg.spool_dir) abort();
    import_runner_id();
    /* what server_run loads before serving: the tariff and the label fonts
     * (without them the document handlers would be fuzzed in a state the
     * server never runs in) */
    struct tariff *tariff;
    struct tariff_error terr;
    char err[256];
    if (!tariff_load(POSTROOM_SOURCE_DIR "/share/" TARIFF_FILE, &tariff, &terr)) abort();
    cfg.tariff = tariff;
    cfg.fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!cfg.fonts) abort();
    randombytes_buf(cfg.token_key, sizeof cfg.token_key);
    int64_t now = time_now_ms();
    if (store_operator_tenant_create(store, "A", now, &tenant_a) != STORE_OK ||
        store_operator_tenant_create(store, "B", now, &tenant_b) != STORE_OK ||
        apikey_create(store, tenant_a, "fuzz", now, key_a) != STORE_OK ||
        apikey_create(store, tenant_b, "fuzz", now, key_b) != STORE_OK)
        abort();
    seed_orders(tenant_a, 'A');
    seed_orders(tenant_b, 'B');
    seed_victim();
    sign_in(tenant_a, "a@fuzz.example", &user_a, sess_a, csrf_a);
    sign_in(tenant_b, "b@fuzz.example", &user_b, sess_b, csrf_b);
    return 0;
}

/* Copies [s, s+n) into the arena, replacing $KEYA/$KEYB by the API keys,
 * $SESSA/$SESSB by the session tokens and $CSRFA/$CSRFB by the CSRF tokens. */
static const char *expand(struct arena *a, const char *s, size_t n, size_t *len)
{
    const struct {
        const char *name, *value;
    } vars[] = {{"$KEYA", key_a},   {"$KEYB", key_b},   {"$SESSA", sess_a},
                {"$SESSB", sess_b}, {"$CSRFA", csrf_a}, {"$CSRFB", csrf_b}};
    struct buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        size_t v = 0, nv = sizeof vars / sizeof *vars;
        while (v < nv && !(n - i >= strlen(vars[v].name) &&
                           !memcmp(s + i, vars[v].name, strlen(vars[v].name))))
            v++;
        if (v < nv) {
            buf_adds(&b, vars[v].value);
            i += strlen(vars[v].name) - 1;
        } else {
            buf_addc(&b, s[i]);
        }
    }
    if (len) *len = b.len;
    return buf_cstr(&b);
}

static size_t line_len(const uint8_t *p, size_t n)
{
    const uint8_t *nl = memchr(p, '\n', n);
    return nl ? (size_t)(nl - p) : n;
}

#define MAX_FIELDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct request r;
    request_init(&r);

    /* request line */
    size_t l = line_len(data, size);
    const char *line = arena_strndup(&r.arena, (const char *)data, l);
    if (strlen(line) != l) goto done; /* a NUL never gets past the HTTP parser */
    const char *sp = strchr(line, ' ');
    if (!sp) goto done;
    r.method = arena_strndup(&r.arena, line, (size_t)(sp - line));
    const char *target = sp + 1, *q = strchr(target, '?');
    r.path = q ? arena_strndup(&r.arena, target, (size_t)(q - target)) : target;
    struct http_field *fields = arena_alloc(&r.arena, 2 * MAX_FIELDS * sizeof *fields);
    struct http_field *query = fields + MAX_FIELDS;
    while (q && r.nquery < MAX_FIELDS) {
        q++;
        size_t len = strcspn(q, "&");
        const char *eq = memchr(q, '=', len);
        query[r.nquery].name = arena_strndup(&r.arena, q, eq ? (size_t)(eq - q) : len);
        query[r.nquery++].value =
            eq ? arena_strndup(&r.arena, eq + 1, len - (size_t)(eq - q) - 1) : "";
        q = q[len] ? q + len : NULL;
    }
    size_t pos = l < size ? l + 1 : size;
    /* headers */
    while (pos < size && r.nheaders < MAX_FIELDS) {
        l = line_len(data + pos, size - pos);
        if (l == 0) {
            pos++;
            break;
        }
        const char *h = (const char *)data + pos;
        const char *colon = memchr(h, ':', l);
        if (colon && !memchr(h, 0, l)) {
            const char *v = colon + 1;
            while (v < h + l && *v == ' ')
                v++;
            fields[r.nheaders].name = arena_strndup(&r.arena, h, (size_t)(colon - h));
            fields[r.nheaders++].value = expand(&r.arena, v, (size_t)(h + l - v), NULL);
        }
        pos += l + 1;
    }
    r.headers = fields;
    r.query = query;
    if (pos < size) {
        size_t n;
        const char *body = expand(&r.arena, (const char *)data + pos, size - pos, &n);
        buf_add(&r.body, body, n);
    }
    buf_cstr(&r.body);

    current = &r;
    http_handle(&r);
    current = NULL;

    buf_cstr(&r.out);
    check_answer(&r); /* before anything else reads the answer */
    if (r.status >= 500 && r.status != 501) {
        fprintf(stderr, "fuzz_request: status %d\n", r.status);
        abort();
    }
    if (r.content_type && strcmp(r.content_type, "application/json") == 0) {
        json_t *j = json_loadb(r.out.data, r.out.len, JSON_REJECT_DUPLICATES, NULL);
        if (!j) {
            fprintf(stderr, "fuzz_request: invalid JSON answer: %.200s\n", r.out.data);
            abort();
        }
        json_decref(j);
    }
    if (r.route >= 0 && strcmp(http_route_name(&r), "POST /logout") == 0) {
        new_session(&user_a, sess_a, csrf_a);
        new_session(&user_b, sess_b, csrf_b);
    }
    if (store_is_broken(store)) { /* as the server does: never reuse it */
        store_close(store);
        if (open_store() != STORE_OK) abort();
    }
done:
    arena_free(&r.arena);
    return 0;
}
