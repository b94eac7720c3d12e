/* arena: the per-request memory pool.
 *
 * Every allocation a request makes comes from its arena and is released in one
 * call when the request ends, so nothing one request touched can be reached
 * by the next (wall 7 of the design). Allocation never fails: see xalloc. */
#ifndef POSTROOM_ARENA_H
#define POSTROOM_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
    size_t total;
};

void arena_init(struct arena *a);
/* Releases every block; the arena may be reused afterwards. Memory is wiped
 * before it goes back to malloc so no request's data survives in the heap. */
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* 16-byte aligned, zeroed */
char *arena_strdup(struct arena *a, const char *s);
/* Room for one more element in a growing array: when n has reached *cap,
 * copies the n elements of `items` (each `size` bytes) into a new array of
 * twice the capacity (at least `first`) and returns it; else returns items.
 * The old array stays in the arena until the request ends. */
void *arena_grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size, size_t first);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
