/* Unit tests of the access audit's group commit (http/audit_queue.c): what
 * waits while the flusher appends goes in its next batch, whole
 * submissions at a time and at most max_records; every submitter is told
 * once, after its batch, whether it committed; a failed append fails every
 * submitter of that batch and no other; stopping appends what still waits;
 * and submissions from many threads at once are all appended, each once.
 * The append is a fake that a test can hold (a gate), so which records
 * share a batch is decided by the test, not by timing. */
#include "check.h"
#include "domain/audit.h"
#include "http/audit_queue.h"

#include <pthread.h>
#include <stdlib.h>

#define MAX_LOG 4096

/* The fake store: the tags (seq) of the records appended, batch by batch. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int64_t logged[MAX_LOG];
static size_t nlogged;
static size_t batch_sizes[MAX_LOG], nbatches;
static bool gate_closed; /* the append waits while set */
static bool in_append;   /* the flusher is inside the append */
static int fail_batches; /* the next this many appends fail */
static int told_ok, told_failed;

static bool fake_append(void *ctx, const struct audit_record *recs, size_t n)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    in_append = true;
    pthread_cond_broadcast(&cv);
    while (gate_closed)
        pthread_cond_wait(&cv, &mu);
    bool ok = fail_batches == 0;
    if (!ok)
        fail_batches--;
    else
        for (size_t i = 0; i < n && nlogged < MAX_LOG; i++)
            logged[nlogged++] = recs[i].seq;
    batch_sizes[nbatches++] = n;
    in_append = false;
    pthread_mutex_unlock(&mu);
    return ok;
}

struct waiter {
    struct audit_wait w;
    struct audit_record recs[3];
    int told; /* times done was called */
    bool ok;
};

static void done(void *arg, bool ok)
{
    struct waiter *w = arg;
    pthread_mutex_lock(&mu);
    w->told++;
    w->ok = ok;
    if (ok)
        told_ok++;
    else
        told_failed++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void reset(void)
{
    pthread_mutex_lock(&mu);
    nlogged = nbatches = 0;
    told_ok = told_failed = 0;
    fail_batches = 0;
    gate_closed = false;
    pthread_mutex_unlock(&mu);
}

/* A waiter of n records tagged tag, tag+1, ... */
static void prepare(struct waiter *w, int64_t tag, size_t n)
{
    *w = (struct waiter){0};
    for (size_t i = 0; i < n; i++)
        w->recs[i].seq = tag + (int64_t)i;
    w->w = (struct audit_wait){w->recs, n, done, w, NULL};
}

static void wait_told(int total)
{
    pthread_mutex_lock(&mu);
    while (told_ok + told_failed < total)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

/* Closes the gate, submits first, and waits until the flusher holds it in
 * the append: whatever is submitted next waits for the following batch. */
static void hold_flusher(struct audit_queue *q, struct waiter *first)
{
    pthread_mutex_lock(&mu);
    gate_closed = true;
    pthread_mutex_unlock(&mu);
    CHECK(audit_queue_submit(q, &first->w));
    pthread_mutex_lock(&mu);
    while (!in_append)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

static void open_gate(void)
{
    pthread_mutex_lock(&mu);
    gate_closed = false;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

/* What waits while a batch is appended is the next batch, in order. */
static void test_batches(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 100, 0);
    CHECK(q != NULL);
    struct waiter w[6];
    prepare(&w[0], 1, 1);
    hold_flusher(q, &w[0]);
    for (int i = 1; i < 6; i++) {
        prepare(&w[i], 10 * i, (size_t)(i % 3) + 1);
        CHECK(audit_queue_submit(q, &w[i].w));
    }
    open_gate();
    wait_told(6);
    CHECK_INT(nbatches, 2);
    CHECK_INT(batch_sizes[0], 1);
    CHECK_INT(batch_sizes[1], 2 + 3 + 1 + 2 + 3);
    int64_t want[] = {1, 10, 11, 20, 21, 22, 30, 40, 41, 50, 51, 52};
    CHECK_INT(nlogged, 12);
    for (size_t i = 0; i < 12; i++)
        CHECK_INT(logged[i], want[i]);
    for (int i = 0; i < 6; i++) {
        CHECK_INT(w[i].told, 1);
        CHECK(w[i].ok);
    }
    struct audit_queue_stats st;
    audit_queue_stats(q, &st);
    CHECK_INT(st.batches, 2);
    CHECK_INT(st.records, 12);
    CHECK_INT(st.largest, 11);
    CHECK_INT(st.failed_batches, 0);
    audit_queue_stop(q);
}

/* A batch holds whole submissions, at most max_records records. */
static void test_max_records(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 4, 0);
    struct waiter w[6];
    prepare(&w[0], 1, 1);
    hold_flusher(q, &w[0]);
    for (int i = 1; i < 6; i++) {
        prepare(&w[i], 10 * i, 2);
        CHECK(audit_queue_submit(q, &w[i].w));
    }
    open_gate();
    wait_told(6);
    CHECK_INT(nbatches, 4);
    CHECK_INT(batch_sizes[1], 4);
    CHECK_INT(batch_sizes[2], 4);
    CHECK_INT(batch_sizes[3], 2);
    /* one submission larger than the bound still goes, alone */
    struct waiter big;
    prepare(&big, 100, 3);
    struct audit_queue *q2 = audit_queue_start(fake_append, NULL, 2, 0);
    CHECK(audit_queue_submit(q2, &big.w));
    wait_told(7);
    CHECK_INT(batch_sizes[4], 3);
    CHECK(big.ok);
    audit_queue_stop(q2);
    audit_queue_stop(q);
}

/* A failed append fails the submitters of that batch, and only those. */
static void test_failure(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 100, 0);
    struct waiter w[5];
    prepare(&w[0], 1, 1);
    hold_flusher(q, &w[0]); /* batch 1: w[0] alone, made to fail */
    for (int i = 1; i < 5; i++) {
        prepare(&w[i], 10 * i, 1);
        CHECK(audit_queue_submit(q, &w[i].w)); /* batch 2 */
    }
    pthread_mutex_lock(&mu);
    fail_batches = 1; /* read by the held append once the gate opens */
    pthread_mutex_unlock(&mu);
    open_gate();
    wait_told(5);
    CHECK_INT(w[0].told, 1);
    CHECK(!w[0].ok);
    for (int i = 1; i < 5; i++) {
        CHECK_INT(w[i].told, 1);
        CHECK(w[i].ok);
    }
    CHECK_INT(told_failed, 1);
    CHECK_INT(nlogged, 4);
    audit_queue_stop(q);
}

/* Every submitter of a failed batch is told so: the four behind a held
 * append fail as one. */
static void test_failure_whole_batch(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 100, 0);
    struct waiter first, v[4], later;
    prepare(&first, 1, 1);
    hold_flusher(q, &first);
    for (int i = 0; i < 4; i++) {
        prepare(&v[i], 10 + 10 * i, 3);
        CHECK(audit_queue_submit(q, &v[i].w));
    }
    pthread_mutex_lock(&mu);
    fail_batches = 2; /* the held batch and the one behind it */
    pthread_mutex_unlock(&mu);
    open_gate();
    wait_told(5);
    CHECK(!first.ok);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(v[i].told, 1);
        CHECK(!v[i].ok);
    }
    CHECK_INT(nlogged, 0); /* nothing of a failed batch is kept */
    prepare(&later, 500, 1);
    CHECK(audit_queue_submit(q, &later.w));
    wait_told(6);
    CHECK(later.ok); /* the queue goes on after a failure */
    CHECK_INT(nlogged, 1);
    struct audit_queue_stats st;
    audit_queue_stats(q, &st);
    CHECK_INT(st.failed_batches, 2);
    audit_queue_stop(q);
}

