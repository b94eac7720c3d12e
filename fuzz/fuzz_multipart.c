/* fuzz_multipart: http/multipart.c, the multipart/form-data parser, and the
 * boundary it takes from Content-Type.
 *
 * Input format: the first line (up to the first '\n', which is not part of
 * it) is a Content-Type header value; everything after that '\n' is the
 * body, byte for byte. The boundary is what multipart_boundary finds in the
 * first line or, when it finds none, the first line itself taken as a raw
 * boundary (so bad boundaries reach multipart_parse too). An input with no
 * '\n' is all first line, with an empty body. Example:
 *
 *     multipart/form-data; boundary=b
 *     --b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n
 *
 * What must hold besides no crash/ASan/UBSan report:
 * - multipart_boundary: what it returns is 1..70 RFC 2046 bchars, not ending
 *   in a space, and reading it back from a Content-Type built with it (quoted,
 *   and as a token when it is one) gives it again.
 * - multipart_parse refuses with a non-empty reason, and always refuses when
 *   the boundary is not valid per RFC 2046.
 * - On success: n <= MULTIPART_MAX_PARTS; every name is non-empty and names
 *   are unique; every data slice lies inside the body, the slices come in
 *   order without overlapping, each equals its copy (which is NUL-terminated)
 *   and ends exactly where a "\r\n--boundary" begins, and none contains
 *   "\r\n--boundary".
 * - Round trip: the parts written out again as a browser would (same
 *   boundary, minimal quoting) parse to the same names, filenames, content
 *   types and data bytes. */
#include "fuzz_common.h"
#include "http/multipart.h"
#include "util/arena.h"
#include "util/buf.h"

/* RFC 2046 section 5.1.1 bchars and the boundary rule, written from the RFC. */
static bool ref_bchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c && strchr("'()+_,-./:=? ", c);
}

static bool ref_boundary_ok(const char *b, size_t n)
{
    if (n < 1 || n > 70 || b[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++)
        if (!ref_bchar((unsigned char)b[i])) return false;
    return true;
}

/* RFC 9110 tchar. */
static bool ref_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c && strchr("!#$%&'*+-.^_`|~", c);
}

static void check_boundary(const char *ct, const char *got, struct arena *a)
{
    size_t n = strlen(got);
    FUZZ_CHECK(ref_boundary_ok(got, n), "multipart_boundary returned invalid [%s] from [%.200s]",
               got, ct);
    const char *again =
        multipart_boundary(arena_printf(a, "multipart/form-data; boundary=\"%s\"", got), a);
    FUZZ_CHECK(again && strcmp(again, got) == 0, "quoted boundary [%s] did not read back", got);
    bool token = true;
    for (size_t i = 0; i < n; i++)
        token = token && ref_tchar((unsigned char)got[i]);
    if (!token) return;
    again = multipart_boundary(arena_printf(a, "MULTIPART/FORM-DATA;BOUNDARY=%s", got), a);
    FUZZ_CHECK(again && strcmp(again, got) == 0, "token boundary [%s] did not read back", got);
}

/* The shortest form of a parameter value: a token when it is one, else a
 * quoted-string escaping '"' always, and '\' only where the parser would
 * otherwise take it as an escape (before '"', '\' or the closing quote). */
static void add_value(struct buf *b, const char *v)
{
    bool token = *v != 0;
    for (const char *p = v; *p; p++)
        token = token && ref_tchar((unsigned char)*p);
    if (token) {
        buf_adds(b, v);
        return;
    }
    buf_addc(b, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"' || (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == 0)))
            buf_addc(b, '\\');
        buf_addc(b, *p);
    }
    buf_addc(b, '"');
}

static void serialise(struct buf *b, const struct multipart *m, const char *boundary)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct multipart_part *p = &m->parts[i];
        buf_printf(b, "--%s\r\nContent-Disposition:form-data;name=", boundary);
        add_value(b, p->name);
        if (p->filename) {
            buf_adds(b, ";filename=");
            add_value(b, p->filename);
        }
        if (p->content_type) buf_printf(b, "\r\nContent-Type:%s", p->content_type);
        buf_adds(b, "\r\n\r\n");
        buf_add(b, p->data, p->len);
        buf_adds(b, "\r\n");
    }
    buf_printf(b, "--%s--\r\n", boundary);
}

