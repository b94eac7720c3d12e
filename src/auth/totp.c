/* totp: TOTP through liboath, secrets through libsodium. */
#include "auth/totp.h"
#include "util/buf.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static bool oath_ready;

static void oath_start(void)
{
    oath_ready = oath_init() == OATH_OK;
}

static bool ready(void)
{
    pthread_once(&oath_once, oath_start);
    return oath_ready;
}

bool totp_secret_new(char out[TOTP_SECRET_B32])
{
    if (!ready()) return false;
    unsigned char raw[TOTP_SECRET_BYTES];
    randombytes_buf(raw, sizeof raw);
    char *b32 = NULL;
    size_t n = 0;
    int rc = oath_base32_encode((const char *)raw, sizeof raw, &b32, &n);
    sodium_memzero(raw, sizeof raw);
    bool ok = rc == OATH_OK && n == TOTP_SECRET_B32 - 1;
    if (ok) memcpy(out, b32, TOTP_SECRET_B32);
    if (b32) {
        sodium_memzero(b32, n);
        free(b32);
    }
    return ok;
}

/* RFC 3986 unreserved characters stay; everything else is %XX. */
static void uri_escape(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            buf_addc(b, (char)c);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[c >> 4]);
            buf_addc(b, hex[c & 15]);
        }
    }
}

const char *totp_uri(struct arena *a, const char *email, const char *secret_b32)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "otpauth://totp/postroom:");
    uri_escape(&b, email);
    buf_adds(&b, "?secret=");
    uri_escape(&b, secret_b32);
    buf_adds(&b, "&issuer=postroom&algorithm=SHA1&digits=6&period=30");
    return buf_cstr(&b);
}

/* The raw secret of a base32 one (freed by the caller with free()). */
static char *secret_raw(const char *secret_b32, size_t *n)
{
    char *raw = NULL;
    if (!secret_b32 || oath_base32_decode(secret_b32, strlen(secret_b32), &raw, n) != OATH_OK)
        return NULL;
    return raw;
}

static void secret_free(char *raw, size_t n)
{
    if (!raw) return;
    sodium_memzero(raw, n);
    free(raw);
}

bool totp_check(const char *secret_b32, const char *code, int64_t now_s, int64_t *step)
{
    if (!code || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS ||
        !ready() || now_s < 0)
        return false;
    size_t n = 0;
    char *raw = secret_raw(secret_b32, &n);
    if (!raw) return false;
    int pos = 0;
    uint64_t counter = 0;
    int rc = oath_totp_validate3(raw, n, (time_t)now_s, TOTP_STEP_S, OATH_TOTP_DEFAULT_START_TIME,
                                 TOTP_WINDOW, &pos, &counter, code);
    secret_free(raw, n);
    if (rc < 0) return false;
    *step = (int64_t)counter;
    return true;
}

bool totp_accept(const char *secret_b32, const char *code, int64_t now_s, int64_t last_step,
                 int64_t *step)
{
    int64_t matched = 0;
    if (!totp_check(secret_b32, code, now_s, &matched) || matched <= last_step) return false;
    *step = matched;
    return true;
}

bool totp_code(const char *secret_b32, int64_t t, char out[TOTP_DIGITS + 1])
{
    if (!ready() || t < 0) return false;
    size_t n = 0;
    char *raw = secret_raw(secret_b32, &n);
    if (!raw) return false;
    int rc = oath_totp_generate(raw, n, (time_t)t, TOTP_STEP_S, OATH_TOTP_DEFAULT_START_TIME,
                                TOTP_DIGITS, out);
    secret_free(raw, n);
    return rc == OATH_OK;
}
