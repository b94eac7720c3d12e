/* Unit tests of src/domain/document: every document kind is rendered to a
 * PDF in a temporary directory and checked with independent tools:
 * qpdf --check (structure), pdffonts (fonts embedded), pdftotext (names
 * exactly as written, tracking numbers), pdftoppm -r 300 then zbarimg
 * (Code 128 = tracking number) and dmtxread -N1 (Data Matrix = key data).
 * A missing tool fails the test with the Debian package to install. Also:
 * the tenant wall, bad input, hostile strings and the customs rules. */
#include "check.h"
#include "documents/document.h"
#include "documents/draw_pool.h"
#include "domain/s10.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];
static struct doc_fonts *fonts;

#define TENANT 7

/* ---- running the tools ---- */

static bool tools_present(void)
{
    static const char *const tools[][2] = {{"qpdf", "qpdf"},
                                           {"pdftotext", "poppler-utils"},
                                           {"pdftoppm", "poppler-utils"},
                                           {"pdffonts", "poppler-utils"},
                                           {"zbarimg", "zbar-tools"},
                                           {"dmtxread", "dmtx-utils"}};
    bool ok = true;
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tools[i][0]);
        if (system(cmd) == 0) continue;
        fprintf(stderr, "test_document: %s is missing: install the Debian package %s\n",
                tools[i][0], tools[i][1]);
        CHECK(0);
        ok = false;
    }
    return ok;
}

/* Runs cmd and returns its standard output (malloc'd, NUL-terminated). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!p || !out) abort();
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap) out = realloc(out, cap *= 2);
        if (!out) abort();
    }
    out[len] = 0;
    pclose(p);
    return out;
}

/* Drops trailing white space in place. */
static char *trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = 0;
    return s;
}

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void save(const char *name, const struct buf *b)
{
    char path[256];
    path_of(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->len, f) != b->len) abort();
    fclose(f);
}

/* qpdf --check passes and every font is embedded with a Unicode map. */
static void check_pdf(const char *name)
{
    char path[256], cmd[512];
    path_of(path, sizeof path, name);
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null 2>&1", path);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "  qpdf --check failed on %s\n", path);
    CHECK(rc == 0);
    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    char *out = run(cmd), *save_line = NULL;
    CHECK(strstr(out, "DejaVuSans") != NULL);
    int fonts_seen = 0, line_no = 0;
    for (char *line = strtok_r(out, "\n", &save_line); line;
         line = strtok_r(NULL, "\n", &save_line)) {
        if (line_no++ < 2) continue; /* header and rule */
        char *tok[16];
        int n = 0;
        for (char *s2 = NULL, *t = strtok_r(line, " ", &s2); t && n < 16;
             t = strtok_r(NULL, " ", &s2))
            tok[n++] = t;
        fonts_seen++;
        CHECK(n >= 7 && strcmp(tok[n - 5], "yes") == 0 && strcmp(tok[n - 3], "yes") == 0);
    }
    CHECK(fonts_seen >= 1);
    free(out);
}

/* The PDF's text holds every string of want (NULL-terminated) exactly. */
static void check_text(const char *name, const char *const *want)
{
    char path[256], cmd[512];
    path_of(path, sizeof path, name);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
    char *text = run(cmd);
    for (size_t i = 0; want[i]; i++) {
        if (strstr(text, want[i])) {
            check_passed++;
            continue;
        }
        fprintf(stderr, "  %s: text lacks '%s'\n", name, want[i]);
        check_failed++;
    }
    free(text);
}

/* Renders one page at 300 dpi (a quarter of it when quadrant >= 0, for A4
 * sheets of four labels) to a PNG; writes its path into png. */
