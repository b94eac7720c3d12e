/* Unit tests of documents drawn from many threads at once, through the
 * server's pool of drawing processes (documents/draw_pool.h: cairo 1.16
 * cannot draw from two threads of one process at once): labels (6x4 with
 * returns labels, A4), CN22 and CN23, despatch notes, a manifest, and QR
 * codes (drawn in the threads themselves: no text, no glyph cache), from
 * THREADS threads for ROUNDS rounds each, every thread in its own order,
 * on fewer WORKERS, so threads also wait for a free one.
 *
 * Every document is first drawn once on the main thread, in process; each
 * one drawn concurrently must be byte for byte the same (the PDF's
 * CreationDate aside), so a job that lost or garbled a field on its way to
 * a worker, an answer given to the wrong thread, a lost subset or a torn
 * barcode fails here, not only a crash. The last round's files of every
 * thread are then read back with independent tools: qpdf --check, pdffonts
 * (fonts embedded), pdftotext (the names as written), pdftoppm + zbarimg
 * (the tracking number's Code 128, the QR codes).
 *
 * The recipients' names differ in length, so labels fit them at many type
 * sizes: hundreds of scaled fonts, more than cairo keeps in its holdover
 * cache, and glyph pages enough to make the cache evict (what deadlocked
 * two threads drawing in one process).
 * POSTROOM_THREADS_ROUNDS sets the rounds (for a longer hunt). */
#include "check.h"
#include "documents/document.h"
#include "documents/draw_pool.h"
#include "domain/s10.h"
#include "util/arena.h"
#include "util/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define TENANT 11
#define THREADS 6
#define WORKERS 3
#define SHIPS 48
#define LINES 80

static struct doc_fonts *fonts;
static char dir[64];
static int rounds = 6;

/* ---- the shipments ---- */

static const char *const first[] = {"Zoë",    "Łukasz",     "Ολυμπία",  "Дмитрий",    "Siobhán",
                                    "Jürgen", "Aleksandra", "Θεόδωρος", "Владислава", "Ana"};
static const char *const last[] = {"Ó'Brien",
                                   "Wąsowski",
                                   "Παπαδοπούλου",
                                   "Иванов",
                                   "Nic Giolla Phádraig",
                                   "Müller",
                                   "Brzęczyszczykiewicz",
                                   "Κωνσταντινίδης",
                                   "Ng",
                                   "Григорьева-Кузнецова"};

static char tracking[SHIPS][S10_LEN + 1], returns_tracking[SHIPS][S10_LEN + 1];
static char names[SHIPS][128], companies[SHIPS][64];
static struct doc_item items[SHIPS][8];
static struct doc_shipment ship[SHIPS];
static struct doc_manifest_line lines[LINES];
static struct doc_manifest manifest;

static void make_shipment(int i)
{
    s10_format(tracking[i], i % 3 ? "TA" : "RX", 40000000u + 7919u * (uint32_t)i);
    s10_format(returns_tracking[i], "TB", 50000000u + (uint32_t)i);
    /* Names of every length: each fits its line at its own type size. */
    snprintf(names[i], sizeof names[i], "%s %s%s", first[i % 10], last[(i / 10 + i) % 10],
             i % 4 == 3 ? " Jr." : "");
    snprintf(companies[i], sizeof companies[i], "%.*s", 8 + (i * 7) % 40,
             "Highland Knitwear & Loom Company of Inverness and the Isles Ltd");
    size_t n_items = 1 + (size_t)(i % 8);
    for (size_t k = 0; k < n_items; k++)
        items[i][k] = (struct doc_item){k % 2 ? "Lambswool scarf" : "Merino wool jumper, navy",
                                        "SKU-1",
                                        "611011",
                                        "GB",
                                        1 + (int)k,
                                        1500 + 900 * (int64_t)k,
                                        120 + 30 * (int)k};
    ship[i] = (struct doc_shipment){
        .tenant_id = TENANT,
        .order_id = 1001 + i,
        .order_reference = i % 2 ? "SHOP-10492" : NULL,
        .order_date_ms = 1795000000000LL,
        .printed_ms = 1795000000000LL,
        .trading_name = "Highland Knitwear Ltd",
        .sender = {.line1 = "Unit 4, Riverside Works",
                   .city = "Inverness",
                   .postcode = "IV2 3BQ",
                   .country_code = "GB"},
        .recipient = {.name = names[i],
                      .company = companies[i],
                      .line1 = "Οδός Ερμού 25",
                      .line2 = i % 2 ? "Flat 3" : NULL,
                      .city = "Warszawa",
                      .postcode = "00-514",
                      .country_code = "PL",
                      .country = "POLAND"},
        .service_code = i % 2 ? "ITSOLP" : "TOLP24",
        .service_name = i % 2 ? "International Tracked & Signed" : "Royal Mail Tracked 24",
        .format = "smallParcel",
        .weight_grams = 200 + 37 * i,
        .tracking_number = tracking[i],
        .items = items[i],
        .n_items = n_items,
        .category = i % 5 == 0 ? DOC_CAT_GIFT : DOC_CAT_SALE_OF_GOODS,
        .postage_pence = 1995,
        .returns_service_code = "TOLP48",
        .returns_service_name = "Royal Mail Tracked 48 Returns",
        .returns_tracking_number = returns_tracking[i],
    };
}

