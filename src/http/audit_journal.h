/* audit_journal: where a server puts its reads' audit records before the
 * answer leaves (issue 10).
 *
 * A read's record cannot be written inside the read's own snapshot, and
 * holding every answer until a group commit of its records cost the GET
 * benchmark a quarter to a third (suspending and resuming connections). So
 * each server process keeps a journal file of its own beside the database
 * (DB.audit-journal/HOST-PID-STARTMS, flock'd while the server lives): a
 * request copies its records into the file, mapped shared, before its
 * answer leaves, and the answer becomes a 500 when they do not fit (the
 * disk is full). What is copied is in the file's page cache at once, as a
 * write(2)'s bytes would be, so it survives a SIGKILL of the server as an
 * SQLite WAL commit with synchronous=NORMAL (this store's setting) does:
 * neither is fsync'd. No system call a request: the write(2) it used to
 * make, under the journal's lock, was most of what the audit cost a read.
 *
 * One flusher thread per journal appends the journal's records to the chain
 * in batches, and in each batch's transaction the journal offset it reached
 * (table audit_journal), so whoever appends a record does so once. A server
 * that starts replays every journal whose owner is gone (its flock is
 * free): what follows the recorded offset, up to the last whole record, is
 * appended, then the file is removed. A server that stops appends all of
 * its own and removes its file; if it cannot (the database refuses), the
 * file stays for the next server that starts. */
#ifndef POSTROOM_HTTP_AUDIT_JOURNAL_H
#define POSTROOM_HTTP_AUDIT_JOURNAL_H
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct audit_record;
struct audit_journal;

/* DB.audit-journal: the directory of db_path's journals, from a (NULL when
 * it would not fit). */
char *audit_journal_dir(struct arena *a, const char *db_path);

/* Replays the journals in dir whose owner is gone (see above), then opens
 * dir/name (creating dir, mode 0700, and the file), locks it and starts its
 * flusher, which appends to db_path's chain; batches of at most max_records
 * records, the flusher waiting linger_us after the first for more. Once
 * all of it is appended and it holds rotate_bytes (0: 64 MB), the journal
 * is replaced by a new one, name.1, name.2...; writers that fill one to
 * 1.5 x rotate_bytes before the flusher is through it go on in the next
 * (the flusher then takes them in order). NULL when the journal cannot be
 * opened or locked. */
struct audit_journal *audit_journal_open(const char *db_path, const char *dir, const char *name,
                                         size_t max_records, unsigned linger_us,
                                         long long rotate_bytes);
/* Copies n records into the journal, their encoding built in a; true once
 * they are in it (in the page cache), false when they are not (the file
 * could not be allocated further: then nothing of them is). Any thread. */
bool audit_journal_write(struct audit_journal *j, struct arena *a, const struct audit_record *recs,
                         size_t n);
/* Stops the flusher once everything written is appended (or an append
 * failed), removes the file when all of it is in the chain, frees j. */
void audit_journal_close(struct audit_journal *j);

/* Appends the journals in dir whose owner is gone; how many were replayed
 * whole and removed, -1 when one could not be. (audit_journal_open does
 * this first; exposed for the tests.) */
int audit_journal_replay(const char *db_path, const char *dir, const char *except);

/* Counters since the start, for the log and the tests. */
struct audit_journal_stats {
    unsigned long long writes, records, batches, failed_batches;
    size_t largest; /* most records in one batch */
};
void audit_journal_stats(struct audit_journal *j, struct audit_journal_stats *out);

#endif
