/* breach_cmd: the breach register's command line (issue 10).
 *
 *   breach blast-radius --from T1 --to T2 [--json]
 *   breach open --nature TEXT --aware-at T [--from T1] [--to T2] [ICO fields]
 *   breach list | show ID | update ID --note TEXT | close ID
 *   breach decide ID --notify yes|no --reason TEXT [--notified-at T]
 *   breach export ID [--markdown]
 *
 * Times are taken as RFC 3339 (or "now"), stored in UTC and shown in
 * Europe/London with the zone's abbreviation (domain/breach.c). Everything
 * printed is ids, counts, times and the operators' own words: never a
 * customer's name or address. */
#include "app/breach_cmd.h"
#include "app/cli.h"
#include "domain/breach.h"
#include "store/store_breach.h"
#include "util/buf.h"
#include "util/timefmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WINDOW_MS (24LL * 3600 * 1000)

static const char usage_breach[] =
    "usage: postroom [--db PATH] breach blast-radius --from T1 --to T2 [--json]\n"
    "       postroom [--db PATH] breach open --nature TEXT --aware-at T [--from T1] [--to T2]\n"
    "              [--subjects TEXT] [--record-kinds TEXT] [--people N] [--records N]\n"
    "              [--consequences TEXT] [--measures TEXT] [--contact TEXT]\n"
    "       postroom [--db PATH] breach list | show ID | close ID\n"
    "       postroom [--db PATH] breach update ID --note TEXT\n"
    "       postroom [--db PATH] breach decide ID --notify yes|no --reason TEXT "
    "[--notified-at T]\n"
    "       postroom [--db PATH] breach export ID [--markdown]\n"
    "blast-radius lists every access between T1 and T2 to a business's records by\n"
    "another business (the access audit and the tripwire's events), per affected\n"
    "business, with the report owed to each (UK GDPR Art. 33(2)). The register keeps\n"
    "the ICO's fields; the deadline is aware-at + 72 hours. Times are RFC 3339 (or\n"
    "now), shown in Europe/London. --from defaults to 24 hours before --aware-at.\n";

static bool parse_time(const char *s, int64_t *out)
{
    if (!strcmp(s, "now")) {
        *out = time_now_ms();
        return true;
    }
    return time_parse_rfc3339(s, out);
}

static bool parse_num(const char *s, int64_t min, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < min) return false;
    *out = v;
    return true;
}

/* Appends the command's access audit record (cli:NAME, operator_cli.c): a
 * view before it is shown, a change after it is made. */
static bool audited(struct store *s, const char *action, const char *objects)
{
    return cli_audit(s, 0, action, objects);
}

static const char *breach_object(struct arena *a, int64_t id)
{
    return arena_printf(a, "breach:%lld", (long long)id);
}

/* --- the blast radius ------------------------------------------------------ */

