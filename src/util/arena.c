/* arena: bump allocator in chained blocks, freed all at once. */
#include "util/arena.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define ARENA_BLOCK 8192

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

/* Every byte of a block that is not yet handed out is zero: a block comes
 * from calloc, and arena_free wipes what was handed out before it keeps a
 * block. So arena_alloc hands out zeroed memory without clearing it again,
 * and only the bytes a request really used are ever cleared, once.
 *
 * Each thread keeps one standard block, already wiped, for its next request:
 * most requests then allocate nothing from malloc for their arena. What is
 * kept holds no data (arena_free wipes before it keeps), and the block goes
 * back to malloc when the thread ends. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *block)
{
    free(block);
}

static void spare_init(void)
{
    pthread_key_create(&spare_key, spare_free);
}

static struct arena_block *spare_take(void)
{
    pthread_once(&spare_once, spare_init);
    struct arena_block *b = pthread_getspecific(spare_key);
    if (b) pthread_setspecific(spare_key, NULL);
    return b;
}

/* Keeps a wiped standard block if the thread has none; false if not kept. */
static bool spare_keep(struct arena_block *b)
{
    pthread_once(&spare_once, spare_init);
    if (b->size != ARENA_BLOCK || pthread_getspecific(spare_key)) return false;
    b->used = 0;
    b->next = NULL;
    return pthread_setspecific(spare_key, b) == 0;
}

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        memset(b->data, 0, b->used);
        if (!spare_keep(b)) free(b);
        b = next;
    }
    arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = size == ARENA_BLOCK ? spare_take() : NULL;
        if (!b) b = xcalloc(1, sizeof *b + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        a->total += size;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p; /* zero already (see above) */
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}

void *arena_grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap) return items;
    size_t grown = *cap ? *cap * 2 : first;
    void *g = arena_alloc(a, grown * size);
    if (n) memcpy(g, items, n * size);
    *cap = grown;
    return g;
}
