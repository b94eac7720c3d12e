/* csv: an RFC 4180 reader for the spreadsheets people upload (Excel, Google
 * Sheets, marketplace exports), turning one file into rows of cells.
 *
 * Pure logic: the whole file is in memory and every cell comes from the
 * caller's arena. Hard limits on columns, cell size and rows keep one
 * upload's cost bounded. */
#ifndef POSTROOM_CSV_H
#define POSTROOM_CSV_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_COLUMNS 256
#define CSV_MAX_CELL 4096  /* bytes per cell, after decoding */
#define CSV_MAX_ROWS 20000 /* data rows, header excluded */

struct csv_row {
    size_t line;        /* 1-based physical line where the record starts */
    size_t n;           /* cells, at least 1 */
    const char **cells; /* NUL-terminated UTF-8, without NUL bytes inside */
};

struct csv_table {
    char delimiter; /* ',', '\t' or ';' */
    bool sep_line;  /* the first line was Excel's "sep=;" (or "sep=," "sep=\t") */
    struct csv_row *rows;
    size_t nrows;  /* rows[0] is the header; nrows >= 1 on success */
    size_t nlines; /* physical lines in the file (a last line without its newline counts) */
};

/* Parses a whole file.
 *
 * The delimiter is the one a first line of exactly "sep=;" (or "sep=,",
 * "sep=" and a tab; Excel writes and reads this line) names, that line then
 * being no row; otherwise ',', '\t' or ';', whichever occurs most often
 * outside quotes in the header (the first non-blank record); ',' on a tie
 * or when there is none. Accepts a UTF-8 byte order mark, CRLF, LF or lone CR line
 * ends, quoted cells with "" escapes and embedded line breaks (kept as "\n"),
 * a missing final newline, and skips completely blank lines. A file that is
 * not valid UTF-8 is read as Windows-1252 (what Excel on Windows saves as
 * "CSV") and converted to UTF-8. Unquoted cells are trimmed of surrounding
 * spaces (and tabs, unless tab is the delimiter); quoted cells are kept
 * exactly. Rows may have different numbers of cells.
 *
 * Returns false, with the physical line and a plain-English sentence for the
 * person who made the file, on: an empty file, a file that is not text (a
 * zip archive such as an .xlsx, an .xls, a PDF, UTF-16 text with its byte
 * order mark, or control bytes in more
 * than 1% of its first 4 KiB: line 1), a NUL byte, an unterminated
 * quote (the line where it opened), a quote inside an unquoted cell, text
 * after a closing quote, or more than the limits above. */
bool csv_parse(const char *data, size_t len, struct arena *a, struct csv_table *out,
               size_t *err_line, const char **err_message);

#endif
