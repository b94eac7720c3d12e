/* Unit tests of src/domain/tariff*.c: the shipped share/tariff.tsv (every
 * service code of product.md, each format's limits at their edges, prices
 * at band edges, the errors naming fields), broken texts reported with the
 * line at fault (tariff_parse), and the file read by app/share.c's
 * tariff_load naming its path. */
#include "check.h"
#include "app/share.h"
#include "domain/tariff.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static struct tariff *shipped;

static void test_load_shipped(void)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error err;
    if (!tariff_load(path, &shipped, &err)) {
        fprintf(stderr, "cannot load %s: %s\n", path, err.message);
        exit(1);
    }
    static const char *codes[] = {
        "OLP1",     "OLP2",      "OLP1SF",    "OLP2SF", "TOLP24", "TOLP48", "TOLP24SF",
        "TOLP48SF", "TOLP24SFA", "TOLP48SFA", "SD1OLP", "SD2OLP", "SD3OLP", "IEOLP",
        "ISOLP",    "ITROLP",    "ITSOLP",    "BPL1",   "BPL2",   "BPR1",   "BPR2",
        "STL1",     "STL2",      "TPN24",     "TPS48",  "TRN24",  "TRS48",  "SD1",
        "SD2",      "SD3",       "SD4",       "SD5",    "SD6"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        const struct tariff_service *s = tariff_service(shipped, codes[i]);
        CHECK(s != NULL);
        if (!s) continue;
        CHECK(strlen(s->s10_prefix) == 2 && strlen(s->name) > 0);
    }
    CHECK_INT(tariff_service_count(shipped), sizeof codes / sizeof *codes);
    CHECK(tariff_service(shipped, "OLP9") == NULL);
    const struct tariff_service *t24 = tariff_service(shipped, "TOLP24");
    CHECK(t24 && t24->tracked && !t24->signed_for && t24->scope == TARIFF_SCOPE_UK);
    CHECK(tariff_service(shipped, "ITSOLP")->scope == TARIFF_SCOPE_INTL);
    CHECK(tariff_service_takes(shipped, "TOLP24", "smallParcel"));
    CHECK(!tariff_service_takes(shipped, "TOLP24", "letter"));
    CHECK_INT(tariff_format(shipped, "letter")->max_grams, 100);
}

/* Prices one package; returns the pence, or -1 and leaves the error. */
static int64_t price(const char *svc, const char *fmt, int g, int h, int w, int d, const char *cc,
                     struct tariff_error *err)
{
    struct tariff_query q = {svc, fmt, g, {h, w, d}, cc, 0};
    int64_t p = -1;
    if (!tariff_price(shipped, &q, &p, err)) return -1;
    return p;
}

static void expect_ok(const char *svc, const char *fmt, int g, int h, int w, int d, const char *cc)
{
    struct tariff_error err;
    int64_t p = price(svc, fmt, g, h, w, d, cc, &err);
    if (p <= 0)
        fprintf(stderr, "  %s %s %d g %dx%dx%d %s: %s\n", svc, fmt, g, h, w, d, cc, err.message);
    CHECK(p > 0);
}

static void expect_err(const char *svc, const char *fmt, int g, int h, int w, int d, const char *cc,
                       const char *field, const char *message)
{
    struct tariff_error err;
    CHECK_INT(price(svc, fmt, g, h, w, d, cc, &err), -1);
    CHECK_STR(err.field, field);
    CHECK_STR(err.message, message);
}

