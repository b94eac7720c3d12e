/* apikey_usage: the keys' last use, noted in memory and written by the
 * housekeeper (see the header). */
#include "auth/apikey_usage.h"
#include "store/store_users.h"

#include <stdatomic.h>
#include <stdbool.h>

#define SLOTS 1024 /* a power of two */

/* One key's slot. id packs tenant and key (both below 2^31 in practice:
 * ids are counted per tenant from 1); 0 is a free slot. noted is the
 * latest use a request saw that is not yet written, written the last use
 * written (0: none yet). */
struct slot {
    _Atomic uint64_t id;
    _Atomic int64_t noted;
    _Atomic int64_t written;
};
static struct slot slots[SLOTS];

static uint64_t pack(int64_t tenant_id, int64_t key_id)
{
    return ((uint64_t)tenant_id << 32) | ((uint64_t)key_id & 0xffffffffu);
}

static size_t home_of(uint64_t id)
{
    return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 40) & (SLOTS - 1);
}

/* A key is kept in the first of PROBES slots from its home that holds it
 * or is free; when all hold other keys it takes its home slot. */
#define PROBES 8

void apikey_usage_note(int64_t tenant_id, int64_t key_id, int64_t now)
{
    uint64_t id = pack(tenant_id, key_id);
    size_t home = home_of(id);
    for (size_t j = 0; j < PROBES; j++) {
        struct slot *sl = &slots[(home + j) & (SLOTS - 1)];
        uint64_t held = atomic_load_explicit(&sl->id, memory_order_acquire);
        if (held == 0 && atomic_compare_exchange_strong(&sl->id, &held, id)) {
            atomic_store_explicit(&sl->noted, now, memory_order_release);
            return;
        }
        if (held != id) continue;
        /* the hot path: written within the minute, nothing to do */
        if (now - atomic_load_explicit(&sl->written, memory_order_relaxed) < APIKEY_USAGE_EVERY_MS)
            return;
        atomic_store_explicit(&sl->noted, now, memory_order_relaxed);
        return;
    }
    /* every slot near holds another key: this one takes its home, from
     * scratch (the other's unwritten use waits for its next request) */
    struct slot *sl = &slots[home];
    uint64_t held = atomic_load_explicit(&sl->id, memory_order_acquire);
    if (!atomic_compare_exchange_strong(&sl->id, &held, id)) return;
    atomic_store_explicit(&sl->written, 0, memory_order_relaxed);
    atomic_store_explicit(&sl->noted, now, memory_order_release);
}

int apikey_usage_flush(struct store *s)
{
    int first = STORE_OK;
    for (size_t i = 0; i < SLOTS; i++) {
        struct slot *sl = &slots[i];
        uint64_t id = atomic_load_explicit(&sl->id, memory_order_acquire);
        int64_t noted = atomic_load_explicit(&sl->noted, memory_order_acquire);
        if (!id || noted <= atomic_load_explicit(&sl->written, memory_order_relaxed)) continue;
        int rc =
            store_directory_apikey_used(s, (int64_t)(id >> 32), (int64_t)(id & 0xffffffffu), noted);
        if (rc != STORE_OK) {
            if (first == STORE_OK) first = rc;
            continue;
        }
        /* only if the slot still holds this key: a key that took it since
         * starts with nothing written */
        if (atomic_load_explicit(&sl->id, memory_order_acquire) == id)
            atomic_store_explicit(&sl->written, noted, memory_order_relaxed);
    }
    return first;
}

void apikey_usage_reset(void)
{
    for (size_t i = 0; i < SLOTS; i++) {
        atomic_store(&slots[i].id, 0);
        atomic_store(&slots[i].noted, 0);
        atomic_store(&slots[i].written, 0);
    }
}
