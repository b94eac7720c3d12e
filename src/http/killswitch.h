/* killswitch: the server's snapshot of the kill switches that are on, and
 * the question the guards ask of it. The snapshot is refreshed from the
 * store by the server's housekeeping thread (every 200 ms, and once before
 * the first request), never per request; a request only takes a mutex and
 * looks through the (tiny) list. */
#ifndef POSTROOM_HTTP_KILLSWITCH_H
#define POSTROOM_HTTP_KILLSWITCH_H
#include "http/router.h"
#include "store/store.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>

/* The feature's name on the command line and in the store ("api", ...),
 * NULL for FEATURE_NONE; and back (FEATURE_NONE for an unknown name). */
const char *killswitch_feature_name(enum route_feature f);
enum route_feature killswitch_feature_parse(const char *name);

/* Replaces the snapshot with the switches the store holds now. On a store
 * error the last snapshot stays (and STORE_ERROR is returned). */
int killswitch_refresh(struct store *s);
/* The same in two steps, for the test of concurrent refreshes: a ticket
 * numbers a refresh when it begins, and a snapshot read under an older
 * ticket than the one shown is dropped, never swapped in. */
uint64_t killswitch_ticket(void);
int killswitch_refresh_from(struct store *s, uint64_t ticket);
/* Empties the snapshot (tests; a server stopping). */
void killswitch_reset(void);

/* Whether a switch stops route rt for tenant_id (0: not signed in, so only
 * global switches apply); if so *reason is its reason, copied into a. */
bool killswitch_stops(const struct route *rt, int64_t tenant_id, struct arena *a,
                      const char **reason);

#endif
