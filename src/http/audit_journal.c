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
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (1u << 20) /* journal bytes read for one replayed batch at most */
#define GROW (1 << 20)        /* bytes of a journal file allocated at a time */

/* One journal file, mapped. A writer copies its records into the mapping,
 * so a request makes no system call for its audit (the write(2) and its
 * inode lock were most of what a request paid); the pages are the file's
 * page cache, as a write(2)'s would be, so what is copied survives a
 * SIGKILL of the server as surely. The file is allocated ahead of the
 * writers (posix_fallocate, GROW at a time): a full disk refuses a write
 * then, instead of a page fault killing the server. Beyond what is written
 * the file holds zeros, which never decode. */
struct segment {
    int fd;
    char *name, *path;
    char *map;     /* NULL: not a regular file (writes are refused) */
    size_t cap;    /* bytes mapped */
    int64_t alloc; /* bytes of the file allocated */
    int64_t end;   /* bytes written */
    int64_t done;  /* bytes in the chain */
    struct segment *next;
};

struct audit_journal {
    char *db_path;
    char *dir, *base; /* files are base, then base.1, base.2... (rotate) */
    unsigned generation;
    int64_t rotate_bytes; /* a journal all appended and this long is replaced */
    size_t seg_cap;       /* bytes a file holds at most before writers go on in a new one */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* oldest first: the flusher appends head; writers write to cur (the
     * last); a file the writers filled before the flusher was through it
     * waits in between, whole */
    struct segment *head, *cur;
    bool stopping;
    bool idle; /* the flusher waits for records (and must be woken) */
    pthread_t thread;
    size_t max_records;
    unsigned linger_us;
    struct store *store;       /* the flusher's own connection */
    struct audit_record *recs; /* the flusher's batch, room for max_records */
    struct audit_journal_stats stats;
    unsigned long long logged_failures; /* failed_batches when the last streak began */
};

