/* security_event: log, count and fan out to subscribers. */
#include "incident/security_event.h"
#include "util/log.h"

#include <stdatomic.h>
#include <stdio.h>

#define MAX_HOOKS 8
static security_event_hook hooks[MAX_HOOKS]; /* written only before serving starts */
static void *hook_ctx[MAX_HOOKS];
static int nhooks;
static _Atomic unsigned long long raised;

unsigned long long security_event_total(void)
{
    return atomic_load_explicit(&raised, memory_order_relaxed);
}

void security_event_subscribe(security_event_hook hook, void *ctx)
{
    if (nhooks < MAX_HOOKS) {
        hooks[nhooks] = hook;
        hook_ctx[nhooks++] = ctx;
    }
}

void security_event_raise(const struct security_event *e)
{
    char extra[256];
    snprintf(
        extra, sizeof extra,
        "\"event\":\"%s\",\"rid\":\"%s\",\"route\":\"%s\",\"tenant\":%lld,\"exposed_tenant\":%lld",
        e->kind, e->request_id ? e->request_id : "", e->route ? e->route : "",
        (long long)e->principal_tenant, (long long)e->exposed_tenant);
    log_json("alert", "security event", extra);
    atomic_fetch_add_explicit(&raised, 1, memory_order_relaxed);
    for (int i = 0; i < nhooks; i++)
        hooks[i](e, hook_ctx[i]);
}
