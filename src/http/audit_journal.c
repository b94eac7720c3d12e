/* audit_journal: each server's journal of read records and the flusher
 * that appends it to the chain (see the header). */
#include "http/audit_journal.h"
#include "domain/audit.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (1u << 20) /* journal bytes read for one batch at most */

struct audit_journal {
    int fd;
    char *path, *name, *db_path;
    char *dir, *base; /* name is base, then base.1, base.2... (rotate) */
    unsigned generation;
    int64_t rotate_bytes; /* a journal all appended and this long is replaced */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int64_t end;  /* bytes written */
    int64_t done; /* bytes in the chain */
    bool stopping;
    bool idle; /* the flusher waits for records (and must be woken) */
    pthread_t thread;
    size_t max_records;
    unsigned linger_us;
    struct store *store; /* the flusher's own connection */
    struct audit_journal_stats stats;
    unsigned long long logged_failures; /* failed_batches when the last streak began */
};

char *audit_journal_dir(struct arena *a, const char *db_path)
{
    return db_path ? arena_printf(a, "%s.audit-journal", db_path) : NULL;
}

/* A connection that works, reopened after a failure broke it. */
static struct store *connection(struct store **s, const char *db_path)
{
    if (*s && store_is_broken(*s)) {
        store_close(*s);
        *s = NULL;
    }
    if (!*s && store_open(db_path, s) != STORE_OK) *s = NULL;
    return *s;
}

static bool read_at(int fd, char *p, size_t n, int64_t at)
{
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r, n -= (size_t)r, at += r;
    }
    return true;
}

enum chunk { CHUNK_OK, CHUNK_NONE, CHUNK_FAIL };

/* Appends the whole records of the journal from byte `from` (before `to`),
 * at most max of them, with the offset they reach, in one transaction;
 * CHUNK_NONE when no whole record starts at from. */
static enum chunk append_chunk(struct store *s, int fd, const char *name, int64_t from, int64_t to,
                               size_t max, int64_t *reached, size_t *nrecs)
{
    size_t want = (size_t)(to - from) < READ_CHUNK ? (size_t)(to - from) : READ_CHUNK;
    char *p = xmalloc(want);
    if (!read_at(fd, p, want, from)) {
        free(p);
        return CHUNK_FAIL;
    }
    struct arena a;
    arena_init(&a);
    struct audit_record *recs = arena_alloc(&a, max * sizeof *recs);
    size_t off = 0, n = 0, k;
    while (n < max && (k = audit_journal_decode(p + off, want - off, &a, &recs[n])) > 0) {
        off += k;
        n++;
    }
    free(p);
    enum chunk rc = CHUNK_NONE;
    if (n) {
        bool ok =
            s && store_audit_append_journal(s, recs, n, name, from + (int64_t)off) == STORE_OK;
        rc = ok ? CHUNK_OK : CHUNK_FAIL;
        *reached = from + (int64_t)off;
        *nrecs = n;
    }
    arena_free(&a);
    return rc;
}

/* Appends what of one dead server's journal is not in the chain yet, then
 * removes it: 1; 0 when its server lives or another replayed it; -1 when
 * that failed (the file stays for another try). */
static int replay_one(struct store *s, const char *dir, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return -1;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : -1; /* ENOENT: another server replayed it */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd); /* its server lives */
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
        close(fd); /* its owner, or another server, removed it (and its row) before it let go */
        return 0;
    }
    int64_t at = 0;
    bool ok = store_audit_journal_offset(s, name, &at) == STORE_OK;
    unsigned long long records = 0;
    while (ok && at < (int64_t)st.st_size) {
        size_t n = 0;
        enum chunk c = append_chunk(s, fd, name, at, (int64_t)st.st_size, 1024, &at, &n);
        records += n;
        if (c == CHUNK_FAIL) ok = false;
        if (c == CHUNK_NONE) {
            /* the server died in the middle of a write: that request was
             * never answered, and nothing follows it */
            char extra[160];
            snprintf(extra, sizeof extra, "\"journal\":\"%.60s\",\"dropped_bytes\":%lld", name,
                     (long long)((int64_t)st.st_size - at));
            log_json("warn", "audit journal ends in a partial record", extra);
            break;
        }
    }
    if (ok) {
        /* the file goes first: a row left without its file is harmless, a
         * file left without its row would be appended again from 0 */
        ok = (unlink(path) == 0 || errno == ENOENT) &&
             store_audit_journal_forget(s, name) == STORE_OK;
        char extra[160];
        snprintf(extra, sizeof extra, "\"journal\":\"%.60s\",\"records\":%llu", name, records);
        log_json("info", "audit journal replayed", extra);
    }
    close(fd);
    return ok ? 1 : -1;
}

