/* id_parse: strict decimal identifiers (see the header). */
#include "util/id_parse.h"

bool id_parse(const char *s, int64_t max, int64_t *out)
{
    if (!s || *s < '1' || *s > '9') return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        int d = *s - '0';
        if (v > (max - d) / 10) return false; /* past max, before it overflows */
        v = v * 10 + d;
    }
    *out = v;
    return true;
}
