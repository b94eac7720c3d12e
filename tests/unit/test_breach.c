/* Unit tests of domain/breach.c: the 72-hour deadline is 72 elapsed hours
 * across the UK's clock changes (March and October, 2026 and 2027), shown in
 * Europe/London with the right abbreviation; the London rule agrees with
 * the system's tz database hour by hour for three years; the time left; and
 * the blast radius fold (own data ignored, the wall's withheld records
 * joined to the audit's reads of the same request). */
#include "check.h"
#include "domain/breach.h"
#include "util/timefmt.h"

#include <stdlib.h>
#include <time.h>

static int64_t t(const char *rfc3339)
{
    int64_t ms = 0;
    CHECK(time_parse_rfc3339(rfc3339, &ms));
    return ms;
}

static void check_london(const char *utc, const char *want)
{
    char got[32];
    breach_format_london(t(utc), got, sizeof got);
    CHECK_STR(got, want);
}

/* aware (UTC) -> the deadline in UTC and in London */
static void check_deadline(const char *aware, const char *want_utc, const char *want_london)
{
    int64_t d = breach_deadline(t(aware));
    CHECK_INT(d - t(aware), 72LL * 3600 * 1000);
    CHECK_INT(d, t(want_utc));
    char got[32];
    breach_format_london(d, got, sizeof got);
    CHECK_STR(got, want_london);
}

static void test_clock_changes(void)
{
    /* March 2027 (Sunday 28th, 01:00 UTC): aware 12:00 GMT on the Saturday,
     * 72 real hours on is 13:00 BST on the Tuesday */
    check_london("2027-03-27T12:00:00Z", "2027-03-27 12:00 GMT");
    check_deadline("2027-03-27T12:00:00Z", "2027-03-30T12:00:00Z", "2027-03-30 13:00 BST");
    /* March 2026 (Sunday 29th): aware just before the change */
    check_deadline("2026-03-29T00:30:00Z", "2026-04-01T00:30:00Z", "2026-04-01 01:30 BST");
    /* October 2026 (Sunday 25th): aware 12:00 BST the day before, due 11:00 GMT */
    check_london("2026-10-24T11:00:00Z", "2026-10-24 12:00 BST");
    check_deadline("2026-10-24T11:00:00Z", "2026-10-27T11:00:00Z", "2026-10-27 11:00 GMT");
    /* October 2027 (Sunday 31st) */
    check_deadline("2027-10-30T08:15:00Z", "2027-11-02T08:15:00Z", "2027-11-02 08:15 GMT");
    /* aware in the repeated hour (01:30 BST, then 01:30 GMT an hour later) */
    check_london("2026-10-25T00:30:00Z", "2026-10-25 01:30 BST");
    check_london("2026-10-25T01:30:00Z", "2026-10-25 01:30 GMT");
    check_deadline("2026-10-25T00:30:00Z", "2026-10-28T00:30:00Z", "2026-10-28 00:30 GMT");
    /* the instants of the changes themselves */
    check_london("2026-03-29T00:59:59Z", "2026-03-29 00:59 GMT");
    check_london("2026-03-29T01:00:00Z", "2026-03-29 02:00 BST");
    check_london("2026-10-25T00:59:59Z", "2026-10-25 01:59 BST");
    check_london("2026-10-25T01:00:00Z", "2026-10-25 01:00 GMT");
    check_london("2027-03-28T01:00:00Z", "2027-03-28 02:00 BST");
    check_london("2027-10-31T01:00:00Z", "2027-10-31 01:00 GMT");
    /* winter and a leap day */
    check_london("2028-02-29T23:59:00Z", "2028-02-29 23:59 GMT");
    check_london("1970-01-01T00:00:00Z", "1970-01-01 00:00 GMT");
}

/* The rule against the system's tz database (/usr/share/zoneinfo), every
 * half hour from 2026 to 2028, through localtime_r with TZ=Europe/London. */