static void make_shipments(void)
{
    for (int i = 0; i < SHIPS; i++)
        make_shipment(i);
    for (int i = 0; i < LINES; i++) {
        const struct doc_shipment *s = &ship[i % SHIPS];
        lines[i] = (struct doc_manifest_line){TENANT,
                                              1001 + i,
                                              s->order_reference,
                                              s->tracking_number,
                                              s->service_code,
                                              s->service_name,
                                              s->format,
                                              s->recipient.postcode,
                                              s->recipient.country_code,
                                              s->weight_grams};
    }
    manifest = (struct doc_manifest){
        TENANT, 42, 1795000000000LL, "Highland Knitwear Ltd", ship[0].sender, lines, LINES};
}

/* ---- the documents ---- */

enum job {
    JOB_LABELS_6X4, /* labels, each with its returns label */
    JOB_LABELS_A4,
    JOB_CUSTOMS_6X4, /* CN22 or CN23, as each shipment needs */
    JOB_CUSTOMS_A4,
    JOB_DESPATCH_A4,
    JOB_MANIFEST,
    JOB_QR, /* QR codes, PNG */
    JOBS
};

static const char *const job_file[JOBS] = {"labels-6x4.pdf", "labels-a4.pdf", "customs-6x4.pdf",
                                           "customs-a4.pdf", "despatch.pdf",  "manifest.pdf",
                                           "qr.png"};

/* Draws job into b; the QR job appends only its first code (the rest are
 * drawn and compared as part of the job's checks). */
static enum doc_rc draw(enum job j, struct buf *b)
{
    if (j == JOB_QR) {
        enum doc_rc rc = DOC_OK;
        for (int i = SHIPS - 1; i >= 0 && rc == DOC_OK; i--) {
            size_t start = b->len;
            rc = doc_qr_png(returns_tracking[i], i ? 1 + i % 6 : 4, b);
            if (i) b->len = start; /* keep the last (i == 0) only */
        }
        return rc;
    }
    enum doc_layout layout =
        j == JOB_LABELS_6X4 || j == JOB_CUSTOMS_6X4 ? DOC_LAYOUT_6X4 : DOC_LAYOUT_A4;
    struct doc *d = doc_begin(fonts, TENANT, layout, job_file[j], b);
    for (int i = 0; i < SHIPS; i++) {
        if (j == JOB_LABELS_6X4 && i < 24) {
            doc_add_label(d, &ship[i]);
            doc_add_returns_label(d, &ship[i]);
        } else if (j == JOB_LABELS_A4 && i >= 8) {
            doc_add_label(d, &ship[i]);
        } else if ((j == JOB_CUSTOMS_6X4 || j == JOB_CUSTOMS_A4) && i % 4 == (int)j % 4) {
            doc_add_customs(d, &ship[i]);
        } else if (j == JOB_DESPATCH_A4 && i % 6 == 0) {
            doc_add_despatch_note(d, &ship[i]);
        }
    }
    if (j == JOB_MANIFEST) doc_add_manifest(d, &manifest);
    return doc_end(d, NULL);
}

/* The documents as the main thread drew them alone. */
static struct {
    unsigned char *data;
    size_t len;
} ref[JOBS];

