/* main: the postroom command line. One binary; each subcommand has --help.
 *
 *   postroom [--db PATH] migrate | serve | tenant create | user add |
 *                        apikey create | demo | killswitch | sessions
 *
 * Exit status 0 on success; otherwise non-zero with one line on stderr. */
#include "app/audit_cmd.h"
#include "app/cli.h"
#include "app/import_cmd.h"
#include "app/import_worker.h"
#include "service/import_job.h"
#include "app/manifest_daily.h"
#include "app/operator_cli.h"
#include "app/breach_cmd.h"
#include "app/routes.h"
#include "app/share.h"
#include "app/status_cli.h"
#include "app/status_post.h"
#include "app/tripwire.h"
#include "auth/apikey.h"
#include "auth/password.h"
#include "domain/order.h"
#include "domain/postage.h"
#include "domain/s10.h"
#include "domain/status.h"
#include "domain/tariff.h"
#include "util/timefmt.h"
#include "http/killswitch.h"
#include "http/server.h"
#include "store/store.h"
#include "util/json_alloc.h"
#include "util/log.h"
#include "web/web.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DB "data/postroom.db"

static const char *usage_main =
    "usage: postroom [--db PATH] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve [--listen HOST:PORT] [--rate-limit N] [--threads N] [--tls-cert F --tls-key F]\n"
    "  migrate                          create or upgrade the database\n"
    "  tenant create NAME               print the new tenant's id\n"
    "  tenant set TENANT --option VALUE sender address and label layout\n"
    "  user add TENANT EMAIL --role admin|standard   (password on stdin)\n"
    "  apikey create TENANT [--name LABEL]           print a new API key, once\n"
    "  apikey revoke TENANT --name LABEL | --all     revoke a business's keys\n"
    "  demo                             ensure the demo business; print its login and key\n"
    "  killswitch on|off|status ...     suspend service (incident response)\n"
    "  sessions revoke [--tenant ID]    sign every browser out at once\n"
    "  status incident|component ...    the status site's incidents and components\n"
    "  status-serve [--listen HOST:PORT] [--status-db PATH]   the public status site\n"
    "  status-export DIR                the status site's JSON as static files\n"
    "  audit verify | checkpoint        check the access audit chain; sign its head\n"
    "  operator add EMAIL | list | disable EMAIL   operators of /ops/ (password on stdin)\n"
    "  breach blast-radius|open|list|show|update|decide|close|export   the breach register\n"
    "  import FILE --tenant ID [--format F] [--skip-bad-rows]   import a spreadsheet's orders\n"
    "\n"
    "The database is --db PATH, else $POSTROOM_DB, else " DEFAULT_DB ".\n"
    "PATH may be a postgres:// URL (PostgreSQL 15; docs/scaling.md), with\n"
    "$POSTROOM_STATE_DIR for the files a SQLite database keeps beside it.\n"
    "Each command takes --help.\n";

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return true;
    return false;
}

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 1 || end == s) return false;
    *out = v;
    return true;
}

static int cmd_migrate(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: postroom [--db PATH] migrate\nCreates the database or applies the "
               "migrations it lacks.\n");
        return 0;
    }
    if (argc) return cli_fail("migrate takes no arguments");
    struct store *s;
    if (store_open(db, &s) != STORE_OK) return cli_fail("cannot open the database");
    int applied = 0, version = 0;
    int rc = store_migrate(s, &applied);
    if (rc == STORE_OK) rc = store_schema_version(s, &version);
    store_close(s);
    if (rc != STORE_OK) return cli_fail("migration failed");
    fprintf(stderr, "postroom: schema at version %d (%d applied)\n", version, applied);
    return 0;
}

/* The options of `tenant set`, each a field of the label settings. */
static const char **settings_field(struct tenant_settings *ts, const char *opt)
{
    if (!strcmp(opt, "--trading-name")) return &ts->trading_name;
    if (!strcmp(opt, "--address-line1")) return &ts->address_line1;
    if (!strcmp(opt, "--address-line2")) return &ts->address_line2;
    if (!strcmp(opt, "--city")) return &ts->city;
    if (!strcmp(opt, "--postcode")) return &ts->postcode;
    if (!strcmp(opt, "--country")) return &ts->country_code;
    if (!strcmp(opt, "--phone")) return &ts->phone;
    if (!strcmp(opt, "--label-layout")) return &ts->label_layout;
    return NULL;
}

/* tenant set TENANT --option value ...: changes only the options given. */
static int tenant_set(const char *db, int argc, char **argv)
{
    int64_t tenant;
    if (argc < 2 || !parse_id(argv[1], &tenant))
        return cli_fail("usage: tenant set TENANT --option VALUE ...");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    struct arena a;
    arena_init(&a);
    struct tenant_settings ts;
    struct scope sc = {tenant};
    int rc = store_operator_tenant_exists(s, tenant);
    if (rc == STORE_OK) rc = store_tenant_settings(s, &sc, &a, &ts);
    const char *bad = NULL;
    for (int i = 2; rc == STORE_OK && !bad && i < argc; i += 2) {
        const char **f = settings_field(&ts, argv[i]);
        if (!f || i + 1 >= argc || strlen(argv[i + 1]) > 200)
            bad = "unknown option or bad value (see tenant --help)";
        else
            *f = *argv[i + 1] ? argv[i + 1] : NULL;
    }
    if (!bad && ts.label_layout && strcmp(ts.label_layout, "6x4") && strcmp(ts.label_layout, "A4"))
        bad = "--label-layout must be 6x4 or A4";
    if (!bad && ts.country_code && strlen(ts.country_code) != 2)
        bad = "--country must be a two-letter code";
    if (rc == STORE_OK && !bad) rc = store_operator_tenant_settings_set(s, tenant, &ts);
    int unrecorded = rc == STORE_OK && !bad
                         ? cli_audit_told(s, tenant, "tenant.update",
                                          arena_printf(&a, "tenant:%lld", (long long)tenant))
                         : 0;
    store_close(s);
    arena_free(&a);
    if (bad) return cli_fail(bad);
    if (rc == STORE_NOTFOUND) return cli_fail("no such tenant");
    return rc == STORE_OK ? unrecorded : cli_fail("cannot change the settings");
}

