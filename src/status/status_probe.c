/* status_probe: the health checks (a plain socket GET with a deadline), the
 * thread that runs them, and the rule of status_probe.h applied to the
 * status database in one transaction per round that changes something. */
#include "status/status_probe.h"
#include "status/status_db_impl.h"
#include "status/status_markup.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMPONENTS 64

bool status_probe_parse(const char *arg, struct status_probe *p, const char **why)
{
    memset(p, 0, sizeof *p);
    const char *url = arg, *eq = strchr(arg, '=');
    const char *scheme = strstr(arg, "://");
    if (eq && (!scheme || eq < scheme)) {
        size_t n = (size_t)(eq - arg);
        if (!n || n >= sizeof p->component) return *why = "--probe: bad component name", false;
        memcpy(p->component, arg, n);
        url = eq + 1;
    }
    if (strncmp(url, "http://", 7)) {
        *why = strncmp(url, "https://", 8) ? "--probe takes [NAME=]http://HOST[:PORT][/PATH]"
                                           : "--probe supports http:// only";
        return false;
    }
    const char *h = url + 7, *slash = strchr(h, '/');
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    const char *colon = memchr(h, ':', hl);
    size_t nl = colon ? (size_t)(colon - h) : hl;
    size_t pl = colon ? hl - nl - 1 : 0;
    if (!nl || nl >= sizeof p->host || (colon && (!pl || pl >= sizeof p->port)))
        return *why = "--probe: bad host or port", false;
    memcpy(p->host, h, nl);
    if (colon) {
        memcpy(p->port, colon + 1, pl);
        for (const char *c = p->port; *c; c++)
            if (*c < '0' || *c > '9') return *why = "--probe: bad port", false;
    } else
        strcpy(p->port, "80");
    const char *path = slash && slash[1] ? slash : "/healthz";
    if (strlen(path) >= sizeof p->path) return *why = "--probe: path too long", false;
    for (const char *c = path; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f) return *why = "--probe: bad path", false;
    strcpy(p->path, path);
    return true;
}

static bool wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - (int64_t)(time_mono_s() * 1000);
        if (left <= 0) return false;
        struct pollfd pf = {fd, events, 0};
        int rc = poll(&pf, 1, (int)left);
        if (rc > 0) return true;
        if (rc == 0 || errno != EINTR) return false;
    }
}

static int connect_to(const struct status_probe *p, int64_t deadline)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(p->host, p->port, &hints, &res)) return -1;
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int err = 0;
        socklen_t el = sizeof err;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) &&
            !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) && !err)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

bool status_probe_once(const struct status_probe *p, int timeout_ms)
{
    int64_t deadline = (int64_t)(time_mono_s() * 1000) + timeout_ms;
    int fd = connect_to(p, deadline);
    if (fd < 0) return false;
    char req[1400];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: postroom-status-probe\r\n"
                     "Accept: application/json\r\nConnection: close\r\n\r\n",
                     p->path, p->host, p->port);
    bool ok = n > 0 && n < (int)sizeof req;
    for (int sent = 0; ok && sent < n;) {
        ssize_t w = send(fd, req + sent, (size_t)(n - sent), MSG_NOSIGNAL);
        if (w > 0)
            sent += (int)w;
        else if (w < 0 && errno == EAGAIN)
            ok = wait_fd(fd, POLLOUT, deadline);
        else if (w < 0 && errno != EINTR)
            ok = false;
    }
    /* the status line is enough: "HTTP/1.1 200 " */
    char line[13];
    size_t got = 0;
    while (ok && got < sizeof line) {
        ssize_t r = recv(fd, line + got, sizeof line - got, 0);
        if (r > 0)
            got += (size_t)r;
        else if (r < 0 && errno == EAGAIN)
            ok = wait_fd(fd, POLLIN, deadline);
        else if (r == 0 || errno != EINTR)
            ok = false;
    }
    close(fd);
    return ok && !memcmp(line, "HTTP/1.", 7) && !memcmp(line + 8, " 200 ", 5);
}