/* Where the CreationDate's value starts in a PDF, or len if it has none. */
static size_t date_at(const unsigned char *p, size_t len)
{
    static const char tag[] = "/CreationDate (";
    for (size_t i = 0; i + sizeof tag - 1 <= len; i++)
        if (memcmp(p + i, tag, sizeof tag - 1) == 0) return i + sizeof tag - 1;
    return len;
}

/* Whether b is the reference document of j, its CreationDate aside. */
static bool same_as_ref(enum job j, const struct buf *b)
{
    const unsigned char *a = ref[j].data, *c = (const unsigned char *)b->data;
    if (b->len != ref[j].len) return false;
    size_t at = date_at(a, ref[j].len);
    if (at == ref[j].len) return memcmp(a, c, b->len) == 0;
    size_t end = at;
    while (end < b->len && a[end] != ')')
        end++;
    return memcmp(a, c, at) == 0 && memcmp(a + end, c + end, b->len - end) == 0;
}

static void save(const char *name, const struct buf *b)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->len, f) != b->len) abort();
    fclose(f);
}

static void make_references(void)
{
    for (int j = 0; j < JOBS; j++) {
        struct arena a;
        arena_init(&a);
        struct buf b;
        buf_init(&b, &a);
        CHECK_INT(draw((enum job)j, &b), DOC_OK);
        CHECK(b.len > 500);
        ref[j].data = malloc(b.len);
        if (!ref[j].data) abort();
        memcpy(ref[j].data, b.data, b.len);
        ref[j].len = b.len;
        /* Drawn again alone, a document is the same: the comparison below
         * can only fail for what the threads did. */
        buf_init(&b, &a);
        CHECK_INT(draw((enum job)j, &b), DOC_OK);
        CHECK(same_as_ref((enum job)j, &b));
        arena_free(&a);
    }
}

/* ---- the threads ---- */

struct worker {
    pthread_t th;
    int id;
    int failed, drawn; /* documents that failed or differed; documents drawn */
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < JOBS; k++) {
            enum job j = (enum job)((k * (w->id % 2 ? 1 : JOBS - 1) + w->id + r) % JOBS);
            struct arena a;
            arena_init(&a);
            struct buf b;
            buf_init(&b, &a);
            enum doc_rc rc = draw(j, &b);
            w->drawn++;
            if (rc != DOC_OK || !same_as_ref(j, &b)) {
                w->failed++;
                fprintf(stderr, "  thread %d round %d: %s: rc %d, %zu bytes (want %zu)\n", w->id, r,
                        job_file[j], (int)rc, b.len, ref[j].len);
            }
            if (r == rounds - 1) {
                char name[96];
                snprintf(name, sizeof name, "t%d-%s", w->id, job_file[j]);
                save(name, &b);
            }
            arena_free(&a);
        }
    return NULL;
}

static void test_concurrent(void)
{
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.id = i};
        if (pthread_create(&w[i].th, NULL, worker_run, &w[i]) != 0) abort();
    }
    int drawn = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(w[i].th, NULL);
        CHECK_INT(w[i].failed, 0);
        drawn += w[i].drawn;
    }
    CHECK_INT(drawn, THREADS * rounds * JOBS);
}

/* ---- reading the threads' files back ---- */

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    size_t cap = 1 << 16, len = 0, n;
    char *out = malloc(cap);
    if (!p || !out) abort();
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0)
        if ((len += n) + 1 == cap && !(out = realloc(out, cap *= 2))) abort();
    out[len] = 0;
    pclose(p);
    while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
        out[--len] = 0;
    return out;
}

static bool tools_present(void)
{
    static const char *const tools[][2] = {{"qpdf", "qpdf"},
                                           {"pdftotext", "poppler-utils"},
                                           {"pdftoppm", "poppler-utils"},
                                           {"pdffonts", "poppler-utils"},
                                           {"zbarimg", "zbar-tools"}};
    bool ok = true;
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tools[i][0]);
        if (system(cmd) == 0) continue;
        fprintf(stderr, "test_document_threads: %s is missing: install the Debian package %s\n",
                tools[i][0], tools[i][1]);
        CHECK(0);
        ok = false;
    }
    return ok;
}

