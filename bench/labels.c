/* bench_labels: how fast postroom draws postage labels, on one core.
 *
 *   bench_labels [--count N] [--repeat R] [--html FILE]
 *   bench_labels --threads T [--count N] [--repeat R]
 *
 * Renders N labels (default 100) into one PDF R times for each layout (6x4
 * and A4) through the same call the label endpoint makes, and prints
 * "BENCH labels layout=... labels_s=... wall_labels_s=..." lines: labels_s
 * counts CPU time (one core), wall_labels_s the clock. With
 * --html it also writes the same N labels as one HTML document (barcodes as
 * zint SVG, as HTML-to-PDF shipping platforms do) for the WeasyPrint
 * comparison bench/run.sh makes in the same run.
 *
 * With --threads T it measures drawing processes instead, as the server
 * draws (documents/draw_pool.h): the same 6x4 PDF drawn R times by one
 * thread through a pool of one drawing process, then by each of T threads
 * at once through a pool of T processes (each thread warmed up first, then
 * started together), printing "BENCH labels_threads threads=...
 * processes=... wall_labels_s=..." for both: labels per second of the
 * clock, all threads together. */
#include "documents/document.h"
#include "documents/draw_pool.h"
#include "domain/s10.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/timefmt.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zint.h>

static const char *const names[] = {"Zoë Ó'Brien", "Łukasz Wąsowski", "Ολυμπία Παπαδοπούλου",
                                    "Дмитрий Смирнов", "Aoife Murphy"};

static void shipments(struct arena *a, struct doc_shipment *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *tn = arena_alloc(a, S10_LEN + 1);
        s10_format(tn, "TA", (uint32_t)(i + 1));
        s[i] = (struct doc_shipment){
            .tenant_id = 1,
            .order_id = (int64_t)(1001 + i),
            .order_reference = arena_printf(a, "SHOP-%zu", 5000 + i),
            .trading_name = "Demo Trading",
            .sender = {.name = "Demo Trading",
                       .line1 = "Unit 4, Riverside Works",
                       .city = "Sheffield",
                       .postcode = "S3 8EN",
                       .country_code = "GB"},
            .recipient = {.name = names[i % 5],
                          .line1 = "12 Harbour Road",
                          .line2 = "Flat 3",
                          .city = "Bristol",
                          .postcode = "BS1 5TT",
                          .country_code = "GB"},
            .service_code = "TOLP24",
            .service_name = "Royal Mail Tracked 24",
            .format = "smallParcel",
            .weight_grams = 500,
            .tracking_number = tn,
        };
    }
}

/* CPU seconds of this process: "on one core" means CPU time, which a busy
 * neighbour on a shared machine does not inflate the way it does wall time. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double render(const struct doc_fonts *f, enum doc_layout layout,
                     const struct doc_shipment *s, size_t n, int repeat, size_t *bytes,
                     double *wall)
{
    double t0 = cpu_s(), w0 = time_mono_s();
    for (int r = 0; r < repeat; r++) {
        struct arena a;
        arena_init(&a);
        struct buf out;
        buf_init(&out, &a);
        if (doc_render_labels(f, 1, layout, s, n, false, &out) != DOC_OK) {
            fprintf(stderr, "bench_labels: rendering failed\n");
            exit(1);
        }
        *bytes = out.len;
        arena_free(&a);
    }
    *wall = time_mono_s() - w0;
    return cpu_s() - t0;
}

/* ---- --threads: threads drawing at once, through drawing processes ---- */

struct par {
    const struct doc_fonts *fonts;
    const struct doc_shipment *s;
    size_t n;
    int repeat;
    pthread_barrier_t *start;
};

static void *par_run(void *arg)
{
    const struct par *p = arg;
    size_t bytes;
    double wall;
    render(p->fonts, DOC_LAYOUT_6X4, p->s, p->n, 1, &bytes, &wall); /* the workers' fonts */
    pthread_barrier_wait(p->start);
    render(p->fonts, DOC_LAYOUT_6X4, p->s, p->n, p->repeat, &bytes, &wall);
    return NULL;
}

