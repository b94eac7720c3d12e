/* manifest: the numbered manifest's PDF, the collection receipt: every
 * item with its tracking number, order, service, format, postcode and
 * weight; the count and weight per service; the totals; and signature
 * lines for the hand-over. Always A4, numbered "page x of y": the pages are
 * laid out once without drawing to count them, then drawn. */
#include "documents/doc_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MF_M 36.0
#define MF_W (DOC_A4_W - 2 * MF_M)
#define MF_ROW 15.0
#define MF_FIRST_TOP 150.0 /* where the first page's table starts */
#define MF_CONT_TOP 76.0   /* and the other pages' */
#define MF_BOTTOM (DOC_A4_H - MF_M - 24)
#define MF_SIGN_H 110.0 /* the signature block */

struct mf_service {
    const char *code, *name;
    long count;
    int64_t grams;
};

/* The layout in progress; draw is false on the counting pass. */
struct mf {
    struct doc *d;
    const struct doc_manifest *m;
    bool draw;
    int page, pages;
    double y;
    struct pd_col cols[8];
    struct pd_table t;
    struct mf_service *svc;
    size_t n_svc;
    int64_t grams;
};

static int mf_cmp_service(const void *a, const void *b)
{
    return strcmp(((const struct mf_service *)a)->code, ((const struct mf_service *)b)->code);
}

/* Counts and weighs the items per service code, sorted by code. */
static void mf_group(struct mf *f)
{
    f->svc = arena_alloc(f->d->out->arena, (f->m->n_lines + 1) * sizeof *f->svc);
    for (size_t i = 0; i < f->m->n_lines; i++) {
        const struct doc_manifest_line *l = &f->m->lines[i];
        size_t j = 0;
        while (j < f->n_svc && strcmp(f->svc[j].code, pd_s(l->service_code)) != 0)
            j++;
        if (j == f->n_svc)
            f->svc[f->n_svc++] =
                (struct mf_service){pd_s(l->service_code), pd_s(l->service_name), 0, 0};
        f->svc[j].count++;
        f->svc[j].grams += l->weight_grams;
        f->grams += l->weight_grams;
    }
    qsort(f->svc, f->n_svc, sizeof *f->svc, mf_cmp_service);
}

static void mf_columns(struct mf *f)
{
    static const struct pd_col cols[8] = {
        {"#", 28, PD_RIGHT},        {"Tracking number", 104, PD_LEFT}, {"Order", 44, PD_RIGHT},
        {"Reference", 80, PD_LEFT}, {"Service", 64, PD_LEFT},          {"Format", 66, PD_LEFT},
        {"Postcode", 62, PD_LEFT},  {"Weight (kg)", 0, PD_RIGHT}};
    memcpy(f->cols, cols, sizeof cols);
    f->cols[7].w = MF_W - 448;
    f->t = (struct pd_table){f->cols, 8, MF_M, 8.5, MF_ROW};
}

/* Title, business, date, barcode and totals on the first page; a short
 * title on the others. */
static void mf_heading(struct mf *f)
{
    struct doc *d = f->d;
    char no[48], line[400], date[48];
    snprintf(no, sizeof no, "No. %lld", (long long)f->m->manifest_number);
    pd_font(d, true, f->page == 1 ? 20 : 13);
    pd_text(d, MF_M, MF_M + 20,
            f->page == 1 ? "Collection manifest" : "Collection manifest (continued)");
    pd_text_right(d, MF_M + MF_W, MF_M + 20, no);
    pd_line(d, MF_M, MF_M + 28, MF_M + MF_W, MF_M + 28, 1);
    if (f->page > 1) return;
    pd_font(d, true, 11);
    pd_text_fit(d, MF_M, MF_M + 48, MF_W - 230, pd_s(f->m->trading_name));
    struct doc_address at = f->m->collection;
    if (pd_same(at.name, f->m->trading_name)) at.name = NULL;
    if (pd_same(at.company, f->m->trading_name)) at.company = NULL;
    pd_address_line(line, sizeof line, &at);
    pd_font(d, false, 9);
    pd_text_wrap(d, MF_M, MF_M + 62, MF_W - 230, 11, 2, line);
    pd_date(date, sizeof date, f->m->created_ms, true);
    snprintf(line, sizeof line, "Created %s", date);
    pd_text(d, MF_M + 0, MF_M + 90, line);
    snprintf(no, sizeof no, "M%08lld", (long long)f->m->manifest_number);
    pd_code128(d, no, MF_M + MF_W - 210, MF_M + 38, 210, 40);
    pd_font(d, false, 8);
    pd_text_center(d, MF_M + MF_W - 105, MF_M + 88, no);
    pd_weight(date, sizeof date, f->grams);
    snprintf(line, sizeof line, "Items: %zu      Total weight: %s      Services: %zu",
             f->m->n_lines, date, f->n_svc);
    pd_font(d, true, 10);
    pd_text(d, MF_M, MF_FIRST_TOP - 12, line);
}

