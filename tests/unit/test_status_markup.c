/* test_status_markup: the status page's escaping and times
 * (status/status_markup.c): markup characters become references, bytes
 * that are not UTF-8 become U+FFFD and control characters go, so operator
 * text can neither leave its element nor break the feeds' XML; times are
 * UTC and say so. */
#include "check.h"
#include "status/status_markup.h"
#include "util/arena.h"

static const char *esc(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a);
    mk_esc(&b, s);
    return buf_cstr(&b);
}

static const char *when(struct arena *a, void (*fn)(struct buf *, int64_t), int64_t ms)
{
    struct buf b;
    buf_init(&b, a);
    fn(&b, ms);
    return buf_cstr(&b);
}

int main(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(esc(&a, "<script>alert('x') & \"y\"</script>"),
              "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
    CHECK_STR(esc(&a, "Zoë \xE2\x80\x94 ok"), "Zoë \xE2\x80\x94 ok");
    CHECK_STR(esc(&a, "bad \xC3 byte \xFF"), "bad \xEF\xBF\xBD byte \xEF\xBF\xBD");
    CHECK_STR(esc(&a, "bell\a esc\x1b del\x7f line\nbreak\ttab"), "bell esc del line\nbreak\ttab");
    CHECK_STR(esc(&a, ""), "");

    int64_t t = 1796163000000LL; /* 2026-12-01T22:10:00Z, a Tuesday */
    CHECK_STR(when(&a, mk_date, t), "1 Dec 2026");
    CHECK_STR(when(&a, mk_when, t), "1 Dec 2026, 22:10 UTC");
    CHECK_STR(when(&a, mk_clock, t + 59999), "22:10 UTC");
    CHECK_STR(when(&a, mk_rfc822, t + 5000), "Tue, 01 Dec 2026 22:10:05 +0000");
    CHECK_STR(when(&a, mk_rfc3339, t), "2026-12-01T22:10:00Z");
    CHECK_INT(mk_day_start(t), 1796083200000LL);
    CHECK_INT(mk_day_start(1796083200000LL), 1796083200000LL);
    CHECK_STR(mk_state_words("under_maintenance"), "Under maintenance");
    CHECK_STR(mk_status_words("in_progress"), "In progress");
    CHECK_STR(mk_status_words("postmortem"), "Postmortem");
    arena_free(&a);
    return check_report("test_status_markup");
}
