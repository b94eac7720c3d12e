/* audit_cmd: `postroom audit verify | checkpoint`, the operator's side of
 * the access audit (domain/audit.h). The chain lives in the database; what
 * vouches for it lives beside it, where the database cannot rewrite it:
 *
 *   DB.audit-key          Ed25519 secret key, made once, mode 0600
 *   DB.audit-key.pub      its public key
 *   DB.audit-checkpoints  one signed line per checkpoint, appended only
 *
 * and, when the app knows the status site's database (--status-db, else
 * $POSTROOM_STATUS_DB), in a second place: each signed line is copied there
 * too, with the public key (status/status_db.h), so that an attacker who
 * rewrites the database and the files beside it must also reach the status
 * site's store. verify re-walks the whole chain against every checkpoint of
 * both places and compares the two; checkpoint signs the head of a chain
 * that verifies, and refuses one that does not. */
#include "app/audit_cmd.h"
#include "app/cli.h"
#include "app/tripwire.h"
#include "domain/audit.h"
#include "http/server.h"
#include "status/status_db.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_audit =
    "usage: postroom [--db PATH] audit verify [--status-db PATH]\n"
    "           re-walk the chain against the checkpoints (the file's and the status site's)\n"
    "       postroom [--db PATH] audit checkpoint [--status-db PATH]\n"
    "           sign the head of an intact chain, into the file and the status site\n"
    "Keys and checkpoints sit beside the database: DB.audit-key (0600), DB.audit-key.pub,\n"
    "DB.audit-checkpoints; the status site's database (--status-db, else\n"
    "$POSTROOM_STATUS_DB, else none) keeps a copy of every checkpoint line.\n"
    "verify exits 0 when intact, 1 with one line per problem.\n";

static void path_of(char *out, size_t cap, const char *db, const char *suffix)
{
    const char *base = store_local_base(db);
    snprintf(out, cap, "%s.%s", base ? base : db, suffix); /* main.c refuses a URL without one */
}

static bool read_exact(const char *path, unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool ok = fread(buf, 1, n, f) == n && fgetc(f) == EOF;
    fclose(f);
    return ok;
}

static bool write_new(const char *path, const unsigned char *buf, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) return false;
    bool ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
    return close(fd) == 0 && ok;
}

/* The signing key, made on first use (the secret key first: a public key
 * without its secret would vouch for nothing). */
static bool signing_key(const char *db, unsigned char *sk)
{
    char kp[4096], pp[4096];
    path_of(kp, sizeof kp, db, "audit-key");
    path_of(pp, sizeof pp, db, "audit-key.pub");
    if (read_exact(kp, sk, crypto_sign_SECRETKEYBYTES)) return true;
    if (errno != ENOENT) return false;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(pk, sk);
    bool ok =
        write_new(kp, sk, crypto_sign_SECRETKEYBYTES, 0600) && write_new(pp, pk, sizeof pk, 0644);
    sodium_memzero(pk, sizeof pk);
    return ok;
}

/* Every record, in seq order, into the arena. */
static int read_chain(struct store *s, struct arena *a, struct audit_record **all, size_t *n)
{
    enum { PAGE = 10000 };
    *all = NULL;
    *n = 0;
    size_t cap = 0;
    for (;;) {
        struct audit_record *rows;
        size_t got;
        int64_t from = *n ? (*all)[*n - 1].seq + 1 : 1;
        if (store_operator_audit_range(s, from, PAGE, a, &rows, &got) != STORE_OK)
            return STORE_ERROR;
        if (*n + got > cap) {
            cap = (*n + got) * 2;
            struct audit_record *g = arena_alloc(a, cap * sizeof *g);
            if (*n) memcpy(g, *all, *n * sizeof *g);
            *all = g;
        }
        if (got) memcpy(*all + *n, rows, got * sizeof *rows);
        *n += got;
        if (got < PAGE) return STORE_OK;
    }
}

/* The checkpoint file's lines, without their newlines; no file is no
 * checkpoint yet. */
