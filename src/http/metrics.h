/* metrics: request counters by route and status, and a latency histogram,
 * rendered in Prometheus text format at /metrics. Lock-free (atomics). */
#ifndef POSTROOM_METRICS_H
#define POSTROOM_METRICS_H
#include "util/buf.h"

void metrics_record(int route, int status, double seconds);
void metrics_count_security_event(const char *kind);
void metrics_render(struct buf *out);

#endif
