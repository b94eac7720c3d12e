/* store_import: the store calls of import jobs (issue 13, migration 018).
 *
 * A job is the business's: every call but the workers' list is scoped, and
 * a job id of another business is STORE_NOTFOUND, as an unknown one. A job
 * stages its valid orders chunk by chunk (store_import_stage, each chunk a
 * short write of its own), then store_import_swap moves them into orders
 * with their audit records and the job's end in one transaction: a job is
 * done exactly when its orders exist. Times are Unix ms, the caller's. */
#ifndef POSTROOM_STORE_IMPORT_H
#define POSTROOM_STORE_IMPORT_H
#include "store/store.h"

enum import_job_state { IMPORT_QUEUED = 1, IMPORT_RUNNING, IMPORT_DONE, IMPORT_FAILED };

struct import_job_row {
    int64_t tenant_id, job_id;
    enum import_job_state state;
    const char *source;      /* "cli", "api", "web" */
    const char *format;      /* asked for: "auto", "clickanddrop", ... */
    const char *format_name; /* found: "Click & Drop"; NULL until known */
    bool skip_bad_rows, skip_existing;
    int64_t default_grams;
    const char *default_package;
    const char *file_path; /* the spooled upload; NULL: the CLI's own file */
    int64_t file_bytes;
    const char *principal_id, *request_id; /* who asked, for the audit */
    const char *runner;
    int64_t lease_until, attempts;
    int64_t bytes_read, rows_read, orders_staged, problems, left_out;
    int64_t orders_created, orders_held, first_order_id, last_order_id;
    const char *outcome, *message;
    int64_t created_at, started_at, finished_at;
};

/* One problem of a file: its line, the column (NULL: the line or file) and
 * a message that quotes no cell. */
struct import_problem_row {
    int64_t line;
    const char *column;
    const char *message;
};

/* One validated order waiting for the swap. */
struct import_staged_row {
    int64_t seq, line;
    const struct order_new *order;
    const char *history; /* the rule's history line, or NULL */
};

/* A line of what a finished job made: the order created there, or (held)
 * the order that already had its reference; with the order as it reads
 * now (status, reference, tracking number) when it still exists. */
struct import_job_order_row {
    int64_t line;
    bool held;
    struct order_row order;
};

/* The workers' view of an open job (queued or running), across businesses. */
struct import_job_open {
    int64_t tenant_id, job_id;
    enum import_job_state state;
    const char *runner;
    int64_t lease_until;
};

/* Creates a job from in (its ids, state and counters ignored): queued, or
 * with in->runner already running under that runner until in->lease_until
 * (a door that runs the job itself, so no worker takes it first). */
int store_import_job_create(struct store *s, const struct scope *sc,
                            const struct import_job_row *in, int64_t now, int64_t *job_id);
int store_import_job_get(struct store *s, const struct scope *sc, int64_t job_id, struct arena *a,
                         struct import_job_row *out);
/* Takes the job for runner until lease_until if it is queued, or running
 * under expect_runner (a runner that is gone): one conditional UPDATE that
 * also counts the attempt and clears what an earlier attempt staged.
 * STORE_CONFLICT when another runner has it, or it has ended. */
int store_import_job_take(struct store *s, const struct scope *sc, int64_t job_id,
                          const char *expect_runner, const char *runner, int64_t lease_until,
                          int64_t now);
/* The running job's progress, renewing its lease; STORE_CONFLICT when the
 * job is no longer this runner's. */
int store_import_job_progress(struct store *s, const struct scope *sc, int64_t job_id,
                              const char *runner, const struct import_job_row *p,
                              int64_t lease_until);
/* Ends the job (state done or failed, outcome, message, the counters of p).
 * Inside the swap's transaction for a done job. */
int store_import_job_finish(struct store *s, const struct scope *sc, int64_t job_id,
                            const struct import_job_row *p, int64_t now);
/* Appends problems, numbered after those already there. */
int store_import_problems_add(struct store *s, const struct scope *sc, int64_t job_id,
                              int64_t first_seq, const struct import_problem_row *rows, size_t n);
/* Up to limit problems from line after_line on, in line order. */
int store_import_problems(struct store *s, const struct scope *sc, int64_t job_id,
                          int64_t after_seq, size_t limit, struct arena *a,
                          struct import_problem_row **rows, size_t *n);
int store_import_stage(struct store *s, const struct scope *sc, int64_t job_id,
                       const struct import_staged_row *rows, size_t n);
/* Forgets what the job staged (a job that failed). */
int store_import_unstage(struct store *s, const struct scope *sc, int64_t job_id);
/* The job's end when it succeeds, as one transaction of its own (never
 * inside a scoped one): with skip_existing, marks the staged orders whose
 * reference the business holds by now; gives the others dense new order
 * ids in file order, inserts them (their S10 numbers issued and charged,
 * their rule's history line), records what each line made, empties the
 * staging, appends the audit records of actor creating them (none
 * without an actor) and ends the job as done with the counters of p,
 * whose orders_created, orders_held, first_order_id and last_order_id it
 * fills in. */
struct audit_actor;
int store_import_swap(struct store *s, const struct scope *sc, int64_t job_id, bool skip_existing,
                      int64_t now, const struct audit_actor *actor, struct import_job_row *p);
/* Up to limit lines of what the job made, from line after_line on. */
int store_import_job_orders(struct store *s, const struct scope *sc, int64_t job_id,
                            int64_t after_line, size_t limit, struct arena *a,
                            struct import_job_order_row **rows, size_t *n);
/* Every job queued or running, of every business (at most limit): ids,
 * states and runners only. An operator call: it crosses businesses. */
int store_operator_import_jobs_open(struct store *s, size_t limit, struct arena *a,
                                    struct import_job_open **rows, size_t *n);

struct store_import_ops {
    int (*create)(struct store *, const struct scope *, const struct import_job_row *, int64_t,
                  int64_t *);
    int (*get)(struct store *, const struct scope *, int64_t, struct arena *,
               struct import_job_row *);
    int (*take)(struct store *, const struct scope *, int64_t, const char *, const char *, int64_t,
                int64_t);
    int (*progress)(struct store *, const struct scope *, int64_t, const char *,
                    const struct import_job_row *, int64_t);
    int (*finish)(struct store *, const struct scope *, int64_t, const struct import_job_row *,
                  int64_t);
    int (*problems_add)(struct store *, const struct scope *, int64_t, int64_t,
                        const struct import_problem_row *, size_t);
    int (*problems)(struct store *, const struct scope *, int64_t, int64_t, size_t, struct arena *,
                    struct import_problem_row **, size_t *);
    int (*stage)(struct store *, const struct scope *, int64_t, const struct import_staged_row *,
                 size_t);
    int (*unstage)(struct store *, const struct scope *, int64_t);
    int (*swap)(struct store *, const struct scope *, int64_t, bool, int64_t,
                const struct audit_actor *, struct import_job_row *);
    int (*orders)(struct store *, const struct scope *, int64_t, int64_t, size_t, struct arena *,
                  struct import_job_order_row **, size_t *);
    int (*open)(struct store *, size_t, struct arena *, struct import_job_open **, size_t *);
};

#endif
