/* multipart: the multipart/form-data parser (see multipart.h for what it
 * accepts and why it refuses the rest). */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 tchar: the characters of a token. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* RFC 2046 bchars: the characters a boundary may use. */
static bool is_bchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c && strchr("'()+_,-./:=? ", c);
}

/* A header value's bytes (RFC 9110 field-vchar, SP, HTAB): no control
 * characters, so no NUL, CR or LF. */
static bool is_vchar(unsigned char c)
{
    return c == '\t' || (c >= ' ' && c != 0x7f);
}

/* 1..70 bchars, not ending with a space (RFC 2046 section 5.1.1). */
static bool boundary_valid(const char *b, size_t n)
{
    if (n == 0 || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++)
        if (!is_bchar((unsigned char)b[i])) return false;
    return true;
}

static const char *skip_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    return p;
}

/* Whether the backslash at p escapes the next character: only '"' and '\'
 * are escaped; before anything else it is an ordinary character (see
 * multipart.h). */
static bool is_escape(const char *p, const char *end)
{
    return *p == '\\' && end - p > 1 && (p[1] == '"' || p[1] == '\\');
}

/* A quoted-string starting at *pp (on its opening quote), unescaped into the
 * arena. NULL if unterminated or holding a control character. The first pass
 * finds its end, so the copy takes only the value's size (a header full of
 * parameters must not cost the square of its length). */
static char *read_quoted(struct arena *a, const char **pp, const char *end)
{
    const char *s = *pp + 1, *p = s;
    size_t n = 0;
    for (; p < end && *p != '"'; p++, n++) {
        if (is_escape(p, end))
            p++;
        else if (!is_vchar((unsigned char)*p))
            return NULL;
    }
    if (p == end) return NULL;
    *pp = p + 1;
    char *out = arena_alloc(a, n + 1), *o = out;
    for (p = s; *p != '"'; p++) {
        if (is_escape(p, end)) p++;
        *o++ = *p;
    }
    return out;
}

/* A parameter value: a quoted-string or a non-empty token. */
static char *read_value(struct arena *a, const char **pp, const char *end)
{
    const char *s = *pp;
    if (s < end && *s == '"') return read_quoted(a, pp, end);
    const char *e = token_end(s, end);
    if (e == s) return NULL;
    *pp = e;
    return arena_strndup(a, s, (size_t)(e - s));
}

struct param {
    const char *name; /* not NUL-terminated */
    size_t nlen;
    const char *value; /* unescaped, NUL-terminated */
};

/* The next `OWS ";" OWS token "=" value` of a header value's parameter list.
 * 1 when one was read into *out, 0 at the end of the value, -1 on bad
 * syntax (including an empty parameter, as in "a;;b" or a trailing ';'). */
static int param_next(struct arena *a, const char **pp, const char *end, struct param *out)
{
    const char *p = skip_ows(*pp, end);
    if (p == end) return 0;
    if (*p != ';') return -1;
    p = skip_ows(p + 1, end);
    const char *n = p;
    p = token_end(p, end);
    if (p == n || p == end || *p != '=') return -1;
    out->name = n;
    out->nlen = (size_t)(p - n);
    p++;
    out->value = read_value(a, &p, end);
    if (!out->value) return -1;
    *pp = p;
    return 1;
}

static bool param_is(const struct param *p, const char *name)
{
    return p->nlen == strlen(name) && strncasecmp(p->name, name, p->nlen) == 0;
}

/* Whether [s, end) starts with word, case-insensitively. */
static bool starts_with_ci(const char *s, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - s) >= n && strncasecmp(s, word, n) == 0;
}

const char *multipart_boundary(const char *content_type, struct arena *a)
{
    if (!content_type) return NULL;
    const char *end = content_type + strlen(content_type);
    const char *p = skip_ows(content_type, end);
    if (!starts_with_ci(p, end, "multipart/form-data")) return NULL;
    p += strlen("multipart/form-data");
    const char *boundary = NULL;
    struct param prm;
    int r;
    while ((r = param_next(a, &p, end, &prm)) > 0) {
        if (!param_is(&prm, "boundary")) continue;
        if (boundary) return NULL; /* given twice: which one would a proxy use? */
        boundary = prm.value;
    }
    if (r < 0 || !boundary || !boundary_valid(boundary, strlen(boundary))) return NULL;
    return boundary;
}

