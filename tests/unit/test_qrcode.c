/* Unit tests of src/documents/qrcode: a QR code as a PNG, and the inputs it
 * refuses without touching the buffer. */
#include "check.h"
#include "documents/document.h"
#include "util/buf.h"

static void test_qr_png(void)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    CHECK_INT(doc_qr_png("VR000000014GB", 4, &b), DOC_OK);
    CHECK(b.len > 100 && memcmp(b.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    size_t len = b.len;
    CHECK_INT(doc_qr_png("VR000000014GB", 0, &b), DOC_ERR_INPUT);
    char big[8000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK_INT(doc_qr_png(big, 4, &b), DOC_ERR_INPUT); /* too much for a QR code */
    CHECK_INT(b.len, len);
    arena_free(&a);
}

int main(void)
{
    test_qr_png();
    return check_report("test_qrcode");
}
