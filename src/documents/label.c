/* label: postage labels and returns labels, each drawn in one label-sized
 * place (288 x 432 pt): the service band, the sender and a Data Matrix of
 * the item's key data, the recipient in large type, the tracking number as
 * Code 128 and as text, and the reference and return address. */
#include "documents/doc_impl.h"

#include <stdio.h>
#include <string.h>

#define L_M DOC_MARGIN               /* margin */
#define L_IN (DOC_LABEL_W - 2 * L_M) /* inner width */
#define L_SEP1 60.0                  /* under the service band */
#define L_SEP2 131.0                 /* under the sender */
#define L_SEP3 302.0                 /* under the recipient */
#define L_SEP4 386.0                 /* under the tracking number */
#define L_DM 64.0                    /* Data Matrix box, quiet zone included */

/* What one label shows. A returns label is the postage label's mirror: the
 * customer sends to the business's return address. */
struct label_view {
    const struct doc_shipment *s;
    const char *service_code, *service_name, *tracking;
    const char *from_heading;
    const struct doc_address *from;
    struct doc_address to;
    bool returns;
};

/* Keeps A-Z and 0-9 of s (lower case raised), for the key data. */
static void key_part(char *out, size_t n, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 1 < n; s++) {
        char c = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out[o++] = c;
    }
    out[o] = 0;
}

void doc_key_data(char *out, size_t n, const char *tracking, const char *service,
                  const char *postcode, int weight_grams)
{
    char tn[48], svc[24], pc[24];
    key_part(tn, sizeof tn, tracking);
    key_part(svc, sizeof svc, service);
    key_part(pc, sizeof pc, postcode);
    snprintf(out, n, "TN=%s;SVC=%s;PC=%s;WG=%d", tn, svc, pc, weight_grams);
}

/* The service code reversed out of a black box, then the service's name,
 * the format and the weight. */
static void label_band(struct doc *d, const struct label_view *v)
{
    char line[96], kg[32];
    pd_fill(d, L_M, L_M, 104, 44, 0);
    cairo_set_source_rgb(d->cr, 1, 1, 1);
    double mid = L_M + (v->returns ? 27 : 22);
    if (v->returns) {
        pd_font(d, true, 7.5);
        pd_text_center(d, L_M + 52, L_M + 11, "RETURNS");
    }
    double size = pd_fit_size(d, true, v->returns ? 19 : 22, 9, 94, pd_s(v->service_code));
    pd_text_center(d, L_M + 52, mid + size * 0.36, pd_s(v->service_code));
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    double x = L_M + 112, w = L_IN - 112, y = L_M + 9;
    pd_font(d, true, 9.5);
    y += 11 * pd_text_wrap(d, x, y, w, 11, 2, pd_s(v->service_name));
    if (!pd_has(v->s->format) && !v->s->weight_grams) return; /* a return made on its own */
    pd_weight(kg, sizeof kg, v->s->weight_grams);
    snprintf(line, sizeof line, "%s \xC2\xB7 %s", pd_format_name(v->s->format), kg);
    pd_font(d, false, 8.5);
    pd_text_fit(d, x, y + 1, w, line);
}

/* The address's lines in the small sender style: street, town, country. */
static int label_small_lines(const struct doc_address *a, char lines[4][256])
{
    int n = 0;
    if (pd_has(a->line1) || pd_has(a->line2)) {
        snprintf(lines[n++], 256, "%s%s%s", pd_s(a->line1),
                 pd_has(a->line1) && pd_has(a->line2) ? ", " : "", pd_s(a->line2));
    }
    if (pd_has(a->line3)) snprintf(lines[n++], 256, "%s", a->line3);
    snprintf(lines[n++], 256, "%s%s%s", pd_s(a->city), pd_has(a->city) ? " " : "",
             pd_s(a->postcode));
    if (pd_has(pd_country(a))) snprintf(lines[n++], 256, "%s", pd_country(a));
    return n;
}

/* FROM: heading and address in small type, beside the Data Matrix. */
static void label_from(struct doc *d, const struct label_view *v)
{
    char lines[4][256], key[160];
    double w = L_IN - L_DM - 8;
    pd_font(d, true, 6.5);
    pd_text(d, L_M, L_SEP1 + 10, "FROM");
    pd_font(d, true, 8.5);
    pd_text_fit(d, L_M, L_SEP1 + 21, w, pd_s(v->from_heading));
    pd_font(d, false, 7.5);
    int n = label_small_lines(v->from, lines);
    for (int i = 0; i < n; i++)
        pd_text_fit(d, L_M, L_SEP1 + 31 + i * 9, w, lines[i]);
    if (pd_has(v->from->phone) && n < 4) {
        snprintf(lines[0], 256, "Tel %s", v->from->phone);
        pd_text_fit(d, L_M, L_SEP1 + 31 + n * 9, w, lines[0]);
    }
    doc_key_data(key, sizeof key, v->tracking, v->service_code, v->to.postcode, v->s->weight_grams);
    pd_datamatrix(d, key, DOC_LABEL_W - L_M - L_DM + 2, L_SEP1 + 3, L_DM);
}

struct label_line {
    const char *text;
    bool bold;
    double size;
};

/* The recipient's lines, largest first to smallest, empty ones left out. */
static int label_to_lines(const struct doc_address *a, struct label_line out[10], char *tel)
{
    struct label_line all[10] = {
        {a->name, true, 15},       {pd_same(a->company, a->name) ? NULL : a->company, false, 12},
        {a->line1, false, 12},     {a->line2, false, 12},
        {a->line3, false, 12},     {a->city, false, 12},
        {a->county, false, 11},    {a->postcode, true, 18},
        {pd_country(a), true, 12}, {tel, false, 8}};
    int n = 0;
    for (int i = 0; i < 10; i++)
        if (pd_has(all[i].text)) out[n++] = all[i];
    return n;
}

