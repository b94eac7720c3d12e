/* audit_queue: one flusher thread appends the records every request thread
 * queued, many requests' in one transaction (see the header). */
#include "http/audit_queue.h"
#include "domain/audit.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct audit_queue {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct audit_wait *head, *tail; /* waiting, in submission order */
    size_t pending;                 /* records waiting */
    bool stopping;
    bool idle; /* the flusher waits for records (and must be woken) */
    pthread_t thread;
    audit_append_fn append;
    void *ctx;
    size_t max_records;
    unsigned linger_us;
    struct audit_queue_stats stats;
    /* the flusher's own: one batch's records side by side */
    struct audit_record *batch;
    size_t batch_cap;
};

bool audit_queue_submit(struct audit_queue *q, struct audit_wait *w)
{
    w->next = NULL;
    pthread_mutex_lock(&q->lock);
    bool open = !q->stopping;
    if (open) {
        if (q->tail)
            q->tail->next = w;
        else
            q->head = w;
        q->tail = w;
        q->pending += w->n;
        /* a flusher that lingers or appends takes these next anyway */
        if (q->idle) pthread_cond_signal(&q->wake);
    }
    pthread_mutex_unlock(&q->lock);
    return open;
}

/* Takes whole submissions off the queue, up to max_records records (at
 * least one submission). Called with the lock held. */
static struct audit_wait *take(struct audit_queue *q)
{
    struct audit_wait *first = q->head, *last = first;
    size_t n = first->n;
    while (last->next && n + last->next->n <= q->max_records) {
        last = last->next;
        n += last->n;
    }
    q->head = last->next;
    if (!q->head) q->tail = NULL;
    q->pending -= n;
    last->next = NULL;
    return first;
}

/* The batch's records in one array, as the append wants them. */
static size_t gather(struct audit_queue *q, const struct audit_wait *w)
{
    size_t n = 0;
    for (const struct audit_wait *i = w; i; i = i->next)
        n += i->n;
    if (n > q->batch_cap) {
        q->batch_cap = n * 2;
        free(q->batch);
        q->batch = xcalloc(q->batch_cap, sizeof *q->batch);
    }
    size_t k = 0;
    for (const struct audit_wait *i = w; i; i = i->next) {
        memcpy(q->batch + k, i->recs, i->n * sizeof *q->batch);
        k += i->n;
    }
    return n;
}

/* Appends one batch and tells each of its submitters. */
static void flush(struct audit_queue *q, struct audit_wait *w)
{
    size_t n = gather(q, w);
    bool ok = n == 0 || q->append(q->ctx, q->batch, n);
    pthread_mutex_lock(&q->lock);
    q->stats.batches++;
    q->stats.records += n;
    q->stats.failed_batches += !ok;
    if (n > q->stats.largest) q->stats.largest = n;
    pthread_mutex_unlock(&q->lock);
    while (w) {
        struct audit_wait *next = w->next; /* w may be freed once told */
        w->done(w->arg, ok);
        w = next;
    }
}

static void *flusher(void *arg)
{
    struct audit_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->stopping) {
            q->idle = true;
            pthread_cond_wait(&q->wake, &q->lock);
        }
        q->idle = false;
        if (!q->head) break; /* stopping, and nothing left */
        if (q->linger_us && !q->stopping && q->pending < q->max_records) {
            /* let the request threads add to the batch: one commit for
             * many, which is what makes an audited read affordable */
            pthread_mutex_unlock(&q->lock);
            struct timespec ts = {0, (long)q->linger_us * 1000};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&q->lock);
        }
        struct audit_wait *w = take(q);
        pthread_mutex_unlock(&q->lock);
        flush(q, w);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

struct audit_queue *audit_queue_start(audit_append_fn append, void *ctx, size_t max_records,
                                      unsigned linger_us)
{
    struct audit_queue *q = xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    q->append = append;
    q->ctx = ctx;
    q->max_records = max_records ? max_records : 1;
    q->linger_us = linger_us < 1000000 ? linger_us : 999999;
    if (pthread_create(&q->thread, NULL, flusher, q) != 0) {
        pthread_cond_destroy(&q->wake);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
    }
    return q;
}

void audit_queue_stop(struct audit_queue *q)
{
    if (!q) return;
    pthread_mutex_lock(&q->lock);
    q->stopping = true;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL); /* it empties the queue first */
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    free(q->batch);
    free(q);
}

void audit_queue_stats(struct audit_queue *q, struct audit_queue_stats *out)
{
    pthread_mutex_lock(&q->lock);
    *out = q->stats;
    pthread_mutex_unlock(&q->lock);
}