static int cmd_tenant(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf(
            "usage: postroom [--db PATH] tenant create NAME\n"
            "       postroom [--db PATH] tenant set TENANT [--trading-name X] [--address-line1 X]\n"
            "            [--address-line2 X] [--city X] [--postcode X] [--country CC] [--phone X]\n"
            "            [--label-layout 6x4|A4]\n"
            "create makes a business account and prints its id alone on stdout; set changes\n"
            "the sender / return address and label layout printed on its documents.\n");
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "set")) return tenant_set(db, argc, argv);
    if (argc != 2 || strcmp(argv[0], "create")) return cli_fail("usage: tenant create NAME");
    const char *name = argv[1];
    if (!*name || strlen(name) > 200)
        return cli_fail("the tenant name must be 1 to 200 characters");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t id;
    int rc = store_operator_tenant_create(s, name, time_now_ms(), &id);
    char obj[40];
    snprintf(obj, sizeof obj, "tenant:%lld", (long long)id);
    int unrecorded = rc == STORE_OK ? cli_audit_told(s, id, "tenant.create", obj) : 0;
    store_close(s);
    if (rc != STORE_OK) return cli_fail("cannot create the tenant");
    printf("%lld\n", (long long)id);
    return unrecorded;
}

/* Reads one line (the password) from stdin without its newline. */
static bool read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin)) return false;
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = 0;
    else if (len == n - 1)
        return false; /* longer than allowed */
    if (len && out[len - 1] == '\r') out[--len] = 0;
    return true;
}

static bool valid_email(const char *e)
{
    const char *at = strchr(e, '@');
    size_t n = strlen(e);
    if (!at || at == e || !at[1] || strchr(at + 1, '@') || n > 254) return false;
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"') return false;
    return true;
}

static int cmd_user(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: postroom [--db PATH] user add TENANT EMAIL --role admin|standard\n"
               "Reads the password (at least %d characters) as one line on stdin.\n",
               PASSWORD_MIN_LEN);
        return 0;
    }
    if (argc != 5 || strcmp(argv[0], "add") || strcmp(argv[3], "--role"))
        return cli_fail("usage: user add TENANT EMAIL --role admin|standard");
    int64_t tenant;
    if (!parse_id(argv[1], &tenant)) return cli_fail("TENANT must be a tenant id");
    const char *email = argv[2];
    if (!valid_email(email)) return cli_fail("EMAIL is not an e-mail address");
    enum role role = !strcmp(argv[4], "admin")      ? ROLE_ADMIN
                     : !strcmp(argv[4], "standard") ? ROLE_STANDARD
                                                    : ROLE_NONE;
    if (role == ROLE_NONE) return cli_fail("--role must be admin or standard");
    char pw[PASSWORD_MAX_LEN + 2];
    if (!read_password(pw, sizeof pw)) return cli_fail("cannot read the password from stdin");
    if (strlen(pw) < PASSWORD_MIN_LEN) {
        sodium_memzero(pw, sizeof pw);
        return cli_fail("the password must be at least 10 characters");
    }
    char hash[PASSWORD_HASH_MAX];
    bool hashed = password_hash(pw, hash);
    sodium_memzero(pw, sizeof pw);
    if (!hashed) return cli_fail("cannot hash the password");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t uid;
    int rc = store_operator_tenant_exists(s, tenant);
    if (rc == STORE_OK)
        rc = store_operator_user_add(s, tenant, email, hash, (int)role, time_now_ms(), &uid);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)uid);
    int unrecorded = rc == STORE_OK ? cli_audit_told(s, tenant, "user.create", obj) : 0;
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("no such tenant");
    if (rc == STORE_CONFLICT) return cli_fail("that e-mail address already has an account");
    if (rc != STORE_OK) return cli_fail("cannot add the user");
    return unrecorded;
}

/* `apikey revoke TENANT --name LABEL | --all`: a leaked key, or all of a
 * business's keys at once (incident response); each fails on its next
 * request on every server. */
