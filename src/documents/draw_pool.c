/* draw_pool: drawing processes, their zygote, and the server's side of
 * their sockets (see the header).
 *
 * Each worker is connected by a SOCK_STREAM socketpair and speaks in
 * frames: a struct dp_frame, then its bytes. A job is the frame (len: the
 * job's bytes, cap: the largest PDF the caller takes) and the job
 * (draw_job.c); the answer is the frame (rc, why_len, len: the PDF's bytes)
 * and the why message and the PDF. The server's ends are non-blocking and
 * every wait is a poll with the job's deadline, so a stuck worker costs a
 * caller the time limit, never a thread.
 *
 * Why a zygote: forking the multithreaded server would copy locks other
 * threads hold (malloc's are handled by glibc, cairo's, FreeType's and
 * SQLite's are not) into a child that could then never take them. The
 * zygote is forked once, from the single-threaded process, right after the
 * fonts are loaded and before the database is opened; it only ever forks,
 * so every worker, first or replacement, starts from that clean copy. */
#include "documents/draw_pool.h"
#include "documents/doc_impl.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DP_JOB 0x4a445250u    /* "PRDJ" */
#define DP_ANSWER 0x41445250u /* "PRDA" */
#define DP_WHY_MAX 255
#define DP_SPAWN_MS 10000 /* the zygote's answer to a request for a worker */

struct dp_frame {
    uint32_t magic;
    uint32_t rc;        /* answer: enum doc_rc */
    uint32_t why_len;   /* answer: bytes of the message after the frame */
    uint32_t timeout_s; /* job: the worker's own limit (see dp_worker_job) */
    uint64_t len;       /* job: its bytes; answer: the PDF's */
    uint64_t cap;       /* job: the largest PDF to send back */
};

struct dp_worker {
    int fd; /* the server's end of its socket; -1: none */
    pid_t pid;
    bool busy; /* taken by a caller */
};

struct draw_pool {
    struct doc_fonts *fonts;
    pthread_mutex_t mu; /* the slots' busy flags, fd and pid */
    pthread_cond_t freed;
    pthread_mutex_t zmu; /* one request to the zygote at a time */
    int zfd;
    pid_t zpid;
    bool zygote_silent; /* said once in the log */
    int n;
    struct dp_worker w[DRAW_POOL_MAX];
    atomic_int waiting;
    int timeout_ms;
    size_t job_max, pdf_max;
};

/* ---- both sides ---- */

static int64_t dp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a transfer came to. */
enum dp_io { DP_IO_OK, DP_IO_GONE, DP_IO_TIMEOUT, DP_IO_BAD };

/* Waits until fd is ready for ev or the deadline (ms, monotonic; -1: none)
 * has passed. */
static enum dp_io dp_wait(int fd, short ev, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline < 0 ? -1 : deadline - dp_now_ms();
        if (deadline >= 0 && left <= 0) return DP_IO_TIMEOUT;
        struct pollfd pfd = {fd, ev, 0};
        int r = poll(&pfd, 1, left < 0 ? -1 : left > 60000 ? 60000 : (int)left);
        if (r > 0) return DP_IO_OK; /* the call that follows says what came */
        if (r < 0 && errno != EINTR) return DP_IO_BAD;
    }
}

static enum dp_io dp_send(int fd, const void *data, size_t len, int64_t deadline)
{
    const char *p = data;
    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w > 0) {
            p += w, len -= (size_t)w;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return errno == EPIPE || errno == ECONNRESET ? DP_IO_GONE : DP_IO_BAD;
        enum dp_io io = dp_wait(fd, POLLOUT, deadline);
        if (io != DP_IO_OK) return io;
    }
    return DP_IO_OK;
}

static enum dp_io dp_recv(int fd, void *data, size_t len, int64_t deadline)
{
    char *p = data;
    while (len) {
        ssize_t r = recv(fd, p, len, 0);
        if (r > 0) {
            p += r, len -= (size_t)r;
            continue;
        }
        if (r == 0) return DP_IO_GONE;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return errno == ECONNRESET ? DP_IO_GONE : DP_IO_BAD;
        enum dp_io io = dp_wait(fd, POLLIN, deadline);
        if (io != DP_IO_OK) return io;
    }
    return DP_IO_OK;
}

