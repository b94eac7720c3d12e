/* csv: the RFC 4180 reader, with the leniencies real spreadsheet files need
 * (byte order mark, any line end, Windows-1252, blank lines). */
#include "formats/csv.h"
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

struct csv_parser {
    const char *p, *end;
    size_t line;
    char delim;
    struct arena *a;
    char *cell; /* scratch for a quoted cell, CSV_MAX_CELL bytes */
    size_t cell_len;
    const char **cells; /* scratch for one row, CSV_MAX_COLUMNS pointers */
    size_t ncells;
    struct csv_row *rows;
    size_t nrows, cap;
    size_t err_line;
    const char *err;
};

/* Code points of Windows-1252's 0x80-0x9F; the five bytes it leaves
 * undefined map to the C1 control of the same value, as the WHATWG
 * Encoding Standard does, so no byte is lost. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* Windows-1252 to UTF-8: at most three bytes out for each byte in. */
static char *csv_from_cp1252(const char *s, size_t n, struct arena *a, size_t *out_len)
{
    char *out = arena_alloc(a, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        if (c >= 0x80 && c < 0xA0) c = cp1252_c1[c - 0x80];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c < 0x800) {
            out[o++] = (char)(0xC0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | c >> 12);
            out[o++] = (char)(0x80 | (c >> 6 & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    *out_len = o;
    return out;
}

static bool csv_eol(char c)
{
    return c == '\r' || c == '\n';
}

/* Picks the delimiter from the header record: skips blank lines, then counts
 * each candidate outside quotes up to the record's end. Tab and semicolon win
 * only by occurring more often than the comma. */
static char csv_pick_delimiter(const char *p, const char *end)
{
    while (p < end && csv_eol(*p))
        p++;
    size_t comma = 0, tab = 0, semi = 0;
    bool quoted = false;
    for (; p < end && (quoted || !csv_eol(*p)); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == ',')
            comma++;
        else if (!quoted && *p == '\t')
            tab++;
        else if (!quoted && *p == ';')
            semi++;
    }
    if (tab > comma && tab >= semi) return '\t';
    if (semi > comma && semi > tab) return ';';
    return ',';
}

static bool csv_fail(struct csv_parser *ps, size_t line, const char *message)
{
    ps->err_line = line;
    ps->err = message;
    return false;
}

/* Consumes one line end (CRLF, LF or CR) at ps->p. */
static void csv_next_line(struct csv_parser *ps)
{
    if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n') ps->p++;
    ps->p++;
    ps->line++;
}

static bool csv_blank(const struct csv_parser *ps, char c)
{
    return c == ' ' || (c == '\t' && ps->delim != '\t');
}

static bool csv_add_cell(struct csv_parser *ps, const char *text)
{
    if (ps->ncells == CSV_MAX_COLUMNS)
        return csv_fail(ps, ps->line, "this line has more than 256 columns");
    ps->cells[ps->ncells++] = text;
    return true;
}

/* A quoted cell, from its opening quote: "" is one quote, line breaks inside
 * are kept as "\n", and only blanks may follow the closing quote. */
static bool csv_quoted(struct csv_parser *ps)
{
    size_t opened = ps->line;
    ps->cell_len = 0;
    ps->p++;
    for (;;) {
        if (ps->p == ps->end)
            return csv_fail(ps, opened,
                            "a quote opens a cell on this line but is never closed; check for a "
                            "missing \" at the end of the cell");
        char c = *ps->p;
        if (c == '\0') return csv_fail(ps, ps->line, "the file contains a NUL byte");
        if (c == '"') {
            if (ps->p + 1 < ps->end && ps->p[1] == '"') {
                ps->p++;
            } else {
                ps->p++;
                break;
            }
        }
        if (ps->cell_len == CSV_MAX_CELL)
            return csv_fail(ps, ps->line, "a cell is longer than 4096 bytes");
        if (csv_eol(c)) {
            ps->cell[ps->cell_len++] = '\n';
            csv_next_line(ps);
            continue;
        }
        ps->cell[ps->cell_len++] = c;
        ps->p++;
    }
    while (ps->p < ps->end && csv_blank(ps, *ps->p))
        ps->p++;
    if (ps->p < ps->end && *ps->p != ps->delim && !csv_eol(*ps->p))
        return csv_fail(ps, ps->line,
                        *ps->p ? "there is text after the closing quote of a cell; a quote "
                                 "inside a quoted cell must be doubled (\"\")"
                               : "the file contains a NUL byte");
    return csv_add_cell(ps, arena_strndup(ps->a, ps->cell, ps->cell_len));
}

/* An unquoted cell: runs to the delimiter or the line end, trimmed. */
static bool csv_plain(struct csv_parser *ps)
{
    const char *start = ps->p;
    for (; ps->p < ps->end && *ps->p != ps->delim && !csv_eol(*ps->p); ps->p++) {
        if (*ps->p == '"')
            return csv_fail(ps, ps->line,
                            "a cell contains a quote (\") but does not start with one; put the "
                            "whole cell in quotes and double the quote inside (\"\")");
        if (*ps->p == '\0') return csv_fail(ps, ps->line, "the file contains a NUL byte");
    }
    const char *stop = ps->p;
    while (stop > start && csv_blank(ps, stop[-1]))
        stop--;
    if ((size_t)(stop - start) > CSV_MAX_CELL)
        return csv_fail(ps, ps->line, "a cell is longer than 4096 bytes");
    return csv_add_cell(ps, arena_strndup(ps->a, start, (size_t)(stop - start)));
}

static bool csv_keep_row(struct csv_parser *ps, size_t line)
{
    if (ps->nrows == CSV_MAX_ROWS + 1)
        return csv_fail(ps, line, "the file has more than 20000 rows; split it into smaller files");
    ps->rows = arena_grow(ps->a, ps->rows, ps->nrows, &ps->cap, sizeof *ps->rows, 64);
    const char **cells = arena_alloc(ps->a, ps->ncells * sizeof *cells);
    memcpy(cells, ps->cells, ps->ncells * sizeof *cells);
    ps->rows[ps->nrows++] = (struct csv_row){line, ps->ncells, cells};
    return true;
}

/* One record from ps->p to just past its line end. A record that is a
 * single empty unquoted cell (a blank line, or only blanks) is skipped. */
static bool csv_record(struct csv_parser *ps)
{
    size_t line = ps->line;
    bool quoted_any = false;
    ps->ncells = 0;
    for (;;) {
        while (ps->p < ps->end && csv_blank(ps, *ps->p))
            ps->p++;
        bool quoted = ps->p < ps->end && *ps->p == '"';
        quoted_any |= quoted;
        if (!(quoted ? csv_quoted(ps) : csv_plain(ps))) return false;
        if (ps->p < ps->end && *ps->p == ps->delim) {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end) csv_next_line(ps);
        break;
    }
    if (ps->ncells == 1 && !quoted_any && !ps->cells[0][0]) return true;
    return csv_keep_row(ps, line);
}

/* Physical lines of the text: line ends, plus one for a last line without. */
static size_t csv_count_lines(const char *p, const char *end)
{
    size_t n = 0;
    for (const char *q = p; q < end; q++)
        if (*q == '\n' || (*q == '\r' && (q + 1 == end || q[1] != '\n'))) n++;
    if (end > p && !csv_eol(end[-1])) n++;
    return n;
}

/* Excel's "sep=;" first line (what it writes, and reads, to say which
 * delimiter follows): the delimiter it names, 0 when the first line is not
 * one, or -1 when it names a delimiter this reader does not split on. Only
 * a whole line of exactly "sep=" and one character counts. */
static int csv_sep_line(const char *p, const char *end)
{
    if (end - p < 5 || memcmp(p, "sep=", 4) != 0) return 0;
    if (p + 5 < end && !csv_eol(p[5])) return 0;
    char c = p[4];
    return c == ',' || c == ';' || c == '\t' ? c : -1;
}

/* A file that is not text at all: a workbook (.xlsx and .ods are zip
 * archives, .xls an OLE compound file), a PDF or an image uploaded by
 * mistake, or anything that is not UTF-8 and whose first 4 KiB hold control
 * bytes no spreadsheet text has (a stray one is reported where it is, as a
 * NUL byte). */
static const char *csv_binary(const unsigned char *p, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } kinds[] = {
        {"PK\x03\x04", 4,
         "this is not a CSV or TSV text file but a zip archive (an .xlsx or .ods "
         "workbook?); open it in your spreadsheet and save it as CSV"},
        {"\xD0\xCF\x11\xE0", 4,
         "this is not a CSV or TSV text file but an Excel workbook (.xls); "
         "open it in your spreadsheet and save it as CSV"},
        {"%PDF", 4, "this is not a CSV or TSV text file but a PDF document"},
        {"\xFF\xFE", 2,
         "this file is UTF-16 text (Excel's \"Unicode Text\"), which postroom does "
         "not read; save it as \"CSV UTF-8\" instead"},
        {"\xFE\xFF", 2,
         "this file is UTF-16 text, which postroom does not read; save it as "
         "\"CSV UTF-8\" instead"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (n >= kinds[i].len && memcmp(p, kinds[i].magic, kinds[i].len) == 0) return kinds[i].what;
    /* Text that is valid UTF-8 is text, whatever control characters its
     * cells hold (a stored order can hold some, and its export must import
     * back); binary files are almost never valid UTF-8. */
    if (utf8_valid((const char *)p, n)) return NULL;
    size_t scan = n < 4096 ? n : 4096, control = 0;
    for (size_t i = 0; i < scan; i++)
        control += p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r';
    if (control >= 4 && control * 100 > scan)
        return "this is not a CSV or TSV text file (an .xlsx workbook or an image?); open it in "
               "your spreadsheet and save it as CSV";
    return NULL;
}

bool csv_parse(const char *data, size_t len, struct arena *a, struct csv_table *out,
               size_t *err_line, const char **err_message)
{
    memset(out, 0, sizeof *out);
    if (len == 0) {
        *err_line = 1;
        *err_message = "the file is empty";
        return false;
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, len -= 3;
    const char *binary = csv_binary((const unsigned char *)data, len);
    if (binary) {
        *err_line = 1;
        *err_message = binary;
        return false;
    }
    if (!utf8_valid(data, len)) data = csv_from_cp1252(data, len, a, &len);
    struct csv_parser ps = {.p = data, .end = data + len, .line = 1, .a = a};
    int sep = csv_sep_line(ps.p, ps.end);
    if (sep < 0) {
        *err_line = 1;
        *err_message = "the first line names a delimiter other than a comma, semicolon or tab";
        return false;
    }
    if (sep) {
        ps.delim = (char)sep;
        ps.p += 4 + 1;
        if (ps.p < ps.end) csv_next_line(&ps);
    } else {
        ps.delim = csv_pick_delimiter(ps.p, ps.end);
    }
    ps.cell = arena_alloc(a, CSV_MAX_CELL);
    ps.cells = arena_alloc(a, CSV_MAX_COLUMNS * sizeof *ps.cells);
    while (ps.p < ps.end) {
        if (!csv_record(&ps)) {
            *err_line = ps.err_line;
            *err_message = ps.err;
            return false;
        }
    }
    if (ps.nrows == 0) {
        *err_line = 1;
        *err_message = "the file is empty";
        return false;
    }
    out->delimiter = ps.delim;
    out->sep_line = sep != 0;
    out->rows = ps.rows;
    out->nrows = ps.nrows;
    out->nlines = csv_count_lines(data, data + len);
    return true;
}
