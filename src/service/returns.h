/* returns: a customer's return created, whichever face asks (POST /returns
 * today).
 *
 * The request is checked against the spec and the tariff's return services
 * (domain/returns), given its own S10 number of its service's prefix, drawn
 * as a returns label (PDF) with a QR code (PNG) of the tracking number, and
 * stored for the scope's business. When its customer reference names one of
 * the scope's orders (identifier or reference) it is linked to that order
 * and the order's history records it, in the same transaction; another
 * business's orders are never looked at. */
#ifndef POSTROOM_SERVICE_RETURNS_H
#define POSTROOM_SERVICE_RETURNS_H
#include "domain/returns.h"
#include "domain/types.h"
#include "service/service.h"
#include "util/buf.h"

#include <jansson.h>

struct doc_fonts;

struct service_return {
    struct return_error err;       /* why, on SERVICE_INVALID */
    const struct order_row *order; /* the scope's order it is linked to, or NULL */
    struct return_row ret;         /* as stored and read back (SERVICE_OK) */
    struct buf pdf;                /* the returns label */
    struct buf png;                /* the QR code of its tracking number */
};

/* Creates the return body (a CreateReturnRequest) asks for, as of c->now.
 * SERVICE_OK; SERVICE_INVALID with out->err; SERVICE_STORE_ERROR,
 * SERVICE_NO_SERIAL, SERVICE_DRAW_FAILED or SERVICE_FOREIGN_RECORD, after
 * which nothing is stored (a reserved S10 serial is only left unused).
 * out->order is set as soon as the linked order is found, whatever
 * follows, for the face to claim. */
enum service_rc service_return_create(const struct service_ctx *c, const struct doc_fonts *fonts,
                                      const json_t *body, struct service_return *out);

#endif
