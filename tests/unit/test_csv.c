/* Unit tests of src/formats/csv: quoting, line ends and line numbers, the
 * delimiter from the header or an Excel sep= line, Windows-1252, limits,
 * and files that are not text at all. */
#include "check.h"
#include "formats/csv.h"

#include <stdint.h>
#include <stdlib.h>

static struct arena A;

static bool parse(const char *s, struct csv_table *t, size_t *line, const char **msg)
{
    return csv_parse(s, strlen(s), &A, t, line, msg);
}

/* Expects s to be refused on line want_line. */
static void csv_refused(const char *s, size_t len, size_t want_line)
{
    struct csv_table t;
    size_t line = 0;
    const char *msg = NULL;
    CHECK(!csv_parse(s, len, &A, &t, &line, &msg));
    CHECK_INT(line, want_line);
    CHECK(msg && *msg);
}

static void test_csv_basic(void)
{
    struct csv_table t;
    size_t line;
    const char *msg;
    CHECK(parse("a,b,c\n1,2,3\n", &t, &line, &msg));
    CHECK_INT(t.nrows, 2);
    CHECK_INT(t.delimiter, ',');
    CHECK_INT(t.rows[1].n, 3);
    CHECK_STR(t.rows[1].cells[2], "3");
    CHECK_INT(t.nlines, 2);

    /* quotes, doubled quotes, delimiters inside quotes */
    CHECK(parse("name,note\n\"Smith, J\",\"He said \"\"hi\"\"\"\n", &t, &line, &msg));
    CHECK_STR(t.rows[1].cells[0], "Smith, J");
    CHECK_STR(t.rows[1].cells[1], "He said \"hi\"");

    /* an embedded line break: the next record starts two lines later */
    CHECK(parse("a,b\n\"x\ny\",z\nnext,row\n", &t, &line, &msg));
    CHECK_INT(t.nrows, 3);
    CHECK_STR(t.rows[1].cells[0], "x\ny");
    CHECK_INT(t.rows[1].line, 2);
    CHECK_INT(t.rows[2].line, 4);
    CHECK_STR(t.rows[2].cells[1], "row");

    /* CRLF, inside quotes too (kept as \n) */
    CHECK(parse("a,b\r\n\"x\r\ny\",z\r\nn,r\r\n", &t, &line, &msg));
    CHECK_STR(t.rows[1].cells[0], "x\ny");
    CHECK_INT(t.rows[2].line, 4);
    CHECK_STR(t.rows[2].cells[1], "r");
    CHECK_INT(t.nlines, 4);

    /* lone CR line ends, no final newline */
    CHECK(parse("a,b\rc,d\re,f", &t, &line, &msg));
    CHECK_INT(t.nrows, 3);
    CHECK_INT(t.rows[2].line, 3);
    CHECK_STR(t.rows[2].cells[1], "f");
    CHECK_INT(t.nlines, 3);

    /* BOM */
    CHECK(parse("\xEF\xBB\xBF"
                "First Name,x\nA,B\n",
                &t, &line, &msg));
    CHECK_STR(t.rows[0].cells[0], "First Name");

    /* blank lines are skipped, lines still counted */
    CHECK(parse("\na,b\n\n1,2\n\n\n3,4", &t, &line, &msg));
    CHECK_INT(t.nrows, 3);
    CHECK_INT(t.rows[0].line, 2);
    CHECK_INT(t.rows[1].line, 4);
    CHECK_INT(t.rows[2].line, 7);

    /* unquoted cells trimmed, quoted kept; a trailing delimiter is a cell */
    CHECK(parse("a , b ,\n  x  ,\" y \",\n", &t, &line, &msg));
    CHECK_STR(t.rows[0].cells[0], "a");
    CHECK_STR(t.rows[0].cells[1], "b");
    CHECK_INT(t.rows[0].n, 3);
    CHECK_STR(t.rows[0].cells[2], "");
    CHECK_STR(t.rows[1].cells[0], "x");
    CHECK_STR(t.rows[1].cells[1], " y ");

    /* the delimiter comes from the header */
    CHECK(parse("order-id\tsku\tname\n1\t2\tA, B\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, '\t');
    CHECK_STR(t.rows[1].cells[2], "A, B");
    CHECK(parse("a;b;c\n1;2,5;3\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, ';');
    CHECK_STR(t.rows[1].cells[1], "2,5");
    CHECK(parse("\"a,b\";c\n1;2\n", &t, &line, &msg)); /* the comma is quoted */
    CHECK_INT(t.delimiter, ';');
    CHECK_STR(t.rows[0].cells[0], "a,b");
}

static void test_csv_encoding(void)
{
    struct csv_table t;
    size_t line;
    const char *msg;
    /* not UTF-8: read as Windows-1252 */
    CHECK(parse("Name,Price\nZo\xEB,\x80"
                "5\n",
                &t, &line, &msg));
    CHECK_STR(t.rows[1].cells[0], "Zo\xC3\xAB");
    CHECK_STR(t.rows[1].cells[1], "\xE2\x82\xAC"
                                  "5");
    CHECK(parse("Name\n\x93quoted\x94 \x81\n", &t, &line, &msg));
    CHECK_STR(t.rows[1].cells[0], "\xE2\x80\x9Cquoted\xE2\x80\x9D \xC2\x81");
    /* valid UTF-8 stays as it is */
    CHECK(parse("Name\nZo\xC3\xAB\n", &t, &line, &msg));
    CHECK_STR(t.rows[1].cells[0], "Zo\xC3\xAB");
}

static void test_csv_refusals(void)
{
    csv_refused("", 0, 1);
    csv_refused("\n\r\n\n", 4, 1);
    csv_refused("\xEF\xBB\xBF", 3, 1);
    csv_refused("a,b\nc,d\ne\0f,g\n", 14, 3);        /* NUL, with its line */
    csv_refused("a,b\n\"x\ny\0\",z\n", 13, 3);       /* NUL inside quotes */
    csv_refused("a,b\n1,2\n\"open,3\n4,5\n", 20, 3); /* unterminated: where it opened */
    csv_refused("a,b\nx\"y,2\n", 10, 2);             /* stray quote */
    csv_refused("a\n\"x\"y\n", 7, 2);                /* text after a closing quote */

    /* limits: columns, cell bytes, rows */
    char *s = malloc(CSV_MAX_CELL * 2 + 64);
    size_t n = 0;
    for (int i = 0; i < CSV_MAX_COLUMNS; i++)
        s[n++] = 'x', s[n++] = ',';
    s[n - 1] = '\n';
    struct csv_table t;
    size_t line;
    const char *msg;
    CHECK(csv_parse(s, n, &A, &t, &line, &msg));
    CHECK_INT(t.rows[0].n, CSV_MAX_COLUMNS);
    memcpy(s, "a\n", 2);
    n = 2;
    for (int i = 0; i <= CSV_MAX_COLUMNS; i++)
        s[n++] = 'x', s[n++] = ',';
    s[n - 1] = '\n';
    csv_refused(s, n, 2);
    n = 0;
    s[n++] = 'a', s[n++] = '\n', s[n++] = '"';
    memset(s + n, 'y', CSV_MAX_CELL);
    n += CSV_MAX_CELL;
    s[n++] = '"';
    CHECK(csv_parse(s, n, &A, &t, &line, &msg));
    CHECK_INT(strlen(t.rows[1].cells[0]), CSV_MAX_CELL);
    memset(s + 2, 'y', CSV_MAX_CELL + 1);
    csv_refused(s, CSV_MAX_CELL + 3, 2);
    free(s);

    size_t big = (CSV_MAX_ROWS + 2) * 2;
    s = malloc(big);
    for (size_t i = 0; i < big; i += 2)
        s[i] = 'r', s[i + 1] = '\n';
    CHECK(csv_parse(s, big - 2, &A, &t, &line, &msg)); /* header + CSV_MAX_ROWS */
    CHECK_INT(t.nrows, CSV_MAX_ROWS + 1);
    csv_refused(s, big, CSV_MAX_ROWS + 2);
    free(s);
}

static void test_sep_line(void)
{
    struct csv_table t;
    size_t line;
    const char *msg;
    /* Excel's sep= line names the delimiter and is not a row; lines keep counting */
    CHECK(parse("sep=;\r\nFirst Name;City\r\nZo\xC3\xAB;Leeds, West\r\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, ';');
    CHECK(t.sep_line);
    CHECK_INT(t.nrows, 2);
    CHECK_STR(t.rows[0].cells[0], "First Name");
    CHECK_INT(t.rows[0].line, 2);
    CHECK_STR(t.rows[1].cells[1], "Leeds, West");
    CHECK_INT(t.nlines, 3);
    /* it wins over counting: more commas than semicolons in the header */
    CHECK(parse("sep=;\na,b;c\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, ';');
    CHECK_STR(t.rows[0].cells[0], "a,b");
    CHECK(parse("\xEF\xBB\xBFsep=,\na;b,c\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, ',');
    CHECK(parse("sep=\t\na,b\tc\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, '\t');
    /* not a sep line: a longer first line, or a header cell named so */
    CHECK(parse("sep=;x\n1\n", &t, &line, &msg));
    CHECK(!t.sep_line);
    CHECK(parse("a;b;c\n1;2;3\n", &t, &line, &msg));
    CHECK_INT(t.delimiter, ';');
    CHECK(!t.sep_line);
    csv_refused("sep=|\na|b\n", 10, 1);
    csv_refused("sep=;\n", 6, 1);
    csv_refused("sep=;", 5, 1);
}

static void test_not_text(void)
{
    static const char zip[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    struct csv_table t;
    size_t line = 0;
    const char *msg = NULL;
    CHECK(!csv_parse(zip, sizeof zip - 1, &A, &t, &line, &msg));
    CHECK_INT(line, 1);
    CHECK(msg && strstr(msg, "not a CSV or TSV text file") && strstr(msg, ".xlsx"));
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest";
    CHECK(!csv_parse(xls, sizeof xls - 1, &A, &t, &line, &msg));
    CHECK(msg && strstr(msg, ".xls"));
    static const char png[] = "\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00"
                              "\x08\x06\x00\x00\x00";
    CHECK(!csv_parse(png, sizeof png - 1, &A, &t, &line, &msg));
    CHECK_INT(line, 1);
    CHECK(msg && strstr(msg, "not a CSV or TSV text file"));
    /* random bytes: not reported as a misplaced quote */
    unsigned char noise[2048];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof noise; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        noise[i] = (unsigned char)x;
    }
    noise[0] = 'a'; /* no magic number */
    CHECK(!csv_parse((const char *)noise, sizeof noise, &A, &t, &line, &msg));
    CHECK_INT(line, 1);
    CHECK(msg && strstr(msg, "not a CSV or TSV text file"));
    /* Excel's "Unicode Text" is UTF-16: named as such, not as a binary file */
    static const char utf16[] = "\xFF\xFE"
                                "N\0a\0m\0e\0\t\0C\0i\0t\0y\0\r\0\n\0";
    CHECK(!csv_parse(utf16, sizeof utf16 - 1, &A, &t, &line, &msg));
    CHECK(msg && strstr(msg, "UTF-16") && strstr(msg, "CSV UTF-8"));
    /* one stray control byte in text is still reported where it is */
    csv_refused("a,b\nc,d\ne\0f,g\n", 14, 3);
}

int main(void)
{
    arena_init(&A);
    test_csv_basic();
    test_csv_encoding();
    test_csv_refusals();
    test_sep_line();
    test_not_text();
    arena_free(&A);
    return check_report("test_csv");
}
