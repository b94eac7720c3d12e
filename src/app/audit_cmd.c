/* audit_cmd: `postroom audit verify | checkpoint`, the operator's side of
 * the access audit (domain/audit.h). The chain lives in the database; what
 * vouches for it lives beside it, where the database cannot rewrite it:
 *
 *   DB.audit-key          Ed25519 secret key, made once, mode 0600
 *   DB.audit-key.pub      its public key
 *   DB.audit-checkpoints  one signed line per checkpoint, appended only
 *
 * verify re-walks the whole chain against every checkpoint; checkpoint
 * signs the head of a chain that verifies, and refuses one that does not. */
#include "app/audit_cmd.h"
#include "app/cli.h"
#include "domain/audit.h"
#include "http/server.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_audit =
    "usage: postroom [--db PATH] audit verify       re-walk the chain against the checkpoints\n"
    "       postroom [--db PATH] audit checkpoint   sign the head of an intact chain\n"
    "Keys and checkpoints sit beside the database: DB.audit-key (0600), DB.audit-key.pub,\n"
    "DB.audit-checkpoints. verify exits 0 when intact, 1 with one line per problem.\n";

static void path_of(char *out, size_t cap, const char *db, const char *suffix)
{
    snprintf(out, cap, "%s.%s", db, suffix);
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

/* The checkpoint file's lines, parsed and their signatures checked; a line
 * that is no checkpoint at all counts as one with a bad signature. No file
 * is no checkpoint yet. */
static bool read_checkpoints(const char *db, struct arena *a, struct audit_checkpoint **cps,
                             size_t *n)
{
    char cp[4096], pp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    path_of(pp, sizeof pp, db, "audit-key.pub");
    *cps = NULL;
    *n = 0;
    FILE *f = fopen(cp, "r");
    if (!f) return errno == ENOENT;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    bool have_pk = read_exact(pp, pk, sizeof pk);
    size_t cap = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct audit_checkpoint *g = arena_alloc(a, cap * sizeof *g);
            if (*n) memcpy(g, *cps, *n * sizeof *g);
            *cps = g;
        }
        struct audit_checkpoint *c = &(*cps)[(*n)++];
        if (!have_pk || !audit_checkpoint_parse(line, pk, c)) c->signature_ok = false;
    }
    fclose(f);
    return true;
}

static void print_problem(void *ctx, int64_t seq, const char *message)
{
    (void)ctx;
    (void)seq;
    printf("%s\n", message);
}

static int audit_verify_cmd(struct store *s, const char *db)
{
    struct arena a;
    arena_init(&a);
    struct audit_record *recs;
    struct audit_checkpoint *cps;
    size_t n, ncp;
    int r;
    if (read_chain(s, &a, &recs, &n) != STORE_OK)
        r = cli_fail("cannot read the audit chain");
    else if (!read_checkpoints(db, &a, &cps, &ncp))
        r = cli_fail("cannot read the audit checkpoints");
    else {
        size_t bad = audit_verify(recs, n, cps, ncp, print_problem, NULL);
        if (!bad)
            printf("intact: %zu records, %zu checkpoints\n", n, ncp);
        else
            fprintf(stderr, "postroom: audit chain NOT intact: %zu problems\n", bad);
        r = bad ? 1 : 0;
    }
    arena_free(&a);
    return r;
}

static int append_checkpoint(const char *db, const struct audit_checkpoint *c, bool say)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if (!signing_key(db, sk)) return cli_fail("cannot read or make the audit signing key");
    char line[512];
    int len = audit_checkpoint_format(c, sk, line, sizeof line - 1);
    sodium_memzero(sk, sizeof sk);
    if (len < 0) return cli_fail("cannot sign the checkpoint");
    line[len++] = '\n';
    char cp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    int fd = open(cp, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return cli_fail("cannot open the checkpoint file");
    bool ok = write(fd, line, (size_t)len) == len && fsync(fd) == 0;
    if (close(fd) != 0 || !ok) return cli_fail("cannot write the checkpoint file");
    if (say) printf("checkpoint: %lld records, head %s\n", (long long)c->count, c->head);
    return 0;
}

static int audit_checkpoint_cmd(struct store *s, const char *db)
{
    struct arena a;
    arena_init(&a);
    struct audit_record *recs;
    struct audit_checkpoint *cps;
    size_t n, ncp;
    int r;
    if (read_chain(s, &a, &recs, &n) != STORE_OK)
        r = cli_fail("cannot read the audit chain");
    else if (!read_checkpoints(db, &a, &cps, &ncp))
        r = cli_fail("cannot read the audit checkpoints");
    else if (audit_verify(recs, n, cps, ncp, print_problem, NULL))
        r = cli_fail("the audit chain is not intact: no checkpoint written");
    else {
        struct audit_checkpoint c = {.count = (int64_t)n, .time = time_now_ms()};
        memcpy(c.head, n ? recs[n - 1].hash : audit_genesis, AUDIT_HASH_HEX);
        r = append_checkpoint(db, &c, true);
    }
    arena_free(&a);
    return r;
}

/* The count of the checkpoint file's last line; 0 when there is none. */
static int64_t last_checkpointed(const char *db)
{
    char cp[4096];
    path_of(cp, sizeof cp, db, "audit-checkpoints");
    FILE *f = fopen(cp, "r");
    if (!f) return 0;
    char line[512];
    long long count = 0, c;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%lld", &c) == 1) count = c;
    fclose(f);
    return count;
}

void audit_housekeeping(struct store *s, const struct server_config *c)
{
    /* only the housekeeper thread calls this */
    static int64_t every = 0, last = -1;
    if (!every) {
        const char *e = getenv("POSTROOM_AUDIT_CHECKPOINT_EVERY");
        every = e && atoll(e) > 0 ? atoll(e) : 1000;
    }
    if (last < 0) last = last_checkpointed(c->db_path);
    struct audit_checkpoint cp = {.time = time_now_ms()};
    if (store_operator_audit_head(s, &cp.count, cp.head) != STORE_OK) return;
    if (cp.count < last + every) return;
    /* one try per crossing: a failure is logged, the next crossing tries again */
    last = cp.count;
    if (append_checkpoint(c->db_path, &cp, false) != 0)
        log_json("error", "audit checkpoint failed", NULL);
}

int cmd_audit(const char *db, int argc, char **argv)
{
    bool help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
    bool verify = argc == 1 && !strcmp(argv[0], "verify");
    bool checkpoint = argc == 1 && !strcmp(argv[0], "checkpoint");
    if (help) {
        fputs(usage_audit, stdout);
        return 0;
    }
    if (!verify && !checkpoint) return cli_fail("usage: audit verify|checkpoint (see --help)");
    struct store *s;
    if (store_open(db, &s) != STORE_OK) return cli_fail("cannot open the database");
    if (store_migrate(s, NULL) != STORE_OK) {
        store_close(s);
        return cli_fail("cannot migrate the database");
    }
    int r = verify ? audit_verify_cmd(s, db) : audit_checkpoint_cmd(s, db);
    store_close(s);
    return r;
}
