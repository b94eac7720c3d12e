/* ratelimit: fixed-size open-addressed table of token buckets, one lock.
 * Entries idle for a minute are reused, so memory stays bounded whatever the
 * number of keys. */
#include "http/ratelimit.h"

#include <math.h>
#include <pthread.h>

#define RL_SLOTS 8192
#define RL_PROBE 16

struct bucket {
    int64_t tenant_id, key_id;
    double tokens, last;
};

static struct bucket table[RL_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

bool ratelimit_take(int64_t tenant_id, int64_t key_id, int per_second, double now, int *retry_after)
{
    if (per_second <= 0) return true;
    uint64_t h =
        (uint64_t)tenant_id * 0x9E3779B97F4A7C15ull ^ (uint64_t)key_id * 0xC2B2AE3D27D4EB4Full;
    bool ok = true;
    pthread_mutex_lock(&lock);
    struct bucket *b = NULL, *stale = NULL;
    for (int i = 0; i < RL_PROBE; i++) {
        struct bucket *c = &table[(h + (uint64_t)i) % RL_SLOTS];
        if (c->tenant_id == tenant_id && c->key_id == key_id) {
            b = c;
            break;
        }
        if (!stale && (c->tenant_id == 0 || now - c->last > 60)) stale = c;
    }
    if (!b) {
        /* all probed slots busy: fall back to the oldest by overwriting the first */
        b = stale ? stale : &table[h % RL_SLOTS];
        b->tenant_id = tenant_id;
        b->key_id = key_id;
        b->tokens = per_second;
        b->last = now;
    }
    b->tokens = fmin((double)per_second, b->tokens + (now - b->last) * per_second);
    b->last = now;
    if (b->tokens >= 1) {
        b->tokens -= 1;
    } else {
        ok = false;
        *retry_after = (int)ceil((1 - b->tokens) / per_second);
        if (*retry_after < 1) *retry_after = 1;
    }
    pthread_mutex_unlock(&lock);
    return ok;
}
