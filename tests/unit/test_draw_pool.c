/* Unit tests of the drawing processes (documents/draw_pool.c, draw_job.c):
 *
 * - every document kind drawn through the pool is the one drawn in process,
 *   byte for byte (its CreationDate aside), from shipments with every field
 *   set, so a field lost on the way to a worker fails here; errors come back
 *   with their code and message, and the caller's buffer as it was;
 * - a record of another tenant is refused in the worker (DOC_ERR_TENANT);
 * - the workers and the zygote keep no descriptor the test had open;
 * - a worker killed between jobs is replaced before its next job; one
 *   killed during a job fails only that job; one that overruns the time
 *   limit is killed and replaced; the size limits hold;
 * - a zygote that dies leaves the workers drawing;
 * - a pool refuses to start in a process with threads;
 * - workers end when the pool stops, and when its process dies.
 *
 * The test makes itself the subreaper of its descendants, so workers whose
 * zygote has gone are reaped here and "gone" is a fact, not a zombie. */
#include "check.h"
#include "documents/document.h"
#include "documents/draw_pool.h"
#include "util/arena.h"
#include "util/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TENANT 21

static struct doc_fonts *fonts;
static char err[256];

/* ---- the documents ---- */

static const struct doc_item items[] = {
    {"Merino wool jumper, navy", "SKU-JUMPER-1", "611011", "GB", 2, 4500, 350},
    {"Λινό τραπεζομάντηλο", "SKU-2", "630251", "GR", 1, 2200, 410},
    {"Шерстяной шарф", NULL, "611710", "PL", 3, 1500, 120},
};

static struct doc_shipment ship(int64_t tenant, int i)
{
    return (struct doc_shipment){
        .tenant_id = tenant,
        .order_id = 1001 + i,
        .order_reference = i % 2 ? "SHOP-10492" : NULL,
        .order_date_ms = 1795000000000LL + i,
        .trading_name = "Highland Knitwear Ltd",
        .sender = {.name = "Highland Knitwear",
                   .company = "Highland Knitwear Ltd",
                   .line1 = "Unit 4, Riverside Works",
                   .line2 = "Harbour Road",
                   .city = "Inverness",
                   .county = "Highland",
                   .postcode = "IV2 3BQ",
                   .country_code = "GB",
                   .phone = "01463 000000"},
        .recipient = {.name = i % 2 ? "Ολυμπία Παπαδοπούλου" : "Łukasz Wąsowski",
                      .company = "Kawiarnia Pod Gwiazdami",
                      .line1 = "ul. Nowy Świat 12",
                      .line2 = "lok. 3",
                      .line3 = "Śródmieście",
                      .city = "Warszawa",
                      .county = "mazowieckie",
                      .postcode = "00-514",
                      .country_code = "PL",
                      .country = "POLAND",
                      .phone = "+48 22 000 00 00"},
        .return_address = {.name = "Returns desk",
                           .line1 = "Unit 9, Riverside Works",
                           .city = "Inverness",
                           .postcode = "IV2 3BR",
                           .country_code = "GB"},
        .service_code = "ITSOLP",
        .service_name = "International Tracked & Signed",
        .format = "smallParcel",
        .weight_grams = 1500 + i,
        .tracking_number = i % 2 ? "TA400000017GB" : "RX400000020GB",
        .items = items,
        .n_items = i % 2 ? 3 : 1,
        .category = i % 2 ? DOC_CAT_OTHER : DOC_CAT_GIFT,
        .category_explanation = "Handmade samples for a trade fair",
        .postage_pence = 1995,
        .printed_ms = 1795100000000LL,
        .returns_service_code = "TOLP48",
        .returns_service_name = "Royal Mail Tracked 48 Returns",
        .returns_tracking_number = "TB500000019GB",
    };
}

static struct doc_manifest_line mlines[3];