/* A thread's PDF passes qpdf --check, embeds both faces and holds want. */
static void check_pdf(const char *name, const char *const *want)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "qpdf --check '%s/%s' >/dev/null 2>&1", dir, name);
    int rc = system(cmd);
    if (rc) fprintf(stderr, "  qpdf --check failed on %s\n", name);
    CHECK(rc == 0);
    snprintf(cmd, sizeof cmd, "pdffonts '%s/%s' 2>&1 | grep -c 'DejaVuSans.* yes yes yes'", dir,
             name);
    char *out = run(cmd);
    CHECK(atoi(out) >= 1);
    free(out);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s/%s' - 2>/dev/null", dir, name);
    char *text = run(cmd);
    for (size_t i = 0; want[i]; i++) {
        if (strstr(text, want[i])) {
            check_passed++;
            continue;
        }
        fprintf(stderr, "  %s: text lacks '%s'\n", name, want[i]);
        check_failed++;
    }
    free(text);
}

/* zbarimg reads want from the image (a page of a PDF at 300 dpi, or a PNG). */
static void check_barcode(const char *name, int page, const char *symbology, const char *want)
{
    char cmd[768], png[256];
    if (page) {
        snprintf(png, sizeof png, "%s/%s-p%d", dir, name, page);
        snprintf(cmd, sizeof cmd, "pdftoppm -r 300 -png -singlefile -f %d -l %d '%s/%s' '%s'", page,
                 page, dir, name, png);
        CHECK(system(cmd) == 0);
        strcat(png, ".png");
    } else
        snprintf(png, sizeof png, "%s/%s", dir, name);
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q -Sdisable -S%s.enable '%s' 2>/dev/null", symbology,
             png);
    char *got = run(cmd);
    CHECK_STR(got, want);
    free(got);
}

static void test_read_back(void)
{
    for (int t = 0; t < THREADS; t++) {
        char name[JOBS][96];
        for (int j = 0; j < JOBS; j++)
            snprintf(name[j], sizeof name[j], "t%d-%s", t, job_file[j]);
        const char *labels6[] = {names[0],  names[23], tracking[0], returns_tracking[23],
                                 "RETURNS", NULL};
        check_pdf(name[JOB_LABELS_6X4], labels6);
        const char *labels4[] = {names[8], names[47], tracking[8], tracking[47], NULL};
        check_pdf(name[JOB_LABELS_A4], labels4);
        const char *cn6[] = {"CN 22", "CN 23", tracking[2], tracking[46], NULL};
        check_pdf(name[JOB_CUSTOMS_6X4], cn6);
        const char *cn4[] = {"CN 23", tracking[3], tracking[47], NULL};
        check_pdf(name[JOB_CUSTOMS_A4], cn4);
        const char *despatch[] = {"Despatch note", names[12], names[30], NULL};
        check_pdf(name[JOB_DESPATCH_A4], despatch);
        const char *man[] = {"Collection manifest",   "No. 42",    tracking[0],
                             tracking[LINES % SHIPS], "page 1 of", NULL};
        check_pdf(name[JOB_MANIFEST], man);
        check_barcode(name[JOB_LABELS_6X4], 3, "code128", tracking[1]);
        check_barcode(name[JOB_QR], 0, "qrcode", returns_tracking[0]);
    }
}

int main(void)
{
    const char *env = getenv("POSTROOM_THREADS_ROUNDS");
    if (env && atoi(env) > 0) rounds = atoi(env);
    char err[256];
    fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "test_document_threads: %s\n", err);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/postroom-docthreads-XXXXXX");
    if (!mkdtemp(dir)) abort();
    make_shipments();
    make_references();
    /* after the references, before any thread: the pool forks */
    struct draw_pool *pool =
        draw_pool_start(fonts, &(struct draw_pool_config){.workers = WORKERS}, err, sizeof err);
    if (!pool) {
        fprintf(stderr, "test_document_threads: %s\n", err);
        return 1;
    }
    test_concurrent();
    draw_pool_stop(pool);
    if (tools_present()) test_read_back();
    doc_fonts_free(fonts);
    for (int j = 0; j < JOBS; j++)
        free(ref[j].data);
    if (check_failed)
        fprintf(stderr, "test_document_threads: the files are kept in %s\n", dir);
    else {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return check_report("document_threads");
}