static void render(const char *name, int page, int quadrant, char *png, size_t n)
{
    char path[256], crop[96] = "", cmd[768];
    path_of(path, sizeof path, name);
    if (quadrant >= 0) /* A4 at 300 dpi is 2480 x 3508 pixels */
        snprintf(crop, sizeof crop, "-x %d -y %d -W 1240 -H 1754", (quadrant % 2) * 1240,
                 (quadrant / 2) * 1754);
    snprintf(png, n, "%s/%s-p%d-q%d", dir, name, page, quadrant);
    snprintf(cmd, sizeof cmd, "pdftoppm -r 300 -png -singlefile -f %d -l %d %s '%s' '%s'", page,
             page, crop, path, png);
    CHECK(system(cmd) == 0);
    strcat(png, ".png");
}

/* zbarimg reads exactly one Code 128 on the image, equal to want. */
static void check_code128(const char *png, const char *want)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q -Sdisable -Scode128.enable '%s' 2>/dev/null", png);
    char *got = run(cmd);
    if (strcmp(trim(got), want) != 0) fprintf(stderr, "  %s: zbarimg\n", png);
    CHECK_STR(got, want);
    free(got);
}

/* dmtxread -N1 reads the image's Data Matrix as want (giving up after 30 s). */
static void check_datamatrix(const char *png, const char *want)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "dmtxread -N1 -m 30000 '%s' 2>/dev/null", png);
    char *got = run(cmd);
    if (strcmp(trim(got), want) != 0) fprintf(stderr, "  %s: dmtxread\n", png);
    CHECK_STR(got, want);
    free(got);
}

/* ---- the shipments ---- */

static const struct doc_item items_zoe[] = {
    {"Merino wool jumper, navy, size M", "JMP-NAVY-M", "611011", "GB", 1, 8950, 420},
    {"Cotton T-shirt, white", "TS-WHT-L", "610910", "PT", 2, 1500, 180}};
static const struct doc_item items_lukasz[] = {
    {"Tweed flat cap", "CAP-TWD", "650500", "GB", 1, 3500, 150},
    {"Lambswool scarf", "SCF-LMB", "611710", "GB", 2, 2250, 120}};
static const struct doc_item items_olympia[] = {
    {"Cashmere coat, charcoal", "COAT-CSH", "620231", "GB", 1, 42000, 1400},
    {"Silk scarf", "SCF-SLK", "621410", "IT", 1, 6500, 40}};
static struct doc_item items_dmitry[40];

struct who {
    const char *name, *line1, *city, *postcode, *cc, *country, *svc, *svc_name, *prefix;
    const struct doc_item *items;
    size_t n_items;
    int grams;
};

static const struct who people[4] = {
    {"Zoë Ó'Brien", "27 Baker Street", "London", "NW1 6XE", "GB", NULL, "TOLP24",
     "Royal Mail Tracked 24", "TA", items_zoe, 2, 780},
    {"Łukasz Wąsowski", "ul. Marszałkowska 84/92", "Warszawa", "00-514", "PL", "POLAND", "ITSOLP",
     "International Tracked & Signed", "RX", items_lukasz, 2, 390},
    {"Ολυμπία Παπαδοπούλου", "Οδός Ερμού 25", "Αθήνα", "105 63", "GR", "GREECE", "ITROLP",
     "International Tracked", "LX", items_olympia, 2, 1440},
    {"Дмитрий Иванов", "вул. Хрещатик 22", "Київ", "01001", "UA", "UKRAINE", "ITSOLP",
     "International Tracked & Signed", "RX", items_dmitry, 40, 1900}};

static char tracking[4][S10_LEN + 1], returns_tracking[S10_LEN + 1];
static struct doc_shipment ship[4];

