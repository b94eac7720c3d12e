/* Unit tests of src/domain/carrier: normalised carrier names, their
 * name-based GUIDs, and the list GET /carriers answers. */
#include "check.h"
#include "domain/carrier.h"

#include <sodium.h>

static void test_carrier_names(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(carrier_normalise(&a, "  DPD \t Local\n"), "dpd local");
    CHECK_STR(carrier_normalise(&a, "ŁÓDŹ Kurier"), "ŁÓdŹ kurier"); /* ASCII letters only lowered */
    CHECK_STR(carrier_normalise(&a, " \t "), "");
    char g1[CARRIER_GUID_LEN + 1], g2[CARRIER_GUID_LEN + 1], g3[CARRIER_GUID_LEN + 1];
    carrier_guid(&a, "DPD Local", g1);
    carrier_guid(&a, " dpd   local ", g2);
    carrier_guid(&a, "DPD", g3);
    CHECK_STR(g1, g2);
    CHECK(strcmp(g1, g3) != 0);
    CHECK_INT(strlen(g1), 36);
    CHECK(g1[14] == '8');                                                    /* version 8 */
    CHECK(g1[19] == '8' || g1[19] == '9' || g1[19] == 'a' || g1[19] == 'b'); /* variant */
    const char *names[] = {"Evri", "dpd", "ROYAL MAIL", "DPD", "  ", "Yodel"};
    struct carrier *list;
    size_t n =
        carrier_list(&a, "e90e87c8-4ea6-49ec-a387-64ba37f66d84", "Royal Mail", names, 6, &list);
    CHECK_INT(n, 4);
    CHECK_STR(list[0].name, "Royal Mail");
    CHECK_STR(list[0].type, CARRIER_TYPE_ROYAL_MAIL);
    CHECK_STR(list[0].guid, "e90e87c8-4ea6-49ec-a387-64ba37f66d84");
    CHECK_STR(list[1].name, "Evri");
    CHECK_STR(list[2].name, "dpd"); /* the first spelling seen */
    CHECK_STR(list[2].guid, g3);
    CHECK_STR(list[3].name, "Yodel");
    CHECK_STR(list[3].type, CARRIER_TYPE_OTHER);
    CHECK_STR(list[3].status, CARRIER_STATUS_ACTIVE);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_carrier_names();
    return check_report("test_carrier");
}
