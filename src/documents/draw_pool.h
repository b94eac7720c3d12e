/* draw_pool: the server's documents drawn in processes of postroom's own.
 *
 * cairo 1.16 (Debian 12's) cannot draw from two threads of one process at
 * once (doc_fonts.c says why). So the server draws in none of its threads:
 * draw_pool_start forks a small single-threaded "zygote" before the server
 * creates any thread, and the zygote forks the drawing workers, now and
 * whenever one must be replaced, so nothing is ever forked from the
 * multithreaded server. A worker has one thread, so it draws with the
 * in-process code as the command line does.
 *
 * From draw_pool_start on, every document begun with the fonts (doc_begin)
 * is written down as a job (draw_job.c) instead of drawn; doc_end takes a
 * free worker (waiting for one when all are busy), sends the job over the
 * worker's socket, and appends the PDF it answers to the caller's buffer.
 * Callers see no difference but the speed: documents of as many threads as
 * there are workers are drawn at once. Every job carries its tenant, and
 * the worker draws it with the same adders, whose tenant check refuses a
 * record of any other tenant: a PDF still holds one tenant's data.
 *
 * A worker that dies, answers nonsense or overruns the time limit fails
 * only the job it had (DOC_ERR_DRAW: the caller answers 500) and is killed
 * and replaced; one that died between jobs is replaced before it is given
 * the next. Workers and the zygote keep no descriptor of the server's but
 * their sockets and stdin, stdout and stderr (not the database, not the
 * listening socket), and sit in a process group of their own (a terminal's
 * ^C goes to the server alone, which ends them). They end when the server
 * ends: the kernel kills the zygote (PR_SET_PDEATHSIG), a worker reads EOF
 * on its socket, or, stuck in a job, is ended by its own alarm. A zygote
 * that dies alone leaves the pool its workers, without replacements. */
#ifndef POSTROOM_DRAW_POOL_H
#define POSTROOM_DRAW_POOL_H
#include "documents/document.h"

#include <stddef.h>
#include <sys/types.h>

#define DRAW_POOL_MAX 64               /* workers */
#define DRAW_POOL_TIMEOUT_MS 120000    /* a job's default limit, sent to answered */
#define DRAW_POOL_JOB_MAX (64u << 20)  /* bytes of a job's input, by default */
#define DRAW_POOL_PDF_MAX (256u << 20) /* bytes of one PDF, by default */

struct draw_pool_config {
    int workers;    /* 1 to DRAW_POOL_MAX; 0: draw_pool_default_workers() */
    int timeout_ms; /* 0: DRAW_POOL_TIMEOUT_MS */
    size_t job_max; /* 0: DRAW_POOL_JOB_MAX */
    size_t pdf_max; /* 0: DRAW_POOL_PDF_MAX */
};

struct draw_pool;

/* The number of online CPUs, at least 1 (at most DRAW_POOL_MAX). */
int draw_pool_default_workers(void);

/* Starts the zygote and c's workers and makes every document of f drawn in
 * them. Must be called while the process has one thread (it refuses
 * otherwise: a fork would copy other threads' locks) and f has no pool.
 * NULL with a message in err on failure. */
struct draw_pool *draw_pool_start(struct doc_fonts *f, const struct draw_pool_config *c, char *err,
                                  size_t n);
/* Ends the workers and the zygote and lets f draw in this process again;
 * no document may be in progress. */
void draw_pool_stop(struct draw_pool *p);

/* For tests and operators: the workers' process ids (0 for a slot without
 * one) written to pids (room for n), returning the slots; the zygote's id;
 * and how many jobs have been sent and not yet answered. */
int draw_pool_pids(struct draw_pool *p, pid_t *pids, int n);
pid_t draw_pool_zygote(const struct draw_pool *p);
int draw_pool_waiting(struct draw_pool *p);

#endif
