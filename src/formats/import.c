/* import: reading a spreadsheet file into orders: finding the header,
 * recognising the layout, grouping line-item rows into orders. The mapping
 * of one order is import_map.c; the layouts are import_layouts.c. */
#include "formats/import_impl.h"

#include <string.h>

static bool imp_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The header row's cells, trimmed once, for matching against every layout. */
struct imp_header {
    const char **text;
    size_t *len;
    size_t n;
};

static void imp_header_init(struct arena *a, const struct csv_row *h, struct imp_header *hd)
{
    hd->n = h->n;
    hd->text = arena_alloc(a, h->n * sizeof *hd->text);
    hd->len = arena_alloc(a, h->n * sizeof *hd->len);
    for (size_t i = 0; i < h->n; i++) {
        const char *c = h->cells[i];
        while (imp_space(*c))
            c++;
        size_t n = strlen(c);
        while (n && imp_space(c[n - 1]))
            n--;
        hd->text[i] = c;
        hd->len[i] = n;
    }
}

/* Header text equality, ignoring ASCII case (the cell is already trimmed). */
static bool imp_header_eq(const char *cell, size_t n, const char *header, size_t hn)
{
    if (n != hn) return false;
    for (size_t i = 0; i < n; i++) {
        char x = cell[i] >= 'A' && cell[i] <= 'Z' ? (char)(cell[i] + 32) : cell[i];
        char y = header[i] >= 'A' && header[i] <= 'Z' ? (char)(header[i] + 32) : header[i];
        if (x != y) return false;
    }
    return true;
}

const char *import_cell(const struct import_reader *r, const struct csv_row *row,
                        enum import_slot s)
{
    int c = r->col[s];
    if (c < 0 || (size_t)c >= row->n) return NULL;
    const char *v = row->cells[c];
    while (imp_space(*v))
        v++;
    size_t n = strlen(v);
    if (n == 0) return NULL;
    if (!imp_space(v[n - 1])) return v;
    while (imp_space(v[n - 1]))
        n--;
    return arena_strndup(r->a, v, n);
}

void import_error(struct import_reader *r, size_t line, const char *column, const char *message)
{
    struct import_batch *b = r->out;
    b->errors = arena_grow(r->a, b->errors, b->nerrors, &r->errcap, sizeof *b->errors, 16);
    b->errors[b->nerrors++] = (struct import_error){line, column, message};
}

void import_leave_out(struct import_reader *r, size_t line, const char *reference,
                      const char *reason)
{
    struct import_batch *b = r->out;
    b->left_out = arena_grow(r->a, b->left_out, b->nleft_out, &r->leftcap, sizeof *b->left_out, 16);
    b->left_out[b->nleft_out++] = (struct import_left_out){line, reference, reason};
}

/* How well a header row fits a layout: the columns found (per slot, the
 * first of its headers present), how many, and the first required header
 * absent (NULL when none is). */
struct imp_fit {
    int col[S_COUNT];
    int score;
    const char *missing;
};

static void imp_find(const struct import_column *cols, const struct imp_header *h,
                     struct imp_fit *f, bool count)
{
    for (const struct import_column *c = cols; c->header; c++) {
        if (f->col[c->slot] >= 0) continue;
        size_t hn = strlen(c->header);
        for (size_t i = 0; i < h->n; i++)
            if (imp_header_eq(h->text[i], h->len[i], c->header, hn)) {
                f->col[c->slot] = (int)i;
                f->score += count;
                break;
            }
    }
}

static void imp_fit(const struct import_layout *l, const struct imp_header *h, struct imp_fit *f)
{
    memset(f, 0, sizeof *f);
    for (int s = 0; s < S_COUNT; s++)
        f->col[s] = -1;
    imp_find(l->columns, h, f, true);
    if (l->format != IMPORT_CLICKANDDROP) imp_find(import_extra_columns, h, f, false);
    for (const struct import_column *c = l->columns; c->header && !f->missing; c++)
        if ((c->flags & COL_REQUIRED) && f->col[c->slot] < 0) f->missing = c->header;
}

static bool imp_file_error(struct import_reader *r, size_t line, const char *column,
                           const char *message)
{
    import_error(r, line, column, message);
    return false;
}

