/* status_page: the status site's HTML page (status_page.c), its stylesheet
 * and its feeds (status_feed.c). Like the JSON documents, each is written
 * from the status database alone, so status-serve and status-export give the
 * same bytes; the page also depends on the minute it shows ("as of"): the
 * uptime bars run up to it. */
#ifndef POSTROOM_STATUS_PAGE_H
#define POSTROOM_STATUS_PAGE_H
#include "status/status_db.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdint.h>

/* Paths below the site's root. */
#define STATUS_PAGE_PATH "index.html"
#define STATUS_CSS_PATH "status.css"
#define STATUS_ATOM_PATH "history.atom"
#define STATUS_RSS_PATH "history.rss"

/* What every page answer carries: nothing may run, only our stylesheet. */
#define STATUS_PAGE_CSP                                                                            \
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "               \
    "base-uri 'none'; form-action 'none'"

extern const char status_css[];

/* The page as of as_of_ms, or of the latest change on it if later
 * (status-serve and status-export give the current minute: status_page_now).
 * false if the database could not be read. */
bool status_write_page(struct status_db *db, int64_t as_of_ms, struct buf *out);
int64_t status_page_now(void);

/* The 25 latest incidents, newest first, each with its updates. */
bool status_write_atom(struct status_db *db, struct buf *out);
bool status_write_rss(struct status_db *db, struct buf *out);

#endif
