/* status_feed: /history.atom (Atom 1.0, RFC 4287) and /history.rss (RSS 2.0),
 * as Statuspage's feeds: one entry per incident or maintenance, the 25
 * latest, newest first, the updates in the content as escaped HTML. Ids are
 * tag: URIs (RFC 4151) named by the page's first day, so they never change
 * and two status sites started on different days never share one; links are
 * relative to the site, which has no URL of its own (page.url is null). */
#include "status/status_db_impl.h"
#include "status/status_markup.h"
#include "status/status_page.h"

#include <stdio.h>
#include <string.h>

#define FEED_TITLE "postroom status: incident history"

struct feed {
    struct status_db *db;
    struct buf *b;
    bool ok;
    char tag[48]; /* "tag:postroom,2026-12-01:" */
    int64_t updated;
};

static sqlite3_stmt *prep(struct feed *f, const char *sql)
{
    sqlite3_stmt *st = status_db_prep(f->db, sql);
    if (!st) f->ok = false;
    return st;
}

static bool next(struct feed *f, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) f->ok = false;
    return rc == SQLITE_ROW;
}

/* The tag's date (the page's first day) and the feed's updated time (the
 * latest change anywhere on the page, as page.updated_at). */
static void page_facts(struct feed *f)
{
    sqlite3_stmt *st = prep(f, "SELECT (SELECT min(created_at) FROM components),"
                               " max((SELECT max(updated_at) FROM components),"
                               " COALESCE((SELECT max(updated_at) FROM incidents), 0))");
    int64_t first = 0;
    if (st && next(f, st)) {
        first = sqlite3_column_int64(st, 0);
        f->updated = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    struct buf d;
    buf_init(&d, f->b->arena);
    mk_rfc3339(&d, first);
    snprintf(f->tag, sizeof f->tag, "tag:postroom,%.10s:", buf_cstr(&d));
}

/* An update's body as HTML: escaped, its line breaks kept as <br>. */
static void body_html(struct buf *h, const char *body)
{
    struct buf e;
    buf_init(&e, h->arena);
    mk_esc(&e, body);
    for (const char *c = buf_cstr(&e); *c; c++)
        if (*c == '\n')
            buf_adds(h, "<br>");
        else if (*c != '\r')
            buf_addc(h, *c);
}

/* The updates as the HTML a feed reader shows, newest first. */
static const char *content(struct feed *f, int64_t id)
{
    struct buf h;
    buf_init(&h, f->b->arena);
    sqlite3_stmt *st = prep(f, "SELECT status, body, created_at FROM incident_updates WHERE"
                               " incident_id = ?1 ORDER BY created_at DESC, id DESC");
    if (st) sqlite3_bind_int64(st, 1, id);
    while (st && next(f, st)) {
        buf_adds(&h, "<p><small>");
        mk_when(&h, sqlite3_column_int64(st, 2));
        buf_adds(&h, "</small><br><strong>");
        mk_esc(&h, mk_status_words((const char *)sqlite3_column_text(st, 0)));
        buf_adds(&h, "</strong> - ");
        body_html(&h, (const char *)sqlite3_column_text(st, 1));
        buf_adds(&h, "</p>");
    }
    sqlite3_finalize(st);
    return buf_cstr(&h);
}

static const char items_sql[] = "SELECT id, kind, name, created_at, updated_at FROM incidents"
                                " ORDER BY created_at DESC, id DESC LIMIT 25";

/* "incident/12", the entry's part of its id and its anchor on the page */
static void entry_name(struct buf *b, sqlite3_stmt *st, char sep)
{
    buf_adds(b, strcmp((const char *)sqlite3_column_text(st, 1), "maintenance") ? "incident"
                                                                                : "maintenance");
    buf_addc(b, sep);
    buf_add_i64(b, sqlite3_column_int64(st, 0));
}

static void atom_entry(struct feed *f, sqlite3_stmt *st)
{
    struct buf *b = f->b;
    buf_adds(b, "<entry>\n<id>");
    buf_adds(b, f->tag);
    entry_name(b, st, '/');
    buf_adds(b, "</id>\n<published>");
    mk_rfc3339(b, sqlite3_column_int64(st, 3));
    buf_adds(b, "</published>\n<updated>");
    mk_rfc3339(b, sqlite3_column_int64(st, 4));
    buf_adds(b,
             "</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"" STATUS_PAGE_PATH "#");
    entry_name(b, st, '-');
    buf_adds(b, "\"/>\n<title>");
    mk_esc(b, (const char *)sqlite3_column_text(st, 2));
    buf_adds(b, "</title>\n<content type=\"html\">");
    mk_esc(b, content(f, sqlite3_column_int64(st, 0)));
    buf_adds(b, "</content>\n</entry>\n");
}

bool status_write_atom(struct status_db *db, struct buf *out)
{
    struct feed f = {.db = db, .b = out, .ok = true};
    page_facts(&f);
    buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">\n<id>");
    buf_adds(out, f.tag);
    buf_adds(out, "history</id>\n<title>" FEED_TITLE "</title>\n<updated>");
    mk_rfc3339(out, f.updated);
    buf_adds(out,
             "</updated>\n<author><name>postroom</name></author>\n"
             "<link rel=\"alternate\" type=\"text/html\" href=\"" STATUS_PAGE_PATH "\"/>\n"
             "<link rel=\"self\" type=\"application/atom+xml\" href=\"" STATUS_ATOM_PATH "\"/>\n");
    sqlite3_stmt *st = prep(&f, items_sql);
    while (st && next(&f, st))
        atom_entry(&f, st);
    sqlite3_finalize(st);
    buf_adds(out, "</feed>\n");
    return f.ok;
}

static void rss_item(struct feed *f, sqlite3_stmt *st)
{
    struct buf *b = f->b;
    buf_adds(b, "<item>\n<title>");
    mk_esc(b, (const char *)sqlite3_column_text(st, 2));
    buf_adds(b, "</title>\n<description>");
    mk_esc(b, content(f, sqlite3_column_int64(st, 0)));
    buf_adds(b, "</description>\n<pubDate>");
    mk_rfc822(b, sqlite3_column_int64(st, 3));
    buf_adds(b, "</pubDate>\n<link>" STATUS_PAGE_PATH "#");
    entry_name(b, st, '-');
    buf_adds(b, "</link>\n<guid isPermaLink=\"false\">");
    buf_adds(b, f->tag);
    entry_name(b, st, '/');
    buf_adds(b, "</guid>\n</item>\n");
}

bool status_write_rss(struct status_db *db, struct buf *out)
{
    struct feed f = {.db = db, .b = out, .ok = true};
    page_facts(&f);
    buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n"
                  "<title>" FEED_TITLE "</title>\n<link>" STATUS_PAGE_PATH "</link>\n"
                  "<description>Incidents and maintenance of postroom, newest "
                  "first</description>\n<language>en-gb</language>\n<lastBuildDate>");
    mk_rfc822(out, f.updated);
    buf_adds(out, "</lastBuildDate>\n");
    sqlite3_stmt *st = prep(&f, items_sql);
    while (st && next(&f, st))
        rss_item(&f, st);
    sqlite3_finalize(st);
    buf_adds(out, "</channel>\n</rss>\n");
    return f.ok;
}
