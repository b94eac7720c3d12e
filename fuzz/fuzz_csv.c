/* fuzz_csv: the spreadsheet CSV reader (domain/csv.c).
 *
 * The input is a whole file. Then:
 *  - a refusal has a message and a line between 1 and the file's line count;
 *  - a parsed table has at least a header, at most CSV_MAX_ROWS data rows,
 *    1 to CSV_MAX_COLUMNS cells a row, every cell valid UTF-8 of at most
 *    CSV_MAX_CELL bytes, row lines strictly increasing within the file, and
 *    the delimiter is ',', tab or ';';
 *  - written back out with every cell quoted (after a sep= line when the
 *    file had one), it parses again, unless cells hold control bytes, to the same
 *    delimiter and the same cells, row by row. */
#include "formats/csv.h"
#include "fuzz_common.h"

/* The table written with every cell quoted and quotes doubled. */
static char *reserialise(const struct csv_table *t, size_t *len)
{
    size_t cap = 1 + 6;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->rows[r].n; c++)
            cap += 2 * strlen(t->rows[r].cells[c]) + 4;
    char *out = malloc(cap);
    if (!out) abort();
    size_t o = 0;
    if (t->sep_line) { /* the delimiter was declared, not picked: declare it again */
        memcpy(out, "sep=", 4);
        out[4] = t->delimiter;
        out[5] = '\n';
        o = 6;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].n; c++) {
            if (c) out[o++] = t->delimiter;
            out[o++] = '"';
            for (const char *p = t->rows[r].cells[c]; *p; p++) {
                if (*p == '"') out[o++] = '"';
                out[o++] = *p;
            }
            out[o++] = '"';
        }
        out[o++] = '\n';
    }
    *len = o;
    return out;
}

static void check_table(const struct csv_table *t, size_t lines)
{
    FUZZ_CHECK(t->nrows >= 1 && t->nrows <= CSV_MAX_ROWS + 1, "%zu rows", t->nrows);
    FUZZ_CHECK(t->delimiter == ',' || t->delimiter == '\t' || t->delimiter == ';',
               "delimiter 0x%02x", (unsigned char)t->delimiter);
    FUZZ_CHECK(t->nlines == lines, "nlines %zu, the file has %zu", t->nlines, lines);
    size_t prev = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const struct csv_row *row = &t->rows[r];
        FUZZ_CHECK(row->line > prev && row->line <= lines, "row %zu on line %zu after %zu of %zu",
                   r, row->line, prev, lines);
        prev = row->line;
        FUZZ_CHECK(row->n >= 1 && row->n <= CSV_MAX_COLUMNS, "row %zu has %zu cells", r, row->n);
        for (size_t c = 0; c < row->n; c++) {
            size_t n = strlen(row->cells[c]);
            FUZZ_CHECK(n <= CSV_MAX_CELL, "a cell of %zu bytes", n);
            FUZZ_CHECK(ref_utf8_valid((const unsigned char *)row->cells[c], n),
                       "row %zu cell %zu is not UTF-8", r, c);
        }
    }
}

/* Cells holding control bytes (beyond tab and line breaks): written back
 * out without the blanks and blank lines that padded them, they can be dense
 * enough for csv_parse to take the file for binary, which is right. */
static bool has_controls(const struct csv_table *t)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->rows[r].n; c++)
            for (const unsigned char *p = (const unsigned char *)t->rows[r].cells[c]; *p; p++)
                n += *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r';
    return n >= 4;
}

static void check_roundtrip(const struct csv_table *t, struct arena *a)
{
    if (has_controls(t)) return;
    size_t len;
    char *text = reserialise(t, &len);
    struct csv_table u;
    size_t line;
    const char *msg;
    FUZZ_CHECK(csv_parse(text, len, a, &u, &line, &msg),
               "the table written back out is refused on line %zu: %s", line, msg);
    FUZZ_CHECK(u.delimiter == t->delimiter, "delimiter %c became %c", t->delimiter, u.delimiter);
    FUZZ_CHECK(u.nrows == t->nrows, "%zu rows became %zu", t->nrows, u.nrows);
    for (size_t r = 0; r < t->nrows; r++) {
        FUZZ_CHECK(u.rows[r].n == t->rows[r].n, "row %zu: %zu cells became %zu", r, t->rows[r].n,
                   u.rows[r].n);
        for (size_t c = 0; c < t->rows[r].n; c++)
            FUZZ_CHECK(strcmp(u.rows[r].cells[c], t->rows[r].cells[c]) == 0,
                       "row %zu cell %zu: \"%s\" became \"%s\"", r, c, t->rows[r].cells[c],
                       u.rows[r].cells[c]);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200000) return 0;
    char *copy = fuzz_cstr(data, size); /* ASan sees the exact end */
    struct arena a;
    arena_init(&a);
    struct csv_table t;
    size_t line = 0;
    const char *msg = NULL;
    size_t skip = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t lines = fuzz_count_lines(data + skip, size - skip);
    if (csv_parse(copy, size, &a, &t, &line, &msg)) {
        check_table(&t, lines);
        check_roundtrip(&t, &a);
    } else {
        FUZZ_CHECK(msg && *msg, "a refusal without a message");
        FUZZ_CHECK(line >= 1 && line <= (lines ? lines : 1), "refused on line %zu of %zu: %s", line,
                   lines, msg);
    }
    arena_free(&a);
    free(copy);
    return 0;
}