int audit_journal_replay(const char *db_path, const char *dir, const char *except)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    struct store *s = NULL;
    int replayed = 0;
    bool failed = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || (except && strcmp(e->d_name, except) == 0)) continue;
        int r = connection(&s, db_path) ? replay_one(s, dir, e->d_name) : -1;
        if (r < 0)
            failed = true;
        else
            replayed += r;
    }
    closedir(d);
    if (s) store_close(s);
    return failed ? -1 : replayed;
}

bool audit_journal_write(struct audit_journal *j, struct arena *a, const struct audit_record *recs,
                         size_t n)
{
    if (n == 0) return true;
    struct buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++)
        audit_journal_encode(&b, &recs[i]);
    pthread_mutex_lock(&j->lock);
    if (j->stopping) { /* after a part of a record it could not take back */
        pthread_mutex_unlock(&j->lock);
        return false;
    }
    ssize_t w;
    do
        w = write(j->fd, b.data, b.len);
    while (w < 0 && errno == EINTR);
    bool ok = w == (ssize_t)b.len;
    if (ok) {
        j->end += (int64_t)b.len;
        j->stats.writes++;
        if (j->idle) pthread_cond_signal(&j->wake);
    } else if (w > 0 && ftruncate(j->fd, (off_t)j->end) != 0) {
        /* a part of a record that cannot be taken back: nothing after it
         * would decode, so no more is written to this journal */
        j->stopping = true;
    }
    pthread_mutex_unlock(&j->lock);
    return ok;
}

/* Waits up to ms unless the journal stops. Called with the lock held. */
static void pause_ms(struct audit_journal *j, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ms * 1000000;
    ts.tv_sec += ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    if (!j->stopping) pthread_cond_timedwait(&j->wake, &j->lock, &ts);
}

/* Replaces a journal all of which is in the chain by a new empty one, so
 * that a server that runs long does not fill the disk. The new file is
 * locked before the old one is removed, and the old one is removed (then
 * its row) before its lock is let go: a server replaying meanwhile finds
 * it gone. Called by the flusher with the lock held. */
static void rotate(struct audit_journal *j)
{
    char *name = xmalloc(strlen(j->base) + 16),
         *path = xmalloc(strlen(j->dir) + strlen(j->base) + 18);
    sprintf(name, "%s.%u", j->base, j->generation + 1);
    sprintf(path, "%s/%s", j->dir, name);
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (fd >= 0) close(fd);
        free(name);
        free(path);
        return; /* the old one goes on */
    }
    int old_fd = j->fd;
    char *old_name = j->name, *old_path = j->path;
    j->fd = fd, j->name = name, j->path = path;
    j->generation++;
    j->end = j->done = 0;
    pthread_mutex_unlock(&j->lock);
    if (unlink(old_path) == 0 && connection(&j->store, j->db_path))
        store_audit_journal_forget(j->store, old_name);
    close(old_fd);
    free(old_name);
    free(old_path);
    pthread_mutex_lock(&j->lock);
}

