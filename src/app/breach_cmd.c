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
#include "domain/breach.h"
#include "store/store_breach.h"
#include "util/buf.h"
#include "util/timefmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 4000
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

static int fail(const char *msg)
{
    fprintf(stderr, "postroom: %s\n", msg);
    return 1;
}

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

/* An operator's words: 1 to TEXT_MAX characters, one line. */
static bool text_ok(const char *v)
{
    if (!*v || strlen(v) > TEXT_MAX) return false;
    for (const char *c = v; *c; c++)
        if ((unsigned char)*c < 32 || *c == 127) return false;
    return true;
}

static const char *operator_name(void)
{
    const char *u = getenv("SUDO_USER");
    if (!u || !*u) u = getenv("USER");
    return u && *u ? u : "unknown";
}

/* "2026-12-01 10:00 GMT" */
static const char *london(struct arena *a, int64_t ms)
{
    char *out = arena_alloc(a, 32);
    breach_format_london(ms, out, 32);
    return out;
}

static const char *utc(struct arena *a, int64_t ms)
{
    char *out = arena_alloc(a, 40);
    time_format_rfc3339(ms, out, 40);
    return out;
}

/* --- the blast radius ------------------------------------------------------ */

static int fold(struct store *s, int64_t from, int64_t to, struct arena *a, struct exposure **x,
                size_t *n)
{
    struct exposure_event *ev;
    size_t nev;
    int rc = store_operator_exposure_events(s, from, to, a, &ev, &nev);
    if (rc == STORE_OK) breach_blast_radius(ev, nev, a, x, n);
    return rc;
}

int breach_refresh_radius(struct store *s, int64_t id, int64_t now, struct arena *a)
{
    struct breach b;
    int rc = store_operator_breach_get(s, id, a, &b);
    struct exposure *x = NULL;
    size_t n = 0;
    if (rc == STORE_OK) rc = fold(s, b.window_from, b.window_to ? b.window_to : now, a, &x, &n);
    if (rc == STORE_OK) rc = store_operator_breach_set_radius(s, id, 0, x, n);
    return rc;
}

/* Rows [i, j) of one business. */
static size_t business_end(const struct exposure *x, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && x[j].data_tenant == x[i].data_tenant)
        j++;
    return j;
}

static void business_summary(const struct exposure *x, size_t i, size_t j, int64_t *records,
                             int64_t *first, int64_t *last, int64_t *times, int64_t *withheld)
{
    int64_t businesses;
    breach_radius_counts(x + i, j - i, records, &businesses);
    *first = x[i].first_at, *last = x[i].last_at, *times = 0, *withheld = 0;
    for (size_t k = i; k < j; k++) {
        if (x[k].first_at < *first) *first = x[k].first_at;
        if (x[k].last_at > *last) *last = x[k].last_at;
        *times += x[k].times;
        *withheld += x[k].withheld;
    }
}

/* The recipients of a business's records: "tenant 1 (key:3), tenant 4 (user:7)". */
static void recipients(struct buf *b, const struct exposure *x, size_t i, size_t j)
{
    size_t shown = 0;
    for (size_t k = i; k < j; k++) {
        bool seen = false;
        for (size_t m = i; m < k && !seen; m++)
            seen = x[m].principal_tenant == x[k].principal_tenant &&
                   !strcmp(x[m].principal_id, x[k].principal_id);
        if (seen) continue;
        buf_printf(b, "%sbusiness %lld (%s)", shown++ ? ", " : "", (long long)x[k].principal_tenant,
                   *x[k].principal_id ? x[k].principal_id : "not signed in");
    }
}

