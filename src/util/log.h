/* log: one JSON object per line on stderr, written with a single write(2) so
 * lines from concurrent threads never interleave.
 *
 * Callers never pass personal data, passwords, keys or tokens: messages are
 * constant strings and fields are identifiers, counts and codes. */
#ifndef POSTROOM_LOG_H
#define POSTROOM_LOG_H
#include <stddef.h>

/* Writes {"ts":...,"level":LEVEL,"msg":MSG[,EXTRA]} where EXTRA is a fragment of
 * already-encoded JSON members (may be NULL). */
void log_json(const char *level, const char *msg, const char *extra);
#define log_info(msg) log_json("info", (msg), NULL)
#define log_warn(msg) log_json("warn", (msg), NULL)
/* Writes an already complete JSON line (a trailing newline is added). */
void log_write_line(const char *line, size_t len);
/* The same for the per-request access line, which is batched: lines are
 * kept whole and in order, and reach stderr when 32 KiB have gathered or
 * 100 ms have passed (log_flush, called by the server's housekeeper and at
 * shutdown). One write per batch instead of one per request. */
void log_write_line_batched(const char *line, size_t len);
void log_flush(void);

#endif
