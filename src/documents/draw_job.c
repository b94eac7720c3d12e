/* draw_job: a document written down instead of drawn, for a drawing process
 * (draw_pool.c) to draw.
 *
 * A document begun with fonts that draw in a pool records its title, layout,
 * tenant and every adder's record into a flat buffer: integers as they lie
 * in memory (the worker is the same program on the same machine), strings
 * as a 32-bit length (DJ_NULL for NULL), the bytes and a NUL, so the worker
 * points into the buffer instead of copying. One function per record walks
 * its fields for both directions (struct dj's `w` says which), so the writer
 * and the reader cannot drift apart.
 *
 * The worker reads the job back with every length and enum checked against
 * the buffer's end, and draws it with the same adders as in-process drawing,
 * whose tenant check (doc_admit) then refuses any record of a tenant but the
 * job's: the wall stays where the drawing is. */
#include "documents/doc_impl.h"

#include <string.h>

#define DJ_NULL 0xffffffffu

/* The records of a job, one per adder. */
enum dj_kind {
    DJ_LABEL = 1,
    DJ_RETURNS_LABEL,
    DJ_DESPATCH_NOTE,
    DJ_CN22,
    DJ_CN23,
    DJ_MANIFEST,
};

/* A job being written (w) or read (p .. end, into arena a). */
struct dj {
    struct buf *w;
    const char *p, *end;
    struct arena *a;
    bool bad; /* reading ran past the end or met a value out of range */
};

static void dj_bytes(struct dj *j, void *v, size_t n)
{
    if (j->w) {
        buf_add(j->w, v, n);
        return;
    }
    if (j->bad || (size_t)(j->end - j->p) < n) {
        j->bad = true;
        memset(v, 0, n);
        return;
    }
    memcpy(v, j->p, n);
    j->p += n;
}

static void dj_i64(struct dj *j, int64_t *v)
{
    dj_bytes(j, v, sizeof *v);
}

static void dj_int(struct dj *j, int *v)
{
    dj_bytes(j, v, sizeof *v);
}

/* An enum's value, checked to lie in 0 .. max when read. */
static int dj_enum(struct dj *j, int v, int max)
{
    dj_int(j, &v);
    if (v < 0 || v > max) j->bad = true;
    return j->bad ? 0 : v;
}

static void dj_str(struct dj *j, const char **s)
{
    uint32_t n = j->w && *s ? (uint32_t)strlen(*s) : DJ_NULL;
    dj_bytes(j, &n, sizeof n);
    if (j->w) {
        if (*s) buf_add(j->w, *s, (size_t)n + 1);
        return;
    }
    *s = NULL;
    if (n == DJ_NULL || j->bad) return;
    if ((size_t)(j->end - j->p) < (size_t)n + 1 || j->p[n] != 0) {
        j->bad = true;
        return;
    }
    *s = j->p;
    j->p += (size_t)n + 1;
}

static void dj_address(struct dj *j, struct doc_address *a)
{
    const char **f[] = {&a->name,         &a->company, &a->line1,  &a->line2,
                        &a->line3,        &a->city,    &a->county, &a->postcode,
                        &a->country_code, &a->country, &a->phone};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        dj_str(j, f[i]);
}

/* A count of records each at least `least` bytes long: one that could not
 * fit in what is left of the job is refused before anything is allocated. */
static size_t dj_count(struct dj *j, size_t n, size_t least)
{
    int64_t v = (int64_t)n;
    dj_i64(j, &v);
    if (!j->w && (v < 0 || (uint64_t)v > (uint64_t)(j->end - j->p) / least)) j->bad = true;
    return j->bad ? 0 : (size_t)v;
}

static void dj_item(struct dj *j, struct doc_item *it)
{
    dj_str(j, &it->description);
    dj_str(j, &it->sku);
    dj_str(j, &it->hs_code);
    dj_str(j, &it->origin_country);
    dj_int(j, &it->quantity);
    dj_i64(j, &it->unit_value_pence);
    dj_int(j, &it->unit_weight_grams);
}

static void dj_items(struct dj *j, struct doc_shipment *s)
{
    s->n_items = dj_count(j, s->n_items, 4 * sizeof(uint32_t) + 2 * sizeof(int) + 8);
    if (j->w) {
        for (size_t i = 0; i < s->n_items; i++) {
            struct doc_item it = s->items[i];
            dj_item(j, &it);
        }
        return;
    }
    struct doc_item *items = arena_alloc(j->a, (s->n_items ? s->n_items : 1) * sizeof *items);
    for (size_t i = 0; i < s->n_items; i++)
        dj_item(j, &items[i]);
    s->items = items;
}

static void dj_shipment(struct dj *j, struct doc_shipment *s)
{
    dj_i64(j, &s->tenant_id);
    dj_i64(j, &s->order_id);
    dj_str(j, &s->order_reference);
    dj_i64(j, &s->order_date_ms);
    dj_str(j, &s->trading_name);
    dj_address(j, &s->sender);
    dj_address(j, &s->recipient);
    dj_address(j, &s->return_address);
    dj_str(j, &s->service_code);
    dj_str(j, &s->service_name);
    dj_str(j, &s->format);
    dj_int(j, &s->weight_grams);
    dj_str(j, &s->tracking_number);
    dj_items(j, s);
    s->category = (enum doc_category)dj_enum(j, (int)s->category, DOC_CAT_OTHER);
    dj_str(j, &s->category_explanation);
    dj_i64(j, &s->postage_pence);
    dj_i64(j, &s->printed_ms);
    dj_str(j, &s->returns_service_code);
    dj_str(j, &s->returns_service_name);
    dj_str(j, &s->returns_tracking_number);
}

