/* status_uptime: walks a component's changes over the window. The state at
 * the window's start is the last change before it (or, with none, the first
 * change's old state, or the state now); time before the component was
 * created is no data. */
#include "status/status_uptime.h"
#include "status/status_db_impl.h"
#include "status/status_markup.h"

#include <string.h>

int status_rank_of(const char *state)
{
    static const char *const order[] = {"operational", "under_maintenance", "degraded_performance",
                                        "partial_outage", "major_outage"};
    for (int i = 0; state && i < RANK_COUNT; i++)
        if (!strcmp(state, order[i])) return i;
    return RANK_OPERATIONAL;
}

int status_uptime_bp(const int64_t ms[RANK_COUNT])
{
    int64_t total = 0;
    for (int i = 0; i < RANK_COUNT; i++)
        total += ms[i];
    if (total <= 0) return -1;
    /* in tenths of a millisecond, so that 30% of a partial outage stays exact */
    __int128 down = (__int128)ms[RANK_MAJOR] * 10 + (__int128)ms[RANK_PARTIAL] * 3;
    __int128 up = (__int128)total * 10 - down;
    return (int)(up * 10000 / ((__int128)total * 10));
}

/* Adds the time from *at to until in state rank to the days it falls in. */
static void spend(struct status_uptime *u, int64_t from, int64_t until, int rank)
{
    for (int i = 0; i < STATUS_DAYS && from < until; i++) {
        struct status_day *d = &u->day[i];
        int64_t end = d->start + STATUS_DAY_MS;
        if (from >= end) continue;
        int64_t a = from > d->start ? from : d->start, b = until < end ? until : end;
        if (b <= a) continue;
        d->ms[rank] += b - a;
        u->ms[rank] += b - a;
        if (rank > d->worst) d->worst = rank;
        from = b;
    }
}

/* A change at instant at moves into rank: the day it falls in has seen it. */
static void touch(struct status_uptime *u, int64_t at, int rank)
{
    for (int i = 0; i < STATUS_DAYS; i++)
        if (at >= u->day[i].start && at < u->day[i].start + STATUS_DAY_MS && rank > u->day[i].worst)
            u->day[i].worst = rank;
}

static bool initial_state(struct status_db *db, int64_t id, int64_t start, const char *current,
                          int *rank)
{
    sqlite3_stmt *st =
        status_db_prep(db, "SELECT new_status FROM component_changes WHERE component_id = ?1"
                           " AND at < ?2 ORDER BY at DESC, id DESC LIMIT 1");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, start);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *rank = status_rank_of((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) return false;
    st = status_db_prep(db, "SELECT old_status FROM component_changes WHERE component_id = ?1"
                            " AND at >= ?2 ORDER BY at, id LIMIT 1");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, start);
    rc = sqlite3_step(st);
    const char *old = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    *rank = status_rank_of(old ? old : current);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool status_uptime_read(struct status_db *db, int64_t id, int64_t created, const char *current,
                        int64_t now_ms, struct status_uptime *u)
{
    memset(u, 0, sizeof *u);
    int64_t first = mk_day_start(now_ms) - (STATUS_DAYS - 1) * STATUS_DAY_MS;
    for (int i = 0; i < STATUS_DAYS; i++) {
        u->day[i].start = first + i * STATUS_DAY_MS;
        u->day[i].worst = RANK_NODATA;
    }
    int rank;
    if (!initial_state(db, id, first, current, &rank)) return false;
    sqlite3_stmt *st =
        status_db_prep(db, "SELECT new_status, at FROM component_changes WHERE component_id = ?1"
                           " AND at >= ?2 AND at <= ?3 ORDER BY at, id");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, first);
    sqlite3_bind_int64(st, 3, now_ms);
    int64_t at = created > first ? created : first;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t t = sqlite3_column_int64(st, 1);
        int next = status_rank_of((const char *)sqlite3_column_text(st, 0));
        if (t > at) {
            spend(u, at, t, rank);
            at = t;
        }
        if (t >= created) touch(u, t, next);
        rank = next;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return false;
    spend(u, at, now_ms, rank);
    /* today counts even at 00:00 sharp */
    if (u->day[STATUS_DAYS - 1].worst == RANK_NODATA && created <= now_ms)
        u->day[STATUS_DAYS - 1].worst = rank;
    return true;
}
