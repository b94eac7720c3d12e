/* log: JSON lines on stderr, one write per line. */
#include "util/log.h"
#include "util/timefmt.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BATCH_BYTES (32 * 1024)

static pthread_mutex_t batch_lock = PTHREAD_MUTEX_INITIALIZER;
static char batch[BATCH_BYTES];
static size_t batch_len;
static double batch_first; /* when the oldest buffered line was added */

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0) return; /* a full or closed log must never take a request down */
        p += w;
        n -= (size_t)w;
    }
}

/* Called with batch_lock held. */
static void flush_locked(void)
{
    write_all(batch, batch_len);
    batch_len = 0;
}

void log_flush(void)
{
    pthread_mutex_lock(&batch_lock);
    if (batch_len) flush_locked();
    pthread_mutex_unlock(&batch_lock);
}

void log_write_line_batched(const char *line, size_t len)
{
    if (len + 1 > BATCH_BYTES) {
        log_flush();
        log_write_line(line, len);
        return;
    }
    double now = time_mono_s();
    pthread_mutex_lock(&batch_lock);
    if (batch_len + len + 1 > BATCH_BYTES || (batch_len && now - batch_first > 0.1)) flush_locked();
    if (!batch_len) batch_first = now;
    memcpy(batch + batch_len, line, len);
    batch[batch_len + len] = '\n';
    batch_len += len + 1;
    pthread_mutex_unlock(&batch_lock);
}

void log_write_line(const char *line, size_t len)
{
    log_flush(); /* keep the order of lines */
    char stackbuf[2048];
    if (len + 1 <= sizeof stackbuf) {
        memcpy(stackbuf, line, len);
        stackbuf[len] = '\n';
        ssize_t w = write(STDERR_FILENO, stackbuf, len + 1);
        (void)w; /* a full or closed log must never take a request down */
        return;
    }
    ssize_t w = write(STDERR_FILENO, line, len);
    w = write(STDERR_FILENO, "\n", 1);
    (void)w;
}

void log_json(const char *level, const char *msg, const char *extra)
{
    char ts[40], line[2048];
    time_format_rfc3339(time_now_ms(), ts, sizeof ts);
    int n = snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"%s%s}", ts,
                     level, msg, extra ? "," : "", extra ? extra : "");
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = (int)sizeof line - 1;
    log_write_line(line, (size_t)n);
}
