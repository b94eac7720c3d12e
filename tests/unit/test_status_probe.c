/* test_status_probe: the prober (status/status_probe.c): --probe's URLs; one
 * GET with a deadline (200 is up, anything else or nothing is down); and
 * the rule applied round by round: only operational components go down,
 * with one incident for the outage however many rounds fail; a state set
 * by hand is never overwritten; the incident is resolved when the last
 * component it moved is back; once an operator resolved it, the prober
 * opens no second one for the same outage. */
#include "check.h"
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "status/status_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int64_t count(struct status_db *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static const char *state(struct status_db *db, const char *name)
{
    static char out[32];
    sqlite3_stmt *st;
    out[0] = 0;
    if (sqlite3_prepare_v2(db->db, "SELECT status FROM components WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static void test_parse(void)
{
    struct status_probe p;
    const char *why = NULL;
    CHECK(status_probe_parse("http://127.0.0.1:8080", &p, &why));
    CHECK_STR(p.component, "");
    CHECK_STR(p.host, "127.0.0.1");
    CHECK_STR(p.port, "8080");
    CHECK_STR(p.path, "/healthz");
    CHECK(status_probe_parse("Web app=http://app.internal/health?x=1", &p, &why));
    CHECK_STR(p.component, "Web app");
    CHECK_STR(p.port, "80");
    CHECK_STR(p.path, "/health?x=1");
    CHECK(!status_probe_parse("=http://h/", &p, &why));
    CHECK(!status_probe_parse("https://app/healthz", &p, &why));
    CHECK(strstr(why, "http://") != NULL);
    CHECK(!status_probe_parse("http://:80/", &p, &why));
    CHECK(!status_probe_parse("http://h:8a/", &p, &why));
    CHECK(!status_probe_parse("http://h:/", &p, &why));
    CHECK(!status_probe_parse("app:80", &p, &why));
}

/* A one-connection server answering with reply (NULL: never answers). */
struct fake {
    int fd;
    const char *reply;
};

static void *serve_once(void *arg)
{
    struct fake *f = arg;
    int c = accept(f->fd, NULL, NULL);
    if (c < 0) return NULL;
    char buf[2048];
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n > 0 && f->reply) {
        ssize_t w = send(c, f->reply, strlen(f->reply), MSG_NOSIGNAL);
        (void)w;
    }
    if (!f->reply) {
        char more[16];
        ssize_t r = recv(c, more, sizeof more, 0); /* until the prober gives up */
        (void)r;
    }
    close(c);
    return NULL;
}

static bool probe_against(const char *reply, int timeout_ms)
{
    struct fake f = {socket(AF_INET, SOCK_STREAM, 0), reply};
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(f.fd, (struct sockaddr *)&a, sizeof a) || listen(f.fd, 1) ||
        getsockname(f.fd, (struct sockaddr *)&a, &al))
        return false;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", ntohs(a.sin_port));
    struct status_probe p;
    const char *why;
    pthread_t t;
    pthread_create(&t, NULL, serve_once, &f);
    bool ok = status_probe_parse(url, &p, &why) && status_probe_once(&p, timeout_ms);
    pthread_join(t, NULL);
    close(f.fd);
    return ok;
}

static void test_once(void)
{
    CHECK(probe_against("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5000));
    CHECK(!probe_against("HTTP/1.1 503 Service Unavailable\r\n\r\n", 5000));
    CHECK(!probe_against("HTTP/1.1 2000 OK\r\n\r\n", 5000));
    CHECK(!probe_against("garbage", 5000));
    CHECK(!probe_against(NULL, 300)); /* silent: the deadline ends it */
    struct status_probe p;
    const char *why;
    CHECK(status_probe_parse("http://127.0.0.1:1/healthz", &p, &why)); /* refused */
    CHECK(!status_probe_once(&p, 2000));
}

static const char *const all[] = {"Web app", "API", "Labels", "Imports", "Tracking"};

static void test_rule(struct status_db *db)
{
    CHECK_INT(status_component_set(db, "Tracking", "under_maintenance", 100), STATUS_OK);
    /* an outage: four components taken, the one under maintenance left */
    CHECK_INT(status_probe_apply(db, all, 5, 3, 1000, 1100), STATUS_OK);
    CHECK_STR(state(db, "Web app"), "major_outage");
    CHECK_STR(state(db, "Imports"), "major_outage");
    CHECK_STR(state(db, "Tracking"), "under_maintenance");
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 1);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE status = 'investigating' AND"
                        " impact = 'critical' AND name LIKE '%unavailable'"),
              1);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_components"), 4);
    CHECK_INT(count(db, "SELECT count(*) FROM update_components"), 4);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates WHERE body LIKE '%failed 3 times%'"),
              1);
    int64_t changes = count(db, "SELECT count(*) FROM component_changes");

    /* more failing rounds change nothing */
    for (int i = 0; i < 5; i++)
        CHECK_INT(status_probe_apply(db, all, 5, 3, 1000, 1200 + i), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 1);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates"), 1);
    CHECK_INT(count(db, "SELECT count(*) FROM component_changes"), changes);

    /* an operator says API is only partly out: that is theirs now */
    CHECK_INT(status_component_set(db, "API", "partial_outage", 1300), STATUS_OK);
    CHECK_INT(status_probe_apply(db, NULL, 0, 3, 0, 1400), STATUS_OK);
    CHECK_STR(state(db, "Web app"), "operational");
    CHECK_STR(state(db, "Labels"), "operational");
    CHECK_STR(state(db, "API"), "partial_outage");
    CHECK_STR(state(db, "Tracking"), "under_maintenance");
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE status = 'resolved' AND"
                        " resolved_at = 1400"),
              1);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates"), 2);
    CHECK_INT(count(db, "SELECT count(*) FROM update_components u JOIN incident_updates i ON"
                        " i.id = u.update_id WHERE i.status = 'resolved' AND"
                        " u.new_status = 'operational'"),
              3);
    CHECK_INT(count(db, "SELECT count(*) FROM prober"), 0);
    CHECK_INT(status_probe_apply(db, NULL, 0, 3, 0, 1500), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates"), 2);

    /* a second outage, resolved by hand while it lasts: no second incident */
    CHECK_INT(status_component_set(db, "API", "operational", 1600), STATUS_OK);
    const char *web[] = {"Web app"}, *two[] = {"Web app", "Labels"};
    CHECK_INT(status_probe_apply(db, web, 1, 3, 1700, 1800), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 2);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE resolved_at IS NULL"), 1);
    int64_t id = count(db, "SELECT max(id) FROM incidents");
    CHECK_INT(status_incident_update(db, id, "resolved", "Known, we are on it.", 1900), STATUS_OK);
    CHECK_INT(status_probe_apply(db, two, 2, 3, 1700, 2000), STATUS_OK);
    CHECK_STR(state(db, "Labels"), "major_outage");
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 2);
    CHECK_INT(status_probe_apply(db, NULL, 0, 3, 0, 2100), STATUS_OK);
    CHECK_STR(state(db, "Web app"), "operational");
    CHECK_STR(state(db, "Labels"), "operational");
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates WHERE incident_id ="
                        " (SELECT max(id) FROM incidents)"),
              2);

    /* a component going down while the prober's incident is open joins it */
    CHECK_INT(status_probe_apply(db, web, 1, 3, 2200, 2300), STATUS_OK);
    CHECK_INT(status_probe_apply(db, two, 2, 3, 2200, 2400), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 3);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_components WHERE incident_id ="
                        " (SELECT max(id) FROM incidents)"),
              2);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates WHERE incident_id ="
                        " (SELECT max(id) FROM incidents) AND body LIKE '%Also affected now: "
                        "Labels%'"),
              1);
    /* one back, one still down: an update, not resolved yet */
    CHECK_INT(status_probe_apply(db, two + 1, 1, 3, 2200, 2500), STATUS_OK);
    CHECK_STR(state(db, "Web app"), "operational");
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE resolved_at IS NULL"), 1);
    CHECK_INT(status_probe_apply(db, NULL, 0, 3, 0, 2600), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE resolved_at IS NULL"), 0);
}

int main(void)
{
    char path[] = "/tmp/postroom-test-probe-XXXXXX";
    close(mkstemp(path));
    unlink(path);
    struct status_db *db;
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    test_parse();
    test_once();
    test_rule(db);
    status_db_close(db);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_status_probe");
}
