/* import_stream: cutting a file into chunks that import_read_with reads
 * behind the file's header (see the header). */
#include "formats/import_stream.h"
#include "formats/csv.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define READ_BLOCK (64u << 10)
/* A record longer than this is cut there and handed on as it is: csv_parse
 * then says what is wrong with it (an unclosed quote, a cell too long). */
#define RECORD_MAX (1u << 20)

/* Bytes that grow, outside any arena: a chunk's text is rebuilt in the
 * same memory chunk after chunk. */
struct bytes {
    char *p;
    size_t len, cap;
};

static void bytes_add(struct bytes *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

struct import_stream {
    FILE *f;
    char block[READ_BLOCK];
    size_t pos, len;
    bool eof;
    struct import_defaults d;
    struct bytes prefix; /* from the file's start through its header record */
    size_t prefix_lines;
    size_t line; /* the physical line the next record starts on */
    uint64_t bytes;
    size_t rows;
    int key_column; /* -1 until known, or when the layout has no order number */
    bool started, ended;
    struct bytes chunk;
    struct bytes held; /* a record read past the end of the last chunk */
    size_t held_line;
    struct bytes key_scratch;
};

static int peek(struct import_stream *s)
{
    if (s->pos == s->len) {
        if (s->eof) return EOF;
        s->len = fread(s->block, 1, sizeof s->block, s->f);
        s->pos = 0;
        if (s->len == 0) {
            s->eof = true;
            return EOF;
        }
    }
    return (unsigned char)s->block[s->pos];
}

/* One record, with its line end, appended to out: false at the end of
 * the file with nothing read. Quotes toggle (a "" inside a quoted cell
 * toggles twice); a line end outside them ends the record. */
static bool read_record(struct import_stream *s, struct bytes *out)
{
    bool quoted = false, any = false;
    size_t start = out->len;
    for (;;) {
        int c = peek(s);
        if (c == EOF) break;
        /* copy the run of bytes that cannot end the record at once */
        size_t run = s->pos;
        while (run < s->len && s->block[run] != '\r' && s->block[run] != '\n' &&
               s->block[run] != '"')
            run++;
        if (run > s->pos) {
            bytes_add(out, s->block + s->pos, run - s->pos);
            s->bytes += run - s->pos;
            s->pos = run;
            any = true;
            if (out->len - start > RECORD_MAX) break;
            continue;
        }
        char ch = (char)c;
        bytes_add(out, &ch, 1);
        s->pos++, s->bytes++, any = true;
        if (ch == '"') {
            quoted = !quoted;
            continue;
        }
        if (ch == '\r' && peek(s) == '\n') {
            bytes_add(out, "\n", 1);
            s->pos++, s->bytes++;
        }
        s->line++;
        if (!quoted || out->len - start > RECORD_MAX) break;
    }
    /* a last line without its line end still counts as a line */
    if (any && (out->len == 0 || (out->p[out->len - 1] != '\n' && out->p[out->len - 1] != '\r')))
        s->line++;
    return any;
}

/* Whether a record holds any text (blank lines and rows of empty cells
 * hold none). */
static bool has_text(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t,;\r\n\"", p[i])) return true;
    return false;
}

/* Excel's "sep=;" line, first in the file (after a byte order mark). */
static bool sep_line(const char *p, size_t n)
{
    if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3, n -= 3;
    while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    return n == 5 && !memcmp(p, "sep=", 4);
}

/* The prefix every chunk is read behind: the lines up to and including
 * the first record with text (and the sep line before it). */
static void read_prefix(struct import_stream *s)
{
    bool first = true;
    for (;;) {
        size_t before = s->prefix.len;
        if (!read_record(s, &s->prefix)) break;
        const char *rec = s->prefix.p + before;
        size_t n = s->prefix.len - before;
        if (first && sep_line(rec, n)) {
            first = false;
            continue;
        }
        first = false;
        if (has_text(rec, n) || s->prefix.len > RECORD_MAX) break;
    }
    s->prefix_lines = s->line - 1;
    /* a header that is the file's last line, without a line end: give it
     * one, so the records after the prefix start on a line of their own */
    if (s->prefix.len && s->prefix.p[s->prefix.len - 1] != '\n' &&
        s->prefix.p[s->prefix.len - 1] != '\r')
        bytes_add(&s->prefix, "\n", 1);
}

struct import_stream *import_stream_open(FILE *f, const struct import_defaults *d)
{
    struct import_stream *s = xcalloc(1, sizeof *s);
    s->f = f;
    s->d = *d;
    s->line = 1;
    s->key_column = -1;
    read_prefix(s);
    /* the header alone says the layout, and so which column, if any, holds
     * the order number a chunk must not cut through */
    struct arena a;
    arena_init(&a);
    struct import_batch b;
    if (import_read_with(s->prefix.p, s->prefix.len, d, &a, &b)) s->key_column = b.key_column;
    import_batch_free(&b);
    arena_free(&a);
    return s;
}