/* The report a processor owes a controller (Art. 33(2)), in plain words. */
static void controller_report(struct buf *b, struct arena *a, const struct exposure *x, size_t i,
                              size_t j)
{
    int64_t records, first, last, times, withheld;
    business_summary(x, i, j, &records, &first, &last, &times, &withheld);
    buf_printf(b,
               "To business %lld (controller), from postroom (processor), under UK GDPR "
               "Art. 33(2):\n"
               "  Between %s and %s, %lld of your order records %s handed by postroom to "
               "requests of another business: ",
               (long long)x[i].data_tenant, london(a, first), london(a, last), (long long)records,
               records == 1 ? "was" : "were");
    recipients(b, x, i, j);
    buf_printf(b, ", %lld time%s in all.\n", (long long)times, times == 1 ? "" : "s");
    if (withheld == times)
        buf_adds(b, "  Every one of those answers was stopped by postroom's egress check before "
                    "it left: as far as our records show, nothing of yours was disclosed.\n");
    else
        buf_printf(b,
                   "  %lld of those answers %s stopped by postroom's egress check; the other "
                   "%lld may have reached the other business.\n",
                   (long long)withheld, withheld == 1 ? "was" : "were",
                   (long long)(times - withheld));
    buf_adds(b, "  The records concerned: ");
    for (size_t k = i; k < j; k++) {
        bool seen = false;
        for (size_t m = i; m < k && !seen; m++)
            seen = !strcmp(x[m].object, x[k].object);
        if (!seen) buf_printf(b, "%s%s", k > i ? ", " : "", x[k].object);
    }
    buf_adds(b, ".\n  As controller you decide whether to tell the ICO and your customers; we "
                "will give you what you need, and send updates as we learn more.\n");
}

static void radius_text(struct buf *b, struct arena *a, const struct exposure *x, size_t n)
{
    int64_t records, businesses;
    breach_radius_counts(x, n, &records, &businesses);
    buf_printf(b, "%lld record%s of %lld business%s seen by another business\n", (long long)records,
               records == 1 ? "" : "s", (long long)businesses, businesses == 1 ? "" : "es");
    for (size_t i = 0; i < n;) {
        size_t j = business_end(x, n, i);
        int64_t recs, first, last, times, withheld;
        business_summary(x, i, j, &recs, &first, &last, &times, &withheld);
        buf_printf(b, "\nbusiness %lld: %lld record%s, %lld access%s (%lld withheld)\n",
                   (long long)x[i].data_tenant, (long long)recs, recs == 1 ? "" : "s",
                   (long long)times, times == 1 ? "" : "es", (long long)withheld);
        for (size_t k = i; k < j; k++)
            buf_printf(b,
                       "  %s seen by business %lld (%s): %s, %lld time%s (%lld withheld), "
                       "first %s, last %s\n",
                       x[k].object, (long long)x[k].principal_tenant,
                       *x[k].principal_id ? x[k].principal_id : "not signed in", x[k].actions,
                       (long long)x[k].times, x[k].times == 1 ? "" : "s", (long long)x[k].withheld,
                       london(a, x[k].first_at), london(a, x[k].last_at));
        i = j;
    }
    for (size_t i = 0; i < n;) {
        size_t j = business_end(x, n, i);
        buf_adds(b, "\n");
        controller_report(b, a, x, i, j);
        i = j;
    }
}

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
        size_t j = business_end(x, n, i);
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
        if (!v) return fail("--from and --to take an RFC 3339 time");
        if (!strcmp(argv[i], "--from"))
            have_from = parse_time(v, &from);
        else if (!strcmp(argv[i], "--to"))
            have_to = parse_time(v, &to);
        else
            return fail("unknown blast-radius option (see breach --help)");
        if (!have_from && !strcmp(argv[i], "--from")) return fail("--from is not an RFC 3339 time");
        if (!have_to && !strcmp(argv[i], "--to")) return fail("--to is not an RFC 3339 time");
        i++;
    }
    if (!have_from || !have_to) return fail("blast-radius needs --from T1 and --to T2");
    if (to < from) return fail("--to is before --from");
    struct exposure *x;
    size_t n;
    if (fold(s, from, to, a, &x, &n) != STORE_OK) return fail("cannot read the access audit");
    struct buf b;
    buf_init(&b, a);
    if (json) {
        radius_json(&b, from, to, x, n);
    } else {
        buf_printf(&b, "Blast radius from %s to %s (%s to %s)\n", london(a, from), london(a, to),
                   utc(a, from), utc(a, to));
        radius_text(&b, a, x, n);
    }
    fwrite(b.data, 1, b.len, stdout);
    return 0;
}

/* --- the register ---------------------------------------------------------- */

static const char *not_known = "Not yet known; to follow as an update.";

