/* Unit tests of src/http/multipart: the boundary from Content-Type, bodies as
 * Chromium and Firefox send them, every refusal, and the edges (empty parts,
 * preamble and epilogue, a 5 MiB file). */
#include "check.h"
#include "http/multipart.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdlib.h>
#include <time.h>

/* A string literal with its exact length (it may hold NULs). */
#define LIT(s) (s), (sizeof(s) - 1)

#define CHROME_B_PREFIX "----WebKitFormBoundary7MA4YWxkTrZu0g"
#define CHROME_B CHROME_B_PREFIX "W"
#define FIREFOX_B_PREFIX "---------------------------73532303139996316699386215"
#define FIREFOX_B FIREFOX_B_PREFIX "0"

/* The spreadsheet both browser bodies carry: CRLF line ends, a lone "--",
 * lines that start with "--" and all but the last character of the
 * boundary, the boundary not at a line start, and NUL bytes. It ends with a
 * CRLF of its own, which is data: the CRLF before the delimiter is not. */
#define CSV_CHROME                                                                                 \
    "reference,name,weight\r\nA1,Zo\xc3\xab,250\r\n--\r\n--" CHROME_B_PREFIX                       \
    "\r\n--" CHROME_B_PREFIX "X\r\n-" CHROME_B "\r\n --" CHROME_B "\r\nx--" CHROME_B               \
    "--\r\nnul\0in\0the\0middle\r\n\0"
#define CSV_FIREFOX                                                                                \
    "reference,name,weight\r\nA1,Zo\xc3\xab,250\r\n--\r\n--" FIREFOX_B_PREFIX "\r\n\t--" FIREFOX_B \
    "\r\n-" FIREFOX_B "\r\nnul\0in\0the\0middle\r\n\0"

static const char chrome_body[] =
    "--" CHROME_B "\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n"
    "\r\n"
    "k3Jd9-x_Q\r\n"
    "--" CHROME_B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "\r\n" CSV_CHROME "\r\n"
    "--" CHROME_B "--\r\n";

static const char firefox_body[] =
    "--" FIREFOX_B "\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n"
    "\r\n"
    "k3Jd9-x_Q\r\n"
    "--" FIREFOX_B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "\r\n" CSV_FIREFOX "\r\n"
    "--" FIREFOX_B "--\r\n";

static void check_browser(const char *body, size_t len, const char *boundary, const char *csv,
                          size_t csv_len)
{
    struct arena a;
    arena_init(&a);
    struct multipart m;
    const char *why = NULL;
    CHECK(multipart_parse(body, len, boundary, &a, &m, &why));
    CHECK_INT(m.n, 2);
    const struct multipart_part *csrf = multipart_get(&m, "csrf");
    const struct multipart_part *file = multipart_get(&m, "file");
    CHECK(csrf && file && csrf == &m.parts[0] && file == &m.parts[1]);
    if (csrf && file) {
        CHECK_STR(csrf->name, "csrf");
        CHECK(csrf->filename == NULL && csrf->content_type == NULL);
        CHECK_INT(csrf->len, 9);
        CHECK_STR(csrf->data, "k3Jd9-x_Q");
        CHECK_STR(file->filename, "orders.csv");
        CHECK_STR(file->content_type, "text/csv");
        CHECK_INT(file->len, csv_len);
        CHECK(memcmp(file->data, csv, csv_len) == 0);
        CHECK(file->data[file->len] == 0);
        CHECK(memcmp(body + file->offset, csv, csv_len) == 0);
        CHECK(memcmp(body + csrf->offset, "k3Jd9-x_Q\r\n--", 13) == 0);
    }
    CHECK(multipart_get(&m, "absent") == NULL);
    CHECK(multipart_get(&m, "fil") == NULL);
    arena_free(&a);
}

static void test_browsers(void)
{
    check_browser(LIT(chrome_body), CHROME_B, LIT(CSV_CHROME));
    check_browser(LIT(firefox_body), FIREFOX_B, LIT(CSV_FIREFOX));
}