static void radius_json(struct buf *b, int64_t from, int64_t to, const struct exposure *x, size_t n)
{
    struct jw w;
    jw_init(&w, b);
    int64_t records, businesses;
    breach_radius_counts(x, n, &records, &businesses);
    jw_obj_open(&w);
    jw_key(&w, "from");
    jw_time(&w, from);
    jw_key(&w, "to");
    jw_time(&w, to);
    jw_kint(&w, "records", records);
    jw_kint(&w, "businesses", businesses);
    jw_key(&w, "affected");
    jw_arr_open(&w);
    for (size_t i = 0; i < n;) {
        size_t j = breach_business_end(x, n, i);
        jw_obj_open(&w);
        jw_kint(&w, "tenant", x[i].data_tenant);
        jw_key(&w, "accesses");
        jw_arr_open(&w);
        for (size_t k = i; k < j; k++) {
            jw_obj_open(&w);
            jw_kstr(&w, "object", x[k].object);
            jw_kint(&w, "principalTenant", x[k].principal_tenant);
            jw_kstr(&w, "principalId", x[k].principal_id);
            jw_kstr(&w, "actions", x[k].actions);
            jw_key(&w, "first");
            jw_time(&w, x[k].first_at);
            jw_key(&w, "last");
            jw_time(&w, x[k].last_at);
            jw_kint(&w, "times", x[k].times);
            jw_kint(&w, "withheld", x[k].withheld);
            jw_obj_close(&w);
        }
        jw_arr_close(&w);
        jw_obj_close(&w);
        i = j;
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    buf_addc(b, '\n');
}

static int blast_radius(struct store *s, struct arena *a, int argc, char **argv)
{
    int64_t from = 0, to = 0;
    bool json = false, have_from = false, have_to = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
            continue;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_fail("--from and --to take an RFC 3339 time");
        if (!strcmp(argv[i], "--from"))
            have_from = parse_time(v, &from);
        else if (!strcmp(argv[i], "--to"))
            have_to = parse_time(v, &to);
        else
            return cli_fail("unknown blast-radius option (see breach --help)");
        if (!have_from && !strcmp(argv[i], "--from"))
            return cli_fail("--from is not an RFC 3339 time");
        if (!have_to && !strcmp(argv[i], "--to")) return cli_fail("--to is not an RFC 3339 time");
        i++;
    }
    if (!have_from || !have_to) return cli_fail("blast-radius needs --from T1 and --to T2");
    if (to < from) return cli_fail("--to is before --from");
    struct exposure *x;
    size_t n;
    if (store_operator_blast_radius(s, from, to, a, &x, &n) != STORE_OK)
        return cli_fail("cannot read the access audit");
    struct buf b;
    buf_init(&b, a);
    if (json) {
        radius_json(&b, from, to, x, n);
    } else {
        breach_window_report(&b, a, from, to, x, n);
    }
    if (!audited(s, "breach.blast_radius",
                 arena_printf(a, "window:%s/%s", breach_utc(a, from), breach_utc(a, to))))
        return cli_fail("cannot write the access audit record; nothing shown");
    fwrite(b.data, 1, b.len, stdout);
    return 0;
}

/* --- the register ---------------------------------------------------------- */

static const char *not_known = "Not yet known; to follow as an update.";

static int breach_open(struct store *s, struct arena *a, int argc, char **argv)
{
    struct breach b = {.opened_by = cli_login_name(),
                       .approx_people = -1,
                       .approx_records = -1,
                       .subjects = "Recipients (customers) of the affected businesses' orders",
                       .record_kinds = "Order records: recipient name, postal address, contact "
                                       "details, order contents",
                       .consequences = not_known,
                       .measures = not_known,
                       .contact = getenv("POSTROOM_BREACH_CONTACT")};
    bool have_aware = false, have_from = false;
    for (int i = 0; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_fail("every breach open option takes a value");
        const char **text = !strcmp(o, "--nature")         ? &b.nature
                            : !strcmp(o, "--subjects")     ? &b.subjects
                            : !strcmp(o, "--record-kinds") ? &b.record_kinds
                            : !strcmp(o, "--consequences") ? &b.consequences
                            : !strcmp(o, "--measures")     ? &b.measures
                            : !strcmp(o, "--contact")      ? &b.contact
                                                           : NULL;
        if (text) {
            if (!breach_text_ok(v))
                return cli_fail("each text must be 1 to 4000 characters on one line");
            *text = v;
        } else if (!strcmp(o, "--aware-at")) {
            if (!(have_aware = parse_time(v, &b.aware_at)))
                return cli_fail("--aware-at is not an RFC 3339 time");
        } else if (!strcmp(o, "--from")) {
            if (!(have_from = parse_time(v, &b.window_from)))
                return cli_fail("--from is not an RFC 3339 time");
        } else if (!strcmp(o, "--to")) {
            if (!parse_time(v, &b.window_to)) return cli_fail("--to is not an RFC 3339 time");
        } else if (!strcmp(o, "--people")) {
            if (!parse_num(v, 0, &b.approx_people)) return cli_fail("--people must be a number");
        } else if (!strcmp(o, "--records")) {
            if (!parse_num(v, 0, &b.approx_records)) return cli_fail("--records must be a number");
        } else {
            return cli_fail("unknown breach open option (see breach --help)");
        }
    }
    if (!b.nature || !have_aware)
        return cli_fail("breach open needs --nature TEXT and --aware-at T");
    if (!b.contact || !*b.contact) b.contact = "postroom operations";
    if (!have_from) b.window_from = b.aware_at - DEFAULT_WINDOW_MS;
    if (b.window_to && b.window_to < b.window_from) return cli_fail("--to is before --from");
    int64_t now = time_now_ms(), id;
    b.opened_at = now;
    int rc = store_operator_breach_open(s, &b, &id);
    if (rc == STORE_OK) rc = store_operator_breach_refresh_radius(s, id, now, a);
    if (rc != STORE_OK) return cli_fail("cannot open the breach");
    if (!audited(s, "breach.open", breach_object(a, id)))
        return cli_fail("the breach was opened but its audit record could not be written");
    printf("%lld\n", (long long)id);
    return 0;
}

