/* status_cli: `postroom status ...`, `status-serve` and `status-export`.
 * They open the status database (--status-db PATH, else $POSTROOM_STATUS_DB,
 * else data/status.db) and never the app's, so they work while it is down. */
#include "app/status_cli.h"
#include "app/cli.h"
#include "http/server.h"
#include "status/status_db.h"
#include "status/status_http.h"
#include "status/status_json.h"
#include "status/status_page.h"
#include "status/status_probe.h"
#include "util/arena.h"
#include "util/timefmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_STATUS_DB "data/status.db"
#define MAX_COMPONENTS 16

static const char usage_status[] =
    "usage: postroom status incident create --name TEXT --status STATUS --impact IMPACT\n"
    "                       [--component NAME ...] --body TEXT   (prints the incident's id)\n"
    "       postroom status incident update ID --status STATUS --body TEXT\n"
    "       postroom status component set NAME STATE\n"
    "       postroom status maintenance create --name TEXT --scheduled-for TIME\n"
    "                       --scheduled-until TIME [--component NAME ...] --body TEXT\n"
    "       postroom status maintenance update ID --status MSTATUS --body TEXT\n"
    "  STATUS  investigating|identified|monitoring|resolved\n"
    "  IMPACT  none|minor|major|critical\n"
    "  STATE   operational|degraded_performance|partial_outage|major_outage|under_maintenance\n"
    "  MSTATUS scheduled|in_progress|verifying|completed (in_progress puts the components\n"
    "          under_maintenance, completed makes them operational again)\n"
    "  TIME    RFC 3339, e.g. 2026-12-02T01:00:00Z\n"
    "Every command takes --status-db PATH (else $POSTROOM_STATUS_DB, else " DEFAULT_STATUS_DB
    ").\n";

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return true;
    return false;
}

/* Takes --status-db PATH out of argv (wherever it is); NULL if it has no value. */
static const char *take_db(int *argc, char **argv, bool *bad)
{
    const char *db = getenv("POSTROOM_STATUS_DB");
    if (!db || !*db) db = DEFAULT_STATUS_DB;
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        if (!strcmp(argv[i], "--status-db")) {
            if (i + 1 >= *argc)
                *bad = true;
            else
                db = argv[++i];
            continue;
        }
        argv[out++] = argv[i];
    }
    *argc = out;
    return db;
}

static int open_db(const char *path, struct status_db **db)
{
    if (status_db_open(path, true, db) != STATUS_OK)
        return cli_fail("cannot open the status database");
    return 0;
}

static int report(enum status_rc rc, const char *notfound)
{
    switch (rc) {
    case STATUS_OK:
        return 0;
    case STATUS_BAD:
        return cli_fail("invalid status, impact, state or empty text (see status --help)");
    case STATUS_NOTFOUND:
        return cli_fail(notfound);
    case STATUS_ERROR:
        break;
    }
    return cli_fail("cannot write the status database");
}