static void make_shipments(void)
{
    for (int i = 0; i < 40; i++)
        items_dmitry[i] = (struct doc_item){i == 39 ? "Last item: wooden spoon" : "Oatcakes, 300 g",
                                            "OAT-300",
                                            "190590",
                                            "GB",
                                            1,
                                            450,
                                            40};
    for (int i = 0; i < 4; i++) {
        const struct who *p = &people[i];
        s10_format(tracking[i], p->prefix, 10000000u + 7919u * (uint32_t)i);
        struct doc_shipment *s = &ship[i];
        *s = (struct doc_shipment){.tenant_id = TENANT, .order_id = 1001 + i};
        s->order_reference = i == 0 ? "SHOP-10492" : NULL;
        s->order_date_ms = 1795000000000LL;
        s->printed_ms = 1795000000000LL;
        s->trading_name = "Highland Knitwear Ltd";
        s->sender = (struct doc_address){.line1 = "Unit 4, Riverside Works",
                                         .line2 = "Mill Lane",
                                         .city = "Inverness",
                                         .postcode = "IV2 3BQ",
                                         .country_code = "GB",
                                         .phone = "01463 555010"};
        s->recipient = (struct doc_address){.name = p->name,
                                            .line1 = p->line1,
                                            .city = p->city,
                                            .postcode = p->postcode,
                                            .country_code = p->cc,
                                            .country = p->country,
                                            .phone = "+44 7700 900123"};
        s->service_code = p->svc;
        s->service_name = p->svc_name;
        s->format = "smallParcel";
        s->weight_grams = p->grams;
        s->tracking_number = tracking[i];
        s->items = p->items;
        s->n_items = p->n_items;
        s->category = i == 2 ? DOC_CAT_GIFT : DOC_CAT_SALE_OF_GOODS;
        s->postage_pence = 1995;
    }
    s10_format(returns_tracking, "TB", 20000000u);
    ship[0].returns_service_code = "TOLP48";
    ship[0].returns_service_name = "Royal Mail Tracked 48 Returns";
    ship[0].returns_tracking_number = returns_tracking;
}

static void key_of(char *out, size_t n, const struct doc_shipment *s, bool returns)
{
    if (returns)
        doc_key_data(out, n, s->returns_tracking_number, s->returns_service_code,
                     s->sender.postcode, s->weight_grams);
    else
        doc_key_data(out, n, s->tracking_number, s->service_code, s->recipient.postcode,
                     s->weight_grams);
}

/* ---- documents ---- */

/* Adds the labels (with shipment 0's returns label second) and saves them. */
static void render_labels(enum doc_layout layout, const char *name)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    struct doc *d = doc_begin(fonts, TENANT, layout, "Postage labels", &b);
    doc_add_label(d, &ship[0]);
    doc_add_returns_label(d, &ship[0]);
    for (int i = 1; i < 4; i++)
        doc_add_label(d, &ship[i]);
    const char *why = NULL;
    CHECK_INT(doc_end(d, &why), DOC_OK);
    save(name, &b);
    arena_free(&a);
}

/* Page or quadrant k of the label sequence holds this barcode and key data. */
static void check_label_place(const char *name, int page, int quadrant, int k)
{
    static const int ship_of[] = {0, 0, 1, 2, 3};
    char png[256], key[160];
    const struct doc_shipment *s = &ship[ship_of[k]];
    render(name, page, quadrant, png, sizeof png);
    check_code128(png, k == 1 ? s->returns_tracking_number : s->tracking_number);
    key_of(key, sizeof key, s, k == 1);
    check_datamatrix(png, key);
}

static void test_labels(void)
{
    const char *want[] = {"Zoë Ó'Brien",
                          "Łukasz Wąsowski",
                          "Ολυμπία",
                          "Дмитрий",
                          tracking[0],
                          tracking[1],
                          tracking[2],
                          tracking[3],
                          returns_tracking,
                          "Royal Mail Tracked 24",
                          "Highland Knitwear Ltd",
                          "NW1 6XE",
                          "RETURNS",
                          NULL};
    render_labels(DOC_LAYOUT_6X4, "labels-6x4.pdf");
    check_pdf("labels-6x4.pdf");
    check_text("labels-6x4.pdf", want);
    for (int k = 0; k < 5; k++)
        check_label_place("labels-6x4.pdf", k + 1, -1, k);
    render_labels(DOC_LAYOUT_A4, "labels-a4.pdf");
    check_pdf("labels-a4.pdf");
    check_text("labels-a4.pdf", want);
    for (int k = 0; k < 5; k++)
        check_label_place("labels-a4.pdf", k / 4 + 1, k % 4, k);
}

