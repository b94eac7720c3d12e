/* security_event: the one place security events are raised.
 *
 * A tenant_mismatch is raised by the egress check when a response would have
 * carried another tenant's record. Later work (kill switch, status site,
 * breach register) hooks in with security_event_subscribe. */
#ifndef POSTROOM_SECURITY_EVENT_H
#define POSTROOM_SECURITY_EVENT_H
#include <stdint.h>

struct security_event {
    const char *kind; /* "tenant_mismatch", ... */
    const char *request_id;
    const char *route;
    int64_t principal_tenant; /* who asked */
    int64_t exposed_tenant;   /* whose data would have gone out */
};

typedef void (*security_event_hook)(const struct security_event *e, void *ctx);

/* Registers a hook; call before serving starts. At most 8. */
void security_event_subscribe(security_event_hook hook, void *ctx);
void security_event_raise(const struct security_event *e);
/* Events raised since the process started (for /metrics). */
unsigned long long security_event_total(void);

#endif