static int apikey_revoke(const char *db, int argc, char **argv)
{
    int64_t tenant;
    bool all = argc == 3 && !strcmp(argv[2], "--all");
    bool named = argc == 4 && !strcmp(argv[2], "--name");
    if (!all && !named) return cli_fail("usage: apikey revoke TENANT --name LABEL | --all");
    if (!parse_id(argv[1], &tenant)) return cli_fail("TENANT must be a tenant id");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t revoked = 0, now = time_now_ms();
    int rc = store_operator_tenant_exists(s, tenant);
    if (rc == STORE_OK && all) rc = store_operator_apikey_revoke_all(s, tenant, now, &revoked);
    if (rc == STORE_OK && named) rc = store_operator_apikey_revoke_named(s, tenant, argv[3], now);
    char obj[64];
    snprintf(obj, sizeof obj, "tenant:%lld,keys:%s", (long long)tenant, all ? "all" : "named");
    int unrecorded = rc == STORE_OK ? cli_audit_told(s, tenant, "apikey.revoke", obj) : 0;
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("no such tenant");
    if (rc != STORE_OK) return cli_fail("cannot revoke the keys");
    if (all)
        printf("%lld key%s revoked\n", (long long)revoked, revoked == 1 ? "" : "s");
    else
        printf("keys named %s revoked\n", argv[3]);
    return unrecorded;
}

static int cmd_apikey(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: postroom [--db PATH] apikey create TENANT [--name LABEL]\n"
               "       postroom [--db PATH] apikey revoke TENANT --name LABEL | --all\n"
               "create prints a new %d-character API key alone on stdout. It is shown only\n"
               "this once; postroom keeps just its hash. revoke ends the keys of that name,\n"
               "or every key of the business, at once: each fails on its next request.\n",
               APIKEY_LEN);
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "revoke")) return apikey_revoke(db, argc, argv);
    if ((argc != 2 && argc != 4) || strcmp(argv[0], "create") ||
        (argc == 4 && strcmp(argv[2], "--name")))
        return cli_fail("usage: apikey create TENANT [--name LABEL]");
    int64_t tenant;
    if (!parse_id(argv[1], &tenant)) return cli_fail("TENANT must be a tenant id");
    const char *name = argc == 4 ? argv[3] : "";
    if (strlen(name) > 100) return cli_fail("the label must be at most 100 characters");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    char key[APIKEY_LEN + 1];
    int rc = store_operator_tenant_exists(s, tenant);
    if (rc == STORE_OK) rc = apikey_create(s, tenant, name, time_now_ms(), key);
    char obj[40]; /* the key's tenant: the key itself is never recorded */
    snprintf(obj, sizeof obj, "tenant:%lld", (long long)tenant);
    int unrecorded = rc == STORE_OK ? cli_audit_told(s, tenant, "apikey.create", obj) : 0;
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("no such tenant");
    if (rc != STORE_OK) return cli_fail("cannot create the key");
    printf("%s\n", key);
    sodium_memzero(key, sizeof key);
    return unrecorded;
}

/* The demo business's orders, in the states a business sees in a day, so
 * that every example in the README has an order to work on: 1001 and 1004
 * have postage (a label can be printed), 1002 has its label, 1003 is
 * despatched, 1005 and 1006 are new. Written as the API receives them. */
static const struct {
    const char *json;
    const char *status;
} demo_items[] = {
    {"{\"orderReference\":\"DEMO-1001\",\"recipient\":{\"address\":{\"fullName\":\"Zo\u00eb "
     "\u00d3'Brien\",\"addressLine1\":\"12 Harbour Road\",\"city\":\"Bristol\",\"postcode\":"
     "\"BS1 5TT\",\"countryCode\":\"GB\"},\"emailAddress\":\"zoe@example.com\"},"
     "\"orderDate\":\"2026-11-28T09:30:00Z\",\"subtotal\":12.5,\"shippingCostCharged\":3.2,"
     "\"total\":15.7,\"currencyCode\":\"GBP\",\"packages\":[{\"weightInGrams\":250,"
     "\"packageFormatIdentifier\":\"smallParcel\",\"contents\":[{\"name\":\"Ceramic mug\","
     "\"SKU\":\"MUG-01\",\"quantity\":1,\"unitValue\":6.25,\"unitWeightInGrams\":250}]}],"
     "\"postageDetails\":{\"serviceCode\":\"TOLP48\"}}",
     "postageApplied"},
    {"{\"orderReference\":\"DEMO-1002\",\"recipient\":{\"address\":{\"fullName\":\"\u0141ukasz "
     "W\u0105sowski\",\"addressLine1\":\"3 Mill Lane\",\"city\":\"Leeds\",\"postcode\":"
     "\"LS1 4AP\",\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-28T10:05:00Z\","
     "\"subtotal\":8,\"shippingCostCharged\":1.8,\"total\":9.8,\"currencyCode\":\"GBP\","
     "\"packages\":[{\"weightInGrams\":350,\"packageFormatIdentifier\":\"largeLetter\","
     "\"contents\":[{\"name\":\"Tea towel\",\"SKU\":\"TT-02\",\"quantity\":2,\"unitValue\":4,"
     "\"unitWeightInGrams\":150}]}],\"postageDetails\":{\"serviceCode\":\"OLP2\"}}",
     "labelGenerated"},
    {"{\"orderReference\":\"DEMO-1003\",\"recipient\":{\"address\":{\"fullName\":\"Olivia "
     "Hughes\",\"addressLine1\":\"Flat 2, 40 King Street\",\"city\":\"Manchester\","
     "\"postcode\":\"M2 4LQ\",\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-27T16:40:00Z\","
     "\"subtotal\":24,\"shippingCostCharged\":3.5,\"total\":27.5,\"currencyCode\":\"GBP\","
     "\"packages\":[{\"weightInGrams\":900,\"packageFormatIdentifier\":\"smallParcel\","
     "\"contents\":[{\"name\":\"Linen apron\",\"SKU\":\"AP-03\",\"quantity\":1,"
     "\"unitValue\":24,\"unitWeightInGrams\":850}]}],\"postageDetails\":{\"serviceCode\":"
     "\"TOLP24\"}}",
     "despatched"},
    {"{\"orderReference\":\"DEMO-1004\",\"recipient\":{\"address\":{\"fullName\":\"\u039f\u03bb"
     "\u03c5\u03bc\u03c0\u03af\u03b1 Papadopoulou\",\"addressLine1\":\"Odos Ermou 21\","
     "\"city\":\"Athens\",\"postcode\":\"105 63\",\"countryCode\":\"GR\"},\"phoneNumber\":"
     "\"+30 21 0000 0000\"},\"orderDate\":\"2026-11-28T11:15:00Z\",\"subtotal\":18.75,"
     "\"shippingCostCharged\":6.95,\"total\":25.7,\"currencyCode\":\"GBP\",\"packages\":[{"
     "\"weightInGrams\":600,\"packageFormatIdentifier\":\"smallParcel\",\"contents\":[{"
     "\"name\":\"Ceramic mug\",\"SKU\":\"MUG-01\",\"quantity\":3,\"unitValue\":6.25,"
     "\"unitWeightInGrams\":190,\"customsDescription\":\"Ceramic mugs\",\"customsCode\":"
     "\"691200\",\"originCountryCode\":\"GBR\"}]}],\"postageDetails\":{\"serviceCode\":"
     "\"ISOLP\"}}",
     "postageApplied"},
    {"{\"orderReference\":\"DEMO-1005\",\"recipient\":{\"address\":{\"fullName\":\"Aoife "
     "Murphy\",\"addressLine1\":\"7 Quay Street\",\"city\":\"Galway\",\"postcode\":\"H91 "
     "X2R1\",\"countryCode\":\"IE\"}},\"orderDate\":\"2026-11-28T12:00:00Z\",\"subtotal\":9.5,"
     "\"shippingCostCharged\":4,\"total\":13.5,\"currencyCode\":\"GBP\",\"packages\":[{"
     "\"weightInGrams\":300,\"packageFormatIdentifier\":\"smallParcel\"}]}",
     "new"},
    {"{\"orderReference\":\"DEMO-1006\",\"recipient\":{\"address\":{\"fullName\":\"Priya "
     "Shah\",\"addressLine1\":\"18 Castle Street\",\"city\":\"Edinburgh\",\"postcode\":"
     "\"EH2 3AT\",\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-28T13:20:00Z\","
     "\"subtotal\":15,\"shippingCostCharged\":2.7,\"total\":17.7,\"currencyCode\":\"GBP\","
     "\"packages\":[{\"weightInGrams\":450,\"packageFormatIdentifier\":\"smallParcel\"}]}",
     "new"},
};
#define DEMO_ORDERS (sizeof demo_items / sizeof *demo_items)

