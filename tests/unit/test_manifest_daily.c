/* test_manifest_daily: when the automatic daily manifest is due
 * (domain/manifest_daily.c) by the Europe/London clock (domain/london.c),
 * across the March and October clock changes of 2026 (29 March, 25
 * October) and a winter day. */
#include "check.h"
#include "domain/london.h"
#include "domain/manifest_daily.h"
#include "util/timefmt.h"

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;
    if (!time_parse_rfc3339(rfc3339, &ms)) {
        fprintf(stderr, "bad time %s\n", rfc3339);
        check_failed++;
    }
    return ms;
}

static int64_t day_of(const char *date)
{
    char t[32];
    snprintf(t, sizeof t, "%sT12:00:00Z", date);
    return london_day(at(t));
}

static void test_london_days_and_times(void)
{
    char d[11];
    london_date(day_of("2026-03-29"), d, sizeof d);
    CHECK_STR(d, "2026-03-29");
    /* 23:30 UTC is already tomorrow in summer, still today in winter */
    london_date(london_day(at("2026-10-24T23:30:00Z")), d, sizeof d);
    CHECK_STR(d, "2026-10-25");
    london_date(london_day(at("2026-12-01T23:30:00Z")), d, sizeof d);
    CHECK_STR(d, "2026-12-01");
    london_date(london_day(at("2026-03-28T23:59:59Z")), d, sizeof d);
    CHECK_STR(d, "2026-03-28");
    CHECK_INT(london_weekday(day_of("2026-12-01")), 1); /* a Tuesday */
    CHECK_INT(london_weekday(day_of("2026-03-29")), 6); /* a Sunday */

    int m1830 = 18 * 60 + 30;
    CHECK_INT(london_at(day_of("2026-03-28"), m1830), at("2026-03-28T18:30:00Z")); /* GMT */
    CHECK_INT(london_at(day_of("2026-03-29"), m1830), at("2026-03-29T17:30:00Z")); /* BST */
    CHECK_INT(london_at(day_of("2026-10-24"), m1830), at("2026-10-24T17:30:00Z")); /* BST */
    CHECK_INT(london_at(day_of("2026-10-25"), m1830), at("2026-10-25T18:30:00Z")); /* GMT */
    /* the hour March skips reads as the hour after; October's twice-shown
     * hour as its first showing */
    CHECK_INT(london_at(day_of("2026-03-29"), 90), at("2026-03-29T01:30:00Z"));
    CHECK_INT(london_at(day_of("2026-03-29"), 120), at("2026-03-29T01:00:00Z"));
    CHECK_INT(london_at(day_of("2026-10-25"), 90), at("2026-10-25T00:30:00Z"));
    CHECK_INT(london_at(day_of("2026-10-25"), 120), at("2026-10-25T02:00:00Z"));
    CHECK_INT(london_midnight(day_of("2026-03-29")), at("2026-03-29T00:00:00Z"));
    CHECK_INT(london_midnight(day_of("2026-03-30")), at("2026-03-29T23:00:00Z"));
    CHECK_INT(london_midnight(day_of("2026-10-26")), at("2026-10-26T00:00:00Z"));
    /* a day is 23 hours in March, 25 in October */
    CHECK_INT(london_midnight(day_of("2026-03-30")) - london_midnight(day_of("2026-03-29")),
              23 * 3600000LL);
    CHECK_INT(london_midnight(day_of("2026-10-26")) - london_midnight(day_of("2026-10-25")),
              25 * 3600000LL);
}