static int breach_open(struct store *s, struct arena *a, int argc, char **argv)
{
    struct breach b = {.opened_by = operator_name(),
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
        if (!v) return fail("every breach open option takes a value");
        const char **text = !strcmp(o, "--nature")         ? &b.nature
                            : !strcmp(o, "--subjects")     ? &b.subjects
                            : !strcmp(o, "--record-kinds") ? &b.record_kinds
                            : !strcmp(o, "--consequences") ? &b.consequences
                            : !strcmp(o, "--measures")     ? &b.measures
                            : !strcmp(o, "--contact")      ? &b.contact
                                                           : NULL;
        if (text) {
            if (!text_ok(v)) return fail("each text must be 1 to 4000 characters on one line");
            *text = v;
        } else if (!strcmp(o, "--aware-at")) {
            if (!(have_aware = parse_time(v, &b.aware_at)))
                return fail("--aware-at is not an RFC 3339 time");
        } else if (!strcmp(o, "--from")) {
            if (!(have_from = parse_time(v, &b.window_from)))
                return fail("--from is not an RFC 3339 time");
        } else if (!strcmp(o, "--to")) {
            if (!parse_time(v, &b.window_to)) return fail("--to is not an RFC 3339 time");
        } else if (!strcmp(o, "--people")) {
            if (!parse_num(v, 0, &b.approx_people)) return fail("--people must be a number");
        } else if (!strcmp(o, "--records")) {
            if (!parse_num(v, 0, &b.approx_records)) return fail("--records must be a number");
        } else {
            return fail("unknown breach open option (see breach --help)");
        }
    }
    if (!b.nature || !have_aware) return fail("breach open needs --nature TEXT and --aware-at T");
    if (!b.contact || !*b.contact) b.contact = "postroom operations";
    if (!have_from) b.window_from = b.aware_at - DEFAULT_WINDOW_MS;
    if (b.window_to && b.window_to < b.window_from) return fail("--to is before --from");
    int64_t now = time_now_ms(), id;
    b.opened_at = now;
    int rc = store_operator_breach_open(s, &b, &id);
    if (rc == STORE_OK) rc = breach_refresh_radius(s, id, now, a);
    if (rc != STORE_OK) return fail("cannot open the breach");
    printf("%lld\n", (long long)id);
    return 0;
}

static const char *state_of(const struct breach *b)
{
    if (b->closed_at) return "closed";
    return "open";
}

static const char *decision_of(const struct breach *b)
{
    if (!b->decision) return "decision pending";
    return !strcmp(b->decision, "notify") ? "ICO to be notified" : "not notifiable";
}

