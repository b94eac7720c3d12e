/* pdfdraw: the drawing helpers documents are made of: cleaned text that
 * fits its box, lines and boxes, and the small formatters for weights,
 * money, dates and addresses. */
#include "domain/package_format.h"
#include "documents/doc_impl.h"
#include "util/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PD_TEXT_MAX 1024
#define PD_ELLIPSIS "\xE2\x80\xA6"

/* Copies s into out as valid UTF-8: invalid bytes become U+FFFD, C0 and C1
 * control characters spaces; cut (at a character) to fit PD_TEXT_MAX. */
static const char *pd_clean(char out[PD_TEXT_MAX], const char *s)
{
    size_t o = 0, len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len && o + 4 < PD_TEXT_MAX;) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t k = p[0] < 0x80 ? 1 : utf8_sequence(p, len - i);
        if (k == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else if ((k == 1 && (p[0] < 0x20 || p[0] == 0x7f)) ||
                   (k == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
            out[o++] = ' ';
            i += k;
        } else {
            memcpy(out + o, p, k);
            o += k;
            i += k;
        }
    }
    out[o] = 0;
    return out;
}

/* Type sizes are whole 1/16 pt (0.02 mm), rounded down so fitted text still
 * fits: text fitted to its box comes in any size, and each size is a scaled
 * font the drawing thread keeps (doc_thread_pin), so this bounds them (a few
 * hundred sizes from 4 to 24 pt, for each face and page scale). */
#define PD_SIZE_STEPS 16.0

void pd_font(struct doc *d, bool bold, double size)
{
    if (!d->fonts) return; /* the document has failed (doc_begin) */
    cairo_set_font_face(d->cr, doc_thread_face(d->fonts, bold));
    cairo_set_font_size(d->cr, floor(size * PD_SIZE_STEPS) / PD_SIZE_STEPS);
    doc_thread_pin(d->fonts, cairo_get_scaled_font(d->cr));
}

/* Width of text already clean. */
static double pd_width_clean(struct doc *d, const char *clean)
{
    cairo_text_extents_t e;
    cairo_text_extents(d->cr, clean, &e);
    return e.x_advance;
}

double pd_width(struct doc *d, const char *s)
{
    char buf[PD_TEXT_MAX];
    return pd_width_clean(d, pd_clean(buf, s));
}

static void pd_show(struct doc *d, double x, double y, const char *clean)
{
    cairo_move_to(d->cr, x, y);
    cairo_show_text(d->cr, clean);
}

void pd_text(struct doc *d, double x, double y, const char *s)
{
    char buf[PD_TEXT_MAX];
    pd_show(d, x, y, pd_clean(buf, s));
}

void pd_text_right(struct doc *d, double x, double y, const char *s)
{
    char buf[PD_TEXT_MAX];
    pd_clean(buf, s);
    pd_show(d, x - pd_width_clean(d, buf), y, buf);
}

void pd_text_center(struct doc *d, double x, double y, const char *s)
{
    char buf[PD_TEXT_MAX];
    pd_clean(buf, s);
    pd_show(d, x - pd_width_clean(d, buf) / 2, y, buf);
}

/* Writes the first `len` bytes of clean text, without trailing spaces, and
 * an ellipsis into out. */
static void pd_cut(char *out, const char *clean, size_t len)
{
    while (len && clean[len - 1] == ' ')
        len--;
    memcpy(out, clean, len);
    memcpy(out + len, PD_ELLIPSIS, sizeof PD_ELLIPSIS);
}

/* The longest prefix of clean (ending at a character boundary) that fits w
 * with an ellipsis after it, by bisection over the boundaries. */
static size_t pd_fit_prefix(struct doc *d, const char *clean, double w)
{
    char tmp[PD_TEXT_MAX + 4];
    size_t cut[PD_TEXT_MAX], n = 0;
    for (size_t i = 0; clean[i]; i++)
        if ((clean[i] & 0xC0) != 0x80) cut[n++] = i;
    if (n == 0) return 0;
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        pd_cut(tmp, clean, cut[mid]);
        if (pd_width_clean(d, tmp) <= w)
            lo = mid;
        else
            hi = mid - 1;
    }
    return cut[lo];
}

void pd_text_fit(struct doc *d, double x, double y, double w, const char *s)
{
    char buf[PD_TEXT_MAX], tmp[PD_TEXT_MAX + 4];
    pd_clean(buf, s);
    if (pd_width_clean(d, buf) <= w) {
        pd_show(d, x, y, buf);
        return;
    }
    pd_cut(tmp, buf, pd_fit_prefix(d, buf, w));
    pd_show(d, x, y, tmp);
}

/* Text width is proportional to the size (no hinting in PDF), so one
 * measurement gives the size that fits. */
