/* doc_fonts: the TrueType faces documents print with, opened through
 * FreeType so cairo embeds them (a subset) in every PDF. Each face has its
 * own FT_Library, released with the face when cairo lets go of it. */
#include "documents/doc_impl.h"
#include "util/xalloc.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdio.h>
#include <stdlib.h>

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

static cairo_font_face_t *fonts_open(const char *path, char *err, size_t n)
{
    FT_Library lib;
    FT_Face face;
    if (FT_Init_FreeType(&lib)) {
        snprintf(err, n, "FreeType would not start");
        return NULL;
    }
    if (FT_New_Face(lib, path, 0, &face)) {
        snprintf(err, n, "%s: not a readable font (Debian package fonts-dejavu-core)", path);
        FT_Done_FreeType(lib);
        return NULL;
    }
    if (!fonts_covers(face)) {
        snprintf(err, n, "%s lacks Latin, Greek or Cyrillic characters", path);
        FT_Done_FreeType(lib);
        return NULL;
    }
    cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_set_user_data(cf, &fonts_lib_key, lib, fonts_lib_free) !=
        CAIRO_STATUS_SUCCESS) {
        snprintf(err, n, "cairo would not take %s", path);
        cairo_font_face_destroy(cf);
        FT_Done_FreeType(lib);
        return NULL;
    }
    return cf;
}

struct doc_fonts *doc_fonts_load(const char *regular, const char *bold, char *err, size_t n)
{
    cairo_font_face_t *r = fonts_open(regular ? regular : DOC_FONT_REGULAR, err, n);
    if (!r) return NULL;
    cairo_font_face_t *b = fonts_open(bold ? bold : DOC_FONT_BOLD, err, n);
    if (!b) {
        cairo_font_face_destroy(r);
        return NULL;
    }
    struct doc_fonts *f = xmalloc(sizeof *f);
    f->regular = r;
    f->bold = b;
    return f;
}

void doc_fonts_free(struct doc_fonts *f)
{
    if (!f) return;
    cairo_font_face_destroy(f->regular);
    cairo_font_face_destroy(f->bold);
    free(f);
}