static int breach_list(struct store *s, struct arena *a)
{
    struct breach *rows;
    size_t n;
    if (store_operator_breach_list(s, a, &rows, &n) != STORE_OK)
        return fail("cannot read the breach register");
    int64_t now = time_now_ms();
    for (size_t i = 0; i < n; i++) {
        const struct breach *b = &rows[i];
        int64_t deadline = breach_deadline(b->aware_at);
        char left[48];
        breach_time_left(deadline, now, left, sizeof left);
        printf("%lld %s aware %s deadline %s (%s) %s%s%s\n", (long long)b->id, state_of(b),
               london(a, b->aware_at), london(a, deadline), b->notified_at ? "ICO notified" : left,
               decision_of(b),
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
        *err = fail("ID must be a breach id");
        return false;
    }
    int rc = store_operator_breach_get(s, id, a, b);
    if (rc == STORE_OK) return true;
    *err = fail(rc == STORE_NOTFOUND ? "no such breach" : "cannot read the breach register");
    return false;
}

static int64_t count_or(int64_t given, int64_t counted)
{
    return given >= 0 ? given : counted;
}

/* Every ICO field (Art. 33(3)) and the register's (Art. 33(5)); md: Markdown. */
static void write_entry(struct buf *b, struct arena *a, const struct breach *e,
                        const struct breach_update *u, size_t nu, const struct exposure *x,
                        size_t nx, bool md, int64_t now)
{
    int64_t records, businesses;
    breach_radius_counts(x, nx, &records, &businesses);
    int64_t deadline = breach_deadline(e->aware_at);
    char left[48];
    breach_time_left(deadline, now, left, sizeof left);
    const char *h = md ? "## " : "", *li = md ? "- **" : "", *le = md ? ":** " : ": ";
    int64_t first = 0, last = 0;
    for (size_t i = 0; i < nx; i++) {
        if (!first || x[i].first_at < first) first = x[i].first_at;
        if (x[i].last_at > last) last = x[i].last_at;
    }
    buf_printf(b, "%sPersonal data breach %lld (%s, %s)\n\n", md ? "# " : "", (long long)e->id,
               state_of(e), decision_of(e));
    buf_printf(b, "%sWhen%s\n", h, md ? "" : ":");
    if (first)
        buf_printf(b, "%sOccurred%sbetween %s and %s (first and last record in the blast radius)\n",
                   li, le, london(a, first), london(a, last));
    else
        buf_printf(b, "%sOccurred%swithin %s to %s\n", li, le, london(a, e->window_from),
                   e->window_to ? london(a, e->window_to) : "now");
    buf_printf(b, "%sWe became aware%s%s (%s)\n", li, le, london(a, e->aware_at),
               utc(a, e->aware_at));
    buf_printf(b, "%sICO deadline (72 hours)%s%s (%s)%s\n", li, le, london(a, deadline),
               utc(a, deadline), e->notified_at ? "" : arena_printf(a, ", %s", left));
    buf_printf(b, "%sRecord opened%s%s by %s\n\n", li, le, london(a, e->opened_at), e->opened_by);
    buf_printf(b, "%sWhat happened%s\n", h, md ? "" : ":");
    buf_printf(b, "%sNature%s%s\n", li, le, e->nature);
    buf_printf(b, "%sCategories of people%s%s\n", li, le, e->subjects);
    buf_printf(b, "%sApproximate number of people%s%lld\n", li, le,
               (long long)count_or(e->approx_people, records));
    buf_printf(b, "%sCategories of records%s%s\n", li, le, e->record_kinds);
    buf_printf(b, "%sApproximate number of records%s%lld\n", li, le,
               (long long)count_or(e->approx_records, records));
    buf_printf(b, "%sLikely consequences%s%s\n", li, le, e->consequences);
    buf_printf(b, "%sMeasures taken or proposed%s%s\n", li, le, e->measures);
    buf_printf(b, "%sContact point%s%s\n\n", li, le, e->contact);
    buf_printf(b, "%sDecision%s\n", h, md ? "" : ":");
    if (e->decision)
        buf_printf(b, "%s%s%s, by %s on %s. Reason: %s\n", li,
                   !strcmp(e->decision, "notify") ? "Notify the ICO" : "Do not notify the ICO",
                   md ? "**" : "", e->decided_by, london(a, e->decided_at), e->decision_reason);
    else
        buf_printf(b, "%sPending%snot yet decided\n", li, le);
    if (e->notified_at) buf_printf(b, "%sICO notified%s%s\n", li, le, london(a, e->notified_at));
    buf_printf(b, "\n%sBlast radius (counts and business ids only)%s\n", h, md ? "" : ":");
    buf_printf(b, "%s%lld record%s of %lld business%s", md ? "" : "  ", (long long)records,
               records == 1 ? "" : "s", (long long)businesses, businesses == 1 ? "" : "es");
    for (size_t i = 0; i < nx;) {
        size_t j = business_end(x, nx, i);
        int64_t recs, f, l, times, withheld;
        business_summary(x, i, j, &recs, &f, &l, &times, &withheld);
        buf_printf(b, "%sbusiness %lld: %lld record%s, %lld access%s (%lld withheld), received by ",
                   i ? "; " : ": ", (long long)x[i].data_tenant, (long long)recs,
                   recs == 1 ? "" : "s", (long long)times, times == 1 ? "" : "es",
                   (long long)withheld);
        recipients(b, x, i, j);
        i = j;
    }
    buf_adds(b, "\n");
    if (nu) buf_printf(b, "\n%sUpdates (Art. 33(4))%s\n", h, md ? "" : ":");
    for (size_t i = 0; i < nu; i++)
        buf_printf(b, "%s%s%s%s (%s)\n", md ? "- " : "  ", london(a, u[i].time), md ? ": " : " ",
                   u[i].note, u[i].author);
}

static int breach_show(struct store *s, struct arena *a, int argc, char **argv, bool export_)
{
    if (argc < 1)
        return fail(export_ ? "usage: breach export ID [--markdown]" : "usage: breach show ID");
    bool md = argc == 2 && !strcmp(argv[1], "--markdown");
    if (argc > (export_ ? 2 : 1) || (argc == 2 && !md))
        return fail(export_ ? "usage: breach export ID [--markdown]" : "usage: breach show ID");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    struct breach_update *u;
    struct exposure *x;
    size_t nu, nx;
    if (store_operator_breach_updates(s, b.id, a, &u, &nu) != STORE_OK ||
        store_operator_breach_radius(s, b.id, a, &x, &nx) != STORE_OK)
        return fail("cannot read the breach register");
    struct buf out;
    buf_init(&out, a);
    write_entry(&out, a, &b, u, nu, x, nx, md, time_now_ms());
    if (!export_ && nx) {
        buf_adds(&out, "\nRecords:\n");
        radius_text(&out, a, x, nx);
    }
    fwrite(out.data, 1, out.len, stdout);
    return 0;
}

static int breach_update(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--note")) return fail("usage: breach update ID --note TEXT");
    if (!text_ok(argv[2])) return fail("--note must be 1 to 4000 characters on one line");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    if (store_operator_breach_note(s, b.id, operator_name(), argv[2], time_now_ms()) != STORE_OK)
        return fail("cannot add the update");
    return 0;
}

/* The decision is refused without its reason (Art. 33(5): the register keeps
 * why a breach was or was not reported). */
static int breach_decide(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc < 1) return fail("usage: breach decide ID --notify yes|no --reason TEXT");
    const char *notify = NULL, *reason = NULL;
    int64_t notified_at = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return fail("every breach decide option takes a value");
        if (!strcmp(o, "--notify"))
            notify = v;
        else if (!strcmp(o, "--reason"))
            reason = v;
        else if (!strcmp(o, "--notified-at")) {
            if (!parse_time(v, &notified_at)) return fail("--notified-at is not an RFC 3339 time");
        } else
            return fail("unknown breach decide option (see breach --help)");
    }
    if (!notify || (strcmp(notify, "yes") && strcmp(notify, "no")))
        return fail("breach decide needs --notify yes or --notify no");
    if (!reason || !text_ok(reason))
        return fail("a decision needs its reason: --reason TEXT (1 to 4000 characters)");
    if (notified_at && strcmp(notify, "yes")) return fail("--notified-at goes with --notify yes");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    int64_t now = time_now_ms();
    const char *decision = !strcmp(notify, "yes") ? "notify" : "no-notify";
    int rc =
        store_operator_breach_decide(s, b.id, decision, reason, operator_name(), now, notified_at);
    if (rc == STORE_OK)
        rc = store_operator_breach_note(
            s, b.id, operator_name(), arena_printf(a, "Decision: %s. Reason: %s", decision, reason),
            now);
    return rc == STORE_OK ? 0 : fail("cannot record the decision");
}