/* Picks the layout whose required headers are all present and which has the
 * most of its headers; failing that, names what the closest layout lacks. */
static bool imp_detect(struct import_reader *r, const struct csv_row *h)
{
    struct imp_fit best = {.score = -1}, f;
    const struct import_layout *best_l = NULL, *near_l = NULL;
    int near_score = 2; /* a near miss shares at least three headers: "Name" alone is no hint */
    const char *near_missing = NULL;
    struct imp_header hd;
    imp_header_init(r->a, h, &hd);
    for (size_t i = 0; i < import_nlayouts; i++) {
        if (r->defaults.format && import_layouts[i].format != r->defaults.format) continue;
        imp_fit(&import_layouts[i], &hd, &f);
        if (!f.missing && f.score > best.score) {
            best = f;
            best_l = &import_layouts[i];
        } else if (f.missing && f.score > near_score) {
            near_score = f.score;
            near_l = &import_layouts[i];
            near_missing = f.missing;
        }
    }
    if (!best_l && near_l) {
        r->out->format_name = near_l->name;
        return imp_file_error(r, h->line, near_missing,
                              arena_printf(r->a,
                                           "this looks like a %s file but it has no \"%s\" column",
                                           near_l->name, near_missing));
    }
    for (size_t i = 0; !best_l && r->defaults.format && i < import_nlayouts; i++)
        if (import_layouts[i].format == r->defaults.format)
            return imp_file_error(
                r, h->line, NULL,
                arena_printf(r->a, "the first row does not have the column headers of a%s %s file",
                             strchr("AEIOUaeiou", import_layouts[i].name[0]) ? "n" : "",
                             import_layouts[i].name));
    if (!best_l)
        return imp_file_error(
            r, h->line, NULL,
            "the first row does not have the column headers of a layout postroom knows: "
            "Click & Drop's (First Name, Address Line 1, City, Postcode, ...) or an orders "
            "export from Shopify, eBay, Amazon, Etsy or WooCommerce");
    r->layout = best_l;
    r->out->format = best_l->format;
    r->out->format_name = best_l->name;
    r->out->key_column = best_l->grouped ? best.col[S_KEY] : -1;
    for (int s = 0; s < S_COUNT; s++) {
        r->col[s] = best.col[s];
        r->colname[s] = best.col[s] >= 0
                            ? arena_strndup(r->a, hd.text[best.col[s]], hd.len[best.col[s]])
                            : NULL;
    }
    return true;
}

static bool imp_row_empty(const struct csv_row *row)
{
    for (size_t i = 0; i < row->n; i++)
        for (const char *p = row->cells[i]; *p; p++)
            if (!imp_space(*p)) return false;
    return true;
}

static bool imp_footer(const struct import_layout *l, const struct csv_row *row)
{
    for (const char *const *f = l->footers; *f; f++)
        if (strstr(row->cells[0], *f)) return true;
    return false;
}

/* Orders as lists of rows: each group links its rows through next[]. */
struct imp_groups {
    size_t *head, *tail, *next; /* row indices; next[] is SIZE_MAX at the end */
    const char **key;
    size_t n;
};

/* The group holding key, looking at the latest first (rows of one order are
 * usually together); n when there is none. */
static size_t imp_group_of(const struct imp_groups *g, const char *key)
{
    for (size_t i = g->n; i-- > 0;)
        if (strcmp(g->key[i], key) == 0) return i;
    return g->n;
}

static bool imp_group(struct import_reader *r, const struct csv_table *t, size_t first,
                      struct imp_groups *g)
{
    size_t cap = IMPORT_MAX_ORDERS;
    g->head = arena_alloc(r->a, cap * sizeof *g->head);
    g->tail = arena_alloc(r->a, cap * sizeof *g->tail);
    g->key = arena_alloc(r->a, cap * sizeof *g->key);
    g->next = arena_alloc(r->a, t->nrows * sizeof *g->next);
    for (size_t i = first; i < t->nrows; i++) {
        const struct csv_row *row = &t->rows[i];
        if (imp_row_empty(row) || imp_footer(r->layout, row)) continue;
        const char *key = "";
        size_t gi = g->n;
        if (r->layout->grouped) {
            key = import_cell(r, row, S_KEY);
            if (!key) continue; /* eBay's blank and summary lines */
            gi = imp_group_of(g, key);
        }
        g->next[i] = SIZE_MAX;
        if (gi < g->n) {
            g->next[g->tail[gi]] = i;
            g->tail[gi] = i;
            continue;
        }
        if (g->n == cap)
            return imp_file_error(
                r, row->line, NULL,
                "the file has more than 1000 orders; split it into files of at most 1000");
        g->head[g->n] = g->tail[g->n] = i;
        g->key[g->n++] = key;
    }
    return true;
}