static struct doc_manifest manifest(int64_t line_tenant)
{
    for (int i = 0; i < 3; i++)
        mlines[i] = (struct doc_manifest_line){i == 2 ? line_tenant : TENANT,
                                               1001 + i,
                                               i ? "SHOP-1" : NULL,
                                               i % 2 ? "TA400000017GB" : "RX400000020GB",
                                               "TOLP24",
                                               "Royal Mail Tracked 24",
                                               "smallParcel",
                                               "SW1A 1AA",
                                               "GB",
                                               500 + i};
    return (struct doc_manifest){
        TENANT, 42, 1795000000000LL, "Highland Knitwear Ltd", ship(TENANT, 0).sender, mlines, 3};
}

enum kind { K_LABELS, K_LABELS_A4, K_DESPATCH, K_CUSTOMS, K_CN23_6X4, K_MANIFEST, KINDS };

/* Draws kind into b (after whatever b holds); why gets doc_end's. */
static enum doc_rc draw(enum kind k, struct buf *b, const char **why)
{
    enum doc_layout layout = k == K_LABELS || k == K_CN23_6X4 ? DOC_LAYOUT_6X4 : DOC_LAYOUT_A4;
    struct doc *d = doc_begin(fonts, TENANT, layout, "Pooled document", b);
    for (int i = 0; i < 6; i++) {
        struct doc_shipment s = ship(TENANT, i);
        if (k == K_LABELS || k == K_LABELS_A4) {
            doc_add_label(d, &s);
            doc_add_returns_label(d, &s);
        } else if (k == K_DESPATCH)
            doc_add_despatch_note(d, &s);
        else if (k == K_CUSTOMS)
            doc_add_customs(d, &s);
        else if (k == K_CN23_6X4 && i < 2) {
            doc_add_cn23(d, &s);
            doc_add_cn22(d, &s);
        }
    }
    if (k == K_MANIFEST) {
        struct doc_manifest m = manifest(TENANT);
        doc_add_manifest(d, &m);
    }
    return doc_end(d, why);
}

static struct {
    char *data;
    size_t len;
} ref[KINDS];

static void make_references(void)
{
    for (int k = 0; k < KINDS; k++) {
        struct arena a;
        arena_init(&a);
        struct buf b;
        buf_init(&b, &a);
        CHECK_INT(draw((enum kind)k, &b, NULL), DOC_OK);
        CHECK(b.len > 1000);
        ref[k].data = malloc(b.len);
        memcpy(ref[k].data, b.data, b.len);
        ref[k].len = b.len;
        arena_free(&a);
    }
}

/* Whether p (len bytes) is kind's reference, the CreationDate's value aside. */
static bool same_as_ref(enum kind k, const char *p, size_t len)
{
    static const char tag[] = "/CreationDate (";
    if (len != ref[k].len) return false;
    const char *at = memmem(ref[k].data, len, tag, sizeof tag - 1);
    if (!at) return memcmp(p, ref[k].data, len) == 0;
    size_t from = (size_t)(at - ref[k].data) + sizeof tag - 1, to = from;
    while (to < len && ref[k].data[to] != ')')
        to++;
    return memcmp(p, ref[k].data, from) == 0 && memcmp(p + to, ref[k].data + to, len - to) == 0;
}

static struct draw_pool *start(int workers, int timeout_ms, size_t job_max, size_t pdf_max)
{
    struct draw_pool_config c = {workers, timeout_ms, job_max, pdf_max};
    struct draw_pool *p = draw_pool_start(fonts, &c, err, sizeof err);
    if (!p) {
        fprintf(stderr, "test_draw_pool: %s\n", err);
        exit(1);
    }
    return p;
}

/* ---- processes ---- */

/* Waits (up to 30 s) until pid has ended, reaping it if it is ours. */
static bool gone(pid_t pid)
{
    for (int i = 0; i < 3000; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) return true;
        if (kill(pid, 0) < 0 && errno == ESRCH) return true;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return false;
}

static pid_t worker_pid(struct draw_pool *p, int i)
{
    pid_t pids[DRAW_POOL_MAX];
    int n = draw_pool_pids(p, pids, DRAW_POOL_MAX);
    return i < n ? pids[i] : 0;
}