static bool read_lines(const char *db, struct arena *a, char ***lines, size_t *n)
{
    char cp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    *lines = NULL;
    *n = 0;
    FILE *f = fopen(cp, "r");
    if (!f) return errno == ENOENT;
    size_t cap = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **g = arena_alloc(a, cap * sizeof *g);
            if (*n) memcpy(g, *lines, *n * sizeof *g);
            *lines = g;
        }
        (*lines)[(*n)++] = arena_strdup(a, line);
    }
    fclose(f);
    return true;
}

/* DB.audit-key.pub, raw; false when there is none. */
static bool public_key(const char *db, unsigned char *pk)
{
    char pp[4096];
    path_of(pp, sizeof pp, db, "audit-key.pub");
    return read_exact(pp, pk, crypto_sign_PUBLICKEYBYTES);
}

/* The checkpoint file's lines, parsed and their signatures checked; a line
 * that is no checkpoint at all counts as one with a bad signature. */
static bool read_checkpoints(const char *db, struct arena *a, struct audit_checkpoint **cps,
                             size_t *n)
{
    char **lines;
    if (!read_lines(db, a, &lines, n)) return false;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    bool have_pk = public_key(db, pk);
    *cps = arena_alloc(a, (*n ? *n : 1) * sizeof **cps);
    for (size_t i = 0; i < *n; i++)
        if (!have_pk || !audit_checkpoint_parse(lines[i], pk, &(*cps)[i]))
            (*cps)[i].signature_ok = false;
    return true;
}

static void print_problem(void *ctx, int64_t seq, const char *message)
{
    (void)ctx;
    (void)seq;
    printf("%s\n", message);
}

/* --- the status site's copy ------------------------------------------------ */

/* Copies checkpoint lines to the status site's store with this database's
 * public key: the one just written (line), or, when line is NULL, every
 * line of the file (the site keeps each line once, so a whole copy fills
 * in what an earlier failed copy missed). */
static bool copy_to_status(const char *status_path, const char *db, const char *line)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (!public_key(db, pk)) return false;
    char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    struct arena a;
    arena_init(&a);
    char **lines = (char **)&line;
    size_t n = 1, added;
    bool ok = line || read_lines(db, &a, &lines, &n);
    struct status_db *sdb = NULL;
    ok = ok && status_db_open(status_path, true, &sdb) == STATUS_OK &&
         status_audit_checkpoints_add(sdb, (const char *const *)lines, n, hex, time_now_ms(),
                                      &added) == STATUS_OK;
    status_db_close(sdb);
    arena_free(&a);
    return ok;
}

/* The status site's checkpoints, each parsed and checked with the key the
 * site keeps beside it; keys[i] is that key's hex. */
struct status_copy {
    struct arena *a;
    struct audit_checkpoint *cps;
    char **keys;
    size_t n, cap;
};

static bool take_status_line(void *ctx, const char *line, const char *key)
{
    struct status_copy *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        struct audit_checkpoint *g = arena_alloc(c->a, c->cap * sizeof *g);
        char **k = arena_alloc(c->a, c->cap * sizeof *k);
        if (c->n) memcpy(g, c->cps, c->n * sizeof *g), memcpy(k, c->keys, c->n * sizeof *k);
        c->cps = g, c->keys = k;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    size_t got = 0;
    bool key_ok =
        sodium_hex2bin(pk, sizeof pk, key, strlen(key), NULL, &got, NULL) == 0 && got == sizeof pk;
    struct audit_checkpoint *cp = &c->cps[c->n];
    if (!key_ok || !audit_checkpoint_parse(line, pk, cp)) cp->signature_ok = false;
    c->keys[c->n++] = arena_strdup(c->a, key);
    return true;
}

static bool read_status_copy(const char *status_path, struct status_copy *c)
{
    struct status_db *sdb;
    if (status_db_open(status_path, false, &sdb) != STATUS_OK) return false;
    bool ok = status_audit_checkpoints_each(sdb, take_status_line, c) == STATUS_OK;
    status_db_close(sdb);
    return ok;
}