/* ------------------------------------------------------------------ the rule */

struct comp {
    int64_t id;
    char name[128], state[32];
    bool by_probe; /* its last change was the prober's */
    bool down;
};

static int read_components(struct status_db *db, struct comp *c, const char *const *down, int ndown)
{
    sqlite3_stmt *st = status_db_prep(
        db, "SELECT c.id, c.name, c.status, (SELECT source FROM component_changes h WHERE"
            " h.component_id = c.id ORDER BY at DESC, id DESC LIMIT 1) FROM components c"
            " ORDER BY c.position");
    if (!st) return -1;
    int n = 0, rc;
    while (n < MAX_COMPONENTS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct comp *x = &c[n++];
        x->id = sqlite3_column_int64(st, 0);
        snprintf(x->name, sizeof x->name, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(x->state, sizeof x->state, "%s", (const char *)sqlite3_column_text(st, 2));
        const char *src = (const char *)sqlite3_column_text(st, 3);
        x->by_probe = src && !strcmp(src, "probe");
        x->down = false;
        for (int i = 0; i < ndown; i++)
            if (!strcmp(down[i], x->name)) x->down = true;
    }
    sqlite3_finalize(st);
    return n;
}

/* The prober's incident, if it is still unresolved; 0 if none. */
static int64_t open_incident(struct status_db *db, bool *err)
{
    sqlite3_stmt *st = status_db_prep(db, "SELECT p.incident_id FROM prober p JOIN incidents i ON"
                                          " i.id = p.incident_id WHERE i.resolved_at IS NULL");
    if (!st) return *err = true, 0;
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) *err = true;
    sqlite3_finalize(st);
    return id;
}

static bool remember(struct status_db *db, int64_t incident)
{
    if (!incident) return status_db_exec(db, "DELETE FROM prober");
    sqlite3_stmt *st = status_db_prep(db, "INSERT OR REPLACE INTO prober(id, incident_id)"
                                          " VALUES (1, ?1)");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, incident);
    return status_db_step_done(st);
}

/* "Web app, API and Labels" */
static void names(struct buf *b, const struct comp *c, int n, bool want_down, bool taken)
{
    int total = 0, k = 0;
    for (int i = 0; i < n; i++)
        total += c[i].down == want_down && c[i].by_probe == taken;
    for (int i = 0; i < n; i++) {
        if (c[i].down != want_down || c[i].by_probe != taken) continue;
        if (k) buf_adds(b, k == total - 1 ? " and " : ", ");
        buf_adds(b, c[i].name);
        k++;
    }
}

