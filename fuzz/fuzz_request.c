/* fuzz_request: whole HTTP requests through the real router, authentication,
 * guards, handlers, store and egress check (http_handle), in process.
 *
 * Input: "METHOD PATH[?QUERY]\n" then "Name: value\n" header lines, an empty
 * line, and the body. In header values $KEYA and $KEYB stand for the API
 * keys of two tenants and $SESSA / $SESSB for their web session tokens; in
 * the body $CSRFA / $CSRFB stand for the sessions' CSRF tokens. So the
 * fuzzer reaches the API's handlers and the web pages (import and export
 * included) as either tenant. Two
 * tenants hold orders with the same identifiers and references; every answer
 * given to tenant A is checked for tenant B's canary (and the reverse), and
 * must be valid JSON when it says so, and never a 5xx. */
#include "api/api.h"
#include "auth/apikey.h"
#include "auth/password.h"
#include "auth/session.h"
#include "domain/document.h"
#include "domain/order.h"
#include "domain/tariff.h"
#include "http/handle.h"
#include "http/server.h"
#include "store/store.h"
#include "util/json_alloc.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct server_config cfg;
static struct store *store;
static char key_a[APIKEY_LEN + 1], key_b[APIKEY_LEN + 1];
static char sess_a[SESSION_TOKEN_LEN + 1], sess_b[SESSION_TOKEN_LEN + 1];
static const char *csrf_a, *csrf_b;
static struct arena init_arena; /* what the fuzzer keeps for its whole run */
static char db_path[64];
static int64_t tenant_a, tenant_b;

static void seed_orders(int64_t tenant, const char *canary)
{
    struct arena a;
    arena_init(&a);
    struct order_new o[3];
    for (int i = 0; i < 3; i++) {
        /* references hold no canary: an error may echo the reference a caller sent */
        const char *ref = i == 0 ? "SHARED-REF" : arena_printf(&a, "%c-REF-%d", canary[6], i);
        json_t *j = json_pack(
            "{s:s,s:{s:{s:s,s:s,s:s,s:s,s:s},s:s},s:s,s:i,s:i,s:i,"
            "s:[{s:i,s:s,s:[{s:s,s:i}]}]}",
            "orderReference", ref, "recipient", "address", "fullName", canary, "addressLine1",
            canary, "city", canary, "postcode", "AB1 2CD", "countryCode", "GB", "emailAddress",
            "x@example.com", "orderDate", "2026-11-29T10:00:00Z", "subtotal", 1,
            "shippingCostCharged", 1, "total", 2, "packages", "weightInGrams", 100,
            "packageFormatIdentifier", "letter", "contents", "name", canary, "quantity", 1);
        struct order_errors e = {0};
        if (!order_validate(j, &a, &o[i], &e)) abort();
        json_decref(j);
    }
    int64_t ids[3];
    struct scope sc = {tenant};
    if (store_orders_insert(store, &sc, o, 3, time_now_ms(), ids) != STORE_OK) abort();
    arena_free(&a);
}

/* A user of the tenant, signed in once: its session token and CSRF token. */
static void sign_in(int64_t tenant, const char *email, char *token, const char **csrf)
{
    char hash[PASSWORD_HASH_MAX];
    int64_t user;
    struct principal p;
    if (!password_hash("fuzz password 1", hash) ||
        store_operator_user_add(store, tenant, email, hash, ROLE_STANDARD, &user) != STORE_OK ||
        session_sign_in(store, email, "fuzz password 1", "127.0.0.1", &init_arena, &p, token) !=
            SIGNIN_OK)
        abort();
    const char *cookie = arena_printf(&init_arena, "%s=%s", SESSION_COOKIE, token);
    if (session_authenticate(store, cookie, &init_arena, &p, csrf) != STORE_OK) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (sodium_init() < 0) abort();
    json_alloc_install();
    arena_init(&init_arena);
    snprintf(db_path, sizeof db_path, "/tmp/postroom-fuzz-%d.db", (int)getpid());
    unlink(db_path);
    if (store_open(db_path, &store) != STORE_OK || store_migrate(store, NULL) != STORE_OK) abort();
    server_config_defaults(&cfg);
    cfg.db_path = db_path;
    cfg.rate_limit = 0;
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
    if (store_operator_tenant_create(store, "A", &tenant_a) != STORE_OK ||
        store_operator_tenant_create(store, "B", &tenant_b) != STORE_OK ||
        apikey_create(store, tenant_a, "fuzz", key_a) != STORE_OK ||
        apikey_create(store, tenant_b, "fuzz", key_b) != STORE_OK)
        abort();
    seed_orders(tenant_a, "CANARYAAA");
    seed_orders(tenant_b, "CANARYBBB");
    sign_in(tenant_a, "a@fuzz.example", sess_a, &csrf_a);
    sign_in(tenant_b, "b@fuzz.example", sess_b, &csrf_b);
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
    memset(&r, 0, sizeof r);
    arena_init(&r.arena);
    r.cfg = &cfg;
    r.store = store;
    r.route = -1;
    strcpy(r.id, "fuzz");
    r.client_ip = "127.0.0.1";
    buf_init(&r.out, &r.arena);
    buf_init(&r.body, &r.arena);

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

    http_handle(&r);

    if (r.status >= 500 && r.status != 501) {
        fprintf(stderr, "fuzz_request: status %d\n", r.status);
        abort();
    }
    /* A canary in the answer that the request did not carry itself (a caller
     * may create orders with any name) is another tenant's data. */
    const char *out = buf_cstr(&r.out);
    if (r.authenticated) {
        const char *other = r.principal.tenant_id == tenant_a ? "CANARYBBB" : "CANARYAAA";
        if (memmem(out, r.out.len, other, strlen(other)) &&
            !memmem(data, size, other, strlen(other))) {
            fprintf(stderr, "fuzz_request: tenant %lld was shown %s\n",
                    (long long)r.principal.tenant_id, other);
            abort();
        }
    } else if (memmem(out, r.out.len, "CANARY", 6) && !memmem(data, size, "CANARY", 6)) {
        fprintf(stderr, "fuzz_request: an unauthenticated answer holds order data\n");
        abort();
    }
    if (r.content_type && strcmp(r.content_type, "application/json") == 0) {
        json_t *j = json_loadb(out, r.out.len, JSON_REJECT_DUPLICATES, NULL);
        if (!j) {
            fprintf(stderr, "fuzz_request: invalid JSON answer: %.200s\n", out);
            abort();
        }
        json_decref(j);
    }
    if (r.store_broken) { /* as the server does: never reuse a failed connection */
        store_close(store);
        if (store_open(db_path, &store) != STORE_OK) abort();
    }
done:
    arena_free(&r.arena);
    return 0;
}