/* The parser's state over one body. why is always a string literal. */
struct mp {
    const char *body, *end;
    const char *delim; /* "\r\n--" boundary */
    size_t dlen;
    struct arena *a;
    const char *why;
};

static bool fail(struct mp *m, const char *why)
{
    m->why = why;
    return false;
}

/* Where "\r\n--boundary" next occurs at or after p, or NULL. */
static const char *find_delim(const struct mp *m, const char *p)
{
    return memmem(p, (size_t)(m->end - p), m->delim, m->dlen);
}

/* The first dash-boundary ("--boundary") at a line start: at the very start
 * of the body, or after a CRLF in the preamble. Returns where it ends. */
static const char *find_opening(const struct mp *m)
{
    size_t dash = m->dlen - 2;
    if ((size_t)(m->end - m->body) >= dash && memcmp(m->body, m->delim + 2, dash) == 0)
        return m->body + dash;
    const char *d = find_delim(m, m->body);
    return d ? d + m->dlen : NULL;
}

enum delim_kind { DELIM_ERROR, DELIM_NEXT, DELIM_CLOSE };

static enum delim_kind delim_fail(struct mp *m, const char *why)
{
    m->why = why;
    return DELIM_ERROR;
}

/* What follows a dash-boundary at *pp: transport padding and CRLF (a part
 * follows: *pp moves past the CRLF), or "--" (the close, which may be
 * followed only by padding, then CRLF and an epilogue, or the end). */
static enum delim_kind delim_tail(struct mp *m, const char **pp)
{
    const char *p = *pp, *end = m->end;
    if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
        p = skip_ows(p + 2, end);
        if (p == end || (end - p >= 2 && p[0] == '\r' && p[1] == '\n')) return DELIM_CLOSE;
        return delim_fail(m, "Text follows the closing delimiter on its line.");
    }
    p = skip_ows(p, end);
    if (p == end) return delim_fail(m, "The body ends without a closing delimiter.");
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
        return delim_fail(m, "A line starts with the boundary but is not a delimiter.");
    *pp = p + 2;
    return DELIM_NEXT;
}

/* Content-Disposition: form-data; name=...; filename=... */
static bool parse_disposition(struct mp *m, const char *v, const char *end,
                              struct multipart_part *part)
{
    if (!starts_with_ci(v, end, "form-data"))
        return fail(m, "A part's Content-Disposition is not form-data.");
    const char *p = v + strlen("form-data");
    struct param prm;
    int r;
    while ((r = param_next(m->a, &p, end, &prm)) > 0) {
        const char **slot = param_is(&prm, "name")       ? &part->name
                            : param_is(&prm, "filename") ? &part->filename
                                                         : NULL;
        if (!slot) continue; /* filename* (RFC 5987) and others are ignored */
        if (*slot) return fail(m, "A Content-Disposition parameter is given twice.");
        *slot = prm.value;
    }
    if (r < 0) return fail(m, "Bad Content-Disposition syntax.");
    return true;
}

