/* multipart: a strict multipart/form-data parser (RFC 7578 on RFC 2046) for
 * file uploads from HTML forms.
 *
 * The whole body is in memory (the server caps it at 8 MiB), so parsing is
 * one pass over it: the delimiter is found with memmem (linear in glibc), and
 * every name, filename, content type and data slice is copied into the
 * request's arena. Anything a browser would not send, or that two parsers
 * could read two ways, is refused with a reason rather than guessed at:
 *
 * - Line ends are CRLF. A bare LF in part headers or after a delimiter is
 *   refused: browsers and curl always send CRLF, and a parser in front of us
 *   (a proxy, a WAF) that splits on CRLF only would see other headers.
 * - "--boundary" at the start of a line must be a real delimiter (followed by
 *   transport padding and CRLF, or by "--"). Anything else after it, say
 *   "--boundaryX", is refused: RFC 2046 forbids the delimiter inside a part,
 *   and parsers that match on the prefix alone would split the body there.
 * - After the closing "--boundary--" only transport padding, then CRLF and
 *   any epilogue, or the end of the body, may follow.
 * - A part's headers end with an empty line, even when its data is empty.
 * - In quoted parameter values, a backslash before '"' or '\' escapes it
 *   (as older browsers send quotes); any other backslash is kept as is, so a
 *   Windows path stays intact. "%22" (how current browsers send a quote) is
 *   left as is: the caller sees the bytes the browser sent.
 * - Content-Transfer-Encoding, if present, must be 7bit, 8bit or binary:
 *   nothing is decoded, so an encoded part would reach the caller as its
 *   encoding. Other unknown headers are ignored (but count towards the limit).
 * - An empty form ("--boundary--" only) parses, with n == 0.
 */
#ifndef POSTROOM_MULTIPART_H
#define POSTROOM_MULTIPART_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

#define MULTIPART_MAX_PARTS 16
#define MULTIPART_MAX_HEADER_LINE 1024 /* bytes, without the CRLF */
#define MULTIPART_MAX_HEADERS 8        /* header lines per part */
#define MULTIPART_MAX_BOUNDARY 70      /* RFC 2046 */

struct multipart_part {
    const char *name;         /* form field name from Content-Disposition, NUL-terminated */
    const char *filename;     /* NULL when not a file field */
    const char *content_type; /* NULL if absent */
    /* The part's bytes: an arena copy (may contain NULs; also NUL-terminated
     * for convenience), and where they start in the body (body + offset). */
    const char *data;
    size_t len;
    size_t offset;
};

struct multipart {
    struct multipart_part parts[MULTIPART_MAX_PARTS];
    size_t n;
};

/* Extracts the boundary from a Content-Type header value
 * ("multipart/form-data; boundary=..." -- case-insensitive type and parameter
 * name, quoted or token boundary, 1..70 chars per RFC 2046, other parameters
 * allowed). NULL if the header is not multipart/form-data or the boundary is
 * missing, given twice or invalid. No whitespace around '=' (RFC 9110). */
const char *multipart_boundary(const char *content_type, struct arena *a);

/* Parses a whole body. Returns false with a plain-English reason (*why) for
 * anything malformed: no opening delimiter, missing closing delimiter
 * ("--boundary--"), a part without Content-Disposition: form-data, a missing
 * or empty name, header lines over 1 KiB or more than 8 header lines per part,
 * bad header syntax, more than MULTIPART_MAX_PARTS parts, duplicate field
 * names, and the cases in the comment at the top of this file. Preamble
 * before the first delimiter and epilogue after the close are ignored
 * (RFC 2046). *why is a static sentence ("A part has no name.") that echoes
 * nothing from the body, so it can be shown or logged as is. On failure *out
 * is left partly filled and must not be used. */
bool multipart_parse(const char *body, size_t len, const char *boundary, struct arena *a,
                     struct multipart *out, const char **why);

/* The part named name, or NULL. */
const struct multipart_part *multipart_get(const struct multipart *m, const char *name);

#endif
