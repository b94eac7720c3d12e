/* Unit tests of src/domain/tariff*.c, its carrier and returns lines: the
 * shipped ones, and broken ones refused with what is wrong. */
#include "check.h"
#include "app/share.h"
#include "domain/tariff.h"

#include <stdlib.h>

static struct tariff *shipped;

static void test_tariff_returns(void)
{
    const struct tariff_carrier *c = tariff_carrier(shipped);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(c->guid, "e90e87c8-4ea6-49ec-a387-64ba37f66d84");
    CHECK_STR(c->name, "Royal Mail");
    CHECK_INT(tariff_return_count(shipped), 2);
    const struct tariff_return_service *r = tariff_return_at(shipped, 0);
    CHECK_STR(r->code, "TSN");
    CHECK_STR(r->name, "Tracked Returns 24");
    CHECK_STR(r->s10_prefix, "VR");
    CHECK_STR(r->guid, "3824a10c-1a2b-4e66-b82f-efa236a86cd9");
    r = tariff_return_service(shipped, "TSS");
    CHECK(r != NULL && !strcmp(r->s10_prefix, "VS") &&
          !strcmp(r->guid, "262a663e-633c-4507-a834-fa69a6b7d112"));
    CHECK(tariff_return_service(shipped, "TOLP24") == NULL);
    CHECK(tariff_service(shipped, "TSN") == NULL); /* not a postage service */
    CHECK(tariff_domestic(shipped, "GB") && tariff_domestic(shipped, "JE"));
    CHECK(!tariff_domestic(shipped, "FR") && !tariff_domestic(shipped, "XX"));
}

/* A small tariff with extra lines; returns whether it parses (err filled). */
static bool load_text(const char *extra, struct tariff_error *err)
{
    char text[2048];
    snprintf(text, sizeof text,
             "format\tletter\t100\t240\t165\t5\t-\nzone\tUK\tGB\n"
             "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\nprice\tX1\tletter\tUK\t100:50\n%s",
             extra);
    struct tariff *t = NULL;
    bool ok = tariff_parse(text, strlen(text), &t, err);
    tariff_free(t);
    return ok;
}

static void expect_bad(const char *extra, const char *fragment)
{
    struct tariff_error err;
    CHECK(!load_text(extra, &err));
    if (!strstr(err.message, fragment))
        fprintf(stderr, "  want '%s' in '%s'\n", fragment, err.message);
    CHECK(strstr(err.message, fragment) != NULL);
}

static void test_tariff_returns_lines(void)
{
    struct tariff_error err;
    const char *carrier = "carrier\te90e87c8-4ea6-49ec-a387-64ba37f66d84\tRoyal Mail\n";
    char text[512];
    CHECK(load_text("", &err)); /* returns are optional */
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR one\n",
             carrier);
    CHECK(load_text(text, &err));
    expect_bad("returns\tR1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR one\n",
               "returns before the carrier line");
    snprintf(text, sizeof text, "%s%s", carrier, carrier);
    expect_bad(text, "a second carrier line");
    expect_bad("carrier\tE90E87C8-4EA6-49EC-A387-64BA37F66D84\tRM\n", "not a lower-case UUID");
    snprintf(text, sizeof text, "%sreturns\tR1\tRA\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR\n",
             carrier);
    expect_bad(text, "S10 prefix RA is taken");
    snprintf(text, sizeof text, "%sreturns\tX1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR\n",
             carrier);
    expect_bad(text, "service X1 declared twice");
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\t3824a10c-1a2b-4e66-b82f\tR\n", carrier);
    expect_bad(text, "not a lower-case UUID");
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\tR\n", carrier);
    expect_bad(text, "returns needs 4 fields");
}

int main(void)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char tpath[1024];
    snprintf(tpath, sizeof tpath, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error terr;
    if (!tariff_load(tpath, &shipped, &terr)) {
        fprintf(stderr, "cannot load %s: %s\n", tpath, terr.message);
        return 1;
    }
    test_tariff_returns();
    test_tariff_returns_lines();
    tariff_free(shipped);
    return check_report("test_tariff_returns");
}
