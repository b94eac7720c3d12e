/* ratelimit: a token bucket per API key (Click & Drop allows 5 requests/s).
 * Keyed by (tenant, key) so one business can never spend another's budget. */
#ifndef POSTROOM_RATELIMIT_H
#define POSTROOM_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

/* Takes one token; false (and the seconds to wait) when the bucket is empty.
 * per_second <= 0 disables the limit. */
bool ratelimit_take(int64_t tenant_id, int64_t key_id, int per_second, double now,
                    int *retry_after);

#endif
