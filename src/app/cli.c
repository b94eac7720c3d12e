/* cli: the commands' error line, database, login name and audit record. */
#include "app/cli.h"
#include "domain/audit.h"
#include "http/audit_journal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const char *msg)
{
    fprintf(stderr, "postroom: %s\n", msg);
    return 1;
}

int cli_open_migrated(const char *db, struct store **s)
{
    if (store_open(db, s) != STORE_OK) return cli_fail("cannot open the database");
    if (store_migrate(*s, NULL) != STORE_OK) {
        store_close(*s);
        return cli_fail("cannot migrate the database");
    }
    return 0;
}

const char *cli_login_name(void)
{
    static char name[65];
    const char *u = getenv("SUDO_USER");
    if (!u || !*u) u = getenv("USER");
    if (!u || !*u) u = "unknown";
    size_t n = 0;
    for (; *u && n < sizeof name - 1; u++, n++)
        name[n] = (strchr("._@-", *u) || (*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
                   (*u >= '0' && *u <= '9'))
                      ? *u
                      : '_';
    name[n] = 0;
    return name;
}

bool cli_audit(struct store *s, int64_t data_tenant, const char *action, const char *objects)
{
    char host[64] = "", server[96], who[80];
    gethostname(host, sizeof host - 1);
    snprintf(server, sizeof server, "%s:%ld", host, (long)getpid());
    snprintf(who, sizeof who, "cli:%s", cli_login_name());
    struct audit_actor a = {server, "cli", 0, who};
    struct audit_record r =
        audit_record_of(&a, time_now_ms(), data_tenant, action, objects ? objects : "");
    return store_audit_append(s, &r, 1) == STORE_OK;
}

int cli_audit_told(struct store *s, int64_t data_tenant, const char *action, const char *objects)
{
    if (cli_audit(s, data_tenant, action, objects)) return 0;
    fprintf(stderr, "postroom: done, but the access audit could not record it (%s)\n", action);
    return 1;
}

int cli_replay_audit_journals(const char *db)
{
    struct arena a;
    arena_init(&a);
    char *dir = audit_journal_dir(&a, db);
    int n = dir ? audit_journal_replay(db, dir, NULL) : 0;
    arena_free(&a);
    if (n < 0)
        fprintf(stderr, "postroom: a stopped server's audit journal could not be appended\n");
    else if (n > 0)
        fprintf(stderr, "postroom: appended %d audit journal%s a stopped server left\n", n,
                n == 1 ? "" : "s");
    return n;
}
