/* log: JSON lines on stderr, one write per line. */
#include "util/log.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void log_write_line(const char *line, size_t len)
{
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