/* Draws kind through the pool: DOC_OK and the reference, or rc. */
static enum doc_rc draw_checked(enum kind k, const char **why_out)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_adds(&b, "HEAD");
    const char *why = NULL;
    enum doc_rc rc = draw(k, &b, &why);
    if (rc == DOC_OK)
        CHECK(same_as_ref(k, b.data + 4, b.len - 4));
    else
        CHECK_INT(b.len, 4); /* as it was */
    CHECK(memcmp(b.data, "HEAD", 4) == 0);
    if (why_out) *why_out = why ? strdup(why) : NULL;
    arena_free(&a);
    return rc;
}

/* ---- the tests ---- */

static void test_same_as_in_process(void)
{
    struct draw_pool *p = start(2, 0, 0, 0);
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < KINDS; k++)
            CHECK_INT(draw_checked((enum kind)k, NULL), DOC_OK);
    /* an error comes back with its message, the buffer as it was */
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_adds(&b, "HEAD");
    struct doc_shipment s = ship(TENANT, 1);
    s.tracking_number = NULL;
    struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "x", &b);
    doc_add_label(d, &s);
    const char *why = NULL;
    CHECK_INT(doc_end(d, &why), DOC_ERR_INPUT);
    CHECK_STR(why, "a label needs a tracking number of printable ASCII");
    CHECK_INT(b.len, 4);
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "x", &b);
    CHECK_INT(doc_end(d, &why), DOC_ERR_INPUT);
    CHECK_STR(why, "nothing to print");
    s = ship(TENANT, 0);
    s.n_items = 0;
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "x", &b);
    doc_add_customs(d, &s);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_INPUT);
    arena_free(&a);
    draw_pool_stop(p);
}

/* The worker refuses a record of another tenant: the PDF is withheld. */
static void test_tenant_wall(void)
{
    struct draw_pool *p = start(1, 0, 0, 0);
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    struct doc_shipment mine = ship(TENANT, 0), theirs = ship(TENANT + 1, 1);
    struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "x", &b);
    doc_add_label(d, &mine);
    doc_add_label(d, &theirs);
    doc_add_label(d, &mine);
    const char *why = NULL;
    CHECK_INT(doc_end(d, &why), DOC_ERR_TENANT);
    CHECK_STR(why, "a record of another tenant");
    CHECK_INT(b.len, 0);
    struct doc_manifest m = manifest(TENANT + 1); /* one line of another tenant */
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "x", &b);
    doc_add_manifest(d, &m);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_TENANT);
    d = doc_begin(fonts, TENANT + 1, DOC_LAYOUT_A4, "x", &b); /* a document of theirs */
    doc_add_despatch_note(d, &mine);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_TENANT);
    CHECK_INT(b.len, 0);
    arena_free(&a);
    draw_pool_stop(p);
}

/* What pid has open: the number of descriptors, and whether one is path. */
static int open_fds(pid_t pid, const char *path, bool *has_path)
{
    char dir[64], link[400], target[512];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        n++;
        snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
        ssize_t l = readlink(link, target, sizeof target - 1);
        if (l > 0 && (target[l] = 0, !strcmp(target, path))) *has_path = true;
    }
    closedir(d);
    return n;
}

static void test_no_inherited_fds(void)
{
    char path[] = "/tmp/postroom-drawpool-XXXXXX";
    int fd = mkstemp(path); /* stands for the database and the listening socket */
    CHECK(fd >= 0);
    struct draw_pool *p = start(2, 0, 0, 0);
    pid_t procs[] = {draw_pool_zygote(p), worker_pid(p, 0), worker_pid(p, 1)};
    for (int i = 0; i < 3; i++) {
        bool has = false;
        int n = open_fds(procs[i], path, &has);
        /* the zygote closes its copy of a new worker's socket just after
         * handing it over: wait for that */
        for (int k = 0; k < 1000 && n > 4; k++) {
            nanosleep(&(struct timespec){0, 10000000}, NULL);
            n = open_fds(procs[i], path, &has);
        }
        if (n < 1 || n > 4) fprintf(stderr, "  process %d has %d descriptors\n", i, n);
        CHECK(n >= 1 && n <= 4); /* stdin, stdout, stderr (if open), its socket */
        CHECK(!has);
    }
    /* and they sit in a process group of their own */
    CHECK(getpgid(procs[0]) == procs[0]);
    CHECK(getpgid(procs[1]) == procs[0]);
    CHECK(getpgid(procs[0]) != getpgrp());
    draw_pool_stop(p);
    for (int i = 0; i < 3; i++)
        CHECK(gone(procs[i]));
    close(fd);
    unlink(path);
}