static void test_against_tzdata(void)
{
    setenv("TZ", "Europe/London", 1);
    tzset();
    int mismatches = 0;
    for (int64_t s = t("2026-01-01T00:00:00Z") / 1000; s < t("2029-01-01T00:00:00Z") / 1000;
         s += 1800) {
        time_t tt = (time_t)s;
        struct tm lt;
        localtime_r(&tt, &lt);
        char want[32], got[32];
        strftime(want, sizeof want, "%Y-%m-%d %H:%M %Z", &lt);
        breach_format_london(s * 1000, got, sizeof got);
        if (strcmp(want, got)) {
            if (mismatches++ < 5) fprintf(stderr, "tzdata %s, breach.c %s\n", want, got);
        }
    }
    CHECK_INT(mismatches, 0);
}

static void test_time_left(void)
{
    char out[48];
    int64_t d = t("2027-03-30T12:00:00Z");
    breach_time_left(d, t("2027-03-27T12:00:00Z"), out, sizeof out);
    CHECK_STR(out, "72 h 0 min left");
    breach_time_left(d, t("2027-03-30T10:29:30Z"), out, sizeof out);
    CHECK_STR(out, "1 h 30 min left");
    breach_time_left(d, t("2027-03-30T14:05:00Z"), out, sizeof out);
    CHECK_STR(out, "overdue by 2 h 5 min");
}

static void test_blast_radius(void)
{
    struct arena a;
    arena_init(&a);
    const struct exposure_event ev[] = {
        /* own data: never in the radius */
        {100, "r1", 2, "key:1", 2, "order.read", "order:1001,1002", false},
        {200, "r2", 2, "key:1", 3, "order.read", "order:1002,1001", false},
        {300, "r3", 2, "key:1", 3, "order.read", "order:1002", false},
        /* r3's answer was withheld by the wall: joined, not counted twice */
        {300, "r3", 2, "key:1", 3, "egress.withheld", "order:1002", true},
        /* a withheld record the audit never saw (reads not audited) */
        {400, "r4", 4, "user:9", 3, "egress.withheld", "order:20", true},
        {500, "r5", 3, "key:2", 2, "order.read", "1007", false}, /* a bare list is of orders */
    };
    struct exposure *x;
    size_t n;
    breach_blast_radius(ev, sizeof ev / sizeof ev[0], &a, &x, &n);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_INT(x[0].data_tenant, 2);
        CHECK_STR(x[0].object, "order:1007");
        CHECK_INT(x[0].principal_tenant, 3);
        /* tenant 3's records in number order: 20 before 1001 */
        CHECK_STR(x[1].object, "order:20");
        CHECK_STR(x[1].principal_id, "user:9");
        CHECK_INT(x[1].times, 1);
        CHECK_INT(x[1].withheld, 1);
        CHECK_STR(x[1].actions, "egress.withheld");
        CHECK_STR(x[2].object, "order:1001");
        CHECK_INT(x[2].times, 1);
        CHECK_INT(x[2].withheld, 0);
        CHECK_STR(x[3].object, "order:1002");
        CHECK_INT(x[3].times, 2);
        CHECK_INT(x[3].withheld, 1);
        CHECK_INT(x[3].first_at, 200);
        CHECK_INT(x[3].last_at, 300);
        CHECK_STR(x[3].actions, "order.read,egress.withheld");
    }
    int64_t records, businesses;
    breach_radius_counts(x, n, &records, &businesses);
    CHECK_INT(records, 4);
    CHECK_INT(businesses, 2);
    breach_blast_radius(ev, 1, &a, &x, &n); /* only own data */
    CHECK_INT(n, 0);
    /* the operators' own records: the console's counts of business 3 */
    const struct exposure_event ops[] = {
        {600, "r6", 0, "operator:1", 3, "ops.counts.view", "tenant:3", false},
        {700, "cli", 0, "cli:root", 3, "breach.view", "breach:1", false},
        {800, "r8", 0, "", 3, "share.read", "order:1001", false}, /* not signed in: counts */
    };
    breach_blast_radius(ops, 3, &a, &x, &n);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_STR(x[0].principal_id, "");
    arena_free(&a);
}

int main(void)
{
    test_clock_changes();
    test_against_tzdata();
    test_time_left();
    test_blast_radius();
    return check_report("test_breach");
}
