/* store_import: dispatch of the import jobs' calls to the backend, each
 * held to its scope as store.c holds the others. */
#include "store/store_import.h"
#include "util/log.h"

#include <stdio.h>

static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

static bool broken(struct store *s, const char *what, int64_t tenant_id)
{
    char extra[112];
    snprintf(extra, sizeof extra, "\"what\":\"import: %s\",\"tenant\":%lld", what,
             (long long)tenant_id);
    log_json("error", "store invariant broken", extra);
    s->broken = true;
    return false;
}

/* A scope that names a business, and inside a scoped transaction the
 * transaction's; anything else breaks the connection (store.c's rule). */
static bool scoped(struct store *s, const struct scope *sc)
{
    if (s->broken && s->in_tx) return false;
    if (sc && sc->tenant_id >= 1 && (!s->in_tx || sc->tenant_id == s->tx_scope.tenant_id))
        return true;
    return broken(s, "bad scope", sc ? sc->tenant_id : 0);
}

#define CALL(call) return scoped(s, sc) ? done(s, s->ops->import->call) : STORE_ERROR

int store_import_job_create(struct store *s, const struct scope *sc,
                            const struct import_job_row *in, int64_t now, int64_t *job_id)
{
    CALL(create(s, sc, in, now, job_id));
}

int store_import_job_get(struct store *s, const struct scope *sc, int64_t job_id, struct arena *a,
                         struct import_job_row *out)
{
    CALL(get(s, sc, job_id, a, out));
}

int store_import_job_take(struct store *s, const struct scope *sc, int64_t job_id,
                          const char *expect_runner, const char *runner, int64_t lease_until,
                          int64_t now)
{
    CALL(take(s, sc, job_id, expect_runner, runner, lease_until, now));
}

int store_import_job_progress(struct store *s, const struct scope *sc, int64_t job_id,
                              const char *runner, const struct import_job_row *p,
                              int64_t lease_until)
{
    CALL(progress(s, sc, job_id, runner, p, lease_until));
}

int store_import_job_finish(struct store *s, const struct scope *sc, int64_t job_id,
                            const struct import_job_row *p, int64_t now)
{
    CALL(finish(s, sc, job_id, p, now));
}

int store_import_problems_add(struct store *s, const struct scope *sc, int64_t job_id,
                              int64_t first_seq, const struct import_problem_row *rows, size_t n)
{
    if (!n) return STORE_OK;
    CALL(problems_add(s, sc, job_id, first_seq, rows, n));
}

int store_import_problems(struct store *s, const struct scope *sc, int64_t job_id,
                          int64_t after_seq, size_t limit, struct arena *a,
                          struct import_problem_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    CALL(problems(s, sc, job_id, after_seq, limit, a, rows, n));
}

int store_import_stage(struct store *s, const struct scope *sc, int64_t job_id,
                       const struct import_staged_row *rows, size_t n)
{
    if (!n) return STORE_OK;
    CALL(stage(s, sc, job_id, rows, n));
}

int store_import_unstage(struct store *s, const struct scope *sc, int64_t job_id)
{
    CALL(unstage(s, sc, job_id));
}

int store_import_swap(struct store *s, const struct scope *sc, int64_t job_id, bool skip_existing,
                      int64_t now, const struct audit_actor *actor, struct import_job_row *p)
{
    /* its own transaction: the whole swap is one, never a savepoint */
    if (s->in_tx) return broken(s, "swap inside a transaction", sc ? sc->tenant_id : 0);
    CALL(swap(s, sc, job_id, skip_existing, now, actor, p));
}

int store_import_job_orders(struct store *s, const struct scope *sc, int64_t job_id,
                            int64_t after_line, size_t limit, struct arena *a,
                            struct import_job_order_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    CALL(orders(s, sc, job_id, after_line, limit, a, rows, n));
}

int store_operator_import_jobs_open(struct store *s, size_t limit, struct arena *a,
                                    struct import_job_open **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (s->broken && s->in_tx) return STORE_ERROR;
    if (s->in_tx) return broken(s, "open jobs in a scoped tx", 0) ? STORE_OK : STORE_ERROR;
    return done(s, s->ops->import->open(s, limit, a, rows, n));
}
