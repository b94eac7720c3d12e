/* Unit tests of src/util/timefmt: RFC 3339 dates as clients send them,
 * every refusal, and the printed form. */
#include "check.h"
#include "util/timefmt.h"

#include <stdint.h>

static void test_time(void)
{
    int64_t ms;
    char out[40];
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00Z", &ms));
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29T11:00:00+01:00", &ms));
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00.5Z", &ms));
    CHECK_INT(ms, 1795946400500LL);
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00", &ms)); /* no offset: UTC */
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29", &ms));
    CHECK(time_parse_rfc3339("2024-02-29T00:00:00Z", &ms)); /* leap day */
    CHECK(!time_parse_rfc3339("2023-02-29T00:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-13-01T00:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T24:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T10:00:00ZZ", &ms));
    /* what generated clients and other languages send for a date-time */
    const char *same[] = {
        "2026-11-29T10:00:00.000000+0000", "2026-11-29T10:00:00+00:00", "2026-11-29t10:00:00z",
        "2026-11-29T10:00:00.000000000Z",  "2026-11-29T10:00Z",         "20261129T100000Z",
        "20261129T100000.0+0000",          "20261129T1000+00",          "2026-11-29T11:00:00+01",
        "2026-11-29T05:00:00-0500",        "2026-11-29 10:00:00 0000", /* '+' form-decoded */
        "2026-11-29T10:00:00,000Z",        "2026-11-29T10:00:00-00:00",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        ms = 0;
        CHECK(time_parse_rfc3339(same[i], &ms));
        CHECK_INT(ms, 1795946400000LL);
    }
    CHECK(time_parse_rfc3339("2020-01-01T00:00:00.123456789+0000", &ms));
    CHECK_INT(ms, 1577836800123LL);
    CHECK(time_parse_rfc3339("20261129", &ms));
    CHECK_INT(ms, 1795910400000LL);
    const char *refused[] = {
        "2026-11-29T10:00:00.Z",
        "2026-11-29T10:00:00.1234567890Z",
        "2026-11-29T10",
        "20261129T10:00:00Z",
        "2026-11-29T100000Z",
        "2026-11-29T10:00:00+000",
        "2026-11-29T10:00:00+00:0",
        "2026-11-29T10:00:00+2400",
        "2026-11-29T10:00:00 ",
        "2026-11-29T10:00:00UTC",
        "2026/11/29",
        "29/11/2026",
        "2026-11-29T10:00:00+00:00Z",
        "202611291",
        "2026-1129",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK(!time_parse_rfc3339(refused[i], &ms));
    CHECK(!time_parse_rfc3339("yesterday", &ms));
    CHECK(!time_parse_rfc3339("", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T10:00:00+1:00", &ms));
    /* offsets that carry the instant out of the printable years */
    CHECK(!time_parse_rfc3339("9999-12-31T23:59:59-01:00", &ms));
    CHECK(!time_parse_rfc3339("1900-01-01T00:00:00+01:00", &ms));
    CHECK(time_parse_rfc3339("9999-12-31T23:59:59Z", &ms));
    CHECK(time_parse_rfc3339("1900-01-01T00:00:00Z", &ms));
    time_format_rfc3339(ms, out, sizeof out);
    CHECK_STR(out, "1900-01-01T00:00:00Z");
    time_format_rfc3339(1795946400000LL, out, sizeof out);
    CHECK_STR(out, "2026-11-29T10:00:00Z");
    time_format_rfc3339(-1, out, sizeof out);
    CHECK_STR(out, "1969-12-31T23:59:59.999Z");
}

int main(void)
{
    test_time();
    return check_report("test_timefmt");
}