/* DELIVER TO: the recipient, scaled down together if the lines would not
 * fit the block, each line shrunk or cut to the width. */
static void label_to(struct doc *d, const struct label_view *v)
{
    struct label_line lines[10];
    char tel[64] = "";
    if (pd_has(v->to.phone)) snprintf(tel, sizeof tel, "Tel %s", v->to.phone);
    int n = label_to_lines(&v->to, lines, tel);
    double top = L_SEP2 + 19, room = L_SEP3 - 4 - top, total = 0;
    for (int i = 0; i < n; i++)
        total += lines[i].size * 1.2;
    double k = total > room ? room / total : 1;
    pd_font(d, true, 7);
    pd_text(d, L_M, L_SEP2 + 11, "DELIVER TO");
    double y = top;
    for (int i = 0; i < n; i++) {
        double size = lines[i].size * k;
        pd_fit_size(d, lines[i].bold, size, size * 0.55, L_IN, lines[i].text);
        pd_text_fit(d, L_M, y + size * 0.93, L_IN, lines[i].text);
        y += size * 1.2;
    }
}

/* The tracking number as Code 128 over the same number in text. */
static void label_tracking(struct doc *d, const struct label_view *v)
{
    if (!pd_code128(d, v->tracking, L_M, L_SEP3 + 8, L_IN, 52)) return;
    pd_font(d, true, 12.5);
    pd_text_center(d, DOC_LABEL_W / 2, L_SEP4 - 8, v->tracking);
}

/* Order number and reference, and where an undeliverable item goes back. */
static void label_footer(struct doc *d, const struct label_view *v)
{
    char line[512], addr[400];
    const struct doc_shipment *s = v->s;
    const char *ref = pd_has(s->order_reference) ? "  \xC2\xB7  Ref " : "";
    if (s->order_id)
        snprintf(line, sizeof line, "%s %lld%s%s", v->returns ? "Returns label for order" : "Order",
                 (long long)s->order_id, ref, pd_s(s->order_reference));
    else /* a return made on its own (POST /returns) may name no order */
        snprintf(line, sizeof line, "Returns label%s%s", ref, pd_s(s->order_reference));
    pd_font(d, true, 7.5);
    pd_text_fit(d, L_M, L_SEP4 + 11, L_IN, line);
    if (v->returns) {
        pd_font(d, false, 6.5);
        pd_text_wrap(d, L_M, L_SEP4 + 21, L_IN, 8, 2,
                     "Attach this label to the parcel over any old label, then hand it in at a "
                     "Post Office or put it in a parcel postbox.");
        return;
    }
    struct doc_address r = pd_has(s->return_address.line1) ? s->return_address : s->sender;
    if (pd_same(r.name, s->trading_name)) r.name = NULL;
    if (pd_same(r.company, s->trading_name)) r.company = NULL;
    pd_address_line(addr, sizeof addr, &r);
    snprintf(line, sizeof line, "If undelivered please return to: %s%s%s", pd_s(s->trading_name),
             pd_has(s->trading_name) ? ", " : "", addr);
    pd_font(d, false, 6.5);
    pd_text_wrap(d, L_M, L_SEP4 + 21, L_IN, 8, 2, line);
}

static void label_draw(struct doc *d, const struct label_view *v)
{
    doc_cell_begin(d);
    pd_rect(d, 4, 4, DOC_LABEL_W - 8, DOC_LABEL_H - 8, 1);
    pd_line(d, 4, L_SEP1, DOC_LABEL_W - 4, L_SEP1, 0.8);
    pd_line(d, 4, L_SEP2, DOC_LABEL_W - 4, L_SEP2, 0.8);
    pd_line(d, 4, L_SEP3, DOC_LABEL_W - 4, L_SEP3, 0.8);
    pd_line(d, 4, L_SEP4, DOC_LABEL_W - 4, L_SEP4, 0.8);
    label_band(d, v);
    label_from(d, v);
    label_to(d, v);
    label_tracking(d, v);
    label_footer(d, v);
    doc_cell_end(d);
}

void doc_add_label(struct doc *d, const struct doc_shipment *s)
{
    if (doc_job_label(d, s)) return; /* drawn in a worker process */
    if (!doc_admit(d, s->tenant_id)) return;
    if (!pd_tracking_ok(s->tracking_number)) {
        doc_fail(d, DOC_ERR_INPUT, "a label needs a tracking number of printable ASCII");
        return;
    }
    struct label_view v = {s,
                           s->service_code,
                           s->service_name,
                           s->tracking_number,
                           s->trading_name,
                           &s->sender,
                           s->recipient,
                           false};
    label_draw(d, &v);
}

void doc_add_returns_label(struct doc *d, const struct doc_shipment *s)
{
    if (doc_job_returns_label(d, s)) return; /* drawn in a worker process */
    if (!doc_admit(d, s->tenant_id)) return;
    if (!pd_tracking_ok(s->returns_tracking_number)) {
        doc_fail(d, DOC_ERR_INPUT, "a returns label needs its own tracking number");
        return;
    }
    struct label_view v = {s,
                           s->returns_service_code,
                           s->returns_service_name,
                           s->returns_tracking_number,
                           s->recipient.name,
                           &s->recipient,
                           pd_has(s->return_address.line1) ? s->return_address : s->sender,
                           true};
    if (!pd_has(v.to.company)) v.to.company = s->trading_name;
    label_draw(d, &v);
}
