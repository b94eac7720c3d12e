/* s10: UPU S10 tracking numbers (RA473124829GB).
 *
 * Thirteen characters: a two-letter service indicator, an eight-digit serial,
 * a check digit and the two-letter country of the issuing post (GB for every
 * number postroom issues). The check digit weighs the serial's digits by
 * 8 6 4 2 3 5 9 7, takes c = 11 - sum % 11, and writes 10 as 0 and 11 as 5.
 * Pure functions of their arguments: safe from any thread. */
#ifndef POSTROOM_S10_H
#define POSTROOM_S10_H
#include <stdbool.h>
#include <stdint.h>

#define S10_LEN 13 /* characters, without the NUL */
#define S10_SERIAL_MAX 99999999u
#define S10_COUNTRY "GB"

/* A tracking number taken apart. */
struct s10_parts {
    char service[3]; /* service indicator, NUL-terminated */
    uint32_t serial; /* 0 .. S10_SERIAL_MAX */
    int check;       /* 0 .. 9 */
    char country[3];
};

/* The check digit (0-9) of a serial; serial must be at most S10_SERIAL_MAX. */
int s10_check_digit(uint32_t serial);

/* Writes service indicator + serial + check digit + GB and a NUL into out.
 * Returns false (writing nothing) unless service is exactly two letters A-Z
 * and serial is at most S10_SERIAL_MAX. */
bool s10_format(char out[S10_LEN + 1], const char *service, uint32_t serial);

/* Takes any well-formed S10 number apart (any two-letter country); false if
 * the shape or the check digit is wrong. Lower case is not accepted. */
bool s10_parse(const char *s, struct s10_parts *out);

/* Whether s is a well-formed S10 number with a correct check digit issued in
 * GB, i.e. one postroom could have issued. */
bool s10_valid(const char *s);

#endif
