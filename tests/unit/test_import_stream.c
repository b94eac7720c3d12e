/* Unit tests of src/formats/import_stream: a file read chunk by chunk gives
 * what import_read_with gives for it whole (the same orders, errors and
 * line numbers), line numbers run on across chunks (quoted line breaks,
 * CRLF, lone CR, blank lines, a sep= line), the rows of one order of a
 * line-item layout are never cut apart, and a file-level problem ends the
 * stream with its line. */
#include "check.h"
#include "formats/import_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;

static char *dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(15));
    char *out = arena_strdup(&A, s);
    free(s);
    return out;
}

#define NOW_MS 1709632800000LL

static const char cd_header[] =
    "First Name,Last Name,Address Line 1,City,Postcode,Country,Order reference,Order date,"
    "Weight,Package size\r\n";

/* Every chunk of a stream over data, collected: orders (dumped) and their
 * lines, and errors' lines. */
struct got {
    char **orders;
    size_t *lines, n;
    size_t *err_lines, nerr;
    const char *first_error;
    enum import_chunk last;
    size_t chunks, rows;
};

static void stream_all(const char *data, size_t len, struct got *g)
{
    memset(g, 0, sizeof *g);
    FILE *f = fmemopen((void *)data, len, "rb");
    CHECK(f != NULL);
    if (!f) return;
    struct import_defaults d = {.now_ms = NOW_MS};
    struct import_stream *s = import_stream_open(f, &d);
    size_t cap = 8192;
    g->orders = arena_alloc(&A, cap * sizeof *g->orders);
    g->lines = arena_alloc(&A, cap * sizeof *g->lines);
    g->err_lines = arena_alloc(&A, cap * sizeof *g->err_lines);
    for (;;) {
        struct import_batch b;
        g->last = import_stream_next(s, &A, &b);
        if (g->last == IMPORT_END) break;
        g->chunks++;
        for (size_t i = 0; i < b.nerrors && g->nerr < cap; i++) {
            if (!g->first_error) g->first_error = b.errors[i].message;
            g->err_lines[g->nerr++] = b.errors[i].line;
        }
        for (size_t i = 0; i < b.norders && g->n < cap; i++) {
            g->orders[g->n] = dump(b.orders[i].item);
            g->lines[g->n++] = b.orders[i].line;
        }
        import_batch_free(&b);
        if (g->last == IMPORT_FILE_ERROR) break;
    }
    g->rows = import_stream_rows(s);
    CHECK_INT(import_stream_bytes(s), len);
    import_stream_close(s);
    fclose(f);
}

/* A file that fits one chunk streams exactly as import_read_with reads it. */
static void same_as_whole(const char *data)
{
    struct import_batch b;
    struct import_defaults d = {.now_ms = NOW_MS};
    bool ok = import_read_with(data, strlen(data), &d, &A, &b);
    struct got g;
    stream_all(data, strlen(data), &g);
    CHECK_INT(g.last == IMPORT_FILE_ERROR, !ok);
    CHECK_INT(g.n, b.norders);
    for (size_t i = 0; i < b.norders && i < g.n; i++) {
        CHECK_STR(g.orders[i], dump(b.orders[i].item));
        CHECK_INT(g.lines[i], b.orders[i].line);
    }
    CHECK_INT(g.nerr, b.nerrors);
    for (size_t i = 0; i < b.nerrors && i < g.nerr; i++)
        CHECK_INT(g.err_lines[i], b.errors[i].line);
    import_batch_free(&b);
}

static void test_small_files_as_whole(void)
{
    char f[2048];
    snprintf(f, sizeof f, "%s%s%s%s", cd_header,
             "Ann,Lee,1 High St,Leeds,LS1 1AA,GB,R-1,01/03/2024,0.5,parcel\r\n",
             "Bo,\"Line\r\nbreak\",2 Low Rd,York,YO1 7HH,GB,R-2,31/02/2024,0.5,parcel\r\n",
             "\r\n\r\nCy,Day,3 Mid St,Hull,HU1 1AA,GB,R-3,02/03/2024,0.5,parcel");
    same_as_whole(f);
    /* Excel's sep= line and semicolons, lone CR line ends */
    same_as_whole("sep=;\rFirst Name;Last Name;Address Line 1;City;Postcode;Country;Order "
                  "reference\rAnn;Lee;1 High St;Leeds;LS1 1AA;GB;S-1\r");
    /* a header alone, a file with no header, a layout nobody knows, not text */
    same_as_whole(cd_header);
    same_as_whole("\r\n\r\n");
    same_as_whole("Name,Colour\r\nA,Blue\r\n");
    same_as_whole("PK\x03\x04junk");
}