struct demo_quote_ctx {
    const struct tariff *tariff;
    struct arena *arena;
    struct postage_quote *quote;
};

static bool demo_quote(void *ctx, const json_t *doc, struct order_errors *errs)
{
    struct demo_quote_ctx *q = ctx;
    return postage_quote(q->tariff, doc, q->arena, q->quote, errs);
}

/* Validates and prices the demo orders as the API would, with S10 numbers. */
static int demo_validate(struct store *s, const struct tariff *t, struct arena *a,
                         struct order_new *orders)
{
    for (size_t i = 0; i < DEMO_ORDERS; i++) {
        json_error_t je;
        json_t *o = json_loads(demo_items[i].json, JSON_REJECT_DUPLICATES, &je);
        struct order_errors e = {0};
        struct postage_quote q = {0};
        struct demo_quote_ctx qc = {t, a, &q};
        bool ok = o && order_validate_with(o, a, &orders[i], &e, demo_quote, &qc);
        json_decref(o);
        if (!ok) return STORE_ERROR;
        if (!q.service_code) continue;
        int64_t serial;
        char *tn = arena_alloc(a, S10_LEN + 1);
        struct postage *p = arena_alloc(a, sizeof *p);
        if (store_s10_reserve(s, q.s10_prefix, 1, &serial) != STORE_OK ||
            !s10_format(tn, q.s10_prefix, (uint32_t)serial))
            return STORE_ERROR;
        *p = (struct postage){q.service_code, q.pence, tn};
        orders[i].postage = p;
    }
    return STORE_OK;
}

/* Moves the inserted demo orders on to their states. */
static int demo_advance(struct store *s, const struct scope *sc, const int64_t *ids)
{
    int64_t now = time_now_ms();
    for (size_t i = 0; i < DEMO_ORDERS; i++) {
        const char *want = demo_items[i].status;
        if (strcmp(want, STATUS_LABEL_GENERATED) && strcmp(want, STATUS_DESPATCHED)) continue;
        int rc = store_orders_mark_printed(s, sc, &ids[i], 1, now);
        if (rc == STORE_OK && !strcmp(want, STATUS_DESPATCHED)) {
            struct order_status_change c = {.from_status = STATUS_LABEL_GENERATED,
                                            .to_status = STATUS_DESPATCHED,
                                            .now = now,
                                            .shipped_on = now};
            rc = store_order_set_status(s, sc, ids[i], &c);
        }
        if (rc != STORE_OK) return rc;
    }
    return STORE_OK;
}