static void test_killed_between_jobs(void)
{
    struct draw_pool *p = start(2, 0, 0, 0);
    pid_t first = worker_pid(p, 0), second = worker_pid(p, 1);
    CHECK(first > 0 && second > 0 && first != second);
    kill(first, SIGKILL);
    CHECK(gone(first));
    for (int i = 0; i < 4; i++) /* every job succeeds: the dead one is replaced first */
        CHECK_INT(draw_checked(K_LABELS, NULL), DOC_OK);
    pid_t now = worker_pid(p, 0);
    CHECK(now > 0 && now != first);
    CHECK(worker_pid(p, 1) == second);
    draw_pool_stop(p);
}

struct bg {
    pthread_t th;
    enum doc_rc rc;
    bool unchanged; /* the buffer as it was */
    char why[128];
};

/* Draws labels on a thread of its own; the main thread checks the result
 * (CHECK's counters are not the threads'). */
static void *bg_draw(void *arg)
{
    struct bg *g = arg;
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_adds(&b, "HEAD");
    const char *why = NULL;
    g->rc = draw(K_LABELS, &b, &why);
    g->unchanged = b.len == 4 && !memcmp(b.data, "HEAD", 4);
    snprintf(g->why, sizeof g->why, "%s", why ? why : "");
    arena_free(&a);
    return NULL;
}

/* A worker that dies while it has a job fails that job alone. */
static void test_killed_during_job(void)
{
    struct draw_pool *p = start(1, 0, 0, 0);
    pid_t w = worker_pid(p, 0);
    kill(w, SIGSTOP); /* it holds the job until it is killed */
    struct bg g = {0};
    if (pthread_create(&g.th, NULL, bg_draw, &g) != 0) abort();
    for (int i = 0; i < 3000 && draw_pool_waiting(p) == 0; i++)
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    CHECK_INT(draw_pool_waiting(p), 1);
    kill(w, SIGKILL);
    pthread_join(g.th, NULL);
    CHECK_INT(g.rc, DOC_ERR_DRAW);
    CHECK(g.unchanged);
    CHECK_STR(g.why, "the drawing process failed");
    CHECK(gone(w));
    CHECK_INT(draw_checked(K_MANIFEST, NULL), DOC_OK);
    pid_t now = worker_pid(p, 0);
    CHECK(now > 0 && now != w);
    draw_pool_stop(p);
}

/* One that overruns the time limit is killed and replaced. */
static void test_timeout(void)
{
    struct draw_pool *p = start(1, 300, 0, 0);
    pid_t w = worker_pid(p, 0);
    kill(w, SIGSTOP);
    const char *why = NULL;
    CHECK_INT(draw_checked(K_LABELS, &why), DOC_ERR_DRAW);
    CHECK_STR(why, "drawing took too long");
    free((char *)why);
    CHECK(gone(w)); /* SIGKILL ends a stopped process too */
    CHECK_INT(draw_checked(K_DESPATCH, NULL), DOC_OK);
    CHECK(worker_pid(p, 0) != w);
    draw_pool_stop(p);
}

static void test_limits(void)
{
    /* a job too large never leaves the server */
    struct draw_pool *p = start(1, 0, 512, 0);
    pid_t w = worker_pid(p, 0);
    const char *why = NULL;
    CHECK_INT(draw_checked(K_LABELS, &why), DOC_ERR_DRAW);
    CHECK_STR(why, "the document is too large to draw");
    free((char *)why);
    CHECK(worker_pid(p, 0) == w);
    draw_pool_stop(p);
    /* a PDF too large is refused by the worker, which stays */
    p = start(1, 0, 0, 2000);
    w = worker_pid(p, 0);
    CHECK_INT(draw_checked(K_LABELS, &why), DOC_ERR_DRAW);
    CHECK_STR(why, "the document is larger than a drawing process may answer");
    free((char *)why);
    CHECK(worker_pid(p, 0) == w);
    draw_pool_stop(p);
}

