/* fuzz_percent: util/percent.c against the reference decoder in
 * fuzz_common.h (written from util/percent.h's contract), in both modes.
 *
 * The decoded text must equal the reference byte for byte, be NUL-terminated
 * at its own length (no embedded NUL ever comes out), and a malformed escape
 * or a NUL must give NULL, exactly when the reference refuses. */
#include "fuzz_common.h"
#include "util/arena.h"
#include "util/percent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    unsigned char *ref = malloc(size + 1);
    char *in = malloc(size ? size : 1); /* exact size: ASan catches a read past n */
    if (!ref || !in) abort();
    memcpy(in, data, size);
    for (int plus = 0; plus < 2; plus++) {
        struct arena a;
        arena_init(&a);
        char *got = percent_decode(&a, in, size, plus);
        long want = ref_percent_decode(data, size, plus, ref);
        if (want < 0) {
            FUZZ_CHECK(!got, "percent_decode(plus=%d) accepted what the reference refuses: %.80s",
                       plus, got);
        } else {
            FUZZ_CHECK(got, "percent_decode(plus=%d) refused a valid input of %zu bytes", plus,
                       size);
            FUZZ_CHECK(strlen(got) == (size_t)want, "decoded length %zu, reference %ld",
                       strlen(got), want);
            FUZZ_CHECK(memcmp(got, ref, (size_t)want) == 0, "decoded bytes differ (plus=%d)", plus);
        }
        arena_free(&a);
    }
    free(in);
    free(ref);
    return 0;
}