/* Renders one kind of document for one shipment in one layout. */
static void render_one(const char *name, enum doc_layout layout,
                       void (*add)(struct doc *, const struct doc_shipment *),
                       const struct doc_shipment *s)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    struct doc *d = doc_begin(fonts, TENANT, layout, "Document", &b);
    add(d, s);
    CHECK_INT(doc_end(d, NULL), DOC_OK);
    save(name, &b);
    check_pdf(name);
    arena_free(&a);
}

static void test_despatch_notes(void)
{
    const char *want0[] = {"Despatch note",
                           "Zoë Ó'Brien",
                           "SHOP-10492",
                           tracking[0],
                           "Merino wool jumper, navy, size M",
                           "JMP-NAVY-M",
                           "Highland Knitwear Ltd",
                           "Items in this parcel: 3",
                           NULL};
    render_one("despatch-6x4.pdf", DOC_LAYOUT_6X4, doc_add_despatch_note, &ship[0]);
    check_text("despatch-6x4.pdf", want0);
    render_one("despatch-a4.pdf", DOC_LAYOUT_A4, doc_add_despatch_note, &ship[0]);
    check_text("despatch-a4.pdf", want0);
    const char *want3[] = {"Дмитрий Иванов",           "Київ",
                           "Last item: wooden spoon",  "(continued)",
                           "Items in this parcel: 40", NULL};
    render_one("despatch-long.pdf", DOC_LAYOUT_6X4, doc_add_despatch_note, &ship[3]);
    check_text("despatch-long.pdf", want3);
}

static void test_customs(void)
{
    char png[256];
    CHECK_INT(doc_customs_form(&ship[1]), 22);
    CHECK_INT(doc_customs_form(&ship[2]), 23); /* GBP 485 */
    CHECK_INT(doc_customs_form(&ship[3]), 23); /* 40 item lines */
    const char *want22[] = {"CN 22", tracking[1], "Tweed flat cap", "HS 650500",
                            "80.00", "0.390",     "Sale of goods",  NULL};
    render_one("cn22-6x4.pdf", DOC_LAYOUT_6X4, doc_add_customs, &ship[1]);
    check_text("cn22-6x4.pdf", want22);
    render_one("cn22-a4.pdf", DOC_LAYOUT_A4, doc_add_cn22, &ship[1]);
    check_text("cn22-a4.pdf", want22);
    const char *want23[] = {"CN 23",
                            "Ολυμπία Παπαδοπούλου",
                            "Αθήνα",
                            tracking[2],
                            "Cashmere coat, charcoal",
                            "620231",
                            "485.00",
                            "19.95",
                            "Gift",
                            NULL};
    render_one("cn23-a4.pdf", DOC_LAYOUT_A4, doc_add_customs, &ship[2]);
    check_text("cn23-a4.pdf", want23);
    render("cn23-a4.pdf", 1, -1, png, sizeof png);
    check_code128(png, tracking[2]);
    const char *want23b[] = {
        "CN 23",       "Дмитрий Иванов", tracking[3], "Last item: wooden spoon",
        "(continued)", "180.00",         NULL};
    render_one("cn23-6x4.pdf", DOC_LAYOUT_6X4, doc_add_cn23, &ship[3]);
    check_text("cn23-6x4.pdf", want23b);
    render("cn23-6x4.pdf", 1, -1, png, sizeof png);
    check_code128(png, tracking[3]);
}

