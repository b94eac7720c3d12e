/* test_status_uptime: a component's 90 days from its history
 * (status/status_uptime.c): each UTC day's worst state and the time in each
 * state, a state carried in from before the window, days before the
 * component existed as no data, and the uptime over the window counted as
 * Statuspage does (major outage down, partial outage 30% down). */
#include "check.h"
#include "status/status_db.h"
#include "status/status_markup.h"
#include "status/status_uptime.h"
#include "util/timefmt.h"

#include <stdlib.h>
#include <unistd.h>

#define H 3600000LL
#define D STATUS_DAY_MS

static struct status_uptime u;

/* The component's id and creation time by position (1: Web app ...). */
static bool days(struct status_db *db, int64_t id, int64_t created, const char *state, int64_t now)
{
    return status_uptime_read(db, id, created, state, now, &u);
}

static void test_bp(void)
{
    int64_t none[RANK_COUNT] = {0};
    CHECK_INT(status_uptime_bp(none), -1);
    int64_t partial[RANK_COUNT] = {[RANK_PARTIAL] = 10};
    CHECK_INT(status_uptime_bp(partial), 7000);
    int64_t mixed[RANK_COUNT] = {[RANK_OPERATIONAL] = 7, [RANK_MAJOR] = 1, [RANK_DEGRADED] = 2};
    CHECK_INT(status_uptime_bp(mixed), 9000); /* degraded counts as up */
    int64_t maint[RANK_COUNT] = {[RANK_MAINTENANCE] = 5};
    CHECK_INT(status_uptime_bp(maint), 10000);
    CHECK_INT(status_rank_of("major_outage"), RANK_MAJOR);
    CHECK_INT(status_rank_of("under_maintenance"), RANK_MAINTENANCE);
}

int main(void)
{
    char path[] = "/tmp/postroom-test-uptime-XXXXXX";
    close(mkstemp(path));
    unlink(path);
    struct status_db *db;
    int64_t created = time_now_ms();
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    test_bp();

    int64_t now = mk_day_start(created + 200 * D) + 12 * H; /* noon, 200 days on */
    int64_t first = mk_day_start(now) - 89 * D;
    /* API: 10 days ago 2 h of major outage, then 1 h partial, then back */
    int64_t t = mk_day_start(now) - 10 * D + 6 * H;
    CHECK_INT(status_component_set(db, "API", "major_outage", t), STATUS_OK);
    CHECK_INT(status_component_set(db, "API", "partial_outage", t + 2 * H), STATUS_OK);
    CHECK_INT(status_component_set(db, "API", "operational", t + 3 * H), STATUS_OK);
    CHECK(days(db, 2, created, "operational", now));
    CHECK_INT(u.day[89].start, mk_day_start(now));
    CHECK_INT(u.day[0].start, first);
    CHECK_INT(u.day[79].worst, RANK_MAJOR);
    CHECK_INT(u.day[79].ms[RANK_MAJOR], 2 * H);
    CHECK_INT(u.day[79].ms[RANK_PARTIAL], 1 * H);
    CHECK_INT(u.day[79].ms[RANK_OPERATIONAL], 21 * H);
    CHECK_INT(u.day[78].worst, RANK_OPERATIONAL);
    CHECK_INT(u.day[80].worst, RANK_OPERATIONAL);
    CHECK_INT(u.day[89].ms[RANK_OPERATIONAL], 12 * H); /* today, up to now */
    int64_t total = now - first;
    CHECK_INT(u.ms[RANK_MAJOR] + u.ms[RANK_PARTIAL] + u.ms[RANK_OPERATIONAL], total);
    int64_t bp = (total * 10 - 2 * H * 10 - 1 * H * 3) * 10000 / (total * 10);
    CHECK_INT(status_uptime_bp(u.ms), bp);
    CHECK(bp < 10000 && bp > 9980);

    /* Web app, never changed: every day operational, 100% */
    CHECK(days(db, 1, created, "operational", now));
    for (int i = 0; i < STATUS_DAYS; i++)
        CHECK_INT(u.day[i].worst, RANK_OPERATIONAL);
    CHECK_INT(status_uptime_bp(u.ms), 10000);

    /* Imports down since before the window and still: major all along */
    CHECK_INT(status_component_set(db, "Imports", "major_outage", first - 5 * D), STATUS_OK);
    CHECK(days(db, 4, created, "major_outage", now));
    CHECK_INT(u.day[0].worst, RANK_MAJOR);
    CHECK_INT(u.day[89].worst, RANK_MAJOR);
    CHECK_INT(status_uptime_bp(u.ms), 0);

    /* a page 10 days old: the days before it are no data */
    CHECK(days(db, 1, created, "operational", created + 10 * D));
    CHECK_INT(u.day[78].worst, RANK_NODATA);
    CHECK_INT(u.day[79].worst, RANK_OPERATIONAL);
    CHECK_INT(u.day[78].ms[RANK_OPERATIONAL], 0);

    status_db_close(db);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_status_uptime");
}
