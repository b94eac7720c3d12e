/* status: the order status flow and what PUT /orders/status may change.
 *
 * New -> Postage applied -> Label generated -> Despatched, plus Manifested,
 * Despatched by other courier, On hold and Cancelled. Setting an order back
 * to new voids its label (postage, print date and tracking number go). */
#ifndef POSTROOM_STATUS_H
#define POSTROOM_STATUS_H
#include "domain/types.h"
#include "util/arena.h"

#include <stdbool.h>

#define STATUS_NEW "new"
#define STATUS_POSTAGE_APPLIED "postageApplied"
#define STATUS_LABEL_GENERATED "labelGenerated"
#define STATUS_DESPATCHED "despatched"
#define STATUS_MANIFESTED "manifested"
#define STATUS_OTHER_COURIER "despatchedByOtherCourier"
#define STATUS_ON_HOLD "onHold"
#define STATUS_CANCELLED "cancelled"

struct status_request {
    const char *status;          /* new | despatched | despatchedByOtherCourier */
    const char *tracking_number; /* optional, despatchedByOtherCourier */
    int64_t despatch_date;       /* 0 = not given */
    const char *carrier, *service;
};

/* Decides the change from the order's current status. Returns NULL and fills
 * c, or returns an error message (and *code) when the move is not allowed. */
const char *status_plan(const char *current, const struct status_request *req, int64_t now,
                        struct order_status_change *c, const char **code);
/* A status in the words Click & Drop's pages use ("Postage applied" for
 * postageApplied); the stored name itself for one it does not know. */
const char *status_words(const char *status);
/* The web app's moves (hold, release, cancel), decided as Click & Drop
 * does: an order waiting to be posted (new, postage applied, label
 * generated) may be held or cancelled; one already handed over (despatched,
 * manifested, despatched by another courier) may not, nor may a cancelled
 * one change again. Release takes a held order back to new. A move that
 * leaves postage behind (cancel, hold, release) voids the label as setting
 * an order back to new does, so no tracking number stays live on an order
 * that is not going out. Returns NULL and fills c, or why not (and *code). */
enum status_move { STATUS_MOVE_HOLD, STATUS_MOVE_RELEASE, STATUS_MOVE_CANCEL };
const char *status_plan_move(const char *current, enum status_move move, int64_t now,
                             struct order_status_change *c, const char **code);
/* Whether an order in this status may be deleted. */
bool status_deletable(const char *current);

#endif