/* Stopping appends what still waits and tells each submitter. */
struct stopper {
    struct audit_queue *q;
};

static void *stop_thread(void *arg)
{
    audit_queue_stop(((struct stopper *)arg)->q);
    return NULL;
}

static void test_stop_flushes(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 100, 500);
    struct waiter first, v[3];
    prepare(&first, 1, 1);
    hold_flusher(q, &first);
    for (int i = 0; i < 3; i++) {
        prepare(&v[i], 10 + i, 1);
        CHECK(audit_queue_submit(q, &v[i].w));
    }
    struct stopper st = {q};
    pthread_t t;
    pthread_create(&t, NULL, stop_thread, &st);
    open_gate();
    pthread_join(t, NULL);
    CHECK_INT(told_ok, 4);
    CHECK_INT(nlogged, 4);
}

/* Many threads at once: every record appended exactly once, every
 * submitter told once. */
#define THREADS 6
#define PER_THREAD 300

struct producer {
    struct audit_queue *q;
    int index;
    struct waiter *w;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        struct waiter *w = &p->w[i];
        prepare(w, (int64_t)(p->index * PER_THREAD + i) * 2, (size_t)(i % 2) + 1);
        CHECK(audit_queue_submit(p->q, &w->w));
    }
    return NULL;
}

static void test_concurrent(void)
{
    reset();
    struct audit_queue *q = audit_queue_start(fake_append, NULL, 64, 50);
    struct producer p[THREADS];
    pthread_t t[THREADS];
    size_t want = 0;
    for (int i = 0; i < THREADS; i++) {
        p[i] = (struct producer){q, i, calloc(PER_THREAD, sizeof(struct waiter))};
        pthread_create(&t[i], NULL, produce, &p[i]);
        want += PER_THREAD / 2 * 3;
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    wait_told(THREADS * PER_THREAD);
    audit_queue_stop(q);
    CHECK_INT(nlogged, want);
    CHECK_INT(told_ok, THREADS * PER_THREAD);
    /* each tag once: records 2k and, for the two-record ones, 2k+1 */
    char *seen = calloc((size_t)THREADS * PER_THREAD * 2 + 2, 1);
    bool dup = false;
    for (size_t i = 0; i < nlogged; i++) {
        if (seen[logged[i]]) dup = true;
        seen[logged[i]] = 1;
    }
    CHECK(!dup);
    for (int i = 0; i < THREADS; i++) {
        for (int k = 0; k < PER_THREAD; k++)
            CHECK_INT(p[i].w[k].told, 1);
        free(p[i].w);
    }
    free(seen);
}

int main(void)
{
    test_batches();
    test_max_records();
    test_failure();
    test_failure_whole_batch();
    test_stop_flushes();
    test_concurrent();
    return check_report("audit_queue");
}