/* product.md's table: each limit met exactly passes, one over fails. */
static void test_format_limits(void)
{
    const char *wf = "packages[0].weightInGrams", *df = "packages[0].dimensions";
    expect_ok("OLP1", "letter", 100, 240, 165, 5, "GB");
    expect_ok("OLP1", "letter", 100, 5, 165, 240, "GB"); /* any orientation */
    expect_err("OLP1", "letter", 101, 0, 0, 0, "GB", wf,
               "packages[0].weightInGrams exceeds 100 g for letter");
    expect_err("OLP1", "letter", 50, 241, 165, 5, "GB", df,
               "packages[0].dimensions 241 x 165 x 5 mm exceed 240 x 165 x 5 mm for letter");
    expect_err("OLP1", "letter", 50, 240, 165, 6, "GB", df,
               "packages[0].dimensions 240 x 165 x 6 mm exceed 240 x 165 x 5 mm for letter");
    expect_ok("OLP2", "largeLetter", 1000, 353, 250, 25, "GB");
    expect_err("OLP2", "largeLetter", 1001, 0, 0, 0, "GB", wf,
               "packages[0].weightInGrams exceeds 1000 g for largeLetter");
    expect_err("OLP2", "largeLetter", 10, 353, 251, 25, "GB", df,
               "packages[0].dimensions 353 x 251 x 25 mm exceed 353 x 250 x 25 mm for largeLetter");
    expect_ok("TOLP24", "smallParcel", 2000, 450, 350, 160, "GB");
    expect_err("TOLP24", "smallParcel", 2001, 0, 0, 0, "GB", wf,
               "packages[0].weightInGrams exceeds 2000 g for smallParcel");
    expect_err(
        "TOLP24", "smallParcel", 2000, 160, 450, 351, "GB", df,
        "packages[0].dimensions 160 x 450 x 351 mm exceed 450 x 350 x 160 mm for smallParcel");
    expect_ok("TOLP48", "mediumParcel", 20000, 610, 460, 460, "GB");
    expect_err("TOLP48", "mediumParcel", 20001, 0, 0, 0, "GB", wf,
               "packages[0].weightInGrams exceeds 20000 g for mediumParcel");
    expect_err(
        "TOLP48", "mediumParcel", 100, 611, 460, 460, "GB", df,
        "packages[0].dimensions 611 x 460 x 460 mm exceed 610 x 460 x 460 mm for mediumParcel");
    const char *big[] = {"largeParcel", "parcel"};
    for (int i = 0; i < 2; i++) {
        char msg[200];
        expect_ok("TOLP48", big[i], 30000, 1500, 375, 375, "GB"); /* 1500 + 1500 = 3000 */
        expect_ok("TPN24", big[i], 30000, 1500, 10, 10, "GB");
        snprintf(msg, sizeof msg, "packages[0].weightInGrams exceeds 30000 g for %s", big[i]);
        expect_err("TOLP48", big[i], 30001, 0, 0, 0, "GB", wf, msg);
        snprintf(msg, sizeof msg,
                 "packages[0].dimensions 1501 x 10 x 10 mm exceed length 1500 mm, length + girth "
                 "3000 mm for %s",
                 big[i]);
        expect_err("TOLP48", big[i], 1000, 1501, 10, 10, "GB", df, msg);
        snprintf(msg, sizeof msg,
                 "packages[0].dimensions 375 x 1500 x 376 mm exceed length 1500 mm, length + girth "
                 "3000 mm for %s",
                 big[i]);
        expect_err("TOLP48", big[i], 1000, 375, 1500, 376, "GB", df, msg);
    }
}

static void test_prices(void)
{
    struct tariff_error err;
    CHECK_INT(price("OLP1", "letter", 1, 0, 0, 0, "GB", &err), 165);
    CHECK_INT(price("OLP1", "largeLetter", 100, 0, 0, 0, "GB", &err), 260);
    CHECK_INT(price("OLP1", "largeLetter", 101, 0, 0, 0, "GB", &err), 325);
    CHECK_INT(price("OLP1", "largeLetter", 1000, 0, 0, 0, "GB", &err), 495);
    CHECK_INT(price("OLP2", "letter", 100, 0, 0, 0, "JE", &err), 87); /* Jersey is domestic */
    CHECK_INT(price("ITSOLP", "smallParcel", 2000, 0, 0, 0, "US", &err), 3445);
    CHECK_INT(price("ITSOLP", "smallParcel", 2000, 0, 0, 0, "us", &err), 3445);
    CHECK_INT(price("ITSOLP", "letter", 20, 0, 0, 0, "FR", &err), 845);
    CHECK(price("ISOLP", "documents", 400, 0, 0, 0, "AU", &err) > 0);
}