static int demo_orders(struct store *s, int64_t tenant)
{
    struct tariff *t = app_load_tariff(NULL);
    if (!t) return STORE_ERROR;
    struct arena a;
    arena_init(&a);
    struct order_new orders[DEMO_ORDERS];
    int64_t ids[DEMO_ORDERS];
    struct scope sc = {tenant};
    int rc = demo_validate(s, t, &a, orders);
    if (rc == STORE_OK)
        rc = store_orders_insert(s, &sc, orders, DEMO_ORDERS, time_now_ms(), ids, NULL);
    if (rc == STORE_OK) rc = demo_advance(s, &sc, ids);
    arena_free(&a);
    tariff_free(t);
    return rc;
}

/* The demo business for `make run`: created once; each run gives it a fresh
 * password and API key (the old demo key is revoked) and prints both, since
 * neither can be shown again later. */
static int cmd_demo(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv) || argc) {
        printf("usage: postroom [--db PATH] demo\nEnsures the demo business exists, gives it a "
               "fresh password and API key, and prints them.\n");
        return argc && !wants_help(argc, argv) ? 1 : 0;
    }
    const char *tenant_name = "Demo Trading Ltd", *email = "demo@postroom.test";
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t tenant, uid, now = time_now_ms();
    unsigned char pwraw[12];
    char pw[25], hash[PASSWORD_HASH_MAX], key[APIKEY_LEN + 1];
    randombytes_buf(pwraw, sizeof pwraw);
    sodium_bin2hex(pw, sizeof pw, pwraw, sizeof pwraw);
    int rc = store_operator_tenant_find(s, tenant_name, &tenant);
    if (rc == STORE_NOTFOUND) {
        rc = store_operator_tenant_create(s, tenant_name, now, &tenant);
        struct tenant_settings ts = {.label_layout = "6x4",
                                     .trading_name = "Demo Trading",
                                     .address_line1 = "Unit 4, Riverside Works",
                                     .city = "Sheffield",
                                     .postcode = "S3 8EN",
                                     .country_code = "GB",
                                     .phone = "0114 496 0000"};
        if (rc == STORE_OK) rc = store_operator_tenant_settings_set(s, tenant, &ts);
        if (rc == STORE_OK) rc = demo_orders(s, tenant);
    }
    if (rc == STORE_OK && !password_hash(pw, hash)) rc = STORE_ERROR;
    if (rc == STORE_OK) {
        rc = store_operator_user_set_password(s, tenant, email, hash);
        if (rc == STORE_NOTFOUND)
            rc = store_operator_user_add(s, tenant, email, hash, (int)ROLE_ADMIN, now, &uid);
    }
    if (rc == STORE_OK) rc = store_operator_apikey_revoke_named(s, tenant, "demo", now);
    if (rc == STORE_OK) rc = apikey_create(s, tenant, "demo", now, key);
    store_close(s);
    if (rc != STORE_OK) return cli_fail("cannot set up the demo business");
    /* where `serve` will listen: the same default and variable it reads */
    const char *listen = getenv("POSTROOM_LISTEN");
    if (!listen || !*listen) listen = "127.0.0.1:8080";
    printf("\n  postroom demo business: %s (tenant %lld)\n"
           "  web sign-in:  http://%s/login  %s  /  %s\n"
           "  API key:      %s\n"
           "  try:          curl -H 'Authorization: Bearer %s' "
           "http://%s/api/v1/orders\n\n",
           tenant_name, (long long)tenant, listen, email, pw, key, key, listen);
    return 0;
}

static const char *usage_killswitch =
    "usage: postroom [--db PATH] killswitch on [--tenant ID] [--feature NAME] --reason TEXT\n"
    "                                          [--revoke-sessions]\n"
    "       postroom [--db PATH] killswitch off [--tenant ID] [--feature NAME]\n"
    "       postroom [--db PATH] killswitch status\n"
    "Suspends service (503) on every running server within a second.\n"
    "  --tenant ID     only this business (default: every business)\n"
    "  --feature NAME  only api, web, labels, imports or exports (default: all;\n"
    "                  api and web also stop the labels, imports and exports they hold)\n"
    "  --reason TEXT   required for on; shown to everyone it stops, so say what\n"
    "                  happened and nothing secret\n"
    "  --revoke-sessions  on also signs out every browser of those businesses at\n"
    "                  once (in the same transaction); prints how many sessions ended\n"
    "  --status-db PATH  on posts an incident to the status site's database (else\n"
    "                  $POSTROOM_STATUS_DB, else none); off resolves it\n"
    "/healthz, /metrics, sign-in and /api/v1/version stay reachable.\n";

/* What `killswitch on|off` names: a tenant (0: all), a feature ("": all). */
struct switch_args {
    int64_t tenant;
    const char *feature;
    const char *reason;
    bool revoke;           /* on --revoke-sessions */
    const char *status_db; /* --status-db, else $POSTROOM_STATUS_DB; NULL: post nothing */
};