/* ---- the worker ---- */

/* Answers one job read from fd; false when the server has gone. Everything
 * the job brought lives in one arena, wiped when the job is answered. */
static bool dp_worker_job(int fd, const struct doc_fonts *f)
{
    struct dp_frame h;
    if (dp_recv(fd, &h, sizeof h, -1) != DP_IO_OK) return false;
    if (h.magic != DP_JOB || h.len > DRAW_POOL_JOB_MAX || h.cap > DRAW_POOL_PDF_MAX) return false;
    /* The server kills a worker that overruns its job's time; this alarm
     * ends one that is stuck when no server is left to kill it. */
    alarm(h.timeout_s + 5);
    struct arena a;
    arena_init(&a);
    char *job = arena_alloc(&a, (size_t)h.len + 1);
    bool ok = dp_recv(fd, job, (size_t)h.len, -1) == DP_IO_OK;
    if (ok) {
        struct buf out;
        buf_init(&out, &a);
        const char *why = NULL;
        enum doc_rc rc = doc_job_draw(f, job, (size_t)h.len, &out, &why);
        if (rc == DOC_OK && out.len > h.cap) {
            rc = DOC_ERR_DRAW;
            why = "the document is larger than a drawing process may answer";
        }
        if (rc != DOC_OK) out.len = 0;
        size_t wl = why ? strlen(why) : 0;
        struct dp_frame ans = {
            DP_ANSWER, (uint32_t)rc, (uint32_t)(wl > DP_WHY_MAX ? DP_WHY_MAX : wl), 0, out.len, 0};
        ok = dp_send(fd, &ans, sizeof ans, -1) == DP_IO_OK &&
             dp_send(fd, why ? why : "", ans.why_len, -1) == DP_IO_OK &&
             dp_send(fd, out.data, out.len, -1) == DP_IO_OK;
    }
    arena_free(&a);
    alarm(0);
    return ok;
}

/* Signals as a child of the server needs them: none blocked, ^C and
 * friends at their defaults (the process group is the child's own anyway),
 * SIGPIPE ignored (sends say MSG_NOSIGNAL too). */
static void dp_child_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
}

/* A worker ends when the server does: its socket reaches EOF (only the
 * server holds the other end), or, were it stuck in a job, its alarm goes.
 * It is not bound to the zygote's life: a zygote that dies leaves the pool
 * its workers, only without replacements. */
static _Noreturn void dp_worker(int fd, struct doc_fonts *f)
{
    prctl(PR_SET_NAME, "postroom-draw");
    signal(SIGCHLD, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    doc_fonts_set_pool(f, NULL); /* it was never set in this copy: draw here */
    char ready = 'r';            /* bound and holding nothing of the server's */
    if (send(fd, &ready, 1, MSG_NOSIGNAL) != 1) _exit(0);
    while (dp_worker_job(fd, f))
        ;
    _exit(0); /* the server has gone: nothing of its to flush or free */
}

/* ---- the zygote ---- */

/* Closes every descriptor but stdin, stdout, stderr and fd, which becomes
 * 3: what the server had open (the database, if it were, the listening
 * socket, log files) is not the drawing processes' to keep. */
static int dp_keep_only(int fd)
{
    if (fd != 3 && dup2(fd, 3) < 0) _exit(1);
    if (close_range(4, ~0u, 0) == 0) return 3;
    DIR *d = opendir("/proc/self/fd"); /* kernels before 5.9 */
    if (!d) _exit(1);
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        int n = atoi(e->d_name);
        if (n > 3 && n != dfd) close(n);
    }
    closedir(d);
    return 3;
}

/* Answers a request for a worker: the worker's pid, and its socket's other
 * end as SCM_RIGHTS (none when the fork failed, pid then -1). */