static void test_lookup_errors(void)
{
    expect_err("OLP9", "letter", 10, 0, 0, 0, "GB", "postageDetails.serviceCode",
               "postageDetails.serviceCode OLP9 does not exist");
    expect_err("TOLP24", "letter", 10, 0, 0, 0, "GB", "packages[0].packageFormatIdentifier",
               "service TOLP24 does not take format letter");
    expect_err("OLP1", "letter", 10, 0, 0, 0, "FR", "recipient.address.countryCode",
               "service OLP1 does not deliver to FR");
    expect_err("IEOLP", "letter", 10, 0, 0, 0, "GB", "recipient.address.countryCode",
               "service IEOLP does not deliver to GB");
    expect_err("IEOLP", "letter", 10, 0, 0, 0, "ZZ", "recipient.address.countryCode",
               "recipient.address.countryCode ZZ is not a country any service delivers to");
    expect_err("IEOLP", "letter", 10, 0, 0, 0, "FRA", "recipient.address.countryCode",
               "recipient.address.countryCode must be a two-letter ISO 3166 code, not 'FRA'");
    expect_err("OLP1", "undefined", 10, 0, 0, 0, "GB", "packages[0].packageFormatIdentifier",
               "packages[0].packageFormatIdentifier 'undefined' is not a package format postroom "
               "prices");
    expect_err("OLP1", "letter", 0, 0, 0, 0, "GB", "packages[0].weightInGrams",
               "packages[0].weightInGrams must be at least 1 g");
    expect_err("OLP1", "letter", 10, 100, 0, 2, "GB", "packages[0].dimensions",
               "packages[0].dimensions needs heightInMms, widthInMms and depthInMms, each above 0");
    expect_err("OLP1\n\x01xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "letter", 10, 0, 0, 0, "GB",
               "postageDetails.serviceCode",
               "postageDetails.serviceCode OLP1??xxxxxxxxxxxxxxxxx~ does not exist");
    struct tariff_query q = {"TOLP24", "smallParcel", 3000, {0, 0, 0}, "GB", 7};
    struct tariff_error err;
    int64_t p;
    CHECK(!tariff_price(shipped, &q, &p, &err));
    CHECK_STR(err.field, "packages[7].weightInGrams");
    CHECK_INT(err.code, TARIFF_ERR_RANGE);
}

/* Parses text; returns the error line. */
static int load_text(const char *text, struct tariff_error *err)
{
    struct tariff *t = NULL;
    bool ok = tariff_parse(text, strlen(text), &t, err);
    tariff_free(t);
    return ok ? 0 : err->line;
}

#define HEAD                                                                                       \
    "# test\n"                                                                                     \
    "format\tletter\t100\t240\t165\t5\t-\n"                                                        \
    "zone\tUK\tGB\n"                                                                               \
    "zone\tEU\tFR DE\n"

static void expect_bad(const char *text, int line, const char *fragment)
{
    struct tariff_error err;
    int got = load_text(text, &err);
    CHECK_INT(got, line);
    if (!strstr(err.message, fragment)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", err.message, fragment);
        CHECK(0);
    }
}