static void dj_line(struct dj *j, struct doc_manifest_line *l)
{
    dj_i64(j, &l->tenant_id);
    dj_i64(j, &l->order_id);
    dj_str(j, &l->order_reference);
    dj_str(j, &l->tracking_number);
    dj_str(j, &l->service_code);
    dj_str(j, &l->service_name);
    dj_str(j, &l->format);
    dj_str(j, &l->postcode);
    dj_str(j, &l->country_code);
    dj_int(j, &l->weight_grams);
}

static void dj_manifest(struct dj *j, struct doc_manifest *m)
{
    dj_i64(j, &m->tenant_id);
    dj_i64(j, &m->manifest_number);
    dj_i64(j, &m->created_ms);
    dj_str(j, &m->trading_name);
    dj_address(j, &m->collection);
    m->n_lines = dj_count(j, m->n_lines, 16 + 7 * sizeof(uint32_t) + sizeof(int));
    if (j->w) {
        for (size_t i = 0; i < m->n_lines; i++) {
            struct doc_manifest_line l = m->lines[i];
            dj_line(j, &l);
        }
        return;
    }
    struct doc_manifest_line *lines =
        arena_alloc(j->a, (m->n_lines ? m->n_lines : 1) * sizeof *lines);
    for (size_t i = 0; i < m->n_lines; i++)
        dj_line(j, &lines[i]);
    m->lines = lines;
}

/* ---- the parent's side: writing the job down ---- */

void doc_job_begin(struct doc *d, const char *title)
{
    d->job = arena_alloc(d->out->arena, sizeof *d->job);
    buf_init(d->job, d->out->arena);
    struct dj j = {.w = d->job};
    dj_i64(&j, &d->tenant_id);
    dj_enum(&j, (int)d->layout, DOC_LAYOUT_A4);
    dj_str(&j, &title);
}

static void dj_kind(struct dj *j, enum dj_kind k)
{
    dj_enum(j, (int)k, DJ_MANIFEST);
}

static bool doc_job_shipment(struct doc *d, enum dj_kind k, const struct doc_shipment *s)
{
    if (!d->job) return false;
    struct dj j = {.w = d->job};
    struct doc_shipment copy = *s; /* written, not changed */
    dj_kind(&j, k);
    dj_shipment(&j, &copy);
    return true;
}

bool doc_job_label(struct doc *d, const struct doc_shipment *s)
{
    return doc_job_shipment(d, DJ_LABEL, s);
}

bool doc_job_returns_label(struct doc *d, const struct doc_shipment *s)
{
    return doc_job_shipment(d, DJ_RETURNS_LABEL, s);
}

bool doc_job_despatch_note(struct doc *d, const struct doc_shipment *s)
{
    return doc_job_shipment(d, DJ_DESPATCH_NOTE, s);
}

bool doc_job_cn22(struct doc *d, const struct doc_shipment *s)
{
    return doc_job_shipment(d, DJ_CN22, s);
}

bool doc_job_cn23(struct doc *d, const struct doc_shipment *s)
{
    return doc_job_shipment(d, DJ_CN23, s);
}

bool doc_job_manifest(struct doc *d, const struct doc_manifest *m)
{
    if (!d->job) return false;
    struct dj j = {.w = d->job};
    struct doc_manifest copy = *m;
    dj_kind(&j, DJ_MANIFEST);
    dj_manifest(&j, &copy);
    return true;
}

/* ---- the worker's side: reading it back and drawing ---- */

/* Reads one record and hands it to its adder; false at the end or on a
 * record that cannot be read. */
static bool dj_draw_record(struct dj *j, struct doc *d)
{
    if (j->p == j->end) return false;
    enum dj_kind k = (enum dj_kind)dj_enum(j, 0, DJ_MANIFEST);
    if (k == DJ_MANIFEST) {
        struct doc_manifest m = {0};
        dj_manifest(j, &m);
        if (!j->bad) doc_add_manifest(d, &m);
        return !j->bad;
    }
    struct doc_shipment s = {0};
    dj_shipment(j, &s);
    if (j->bad || k == 0) return j->bad = true, false;
    if (k == DJ_LABEL) doc_add_label(d, &s);
    if (k == DJ_RETURNS_LABEL) doc_add_returns_label(d, &s);
    if (k == DJ_DESPATCH_NOTE) doc_add_despatch_note(d, &s);
    if (k == DJ_CN22) doc_add_cn22(d, &s);
    if (k == DJ_CN23) doc_add_cn23(d, &s);
    return true;
}

enum doc_rc doc_job_draw(const struct doc_fonts *f, const char *job, size_t len, struct buf *out,
                         const char **why)
{
    struct dj j = {.p = job, .end = job + len, .a = out->arena};
    int64_t tenant;
    const char *title;
    dj_i64(&j, &tenant);
    enum doc_layout layout = (enum doc_layout)dj_enum(&j, 0, DOC_LAYOUT_A4);
    dj_str(&j, &title);
    if (j.bad) {
        *why = "the drawing job could not be read";
        return DOC_ERR_DRAW;
    }
    struct doc *d = doc_begin_here(f, tenant, layout, title, out);
    while (dj_draw_record(&j, d))
        ;
    if (j.bad) doc_fail(d, DOC_ERR_DRAW, "the drawing job could not be read");
    return doc_end(d, why);
}
