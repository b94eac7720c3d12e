/* utf8: strict UTF-8 checks (no overlongs, no surrogates, nothing past
 * U+10FFFF), for text that reaches answers without passing through jansson. */
#ifndef POSTROOM_UTF8_H
#define POSTROOM_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* Length of the valid sequence starting at s (at most n bytes), 0 if invalid. */
size_t utf8_sequence(const unsigned char *s, size_t n);
bool utf8_valid(const char *s, size_t n);

#endif
