/* security_event: the one place security events are raised.
 *
 * A tenant_mismatch is raised by the egress check when a response would have
 * carried another tenant's record. The tripwire (app/tripwire.c) acts on it
 * in the request itself (server_config.tripwire); other listeners hook in
 * with security_event_subscribe. */
#ifndef POSTROOM_SECURITY_EVENT_H
#define POSTROOM_SECURITY_EVENT_H
#include <stdint.h>

#include <stddef.h>

/* A record an answer was about to carry: its tenant and the order it is
 * or belongs to (0 when it names none, such as a carrier's name). */
struct security_record {
    int64_t tenant_id;
    int64_t order_id;
};

struct security_event {
    const char *kind; /* "tenant_mismatch", ... */
    const char *request_id;
    const char *route;
    int64_t principal_tenant; /* who asked */
    const char *principal_id; /* "key:3", "user:5"; NULL when not signed in */
    int64_t exposed_tenant;   /* whose data would have gone out (the first foreign record's) */
    /* the foreign records withheld (ids only), as many as were kept */
    const struct security_record *records;
    size_t nrecords;
};

typedef void (*security_event_hook)(const struct security_event *e, void *ctx);

/* Registers a hook; call before serving starts. At most 8. */
void security_event_subscribe(security_event_hook hook, void *ctx);
void security_event_raise(const struct security_event *e);
/* Events raised since the process started (for /metrics). */
unsigned long long security_event_total(void);

#endif
