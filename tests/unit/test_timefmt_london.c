/* Unit tests of Europe/London's offset (time_london_offset_ms): British
 * Summer Time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
 * last Sunday of October, GMT otherwise. */
#include "check.h"
#include "util/timefmt.h"

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;
    CHECK(time_parse_rfc3339(rfc3339, &ms));
    return ms;
}

int main(void)
{
    static const struct {
        const char *when;
        int64_t offset;
    } cases[] = {
        {"2026-01-15T12:00:00Z", 0},
        {"2026-03-29T00:59:59Z", 0}, /* the last Sunday of March 2026 */
        {"2026-03-29T01:00:00Z", 3600000},
        {"2026-07-01T00:00:00Z", 3600000},
        {"2026-10-25T00:59:59Z", 3600000}, /* the last Sunday of October 2026 */
        {"2026-10-25T01:00:00Z", 0},
        {"2026-12-02T23:30:00Z", 0},
        {"2024-03-31T01:00:00Z", 3600000}, /* a leap year's last Sunday of March */
        {"2024-03-30T23:00:00Z", 0},
        {"2024-10-27T00:30:00Z", 3600000},
        {"2027-03-28T01:00:00Z", 3600000},
        {"2027-03-27T01:00:00Z", 0},
        {"2000-06-01T00:00:00Z", 3600000},
        {"1969-07-20T20:17:00Z", 3600000}, /* before 1970: the rule read backwards */
        {"2100-12-31T23:59:59Z", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = time_london_offset_ms(at(cases[i].when));
        if (got != cases[i].offset) fprintf(stderr, "%s: %lld\n", cases[i].when, (long long)got);
        CHECK_INT(got, cases[i].offset);
    }
    return check_report("test_timefmt_london");
}
