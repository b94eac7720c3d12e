/* metrics: fixed-size atomic counters; no allocation on the hot path. */
#include "http/metrics.h"
#include "incident/security_event.h"
#include "http/router.h"

#include <stdatomic.h>
#include <string.h>

#define MAX_ROUTES 64
#define ROUTE_NONE MAX_ROUTES /* requests that matched no route */

static const int status_codes[] = {200, 201, 202, 204, 303, 304, 400, 401, 403, 404, 405,
                                   409, 413, 414, 415, 422, 429, 431, 500, 501, 503};
#define NSTATUS (int)(sizeof status_codes / sizeof status_codes[0])
#define STATUS_OTHER NSTATUS

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBUCKETS (int)(sizeof buckets / sizeof buckets[0])

static _Atomic unsigned long long requests[MAX_ROUTES + 1][NSTATUS + 1];
static _Atomic unsigned long long latency_bucket[NBUCKETS + 1];
static _Atomic unsigned long long latency_sum_us;
static _Atomic unsigned long long latency_count;

void metrics_record(int route, int status, double seconds)
{
    int ri = route >= 0 && route < MAX_ROUTES ? route : ROUTE_NONE;
    int si = STATUS_OTHER;
    for (int i = 0; i < NSTATUS; i++)
        if (status_codes[i] == status) si = i;
    atomic_fetch_add_explicit(&requests[ri][si], 1, memory_order_relaxed);
    int b = 0;
    while (b < NBUCKETS && seconds > buckets[b])
        b++;
    atomic_fetch_add_explicit(&latency_bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&latency_sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&latency_count, 1, memory_order_relaxed);
}

void metrics_render(struct buf *out, const struct route_table *t)
{
    const struct route *routes = t->routes;
    int routes_count = t->count;
    buf_adds(out, "# HELP postroom_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE postroom_http_requests_total counter\n");
    for (int r = 0; r <= MAX_ROUTES; r++) {
        if (r < MAX_ROUTES && r >= routes_count) continue;
        const char *name = r < routes_count ? routes[r].name : "unmatched";
        for (int s = 0; s <= NSTATUS; s++) {
            unsigned long long v = atomic_load_explicit(&requests[r][s], memory_order_relaxed);
            if (!v) continue;
            if (s < NSTATUS)
                buf_printf(out, "postroom_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                           name, status_codes[s], v);
            else
                buf_printf(out,
                           "postroom_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                           name, v);
        }
    }
    buf_adds(out, "# HELP postroom_http_request_duration_seconds Request latency.\n"
                  "# TYPE postroom_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (int b = 0; b <= NBUCKETS; b++) {
        cum += atomic_load_explicit(&latency_bucket[b], memory_order_relaxed);
        if (b < NBUCKETS)
            buf_printf(out, "postroom_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                       buckets[b], cum);
        else
            buf_printf(out, "postroom_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                       cum);
    }
    buf_printf(out, "postroom_http_request_duration_seconds_sum %.6f\n",
               (double)atomic_load(&latency_sum_us) / 1e6);
    buf_printf(out, "postroom_http_request_duration_seconds_count %llu\n",
               atomic_load(&latency_count));
    buf_printf(out,
               "# HELP postroom_security_events_total Security events raised.\n"
               "# TYPE postroom_security_events_total counter\n"
               "postroom_security_events_total %llu\n",
               security_event_total());
}
