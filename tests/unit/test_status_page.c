/* test_status_page: the status page and feeds written from a database with
 * a history (status/status_page.c, status_feed.c): the same bytes for the
 * same database and minute; 90 rects per component, the day of an outage in
 * its colour with its date and state; operator text escaped; incidents of
 * the last 15 days under their day and older ones only in the feeds; the
 * feeds' 25 newest. */
#include "check.h"
#include "status/status_db.h"
#include "status/status_markup.h"
#include "status/status_page.h"
#include "util/arena.h"
#include "util/timefmt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define D STATUS_DAY_MS
#define H 3600000LL

static int occurrences(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static const char *page(struct status_db *db, struct arena *a, int64_t now)
{
    struct buf b;
    buf_init(&b, a);
    CHECK(status_write_page(db, now, &b));
    return buf_cstr(&b);
}

int main(void)
{
    char path[] = "/tmp/postroom-test-spage-XXXXXX";
    close(mkstemp(path));
    unlink(path);
    struct status_db *db;
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    struct arena a;
    arena_init(&a);
    int64_t created = time_now_ms();
    int64_t now = mk_day_start(created + 100 * D) + 12 * H;
    int64_t id;

    /* Labels down for 2 h ten days ago; an incident then, one 20 days ago */
    int64_t ten = mk_day_start(now) - 10 * D;
    CHECK_INT(status_component_set(db, "Labels", "major_outage", ten + 8 * H), STATUS_OK);
    CHECK_INT(status_component_set(db, "Labels", "operational", ten + 10 * H), STATUS_OK);
    CHECK_INT(status_incident_create(db, "<script>alert(1)</script>", "investigating", "critical",
                                     NULL, 0, "a <b> & c", ten + 8 * H, &id),
              STATUS_OK);
    CHECK_INT(status_incident_update(db, id, "resolved", "Fixed.", ten + 10 * H), STATUS_OK);
    CHECK_INT(status_incident_create(db, "Twenty days ago", "identified", "minor", NULL, 0, "old",
                                     now - 20 * D, &id),
              STATUS_OK);
    CHECK_INT(status_incident_update(db, id, "resolved", "Old and done.", now - 20 * D + H),
              STATUS_OK);
    const char *comps[] = {"API"};
    CHECK_INT(status_maintenance_create(db, "Upgrade", now + D, now + D + 2 * H, comps, 1,
                                        "Planned.", now - H, &id),
              STATUS_OK);

    const char *html = page(db, &a, now);
    CHECK_STR(html, page(db, &a, now)); /* nothing but the database and the minute */
    CHECK(!strncmp(html, "<!DOCTYPE html>", 15));
    CHECK_INT(occurrences(html, "<svg class=\"bars\""), 5);
    CHECK_INT(occurrences(html, "<rect "), 5 * 90);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, " style=") == NULL);
    CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(html, "a &lt;b&gt; &amp; c") != NULL);
    /* day 79 of 90 (x = 79 * 5) of Labels, the third bar */
    const char *labels = strstr(html, "<h3>Labels</h3>");
    CHECK(labels != NULL);
    struct buf want;
    buf_init(&want, &a);
    buf_adds(&want, "<rect x=\"395\" y=\"0\" width=\"3\" height=\"34\" class=\"d major\"><title>");
    mk_date(&want, ten);
    buf_adds(&want, ": Major outage for 2 h 0 min</title></rect>");
    const char *day = labels ? strstr(labels, buf_cstr(&want)) : NULL;
    CHECK(day != NULL && day < strstr(labels, "<h3>Imports</h3>"));
    CHECK(strstr(html, "99.90&#160;% uptime") != NULL); /* 2 h of 89.5 days */
    CHECK(strstr(html, "<h2>All Systems Operational</h2>") != NULL);
    CHECK(strstr(html, "<h2>Scheduled maintenance</h2>") != NULL);
    CHECK(strstr(html, "Twenty days ago") == NULL); /* past the 15 days */
    CHECK_INT(occurrences(html, "<div class=\"pastday\">"), 15);
    struct buf heading;
    buf_init(&heading, &a);
    buf_adds(&heading, "<h3>");
    mk_date(&heading, ten);
    buf_adds(&heading, "</h3>\n<article class=\"incident impact-critical\"");
    CHECK(strstr(html, buf_cstr(&heading)) != NULL);
    CHECK(strstr(html, "This page as of <time datetime=\"") != NULL);

    /* the feeds: the 25 newest of 30 */
    for (int i = 0; i < 27; i++)
        CHECK_INT(status_incident_create(db, "More", "identified", "minor", NULL, 0, "x",
                                         now - H + i, &id),
                  STATUS_OK);
    struct buf atom, rss;
    buf_init(&atom, &a);
    buf_init(&rss, &a);
    CHECK(status_write_atom(db, &atom));
    CHECK(status_write_rss(db, &rss));
    CHECK_INT(occurrences(buf_cstr(&atom), "<entry>"), 25);
    CHECK_INT(occurrences(buf_cstr(&rss), "<item>"), 25);
    CHECK(strstr(atom.data, "Twenty days ago") == NULL);
    CHECK(strstr(atom.data, "<script") == NULL);
    CHECK(strstr(rss.data, "<rss version=\"2.0\">") != NULL);
    /* a body's line breaks reach the reader as <br>, escaped once for XML */
    CHECK_INT(status_incident_create(db, "Two lines", "identified", "minor", NULL, 0,
                                     "one <i>\ntwo", now, &id),
              STATUS_OK);
    buf_init(&atom, &a);
    CHECK(status_write_atom(db, &atom));
    CHECK(strstr(buf_cstr(&atom), "one &amp;lt;i&amp;gt;&lt;br&gt;two") != NULL);

    arena_free(&a);
    status_db_close(db);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_status_page");
}
