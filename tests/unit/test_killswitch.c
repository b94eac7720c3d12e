/* test_killswitch: http/killswitch.c's snapshot and what it stops. A global
 * switch stops every route with a feature, for any tenant and for nobody
 * signed in; a tenant's switch only that tenant; a feature switch only its
 * routes, where api and web stop their whole face; FEATURE_NONE routes are
 * never stopped; the snapshot changes only on refresh, and a failed refresh
 * keeps the last one. */
#include "check.h"
#include "http/killswitch.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void noop(struct request *r)
{
    (void)r;
}

static const struct route api = {"GET", "/api/x", "x",   AUTH_API_KEY, ROLE_STANDARD,
                                 NULL,  noop,     false, FEATURE_API};
static const struct route label = {"GET", "/api/l", "l",   AUTH_API_KEY,  ROLE_STANDARD,
                                   NULL,  noop,     false, FEATURE_LABELS};
static const struct route page = {"GET", "/",  "p",   AUTH_SESSION, ROLE_STANDARD,
                                  NULL,  noop, false, FEATURE_WEB};
static const struct route import = {"POST", "/import", "i",   AUTH_SESSION,   ROLE_STANDARD,
                                    NULL,   noop,      false, FEATURE_IMPORTS};
static const struct route health = {"GET", "/healthz", "h",   AUTH_PUBLIC, ROLE_NONE,
                                    NULL,  noop,       false, FEATURE_NONE};

static struct arena a;

static bool stops(const struct route *rt, int64_t tenant)
{
    const char *reason = NULL;
    bool s = killswitch_stops(rt, tenant, &a, &reason);
    CHECK(s == (reason != NULL));
    return s;
}

static const char *reason_for(const struct route *rt, int64_t tenant)
{
    const char *reason = NULL;
    return killswitch_stops(rt, tenant, &a, &reason) ? reason : "(none)";
}

static void test_names(void)
{
    CHECK_INT(killswitch_feature_parse("labels"), FEATURE_LABELS);
    CHECK_INT(killswitch_feature_parse("exports"), FEATURE_EXPORTS);
    CHECK_INT(killswitch_feature_parse("Labels"), FEATURE_NONE);
    CHECK_INT(killswitch_feature_parse(""), FEATURE_NONE);
    CHECK_INT(killswitch_feature_parse(NULL), FEATURE_NONE);
    CHECK_STR(killswitch_feature_name(FEATURE_IMPORTS), "imports");
    CHECK(killswitch_feature_name(FEATURE_NONE) == NULL);
}

static void test_snapshot(struct store *s)
{
    /* nothing on */
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(!stops(&api, 1) && !stops(&page, 1) && !stops(&health, 0));

    /* global: everything but FEATURE_NONE, signed in or not */
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "incident 7", "op", 1), STORE_OK);
    CHECK(!stops(&api, 1)); /* not yet refreshed */
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(stops(&api, 1) && stops(&label, 2) && stops(&page, 3) && stops(&import, 0));
    CHECK(!stops(&health, 0) && !stops(&health, 1));
    CHECK_STR(reason_for(&page, 3), "incident 7");
    CHECK_INT(store_operator_killswitch_clear(s, 0, "", 2), STORE_OK);

    /* one tenant: only that tenant's principal */
    CHECK_INT(store_operator_killswitch_set(s, 5, "", "tenant 5 breach", "op", 3), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(stops(&api, 5) && stops(&page, 5));
    CHECK(!stops(&api, 6) && !stops(&page, 0));
    CHECK_STR(reason_for(&api, 5), "tenant 5 breach");
    CHECK_INT(store_operator_killswitch_clear(s, 5, "", 4), STORE_OK);

    /* one feature: labels stops the label route only */
    CHECK_INT(store_operator_killswitch_set(s, 0, "labels", "labels off", "op", 5), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(stops(&label, 1) && !stops(&api, 1) && !stops(&page, 1) && !stops(&import, 1));
    CHECK_INT(store_operator_killswitch_clear(s, 0, "labels", 6), STORE_OK);

    /* api stops its whole face, labels included; web its face, imports too */
    CHECK_INT(store_operator_killswitch_set(s, 0, "api", "api off", "op", 7), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(stops(&api, 1) && stops(&label, 1) && !stops(&page, 1) && !stops(&import, 1));
    CHECK_INT(store_operator_killswitch_clear(s, 0, "api", 8), STORE_OK);
    CHECK_INT(store_operator_killswitch_set(s, 9, "web", "web off", "op", 9), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(stops(&page, 9) && stops(&import, 9) && !stops(&api, 9) && !stops(&page, 8));

    /* a failed refresh (a database without the table) keeps what was known */
    char other[] = "/tmp/postroom-test-ks-empty-XXXXXX";
    close(mkstemp(other));
    struct store *bare;
    CHECK_INT(store_open(other, &bare), STORE_OK);
    CHECK_INT(killswitch_refresh(bare), STORE_ERROR);
    store_close(bare);
    unlink(other);
    CHECK(stops(&page, 9));
    CHECK_INT(store_operator_killswitch_clear(s, 9, "web", 10), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK);
    CHECK(!stops(&page, 9));
    killswitch_reset();
}

/* A refresh that began reading before a newer one was shown is dropped:
 * the housekeeper's read from before the tripwire's switch must not land
 * after the tripwire's own refresh and hide the switch. */
static void test_stale_refresh(struct store *s)
{
    killswitch_reset();
    uint64_t housekeeper = killswitch_ticket(); /* began before the switch */
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "tripped", "tripwire", 20), STORE_OK);
    CHECK_INT(killswitch_refresh(s), STORE_OK); /* the tripwire's own */
    CHECK(stops(&api, 1));
    /* the housekeeper's late answer: made to read no switch, as its stale
     * read would have */
    CHECK_INT(store_operator_killswitch_clear(s, 0, "", 21), STORE_OK);
    CHECK_INT(killswitch_refresh_from(s, housekeeper), STORE_OK);
    CHECK(stops(&api, 1));                      /* dropped: the newer snapshot stays */
    CHECK_INT(killswitch_refresh(s), STORE_OK); /* the next round sees it off */
    CHECK(!stops(&api, 1));
    killswitch_reset();
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    arena_init(&a);
    char path[] = "/tmp/postroom-test-ks-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_names();
    test_snapshot(s);
    test_stale_refresh(s);
    store_close(s);
    arena_free(&a);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_killswitch");
}
