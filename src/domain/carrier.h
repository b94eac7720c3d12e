/* carrier: the carriers a business ships with, as GET /carriers lists them.
 *
 * Royal Mail (the tariff's carrier) always, then every other courier the
 * business has marked orders despatched with (despatchedByOtherCourier with
 * a shippingCarrier). Another courier is known only by the name the business
 * typed, so it gets a name-based GUID: the same name gives the same GUID for
 * every business and every server, and the GUID says nothing of who asked.
 * Pure: no I/O. */
#ifndef POSTROOM_CARRIER_H
#define POSTROOM_CARRIER_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

#define CARRIER_GUID_LEN 36
#define CARRIER_STATUS_ACTIVE "Active"
#define CARRIER_TYPE_ROYAL_MAIL "RoyalMail"
#define CARRIER_TYPE_OTHER "OtherCourier"

/* The name as compared: surrounding white space dropped, inner runs of
 * white space made one space, ASCII letters in lower case; other bytes
 * (UTF-8 letters included) kept as written. "  DPD   Local " -> "dpd local".
 * Lives in a. */
const char *carrier_normalise(struct arena *a, const char *name);

/* The GUID of a carrier name: an RFC 9562 version 8 UUID made of the first
 * 16 bytes of SHA-256(postroom's carrier namespace || normalised name), in
 * lower-case 8-4-4-4-12 form, into out (37 bytes with the NUL). The
 * normalised name is made in a. */
void carrier_guid(struct arena *a, const char *name, char out[CARRIER_GUID_LEN + 1]);

/* A carrier of GET /carriers. */
struct carrier {
    char guid[CARRIER_GUID_LEN + 1];
    const char *name, *status, *type;
};

/* The list: the tariff's carrier (royal_guid, royal_name) first, then each
 * of the n names in the order given, one entry per normalised name (the
 * first spelling seen is shown), names that normalise to the tariff
 * carrier's or to nothing left out. *out lives in a; returns the count. */
size_t carrier_list(struct arena *a, const char *royal_guid, const char *royal_name,
                    const char *const *names, size_t n, struct carrier **out);

#endif