char *audit_journal_dir(struct arena *a, const char *db_path)
{
    const char *base = db_path ? store_local_base(db_path) : NULL;
    return base ? arena_printf(a, "%s.audit-journal", base) : NULL;
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

/* Appends the whole records at p[0..len), which is the journal's from byte
 * `from`, at most max of them (decoded into recs, room for max), with the
 * offset they reach, in one transaction; CHUNK_NONE when no whole record
 * starts at p. */
static enum chunk append_chunk(struct store *s, const char *p, size_t len, const char *name,
                               int64_t from, struct audit_record *recs, size_t max,
                               int64_t *reached, size_t *nrecs)
{
    struct arena a;
    arena_init(&a);
    size_t off = 0, n = 0, k;
    while (n < max && (k = audit_journal_decode(p + off, len - off, &a, &recs[n])) > 0) {
        off += k;
        n++;
    }
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

/* Whether any of the file's bytes from at on (the first READ_CHUNK) is not
 * zero: what follows the last whole record is either the zeros the file
 * was allocated with, or a record a killed server was copying. */
static bool written_after(int fd, int64_t at, int64_t size)
{
    size_t n = size - at < READ_CHUNK ? (size_t)(size - at) : READ_CHUNK;
    char *p = xmalloc(n ? n : 1);
    bool any = false;
    if (read_at(fd, p, n, at))
        for (size_t i = 0; i < n && !any; i++)
            any = p[i] != 0;
    free(p);
    return any;
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
    int64_t at = 0, size = (int64_t)st.st_size;
    bool ok = store_audit_journal_offset(s, name, &at) == STORE_OK;
    unsigned long long records = 0;
    struct audit_record *recs = xmalloc(1024 * sizeof *recs);
    while (ok && at < size) {
        size_t want = (size_t)(size - at) < READ_CHUNK ? (size_t)(size - at) : READ_CHUNK;
        char *p = xmalloc(want);
        size_t n = 0;
        enum chunk c = read_at(fd, p, want, at)
                           ? append_chunk(s, p, want, name, at, recs, 1024, &at, &n)
                           : CHUNK_FAIL;
        free(p);
        records += n;
        if (c == CHUNK_FAIL) ok = false;
        if (c == CHUNK_NONE) {
            /* the server died in the middle of copying a record (its
             * first byte is copied last, so it never decodes): that
             * request was never answered, and nothing follows it */
            if (written_after(fd, at, size)) {
                char extra[160];
                snprintf(extra, sizeof extra, "\"journal\":\"%.60s\",\"dropped_bytes\":%lld", name,
                         (long long)(size - at));
                log_json("warn", "audit journal ends in a partial record", extra);
            }
            break;
        }
    }
    free(recs);
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

static void segment_free(struct segment *g)
{
    if (g->map) munmap(g->map, g->cap);
    if (g->fd >= 0) close(g->fd);
    free(g->name);
    free(g->path);
    free(g);
}

/* Opens (creating it, or only creating it when fresh) and locks dir/name,
 * mapped for cap bytes. Its end is what it holds; it is allocated no
 * further yet. NULL when it cannot be opened or locked. */
static struct segment *segment_open(const char *dir, const char *name, size_t cap, bool fresh)
{
    struct segment *g = xcalloc(1, sizeof *g);
    size_t plen = strlen(dir) + strlen(name) + 2;
    g->path = xmalloc(plen);
    snprintf(g->path, plen, "%s/%s", dir, name);
    g->name = xstrdup(name);
    g->fd = open(g->path, O_RDWR | O_CREAT | O_CLOEXEC | (fresh ? O_EXCL : 0), 0600);
    struct stat st;
    if (g->fd < 0 || flock(g->fd, LOCK_EX | LOCK_NB) != 0 || fstat(g->fd, &st) != 0) {
        segment_free(g);
        return NULL;
    }
    g->end = g->alloc = (int64_t)st.st_size;
    if (S_ISREG(st.st_mode)) {
        g->cap = (size_t)st.st_size > cap ? (size_t)st.st_size : cap;
        g->map = mmap(NULL, g->cap, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
        if (g->map == MAP_FAILED) g->map = NULL;
    }
    return g;
}

/* The next file, name.1, name.2..., for the writers. Called with the lock
 * held. */
static struct segment *segment_next(struct audit_journal *j, size_t need)
{
    char *name = xmalloc(strlen(j->base) + 16);
    sprintf(name, "%s.%u", j->base, j->generation + 1);
    struct segment *g = segment_open(j->dir, name, need > j->seg_cap ? need : j->seg_cap, true);
    free(name);
    if (g) j->generation++;
    return g;
}

/* Whether the file has len bytes allocated after its end, allocating more
 * (GROW at a time, else just what is needed) if not. */
static bool segment_room(struct segment *g, size_t len)
{
    if (!g->map || g->end + (int64_t)len > (int64_t)g->cap) return false;
    if (g->end + (int64_t)len <= g->alloc) return true;
    int64_t want = g->alloc + GROW, need = g->end + (int64_t)len;
    if (want < need) want = need;
    if (want > (int64_t)g->cap) want = (int64_t)g->cap;
    if (posix_fallocate(g->fd, (off_t)g->alloc, (off_t)(want - g->alloc)) != 0) {
        if (want == need || posix_fallocate(g->fd, (off_t)g->alloc, (off_t)(need - g->alloc)) != 0)
            return false;
        want = need;
    }
    g->alloc = want;
    return true;
}

/* Copies the records into the mapping, their first byte last (after a
 * release fence): a server killed in the middle leaves a line that starts
 * with a zero, which never decodes, so a replay never appends a record
 * whose request was not answered. */
static void put(char *dst, const char *src, size_t n)
{
    memcpy(dst + 1, src + 1, n - 1);
    atomic_thread_fence(memory_order_release);
    *(volatile char *)dst = src[0];
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
    struct segment *g = j->cur;
    if (g->map && g->end + (int64_t)b.len > (int64_t)g->cap) {
        /* this one is full before the flusher is through it: the writers
         * go on in a new one, the flusher comes to it after this */
        struct segment *next = segment_next(j, b.len);
        if (next) {
            g->next = next;
            j->cur = g = next;
        }
    }
    bool ok = segment_room(g, b.len);
    if (ok) {
        put(g->map + g->end, b.data, b.len);
        g->end += (int64_t)b.len;
        j->stats.writes++;
        if (j->idle) pthread_cond_signal(&j->wake);
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

/* Removes the head file, all of it in the chain and no longer the writers'
 * (the file first, then its row, as replay does). Called by the flusher
 * with the lock held; writers never touch a file that is not cur. */
static void retire_head(struct audit_journal *j)
{
    struct segment *g = j->head;
    j->head = g->next;
    pthread_mutex_unlock(&j->lock);
    if (unlink(g->path) == 0 && connection(&j->store, j->db_path))
        store_audit_journal_forget(j->store, g->name);
    segment_free(g);
    pthread_mutex_lock(&j->lock);
}

/* Replaces a journal all of which is in the chain by a new empty one, so
 * that a server that runs long does not fill the disk. The new file is
 * locked before the old one is removed, and the old one is removed (then
 * its row) before its lock is let go: a server replaying meanwhile finds
 * it gone. Called by the flusher with the lock held. */
static void rotate(struct audit_journal *j)
{
    struct segment *next = segment_next(j, 0);
    if (!next) return; /* the old one goes on */
    j->cur->next = next;
    j->cur = next;
    retire_head(j);
}

/* Whether the flusher has anything to do: records not in the chain, or a
 * file all appended that the writers left. Called with the lock held. */
static bool pending(const struct audit_journal *j)
{
    return j->head->done < j->head->end || j->head != j->cur;
}

static void *flusher(void *arg)
{
    struct audit_journal *j = arg;
    pthread_mutex_lock(&j->lock);
    for (;;) {
        bool woke = false;
        while (!pending(j) && !j->stopping) {
            j->idle = true;
            woke = true;
            pthread_cond_wait(&j->wake, &j->lock);
        }
        j->idle = false;
        if (!pending(j)) break; /* stopping, and everything appended */
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
        struct segment *g = j->head;
        if (g->done == g->end) {
            retire_head(j); /* the writers went on in the next one */
            continue;
        }
        /* the writers only add after end, and never unmap: what is before
         * end is read without the lock */
        int64_t from = g->done, to = g->end;
        pthread_mutex_unlock(&j->lock);
        int64_t reached = from;
        size_t n = 0;
        enum chunk c =
            append_chunk(connection(&j->store, j->db_path), g->map + from, (size_t)(to - from),
                         g->name, from, j->recs, j->max_records, &reached, &n);
        pthread_mutex_lock(&j->lock);
        j->stats.batches++;
        if (c == CHUNK_OK) {
            j->logged_failures = j->stats.failed_batches; /* a new failure is logged again */
            g->done = reached;
            j->stats.records += n;
            if (n > j->stats.largest) j->stats.largest = n;
            if (g == j->cur && g->done == g->end && g->end >= j->rotate_bytes) rotate(j);
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

static void journal_free(struct audit_journal *j)
{
    while (j->head) {
        struct segment *g = j->head;
        j->head = g->next;
        segment_free(g);
    }
    if (j->store) store_close(j->store);
    free(j->recs);
    free(j->base);
    free(j->dir);
    free(j->db_path);
    free(j);
}

/* A file already there (a name used again) goes on after its last whole
 * record; what follows that (a record cut short, the allocation's zeros)
 * is cut off, so a record copied there later never runs into old bytes. */
static bool segment_resume(struct segment *g, struct store *s)
{
    if (!g->end) return true;
    if (store_audit_journal_offset(s, g->name, &g->done) != STORE_OK) return false;
    if (!g->map) return true;
    struct arena a;
    arena_init(&a);
    struct audit_record r;
    int64_t at = g->done;
    size_t k;
    while (at < g->end && (k = audit_journal_decode(g->map + at, (size_t)(g->end - at), &a, &r)))
        at += (int64_t)k;
    arena_free(&a);
    if (at < g->end && ftruncate(g->fd, (off_t)at) != 0) return false;
    g->end = g->alloc = at;
    return true;
}

struct audit_journal *audit_journal_open(const char *db_path, const char *dir, const char *name,
                                         size_t max_records, unsigned linger_us,
                                         long long rotate_bytes)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return NULL;
    audit_journal_replay(db_path, dir, name); /* a failure leaves files for the next start */
    struct audit_journal *j = xcalloc(1, sizeof *j);
    j->base = xstrdup(name);
    j->dir = xstrdup(dir);
    j->db_path = xstrdup(db_path);
    j->rotate_bytes = rotate_bytes > 0 ? rotate_bytes : 64ll << 20;
    /* room past the rotation size, so that the flusher, not the writers,
     * usually starts the next file */
    j->seg_cap = ((size_t)j->rotate_bytes + ((size_t)j->rotate_bytes >> 1) + 4095) & ~(size_t)4095;
    j->head = j->cur = segment_open(dir, name, j->seg_cap, false);
    if (!j->head || store_open(db_path, &j->store) != STORE_OK ||
        !segment_resume(j->head, j->store))
        goto fail;
    j->max_records = max_records ? max_records : 1;
    j->recs = xmalloc(j->max_records * sizeof *j->recs);
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
    journal_free(j);
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
    /* each file all appended goes; one that is not stays for the next
     * server that starts */
    for (struct segment *g = j->head; g; g = g->next)
        if (g->done == g->end && connection(&j->store, j->db_path) && unlink(g->path) == 0)
            store_audit_journal_forget(j->store, g->name);
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    journal_free(j);
}

void audit_journal_stats(struct audit_journal *j, struct audit_journal_stats *out)
{
    pthread_mutex_lock(&j->lock);
    *out = j->stats;
    pthread_mutex_unlock(&j->lock);
}