void import_stream_close(struct import_stream *s)
{
    if (!s) return;
    free(s->prefix.p);
    free(s->chunk.p);
    free(s->held.p);
    free(s->key_scratch.p);
    free(s);
}

uint64_t import_stream_bytes(const struct import_stream *s)
{
    return s->bytes;
}

size_t import_stream_rows(const struct import_stream *s)
{
    return s->rows;
}

/* The order number of one record, read as the file's header reads it:
 * NULL when it has none (a blank or summary line). */
static const char *record_key(struct import_stream *s, const char *rec, size_t n, struct arena *a)
{
    s->key_scratch.len = 0;
    bytes_add(&s->key_scratch, s->prefix.p, s->prefix.len);
    bytes_add(&s->key_scratch, rec, n);
    struct csv_table t;
    size_t line;
    const char *message;
    if (!csv_parse(s->key_scratch.p, s->key_scratch.len, a, &t, &line, &message)) return NULL;
    if (t.nrows < 2) return NULL;
    const struct csv_row *row = &t.rows[t.nrows - 1];
    if ((size_t)s->key_column >= row->n) return NULL;
    const char *k = row->cells[s->key_column];
    while (*k == ' ' || *k == '\t')
        k++;
    return *k ? k : NULL;
}

/* Turns a chunk's line numbers (its records start after the prefix) into
 * the file's. */
static void shift_lines(struct import_batch *b, size_t prefix_lines, size_t offset)
{
    for (size_t i = 0; i < b->norders; i++)
        if (b->orders[i].line > prefix_lines) b->orders[i].line += offset;
    for (size_t i = 0; i < b->nerrors; i++)
        if (b->errors[i].line > prefix_lines) b->errors[i].line += offset;
    for (size_t i = 0; i < b->nleft_out; i++)
        if (b->left_out[i].line > prefix_lines) b->left_out[i].line += offset;
}

/* Appends the record just read (at chunk[from..]) and counts it. */
static void count_record(struct import_stream *s, size_t from)
{
    if (has_text(s->chunk.p + from, s->chunk.len - from)) s->rows++;
}

/* Appends records until the chunk has IMPORT_STREAM_ROWS rows with text,
 * then, for a layout with order numbers, the rows after it of the same
 * order; the first record of another order is held for the next chunk. */
static size_t fill_chunk(struct import_stream *s, struct arena *a, size_t *first_line)
{
    size_t nrec = 0;
    *first_line = s->line;
    if (s->held.len) {
        *first_line = s->held_line;
        size_t from = s->chunk.len;
        bytes_add(&s->chunk, s->held.p, s->held.len);
        s->held.len = 0;
        count_record(s, from);
        nrec++;
    }
    size_t last = s->chunk.len;
    while (nrec < IMPORT_STREAM_ROWS) {
        size_t from = s->chunk.len;
        if (!read_record(s, &s->chunk)) return nrec;
        if (!has_text(s->chunk.p + from, s->chunk.len - from)) continue;
        count_record(s, from);
        last = from;
        nrec++;
    }
    if (s->key_column < 0) return nrec;
    const char *key = record_key(s, s->chunk.p + last, s->chunk.len - last, a);
    for (;;) {
        size_t line = s->line;
        if (!read_record(s, &s->held)) break;
        const char *k = key ? record_key(s, s->held.p, s->held.len, a) : NULL;
        if (!k || strcmp(k, key)) {
            s->held_line = line;
            break;
        }
        size_t from = s->chunk.len;
        bytes_add(&s->chunk, s->held.p, s->held.len);
        s->held.len = 0;
        count_record(s, from);
        nrec++;
    }
    return nrec;
}

enum import_chunk import_stream_next(struct import_stream *s, struct arena *a,
                                     struct import_batch *out)
{
    memset(out, 0, sizeof *out);
    out->key_column = -1;
    if (s->ended) return IMPORT_END;
    s->chunk.len = 0;
    bytes_add(&s->chunk, s->prefix.p, s->prefix.len);
    size_t first_line = 0;
    size_t nrec = fill_chunk(s, a, &first_line);
    if (!nrec && s->started) {
        s->ended = true;
        return IMPORT_END;
    }
    bool ok = import_read_with(s->chunk.p, s->chunk.len, &s->d, a, out);
    shift_lines(out, s->prefix_lines, first_line - (s->prefix_lines + 1));
    out->nlines = s->line - 1;
    s->started = true;
    if (!ok) {
        import_batch_free(out);
        s->ended = true;
        return IMPORT_FILE_ERROR;
    }
    if (!nrec) s->ended = true; /* a file of a header only: this was all of it */
    return IMPORT_CHUNK;
}