static const char *incident_status(struct status_db *db, int64_t id, char *out, size_t n)
{
    sqlite3_stmt *st = status_db_prep(db, "SELECT status FROM incidents WHERE id = ?1");
    snprintf(out, n, "investigating");
    if (!st) return out;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* Components going down now (operational, probe failing) are marked
 * by_probe = true below, so names() can tell them apart. */
static enum status_rc go_down(struct status_db *db, struct comp *c, int n, int64_t incident,
                              int failures, int64_t since, int64_t now, struct arena *a)
{
    struct buf nm, body;
    buf_init(&nm, a);
    buf_init(&body, a);
    names(&nm, c, n, true, true);
    buf_adds(&body, "The automatic health check failed ");
    buf_add_i64(&body, failures);
    buf_adds(&body, " times in a row since ");
    mk_when(&body, since);
    buf_adds(&body, incident ? ". Also affected now: " : ". Affected: ");
    buf_adds(&body, buf_cstr(&nm));
    buf_adds(&body, ". We are investigating.");
    int64_t uid = 0;
    if (incident) {
        char st[32]; /* as the operator may have moved it on */
        if (!status_db_add_update(db, incident, incident_status(db, incident, st, sizeof st),
                                  buf_cstr(&body), now, &uid))
            return STATUS_ERROR;
    } else {
        buf_adds(&nm, " unavailable");
        const char *list[MAX_COMPONENTS];
        int k = 0;
        for (int i = 0; i < n; i++)
            if (c[i].down && c[i].by_probe) list[k++] = c[i].name;
        struct status_new in = {
            buf_cstr(&nm), "investigating", "critical", list, k, buf_cstr(&body), 0, 0};
        enum status_rc rc = status_db_insert(db, &in, now, &incident, &uid);
        if (rc != STATUS_OK) return rc;
        if (!remember(db, incident)) return STATUS_ERROR;
    }
    for (int i = 0; i < n; i++) {
        if (!c[i].down || !c[i].by_probe) continue;
        if (status_db_link(db, incident, c[i].name) != STATUS_OK ||
            !status_db_change(db, c[i].id, c[i].state, "major_outage", STATUS_BY_PROBE, uid, now))
            return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* The components the prober moved come back: an update to its incident
 * (resolved when nothing it moved is still down), then the states. */
static enum status_rc come_back(struct status_db *db, struct comp *c, int n, int64_t incident,
                                bool still_down, int64_t now, struct arena *a)
{
    int64_t uid = 0;
    if (incident) {
        struct buf body;
        buf_init(&body, a);
        buf_adds(&body, "The automatic health check succeeds again since ");
        mk_when(&body, now);
        buf_adds(&body, still_down ? ". Operational again: " : ". Operational: ");
        names(&body, c, n, false, true);
        buf_adds(&body, ".");
        char st[32];
        const char *status = still_down ? incident_status(db, incident, st, sizeof st) : "resolved";
        if (!status_db_add_update(db, incident, status, buf_cstr(&body), now, &uid))
            return STATUS_ERROR;
        if (!still_down &&
            (status_db_stamp(db, incident, "incident", "resolved", now) != STATUS_OK ||
             !remember(db, 0)))
            return STATUS_ERROR;
    }
    for (int i = 0; i < n; i++)
        if (!c[i].down && c[i].by_probe &&
            !status_db_change(db, c[i].id, c[i].state, "operational", STATUS_BY_PROBE, uid, now))
            return STATUS_ERROR;
    return STATUS_OK;
}

/* The operator resolved the prober's incident while the outage lasts: the
 * states move, no incident is opened or updated. */
static enum status_rc states_only(struct status_db *db, struct comp *c, int n, int64_t now)
{
    for (int i = 0; i < n; i++)
        if (c[i].down && c[i].by_probe &&
            !status_db_change(db, c[i].id, c[i].state, "major_outage", STATUS_BY_PROBE, 0, now))
            return STATUS_ERROR;
    return STATUS_OK;
}

enum status_rc status_probe_apply(struct status_db *db, const char *const *down, int ndown,
                                  int failures, int64_t since_ms, int64_t now_ms)
{
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    struct comp c[MAX_COMPONENTS];
    int n = read_components(db, c, down, ndown);
    bool err = n < 0;
    int64_t incident = err ? 0 : open_incident(db, &err);
    if (err) return status_db_finish(db, STATUS_ERROR);
    /* who moves: taken (down, operational), back (up, major_outage by the
     * prober), held (down, still major_outage by the prober) */
    int taken = 0, back = 0, held = 0;
    for (int i = 0; i < n; i++) {
        bool mine = c[i].by_probe && !strcmp(c[i].state, "major_outage");
        bool take = c[i].down && !strcmp(c[i].state, "operational");
        taken += take;
        back += !c[i].down && mine;
        held += c[i].down && mine;
        /* by_probe from here on: "moves by the prober in this round" */
        c[i].by_probe = take || (!c[i].down && mine);
    }
    struct arena a;
    arena_init(&a);
    enum status_rc rc = STATUS_OK;
    if (taken && (incident || !held)) /* never a second incident for one outage */
        rc = go_down(db, c, n, incident, failures, since_ms, now_ms, &a);
    else if (taken)
        rc = states_only(db, c, n, now_ms);
    if (rc == STATUS_OK && back) rc = come_back(db, c, n, incident, held || taken, now_ms, &a);
    /* nothing down by its hand any more: the prober forgets its incident */
    if (rc == STATUS_OK && !taken && !held && !back && !ndown && !remember(db, 0))
        rc = STATUS_ERROR;
    arena_free(&a);
    return status_db_finish(db, rc);
}

/* ---------------------------------------------------------------- the thread */

static pthread_t thread;
static bool running;
static atomic_bool stopping;
static struct status_prober_config config;

struct probe_state {
    int fails;
    int64_t first_fail;
};

/* Every component's name, for the probes that stand for all of them. */
static int all_names(struct status_db *db, char (*out)[128])
{
    sqlite3_stmt *st = status_db_prep(db, "SELECT name FROM components ORDER BY position");
    if (!st) return 0;
    int n = 0;
    while (n < MAX_COMPONENTS && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out[n++], 128, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return n;
}

static void log_probe(const char *msg, int i, int fails)
{
    char extra[64];
    snprintf(extra, sizeof extra, "\"probe\":%d,\"failures\":%d", i + 1, fails);
    log_json(fails ? "warn" : "info", msg, extra);
}

static void round_once(struct status_db *db, struct probe_state *ps, char (*every)[128], int nevery)
{
    int timeout = config.interval_ms < 1000   ? 1000
                  : config.interval_ms > 5000 ? 5000
                                              : config.interval_ms;
    const char *down[MAX_COMPONENTS];
    int ndown = 0;
    int64_t since = 0;
    for (int i = 0; i < config.nprobes && !atomic_load(&stopping); i++) {
        const struct status_probe *p = &config.probes[i];
        bool ok = status_probe_once(p, timeout);
        if (ok && ps[i].fails >= config.failures) log_probe("status probe succeeds again", i, 0);
        if (ok) {
            ps[i].fails = 0;
            continue;
        }
        if (!ps[i].fails) ps[i].first_fail = time_now_ms();
        if (++ps[i].fails == config.failures) log_probe("status probe failing", i, ps[i].fails);
        if (ps[i].fails < config.failures) continue;
        if (!since || ps[i].first_fail < since) since = ps[i].first_fail;
        bool one = p->component[0] != 0;
        for (int k = 0; k < (one ? 1 : nevery) && ndown < MAX_COMPONENTS; k++)
            down[ndown++] = one ? p->component : every[k];
    }
    if (atomic_load(&stopping)) return;
    if (status_probe_apply(db, down, ndown, config.failures, since, time_now_ms()) != STATUS_OK)
        log_warn("status probe could not write the status database");
}

static void *run(void *arg)
{
    (void)arg;
    struct probe_state *ps = calloc((size_t)config.nprobes, sizeof *ps);
    static char every[MAX_COMPONENTS][128];
    int nevery = 0;
    struct status_db *db = NULL;
    while (ps && !atomic_load(&stopping)) {
        double t0 = time_mono_s();
        if (!db && status_db_open(config.db_path, true, &db) != STATUS_OK) db = NULL;
        if (db && !nevery) nevery = all_names(db, every);
        if (db) round_once(db, ps, every, nevery);
        while (!atomic_load(&stopping) && (time_mono_s() - t0) * 1000 < config.interval_ms) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    status_db_close(db);
    free(ps);
    return NULL;
}

bool status_prober_start(const struct status_prober_config *c)
{
    if (!c->nprobes) return true;
    config = *c;
    atomic_store(&stopping, false);
    /* SIGINT and SIGTERM are for the server's sigwait, never this thread */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    running = pthread_create(&thread, NULL, run, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return running;
}

void status_prober_stop(void)
{
    if (!running) return;
    atomic_store(&stopping, true);
    pthread_join(thread, NULL);
    running = false;
}