static int breach_close(struct store *s, struct arena *a, int argc, char **argv)
{
    if (argc != 1) return fail("usage: breach close ID");
    struct breach b;
    int err = 1;
    if (!load(s, a, argv[0], &b, &err)) return err;
    int64_t now = time_now_ms();
    int rc = breach_refresh_radius(s, b.id, now, a); /* the radius as of closing */
    if (rc == STORE_OK) rc = store_operator_breach_close(s, b.id, now);
    if (rc == STORE_NOTFOUND) return fail("that breach is already closed");
    return rc == STORE_OK ? 0 : fail("cannot close the breach");
}

int cmd_breach(const char *db, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_breach, stdout);
            return 0;
        }
    if (argc < 1)
        return fail("usage: breach blast-radius|open|list|show|update|decide|close|export");
    const char *sub = argv[0];
    static const char *const subs[] = {"blast-radius", "open",   "list",  "show",
                                       "update",       "decide", "close", "export"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known) return fail("usage: breach blast-radius|open|list|show|update|decide|close|export");
    struct store *s;
    if (store_open(db, &s) != STORE_OK) return fail("cannot open the database");
    if (store_migrate(s, NULL) != STORE_OK) {
        store_close(s);
        return fail("cannot migrate the database");
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
        rc = n ? fail("list takes no arguments") : breach_list(s, &a);
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
