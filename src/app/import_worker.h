/* import_worker: who runs import jobs, and what becomes of a job whose
 * runner is gone.
 *
 * A runner is a process (host:pid): a server's worker thread, or the
 * `postroom import` command. It holds a job by a lease it renews every
 * chunk. A job still running under a runner that is gone (a process of
 * this host that no longer exists, or a lease over) was never half
 * applied: its orders go in by one final transaction, so either that
 * committed and the job says done, or nothing of it is in orders. Such a
 * job with a spooled upload (an HTTP or web job) is resumed from its
 * start and says so; one without (the command line read the caller's own
 * file) is failed, saying nothing was imported. */
#ifndef POSTROOM_IMPORT_WORKER_H
#define POSTROOM_IMPORT_WORKER_H
#include <stdbool.h>
#include <stdint.h>

struct store;
struct server_config;
struct service_ctx;
struct import_job_row;
struct import_job_hooks;

/* Settles the jobs whose runner is gone (see above): the resumable ones
 * are taken by this runner and run, the others failed. Also runs the
 * queued jobs when run_queued. How many jobs it ran or failed. */
int import_worker_round(struct store *s, const struct server_config *c, bool run_queued);
/* The server's worker thread: started once the database is ready,
 * stopped (after the job under way reaches its next chunk) with the
 * server. */
bool import_worker_start(const struct server_config *c);
void import_worker_stop(void);
/* The directory spooled uploads are kept in, beside the database
 * ("DB.imports"), made when missing; NULL when it cannot be. */
const char *import_spool_dir(const char *db_path);

#endif