static int incident_create(const char *path, int argc, char **argv)
{
    const char *name = NULL, *status = NULL, *impact = NULL, *body = NULL;
    const char *comps[MAX_COMPONENTS];
    int ncomps = 0;
    for (int i = 0; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_fail("every incident create option takes a value");
        if (!strcmp(a, "--name"))
            name = v;
        else if (!strcmp(a, "--status"))
            status = v;
        else if (!strcmp(a, "--impact"))
            impact = v;
        else if (!strcmp(a, "--body"))
            body = v;
        else if (!strcmp(a, "--component")) {
            if (ncomps == MAX_COMPONENTS) return cli_fail("at most 16 --component options");
            comps[ncomps++] = v;
        } else
            return cli_fail("unknown incident create option (see status --help)");
    }
    if (!name || !status || !impact || !body)
        return cli_fail("incident create needs --name, --status, --impact and --body");
    if (!status_incident_status_valid(status))
        return cli_fail("--status must be investigating, identified, monitoring or resolved");
    if (!status_impact_valid(impact))
        return cli_fail("--impact must be none, minor, major or critical");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    int64_t id = 0;
    enum status_rc rc =
        status_incident_create(db, name, status, impact, comps, ncomps, body, time_now_ms(), &id);
    status_db_close(db);
    if (report(rc, "no such component")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

/* `status incident|maintenance update ID --status STATUS --body TEXT`:
 * what (the word in the messages) names which; 0, or 1 having said why. */
static int parse_update(const char *what, int argc, char **argv, long long *id, const char **status,
                        const char **body)
{
    char msg[120];
    if (argc < 1) {
        snprintf(msg, sizeof msg, "usage: status %s update ID --status STATUS --body TEXT", what);
        return cli_fail(msg);
    }
    char *end;
    errno = 0;
    *id = strtoll(argv[0], &end, 10);
    if (errno || *end || end == argv[0] || *id < 1) {
        snprintf(msg, sizeof msg, "the %s id must be a number", what);
        return cli_fail(msg);
    }
    *status = *body = NULL;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            snprintf(msg, sizeof msg, "every %s update option takes a value", what);
            return cli_fail(msg);
        }
        if (!strcmp(a, "--status"))
            *status = v;
        else if (!strcmp(a, "--body"))
            *body = v;
        else {
            snprintf(msg, sizeof msg, "unknown %s update option (see status --help)", what);
            return cli_fail(msg);
        }
    }
    if (!*status || !*body) {
        snprintf(msg, sizeof msg, "%s update needs --status and --body", what);
        return cli_fail(msg);
    }
    return 0;
}

static int incident_update(const char *path, int argc, char **argv)
{
    long long id;
    const char *status, *body;
    if (parse_update("incident", argc, argv, &id, &status, &body)) return 1;
    if (!status_incident_status_valid(status))
        return cli_fail("--status must be investigating, identified, monitoring or resolved");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    enum status_rc rc = status_incident_update(db, id, status, body, time_now_ms());
    status_db_close(db);
    return report(rc, "no such incident");
}

static int component_set(const char *path, int argc, char **argv)
{
    if (argc != 2) return cli_fail("usage: status component set NAME STATE");
    if (!status_component_state_valid(argv[1]))
        return cli_fail("the state must be operational, degraded_performance, partial_outage, "
                        "major_outage or under_maintenance");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    enum status_rc rc = status_component_set(db, argv[0], argv[1], time_now_ms());
    status_db_close(db);
    return report(rc, "no such component");
}

static int maintenance_create(const char *path, int argc, char **argv)
{
    const char *name = NULL, *from = NULL, *until = NULL, *body = NULL;
    const char *comps[MAX_COMPONENTS];
    int ncomps = 0;
    for (int i = 0; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_fail("every maintenance create option takes a value");
        if (!strcmp(a, "--name"))
            name = v;
        else if (!strcmp(a, "--scheduled-for"))
            from = v;
        else if (!strcmp(a, "--scheduled-until"))
            until = v;
        else if (!strcmp(a, "--body"))
            body = v;
        else if (!strcmp(a, "--component")) {
            if (ncomps == MAX_COMPONENTS) return cli_fail("at most 16 --component options");
            comps[ncomps++] = v;
        } else
            return cli_fail("unknown maintenance create option (see status --help)");
    }
    if (!name || !from || !until || !body)
        return cli_fail("maintenance create needs --name, --scheduled-for, --scheduled-until and "
                        "--body");
    int64_t t0, t1;
    if (!time_parse_rfc3339(from, &t0) || !time_parse_rfc3339(until, &t1))
        return cli_fail("--scheduled-for and --scheduled-until must be RFC 3339 times");
    if (t1 <= t0) return cli_fail("--scheduled-until must be after --scheduled-for");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    int64_t id = 0;
    enum status_rc rc =
        status_maintenance_create(db, name, t0, t1, comps, ncomps, body, time_now_ms(), &id);
    status_db_close(db);
    if (report(rc, "no such component")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int maintenance_update(const char *path, int argc, char **argv)
{
    long long id;
    const char *status, *body;
    if (parse_update("maintenance", argc, argv, &id, &status, &body)) return 1;
    if (!status_maintenance_status_valid(status))
        return cli_fail("--status must be scheduled, in_progress, verifying or completed");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    enum status_rc rc = status_maintenance_update(db, id, status, body, time_now_ms());
    status_db_close(db);
    return report(rc, "no such maintenance");
}

int cmd_status(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_status, stdout);
        return 0;
    }
    bool bad = false;
    const char *path = take_db(&argc, argv, &bad);
    if (bad) return cli_fail("--status-db takes a value");
    if (argc >= 2 && !strcmp(argv[0], "incident") && !strcmp(argv[1], "create"))
        return incident_create(path, argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[0], "incident") && !strcmp(argv[1], "update"))
        return incident_update(path, argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[0], "component") && !strcmp(argv[1], "set"))
        return component_set(path, argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[0], "maintenance") && !strcmp(argv[1], "create"))
        return maintenance_create(path, argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[0], "maintenance") && !strcmp(argv[1], "update"))
        return maintenance_update(path, argc - 2, argv + 2);
    return cli_fail(
        "usage: status incident create|update, status component set, status maintenance "
        "create|update (see status --help)");
}