/* Wall labels/s of t threads each drawing the PDF repeat times. */
static double par_labels_s(struct par *p, int t)
{
    pthread_t th[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)t + 1);
    p->start = &start;
    for (int i = 0; i < t; i++)
        if (pthread_create(&th[i], NULL, par_run, p) != 0) exit(1);
    pthread_barrier_wait(&start);
    double t0 = time_mono_s();
    for (int i = 0; i < t; i++)
        pthread_join(th[i], NULL);
    double secs = time_mono_s() - t0;
    pthread_barrier_destroy(&start);
    return (double)(p->n * (size_t)p->repeat * (size_t)t) / secs;
}

/* The machine's own ceiling for this work: the same PDF drawn in process by
 * k independent processes at once (forked while this process has one
 * thread; each warms up, then all start together), no pool, no messages.
 * On a VM whose two vCPUs may share one physical core, that is what two
 * drawing processes can reach at best, measured in the same minute. */
static double ceiling_labels_s(const struct par *p, int k)
{
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) exit(1);
    pid_t kids[64];
    for (int i = 0; i < k; i++) {
        kids[i] = fork();
        if (kids[i] < 0) exit(1);
        if (kids[i] == 0) {
            size_t bytes;
            double wall;
            char c = 1;
            render(p->fonts, DOC_LAYOUT_6X4, p->s, p->n, 1, &bytes, &wall);
            if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1) _exit(1);
            render(p->fonts, DOC_LAYOUT_6X4, p->s, p->n, p->repeat, &bytes, &wall);
            _exit(0);
        }
    }
    char c;
    for (int i = 0; i < k; i++)
        if (read(ready[0], &c, 1) != 1) exit(1);
    double t0 = time_mono_s();
    char start[64] = {0};
    if (write(go[1], start, (size_t)k) != k) exit(1);
    bool ok = true;
    for (int i = 0; i < k; i++) {
        int st;
        ok &= waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    double secs = time_mono_s() - t0;
    close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
    if (!ok) {
        fprintf(stderr, "bench_labels: a ceiling process failed\n");
        exit(1);
    }
    return (double)(p->n * (size_t)p->repeat * (size_t)k) / secs;
}

/* Each count of threads draws through a pool of as many processes, started
 * while this process has one thread again (draw_pool_start forks), and
 * beside it the ceiling of as many independent processes. */
static void par_bench(struct doc_fonts *f, const struct doc_shipment *s, size_t n, int repeat,
                      int threads)
{
    struct par p = {f, s, n, repeat, NULL};
    int counts[2] = {1, threads};
    for (int k = 0; k < 2; k++) {
        char err[200];
        struct draw_pool *pool =
            draw_pool_start(f, &(struct draw_pool_config){.workers = counts[k]}, err, sizeof err);
        if (!pool) {
            fprintf(stderr, "bench_labels: %s\n", err);
            exit(1);
        }
        double labels_s = par_labels_s(&p, counts[k]);
        draw_pool_stop(pool);
        printf("BENCH labels_threads threads=%d processes=%d labels=%zu repeat=%d "
               "wall_labels_s=%.0f\n",
               counts[k], counts[k], n, repeat, labels_s);
        printf("BENCH labels_ceiling processes=%d labels=%zu repeat=%d wall_labels_s=%.0f\n",
               counts[k], n, repeat, ceiling_labels_s(&p, counts[k]));
    }
}

