/* fuzz_utf8: util/utf8.c against a reference decoder written from RFC 3629.
 *
 * utf8_valid must agree with the reference on every input (overlongs,
 * surrogates, code points past U+10FFFF and truncated sequences are all
 * invalid), utf8_sequence must give the reference's length at every offset
 * and never read past n (the input is an exact-size heap copy, so ASan sees
 * any read beyond it). */
#include "fuzz_common.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *s = malloc(size ? size : 1);
    if (!s) abort();
    memcpy(s, data, size);
    bool got = utf8_valid((const char *)s, size), want = ref_utf8_valid(s, size);
    FUZZ_CHECK(got == want, "utf8_valid says %d, RFC 3629 says %d (%zu bytes)", got, want, size);
    for (size_t i = 0; i < size; i++) {
        size_t g = utf8_sequence(s + i, size - i), w = ref_utf8_sequence(s + i, size - i);
        FUZZ_CHECK(g == w, "utf8_sequence at offset %zu: %zu, reference %zu (byte 0x%02x)", i, g, w,
                   s[i]);
        /* a sequence cut at every possible length must also be judged alone */
        for (size_t cut = 1; cut < 4 && cut < size - i; cut++) {
            g = utf8_sequence(s + i, cut);
            w = ref_utf8_sequence(s + i, cut);
            FUZZ_CHECK(g == w, "utf8_sequence(%zu bytes) at %zu: %zu, reference %zu", cut, i, g, w);
        }
    }
    free(s);
    return 0;
}
