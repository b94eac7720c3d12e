/* Unit tests of src/domain/status: the status transitions an order may
 * make and what each changes, and which orders may be deleted. */
#include "check.h"
#include "domain/status.h"

static void test_status(void)
{
    struct order_status_change c;
    const char *code;
    struct status_request to_new = {.status = "new"};
    struct status_request desp = {.status = "despatched"};
    struct status_request other = {.status = "despatchedByOtherCourier",
                                   .tracking_number = "TT1",
                                   .despatch_date = 5,
                                   .carrier = "DPD",
                                   .service = "Next day"};
    CHECK(status_plan("labelGenerated", &to_new, 100, &c, &code) == NULL);
    CHECK(c.clear_label);
    CHECK_STR(c.from_status, "labelGenerated");
    CHECK(status_plan("manifested", &to_new, 100, &c, &code) != NULL);
    CHECK(status_plan("cancelled", &desp, 100, &c, &code) != NULL);
    CHECK(status_plan("labelGenerated", &desp, 100, &c, &code) == NULL);
    CHECK_INT(c.shipped_on, 100);
    CHECK(!c.clear_label);
    CHECK(status_plan("new", &other, 100, &c, &code) == NULL);
    CHECK_INT(c.other_courier_on, 5);
    CHECK_STR(c.carrier, "DPD");
    CHECK(status_plan("despatched", &other, 100, &c, &code) != NULL);
    CHECK(!status_deletable("manifested"));
    CHECK(status_deletable("new"));
}

/* The words the pages use, and an unknown status as it is. */
static void test_status_words(void)
{
    CHECK_STR(status_words("postageApplied"), "Postage applied");
    CHECK_STR(status_words("despatchedByOtherCourier"), "Despatched by other courier");
    CHECK_STR(status_words("onHold"), "On hold");
    CHECK_STR(status_words("new"), "New");
    CHECK_STR(status_words("somethingElse"), "somethingElse");
    CHECK_STR(status_words(NULL), "");
}

int main(void)
{
    test_status();
    test_status_words();
    return check_report("test_status");
}