static void test_manifest(void)
{
    struct arena a;
    arena_init(&a);
    struct doc_manifest_line lines[60];
    for (int i = 0; i < 60; i++) {
        const struct doc_shipment *s = &ship[i % 4];
        char *t = arena_alloc(&a, S10_LEN + 1);
        s10_format(t, "TA", 30000000u + (uint32_t)i);
        lines[i] = (struct doc_manifest_line){TENANT,
                                              1001 + i,
                                              s->order_reference,
                                              i < 4 ? s->tracking_number : t,
                                              s->service_code,
                                              s->service_name,
                                              s->format,
                                              s->recipient.postcode,
                                              s->recipient.country_code,
                                              s->weight_grams};
    }
    struct doc_manifest m = {TENANT, 42, 1795000000000LL, "Highland Knitwear Ltd", ship[0].sender,
                             lines,  60};
    struct buf b;
    buf_init(&b, &a);
    struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "Manifest", &b);
    doc_add_manifest(d, &m);
    CHECK_INT(doc_end(d, NULL), DOC_OK);
    save("manifest.pdf", &b);
    check_pdf("manifest.pdf");
    const char *want[] = {"Collection manifest",
                          "No. 42",
                          "Highland Knitwear Ltd",
                          tracking[0],
                          tracking[1],
                          tracking[2],
                          tracking[3],
                          lines[59].tracking_number,
                          "Items per service",
                          "page 1 of 2",
                          "page 2 of 2",
                          "ITROLP",
                          NULL};
    check_text("manifest.pdf", want);
    char png[256];
    render("manifest.pdf", 1, -1, png, sizeof png);
    check_code128(png, "M00000042");
    arena_free(&a);
}

/* ---- without tools ---- */

static void test_tenant_wall(void)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_adds(&b, "before");
    struct doc_shipment other = ship[1];
    other.tenant_id = TENANT + 1;
    struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "Postage labels", &b);
    doc_add_label(d, &ship[0]);
    doc_add_label(d, &other);
    doc_add_label(d, &ship[2]);
    const char *why = NULL;
    CHECK_INT(doc_end(d, &why), DOC_ERR_TENANT);
    CHECK_INT(b.len, 6); /* nothing of the document is left */
    CHECK(why != NULL);
    struct doc_manifest_line lines[2] = {
        {TENANT, 1001, NULL, tracking[0], "TOLP24", "Tracked 24", "smallParcel", "NW1", "GB", 10},
        {TENANT + 1, 1001, NULL, tracking[1], "TOLP24", "Tracked 24", "smallParcel", "NW1", "GB",
         10}};
    struct doc_manifest m = {TENANT, 1, 0, "T", {0}, lines, 2};
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "Manifest", &b);
    doc_add_manifest(d, &m);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_TENANT);
    m.tenant_id = TENANT + 1;
    lines[1].tenant_id = TENANT;
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_A4, "Manifest", &b);
    doc_add_manifest(d, &m);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_TENANT);
    CHECK_INT(b.len, 6);
    arena_free(&a);
}

