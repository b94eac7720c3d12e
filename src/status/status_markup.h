/* status_markup: what the page and the feeds share: text escaped for HTML
 * and XML, and times in words. Every time shown is UTC and says so. */
#ifndef POSTROOM_STATUS_MARKUP_H
#define POSTROOM_STATUS_MARKUP_H
#include "util/buf.h"

#include <stdint.h>

#define STATUS_DAY_MS 86400000LL

/* Appends s escaped for HTML text and attribute values alike (also valid in
 * XML): & < > " ' as references; bytes that are not UTF-8 become U+FFFD and
 * control characters other than tab and line breaks are dropped, so
 * whatever an operator typed stays text. */
void mk_esc(struct buf *b, const char *s);
/* "1 Dec 2026" */
void mk_date(struct buf *b, int64_t ms);
/* "1 Dec 2026, 22:10 UTC" */
void mk_when(struct buf *b, int64_t ms);
/* "22:10 UTC" */
void mk_clock(struct buf *b, int64_t ms);
/* RFC 3339, for datetime attributes and Atom */
void mk_rfc3339(struct buf *b, int64_t ms);
/* RFC 822 as RSS 2.0 wants it: "Tue, 01 Dec 2026 22:10:00 +0000" */
void mk_rfc822(struct buf *b, int64_t ms);
/* The start (00:00 UTC) of ms's day. */
int64_t mk_day_start(int64_t ms);

/* Words for a component state, an incident's or maintenance's status, an
 * impact ("Major outage", "In progress"); the word itself if unknown. */
const char *mk_state_words(const char *state);
const char *mk_status_words(const char *status);

#endif
