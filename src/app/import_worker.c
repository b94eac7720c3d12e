/* import_worker: running queued jobs, and settling those whose runner is
 * gone (see the header). */
#include "app/import_worker.h"
#include "domain/audit.h"
#include "http/killswitch.h"
#include "http/server.h"
#include "service/import_job.h"
#include "store/store.h"
#include "store/store_import.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *import_spool_dir(const char *db_path)
{
    static char dir[4096];
    /* beside a SQLite file; for PostgreSQL in POSTROOM_STATE_DIR. A job's
     * file is local to the servers sharing that directory: a server
     * elsewhere cannot resume it (docs/scaling.md). */
    const char *base = db_path ? store_local_base(db_path) : NULL;
    if (!base || snprintf(dir, sizeof dir, "%s.imports", base) >= (int)sizeof dir) return NULL;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return NULL;
    return dir;
}

/* Whether the runner that holds a job is gone: a process of this host
 * that no longer exists, or (another host's) a lease that is over. */
static bool runner_gone(const char *runner, int64_t lease_until, int64_t now)
{
    if (!runner) return true;
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    const char *colon = strrchr(runner, ':');
    if (colon && (size_t)(colon - runner) == strlen(host) && !strncmp(runner, host, strlen(host))) {
        long pid = strtol(colon + 1, NULL, 10);
        if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) return true;
        /* alive, or its pid taken by another process since: a minute
         * past its lease settles that */
        return lease_until + 60000 < now;
    }
    return lease_until < now;
}

/* Runs a job this runner has taken, reading its spooled upload, and
 * removes the upload once the job has ended. */
static void run_taken(struct store *s, const struct server_config *c,
                      const struct import_job_row *job)
{
    FILE *f = job->file_path ? fopen(job->file_path, "rb") : NULL;
    struct arena a;
    arena_init(&a);
    struct audit_actor actor = {import_runner_id(), job->request_id, job->tenant_id,
                                job->principal_id};
    struct service_ctx ctx = {s, {job->tenant_id}, &a, c ? c->tariff : NULL, time_now_ms(), &actor};
    struct import_job_row out;
    int rc =
        f ? import_job_run(&ctx, job->job_id, import_runner_id(), f, NULL, &out)
          : import_job_fail(&ctx, job, "failed", "the uploaded file is gone; nothing was imported");
    if (f) fclose(f);
    bool ended = rc == SERVICE_OK && (!f || out.state == IMPORT_DONE || out.state == IMPORT_FAILED);
    if (ended && job->file_path) unlink(job->file_path);
    char extra[160];
    snprintf(extra, sizeof extra, "\"tenant\":%lld,\"job\":%lld,\"rc\":%d",
             (long long)job->tenant_id, (long long)job->job_id, rc);
    log_json(rc == SERVICE_OK ? "info" : "warn", "import job ran", extra);
    arena_free(&a);
}

/* One open job: taken and run, failed, or left to its runner. */
static bool settle(struct store *s, const struct server_config *c, const struct import_job_open *o,
                   bool run_queued, struct arena *a)
{
    int64_t now = time_now_ms();
    bool queued = o->state == IMPORT_QUEUED;
    if (queued && !run_queued) return false;
    if (!queued && (!strcmp(o->runner ? o->runner : "", import_runner_id()) ||
                    !runner_gone(o->runner, o->lease_until, now)))
        return false;
    struct scope sc = {o->tenant_id};
    struct import_job_row job;
    if (store_import_job_get(s, &sc, o->job_id, a, &job) != STORE_OK) return false;
    if (!queued && !job.file_path) {
        /* the command line's job: its file is the caller's, not ours to read */
        struct service_ctx ctx = {s, sc, a, NULL, now, NULL};
        import_job_fail(&ctx, &job, "interrupted",
                        "the import stopped before it finished (its command ended); nothing "
                        "was imported: run it again");
        return true;
    }
    /* a kill switch on the business's imports (or its face, or everything)
     * holds its jobs where they are until it is turned off */
    struct route rt = {.auth = !strcmp(job.source, "web") ? AUTH_SESSION : AUTH_API_KEY,
                       .feature = FEATURE_IMPORTS};
    const char *why;
    if (c && killswitch_stops(&rt, o->tenant_id, a, &why)) return false;
    if (store_import_job_take(s, &sc, o->job_id, queued ? NULL : o->runner, import_runner_id(),
                              now + IMPORT_JOB_LEASE_MS, now) != STORE_OK)
        return false;
    job.attempts++;
    run_taken(s, c, &job);
    return true;
}

int import_worker_round(struct store *s, const struct server_config *c, bool run_queued)
{
    struct arena a;
    arena_init(&a);
    struct import_job_open *open;
    size_t n;
    int ran = 0;
    if (store_operator_import_jobs_open(s, 64, &a, &open, &n) == STORE_OK)
        for (size_t i = 0; i < n && !store_is_broken(s); i++)
            ran += settle(s, c, &open[i], run_queued, &a);
    arena_free(&a);
    return ran;
}

static pthread_t worker;
static bool worker_started;
static atomic_bool worker_stopping;

static void *worker_main(void *arg)
{
    const struct server_config *c = arg;
    struct store *s = NULL;
    while (!atomic_load(&worker_stopping)) {
        if (!s && store_open(c->db_path, &s) != STORE_OK) s = NULL;
        int ran = s ? import_worker_round(s, c, true) : 0;
        if (s && store_is_broken(s)) {
            store_close(s);
            s = NULL;
        }
        if (ran) continue;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (s) store_close(s);
    return NULL;
}

bool import_worker_start(const struct server_config *c)
{
    atomic_store(&worker_stopping, false);
    worker_started = pthread_create(&worker, NULL, worker_main, (void *)c) == 0;
    return worker_started;
}

void import_worker_stop(void)
{
    if (!worker_started) return;
    atomic_store(&worker_stopping, true);
    pthread_join(worker, NULL);
    worker_started = false;
}