static void mf_footer(struct mf *f)
{
    char line[96];
    snprintf(line, sizeof line, "Manifest %lld  \xC2\xB7  page %d of %d",
             (long long)f->m->manifest_number, f->page, f->pages);
    pd_font(f->d, false, 8);
    pd_text_center(f->d, DOC_A4_W / 2, DOC_A4_H - MF_M + 8, line);
}

/* Starts the next page (drawing its heading and footer on the drawing pass). */
static void mf_page(struct mf *f)
{
    f->page++;
    f->y = f->page == 1 ? MF_FIRST_TOP : MF_CONT_TOP;
    if (!f->draw) return;
    doc_page(f->d, DOC_A4_W, DOC_A4_H);
    mf_heading(f);
    mf_footer(f);
}

/* Makes room for h points, on a new page if need be; true if a page began. */
static bool mf_room(struct mf *f, double h)
{
    if (f->page && f->y + h <= MF_BOTTOM) return false;
    mf_page(f);
    return true;
}

static void mf_items(struct mf *f)
{
    bool header = true;
    for (size_t i = 0; i < f->m->n_lines; i++) {
        header |= mf_room(f, MF_ROW * (header ? 2 : 1));
        if (header && f->draw) pd_table_header(f->d, &f->t, f->y);
        if (header) f->y += MF_ROW;
        header = false;
        const struct doc_manifest_line *l = &f->m->lines[i];
        if (f->draw) {
            char n[24], order[24], kg[32];
            snprintf(n, sizeof n, "%zu", i + 1);
            snprintf(order, sizeof order, "%lld", (long long)l->order_id);
            pd_kg(kg, sizeof kg, l->weight_grams);
            const char *cells[] = {n,
                                   l->tracking_number,
                                   order,
                                   l->order_reference,
                                   l->service_code,
                                   pd_format_name(l->format),
                                   l->postcode,
                                   kg};
            pd_table_row(f->d, &f->t, f->y, cells, false);
        }
        f->y += MF_ROW;
    }
}

/* Items and weight per service, and the totals row. */
static void mf_summary(struct mf *f)
{
    static const struct pd_col cols[4] = {{"Service", 80, PD_LEFT},
                                          {"", MF_W - 80 - 70 - 90, PD_LEFT},
                                          {"Items", 70, PD_RIGHT},
                                          {"Weight (kg)", 90, PD_RIGHT}};
    struct pd_table t = {cols, 4, MF_M, 9, MF_ROW};
    double h = 26 + MF_ROW * (f->n_svc + 2) + MF_SIGN_H;
    mf_room(f, h);
    f->y += 26;
    if (!f->draw) return;
    pd_font(f->d, true, 11);
    pd_text(f->d, MF_M, f->y - 8, "Items per service");
    pd_table_header(f->d, &t, f->y);
    char count[24], kg[32];
    for (size_t i = 0; i <= f->n_svc; i++) {
        bool total = i == f->n_svc;
        snprintf(count, sizeof count, "%ld", total ? (long)f->m->n_lines : f->svc[i].count);
        pd_kg(kg, sizeof kg, total ? f->grams : f->svc[i].grams);
        const char *cells[] = {total ? "Total" : f->svc[i].code, total ? "" : f->svc[i].name, count,
                               kg};
        pd_table_row(f->d, &t, f->y + MF_ROW * (double)(i + 1), cells, total);
    }
    f->y += MF_ROW * (f->n_svc + 2) + 24;
}

/* Hand-over lines for the business and the collector. */
static void mf_signatures(struct mf *f)
{
    static const char *const who[] = {"Handed over by (name)", "Collected by (name)"};
    static const double col[] = {0, 200, 380};
    struct doc *d = f->d;
    double y = f->y;
    for (int i = 0; i < 2; i++, y += 36) {
        pd_font(d, false, 8);
        pd_text(d, MF_M, y, who[i]);
        pd_text(d, MF_M + 200, y, "Signature");
        pd_text(d, MF_M + 380, y, "Date and time");
        for (int c = 0; c < 3; c++) {
            double x = MF_M + col[c];
            pd_line(d, x, y + 20, x + (c == 2 ? MF_W - 380 : 190), y + 20, 0.6);
        }
    }
    pd_font(d, false, 7.5);
    pd_text_wrap(d, MF_M, y + 4, MF_W, 9, 2,
                 "The collector's signature confirms receipt of the number of items shown above.");
}

/* One pass over the layout: counting (draw false) or drawing. */
static void mf_pass(struct mf *f, bool draw)
{
    f->draw = draw;
    f->page = 0;
    mf_page(f);
    mf_items(f);
    mf_summary(f);
    if (draw) mf_signatures(f);
    f->pages = f->page;
}

void doc_add_manifest(struct doc *d, const struct doc_manifest *m)
{
    if (doc_job_manifest(d, m)) return; /* drawn in a worker process */
    if (!doc_admit(d, m->tenant_id)) return;
    for (size_t i = 0; i < m->n_lines; i++)
        if (!doc_admit(d, m->lines[i].tenant_id)) return;
    struct mf f = {.d = d, .m = m};
    mf_group(&f);
    mf_columns(&f);
    mf_pass(&f, false);
    mf_pass(&f, true);
}
