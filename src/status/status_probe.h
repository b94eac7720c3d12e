/* status_probe: status-serve's own health checks, so nobody learns of an
 * outage from complaints. Each probe GETs a URL (an app server's /healthz)
 * every interval; after `failures` failures in a row its components are down,
 * and on the first success they are up again.
 *
 * The rule, so that the prober never fights an operator and never flaps:
 * - it moves to major_outage only a component that is operational, and
 *   gives operational back only to a component it moved itself (the last
 *   change in its history is the prober's). Any state set by hand or by a
 *   maintenance (under_maintenance, degraded_performance...) is left alone,
 *   failing or not; setting a component under_maintenance is how an operator
 *   silences the prober for it.
 * - it keeps one incident of its own (impact critical, status investigating)
 *   for as long as any component is down by its hand, created when the first
 *   goes down; a component that goes down later adds an update to it, and
 *   when the last comes back it posts resolved. An operator may update or
 *   resolve that incident like any other; once resolved by hand the prober
 *   posts no more to it, and opens no new one until everything it moved is
 *   back.
 * Its state is in the status database (status_db's prober row and the
 * history's sources), so a restarted status-serve carries on. */
#ifndef POSTROOM_STATUS_PROBE_H
#define POSTROOM_STATUS_PROBE_H
#include "status/status_db.h"

#include <stdbool.h>
#include <stdint.h>

/* Plain HTTP/1.1 over TCP: the probes reach app servers on the operator's own
 * network; https:// is refused (a TLS client would be a new dependency). */
struct status_probe {
    char component[128]; /* "": every component on the page */
    char host[256], port[8], path[1024];
};

/* Parses "NAME=http://HOST[:PORT][/PATH]" or "http://HOST[:PORT][/PATH]"; a
 * URL with no path probes /healthz. false with *why on a bad one. */
bool status_probe_parse(const char *arg, struct status_probe *p, const char **why);
/* One GET with the timeout; true iff the answer's status is 200. */
bool status_probe_once(const struct status_probe *p, int timeout_ms);

/* Applies one round: down holds the names of the components whose probes
 * have failed `failures` times in a row (the first of those failures at
 * since_ms), every other component's probes succeed. One transaction. */
enum status_rc status_probe_apply(struct status_db *db, const char *const *down, int ndown,
                                  int failures, int64_t since_ms, int64_t now_ms);

struct status_prober_config {
    const char *db_path;
    const struct status_probe *probes;
    int nprobes;
    int interval_ms; /* between rounds */
    int failures;    /* in a row before a component is down */
};

/* Starts the prober's thread (signals stay blocked in it); stop joins it. */
bool status_prober_start(const struct status_prober_config *c);
void status_prober_stop(void);

#endif