#if !defined(__SANITIZE_THREAD__) /* there, the check is off (draw_pool.c) */
static int hold[2];

static void *held(void *arg)
{
    char c;
    (void)arg;
    if (read(hold[0], &c, 1) < 0) abort();
    return NULL;
}

#endif

static void test_refuses_threads(void)
{
#if !defined(__SANITIZE_THREAD__)
    if (pipe(hold) != 0) abort();
    pthread_t th;
    if (pthread_create(&th, NULL, held, NULL) != 0) abort();
    err[0] = 0;
    CHECK(draw_pool_start(fonts, NULL, err, sizeof err) == NULL);
    CHECK_STR(err, "the drawing pool must start before any thread does");
    if (write(hold[1], "x", 1) != 1) abort();
    pthread_join(th, NULL);
    close(hold[0]);
    close(hold[1]);
#endif
    /* nor twice for the same fonts */
    struct draw_pool *p = start(1, 0, 0, 0);
    CHECK(draw_pool_start(fonts, NULL, err, sizeof err) == NULL);
    CHECK_STR(err, "the fonts already draw in a pool");
    draw_pool_stop(p);
}

/* A zygote that dies leaves the pool its workers: documents are still
 * drawn; a worker that dies then is not replaced, and the one left draws. */
static void test_zygote_dies(void)
{
    struct draw_pool *p = start(2, 0, 0, 0);
    pid_t z = draw_pool_zygote(p), first = worker_pid(p, 0), second = worker_pid(p, 1);
    kill(z, SIGKILL);
    CHECK(gone(z));
    for (int i = 0; i < 3; i++)
        CHECK_INT(draw_checked(K_CUSTOMS, NULL), DOC_OK);
    kill(first, SIGKILL);
    CHECK(gone(first));
    for (int i = 0; i < 3; i++)
        CHECK_INT(draw_checked(K_LABELS_A4, NULL), DOC_OK);
    CHECK(worker_pid(p, 0) == 0); /* no replacement */
    CHECK(worker_pid(p, 1) == second);
    kill(second, SIGKILL);
    CHECK(gone(second));
    const char *why = NULL;
    CHECK_INT(draw_checked(K_LABELS, &why), DOC_ERR_DRAW);
    CHECK_STR(why, "no drawing process");
    free((char *)why);
    draw_pool_stop(p);
}

/* A process that dies without stopping its pool takes the pool with it. */
static void test_parent_dies(void)
{
    int fds[2];
    if (pipe(fds) != 0) abort();
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        struct draw_pool *p =
            draw_pool_start(fonts, &(struct draw_pool_config){.workers = 2}, err, sizeof err);
        pid_t pids[3] = {p ? draw_pool_zygote(p) : 0, p ? worker_pid(p, 0) : 0,
                         p ? worker_pid(p, 1) : 0};
        if (write(fds[1], pids, sizeof pids) != sizeof pids) _exit(2);
        _exit(0); /* without draw_pool_stop, as a crash would */
    }
    close(fds[1]);
    pid_t pids[3] = {0};
    CHECK(read(fds[0], pids, sizeof pids) == sizeof pids);
    close(fds[0]);
    int st;
    CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(pids[i] > 0);
        if (pids[i] > 0) CHECK(gone(pids[i]));
    }
}

int main(void)
{
    alarm(240); /* a pool that never ends its workers fails, rather than hangs */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "test_draw_pool: %s\n", err);
        return 1;
    }
    make_references(); /* in process: no pool yet */
    test_parent_dies();
    test_same_as_in_process();
    test_tenant_wall();
    test_no_inherited_fds();
    test_killed_between_jobs();
    test_zygote_dies();
    test_timeout();
    test_limits();
    test_refuses_threads();
    test_killed_during_job();
    doc_fonts_free(fonts);
    for (int k = 0; k < KINDS; k++)
        free(ref[k].data);
    return check_report("draw_pool");
}
