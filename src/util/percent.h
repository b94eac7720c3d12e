/* percent: %XX decoding for paths, queries and forms. */
#ifndef POSTROOM_PERCENT_H
#define POSTROOM_PERCENT_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* Decodes %XX (and '+' as a space when plus_space) into a new arena string.
 * NULL for a malformed escape or a NUL byte, encoded or not. */
char *percent_decode(struct arena *a, const char *s, size_t n, bool plus_space);

#endif