__attribute__((format(printf, 2, 3))) static void problem(size_t *found, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    (*found)++;
}

static int by_count(const void *x, const void *y)
{
    const struct audit_checkpoint *a = x, *b = y;
    return a->count < b->count ? -1 : a->count > b->count;
}

/* The signed checkpoints of cps (sorted by count) at count; NULL if none. */
static const struct audit_checkpoint *at_count(const struct audit_checkpoint *cps, size_t n,
                                               int64_t count, size_t *many)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cps[mid].count < count)
            lo = mid + 1;
        else
            hi = mid;
    }
    *many = 0;
    while (lo + *many < n && cps[lo + *many].count == count)
        (*many)++;
    return *many ? &cps[lo] : NULL;
}

/* Only the checkpoints whose signature holds, sorted by count. */
static struct audit_checkpoint *signed_sorted(struct arena *a, const struct audit_checkpoint *cps,
                                              size_t n, size_t *out)
{
    struct audit_checkpoint *s = arena_alloc(a, (n ? n : 1) * sizeof *s);
    *out = 0;
    for (size_t i = 0; i < n; i++)
        if (cps[i].signature_ok) s[(*out)++] = cps[i];
    qsort(s, *out, sizeof *s, by_count);
    return s;
}

/* The site's lines, each against the key beside it and against ours. */
static void check_status_keys(const char *db, const struct status_copy *sc, size_t *found)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char hex[2 * crypto_sign_PUBLICKEYBYTES + 1] = "";
    if (public_key(db, pk)) sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    const char *reported = NULL; /* once a run of lines under one other key */
    for (size_t k = 0; k < sc->n; k++) {
        const struct audit_checkpoint *cp = &sc->cps[k];
        if (strcmp(sc->keys[k], hex) && (!reported || strcmp(reported, sc->keys[k]))) {
            problem(found,
                    "checkpoint %lld: the status site's public key differs from DB.audit-key.pub"
                    " (key replaced)",
                    (long long)cp->count);
            reported = sc->keys[k];
        }
        if (!cp->signature_ok)
            problem(found, "status site checkpoint %zu: bad signature (count %lld)", k + 1,
                    (long long)cp->count);
    }
}

/* The chain against the site's signed heads (st: sorted by count), once a
 * count, in count order. */
static void check_status_heads(const struct audit_record *recs, size_t n,
                               const struct audit_checkpoint *st, size_t ns, size_t *found)
{
    for (size_t i = 0; i < ns; i++) {
        const struct audit_checkpoint *cp = &st[i];
        if (i && cp->count == st[i - 1].count && !strcmp(cp->head, st[i - 1].head)) continue;
        if (cp->count > 0 && (size_t)cp->count <= n && strcmp(recs[cp->count - 1].hash, cp->head))
            problem(found,
                    "seq %lld: head differs from the status site's signed checkpoint at count %lld"
                    " (log rewritten)",
                    (long long)cp->count, (long long)cp->count);
    }
    int64_t most = ns ? st[ns - 1].count : 0;
    if ((int64_t)n < most)
        problem(found,
                "seq %lld: truncated (%lld records; the status site's checkpoint counts %lld)",
                (long long)n + 1, (long long)n, (long long)most);
}

/* The file's signed checkpoints (fl) and the site's (st), both sorted by
 * count, count by count. */
static void compare_places(const struct audit_checkpoint *fl, size_t nl,
                           const struct audit_checkpoint *st, size_t ns, size_t *found)
{
    size_t many;
    for (size_t i = 0; i < nl; i++) {
        if (i && fl[i].count == fl[i - 1].count) continue;
        const struct audit_checkpoint *o = at_count(st, ns, fl[i].count, &many);
        if (!o)
            problem(found, "checkpoint %lld missing from the status site", (long long)fl[i].count);
        else if (strcmp(o->head, fl[i].head))
            problem(found,
                    "checkpoint %lld: the file and the status site sign different heads (log"
                    " rewritten)",
                    (long long)fl[i].count);
    }
    for (size_t i = 0; i < ns; i++)
        if ((!i || st[i].count != st[i - 1].count) && !at_count(fl, nl, st[i].count, &many))
            problem(found, "checkpoint %lld missing from the file (the status site holds it)",
                    (long long)st[i].count);
}