static void dp_send_worker(int zfd, pid_t pid, int fd)
{
    union {
        struct cmsghdr h;
        char room[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {&pid, sizeof pid};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        m.msg_control = ctl.room;
        m.msg_controllen = sizeof ctl.room;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    while (sendmsg(zfd, &m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

static _Noreturn void dp_zygote(int zfd, struct doc_fonts *f, pid_t server)
{
    /* dies with the server (checking it is still there: it may have gone
     * before the death signal was asked for) */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != server) _exit(0);
    prctl(PR_SET_NAME, "postroom-zygote");
    setpgid(0, 0);
    dp_child_signals();
    signal(SIGCHLD, SIG_IGN); /* workers are reaped by the kernel */
    zfd = dp_keep_only(zfd);
    for (;;) {
        char c;
        ssize_t r = read(zfd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) _exit(0); /* the server has gone, or stopped the pool */
        int sv[2];
        pid_t pid = -1;
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
            pid = fork();
            if (pid == 0) {
                close(zfd);
                close(sv[0]);
                dp_worker(sv[1], f);
            }
            close(sv[1]);
            if (pid < 0) close(sv[0]);
        }
        dp_send_worker(zfd, pid, pid > 0 ? sv[0] : -1);
        if (pid > 0) close(sv[0]);
    }
}

/* ---- the server's side ---- */

/* Whether this process has one thread (from /proc; when that cannot be
 * read, it is taken on trust). ThreadSanitizer runs a thread of its own,
 * which never holds a lock of the program's. */
static bool dp_single_threaded(void)
{
#if defined(__SANITIZE_THREAD__)
    return true;
#else
    DIR *d = opendir("/proc/self/task");
    if (!d) return true;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n == 1;
#endif
}

static void dp_log(const char *msg, const char *reason, pid_t pid)
{
    char extra[96];
    snprintf(extra, sizeof extra, "\"reason\":\"%s\",\"pid\":%ld", reason, (long)pid);
    log_json("warn", msg, extra);
}

/* Asks the zygote for a new worker for slot w (whose holder the caller
 * is); false when none came. */
static bool dp_spawn(struct draw_pool *p, struct dp_worker *w)
{
    pthread_mutex_lock(&p->zmu);
    pid_t pid = -1;
    int fd = -1;
    char c = 'w';
    if (send(p->zfd, &c, 1, MSG_NOSIGNAL) == 1 &&
        dp_wait(p->zfd, POLLIN, dp_now_ms() + DP_SPAWN_MS) == DP_IO_OK) {
        union {
            struct cmsghdr h;
            char room[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct iovec iov = {&pid, sizeof pid};
        struct msghdr m = {.msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = ctl.room,
                           .msg_controllen = sizeof ctl.room};
        ssize_t r;
        while ((r = recvmsg(p->zfd, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
            ;
        struct cmsghdr *h = r == (ssize_t)sizeof pid ? CMSG_FIRSTHDR(&m) : NULL;
        if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
            memcpy(&fd, CMSG_DATA(h), sizeof fd);
    }
    bool say = fd < 0 && !p->zygote_silent;
    if (say) p->zygote_silent = true;
    pthread_mutex_unlock(&p->zmu);
    if (fd < 0) {
        /* jobs go on in the workers left; none left, they fail (500) */
        if (say)
            dp_log("no new drawing process: the zygote did not answer; restart the server",
                   "zygote", p->zpid);
        return false;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    char ready = 0;
    if (dp_recv(fd, &ready, 1, dp_now_ms() + DP_SPAWN_MS) != DP_IO_OK || ready != 'r') {
        dp_log("a new drawing process did not start", "start", pid);
        kill(pid, SIGKILL); /* its socket is still open: the pid is its own */
        close(fd);
        return false;
    }
    pthread_mutex_lock(&p->mu);
    w->fd = fd;
    w->pid = pid;
    pthread_mutex_unlock(&p->mu);
    return true;
}

/* Lets slot w's worker go: killed unless it is known to have ended (a
 * pid is only killed while its socket is open, so it cannot be reused). */
static void dp_retire(struct draw_pool *p, struct dp_worker *w, bool kill_it)
{
    if (kill_it) kill(w->pid, SIGKILL);
    pthread_mutex_lock(&p->mu);
    close(w->fd);
    w->fd = -1;
    w->pid = 0;
    pthread_mutex_unlock(&p->mu);
}

/* Whether an idle worker is still there: it sends nothing between jobs, so
 * anything to read (EOF above all) means it has ended. */
static bool dp_alive(const struct dp_worker *w)
{
    struct pollfd pfd = {w->fd, POLLIN, 0};
    return poll(&pfd, 1, 0) == 0;
}

/* Takes a free slot, waiting for one: one with a worker if any is free,
 * else an empty one (the caller asks for a worker for it). live_only takes
 * only slots with a worker, and returns NULL when no slot has one. */
static struct dp_worker *dp_take(struct draw_pool *p, bool live_only)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct dp_worker *empty = NULL;
        bool any_live = false;
        for (int i = 0; i < p->n; i++) {
            struct dp_worker *w = &p->w[i];
            any_live |= w->fd >= 0;
            if (w->busy) continue;
            if (w->fd >= 0) {
                w->busy = true;
                pthread_mutex_unlock(&p->mu);
                return w;
            }
            if (!empty) empty = w;
        }
        if (empty && !live_only) {
            empty->busy = true;
            pthread_mutex_unlock(&p->mu);
            return empty;
        }
        if (live_only && !any_live) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        pthread_cond_wait(&p->freed, &p->mu);
    }
}

static void dp_give(struct draw_pool *p, struct dp_worker *w)
{
    pthread_mutex_lock(&p->mu);
    w->busy = false;
    pthread_cond_broadcast(&p->freed); /* waiters differ in the slots they take */
    pthread_mutex_unlock(&p->mu);
}

/* One job on worker w, its answer appended to out; DP_IO_OK with *rc and
 * *why set, or why the worker failed. */
static enum dp_io dp_run(struct draw_pool *p, struct dp_worker *w, const struct buf *job,
                         struct buf *out, enum doc_rc *rc, const char **why)
{
    int64_t deadline = dp_now_ms() + p->timeout_ms;
    struct dp_frame h = {DP_JOB, 0, 0, (uint32_t)(p->timeout_ms / 1000), job->len, p->pdf_max};
    enum dp_io io = dp_send(w->fd, &h, sizeof h, deadline);
    if (io == DP_IO_OK) io = dp_send(w->fd, job->data, job->len, deadline);
    if (io != DP_IO_OK) return io;
    atomic_fetch_add(&p->waiting, 1);
    io = dp_recv(w->fd, &h, sizeof h, deadline);
    if (io == DP_IO_OK && (h.magic != DP_ANSWER || h.rc > DOC_ERR_DRAW || h.why_len > DP_WHY_MAX ||
                           h.len > p->pdf_max || (h.rc != DOC_OK && h.len)))
        io = DP_IO_BAD;
    char msg[DP_WHY_MAX + 1] = "";
    if (io == DP_IO_OK) io = dp_recv(w->fd, msg, h.why_len, deadline);
    if (io == DP_IO_OK && h.len) {
        buf_reserve(out, (size_t)h.len);
        io = dp_recv(w->fd, out->data + out->len, (size_t)h.len, deadline);
        if (io == DP_IO_OK) out->len += (size_t)h.len;
    }
    atomic_fetch_sub(&p->waiting, 1);
    if (io != DP_IO_OK) return io;
    *rc = (enum doc_rc)h.rc;
    *why = h.why_len ? arena_strndup(out->arena, msg, h.why_len) : NULL;
    return DP_IO_OK;
}

enum doc_rc draw_pool_draw(struct draw_pool *p, const struct buf *job, struct buf *out,
                           const char **why)
{
    size_t start = out->len;
    *why = NULL;
    if (job->len > p->job_max) {
        *why = "the document is too large to draw";
        return DOC_ERR_DRAW;
    }
    struct dp_worker *w = dp_take(p, false);
    if (w->fd >= 0 && !dp_alive(w)) {
        dp_log("a drawing process ended between jobs", "ended", w->pid);
        dp_retire(p, w, false);
    }
    if (w->fd < 0 && !dp_spawn(p, w)) {
        dp_give(p, w); /* no replacement (the zygote is gone): a worker left, if any */
        w = dp_take(p, true);
        if (w && !dp_alive(w)) {
            dp_retire(p, w, false);
            dp_give(p, w);
            w = NULL;
        }
        if (!w) {
            *why = "no drawing process";
            return DOC_ERR_DRAW;
        }
    }
    enum doc_rc rc = DOC_ERR_DRAW;
    enum dp_io io = dp_run(p, w, job, out, &rc, why);
    if (io != DP_IO_OK) {
        static const char *const reason[] = {"", "ended", "timeout", "protocol"};
        out->len = start;
        dp_log("a drawing process failed its job", reason[io], w->pid);
        dp_retire(p, w, io != DP_IO_GONE);
        dp_spawn(p, w); /* else the next job on the slot tries again */
        *why = io == DP_IO_TIMEOUT ? "drawing took too long" : "the drawing process failed";
        rc = DOC_ERR_DRAW;
    }
    dp_give(p, w);
    return rc;
}

int draw_pool_default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > DRAW_POOL_MAX ? DRAW_POOL_MAX : (int)n;
}

static size_t dp_limit(size_t v, size_t max)
{
    return v && v < max ? v : max;
}

struct draw_pool *draw_pool_start(struct doc_fonts *f, const struct draw_pool_config *c, char *err,
                                  size_t n)
{
    int workers = c && c->workers ? c->workers : draw_pool_default_workers();
    if (workers < 1 || workers > DRAW_POOL_MAX) {
        snprintf(err, n, "a drawing pool has 1 to %d processes", DRAW_POOL_MAX);
        return NULL;
    }
    if (doc_fonts_pool(f)) {
        snprintf(err, n, "the fonts already draw in a pool");
        return NULL;
    }
    if (!dp_single_threaded()) {
        snprintf(err, n, "the drawing pool must start before any thread does");
        return NULL;
    }
    int zs[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, zs) != 0) {
        snprintf(err, n, "no socket for the drawing pool: %s", strerror(errno));
        return NULL;
    }
    pid_t server = getpid();
    pid_t z = fork();
    if (z == 0) {
        close(zs[0]);
        dp_zygote(zs[1], f, server);
    }
    close(zs[1]);
    if (z < 0) {
        close(zs[0]);
        snprintf(err, n, "cannot fork the drawing pool: %s", strerror(errno));
        return NULL;
    }
    struct draw_pool *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->fonts = f;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->freed, NULL);
    pthread_mutex_init(&p->zmu, NULL);
    p->zfd = zs[0];
    p->zpid = z;
    p->n = workers;
    atomic_init(&p->waiting, 0);
    p->timeout_ms = c && c->timeout_ms > 0 ? c->timeout_ms : DRAW_POOL_TIMEOUT_MS;
    p->job_max = dp_limit(c ? c->job_max : 0, DRAW_POOL_JOB_MAX);
    p->pdf_max = dp_limit(c ? c->pdf_max : 0, DRAW_POOL_PDF_MAX);
    for (int i = 0; i < workers; i++) {
        p->w[i].fd = -1;
        if (!dp_spawn(p, &p->w[i])) {
            snprintf(err, n, "the drawing processes would not start");
            draw_pool_stop(p);
            return NULL;
        }
    }
    doc_fonts_set_pool(f, p);
    return p;
}

void draw_pool_stop(struct draw_pool *p)
{
    if (!p) return;
    doc_fonts_set_pool(p->fonts, NULL);
    for (int i = 0; i < p->n; i++)
        if (p->w[i].fd >= 0) close(p->w[i].fd); /* EOF: the worker ends */
    close(p->zfd);                              /* and so does the zygote */
    while (waitpid(p->zpid, NULL, 0) < 0 && errno == EINTR)
        ;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->zmu);
    free(p);
}

int draw_pool_pids(struct draw_pool *p, pid_t *pids, int n)
{
    pthread_mutex_lock(&p->mu);
    int k = 0;
    for (; k < p->n && k < n; k++)
        pids[k] = p->w[k].fd >= 0 ? p->w[k].pid : 0;
    pthread_mutex_unlock(&p->mu);
    return k;
}

pid_t draw_pool_zygote(const struct draw_pool *p)
{
    return p->zpid;
}

int draw_pool_waiting(struct draw_pool *p)
{
    return atomic_load(&p->waiting);
}
