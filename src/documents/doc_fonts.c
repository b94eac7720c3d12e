/* doc_fonts: the TrueType faces documents print with, opened through
 * FreeType so cairo embeds them (a subset) in every PDF.
 *
 * Why each thread has faces of its own: cairo 1.16 keeps one process-wide
 * map of scaled fonts, keyed by font face and size. Threads drawing with the
 * same face therefore share scaled fonts, and cairo_scaled_font_destroy
 * drops a reference without the map's lock, then asserts the font is not in
 * use (cache_frozen): when one thread let go of a font's last reference while
 * another took it up again from the map and started drawing with it, the
 * assertion aborted the server under concurrent label requests. FreeType's
 * FT_Face is not safe to share between threads either.
 *
 * So doc_fonts itself holds only the font files' bytes, read once and then
 * only read. Each thread that draws opens its own FT_Library, FT_Face and
 * cairo font face from those bytes the first time it draws (thread-local,
 * through a pthread key whose destructor closes them when the thread ends),
 * so a scaled font is only ever looked up by the thread whose face it has.
 * Each thread also keeps a reference to every scaled font it has drawn with
 * (up to DF_PINS), so none of its fonts drops to no reference and back
 * while cairo's map is shared: cairo 1.16's lockless release cannot race.
 *
 * What this cannot change: cairo 1.16's glyph cache is one for the process.
 * Adding a glyph page takes the scaled font's mutex and then the cache's;
 * evicting a page when the cache is full takes the cache's and then the
 * evicted font's (later cairo uses a trylock there). Two threads drawing at
 * once can so deadlock (ThreadSanitizer reported the inversion when
 * tests/unit/test_document_threads.c drew from six threads). So a process
 * draws with one thread at a time, and the server, whose threads would draw
 * at once, does not draw at all: it hands each document to a pool of
 * drawing processes (draw_pool.c), each drawing with this file's faces on
 * its one thread. The per-thread faces stay, for the command line and the
 * tests, and cost a process nothing. */
#include "documents/doc_impl.h"
#include "util/xalloc.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DF_PINS 4096 /* scaled fonts a thread keeps (a label uses a few dozen) */

/* One font file, read into memory. */
struct df_file {
    unsigned char *bytes;
    size_t len;
};

struct doc_fonts {
    struct df_file file[2]; /* regular, bold */
    pthread_key_t key;      /* -> struct doc_thread_fonts */
    struct draw_pool *pool; /* where documents are drawn; NULL: here */
};

/* One thread's faces and the scaled fonts it keeps. */
struct doc_thread_fonts {
    cairo_font_face_t *face[2];
    cairo_scaled_font_t **pins; /* sorted by address */
    size_t n_pins;
};

/* Characters the face must have: Latin with accents, Polish, Greek, Cyrillic. */
static const unsigned long fonts_probe[] = {0xEB,  0xD3,  0x141,  0x105,  0x39F, 0x3BB,
                                            0x414, 0x439, 0x20AC, 0x2026, 0xA3};

static const cairo_user_data_key_t fonts_lib_key;

static void fonts_lib_free(void *lib)
{
    FT_Done_FreeType(lib); /* also closes the face */
}

/* Whether the face has a glyph for every probe character. */
static bool fonts_covers(FT_Face face)
{
    for (size_t i = 0; i < sizeof fonts_probe / sizeof *fonts_probe; i++)
        if (FT_Get_Char_Index(face, fonts_probe[i]) == 0) return false;
    return true;
}

/* A cairo face over the file's bytes, with its own FT_Library (released
 * with the face when cairo lets go of it); NULL if FreeType refuses it. */
static cairo_font_face_t *fonts_face(const struct df_file *file)
{
    FT_Library lib;
    FT_Face face;
    if (FT_Init_FreeType(&lib)) return NULL;
    if (FT_New_Memory_Face(lib, file->bytes, (FT_Long)file->len, 0, &face)) {
        FT_Done_FreeType(lib);
        return NULL;
    }
    cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_set_user_data(cf, &fonts_lib_key, lib, fonts_lib_free) !=
        CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cf);
        FT_Done_FreeType(lib);
        return NULL;
    }
    return cf;
}