static const char usage_serve[] =
    "usage: postroom status-serve [--listen HOST:PORT] [--status-db PATH]\n"
    "                             [--probe [NAME=]URL ...] [--probe-interval SECONDS]\n"
    "                             [--probe-failures N]\n"
    "Serves the public status site (the page at /, /history.atom, /history.rss and\n"
    "Statuspage v2 JSON under /api/v2/) from the status database alone; it never\n"
    "opens the app's database.\n"
    "  --listen          default 127.0.0.1:8081\n"
    "  --status-db       else $POSTROOM_STATUS_DB, else " DEFAULT_STATUS_DB "\n"
    "  --probe           GET URL (http:// only; no path: /healthz) every interval;\n"
    "                    NAME=URL stands for the component NAME, a bare URL for every\n"
    "                    component. Repeatable. After N failures in a row the\n"
    "                    components go to major_outage with an incident; back to\n"
    "                    operational (the incident resolved) when it answers 200 again.\n"
    "                    States set by hand (under_maintenance...) are never touched.\n"
    "  --probe-interval  seconds between rounds, default 10\n"
    "  --probe-failures  failures in a row before an outage, default 3\n";

#define MAX_PROBES 16

/* --probe, --probe-interval and --probe-failures; 1 (after the message) on
 * a bad one, -1 if argv[i] is none of them. */
static int probe_option(char **argv, int i, int argc, struct status_prober_config *pc,
                        struct status_probe *probes)
{
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--probe") && strcmp(a, "--probe-interval") && strcmp(a, "--probe-failures"))
        return -1;
    if (!v) return cli_fail("--probe, --probe-interval and --probe-failures take a value");
    char *end;
    if (!strcmp(a, "--probe")) {
        const char *why;
        if (pc->nprobes == MAX_PROBES) return cli_fail("at most 16 --probe options");
        if (!status_probe_parse(v, &probes[pc->nprobes], &why)) return cli_fail(why);
        pc->nprobes++;
    } else if (!strcmp(a, "--probe-interval")) {
        double s = strtod(v, &end);
        if (*end || end == v || !(s >= 0.05 && s <= 3600))
            return cli_fail("--probe-interval must be seconds from 0.05 to 3600");
        pc->interval_ms = (int)(s * 1000);
    } else {
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 1000)
            return cli_fail("--probe-failures must be a number from 1 to 1000");
        pc->failures = (int)n;
    }
    return 0;
}

/* Every probe's NAME must be a component of the page. */
static int check_probes(struct status_db *db, const struct status_prober_config *pc)
{
    for (int i = 0; i < pc->nprobes; i++) {
        const char *name = pc->probes[i].component;
        if (*name && !status_component_exists(db, name))
            return cli_fail("--probe names no such component");
    }
    return 0;
}

