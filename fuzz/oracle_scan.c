/* oracle_scan: the leak oracle's byte search (see oracle_scan.h for why it
 * lives here, uninstrumented, and calls no libc function). */
#include "oracle_scan.h"

static unsigned char fold(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

static int same_at(const char *p, const char *needle, size_t m)
{
    for (size_t j = 0; j < m; j++)
        if (fold((unsigned char)p[j]) != fold((unsigned char)needle[j])) return 0;
    return 1;
}

const char *oracle_find(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m) return NULL;
    for (size_t i = 0; i + m <= n; i++)
        if (same_at(hay + i, needle, m)) return hay + i;
    return NULL;
}

size_t oracle_replace(char *s, const char *placeholder, const char *with, size_t m)
{
    size_t count = 0, n = 0;
    while (s[n])
        n++;
    for (size_t i = 0; m && i + m <= n; i++) {
        if (!same_at(s + i, placeholder, m)) continue;
        for (size_t j = 0; j < m; j++)
            s[i + j] = with[j];
        count++;
        i += m - 1;
    }
    return count;
}