/* The status site's checkpoints against the chain, our key and the file's
 * checkpoints: one line per problem, each saying where. */
static size_t check_status_copy(const char *db, struct arena *a, const struct audit_record *recs,
                                size_t n, const struct audit_checkpoint *fcps, size_t nf,
                                const struct status_copy *sc)
{
    size_t found = 0, ns, nl;
    check_status_keys(db, sc, &found);
    struct audit_checkpoint *st = signed_sorted(a, sc->cps, sc->n, &ns);
    check_status_heads(recs, n, st, ns, &found);
    struct audit_checkpoint *fl = signed_sorted(a, fcps, nf, &nl);
    compare_places(fl, nl, st, ns, &found);
    return found;
}

/* --- the commands -------------------------------------------------------- */

static int audit_verify_cmd(struct store *s, const char *db, const char *status_path)
{
    struct arena a;
    arena_init(&a);
    struct audit_record *recs;
    struct audit_checkpoint *cps;
    struct status_copy sc = {.a = &a};
    size_t n, ncp;
    int r;
    if (read_chain(s, &a, &recs, &n) != STORE_OK)
        r = cli_fail("cannot read the audit chain");
    else if (!read_checkpoints(db, &a, &cps, &ncp))
        r = cli_fail("cannot read the audit checkpoints");
    else if (status_path && !read_status_copy(status_path, &sc))
        r = cli_fail("cannot read the status site's audit checkpoints");
    else {
        size_t bad = audit_verify(recs, n, cps, ncp, print_problem, NULL);
        if (status_path) bad += check_status_copy(db, &a, recs, n, cps, ncp, &sc);
        if (!bad && status_path)
            printf("intact: %zu records, %zu checkpoints, %zu on the status site\n", n, ncp, sc.n);
        else if (!bad)
            printf("intact: %zu records, %zu checkpoints\n", n, ncp);
        else
            fprintf(stderr, "postroom: audit chain NOT intact: %zu problems\n", bad);
        r = bad ? 1 : 0;
    }
    arena_free(&a);
    return r;
}

/* Signs c into the checkpoint file; line gets the signed line. */
static int append_checkpoint(const char *db, const struct audit_checkpoint *c, char *line,
                             size_t cap)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if (!signing_key(db, sk)) return cli_fail("cannot read or make the audit signing key");
    int len = audit_checkpoint_format(c, sk, line, cap - 1);
    sodium_memzero(sk, sizeof sk);
    if (len < 0) return cli_fail("cannot sign the checkpoint");
    line[len] = '\n';
    char cp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    int fd = open(cp, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return cli_fail("cannot open the checkpoint file");
    bool ok = write(fd, line, (size_t)len + 1) == len + 1 && fsync(fd) == 0;
    line[len] = 0;
    if (close(fd) != 0 || !ok) return cli_fail("cannot write the checkpoint file");
    return 0;
}

static int audit_checkpoint_cmd(struct store *s, const char *db, const char *status_path)
{
    struct arena a;
    arena_init(&a);
    struct audit_record *recs;
    struct audit_checkpoint *cps;
    size_t n, ncp;
    int r;
    char line[512];
    if (read_chain(s, &a, &recs, &n) != STORE_OK)
        r = cli_fail("cannot read the audit chain");
    else if (!read_checkpoints(db, &a, &cps, &ncp))
        r = cli_fail("cannot read the audit checkpoints");
    else if (audit_verify(recs, n, cps, ncp, print_problem, NULL))
        r = cli_fail("the audit chain is not intact: no checkpoint written");
    else {
        struct audit_checkpoint c = {.count = (int64_t)n, .time = time_now_ms()};
        memcpy(c.head, n ? recs[n - 1].hash : audit_genesis, AUDIT_HASH_HEX);
        r = append_checkpoint(db, &c, line, sizeof line);
        if (!r) printf("checkpoint: %lld records, head %s\n", (long long)c.count, c.head);
        /* the whole file: the site may have missed an earlier one */
        if (!r && status_path && !copy_to_status(status_path, db, NULL))
            r = cli_fail("checkpoint written to the file, but not to the status site");
    }
    arena_free(&a);
    return r;
}

