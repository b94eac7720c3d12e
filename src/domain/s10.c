/* s10: UPU S10 check digits, formatting and validation. */
#include "domain/s10.h"

#include <string.h>

static const int s10_weights[8] = {8, 6, 4, 2, 3, 5, 9, 7};

static bool s10_is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool s10_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Weighs the digits from the most significant (weight 8) to the least
 * (weight 7), so the serial is read as its eight printed digits. */
int s10_check_digit(uint32_t serial)
{
    int sum = 0;
    for (int i = 7; i >= 0; i--) {
        sum += (int)(serial % 10) * s10_weights[i];
        serial /= 10;
    }
    int c = 11 - sum % 11;
    if (c == 10) return 0;
    if (c == 11) return 5;
    return c;
}

bool s10_format(char out[S10_LEN + 1], const char *service, uint32_t serial)
{
    if (!service || !s10_is_upper(service[0]) || !s10_is_upper(service[1]) || service[2])
        return false;
    if (serial > S10_SERIAL_MAX) return false;
    out[0] = service[0];
    out[1] = service[1];
    uint32_t v = serial;
    for (int i = 9; i >= 2; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    out[10] = (char)('0' + s10_check_digit(serial));
    memcpy(out + 11, S10_COUNTRY, 3);
    return true;
}

bool s10_parse(const char *s, struct s10_parts *out)
{
    if (!s || strlen(s) != S10_LEN) return false;
    if (!s10_is_upper(s[0]) || !s10_is_upper(s[1]) || !s10_is_upper(s[11]) || !s10_is_upper(s[12]))
        return false;
    uint32_t serial = 0;
    for (int i = 2; i < 11; i++)
        if (!s10_is_digit(s[i])) return false;
    for (int i = 2; i < 10; i++)
        serial = serial * 10 + (uint32_t)(s[i] - '0');
    if (s10_check_digit(serial) != s[10] - '0') return false;
    memcpy(out->service, s, 2);
    out->service[2] = 0;
    out->serial = serial;
    out->check = s[10] - '0';
    memcpy(out->country, s + 11, 2);
    out->country[2] = 0;
    return true;
}

bool s10_valid(const char *s)
{
    struct s10_parts p;
    return s10_parse(s, &p) && strcmp(p.country, S10_COUNTRY) == 0;
}