static void test_due_across_the_clock_changes(void)
{
    struct manifest_daily s = {.tenant_id = 1, .enabled = true, .minute = 18 * 60 + 30};
    char day[11] = "";
    /* Sunday 29 March, BST from 01:00 UTC: 18:30 is 17:30 UTC */
    CHECK(!manifest_daily_due(&s, at("2026-03-29T17:29:59Z"), day));
    CHECK(manifest_daily_due(&s, at("2026-03-29T17:30:00Z"), day));
    CHECK_STR(day, "2026-03-29");
    CHECK(manifest_daily_due(&s, at("2026-03-29T22:59:59Z"), day)); /* caught up till 23:59 */
    /* Saturday 28 March, still GMT */
    CHECK(!manifest_daily_due(&s, at("2026-03-28T18:29:00Z"), day));
    CHECK(manifest_daily_due(&s, at("2026-03-28T18:30:00Z"), day));
    CHECK_STR(day, "2026-03-28");
    /* Sunday 25 October, GMT again from 01:00 UTC: 18:30 is 18:30 UTC */
    CHECK(!manifest_daily_due(&s, at("2026-10-25T17:30:00Z"), day));
    CHECK(manifest_daily_due(&s, at("2026-10-25T18:30:00Z"), day));
    CHECK_STR(day, "2026-10-25");
    /* the evening before it, still BST */
    CHECK(manifest_daily_due(&s, at("2026-10-24T17:30:00Z"), day));
    CHECK_STR(day, "2026-10-24");
    CHECK(!manifest_daily_due(&s, at("2026-10-24T17:29:00Z"), day));
    /* 00:30 BST on the 25th is the 25th's, not the 24th's */
    s.minute = 0;
    CHECK(manifest_daily_due(&s, at("2026-10-24T23:30:00Z"), day));
    CHECK_STR(day, "2026-10-25");
}

static void test_once_per_day(void)
{
    struct manifest_daily s = {.enabled = true, .minute = 18 * 60 + 30, .last_day = "2026-12-01"};
    char day[11];
    CHECK(!manifest_daily_due(&s, at("2026-12-01T18:45:00Z"), day)); /* ran today */
    CHECK(!manifest_daily_due(&s, at("2026-12-02T18:29:00Z"), day)); /* not yet tomorrow */
    CHECK(manifest_daily_due(&s, at("2026-12-02T18:31:00Z"), day));
    CHECK_STR(day, "2026-12-02");
    s.last_day = "2026-12-03"; /* a later day claimed (a clock set back) */
    CHECK(!manifest_daily_due(&s, at("2026-12-02T18:31:00Z"), day));
    s.enabled = false, s.last_day = NULL;
    CHECK(!manifest_daily_due(&s, at("2026-12-02T18:31:00Z"), day));
}

static void test_working_days(void)
{
    struct manifest_daily s = {.enabled = true, .minute = 18 * 60 + 30, .working_days = true};
    char day[11];
    CHECK(manifest_daily_due(&s, at("2026-12-04T18:30:00Z"), day));  /* Friday */
    CHECK(!manifest_daily_due(&s, at("2026-12-05T20:00:00Z"), day)); /* Saturday */
    CHECK(!manifest_daily_due(&s, at("2026-12-06T20:00:00Z"), day)); /* Sunday */
    CHECK(manifest_daily_due(&s, at("2026-12-07T18:30:00Z"), day));  /* Monday */
    /* after Friday's, the next is Monday's */
    s.last_day = "2026-12-04";
    CHECK_INT(manifest_daily_next(&s, at("2026-12-04T19:00:00Z")), at("2026-12-07T18:30:00Z"));
    /* before today's, today's; on a day it is due and not run, now */
    s.last_day = "2026-12-03";
    CHECK_INT(manifest_daily_next(&s, at("2026-12-04T09:00:00Z")), at("2026-12-04T18:30:00Z"));
    CHECK_INT(manifest_daily_next(&s, at("2026-12-04T19:00:00Z")), at("2026-12-04T19:00:00Z"));
    /* across the March change: Friday 27 GMT, Monday 30 BST */
    s.last_day = "2026-03-27";
    CHECK_INT(manifest_daily_next(&s, at("2026-03-27T20:00:00Z")), at("2026-03-30T17:30:00Z"));
    s.enabled = false;
    CHECK_INT(manifest_daily_next(&s, at("2026-03-27T20:00:00Z")), 0);
}

static void test_parse_time(void)
{
    int m = -1;
    CHECK(manifest_daily_parse_time("18:30", &m));
    CHECK_INT(m, 1110);
    CHECK(manifest_daily_parse_time("00:00", &m));
    CHECK_INT(m, 0);
    CHECK(manifest_daily_parse_time("23:59", &m));
    CHECK_INT(m, 1439);
    const char *bad[] = {"24:00", "18:60", "1830", "8:30", "18:3", "18:30:00", "", "ab:cd", NULL};
    for (int i = 0; bad[i]; i++)
        CHECK(!manifest_daily_parse_time(bad[i], &m));
    CHECK(!manifest_daily_parse_time(NULL, &m));
}

int main(void)
{
    test_london_days_and_times();
    test_due_across_the_clock_changes();
    test_once_per_day();
    test_working_days();
    test_parse_time();
    return check_report("test_manifest_daily");
}