static int parse_switch_args(int argc, char **argv, bool on, struct switch_args *out)
{
    *out = (struct switch_args){0, "", NULL, false, getenv("POSTROOM_STATUS_DB")};
    if (out->status_db && !*out->status_db) out->status_db = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--revoke-sessions")) { /* the one option without a value */
            if (!on)
                return cli_fail("--revoke-sessions goes with killswitch on (or: sessions revoke)");
            out->revoke = true;
            continue;
        }
        const char *v = ++i < argc ? argv[i] : NULL;
        if (!v) return cli_fail("every killswitch option but --revoke-sessions takes a value");
        if (!strcmp(a, "--tenant")) {
            if (!parse_id(v, &out->tenant)) return cli_fail("--tenant must be a tenant id");
        } else if (!strcmp(a, "--feature")) {
            if (killswitch_feature_parse(v) == FEATURE_NONE)
                return cli_fail("--feature must be api, web, labels, imports or exports");
            out->feature = v;
        } else if (!strcmp(a, "--status-db")) {
            out->status_db = v;
        } else if (on && !strcmp(a, "--reason")) {
            /* one line in status, one header-safe message in a 503 */
            bool ctl = false;
            for (const char *c = v; *c; c++)
                ctl |= (unsigned char)*c < 32 || *c == 127;
            if (!*v || strlen(v) > 500 || ctl)
                return cli_fail("--reason must be 1 to 500 characters on one line");
            out->reason = v;
        } else {
            return cli_fail("unknown killswitch option (see killswitch --help)");
        }
    }
    if (on && !out->reason) return cli_fail("killswitch on needs --reason TEXT");
    return 0;
}

static int killswitch_status(struct store *s)
{
    struct arena a;
    arena_init(&a);
    struct killswitch_row *rows;
    size_t n;
    int rc = store_operator_killswitch_list(s, &a, &rows, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        char when[40];
        time_format_rfc3339(rows[i].set_at, when, sizeof when);
        char tenant[32] = "all";
        if (rows[i].tenant_id)
            snprintf(tenant, sizeof tenant, "%lld", (long long)rows[i].tenant_id);
        printf("on tenant=%s feature=%s set_by=%s set_at=%s reason=%s\n", tenant,
               *rows[i].feature ? rows[i].feature : "all", rows[i].set_by, when, rows[i].reason);
    }
    if (rc == STORE_OK && n == 0) printf("off: no kill switch is on\n");
    arena_free(&a);
    return rc == STORE_OK ? 0 : cli_fail("cannot read the kill switches");
}

/* Revoking sessions (issue 10): `killswitch on --revoke-sessions` and
 * `sessions revoke`. The store deletes the sessions rows; a browser that
 * comes back with such a cookie is signed out and told to clear what it
 * kept (Clear-Site-Data, src/web/signin.c). */
static const char *usage_sessions =
    "usage: postroom [--db PATH] sessions revoke [--tenant ID]\n"
    "Ends every web session at once (with --tenant, only that business's), on\n"
    "every server; prints how many ended. Browsers are sent to sign in again and\n"
    "told to clear their cache and cookies. API keys are not sessions: they keep\n"
    "working (stop them with killswitch, or replace them).\n";

static void print_sessions_ended(int64_t ended)
{
    printf("%lld session%s ended\n", (long long)ended, ended == 1 ? "" : "s");
}

static int killswitch_on_revoking(struct store *s, const struct switch_args *sa, int64_t *ended)
{
    return store_operator_killswitch_set_revoking(s, sa->tenant, sa->feature, sa->reason,
                                                  cli_login_name(), time_now_ms(), ended);
}

static int cmd_sessions(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_sessions, stdout);
        return 0;
    }
    int64_t tenant = 0;
    if (argc == 3 && !strcmp(argv[1], "--tenant") && !parse_id(argv[2], &tenant))
        return cli_fail("--tenant must be a tenant id");
    if (argc < 1 || strcmp(argv[0], "revoke") || (argc != 1 && (argc != 3 || !tenant)))
        return cli_fail("usage: sessions revoke [--tenant ID]");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int rc = tenant ? store_operator_tenant_exists(s, tenant) : STORE_OK;
    int64_t ended = 0;
    if (rc == STORE_OK) rc = store_operator_sessions_revoke(s, tenant, &ended);
    char obj[40]; /* tenant:0 is every business */
    snprintf(obj, sizeof obj, "tenant:%lld", (long long)tenant);
    int unrecorded = rc == STORE_OK ? cli_audit_told(s, tenant, "sessions.revoke", obj) : 0;
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("no such tenant");
    if (rc != STORE_OK) return cli_fail("cannot revoke the sessions");
    print_sessions_ended(ended);
    return unrecorded;
}

/* killswitch.on|off (objects "feature:NAME", "feature:all") of the tenant
 * it covers (0: every one), and sessions.revoke when it revoked them; false
 * when a record could not be appended. */
static bool audit_switch(struct store *s, const struct switch_args *sa, bool on)
{
    char obj[40];
    snprintf(obj, sizeof obj, "feature:%s", *sa->feature ? sa->feature : "all");
    if (!cli_audit(s, sa->tenant, on ? "killswitch.on" : "killswitch.off", obj)) return false;
    snprintf(obj, sizeof obj, "tenant:%lld", (long long)sa->tenant);
    return !sa->revoke || cli_audit(s, sa->tenant, "sessions.revoke", obj);
}

/* The switch and its audit records in one transaction: a switch nobody
 * recorded is never left standing, nor a record of a switch that failed. */
static int change_switch(struct store *s, const struct switch_args *sa, bool on, int64_t *ended)
{
    int rc = store_operator_tx_begin(s);
    if (rc != STORE_OK) return rc;
    if (on && sa->revoke)
        rc = killswitch_on_revoking(s, sa, ended);
    else if (on)
        rc = store_operator_killswitch_set(s, sa->tenant, sa->feature, sa->reason, cli_login_name(),
                                           time_now_ms());
    else
        rc = store_operator_killswitch_clear(s, sa->tenant, sa->feature, time_now_ms());
    if (rc == STORE_OK && !audit_switch(s, sa, on)) rc = STORE_ERROR;
    if (rc == STORE_OK) return store_tx_commit(s);
    store_tx_rollback(s);
    return rc;
}

