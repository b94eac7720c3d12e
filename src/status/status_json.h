/* status_json: the Statuspage v2 documents (docs/statuspage-v2.md), written
 * from the status database. The server (status_http.c) and the static
 * export (status-export) write the very same bytes: nothing in a document
 * depends on the moment it is read. */
#ifndef POSTROOM_STATUS_JSON_H
#define POSTROOM_STATUS_JSON_H
#include "status/status_db.h"
#include "util/buf.h"

enum status_doc {
    STATUS_DOC_SUMMARY,
    STATUS_DOC_STATUS,
    STATUS_DOC_COMPONENTS,
    STATUS_DOC_INCIDENTS,
    STATUS_DOC_UNRESOLVED,
    STATUS_DOC_MAINTENANCES,
    STATUS_DOC_UPCOMING,
    STATUS_DOC_ACTIVE,
    STATUS_DOC_COUNT
};

/* Each document's path below the site's root ("api/v2/summary.json"). */
extern const char *const status_doc_paths[STATUS_DOC_COUNT];

/* Writes the document into out; false if the database could not be read
 * (out then holds nothing to send). */
bool status_write_doc(struct status_db *db, enum status_doc doc, struct buf *out);

/* status.indicator and status.description (none..critical, "All Systems
 * Operational"...); false if the database could not be read. */
bool status_overall(struct status_db *db, const char **indicator, const char **description);

#endif