/* The same labels as HTML: what an HTML-to-PDF shipping platform renders. */
static void write_html(const char *path, const struct doc_shipment *s, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs("<!doctype html><html><head><meta charset=utf-8><style>"
          "@page{size:4in 6in;margin:0.1in}body{font-family:'DejaVu Sans';margin:0}"
          ".label{page-break-after:always;border:1px solid #000;height:5.7in;padding:6px}"
          ".svc{font-size:28pt;font-weight:bold;background:#000;color:#fff;padding:4px}"
          ".to{font-size:16pt}.pc{font-size:22pt;font-weight:bold}.tn{font-size:14pt;"
          "text-align:center}svg{width:3.6in;height:1in}</style></head><body>\n",
          f);
    char svgpath[200];
    if (strlen(path) > 150) {
        fprintf(stderr, "bench_labels: --html path too long\n");
        exit(2);
    }
    snprintf(svgpath, sizeof svgpath, "%s.barcode.svg", path);
    for (size_t i = 0; i < n; i++) {
        /* zint 2.11 writes SVG only to a file: write it, read it back */
        struct zint_symbol *z = ZBarcode_Create();
        z->symbology = BARCODE_CODE128;
        snprintf(z->outfile, sizeof z->outfile, "%s", svgpath);
        ZBarcode_Encode_and_Print(z, (const unsigned char *)s[i].tracking_number, 0, 0);
        char svg[65536];
        FILE *sf = fopen(svgpath, "r");
        size_t got = sf ? fread(svg, 1, sizeof svg - 1, sf) : 0;
        if (sf) fclose(sf);
        svg[got] = 0;
        const char *start = strstr(svg, "<svg");
        fprintf(f,
                "<div class=label><div class=svc>%s</div><p>%s<br>%s</p><p>FROM %s, %s, %s</p>"
                "<div class=to>DELIVER TO<br><b>%s</b><br>%s<br>%s<br>%s</div><div class=pc>%s"
                "</div>%.*s<div class=tn>%s</div><p>Order %lld</p></div>\n",
                s[i].service_code, s[i].service_name, "Small parcel 0.500 kg", s[i].sender.name,
                s[i].sender.line1, s[i].sender.city, s[i].recipient.name, s[i].recipient.line1,
                s[i].recipient.line2, s[i].recipient.city, s[i].recipient.postcode,
                start ? (int)(got - (size_t)(start - svg)) : 0, start ? start : "",
                s[i].tracking_number, (long long)s[i].order_id);
        ZBarcode_Delete(z);
    }
    fputs("</body></html>\n", f);
    fclose(f);
    remove(svgpath);
}

int main(int argc, char **argv)
{
    size_t n = 100;
    int repeat = 10;
    const char *html = NULL;
    int threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--count"))
            n = (size_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat"))
            repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--html"))
            html = argv[i + 1];
        else if (!strcmp(argv[i], "--threads"))
            threads = atoi(argv[i + 1]);
    }
    if (n < 1 || n > 10000 || repeat < 1 || threads < 0 || threads > 64) {
        fprintf(stderr,
                "usage: bench_labels [--count N] [--repeat R] [--html FILE | --threads T]\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    char err[200];
    struct doc_fonts *fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "bench_labels: %s\n", err);
        return 1;
    }
    struct arena a;
    arena_init(&a);
    struct doc_shipment *s = arena_alloc(&a, n * sizeof *s);
    shipments(&a, s, n);
    if (threads) {
        par_bench(fonts, s, n, repeat, threads);
        arena_free(&a);
        doc_fonts_free(fonts);
        return 0;
    }
    size_t bytes = 0;
    double wall;
    render(fonts, DOC_LAYOUT_6X4, s, n, 1, &bytes, &wall); /* warm caches */
    const struct {
        enum doc_layout layout;
        const char *name;
    } layouts[] = {{DOC_LAYOUT_6X4, "6x4"}, {DOC_LAYOUT_A4, "A4"}};
    for (int l = 0; l < 2; l++) {
        double secs = render(fonts, layouts[l].layout, s, n, repeat, &bytes, &wall);
        double total = (double)(n * (size_t)repeat);
        printf("BENCH labels layout=%s labels=%zu repeat=%d cpu_seconds=%.4f labels_s=%.0f "
               "wall_labels_s=%.0f pdf_bytes=%zu\n",
               layouts[l].name, n, repeat, secs, total / secs, total / wall, bytes);
    }
    if (html) write_html(html, s, n);
    arena_free(&a);
    doc_fonts_free(fonts);
    return 0;
}