static int breach_list(struct store *s, struct arena *a)
{
    struct breach *rows;
    size_t n;
    if (store_operator_breach_list(s, a, &rows, &n) != STORE_OK)
        return cli_fail("cannot read the breach register");
    int64_t now = time_now_ms();
    struct buf ids;
    buf_init(&ids, a);
    for (size_t i = 0; i < n; i++)
        buf_printf(&ids, "%s%lld", i ? "," : "breach:", (long long)rows[i].id);
    if (!audited(s, "breach.view", buf_cstr(&ids)))
        return cli_fail("cannot write the access audit record; nothing shown");
    for (size_t i = 0; i < n; i++) {
        const struct breach *b = &rows[i];
        int64_t deadline = breach_deadline(b->aware_at);
        char left[48];
        breach_time_left(deadline, now, left, sizeof left);
        printf("%lld %s aware %s deadline %s (%s) %s%s%s\n", (long long)b->id, breach_state(b),
               breach_london(a, b->aware_at), breach_london(a, deadline),
               b->notified_at ? "ICO notified" : left, breach_decision_text(b),
               b->opened_by && !strcmp(b->opened_by, "tripwire") ? " [tripwire]" : "",
               b->status_incident ? " [status posted]" : "");
    }
    if (!n) printf("the breach register is empty\n");
    return 0;
}

static bool load(struct store *s, struct arena *a, const char *arg, struct breach *b, int *err)
{
    int64_t id;
    if (!parse_num(arg, 1, &id)) {
        *err = cli_fail("ID must be a breach id");
        return false;
    }
    int rc = store_operator_breach_get(s, id, a, b);
    if (rc == STORE_OK) return true;
    *err = cli_fail(rc == STORE_NOTFOUND ? "no such breach" : "cannot read the breach register");
    return false;
}

static int breach_show(struct store *s, struct arena *a, int argc, char **argv, bool export_)
{
    if (argc < 1)
        return cli_fail(export_ ? "usage: breach export ID [--markdown]" : "usage: breach show ID");
    bool md = argc == 2 && !strcmp(argv[1], "--markdown");
    if (argc > (export_ ? 2 : 1) || (argc == 2 && !md))
        return cli_fail(export_ ? "usage: breach export ID [--markdown]" : "usage: breach show ID");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    struct breach_update *u;
    struct exposure *x;
    size_t nu, nx;
    if (store_operator_breach_updates(s, b.id, a, &u, &nu) != STORE_OK ||
        store_operator_breach_radius(s, b.id, a, &x, &nx) != STORE_OK)
        return cli_fail("cannot read the breach register");
    struct buf out;
    buf_init(&out, a);
    breach_entry_text(&out, a, &b, u, nu, x, nx, md, time_now_ms());
    if (!export_ && nx) {
        buf_adds(&out, "\nRecords:\n");
        breach_radius_text(&out, a, x, nx);
    }
    if (!audited(s, export_ ? "breach.export" : "breach.view", breach_object(a, b.id)))
        return cli_fail("cannot write the access audit record; nothing shown");
    fwrite(out.data, 1, out.len, stdout);
    return 0;
}

static int breach_update(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--note"))
        return cli_fail("usage: breach update ID --note TEXT");
    if (!breach_text_ok(argv[2]))
        return cli_fail("--note must be 1 to 4000 characters on one line");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    if (store_operator_breach_note(s, b.id, cli_login_name(), argv[2], time_now_ms()) != STORE_OK)
        return cli_fail("cannot add the update");
    if (!audited(s, "breach.note", breach_object(a, b.id)))
        return cli_fail("the update was added but its audit record could not be written");
    return 0;
}

