/* egress: the last wall (wall 5 of the design).
 *
 * Handlers claim every record they write into a body with the tenant id it
 * was read with (http_egress_claim). Before anything is sent, egress_enforce
 * compares the claims with the principal: on a mismatch the body is wiped
 * and replaced by a generic 500, and a tenant_mismatch security event names
 * who asked and whose data it was. Never a 404: a mismatch is an incident. */
#ifndef POSTROOM_EGRESS_H
#define POSTROOM_EGRESS_H
#include "http/request.h"

#include <stdbool.h>

/* The foreign records a request keeps for its security event. */
#define EGRESS_MAX_FOREIGN 256

/* Returns true when the response was withheld. route names the route. The
 * security event is raised, then handed to server_config.tripwire (if set)
 * with the request, before the 500 is sent. */
bool egress_enforce(struct request *r, const char *route);

#endif
