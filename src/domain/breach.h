/* breach: the breach register's records and rules (issue 10), pure: no I/O,
 * every "now" the caller's. The 72-hour deadline (UK GDPR Art. 33(1)), times
 * shown in Europe/London, and the blast radius: which records of which
 * business were handed to whom, from the access audit's cross-tenant records
 * and the tripwire's security events. Ids and times only, never personal
 * data. */
#ifndef POSTROOM_DOMAIN_BREACH_H
#define POSTROOM_DOMAIN_BREACH_H
#include "util/arena.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BREACH_DEADLINE_MS (72LL * 3600 * 1000)

/* One entry of the register, with the ICO's fields. 0 (or NULL) where a
 * time (or text) is not set; approx_* -1 when not given (counted from the
 * blast radius instead). */
struct breach {
    int64_t id;
    int64_t opened_at;
    const char *opened_by;          /* an operator's login, or "tripwire" */
    int64_t window_from, window_to; /* window_to 0: up to now */
    int64_t aware_at;
    const char *nature, *subjects, *record_kinds, *consequences, *measures, *contact;
    int64_t approx_people, approx_records;
    const char *decision; /* NULL: pending; "notify" or "no-notify" */
    const char *decision_reason, *decided_by;
    int64_t decided_at, notified_at, closed_at;
    int64_t status_incident; /* the status site's incident id, 0: none */
};

/* A later fact (Art. 33(4)). */
struct breach_update {
    int64_t time;
    const char *author, *note;
};

/* What happened once, as recorded: an access from the audit, or a record
 * the egress wall withheld (a security event, withheld true). objects is
 * "order:2001,2002". */
struct exposure_event {
    int64_t time;
    const char *request_id;
    int64_t principal_tenant;
    const char *principal_id;
    int64_t data_tenant;
    const char *action;
    const char *objects;
    bool withheld;
};

/* One row of a blast radius: one record of data_tenant ("order:2001") that
 * one principal was handed, how often (times) and of those how often the
 * answer was withheld. */
struct exposure {
    int64_t breach_id; /* the breach it is stored under; 0 when just folded */
    int64_t data_tenant;
    const char *object;
    int64_t principal_tenant;
    const char *principal_id;
    const char *actions; /* "order.read,egress.withheld" */
    int64_t first_at, last_at, times, withheld;
};

/* The deadline for telling the ICO: 72 elapsed hours after awareness. */
int64_t breach_deadline(int64_t aware_at);

/* "2027-03-30 13:00 BST": an instant in Europe/London (GMT, or BST from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October, the UK's rule since 1996). n at least 24. */
void breach_format_london(int64_t unix_ms, char *out, size_t n);
/* Whether the instant falls in British Summer Time. */
bool breach_london_is_bst(int64_t unix_ms);

/* "61 h 30 min left", or "overdue by 2 h 5 min" once now is past deadline. */
void breach_time_left(int64_t deadline, int64_t now, char *out, size_t n);

/* Folds events into the blast radius: one row per (data tenant, record,
 * principal tenant, principal), sorted in that order. An audit access whose
 * request also raised a security event for the same record counts as
 * withheld (the wall stopped that answer); a withheld record the audit did
 * not see is a row of its own. Events of a tenant's own data are ignored,
 * and so are the operators' own records (principal tenant 0, operator:N or
 * cli:NAME: the console's counts and views, ids only by design). */
void breach_blast_radius(const struct exposure_event *ev, size_t n, struct arena *a,
                         struct exposure **out, size_t *nout);

/* Distinct records and distinct businesses in a blast radius. */
void breach_radius_counts(const struct exposure *x, size_t n, int64_t *records,
                          int64_t *businesses);

/* --- the register's words, shared by `postroom breach` and the console --- */

#define BREACH_TEXT_MAX 4000
/* An operator's words in the register: 1 to BREACH_TEXT_MAX bytes, one line. */
bool breach_text_ok(const char *v);

/* The instant in Europe/London ("2026-12-01 10:00 GMT") and in UTC (RFC
 * 3339), in a's memory. */
const char *breach_london(struct arena *a, int64_t ms);
const char *breach_utc(struct arena *a, int64_t ms);

/* "open" or "closed"; "decision pending", "ICO to be notified" or "not
 * notifiable". */
const char *breach_state(const struct breach *b);
const char *breach_decision_text(const struct breach *b);
/* The update a decision adds to the register: "Decision: notify. Reason: ..." */
const char *breach_decision_note(struct arena *a, const char *decision, const char *reason);

/* A blast radius is sorted by business (breach_blast_radius): the rows of
 * the business at row i are [i, breach_business_end(x, n, i)). */
size_t breach_business_end(const struct exposure *x, size_t n, size_t i);
/* The rows [i, j) of one business: distinct records, first and last access,
 * accesses and of those withheld. */
void breach_business_summary(const struct exposure *x, size_t i, size_t j, int64_t *records,
                             int64_t *first, int64_t *last, int64_t *times, int64_t *withheld);
/* The report a processor owes the business of rows [i, j) (Art. 33(2)). */
void breach_controller_report(struct buf *b, struct arena *a, const struct exposure *x, size_t i,
                              size_t j);
/* The blast radius as text: counts, each record by business, then each
 * business's report. */
void breach_radius_text(struct buf *b, struct arena *a, const struct exposure *x, size_t n);
/* `breach blast-radius`'s report: the window's line, then the radius. */
void breach_window_report(struct buf *b, struct arena *a, int64_t from, int64_t to,
                          const struct exposure *x, size_t n);
/* The register's entry with every ICO field (Art. 33(3)), the decision, the
 * blast radius in counts and business ids, and the updates: the
 * notification draft `breach export` writes (md: Markdown). now: for the
 * time left. */
void breach_entry_text(struct buf *b, struct arena *a, const struct breach *e,
                       const struct breach_update *u, size_t nu, const struct exposure *x,
                       size_t nx, bool md, int64_t now);

#endif
