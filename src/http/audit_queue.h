/* audit_queue: group commit for the access audit's read records (issue 10).
 *
 * A read's record cannot be written inside the read's own snapshot, and a
 * write transaction of its own per request cut the authenticated GET
 * benchmark to a third. So every request thread hands its records to one
 * queue per server, and one flusher thread appends whatever waits in one
 * write transaction (group commit): the first records wake it, and the
 * records that arrive while it appends go in the next batch, so a batch
 * grows with the load and an idle server adds no delay. Each submitter is
 * told, once its batch committed or failed, which of the two: the server
 * holds the answer until then (nothing recorded as read leaves
 * unrecorded), and a failed batch turns every answer in it into a 500. */
#ifndef POSTROOM_HTTP_AUDIT_QUEUE_H
#define POSTROOM_HTTP_AUDIT_QUEUE_H
#include <stdbool.h>
#include <stddef.h>

struct audit_record;
struct audit_queue;

/* Appends n records in one transaction; true once they are committed. Only
 * the flusher thread calls it, so whatever ctx holds (a store connection)
 * is that thread's alone. */
typedef bool (*audit_append_fn)(void *ctx, const struct audit_record *recs, size_t n);
/* Told once per submission, from the flusher thread, whether its records
 * are committed. After it returns, the submission's memory may be freed. */
typedef void (*audit_done_fn)(void *arg, bool ok);

/* One submission: the caller's memory (a request's), which, with the
 * records it points at, must stay valid until done has been called. */
struct audit_wait {
    const struct audit_record *recs;
    size_t n;
    audit_done_fn done;
    void *arg;
    struct audit_wait *next; /* the queue's */
};

/* Starts the flusher. A batch holds at most max_records records (but always
 * at least one whole submission). Woken by the first records, the flusher
 * waits linger_us (0: not at all) for more before it appends, unless
 * max_records already wait. NULL if the thread cannot start. */
struct audit_queue *audit_queue_start(audit_append_fn append, void *ctx, size_t max_records,
                                      unsigned linger_us);
/* Queues w (its recs, n, done and arg set by the caller). False once the
 * queue is stopping: then nothing was queued and done is never called. */
bool audit_queue_submit(struct audit_queue *q, struct audit_wait *w);
/* Appends everything still queued, tells each submitter, then stops the
 * flusher and frees the queue. */
void audit_queue_stop(struct audit_queue *q);

/* Counters since the start, for the log and the tests. */
struct audit_queue_stats {
    unsigned long long batches, records, failed_batches;
    size_t largest; /* most records in one batch */
};
void audit_queue_stats(struct audit_queue *q, struct audit_queue_stats *out);

#endif
