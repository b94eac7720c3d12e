/* id_parse: the numbers in postroom's own paths (import jobs, shipping
 * rules, manifests), read strictly. strtoll would take " 1", "+1" and "01"
 * for 1: one record with many addresses, which caches, logs and the audit
 * would then count apart. */
#ifndef POSTROOM_ID_PARSE_H
#define POSTROOM_ID_PARSE_H
#include <stdbool.h>
#include <stdint.h>

/* Whether s is a number from 1 to max written the one way: ASCII digits
 * only, no sign, no space, no leading zero. Sets *out when it is. */
bool id_parse(const char *s, int64_t max, int64_t *out);

#endif
