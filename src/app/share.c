/* share: what the program reads from share/ and the system at start-up (the
 * tariff, the label fonts), loaded once by the composition root and handed
 * to the server read-only, so no lower layer opens a file of its own. */
#include "app/share.h"
#include "documents/document.h"
#include "documents/draw_pool.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

/* share/tariff.tsv is some 17 kB; a tariff file a thousand times that is a
 * mistake (or /dev/zero), refused before it fills the memory. */
#define TARIFF_FILE_MAX (16u << 20)

const char *app_share_dir(void)
{
    static char dir[4096]; /* written once, before any thread starts */
    const char *env = getenv("POSTROOM_SHARE");
    if (env && *env) return env;
    char exe[4000];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(dir, sizeof dir, "%s/../share", exe);
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/%s", dir, TARIFF_FILE);
            if (access(probe, R_OK) == 0) return dir;
        }
    }
    return "share";
}

/* Reads the whole file at path into *text (its size in *len); false with a
 * message naming the path. */
static bool read_file(const char *path, char **text, size_t *len, struct tariff_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err->message, sizeof err->message, "%s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap || cap == TARIFF_FILE_MAX) break;
        cap *= 2;
        buf = xrealloc(buf, cap);
    }
    const char *why = ferror(fp) ? "read error" : n == cap && fgetc(fp) != EOF ? "too large" : NULL;
    fclose(fp);
    if (why) {
        snprintf(err->message, sizeof err->message, "%s: %s", path, why);
        free(buf);
        return false;
    }
    *text = buf;
    *len = n;
    return true;
}

bool tariff_load(const char *path, struct tariff **out, struct tariff_error *err)
{
    memset(err, 0, sizeof *err);
    char *text;
    size_t len;
    if (!read_file(path, &text, &len, err)) return false;
    bool ok = tariff_parse_named(path, text, len, out, err);
    free(text);
    return ok;
}

struct tariff *app_load_tariff(const char *share_dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", share_dir ? share_dir : app_share_dir(), TARIFF_FILE);
    struct tariff *t = NULL;
    struct tariff_error err;
    if (!tariff_load(path, &t, &err)) {
        fprintf(stderr, "postroom: cannot load the tariff: %s\n", err.message);
        return NULL;
    }
    return t;
}

bool app_load_share(struct server_config *c)
{
    struct tariff *tariff = app_load_tariff(c->share_dir);
    if (!tariff) return false;
    char err[256];
    struct doc_fonts *fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "postroom: cannot load the label fonts: %s\n", err);
        tariff_free(tariff);
        return false;
    }
    c->tariff = tariff;
    c->fonts = fonts;
    return true;
}

/* The server's drawing processes (documents/draw_pool.h): one pool per
 * process, started once the fonts are loaded and stopped before they go. */
static struct draw_pool *app_pool;

bool app_start_draw_pool(struct server_config *c, int workers)
{
    char err[256];
    struct draw_pool_config pc = {.workers = workers};
    app_pool = draw_pool_start((struct doc_fonts *)c->fonts, &pc, err, sizeof err);
    if (!app_pool) fprintf(stderr, "postroom: cannot start the drawing processes: %s\n", err);
    return app_pool != NULL;
}

void app_free_share(struct server_config *c)
{
    draw_pool_stop(app_pool);
    app_pool = NULL;
    doc_fonts_free((struct doc_fonts *)c->fonts);
    tariff_free((struct tariff *)c->tariff);
    c->tariff = NULL;
    c->fonts = NULL;
}