/* Only identity encodings: nothing is decoded here. */
static bool parse_cte(struct mp *m, const char *v, const char *end)
{
    size_t n = (size_t)(end - v);
    static const char *const ok[] = {"7bit", "8bit", "binary"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (n == strlen(ok[i]) && strncasecmp(v, ok[i], n) == 0) return true;
    return fail(m, "A part has a Content-Transfer-Encoding other than 7bit, 8bit or binary.");
}

/* One header line [s, end) without its CRLF: `token ":" OWS value OWS`. */
static bool parse_header(struct mp *m, const char *s, const char *end, struct multipart_part *part,
                         bool *seen_cd)
{
    const char *colon = token_end(s, end);
    if (colon == s || colon == end || *colon != ':') return fail(m, "Bad part header syntax.");
    for (const char *p = colon + 1; p < end; p++)
        if (!is_vchar((unsigned char)*p))
            return fail(m, "A part header holds a control character.");
    const char *v = skip_ows(colon + 1, end), *ve = end;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
    size_t nlen = (size_t)(colon - s);
    if (nlen == 19 && strncasecmp(s, "Content-Disposition", 19) == 0) {
        if (*seen_cd) return fail(m, "A part has two Content-Disposition headers.");
        *seen_cd = true;
        return parse_disposition(m, v, ve, part);
    }
    if (nlen == 12 && strncasecmp(s, "Content-Type", 12) == 0) {
        if (part->content_type) return fail(m, "A part has two Content-Type headers.");
        part->content_type = arena_strndup(m->a, v, (size_t)(ve - v));
        return true;
    }
    if (nlen == 25 && strncasecmp(s, "Content-Transfer-Encoding", 25) == 0)
        return parse_cte(m, v, ve);
    return true;
}

/* The header lines of a part starting at *pp, up to and including the empty
 * line; the part ends at lim (its closing delimiter). *pp moves to the data. */
static bool parse_headers(struct mp *m, const char **pp, const char *lim,
                          struct multipart_part *part)
{
    const char *h = *pp;
    bool seen_cd = false;
    for (int lines = 0;; lines++) {
        size_t rem = (size_t)(lim - h), win = MULTIPART_MAX_HEADER_LINE + 2;
        const char *lf = memchr(h, '\n', rem < win ? rem : win);
        if (!lf && rem >= win) return fail(m, "A part header line is longer than 1 KiB.");
        if (!lf) return fail(m, "A part's headers do not end with an empty line.");
        if (lf == h || lf[-1] != '\r')
            return fail(m, "A part header line ends in a bare LF (CRLF expected).");
        if (lf - 1 == h) break;
        if (lines == MULTIPART_MAX_HEADERS) return fail(m, "A part has more than 8 header lines.");
        if (!parse_header(m, h, lf - 1, part, &seen_cd)) return false;
        h = lf + 1;
    }
    *pp = h + 2;
    if (!seen_cd) return fail(m, "A part has no Content-Disposition: form-data header.");
    if (!part->name) return fail(m, "A part has no name.");
    if (!*part->name) return fail(m, "A part has an empty name.");
    return true;
}

/* One part [p, lim): headers, an empty line, data. */
static bool parse_part(struct mp *m, const char *p, const char *lim, struct multipart *out)
{
    struct multipart_part *part = &out->parts[out->n];
    *part = (struct multipart_part){0};
    if (!parse_headers(m, &p, lim, part)) return false;
    for (size_t i = 0; i < out->n; i++)
        if (strcmp(out->parts[i].name, part->name) == 0)
            return fail(m, "Two parts have the same name.");
    part->len = (size_t)(lim - p);
    part->offset = (size_t)(p - m->body);
    char *data = arena_alloc(m->a, part->len + 1);
    if (part->len) memcpy(data, p, part->len);
    part->data = data;
    out->n++;
    return true;
}

/* The parts between the opening delimiter (ending at p) and the close. */
static bool parse_parts(struct mp *m, const char *p, struct multipart *out)
{
    enum delim_kind k;
    while ((k = delim_tail(m, &p)) == DELIM_NEXT) {
        if (out->n == MULTIPART_MAX_PARTS) return fail(m, "The form has more than 16 parts.");
        if (m->end - p >= (ptrdiff_t)m->dlen - 2 && memcmp(p, m->delim + 2, m->dlen - 2) == 0)
            return fail(m, "Two delimiters with no part between them.");
        const char *lim = find_delim(m, p);
        if (!lim) return fail(m, "The body ends without a closing delimiter.");
        if (!parse_part(m, p, lim, out)) return false;
        p = lim + m->dlen;
    }
    return k == DELIM_CLOSE;
}

bool multipart_parse(const char *body, size_t len, const char *boundary, struct arena *a,
                     struct multipart *out, const char **why)
{
    out->n = 0;
    struct mp m = {.body = body ? body : "", .a = a, .why = "Malformed multipart body."};
    m.end = m.body + (body ? len : 0);
    if (!boundary || !boundary_valid(boundary, strlen(boundary))) {
        *why = "The boundary is not 1 to 70 valid characters.";
        return false;
    }
    m.delim = arena_printf(a, "\r\n--%s", boundary);
    m.dlen = strlen(m.delim);
    const char *p = find_opening(&m);
    bool ok = p ? parse_parts(&m, p, out) : fail(&m, "No opening delimiter (--boundary).");
    if (!ok) *why = m.why;
    return ok;
}

const struct multipart_part *multipart_get(const struct multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->parts[i].name, name) == 0) return &m->parts[i];
    return NULL;
}