static void test_boundary(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(multipart_boundary("multipart/form-data; boundary=" CHROME_B, &a), CHROME_B);
    CHECK_STR(multipart_boundary("multipart/form-data; boundary=" FIREFOX_B, &a), FIREFOX_B);
    CHECK_STR(multipart_boundary("Multipart/Form-Data; BOUNDARY=abc", &a), "abc");
    CHECK_STR(multipart_boundary("MULTIPART/FORM-DATA;Boundary=\"abc\"", &a), "abc");
    CHECK_STR(multipart_boundary("multipart/form-data; boundary=\"a b:c?d=(e)/f,g\"", &a),
              "a b:c?d=(e)/f,g");
    CHECK_STR(
        multipart_boundary("  multipart/form-data ; charset=utf-8 ;boundary=x1 ; a=\"b;c\"", &a),
        "x1");
    CHECK_STR(multipart_boundary("multipart/form-data; boundary=\"q\"\t", &a), "q");
    char b70[71], ct[128];
    memset(b70, 'b', 70);
    b70[70] = 0;
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", b70);
    CHECK_STR(multipart_boundary(ct, &a), b70);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%sb", b70);
    CHECK(multipart_boundary(ct, &a) == NULL); /* 71 */

    static const char *const bad[] = {
        NULL,
        "",
        "text/plain; boundary=abc",
        "multipart/mixed; boundary=abc",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data;",
        "multipart/form-data; charset=utf-8",
        "multipart/form-dataX; boundary=abc",
        "multipart/form-data boundary=abc",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc",
        "multipart/form-data; boundary=\"abc \"",
        "multipart/form-data; boundary=\"a@b\"",
        "multipart/form-data; boundary=\"a\\\"b\"",
        "multipart/form-data; boundary = abc",
        "multipart/form-data; boundary=abc; boundary=abc",
        "multipart/form-data; boundary=abc;; x=y",
        "multipart/form-data; boundary=abc x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *got = multipart_boundary(bad[i], &a);
        if (got) fprintf(stderr, "accepted boundary %s from [%s]\n", got, bad[i]);
        CHECK(got == NULL);
    }
    arena_free(&a);
}

/* Parses body with boundary "b"; returns n or -1, and the reason. */
static long parse_b(struct arena *a, const char *body, size_t len, struct multipart *m,
                    const char **why)
{
    *why = NULL;
    return multipart_parse(body, len, "b", a, m, why) ? (long)m->n : -1;
}

/* The body must be refused with a reason containing the word given. */
static void refused(const char *body, size_t len, const char *word, int line)
{
    struct arena a;
    arena_init(&a);
    struct multipart m;
    const char *why;
    long n = parse_b(&a, body, len, &m, &why);
    if (n >= 0 || !why || !strstr(why, word))
        fprintf(stderr, "line %d: n=%ld why=%s, want a refusal mentioning \"%s\"\n", line, n,
                why ? why : "(null)", word);
    CHECK(n < 0 && why && strstr(why, word));
    arena_free(&a);
}
#define REFUSED(body, word) refused(LIT(body), word, __LINE__)

#define CD "Content-Disposition: form-data; name="

static void test_refusals(void)
{
    REFUSED("", "opening");
    REFUSED("hello\r\nworld", "opening");
    REFUSED("-b\r\n" CD "a\r\n\r\nx\r\n-b--", "opening");
    REFUSED("--b\r\n" CD "a\r\n\r\nx", "closing");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b\r\n", "closing");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b", "closing");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b  ", "closing");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b-", "not a delimiter");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--bX\r\n\r\n--b--", "not a delimiter");
    REFUSED("--bX\r\n--b\r\n" CD "a\r\n\r\nx\r\n--b--", "not a delimiter");
    REFUSED("--b\n" CD "a\r\n\r\nx\r\n--b--", "not a delimiter");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b--x", "closing delimiter");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b-- x\r\n", "closing delimiter");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b --\r\n", "not a delimiter");
    REFUSED("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "no Content-Disposition");
    REFUSED("--b\r\n\r\nx\r\n--b--", "no Content-Disposition");
    REFUSED("--b\r\n\r\n--b--", "empty line");
    REFUSED("--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--", "not form-data");
    REFUSED("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", "no name");
    REFUSED("--b\r\nContent-Disposition: form-data; filename=\"a.csv\"\r\n\r\nx\r\n--b--",
            "no name");
    REFUSED("--b\r\n" CD "\"\"\r\n\r\nx\r\n--b--", "empty name");
    REFUSED("--b\r\n" CD "\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\n" CD "\"a\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\n" CD "a;\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\n" CD "a b\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\nContent-Disposition: form-data; name =a\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\nContent-Disposition: form-datax; name=a\r\n\r\nx\r\n--b--", "syntax");
    REFUSED("--b\r\n" CD "a; name=b\r\n\r\nx\r\n--b--", "twice");
    REFUSED("--b\r\n" CD "a; filename=x; filename=y\r\n\r\nx\r\n--b--", "twice");
    REFUSED("--b\r\n" CD "a\r\n" CD "a\r\n\r\nx\r\n--b--", "two Content-Disposition");
    REFUSED("--b\r\n" CD "a\r\nContent-Type: a\r\ncontent-type: b\r\n\r\nx\r\n--b--",
            "two Content-Type");
    REFUSED("--b\r\nContent-Disposition : form-data; name=a\r\n\r\nx\r\n--b--", "header syntax");
    REFUSED("--b\r\n" CD "a\r\nX-Folded: one\r\n two\r\n\r\nx\r\n--b--", "header syntax");
    REFUSED("--b\r\n" CD "a\r\nno colon here\r\n\r\nx\r\n--b--", "header syntax");
    REFUSED("--b\r\n" CD "a\r\n: empty name\r\n\r\nx\r\n--b--", "header syntax");
    REFUSED("--b\r\n" CD "a\r\nX-A: nul\0here\r\n\r\nx\r\n--b--", "control character");
    REFUSED("--b\r\n" CD "a\r\nX-A: cr\rhere\r\n\r\nx\r\n--b--", "control character");
    REFUSED("--b\r\n" CD "a\nContent-Type: text/csv\r\n\r\nx\r\n--b--", "bare LF");
    REFUSED("--b\r\n" CD "a\r\n\n\r\nx\r\n--b--", "bare LF");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b\r\n" CD "a\r\n\r\ny\r\n--b--", "same name");
    REFUSED("--b\r\n" CD "a\r\n\r\n--b--", "empty line");
    REFUSED("--b\r\n" CD "a\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--",
            "Content-Transfer-Encoding");
    REFUSED("--b\r\n" CD "a\r\n\r\nx\r\n--b\r\n--b--", "no part between");
    REFUSED("--b\r\n--b\r\n" CD "a\r\n\r\nx\r\n--b--", "no part between");

    struct arena a;
    arena_init(&a);
    struct multipart m;
    const char *why;
    CHECK(!multipart_parse(LIT("--\r\n" CD "a\r\n\r\nx\r\n----"), "", &a, &m, &why));
    CHECK(why && strstr(why, "boundary"));
    CHECK(!multipart_parse(LIT("--a@b\r\n" CD "a\r\n\r\nx\r\n--a@b--"), "a@b", &a, &m, &why));
    CHECK(!multipart_parse(LIT(""), NULL, &a, &m, &why));
    CHECK(!multipart_parse(NULL, 0, "b", &a, &m, &why));
    arena_free(&a);
}