static void *flusher(void *arg)
{
    struct audit_journal *j = arg;
    pthread_mutex_lock(&j->lock);
    for (;;) {
        bool woke = false;
        while (j->done == j->end && !j->stopping) {
            j->idle = true;
            woke = true;
            pthread_cond_wait(&j->wake, &j->lock);
        }
        j->idle = false;
        if (j->done == j->end) break; /* stopping, and everything appended */
        if (j->linger_us && woke && !j->stopping) {
            /* let the request threads add to the batch: one commit for
             * many. Only after waking: with more waiting than one batch
             * took, the flusher goes straight on, or a load above
             * max_records a linger would outrun it for good. */
            pthread_mutex_unlock(&j->lock);
            struct timespec ts = {0, (long)j->linger_us * 1000};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&j->lock);
        }
        int64_t from = j->done, to = j->end;
        pthread_mutex_unlock(&j->lock);
        int64_t reached = from;
        size_t n = 0;
        enum chunk c = append_chunk(connection(&j->store, j->db_path), j->fd, j->name, from, to,
                                    j->max_records, &reached, &n);
        pthread_mutex_lock(&j->lock);
        j->stats.batches++;
        if (c == CHUNK_OK) {
            j->logged_failures = j->stats.failed_batches; /* a new failure is logged again */
            j->done = reached;
            j->stats.records += n;
            if (n > j->stats.largest) j->stats.largest = n;
            if (j->done == j->end && j->end >= j->rotate_bytes) rotate(j);
            continue;
        }
        /* the database refused (or, never, the journal reads wrong): the
         * records stay in the journal, tried again shortly; a server that
         * stops leaves them for the next one that starts */
        if (j->stats.failed_batches++ == j->logged_failures)
            log_json("warn", "audit journal append failed; retrying", NULL);
        if (j->stopping) break;
        pause_ms(j, 100);
        continue;
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

struct audit_journal *audit_journal_open(const char *db_path, const char *dir, const char *name,
                                         size_t max_records, unsigned linger_us,
                                         long long rotate_bytes)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return NULL;
    audit_journal_replay(db_path, dir, name); /* a failure leaves files for the next start */
    struct audit_journal *j = xcalloc(1, sizeof *j);
    size_t plen = strlen(dir) + strlen(name) + 2;
    j->path = xmalloc(plen);
    snprintf(j->path, plen, "%s/%s", dir, name);
    j->name = xstrdup(name);
    j->base = xstrdup(name);
    j->dir = xstrdup(dir);
    j->db_path = xstrdup(db_path);
    j->rotate_bytes = rotate_bytes > 0 ? rotate_bytes : 64ll << 20;
    j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;
    if (j->fd < 0 || flock(j->fd, LOCK_EX | LOCK_NB) != 0 || fstat(j->fd, &st) != 0) goto fail;
    /* a file already there (a name used again) is appended after what it holds */
    j->end = (int64_t)st.st_size;
    if (store_open(db_path, &j->store) != STORE_OK) goto fail;
    if (j->end && store_audit_journal_offset(j->store, name, &j->done) != STORE_OK) goto fail;
    j->max_records = max_records ? max_records : 1;
    j->linger_us = linger_us < 1000000 ? linger_us : 999999;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (pthread_create(&j->thread, NULL, flusher, j) != 0) {
        pthread_cond_destroy(&j->wake);
        pthread_mutex_destroy(&j->lock);
        goto fail;
    }
    return j;
fail:
    if (j->fd >= 0) close(j->fd);
    if (j->store) store_close(j->store);
    free(j->path);
    free(j->name);
    free(j->base);
    free(j->dir);
    free(j->db_path);
    free(j);
    return NULL;
}

void audit_journal_close(struct audit_journal *j)
{
    if (!j) return;
    pthread_mutex_lock(&j->lock);
    j->stopping = true;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL); /* it appends what it can first */
    if (j->done == j->end && connection(&j->store, j->db_path) && unlink(j->path) == 0)
        store_audit_journal_forget(j->store, j->name);
    close(j->fd);
    if (j->store) store_close(j->store);
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j->name);
    free(j->base);
    free(j->dir);
    free(j->db_path);
    free(j);
}

void audit_journal_stats(struct audit_journal *j, struct audit_journal_stats *out)
{
    pthread_mutex_lock(&j->lock);
    *out = j->stats;
    pthread_mutex_unlock(&j->lock);
}
