/* operator_cli: the operators' accounts from the command line.
 *
 *   postroom operator add EMAIL       password on stdin; prints the TOTP
 *                                     secret and its otpauth:// URI, once
 *   postroom operator list
 *   postroom operator disable EMAIL   also ends its sessions
 *
 * An operator signs in at /ops/login with the password and a code from an
 * authenticator holding the secret; there is no way to sign in without one.
 * The secret is printed only here, once: whoever runs the command hands it
 * to the operator's authenticator (the URI as a QR code, or the base32).
 * Adding and disabling are recorded in the access audit as the login name
 * that ran the command (cli:NAME, principal tenant 0). */
#include "app/operator_cli.h"
#include "app/cli.h"
#include "auth/operator_totp.h"
#include "auth/password.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *usage = "usage: postroom [--db PATH] operator add EMAIL   (password on stdin)\n"
                           "       postroom [--db PATH] operator list\n"
                           "       postroom [--db PATH] operator disable EMAIL\n"
                           "add prints the operator's TOTP secret (base32) and its otpauth:// URI\n"
                           "once, for an authenticator app: every sign-in at /ops/login needs the\n"
                           "password and a current 6-digit code. disable also ends its sessions.\n";

static bool valid_email(const char *e)
{
    const char *at = strchr(e, '@');
    if (!at || at == e || !at[1] || strchr(at + 1, '@') || strlen(e) > 254) return false;
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127 || strchr("<>\"", *p))
            return false;
    return true;
}

/* One line from stdin without its newline; false when none, or too long. */
static bool read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin)) return false;
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = 0;
    else if (len == n - 1)
        return false;
    if (len && out[len - 1] == '\r') out[--len] = 0;
    return true;
}

/* The record of an operator account's change. */
static bool audit(struct store *s, const char *action, int64_t operator_id)
{
    char objects[40];
    snprintf(objects, sizeof objects, "operator:%lld", (long long)operator_id);
    return cli_audit(s, 0, action, objects);
}

static int operator_add(const char *db, const char *email)
{
    if (!valid_email(email)) return cli_fail("EMAIL is not an e-mail address");
    char pw[PASSWORD_MAX_LEN + 2], hash[PASSWORD_HASH_MAX], secret[TOTP_SECRET_B32];
    if (!read_password(pw, sizeof pw)) return cli_fail("cannot read the password from stdin");
    bool ok = strlen(pw) >= PASSWORD_MIN_LEN;
    bool hashed = ok && password_hash(pw, hash);
    sodium_memzero(pw, sizeof pw);
    if (!ok) return cli_fail("the password must be at least 10 characters");
    if (!hashed) return cli_fail("cannot hash the password");
    if (!totp_secret_new(secret)) return cli_fail("cannot make a TOTP secret");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t id = 0;
    int rc = store_operator_account_add(s, email, hash, secret, time_now_ms(), &id);
    bool recorded = rc == STORE_OK && audit(s, "operator.add", id);
    store_close(s);
    if (rc == STORE_CONFLICT) return cli_fail("that e-mail address is already an operator");
    if (rc != STORE_OK) return cli_fail("cannot add the operator");
    if (!recorded) {
        /* no secret is shown for an operator nobody can account for */
        sodium_memzero(secret, sizeof secret);
        return cli_fail("the operator was added but its audit record could not be written: "
                        "disable it and add it again");
    }
    struct arena a;
    arena_init(&a);
    printf("operator:%lld %s\n"
           "TOTP secret (base32, shown once): %s\n"
           "otpauth URI: %s\n",
           (long long)id, email, secret, totp_uri(&a, email, secret));
    arena_free(&a);
    sodium_memzero(secret, sizeof secret);
    return 0;
}

static int operator_list(const char *db)
{
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    struct arena a;
    arena_init(&a);
    struct operator_row *rows;
    size_t n;
    int rc = store_operator_account_list(s, &a, &rows, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        char made[40], off[40] = "";
        time_format_rfc3339(rows[i].created_at, made, sizeof made);
        if (rows[i].disabled_at) time_format_rfc3339(rows[i].disabled_at, off, sizeof off);
        printf("operator:%lld %s created=%s %s%s\n", (long long)rows[i].operator_id, rows[i].email,
               made, rows[i].disabled_at ? "disabled=" : "active", off);
    }
    arena_free(&a);
    store_close(s);
    return rc == STORE_OK ? 0 : cli_fail("cannot list the operators");
}

static int operator_disable(const char *db, const char *email)
{
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    int64_t id = 0;
    int rc = store_operator_account_disable(s, email, time_now_ms(), &id);
    bool recorded = rc == STORE_OK && audit(s, "operator.disable", id);
    store_close(s);
    if (rc == STORE_NOTFOUND) return cli_fail("no operator has that e-mail address");
    if (rc != STORE_OK) return cli_fail("cannot disable the operator");
    if (!recorded)
        return cli_fail("the operator was disabled but the audit record could not be written");
    fprintf(stderr, "postroom: operator disabled, its sessions ended\n");
    return 0;
}

int cmd_operator(const char *db, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
    if (argc == 2 && !strcmp(argv[0], "add")) return operator_add(db, argv[1]);
    if (argc == 1 && !strcmp(argv[0], "list")) return operator_list(db);
    if (argc == 2 && !strcmp(argv[0], "disable")) return operator_disable(db, argv[1]);
    fputs(usage, stderr);
    return 2;
}