/* n header lines of which the first is Content-Disposition. */
static const char *with_headers(struct arena *a, int n)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "--b\r\n" CD "a\r\n");
    for (int i = 1; i < n; i++)
        buf_printf(&b, "X-H%d: v\r\n", i);
    buf_adds(&b, "\r\nx\r\n--b--\r\n");
    return buf_cstr(&b);
}

/* A part whose Content-Disposition line is exactly n bytes long. */
static const char *with_line(struct arena *a, size_t n)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "--b\r\n");
    size_t start = b.len;
    buf_adds(&b, "Content-Disposition: form-data; name=a; x=");
    while (b.len - start < n)
        buf_addc(&b, 'y');
    buf_adds(&b, "\r\n\r\nx\r\n--b--\r\n");
    return buf_cstr(&b);
}

/* n parts named p0, p1, ... */
static const char *with_parts(struct arena *a, int n)
{
    struct buf b;
    buf_init(&b, a);
    for (int i = 0; i < n; i++)
        buf_printf(&b, "--b\r\n" CD "p%d\r\n\r\n%d\r\n", i, i);
    buf_adds(&b, "--b--\r\n");
    return buf_cstr(&b);
}

static void test_limits(void)
{
    struct arena a;
    arena_init(&a);
    struct multipart m;
    const char *why, *s;
    s = with_headers(&a, 8);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), 1);
    s = with_headers(&a, 9);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), -1);
    CHECK(why && strstr(why, "more than 8 header lines"));
    s = with_line(&a, 1024);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), 1);
    s = with_line(&a, 1025);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), -1);
    CHECK(why && strstr(why, "longer than 1 KiB"));
    s = with_line(&a, 5000);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), -1);
    CHECK(why && strstr(why, "longer than 1 KiB"));
    s = with_parts(&a, MULTIPART_MAX_PARTS);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), MULTIPART_MAX_PARTS);
    CHECK_STR(m.parts[15].name, "p15");
    CHECK_STR(m.parts[15].data, "15");
    s = with_parts(&a, MULTIPART_MAX_PARTS + 1);
    CHECK_INT(parse_b(&a, s, strlen(s), &m, &why), -1);
    CHECK(why && strstr(why, "more than 16 parts"));
    arena_free(&a);
}