static char *cd_file(size_t n, size_t bad_line)
{
    size_t cap = strlen(cd_header) + n * 96 + 1, o = 0;
    char *f = arena_alloc(&A, cap);
    o += (size_t)snprintf(f + o, cap - o, "%s", cd_header);
    for (size_t i = 0; i < n; i++) {
        size_t line = i + 2;
        o += (size_t)snprintf(f + o, cap - o,
                              "A%zu,Lee,%zu High St,Leeds,LS1 1AA,GB,R-%zu,%s,0.5,"
                              "parcel\r\n",
                              i, i, i, line == bad_line ? "32/13/2024" : "01/03/2024");
    }
    return f;
}

static void test_lines_run_on_across_chunks(void)
{
    size_t n = 3 * IMPORT_STREAM_ROWS + 17;
    char *f = cd_file(n, 2 * IMPORT_STREAM_ROWS + 5);
    struct got g;
    stream_all(f, strlen(f), &g);
    CHECK_INT(g.last, IMPORT_END);
    CHECK_INT(g.chunks, 4);
    CHECK_INT(g.rows, n);
    CHECK_INT(g.n, n - 1); /* the bad row's order is left out */
    CHECK_INT(g.nerr, 1);
    CHECK_INT(g.err_lines[0], 2 * IMPORT_STREAM_ROWS + 5);
    bool in_order = true;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (i + 2 == 2 * IMPORT_STREAM_ROWS + 5) continue;
        in_order &= g.lines[k++] == i + 2;
    }
    CHECK(in_order);
    CHECK(strstr(g.orders[g.n - 1], "\"orderReference\":\"R-3016\"") != NULL);
}

/* Shopify writes one row per line item: an order's rows straddling the
 * chunk's end stay one order. */
static void test_line_items_stay_together(void)
{
    const char *head = "Name,Lineitem name,Lineitem quantity,Lineitem price,Shipping Name,Shipping "
                       "Street,Shipping City,Shipping Zip,Shipping Country,Created at\r\n";
    size_t orders = IMPORT_STREAM_ROWS + 300, cap = orders * 3 * 120 + 256, o = 0;
    char *f = arena_alloc(&A, cap);
    o += (size_t)snprintf(f + o, cap - o, "%s", head);
    size_t rows = 0;
    for (size_t i = 0; i < orders; i++)
        for (size_t k = 0; k < 1 + i % 3; k++, rows++)
            o += (size_t)snprintf(f + o, cap - o,
                                  "#%zu,Item %zu,1,2.00,Ann Lee,1 High St,Leeds,LS1 1AA,GB,"
                                  "2024-03-01 10:00:00 +0000\r\n",
                                  1000 + i, k);
    struct got g;
    stream_all(f, o, &g);
    CHECK_INT(g.last, IMPORT_END);
    CHECK(g.chunks >= 3);
    CHECK_INT(g.rows, rows);
    CHECK_INT(g.n, orders);
    bool whole = true;
    for (size_t i = 0; i < g.n && i < orders; i++) {
        size_t items = 0;
        for (const char *p = g.orders[i]; (p = strstr(p, "\"name\":\"Item ")); p++)
            items++;
        whole &= items == 1 + i % 3;
    }
    CHECK(whole);
}

static void test_file_errors_end_the_stream(void)
{
    /* an unclosed quote in the second chunk: the stream ends there, on its line */
    char *f = cd_file(IMPORT_STREAM_ROWS + 50, 0);
    char *p = strstr(f, "A1010,");
    CHECK(p != NULL);
    if (p) p[0] = '"';
    struct got g;
    stream_all(f, strlen(f), &g);
    CHECK_INT(g.last, IMPORT_FILE_ERROR);
    CHECK_INT(g.nerr, 1);
    CHECK_INT(g.err_lines[0], 1012);
    CHECK(g.first_error && strstr(g.first_error, "quote"));
}

int main(void)
{
    arena_init(&A);
    test_small_files_as_whole();
    test_lines_run_on_across_chunks();
    test_line_items_stay_together();
    test_file_errors_end_the_stream();
    arena_free(&A);
    return check_report("test_import_stream");
}