static void test_bad_input(void)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    struct doc_shipment s = ship[0];
    const char *bad[] = {NULL, "", "RA 473124829GB", "RA47312482\xC3\xA9GB",
                         "RA473124829GBRA473124829GBRA473124829GBXX"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s.tracking_number = bad[i];
        struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "x", &b);
        doc_add_label(d, &s);
        CHECK_INT(doc_end(d, NULL), DOC_ERR_INPUT);
        CHECK_INT(b.len, 0);
    }
    s = ship[1]; /* no returns service */
    struct doc *d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "x", &b);
    doc_add_returns_label(d, &s);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_INPUT);
    d = doc_begin(fonts, TENANT, DOC_LAYOUT_6X4, "x", &b);
    CHECK_INT(doc_end(d, NULL), DOC_ERR_INPUT); /* nothing to print */
    char err[256];
    CHECK(doc_fonts_load("/nonexistent.ttf", NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent.ttf") != NULL);
    arena_free(&a);
}

/* Invalid UTF-8, control characters, very long and empty fields render. */
static void test_hostile_strings(void)
{
    static char longname[3000];
    memset(longname, 'W', sizeof longname - 1);
    struct doc_shipment s = ship[0];
    s.recipient.name = "Bad \xFF\xFE bytes\x01\x1b[31m\xC2\x85 and \xED\xA0\x80 surrogate";
    s.recipient.line1 = longname;
    s.recipient.city = "";
    s.recipient.postcode = NULL;
    s.trading_name = longname;
    s.service_name = longname;
    s.order_reference = "ref\nwith\tcontrols";
    render_one("hostile.pdf", DOC_LAYOUT_6X4, doc_add_label, &s);
    const char *want[] = {"Bad", "bytes", "surrogate", tracking[0], NULL};
    check_text("hostile.pdf", want);
    render_one("hostile-dn.pdf", DOC_LAYOUT_A4, doc_add_despatch_note, &s);
    render_one("hostile-cn23.pdf", DOC_LAYOUT_A4, doc_add_cn23, &s);
}

static void test_key_data(void)
{
    char key[160];
    doc_key_data(key, sizeof key, "RA473124829GB", "TOLP24", "SW1A 1AA", 500);
    CHECK_STR(key, "TN=RA473124829GB;SVC=TOLP24;PC=SW1A1AA;WG=500");
    doc_key_data(key, sizeof key, "ra473124829gb", "tolp24;x=1", "sw1a-1aa", 1);
    CHECK_STR(key, "TN=RA473124829GB;SVC=TOLP24X1;PC=SW1A1AA;WG=1");
    doc_key_data(key, sizeof key, NULL, NULL, NULL, 0);
    CHECK_STR(key, "TN=;SVC=;PC=;WG=0");
    struct doc_shipment s = ship[1];
    struct doc_item many[6];
    for (int i = 0; i < 6; i++)
        many[i] = (struct doc_item){"x", NULL, NULL, NULL, 1, 100, 1};
    s.items = many;
    s.n_items = 5;
    CHECK_INT(doc_customs_form(&s), 22);
    s.n_items = 6;
    CHECK_INT(doc_customs_form(&s), 23);
    many[0].unit_value_pence = 27000 - 400;
    s.n_items = 5;
    CHECK_INT(doc_items_value(&s), 27000);
    CHECK_INT(doc_customs_form(&s), 22);
    many[0].unit_value_pence++;
    CHECK_INT(doc_customs_form(&s), 23);
}

/* Four threads render at once with the one shared set of fonts, as the
 * server's do: through drawing processes (draw_pool.c), since one process
 * draws on one thread at a time. */
static void *render_thread(void *arg)
{
    long bad = 0;
    for (int r = 0; r < 5; r++) {
        struct arena a;
        arena_init(&a);
        struct buf b;
        buf_init(&b, &a);
        enum doc_layout layout = ((long)arg + r) % 2 ? DOC_LAYOUT_A4 : DOC_LAYOUT_6X4;
        bad += doc_render_labels(fonts, TENANT, layout, ship, 4, false, &b) != DOC_OK;
        bad += b.len < 1000 || memcmp(b.data, "%PDF-", 5) != 0;
        arena_free(&a);
    }
    return (void *)bad;
}

static void test_threads(void)
{
    char err[256];
    struct draw_pool *pool =
        draw_pool_start(fonts, &(struct draw_pool_config){.workers = 2}, err, sizeof err);
    CHECK(pool != NULL);
    if (!pool) return;
    pthread_t th[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, render_thread, (void *)i);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        CHECK(bad == NULL);
    }
    draw_pool_stop(pool);
}

int main(void)
{
    char err[256];
    fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "test_document: %s\n", err);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/postroom-docs-XXXXXX");
    if (!mkdtemp(dir)) abort();
    make_shipments();
    test_key_data();
    test_tenant_wall();
    test_bad_input();
    test_threads();
    if (tools_present()) {
        test_labels();
        test_despatch_notes();
        test_customs();
        test_manifest();
        test_hostile_strings();
    }
    doc_fonts_free(fonts);
    char cmd[128];
    if (check_failed)
        fprintf(stderr, "test_document: the PDFs are kept in %s\n", dir);
    else {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return check_report("document");
}