static bool same_opt(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static void check_parts(const char *body, size_t size, const char *boundary,
                        const struct multipart *m, struct arena *a)
{
    FUZZ_CHECK(m->n <= MULTIPART_MAX_PARTS, "n = %zu", m->n);
    const char *delim = arena_printf(a, "\r\n--%s", boundary);
    size_t dlen = strlen(delim), prev_end = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct multipart_part *p = &m->parts[i];
        FUZZ_CHECK(p->name && *p->name, "part %zu has no name", i);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(p->name, m->parts[j].name) != 0, "name [%s] twice", p->name);
        FUZZ_CHECK(p->offset >= prev_end && p->offset <= size && p->len <= size - p->offset,
                   "part %zu [%zu, +%zu) outside the body (%zu) or before the last (%zu)", i,
                   p->offset, p->len, size, prev_end);
        FUZZ_CHECK(p->data[p->len] == 0, "part %zu data not NUL-terminated", i);
        FUZZ_CHECK(memcmp(p->data, body + p->offset, p->len) == 0, "part %zu copy differs", i);
        FUZZ_CHECK(!memmem(p->data, p->len, delim, dlen), "part %zu holds the delimiter", i);
        prev_end = p->offset + p->len;
        FUZZ_CHECK(size - prev_end >= dlen && memcmp(body + prev_end, delim, dlen) == 0,
                   "part %zu does not end at a delimiter", i);
    }
}

static void check_round_trip(const struct multipart *m, const char *boundary, struct arena *a)
{
    struct buf b;
    buf_init(&b, a);
    serialise(&b, m, boundary);
    struct multipart m2;
    const char *why = NULL;
    bool ok = multipart_parse(b.data, b.len, boundary, a, &m2, &why);
    FUZZ_CHECK(ok, "re-serialised body refused: %s\n%.*s", why, (int)(b.len < 2000 ? b.len : 2000),
               b.data);
    FUZZ_CHECK(m2.n == m->n, "round trip: %zu parts, was %zu", m2.n, m->n);
    for (size_t i = 0; i < m->n; i++) {
        const struct multipart_part *x = &m->parts[i], *y = &m2.parts[i];
        FUZZ_CHECK(strcmp(x->name, y->name) == 0, "round trip: name [%s] became [%s]", x->name,
                   y->name);
        FUZZ_CHECK(same_opt(x->filename, y->filename), "round trip: filename of %s", x->name);
        FUZZ_CHECK(same_opt(x->content_type, y->content_type), "round trip: type of %s", x->name);
        FUZZ_CHECK(x->len == y->len && memcmp(x->data, y->data, x->len) == 0,
                   "round trip: data of %s (%zu bytes, now %zu)", x->name, x->len, y->len);
        FUZZ_CHECK(multipart_get(&m2, x->name) == y, "multipart_get(%s)", x->name);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t line_len = nl ? (size_t)(nl - data) : size;
    size_t body_len = nl ? size - line_len - 1 : 0;
    char *line = fuzz_cstr(data, line_len);
    char *body = malloc(body_len ? body_len : 1); /* exact size: ASan sees its end */
    if (!body) abort();
    if (body_len) memcpy(body, nl + 1, body_len);

    struct arena a;
    arena_init(&a);
    const char *boundary = multipart_boundary(line, &a);
    if (boundary)
        check_boundary(line, boundary, &a);
    else
        boundary = line;

    struct multipart m;
    const char *why = NULL;
    bool ok = multipart_parse(body, body_len, boundary, &a, &m, &why);
    if (!ok) {
        FUZZ_CHECK(why && *why, "refused without a reason");
    } else {
        FUZZ_CHECK(ref_boundary_ok(boundary, strlen(boundary)), "parsed with bad boundary [%s]",
                   boundary);
        check_parts(body, body_len, boundary, &m, &a);
        check_round_trip(&m, boundary, &a);
    }
    arena_free(&a);
    free(body);
    free(line);
    return 0;
}