/* The count and time of the checkpoint file's last line; false when there
 * is none. */
static bool last_checkpointed(const char *db, int64_t *count, int64_t *time)
{
    char cp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    FILE *f = fopen(cp, "r");
    if (!f) return false;
    char line[512], head[AUDIT_HASH_HEX + 1];
    long long c, t;
    bool any = false;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%lld %65s %lld", &c, head, &t) == 3) *count = c, *time = t, any = true;
    fclose(f);
    return any;
}

static int64_t env_positive(const char *name, double fallback, double scale)
{
    const char *e = getenv(name);
    double v = e ? atof(e) : 0;
    return (int64_t)((v > 0 ? v : fallback) * scale);
}

void audit_housekeeping(struct store *s, const struct server_config *c)
{
    /* only the housekeeper thread calls this */
    static int64_t every = 0, every_ms = 0, last = -1, last_time = 0;
    static bool status_whole = true; /* the next status copy sends the whole file */
    const char *status_path = c->tripwire_config ? c->tripwire_config->status_db : NULL;
    if (!every) {
        every = env_positive("POSTROOM_AUDIT_CHECKPOINT_EVERY", 1000, 1);
        every_ms = env_positive("POSTROOM_AUDIT_CHECKPOINT_SECONDS", 60, 1000);
    }
    if (last < 0) {
        last = 0, last_time = time_now_ms();
        /* what the file holds already goes to the site once, at start */
        if (last_checkpointed(c->db_path, &last, &last_time) && status_path)
            status_whole = !copy_to_status(status_path, c->db_path, NULL);
    }
    struct audit_checkpoint cp = {.time = time_now_ms()};
    if (store_operator_audit_head(s, &cp.count, cp.head) != STORE_OK) return;
    if (cp.count <= last) return;
    if (cp.count < last + every && cp.time - last_time < every_ms) return;
    /* one try per crossing: a failure is logged, the next crossing tries again */
    last = cp.count, last_time = cp.time;
    char line[512];
    if (append_checkpoint(c->db_path, &cp, line, sizeof line) != 0) {
        log_json("error", "audit checkpoint failed", NULL);
        return;
    }
    if (!status_path) return;
    bool ok = copy_to_status(status_path, c->db_path, status_whole ? NULL : line);
    if (!ok) log_json("error", "audit checkpoint not copied to the status site", NULL);
    status_whole = !ok;
}

int cmd_audit(const char *db, int argc, char **argv)
{
    bool help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
    if (help) {
        fputs(usage_audit, stdout);
        return 0;
    }
    const char *status_path = getenv("POSTROOM_STATUS_DB");
    if (argc == 3 && !strcmp(argv[1], "--status-db")) status_path = argv[2];
    if (status_path && !*status_path) status_path = NULL;
    bool verify = (argc == 1 || argc == 3) && !strcmp(argv[0], "verify");
    bool checkpoint = (argc == 1 || argc == 3) && !strcmp(argv[0], "checkpoint");
    if ((!verify && !checkpoint) || (argc == 3 && strcmp(argv[1], "--status-db")))
        return cli_fail("usage: audit verify|checkpoint [--status-db PATH] (see --help)");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    /* a server killed since its last round left reads only in its journal */
    if (cli_replay_audit_journals(db) < 0) {
        store_close(s);
        return 1;
    }
    int r =
        verify ? audit_verify_cmd(s, db, status_path) : audit_checkpoint_cmd(s, db, status_path);
    store_close(s);
    return r;
}