/* Reads path into file and checks it is a face that covers the probe. */
static bool fonts_read(const char *path, struct df_file *file, char *err, size_t n)
{
    FILE *f = fopen(path, "rb");
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    if (len <= 0 || len > (64L << 20) || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, n, "%s: not a readable font (Debian package fonts-dejavu-core)", path);
        if (f) fclose(f);
        return false;
    }
    file->bytes = xmalloc((size_t)len);
    file->len = fread(file->bytes, 1, (size_t)len, f);
    fclose(f);
    FT_Library lib;
    FT_Face face;
    bool ok = false;
    if (FT_Init_FreeType(&lib)) {
        snprintf(err, n, "FreeType would not start");
    } else {
        if (file->len != (size_t)len ||
            FT_New_Memory_Face(lib, file->bytes, (FT_Long)file->len, 0, &face))
            snprintf(err, n, "%s: not a readable font (Debian package fonts-dejavu-core)", path);
        else if (!fonts_covers(face))
            snprintf(err, n, "%s lacks Latin, Greek or Cyrillic characters", path);
        else
            ok = true;
        FT_Done_FreeType(lib);
    }
    if (!ok) free(file->bytes);
    return ok;
}

/* cairo's PDF surface embeds a face through a scaled font of its own, at
 * unit size with hinting off (cairo-scaled-font-subsets.c), which it creates
 * and releases in every document: kept too, for the same reason. */
static void fonts_pin_subset_font(struct doc_thread_fonts *t, cairo_font_face_t *face)
{
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_matrix_t unit;
    cairo_matrix_init_identity(&unit);
    cairo_scaled_font_t *sf = cairo_scaled_font_create(face, &unit, &unit, o);
    doc_thread_pin(t, sf);
    cairo_scaled_font_destroy(sf);
    cairo_font_options_destroy(o);
}

static void thread_fonts_free(void *p)
{
    struct doc_thread_fonts *t = p;
    if (!t) return;
    for (size_t i = 0; i < t->n_pins; i++)
        cairo_scaled_font_destroy(t->pins[i]);
    free(t->pins);
    cairo_font_face_destroy(t->face[0]);
    cairo_font_face_destroy(t->face[1]);
    free(t);
}

struct doc_fonts *doc_fonts_load(const char *regular, const char *bold, char *err, size_t n)
{
    struct doc_fonts *f = xmalloc(sizeof *f);
    memset(f, 0, sizeof *f);
    if (!fonts_read(regular ? regular : DOC_FONT_REGULAR, &f->file[0], err, n)) {
        free(f);
        return NULL;
    }
    if (!fonts_read(bold ? bold : DOC_FONT_BOLD, &f->file[1], err, n)) {
        free(f->file[0].bytes);
        free(f);
        return NULL;
    }
    if (pthread_key_create(&f->key, thread_fonts_free) != 0) {
        snprintf(err, n, "no thread-local storage for the fonts");
        free(f->file[0].bytes);
        free(f->file[1].bytes);
        free(f);
        return NULL;
    }
    return f;
}

void doc_fonts_free(struct doc_fonts *f)
{
    if (!f) return;
    /* The calling thread's faces (the main thread's destructor never runs);
     * every other thread that drew has ended, its destructor has run. */
    thread_fonts_free(pthread_getspecific(f->key));
    pthread_setspecific(f->key, NULL);
    pthread_key_delete(f->key);
    free(f->file[0].bytes);
    free(f->file[1].bytes);
    free(f);
}

struct doc_thread_fonts *doc_thread_fonts(const struct doc_fonts *f)
{
    struct doc_thread_fonts *t = pthread_getspecific(f->key);
    if (t) return t;
    t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->face[0] = fonts_face(&f->file[0]);
    t->face[1] = fonts_face(&f->file[1]);
    if (!t->face[0] || !t->face[1] || pthread_setspecific(f->key, t) != 0) {
        thread_fonts_free(t); /* doc_begin fails the document */
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        fonts_pin_subset_font(t, t->face[i]);
    return t;
}

cairo_font_face_t *doc_thread_face(const struct doc_thread_fonts *t, bool bold)
{
    return t->face[bold ? 1 : 0];
}

void doc_thread_pin(struct doc_thread_fonts *t, cairo_scaled_font_t *sf)
{
    if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) return;
    size_t lo = 0, hi = t->n_pins;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->pins[mid] == sf) return;
        if ((uintptr_t)t->pins[mid] < (uintptr_t)sf)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (t->n_pins == DF_PINS) return;
    if (!t->pins) t->pins = xmalloc(DF_PINS * sizeof *t->pins);
    memmove(t->pins + lo + 1, t->pins + lo, (t->n_pins - lo) * sizeof *t->pins);
    t->pins[lo] = cairo_scaled_font_reference(sf);
    t->n_pins++;
}

struct draw_pool *doc_fonts_pool(const struct doc_fonts *f)
{
    return f->pool;
}

void doc_fonts_set_pool(struct doc_fonts *f, struct draw_pool *p)
{
    f->pool = p;
}