/* The decision is refused without its reason (Art. 33(5): the register keeps
 * why a breach was or was not reported). */
static int breach_decide(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc < 1) return cli_fail("usage: breach decide ID --notify yes|no --reason TEXT");
    const char *notify = NULL, *reason = NULL;
    int64_t notified_at = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_fail("every breach decide option takes a value");
        if (!strcmp(o, "--notify"))
            notify = v;
        else if (!strcmp(o, "--reason"))
            reason = v;
        else if (!strcmp(o, "--notified-at")) {
            if (!parse_time(v, &notified_at))
                return cli_fail("--notified-at is not an RFC 3339 time");
        } else
            return cli_fail("unknown breach decide option (see breach --help)");
    }
    if (!notify || (strcmp(notify, "yes") && strcmp(notify, "no")))
        return cli_fail("breach decide needs --notify yes or --notify no");
    if (!reason || !breach_text_ok(reason))
        return cli_fail("a decision needs its reason: --reason TEXT (1 to 4000 characters)");
    if (notified_at && strcmp(notify, "yes"))
        return cli_fail("--notified-at goes with --notify yes");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    int64_t now = time_now_ms();
    const char *decision = !strcmp(notify, "yes") ? "notify" : "no-notify";
    int rc =
        store_operator_breach_decide(s, b.id, decision, reason, cli_login_name(), now, notified_at);
    if (rc == STORE_OK)
        rc = store_operator_breach_note(s, b.id, cli_login_name(),
                                        breach_decision_note(a, decision, reason), now);
    if (rc != STORE_OK) return cli_fail("cannot record the decision");
    if (!audited(s, "breach.decide", breach_object(a, b.id)))
        return cli_fail("the decision was recorded but its audit record could not be written");
    return 0;
}

static int breach_close(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc != 1) return cli_fail("usage: breach close ID");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    int64_t now = time_now_ms();
    int rc = store_operator_breach_refresh_radius(s, b.id, now, a); /* the radius as of closing */
    if (rc == STORE_OK) rc = store_operator_breach_close(s, b.id, now);
    if (rc == STORE_NOTFOUND) return cli_fail("that breach is already closed");
    if (rc != STORE_OK) return cli_fail("cannot close the breach");
    if (!audited(s, "breach.close", breach_object(a, b.id)))
        return cli_fail("the breach was closed but its audit record could not be written");
    return 0;
}

int cmd_breach(const char *db, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_breach, stdout);
            return 0;
        }
    if (argc < 1)
        return cli_fail("usage: breach blast-radius|open|list|show|update|decide|close|export");
    const char *sub = argv[0];
    static const char *const subs[] = {"blast-radius", "open",   "list",  "show",
                                       "update",       "decide", "close", "export"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known)
        return cli_fail("usage: breach blast-radius|open|list|show|update|decide|close|export");
    struct store *s;
    if (cli_open_migrated(db, &s)) return 1;
    /* the blast radius is folded from the chain: a crashed server's last
     * reads are in its journal until appended */
    bool folds = !strcmp(sub, "blast-radius") || !strcmp(sub, "open") || !strcmp(sub, "close");
    if (folds && cli_replay_audit_journals(db) < 0) {
        store_close(s);
        return 1;
    }
    struct arena a;
    arena_init(&a);
    int n = argc - 1, rc;
    char **rest = argv + 1;
    if (!strcmp(sub, "blast-radius"))
        rc = blast_radius(s, &a, n, rest);
    else if (!strcmp(sub, "open"))
        rc = breach_open(s, &a, n, rest);
    else if (!strcmp(sub, "list"))
        rc = n ? cli_fail("list takes no arguments") : breach_list(s, &a);
    else if (!strcmp(sub, "show"))
        rc = breach_show(s, &a, n, rest, false);
    else if (!strcmp(sub, "export"))
        rc = breach_show(s, &a, n, rest, true);
    else if (!strcmp(sub, "update"))
        rc = breach_update(s, &a, n, rest);
    else if (!strcmp(sub, "decide"))
        rc = breach_decide(s, &a, n, rest);
    else
        rc = breach_close(s, &a, n, rest);
    arena_free(&a);
    store_close(s);
    return rc;
}
