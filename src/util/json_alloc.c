/* json_alloc: malloc/free for jansson with wipe-on-free. */
#include "util/json_alloc.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static void *json_xmalloc(size_t n)
{
    return xmalloc(n);
}

static void json_wipe_free(void *p)
{
    if (!p) return;
    explicit_bzero(p, malloc_usable_size(p));
    free(p);
}

void json_alloc_install(void)
{
    json_set_alloc_funcs(json_xmalloc, json_wipe_free);
}