static void imp_map_all(struct import_reader *r, const struct csv_table *t,
                        const struct imp_groups *g)
{
    struct import_batch *b = r->out;
    b->orders = arena_alloc(r->a, (g->n ? g->n : 1) * sizeof *b->orders);
    const struct csv_row **rows = arena_alloc(r->a, t->nrows * sizeof *rows);
    for (size_t gi = 0; gi < g->n; gi++) {
        size_t n = 0;
        for (size_t i = g->head[gi]; i != SIZE_MAX; i = g->next[i])
            rows[n++] = &t->rows[i];
        json_t *item = import_map_order(r, rows, n);
        if (item) b->orders[b->norders++] = (struct import_order){rows[0]->line, item};
    }
}

bool import_read(const char *data, size_t len, int64_t now_ms, struct arena *a,
                 struct import_batch *out)
{
    struct import_defaults d = {.now_ms = now_ms};
    return import_read_with(data, len, &d, a, out);
}

bool import_read_with(const char *data, size_t len, const struct import_defaults *d,
                      struct arena *a, struct import_batch *out)
{
    memset(out, 0, sizeof *out);
    out->key_column = -1;
    struct import_reader *r = arena_alloc(a, sizeof *r);
    r->a = a;
    r->out = out;
    r->now_ms = d->now_ms;
    r->defaults = *d;
    struct csv_table t;
    size_t line;
    const char *message;
    if (!csv_parse(data, len, a, &t, &line, &message))
        return imp_file_error(r, line, NULL, message);
    out->nlines = t.nlines;
    size_t h = 0;
    while (h < t.nrows && imp_row_empty(&t.rows[h]))
        h++;
    if (h == t.nrows)
        return imp_file_error(r, t.rows[0].line, NULL, "the file has no column headers");
    if (d->mapping ? !import_mapping_apply(r, &t.rows[h], d->mapping) : !imp_detect(r, &t.rows[h]))
        return false;
    out->columns = r->colname;
    struct imp_groups g = {0};
    if (!imp_group(r, &t, h + 1, &g)) return false;
    imp_map_all(r, &t, &g);
    return true;
}

/* "packages[0].contents[12].SKU" -> "packages[].contents[].SKU". */
static bool imp_unindex(const char *path, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = path; *p; p++) {
        if (o + 1 >= n) return false;
        out[o++] = *p;
        if (*p == '[') {
            while (p[1] >= '0' && p[1] <= '9')
                p++;
            if (p[1] != ']') return false;
        }
    }
    out[o] = 0;
    return true;
}

const char *import_column_for(const struct import_batch *b, const char *field_path)
{
    char path[128];
    if (!b || !b->columns || !field_path || !imp_unindex(field_path, path, sizeof path))
        return NULL;
    /* a package with no items at all: where its first item's description goes */
    if (strcmp(path, "packages[].contents") == 0)
        return import_column_for(b, "packages[0].contents[0].customsDescription");
    for (int s = S_NONE + 1; s < S_COUNT; s++) {
        const char *p = import_slot_path(s);
        if (p && strcmp(p, path) == 0 && b->columns[s]) return b->columns[s];
    }
    for (int s = S_NONE + 1; s < S_COUNT; s++) {
        const char *p = import_slot_path(s);
        if (p && strcmp(p, path) == 0 && import_clickanddrop_header(s))
            return import_clickanddrop_header(s);
    }
    return NULL;
}

void import_batch_free(struct import_batch *b)
{
    for (size_t i = 0; i < b->norders; i++)
        json_decref(b->orders[i].item);
    b->norders = 0;
}
