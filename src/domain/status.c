/* status: transition rules of the order status flow. */
#include "domain/status.h"

#include <string.h>

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

bool status_deletable(const char *current)
{
    /* a manifested parcel is already handed over: its paperwork must stand */
    return !is(current, STATUS_MANIFESTED);
}

const char *status_plan(const char *current, const struct status_request *req, int64_t now,
                        struct order_status_change *c, const char **code)
{
    memset(c, 0, sizeof *c);
    c->from_status = current;
    c->to_status = req->status;
    c->now = now;
    *code = "InvalidStatusTransition";
    if (is(current, STATUS_CANCELLED)) return "A cancelled order cannot change status.";
    if (is(req->status, STATUS_NEW)) {
        if (is(current, STATUS_MANIFESTED)) return "A manifested order cannot be set back to new.";
        c->clear_label = true;
        return NULL;
    }
    if (is(req->status, STATUS_DESPATCHED)) {
        if (is(current, STATUS_OTHER_COURIER) || is(current, STATUS_ON_HOLD))
            return "This order cannot be marked as despatched from its current status.";
        c->shipped_on = now;
        return NULL;
    }
    if (is(req->status, STATUS_OTHER_COURIER)) {
        if (is(current, STATUS_DESPATCHED) || is(current, STATUS_MANIFESTED))
            return "This order has already been despatched.";
        c->other_courier_on = req->despatch_date ? req->despatch_date : now;
        c->shipped_on = c->other_courier_on;
        c->tracking_number = req->tracking_number;
        c->carrier = req->carrier;
        c->carrier_service = req->service;
        return NULL;
    }
    *code = "InvalidStatus";
    return "status must be one of new, despatched, despatchedByOtherCourier.";
}

/* Waiting to be posted: what may still be held or cancelled. */
static bool waiting(const char *current)
{
    return is(current, STATUS_NEW) || is(current, STATUS_POSTAGE_APPLIED) ||
           is(current, STATUS_LABEL_GENERATED);
}

const char *status_plan_move(const char *current, enum status_move move, int64_t now,
                             struct order_status_change *c, const char **code)
{
    memset(c, 0, sizeof *c);
    c->from_status = current;
    c->now = now;
    c->clear_label = true;
    *code = "InvalidStatusTransition";
    switch (move) {
    case STATUS_MOVE_HOLD:
        c->to_status = STATUS_ON_HOLD;
        return waiting(current) ? NULL : "Only an order waiting to be posted can be held.";
    case STATUS_MOVE_RELEASE:
        c->to_status = STATUS_NEW;
        return is(current, STATUS_ON_HOLD) ? NULL : "Only an order on hold can be released.";
    case STATUS_MOVE_CANCEL:
        c->to_status = STATUS_CANCELLED;
        return waiting(current) || is(current, STATUS_ON_HOLD)
                   ? NULL
                   : "An order already despatched or cancelled cannot be cancelled.";
    }
    return "Unknown move.";
}

const char *status_words(const char *status)
{
    static const struct {
        const char *status, *words;
    } words[] = {
        {STATUS_NEW, "New"},
        {STATUS_POSTAGE_APPLIED, "Postage applied"},
        {STATUS_LABEL_GENERATED, "Label generated"},
        {STATUS_DESPATCHED, "Despatched"},
        {STATUS_MANIFESTED, "Manifested"},
        {STATUS_OTHER_COURIER, "Despatched by other courier"},
        {STATUS_ON_HOLD, "On hold"},
        {STATUS_CANCELLED, "Cancelled"},
    };
    for (size_t i = 0; status && i < sizeof words / sizeof words[0]; i++)
        if (is(status, words[i].status)) return words[i].words;
    return status ? status : "";
}
