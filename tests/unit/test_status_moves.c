/* Unit tests of the web app's moves in the status rules (status_plan_move):
 * which statuses may be held, released or cancelled, and that each voids
 * the label. */
#include "check.h"
#include "domain/status.h"

static void test_moves(void)
{
    static const struct {
        const char *from;
        enum status_move move;
        const char *to; /* NULL: refused */
    } cases[] = {
        {STATUS_NEW, STATUS_MOVE_HOLD, STATUS_ON_HOLD},
        {STATUS_POSTAGE_APPLIED, STATUS_MOVE_HOLD, STATUS_ON_HOLD},
        {STATUS_LABEL_GENERATED, STATUS_MOVE_HOLD, STATUS_ON_HOLD},
        {STATUS_DESPATCHED, STATUS_MOVE_HOLD, NULL},
        {STATUS_MANIFESTED, STATUS_MOVE_HOLD, NULL},
        {STATUS_ON_HOLD, STATUS_MOVE_HOLD, NULL},
        {STATUS_CANCELLED, STATUS_MOVE_HOLD, NULL},
        {STATUS_ON_HOLD, STATUS_MOVE_RELEASE, STATUS_NEW},
        {STATUS_NEW, STATUS_MOVE_RELEASE, NULL},
        {STATUS_DESPATCHED, STATUS_MOVE_RELEASE, NULL},
        {STATUS_NEW, STATUS_MOVE_CANCEL, STATUS_CANCELLED},
        {STATUS_POSTAGE_APPLIED, STATUS_MOVE_CANCEL, STATUS_CANCELLED},
        {STATUS_ON_HOLD, STATUS_MOVE_CANCEL, STATUS_CANCELLED},
        {STATUS_DESPATCHED, STATUS_MOVE_CANCEL, NULL},
        {STATUS_OTHER_COURIER, STATUS_MOVE_CANCEL, NULL},
        {STATUS_MANIFESTED, STATUS_MOVE_CANCEL, NULL},
        {STATUS_CANCELLED, STATUS_MOVE_CANCEL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct order_status_change c;
        const char *code;
        const char *why = status_plan_move(cases[i].from, cases[i].move, 42, &c, &code);
        if (!cases[i].to) {
            CHECK(why != NULL);
            continue;
        }
        CHECK(why == NULL);
        if (why) continue;
        CHECK_STR(c.to_status, cases[i].to);
        CHECK_STR(c.from_status, cases[i].from);
        CHECK(c.clear_label); /* no live label stays on an order that is not going out */
        CHECK_INT(c.now, 42);
    }
}

int main(void)
{
    test_moves();
    return check_report("test_status_moves");
}