static void test_bad_files(void)
{
    struct tariff_error err;
    const char *good = HEAD "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\n"
                            "price\tX1\tletter\tUK\t100:50\n";
    CHECK_INT(load_text(good, &err), 0);
    expect_bad(HEAD "servce\tX1\n", 5, "unknown record 'servce'");
    expect_bad(HEAD "format\tletter\t100\t240\t165\t5\t-\n", 5, "format letter declared twice");
    expect_bad(HEAD "format\tbig\t10x\t-\t-\t-\t-\n", 5, "bad max weight '10x'");
    expect_bad(HEAD "format\tbig\t10\t1\t2\t-\t-\n", 5, "longest first");
    expect_bad(HEAD "zone\tW1\tUS FR\n", 5, "country FR is in two zones");
    expect_bad(HEAD "zone\tW1\tus\n", 5, "bad country code 'us'");
    expect_bad(HEAD "service\tX1\tR1\tyes\tno\tuk\tletter\tX\n", 5, "S10 prefix");
    expect_bad(HEAD "service\tX1\tRA\tmaybe\tno\tuk\tletter\tX\n", 5, "yes or no");
    expect_bad(HEAD "service\tX1\tRA\tyes\tno\tmars\tletter\tX\n", 5, "scope is uk or intl");
    expect_bad(HEAD "service\tX1\tRA\tyes\tno\tuk\tlettre\tX\n", 5, "unknown format 'lettre'");
    expect_bad(HEAD "service\tX1\tRA\tyes\tno\tuk\tletter\n", 5, "service needs 7 fields, has 6");
    expect_bad(HEAD "price\tX1\tletter\tUK\t100:50\n", 5, "unknown service 'X1'");
    const char *svc = HEAD "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\n";
    char text[1024];
    snprintf(text, sizeof text, "%s\nprice\tX1\tletter\tUK\t50:10 40:20\n", svc);
    expect_bad(text, 7, "bands must go up in weight");
    snprintf(text, sizeof text, "%sprice\tX1\tletter\tUK\t200:10\n", svc);
    expect_bad(text, 6, "band 200 g is over letter's 100 g limit");
    snprintf(text, sizeof text, "%sprice\tX1\tletter\tEU\t100:10\n", svc);
    expect_bad(text, 6, "service X1 does not go to zone EU");
    snprintf(text, sizeof text, "%sprice\tX1\tletter\tUK\t100:-5\n", svc);
    expect_bad(text, 6, "is not MAX_GRAMS:PENCE");
    snprintf(text, sizeof text, "%sprice\tX1\tletter\tUK\t100:5\nprice\tX1\tletter\tUK\t100:5\n",
             svc);
    expect_bad(text, 7, "second price line");
    expect_bad(svc, 5, "service X1 has no price for letter in zone UK");
    expect_bad("format\tletter\t100\t240\t165\t5\t-\n", 0, "no zone named UK");
    char longline[5000];
    memset(longline, 'x', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = 0;
    expect_bad(longline, 1, "line longer than");
    expect_bad("", 0, "no zone named UK");
    expect_bad(HEAD, 0, "no services");
    struct tariff *t;
    CHECK(!tariff_load("/nonexistent/tariff.tsv", &t, &err));
    CHECK(strstr(err.message, "/nonexistent/tariff.tsv") != NULL);
}

/* A service whose heaviest band is lighter than its format allows. */
static void test_band_ceiling(void)
{
    const char *text = HEAD "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\n"
                            "price\tX1\tletter\tUK\t20:50 60:70\n";
    struct tariff *t;
    struct tariff_error err;
    CHECK(tariff_parse(text, strlen(text), &t, &err));
    struct tariff_query q = {"X1", "letter", 60, {0, 0, 0}, "GB", 2};
    int64_t p = 0;
    CHECK(tariff_price(t, &q, &p, &err) && p == 70);
    q.weight_grams = 61;
    CHECK(!tariff_price(t, &q, &p, &err));
    CHECK_STR(err.message, "packages[2].weightInGrams exceeds 60 g, the most X1 takes as letter");
    tariff_free(t);
}

/* The text is len bytes, not a string: what follows it is never read, and
 * a NUL inside a line is an error of its line. */
static void test_parse_text(void)
{
    const char text[] = HEAD "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\n"
                             "price\tX1\tletter\tUK\t100:50\nservce\tX1\n";
    size_t good = strlen(text) - strlen("servce\tX1\n");
    struct tariff *t = NULL;
    struct tariff_error err;
    CHECK(tariff_parse(text, good, &t, &err));
    tariff_free(t);
    CHECK(!tariff_parse(text, strlen(text), &t, &err));
    CHECK_INT(err.line, 7);
    CHECK(strncmp(err.message, "line 7: unknown record 'servce'", 31) == 0);
    const char *last = "zone\tEU\tFR\nformat\tletter\t100"; /* no newline at the end */
    CHECK(!tariff_parse(last, strlen(last), &t, &err));
    CHECK_STR(err.message, "line 2: format needs 6 fields, has 2");
    const char nul[] = "# a\n# b\0c\nzone\tUK\tGB\n";
    CHECK(!tariff_parse(nul, sizeof nul - 1, &t, &err));
    CHECK_INT(err.line, 2);
    CHECK_STR(err.message, "line 2: line holds a NUL byte");
    char longline[4200];
    memset(longline, '#', sizeof longline);
    CHECK(!tariff_parse(longline, 4095, &t, &err)); /* 4094 bytes is the most */
    CHECK_STR(err.message, "line 1: line longer than 4094 bytes");
    longline[4094] = '\n';
    CHECK(!tariff_parse(longline, 4095, &t, &err)); /* the comment is read; no zone */
    CHECK_STR(err.message, "no zone named UK");
    const char *crlf = "format\tletter\t100\t240\t165\t5\t-\r\nzone\tUK\tGB\r\n"
                       "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\r\n"
                       "price\tX1\tletter\tUK\t100:50\r\n";
    CHECK(tariff_parse(crlf, strlen(crlf), &t, &err)); /* Windows line ends */
    CHECK_STR(tariff_service(t, "X1")->name, "X one");
    tariff_free(t);
}

/* tariff_load reads the file and names it in every message. */
static void test_load_file(void)
{
    char path[] = "/tmp/postroom-tariff-XXXXXX", want[200];
    const char *text = HEAD "servce\tX1\n";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) abort();
    close(fd);
    struct tariff *t = NULL;
    struct tariff_error err;
    CHECK(!tariff_load(path, &t, &err));
    CHECK_INT(err.line, 5);
    snprintf(want, sizeof want,
             "%s:5: unknown record 'servce' (format, zone, service, price, carrier or returns)",
             path);
    CHECK_STR(err.message, want);
    text = HEAD;
    fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) abort();
    close(fd);
    CHECK(!tariff_load(path, &t, &err));
    CHECK_INT(err.line, 0);
    snprintf(want, sizeof want, "%s: no services", path);
    CHECK_STR(err.message, want);
    unlink(path);
    CHECK(!tariff_load("/nonexistent/tariff.tsv", &t, &err));
    CHECK_STR(err.message, "/nonexistent/tariff.tsv: No such file or directory");
    CHECK(!tariff_load("/tmp", &t, &err)); /* a directory reads as an error */
    CHECK(strncmp(err.message, "/tmp: ", 6) == 0);
}

/* Lookups from several threads at once give the same answers. */
static void *lookup_thread(void *arg)
{
    long bad = 0;
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        struct tariff_error err;
        int64_t p = price("OLP1", "largeLetter", 1 + i % 1000, 0, 0, 0, "GB", &err);
        int64_t want = i % 1000 < 100   ? 260
                       : i % 1000 < 250 ? 325
                       : i % 1000 < 500 ? 395
                       : i % 1000 < 750 ? 455
                                        : 495;
        bad += p != want;
    }
    return (void *)bad;
}

static void test_threads(void)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, lookup_thread, NULL);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        CHECK(bad == NULL);
    }
}

int main(void)
{
    test_load_shipped();
    test_format_limits();
    test_prices();
    test_lookup_errors();
    test_bad_files();
    test_band_ceiling();
    test_parse_text();
    test_load_file();
    test_threads();
    tariff_free(shipped);
    return check_report("tariff");
}