static void test_edges(void)
{
    struct arena a;
    arena_init(&a);
    struct multipart m;
    const char *why;
    /* An empty file input, as Chromium sends it; then an empty text field. */
    static const char empty[] = "--b\r\n" CD "\"file\"; filename=\"\"\r\n"
                                "Content-Type: application/octet-stream\r\n\r\n\r\n"
                                "--b\r\n" CD "note\r\n\r\n\r\n--b--\r\n";
    CHECK_INT(parse_b(&a, LIT(empty), &m, &why), 2);
    CHECK_INT(m.parts[0].len, 0);
    CHECK_STR(m.parts[0].data, "");
    CHECK_STR(m.parts[0].filename, "");
    CHECK_STR(m.parts[0].content_type, "application/octet-stream");
    CHECK_INT(m.parts[1].len, 0);
    CHECK(m.parts[1].filename == NULL);

    /* Preamble (even with "--b" inside a line) and epilogue are ignored. */
    static const char pre[] = "This is a preamble --b\n--bb\n--b--\n"
                              "\r\n--b\t \r\n" CD "a\r\n\r\nx\r\n--b--  \r\n"
                              "epilogue --b\r\n--bX\r\n--b\r\n" CD "c\r\n\r\n\r\n--b--";
    CHECK_INT(parse_b(&a, LIT(pre), &m, &why), 1);
    CHECK_STR(m.parts[0].name, "a");
    CHECK_STR(m.parts[0].data, "x");

    /* The close may end the body; an empty form has no parts. */
    CHECK_INT(parse_b(&a, LIT("--b\r\n" CD "a\r\n\r\nx\r\n--b--"), &m, &why), 1);
    CHECK_INT(parse_b(&a, LIT("--b--\r\n"), &m, &why), 0);
    CHECK_INT(parse_b(&a, LIT("--b--"), &m, &why), 0);

    /* Parameter forms: token, quoted with escapes, %22 as is, case. */
    static const char params[] =
        "--b\r\ncontent-disposition:FORM-DATA;NAME=tok.en;Filename=\"C:\\dir\\a \\\"q\\\" "
        "%22.csv\"\r\n"
        "CONTENT-TYPE:  text/csv; charset=utf-8 \t\r\n"
        "Content-Transfer-Encoding: BINARY\r\n"
        "X-Ignored: yes\r\n\r\n"
        "data\r\n"
        "--b\r\n" CD "\"a\\\\b\"; filename*=UTF-8''x%20y; other=\"z\"\r\n\r\nx\r\n--b--\r\n";
    CHECK_INT(parse_b(&a, LIT(params), &m, &why), 2);
    CHECK_STR(m.parts[0].name, "tok.en");
    CHECK_STR(m.parts[0].filename, "C:\\dir\\a \"q\" %22.csv");
    CHECK_STR(m.parts[0].content_type, "text/csv; charset=utf-8");
    CHECK_STR(m.parts[0].data, "data");
    CHECK_STR(m.parts[1].name, "a\\b");
    CHECK(m.parts[1].filename == NULL);
    CHECK(multipart_get(&m, "a\\b") == &m.parts[1]);

    /* The data's own trailing CRLFs stay data; only the last one goes. */
    CHECK_INT(parse_b(&a, LIT("--b\r\n" CD "a\r\n\r\n\r\n\r\n\r\n--b--"), &m, &why), 1);
    CHECK_INT(m.parts[0].len, 4);
    CHECK(memcmp(m.parts[0].data, "\r\n\r\n", 4) == 0);
    arena_free(&a);
}

/* 5 MiB of CSV-like data full of near-delimiters ("\r\n--" and every prefix
 * of the boundary), which a naive search would be slow on. */
static void test_large(void)
{
    const char *boundary = "----WebKitFormBoundaryLargeFile01";
    size_t n = 5u << 20;
    char *data = malloc(n);
    if (!data) abort();
    static const char pattern[] = "A1,Zo\xc3\xab,250\r\n--\r\n------WebKitFormBoundaryLargeFile0\0";
    for (size_t i = 0; i < n; i++)
        data[i] = pattern[i % (sizeof pattern)];
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_printf(&b, "--%s\r\n" CD "\"file\"; filename=\"big.csv\"\r\n\r\n", boundary);
    buf_add(&b, data, n);
    buf_printf(&b, "\r\n--%s--\r\n", boundary);
    struct multipart m;
    const char *why = NULL;
    clock_t t0 = clock();
    bool ok = multipart_parse(b.data, b.len, boundary, &a, &m, &why);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("5 MiB part parsed in %.3f s\n", secs);
    CHECK(ok);
    CHECK(ok && m.n == 1 && m.parts[0].len == n);
    CHECK(ok && memcmp(m.parts[0].data, data, n) == 0 && m.parts[0].data[n] == 0);
    arena_free(&a);
    free(data);
}

int main(void)
{
    test_browsers();
    test_boundary();
    test_refusals();
    test_limits();
    test_edges();
    test_large();
    return check_report("test_multipart");
}