int cmd_status_serve(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_serve, stdout);
        return 0;
    }
    bool bad = false;
    const char *path = take_db(&argc, argv, &bad);
    if (bad) return cli_fail("--status-db takes a value");
    struct server_config c;
    server_config_defaults(&c);
    c.db_path = NULL; /* no app store: the status site outlives the app's database */
    c.port = 8081;
    static struct status_probe probes[MAX_PROBES];
    struct status_prober_config pc = {path, probes, 0, 10000, 3};
    for (int i = 0; i < argc; i += 2) {
        int rc = probe_option(argv, i, argc, &pc, probes);
        if (rc > 0) return rc;
        if (rc == 0) continue;
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--listen") || !v) return cli_fail("usage: status-serve (see --help)");
        if (!server_parse_listen(&c, v)) return cli_fail("--listen must be HOST:PORT");
    }
    struct status_db *db;
    if (open_db(path, &db)) return 1; /* created and migrated before the first request */
    int rc = check_probes(db, &pc);
    status_db_close(db);
    if (rc) return rc;
    status_http_set_db(path);
    c.routes = &status_routes;
    if (!status_prober_start(&pc)) return cli_fail("cannot start the prober");
    rc = server_run(&c);
    status_prober_stop();
    return rc;
}

static bool mkdirs(const char *dir, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    if (mkdir(p, 0755) && errno != EEXIST) return false;
    char s[256];
    snprintf(s, sizeof s, "%s", sub);
    for (char *t = strtok(s, "/"); t; t = strtok(NULL, "/")) {
        size_t n = strlen(p);
        snprintf(p + n, sizeof p - n, "/%s", t);
        if (mkdir(p, 0755) && errno != EEXIST) return false;
    }
    return true;
}

static bool write_file(const char *dir, const char *rel, const struct buf *b)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "wb");
    if (!f) return false;
    bool ok = !b->len || fwrite(b->data, 1, b->len, f) == b->len; /* an empty file: no data */
    return fclose(f) == 0 && ok;
}

int cmd_status_export(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: postroom status-export DIR [--status-db PATH]\n"
               "Writes the status site (DIR/index.html, status.css, history.atom,\n"
               "history.rss, api/v2/*.json and the access audit's checkpoints in\n"
               "audit/checkpoints.txt and audit/public-keys.txt), the same bytes\n"
               "status-serve answers, for any static web host.\n");
        return 0;
    }
    bool bad = false;
    const char *path = take_db(&argc, argv, &bad);
    if (bad) return cli_fail("--status-db takes a value");
    if (argc != 1) return cli_fail("usage: status-export DIR [--status-db PATH]");
    const char *dir = argv[0];
    if (!mkdirs(dir, "api/v2/incidents") || !mkdirs(dir, "api/v2/scheduled-maintenances") ||
        !mkdirs(dir, "audit"))
        return cli_fail("cannot create the export directory");
    struct status_db *db;
    if (open_db(path, &db)) return 1;
    struct arena a;
    arena_init(&a);
    int rc = 0;
    for (int d = 0; d < STATUS_DOC_COUNT && !rc; d++) {
        struct buf b;
        buf_init(&b, &a);
        if (!status_write_doc(db, (enum status_doc)d, &b))
            rc = cli_fail("cannot read the status database");
        else if (!write_file(dir, status_doc_paths[d], &b))
            rc = cli_fail("cannot write the export");
    }
    /* the page, its stylesheet and the feeds beside the JSON */
    for (int m = 0; m < 4 && !rc; m++) {
        struct buf b;
        buf_init(&b, &a);
        static const char *const paths[] = {STATUS_PAGE_PATH, STATUS_CSS_PATH, STATUS_ATOM_PATH,
                                            STATUS_RSS_PATH};
        bool ok = m == 0   ? status_write_page(db, status_page_now(), &b)
                  : m == 1 ? (buf_adds(&b, status_css), true)
                  : m == 2 ? status_write_atom(db, &b)
                           : status_write_rss(db, &b);
        if (!ok)
            rc = cli_fail("cannot read the status database");
        else if (!write_file(dir, paths[m], &b))
            rc = cli_fail("cannot write the export");
    }
    /* the access audit's checkpoints, as status-serve publishes them */
    for (int k = 0; k < 2 && !rc; k++) {
        struct buf b;
        buf_init(&b, &a);
        bool ok = k ? status_write_audit_keys(db, &b) : status_write_audit_lines(db, &b);
        if (!ok)
            rc = cli_fail("cannot read the status database");
        else if (!write_file(dir, k ? STATUS_AUDIT_KEYS_PATH : STATUS_AUDIT_LINES_PATH, &b))
            rc = cli_fail("cannot write the export");
    }
    arena_free(&a);
    status_db_close(db);
    return rc;
}
