/* metrics: request counters by route and status, and a latency histogram,
 * rendered in Prometheus text format at /metrics. Lock-free (atomics). */
#ifndef POSTROOM_METRICS_H
#define POSTROOM_METRICS_H
#include "util/buf.h"

void metrics_record(int route, int status, double seconds);
struct route_table;
void metrics_render(struct buf *out, const struct route_table *t);

#endif
