/* fuzz_export: the export's CSV cells (domain/export.c export_cell) read back
 * by the importer's reader (domain/csv.c csv_parse).
 *
 * The input is split at 0x1F bytes into 2 to 40 cells (inputs with a NUL or
 * invalid UTF-8 are skipped: no stored value can hold them). The cells are
 * written as one data row under a plain header, and the file parsed again:
 *  - it parses, with exactly one data row of the same number of cells;
 *  - each cell reads back as written, line breaks normalised to LF (as
 *    csv.h documents), except that a cell a spreadsheet would run as a
 *    formula reads back with a leading apostrophe. The formula rule is
 *    re-derived here from OWASP's list, independently of export.c. */
#include "formats/csv.h"
#include "formats/export.h"
#include "fuzz_common.h"
#include "util/utf8.h"

#define MAX_CELLS 40

static bool formula_start(const char *s)
{
    if (strchr("=@\t\r", s[0]) && s[0]) return true;
    if (s[0] != '+' && s[0] != '-') return false;
    return strspn(s + 1, "0123456789 ().-+") != strlen(s + 1);
}

/* The cell as the reader must return it. */
static char *expected(const char *s)
{
    size_t n = strlen(s);
    char *e = malloc(n + 2), *o = e;
    if (!e) abort();
    if (formula_start(s)) *o++ = '\'';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            *o++ = '\n';
            if (s[i + 1] == '\n') i++;
        } else {
            *o++ = s[i];
        }
    }
    *o = 0;
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4000 || memchr(data, 0, size)) return 0;
    char *text = fuzz_cstr(data, size);
    if (!utf8_valid(text, size)) {
        free(text);
        return 0;
    }
    const char *cells[MAX_CELLS];
    size_t n = 0;
    for (char *p = text; n < MAX_CELLS;) {
        cells[n++] = p;
        char *sep = strchr(p, 0x1f);
        if (!sep) break;
        *sep = 0;
        p = sep + 1;
    }
    if (n < 2) cells[n++] = "x";

    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%sc%zu", i ? "," : "", i);
    buf_adds(&b, "\r\n");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_addc(&b, ',');
        export_cell(&b, cells[i]);
    }
    buf_adds(&b, "\r\n");

    struct csv_table t;
    size_t line = 0;
    const char *why = NULL;
    FUZZ_CHECK(csv_parse(b.data, b.len, &a, &t, &line, &why),
               "the exported row does not parse (line %zu: %s): %.300s", line, why, buf_cstr(&b));
    FUZZ_CHECK(t.nrows == 2, "%zu rows read back, want a header and one row", t.nrows);
    FUZZ_CHECK(t.rows[1].n == n, "%zu cells read back, want %zu: %.300s", t.rows[1].n, n,
               buf_cstr(&b));
    for (size_t i = 0; i < n; i++) {
        char *want = expected(cells[i]);
        FUZZ_CHECK(!strcmp(t.rows[1].cells[i], want), "cell %zu \"%s\" reads back as \"%s\"", i,
                   want, t.rows[1].cells[i]);
        free(want);
    }
    arena_free(&a);
    free(text);
    return 0;
}