double pd_fit_size(struct doc *d, bool bold, double size, double min, double w, const char *s)
{
    pd_font(d, bold, size);
    double width = pd_width(d, s);
    if (width <= w) return size;
    double fit = size * w / width * 0.999;
    fit = fit < min ? min : fit;
    pd_font(d, bold, fit);
    return fit;
}

/* The end of the longest run of whole words from p that fits w (at least
 * one word, which pd_text_fit will cut if it alone is too wide). */
static const char *pd_wrap_end(struct doc *d, const char *p, double w)
{
    char line[PD_TEXT_MAX];
    const char *end = NULL, *q = p;
    for (;;) {
        const char *e = strchr(q, ' ');
        e = e ? e : q + strlen(q);
        memcpy(line, p, (size_t)(e - p));
        line[e - p] = 0;
        if (end && pd_width_clean(d, line) > w) return end;
        end = e;
        if (!*e || pd_width_clean(d, line) > w) return end;
        q = e + 1;
    }
}

int pd_text_wrap(struct doc *d, double x, double y, double w, double leading, int max_lines,
                 const char *s)
{
    char buf[PD_TEXT_MAX], line[PD_TEXT_MAX];
    const char *p = pd_clean(buf, s);
    int lines = 0;
    while (lines < max_lines) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        if (lines == max_lines - 1) {
            pd_text_fit(d, x, y + lines * leading, w, p);
            return lines + 1;
        }
        const char *end = pd_wrap_end(d, p, w);
        memcpy(line, p, (size_t)(end - p));
        line[end - p] = 0;
        pd_text_fit(d, x, y + lines * leading, w, line);
        lines++;
        p = end;
    }
    return lines;
}

void pd_line(struct doc *d, double x1, double y1, double x2, double y2, double width)
{
    cairo_set_line_width(d->cr, width);
    cairo_move_to(d->cr, x1, y1);
    cairo_line_to(d->cr, x2, y2);
    cairo_stroke(d->cr);
}

void pd_rect(struct doc *d, double x, double y, double w, double h, double width)
{
    cairo_set_line_width(d->cr, width);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_stroke(d->cr);
}

void pd_fill(struct doc *d, double x, double y, double w, double h, double gray)
{
    cairo_set_source_rgb(d->cr, gray, gray, gray);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_fill(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

void pd_checkbox(struct doc *d, double x, double y, double size, bool checked)
{
    pd_rect(d, x, y, size, size, 0.7);
    if (!checked) return;
    double m = size * 0.2;
    pd_line(d, x + m, y + m, x + size - m, y + size - m, 1.2);
    pd_line(d, x + size - m, y + m, x + m, y + size - m, 1.2);
}

bool pd_tracking_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > 40) return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] < 0x21 || t[i] > 0x7e) return false;
    return true;
}

const char *pd_s(const char *s)
{
    return s ? s : "";
}

bool pd_has(const char *s)
{
    return s && *s;
}

bool pd_same(const char *a, const char *b)
{
    return pd_has(a) && pd_has(b) && strcmp(a, b) == 0;
}

void pd_kg(char *out, size_t n, int64_t grams)
{
    if (grams < 0) grams = 0;
    snprintf(out, n, "%" PRId64 ".%03" PRId64, grams / 1000, grams % 1000);
}

void pd_weight(char *out, size_t n, int64_t grams)
{
    if (grams < 0) grams = 0;
    snprintf(out, n, "%" PRId64 ".%03" PRId64 " kg", grams / 1000, grams % 1000);
}

void pd_money(char *out, size_t n, int64_t pence)
{
    const char *sign = pence < 0 ? "-" : "";
    int64_t v = pence < 0 ? -pence : pence;
    snprintf(out, n, "%s%" PRId64 ".%02" PRId64, sign, v / 100, v % 100);
}

void pd_date(char *out, size_t n, int64_t ms, bool with_time)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (with_time)
        snprintf(out, n, "%d %s %d %02d:%02d UTC", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min);
    else
        snprintf(out, n, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

const char *pd_format_name(const char *format)
{
    return format ? package_format_words(format) : pd_s(format);
}

const char *pd_country(const struct doc_address *a)
{
    if (pd_has(a->country)) return a->country;
    if (!pd_has(a->country_code) || strcmp(a->country_code, "GB") == 0) return "";
    return a->country_code;
}

/* Appends part to out (n bytes) after a ", " when out is not empty. */
static void pd_join(char *out, size_t n, const char *part)
{
    size_t len = strlen(out);
    if (!pd_has(part) || len + 3 >= n) return;
    snprintf(out + len, n - len, "%s%s", len ? ", " : "", part);
}

void pd_address_line(char *out, size_t n, const struct doc_address *a)
{
    out[0] = 0;
    const char *company = pd_same(a->company, a->name) ? NULL : a->company;
    const char *parts[] = {a->name, company,   a->line1,    a->line2,     a->line3,
                           a->city, a->county, a->postcode, pd_country(a)};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        pd_join(out, n, parts[i]);
}