static int cmd_killswitch(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_killswitch, stdout);
        return 0;
    }
    bool on = argc >= 1 && !strcmp(argv[0], "on"), off = argc >= 1 && !strcmp(argv[0], "off");
    bool status = argc == 1 && !strcmp(argv[0], "status");
    if (!on && !off && !status) return cli_fail("usage: killswitch on|off|status (see --help)");
    struct switch_args sa;
    if (!status && parse_switch_args(argc, argv, on, &sa)) return 1;
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int rc = STORE_OK;
    if (status) {
        int r = killswitch_status(s);
        store_close(s);
        return r;
    }
    if (sa.tenant) rc = store_operator_tenant_exists(s, sa.tenant);
    if (rc == STORE_NOTFOUND) {
        store_close(s);
        return cli_fail("no such tenant");
    }
    int64_t ended = -1; /* sessions ended: -1 when none were revoked */
    if (rc == STORE_OK) rc = change_switch(s, &sa, on, &ended);
    /* the status site hears of it (issue 10); the switch stands either way */
    int64_t incident = 0;
    bool posted =
        rc != STORE_OK ||
        (on ? status_post_switch_on(s, sa.status_db, sa.tenant, sa.feature, sa.reason,
                                    time_now_ms(), &incident)
            : status_post_switch_off(s, sa.status_db, sa.tenant, sa.feature, time_now_ms()));
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("that kill switch is not on");
    if (rc != STORE_OK)
        return cli_fail("cannot change the kill switch and record it in the access audit; "
                        "nothing changed");
    fprintf(stderr, "postroom: kill switch %s\n", on ? "on" : "off");
    if (!posted) fprintf(stderr, "postroom: could not post to the status database\n");
    if (incident) fprintf(stderr, "postroom: status incident %lld posted\n", (long long)incident);
    if (ended >= 0) print_sessions_ended(ended);
    return 0;
}

