/* xalloc: allocation that never returns NULL.
 *
 * Out of memory is not an error a request can recover from, so it aborts in
 * this one place (as Redis' zmalloc does) and callers never test for NULL. */
#ifndef POSTROOM_XALLOC_H
#define POSTROOM_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