static int cmd_serve(const char *db, int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: postroom [--db PATH] serve [--listen HOST:PORT] [--rate-limit N]\n"
               "                [--threads N] [--tls-cert FILE --tls-key FILE] [--share DIR]\n"
               "  --listen      default 127.0.0.1:8080, or $POSTROOM_LISTEN\n"
               "  --rate-limit  API requests per second per key, default 5, or\n"
               "                $POSTROOM_RATE_LIMIT; 0 turns the limit off\n"
               "  --threads     server threads, default the number of cores (four times\n"
               "                that on PostgreSQL, where a request mostly waits on it)\n"
               "  --tls-cert/--tls-key  serve HTTPS with this PEM certificate and key\n"
               "  --share DIR   data files (tariff); default $POSTROOM_SHARE, else share/\n"
               "                beside the binary's directory, else ./share\n"
               "  --status-url URL  where a kill switch's 503 points, or\n"
               "                $POSTROOM_STATUS_URL\n"
               "  --audit-reads 0|1  record reads in the access audit (default 1, or\n"
               "                $POSTROOM_AUDIT_READS); 0 records changes only\n"
               "  --audit 0|1   0 records nothing at all: only to measure what the\n"
               "                audit costs (bench/run.sh), never to serve businesses\n"

               "  --tripwire killswitch|tenant|log  what a tenant_mismatch does at once:\n"
               "                the global kill switch (default), the receiving business's,\n"
               "                or nothing; it always records the event and the breach\n"
               "  --status-db PATH  where the tripwire posts its incident and the audit's\n"
               "                checkpoints are copied (else $POSTROOM_STATUS_DB, else none)\n"
               "  --draw-workers N  processes that draw PDFs (1 to 64), default the\n"
               "                number of cores\n");
        return 0;
    }
    struct server_config c;
    server_config_defaults(&c);
    bool threads_set = false;
    c.error_page = web_error_page; /* browsers get pages, API clients JSON */
    c.db_path = db;
    c.status_url = getenv("POSTROOM_STATUS_URL");
    c.housekeeping = app_housekeeping;
    static struct tripwire_config tw; /* lives as long as the server */
    tw = (struct tripwire_config){TRIPWIRE_KILLSWITCH, getenv("POSTROOM_STATUS_DB"),
                                  getenv("POSTROOM_BREACH_CONTACT")};
    if (tw.status_db && !*tw.status_db) tw.status_db = NULL;
    c.tripwire = tripwire_fire;
    c.tripwire_config = &tw;
    c.killswitch_changed = status_post_console;
    const char *listen = getenv("POSTROOM_LISTEN");
    const char *rl = getenv("POSTROOM_RATE_LIMIT");
    const char *ar = getenv("POSTROOM_AUDIT_READS"), *au = NULL;
    int64_t draw_workers = 0; /* 0: one per core */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strncmp(a, "--tripwire=", 11)) { /* the one option also written with = */
            if (!tripwire_mode_parse(a + 11, &tw.mode))
                return cli_fail("--tripwire must be killswitch, tenant or log");
            continue;
        }
        if (!v) return cli_fail("every serve option takes a value");
        if (!strcmp(a, "--listen"))
            listen = v;
        else if (!strcmp(a, "--rate-limit"))
            rl = v;
        else if (!strcmp(a, "--threads")) {
            int64_t t;
            if (!parse_id(v, &t) || t > 64) return cli_fail("--threads must be 1 to 64");
            c.threads = (unsigned)t;
            threads_set = true;
        } else if (!strcmp(a, "--tls-cert"))
            c.tls_cert = v;
        else if (!strcmp(a, "--tls-key"))
            c.tls_key = v;
        else if (!strcmp(a, "--share"))
            c.share_dir = v;
        else if (!strcmp(a, "--status-url"))
            c.status_url = v;
        else if (!strcmp(a, "--audit-reads"))
            ar = v;
        else if (!strcmp(a, "--tripwire")) {
            if (!tripwire_mode_parse(v, &tw.mode))
                return cli_fail("--tripwire must be killswitch, tenant or log");
        } else if (!strcmp(a, "--status-db"))
            tw.status_db = v;
        else if (!strcmp(a, "--draw-workers")) {
            if (!parse_id(v, &draw_workers) || draw_workers > 64)
                return cli_fail("--draw-workers must be 1 to 64");
        } else if (!strcmp(a, "--audit"))
            au = v;
        else
            return cli_fail("unknown serve option (see serve --help)");
        i++;
    }
    if (listen && !server_parse_listen(&c, listen)) return cli_fail("--listen must be HOST:PORT");
    if (rl) {
        char *end;
        long v = strtol(rl, &end, 10);
        if (*end || end == rl || v < 0 || v > 100000)
            return cli_fail("--rate-limit must be 0 to 100000");
        c.rate_limit = (int)v;
    }
    if (ar && strcmp(ar, "0") && strcmp(ar, "1")) return cli_fail("--audit-reads must be 0 or 1");
    c.audit_reads = !ar || !strcmp(ar, "1");
    if (au && strcmp(au, "0") && strcmp(au, "1")) return cli_fail("--audit must be 0 or 1");
    c.audit_off = au && !strcmp(au, "0");
    if (c.audit_off) log_json("warn", "access audit off: nothing is recorded", NULL);
    /* On PostgreSQL a request spends most of its time waiting for the
     * database's answers (three round trips for a GET), so a thread per core
     * leaves the cores idle: 8 threads on 2 cores served 17-40% more GETs with
     * half the p99 (docs/scaling.md). Each thread holds its own connections. */
    if (!threads_set && store_is_postgres(db)) c.threads = c.threads * 4 > 64 ? 64 : c.threads * 4;
    c.routes = &app_routes;
    /* import jobs: uploads spooled beside the database (a PostgreSQL
     * server's in its POSTROOM_STATE_DIR, with the journal), run by a worker */
    static const char *const spooled[] = {"POST /api/postroom/imports", NULL};
    c.spool_routes = spooled;
    c.spool_dir = import_spool_dir(db); /* store_local_base: beside it, or the state dir */
    if (!c.spool_dir) return cli_fail("cannot make the import spool directory beside the database");
    import_runner_id(); /* made once, before any thread asks */
    c.workers_start = import_worker_start;
    c.workers_stop = import_worker_stop;
    if (!app_load_share(&c)) return 1;
    /* before server_run opens the database and starts threads */
    if (!app_start_draw_pool(&c, (int)draw_workers)) {
        app_free_share(&c);
        return 1;
    }
    int rc = server_run(&c);
    app_free_share(&c);
    return rc;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) return cli_fail("cannot initialise libsodium");
    json_alloc_install();
    const char *db = getenv("POSTROOM_DB");
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db = argv[i + 1];
            i += 2;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_main, stdout);
            return 0;
        } else {
            fputs(usage_main, stderr);
            return 2;
        }
    }
    if (!db || !*db) db = DEFAULT_DB;
    /* The audit journal, key and checkpoints are files the server keeps
     * beside a SQLite database; a PostgreSQL URL names no directory. */
    if (store_is_postgres(db) && !store_local_base(db))
        return cli_fail("a postgres:// database needs POSTROOM_STATE_DIR, the directory for the "
                        "audit journal, key and checkpoints");
    if (i >= argc) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[i++];
    int n = argc - i;
    char **rest = argv + i;
    if (!strcmp(cmd, "serve")) return cmd_serve(db, n, rest);
    if (!strcmp(cmd, "migrate")) return cmd_migrate(db, n, rest);
    if (!strcmp(cmd, "tenant")) return cmd_tenant(db, n, rest);
    if (!strcmp(cmd, "user")) return cmd_user(db, n, rest);
    if (!strcmp(cmd, "apikey")) return cmd_apikey(db, n, rest);
    if (!strcmp(cmd, "demo")) return cmd_demo(db, n, rest);
    if (!strcmp(cmd, "killswitch")) return cmd_killswitch(db, n, rest);
    if (!strcmp(cmd, "sessions")) return cmd_sessions(db, n, rest);
    if (!strcmp(cmd, "status")) return cmd_status(n, rest);
    if (!strcmp(cmd, "status-serve")) return cmd_status_serve(n, rest);
    if (!strcmp(cmd, "status-export")) return cmd_status_export(n, rest);
    if (!strcmp(cmd, "audit")) return cmd_audit(db, n, rest);
    if (!strcmp(cmd, "operator")) return cmd_operator(db, n, rest);
    if (!strcmp(cmd, "breach")) return cmd_breach(db, n, rest);
    if (!strcmp(cmd, "import")) return cmd_import(db, n, rest);
    fprintf(stderr, "postroom: unknown command '%s' (see postroom --help)\n", cmd);
    return 2;
}
