/* breach: the deadline, Europe/London time and the blast radius. */
#include "domain/breach.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)

int64_t breach_deadline(int64_t aware_at)
{
    return aware_at + BREACH_DEADLINE_MS; /* elapsed hours: clock changes do not move it */
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The zone rule is util/timefmt.c's (time_london_offset_ms), the one the
 * pages' dates use too. */
bool breach_london_is_bst(int64_t unix_ms)
{
    return time_london_offset_ms(unix_ms) != 0;
}

void breach_format_london(int64_t unix_ms, char *out, size_t n)
{
    bool bst = breach_london_is_bst(unix_ms);
    int64_t local = unix_ms + (bst ? HOUR_MS : 0);
    int64_t days = floor_div(local, DAY_MS), in_day = local - days * DAY_MS;
    int y, m, d;
    time_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d %02d:%02d %s", y, m, d, (int)(in_day / HOUR_MS),
             (int)(in_day % HOUR_MS / 60000), bst ? "BST" : "GMT");
}

void breach_time_left(int64_t deadline, int64_t now, char *out, size_t n)
{
    int64_t left = deadline - now, mins = (left < 0 ? -left : left) / 60000;
    if (left >= 0)
        snprintf(out, n, "%lld h %lld min left", (long long)(mins / 60), (long long)(mins % 60));
    else
        snprintf(out, n, "overdue by %lld h %lld min", (long long)(mins / 60),
                 (long long)(mins % 60));
}

/* --- the blast radius ------------------------------------------------------ */

struct grow {
    struct exposure *x;
    size_t n, cap;
    struct arena *a;
};

static struct exposure *find(struct grow *g, int64_t dt, const char *obj, int64_t pt,
                             const char *pid)
{
    for (size_t i = 0; i < g->n; i++) {
        struct exposure *e = &g->x[i];
        if (e->data_tenant == dt && e->principal_tenant == pt && !strcmp(e->object, obj) &&
            !strcmp(e->principal_id, pid))
            return e;
    }
    return NULL;
}

static struct exposure *add(struct grow *g)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        struct exposure *x = arena_alloc(g->a, g->cap * sizeof *x);
        if (g->n) memcpy(x, g->x, g->n * sizeof *x);
        g->x = x;
    }
    return &g->x[g->n++];
}

/* "a,b" with action added once. */
static const char *with_action(struct arena *a, const char *actions, const char *action)
{
    size_t l = strlen(action);
    for (const char *p = actions; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == l && !memcmp(p, action, l)) return actions;
        p += k + (p[k] == ',');
    }
    return actions && *actions ? arena_printf(a, "%s,%s", actions, action)
                               : arena_printf(a, "%s", action);
}

/* Calls fn for each "kind:id" of "kind:1,2,3" (a bare list is of orders). */
static void each_object(struct arena *a, const char *objects, void (*fn)(void *, const char *),
                        void *ctx)
{
    const char *colon = strchr(objects, ':');
    size_t kl = colon ? (size_t)(colon - objects) : 5;
    const char *kind = colon ? objects : "order", *p = colon ? colon + 1 : objects;
    while (*p) {
        size_t k = strcspn(p, ",");
        if (k) fn(ctx, arena_printf(a, "%.*s:%.*s", (int)kl, kind, (int)k, p));
        p += k + (p[k] == ',');
    }
}

struct fold {
    struct grow *g;
    const struct exposure_event *e;
    const struct exposure_event *all;
    size_t n;
};

/* Whether a security event of the same request withheld obj of the same tenant. */
static bool withheld_by_wall(const struct fold *f, const char *obj);

static bool contains_object(struct arena *a, const char *objects, const char *obj);

static void fold_one(void *ctx, const char *obj)
{
    struct fold *f = ctx;
    const struct exposure_event *e = f->e;
    struct exposure *x = find(f->g, e->data_tenant, obj, e->principal_tenant, e->principal_id);
    bool was_withheld = e->withheld || withheld_by_wall(f, obj);
    if (!x) {
        x = add(f->g);
        *x = (struct exposure){
            0, e->data_tenant, obj, e->principal_tenant, e->principal_id, "", e->time, e->time, 0,
            0};
    } else if (e->withheld) {
        /* the audit saw this answer: the event only says it was withheld */
        for (size_t i = 0; i < f->n; i++) {
            const struct exposure_event *o = &f->all[i];
            if (!o->withheld && o->data_tenant == e->data_tenant && o->request_id &&
                e->request_id && !strcmp(o->request_id, e->request_id) &&
                contains_object(f->g->a, o->objects, obj)) {
                x->actions = with_action(f->g->a, x->actions, e->action);
                return;
            }
        }
    }
    x->actions = with_action(f->g->a, x->actions, e->action);
    if (e->time < x->first_at) x->first_at = e->time;
    if (e->time > x->last_at) x->last_at = e->time;
    x->times++;
    if (was_withheld) x->withheld++;
}

static bool withheld_by_wall(const struct fold *f, const char *obj)
{
    const struct exposure_event *e = f->e;
    if (e->withheld || !e->request_id) return false;
    for (size_t i = 0; i < f->n; i++) {
        const struct exposure_event *o = &f->all[i];
        if (o->withheld && o->data_tenant == e->data_tenant && o->request_id &&
            !strcmp(o->request_id, e->request_id) && contains_object(f->g->a, o->objects, obj))
            return true;
    }
    return false;
}

struct contains {
    const char *obj;
    bool found;
};

static void contains_one(void *ctx, const char *o)
{
    struct contains *c = ctx;
    if (!strcmp(o, c->obj)) c->found = true;
}

static bool contains_object(struct arena *a, const char *objects, const char *obj)
{
    struct contains c = {obj, false};
    each_object(a, objects ? objects : "", contains_one, &c);
    return c.found;
}

static int cmp_exposure(const void *pa, const void *pb)
{
    const struct exposure *a = pa, *b = pb;
    if (a->data_tenant != b->data_tenant) return a->data_tenant < b->data_tenant ? -1 : 1;
    /* "order:1001" before "order:20": by kind, then by number */
    const char *ca = strchr(a->object, ':'), *cb = strchr(b->object, ':');
    size_t ka = ca ? (size_t)(ca - a->object) : 0, kb = cb ? (size_t)(cb - b->object) : 0;
    int c = strncmp(a->object, b->object, ka < kb ? ka : kb);
    if (c || ka != kb) return c ? c : (ka < kb ? -1 : 1);
    long long na = ca ? atoll(ca + 1) : 0, nb = cb ? atoll(cb + 1) : 0;
    if (na != nb) return na < nb ? -1 : 1;
    c = strcmp(a->object, b->object);
    if (c) return c;
    if (a->principal_tenant != b->principal_tenant)
        return a->principal_tenant < b->principal_tenant ? -1 : 1;
    return strcmp(a->principal_id, b->principal_id);
}

/* An operator's view (console counts, reports: ids and counts by design) or
 * a command's is the operators' work, not a business's data reaching
 * another business: it has no place in a blast radius. */
static bool operators_own(const struct exposure_event *e)
{
    const char *p = e->principal_id ? e->principal_id : "";
    return !e->withheld && e->principal_tenant == 0 &&
           (!strncmp(p, "operator:", 9) || !strncmp(p, "cli:", 4));
}

void breach_blast_radius(const struct exposure_event *ev, size_t n, struct arena *a,
                         struct exposure **out, size_t *nout)
{
    struct grow g = {NULL, 0, 0, a};
    /* the audit's accesses first, so a withheld event finds the access it stopped */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (ev[i].withheld != (pass == 1) || ev[i].data_tenant == ev[i].principal_tenant ||
                operators_own(&ev[i]))
                continue;
            struct fold f = {&g, &ev[i], ev, n};
            each_object(a, ev[i].objects ? ev[i].objects : "", fold_one, &f);
        }
    if (g.n) qsort(g.x, g.n, sizeof *g.x, cmp_exposure);
    *out = g.x;
    *nout = g.n;
}

void breach_radius_counts(const struct exposure *x, size_t n, int64_t *records, int64_t *businesses)
{
    *records = *businesses = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen_record = false, seen_tenant = false;
        for (size_t j = 0; j < i; j++) {
            if (x[j].data_tenant != x[i].data_tenant) continue;
            seen_tenant = true;
            if (!strcmp(x[j].object, x[i].object)) seen_record = true;
        }
        *records += !seen_record;
        *businesses += !seen_tenant;
    }
}

/* --- the register's words ------------------------------------------------ */

bool breach_text_ok(const char *v)
{
    if (!v || !*v || strlen(v) > BREACH_TEXT_MAX) return false;
    for (const char *c = v; *c; c++)
        if ((unsigned char)*c < 32 || *c == 127) return false;
    return true;
}

const char *breach_decision_note(struct arena *a, const char *decision, const char *reason)
{
    return arena_printf(a, "Decision: %s. Reason: %s", decision, reason);
}

void breach_window_report(struct buf *b, struct arena *a, int64_t from, int64_t to,
                          const struct exposure *x, size_t n)
{
    buf_printf(b, "Blast radius from %s to %s (%s to %s)\n", breach_london(a, from),
               breach_london(a, to), breach_utc(a, from), breach_utc(a, to));
    breach_radius_text(b, a, x, n);
}

/* "2026-12-01 10:00 GMT" */
const char *breach_london(struct arena *a, int64_t ms)
{
    char *out = arena_alloc(a, 32);
    breach_format_london(ms, out, 32);
    return out;
}

const char *breach_utc(struct arena *a, int64_t ms)
{
    char *out = arena_alloc(a, 40);
    time_format_rfc3339(ms, out, 40);
    return out;
}

/* Rows [i, j) of one business. */
size_t breach_business_end(const struct exposure *x, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && x[j].data_tenant == x[i].data_tenant)
        j++;
    return j;
}

void breach_business_summary(const struct exposure *x, size_t i, size_t j, int64_t *records,
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
void breach_controller_report(struct buf *b, struct arena *a, const struct exposure *x, size_t i,
                              size_t j)
{
    int64_t records, first, last, times, withheld;
    breach_business_summary(x, i, j, &records, &first, &last, &times, &withheld);
    buf_printf(b,
               "To business %lld (controller), from postroom (processor), under UK GDPR "
               "Art. 33(2):\n"
               "  Between %s and %s, %lld of your order records %s handed by postroom to "
               "requests of another business: ",
               (long long)x[i].data_tenant, breach_london(a, first), breach_london(a, last),
               (long long)records, records == 1 ? "was" : "were");
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

void breach_radius_text(struct buf *b, struct arena *a, const struct exposure *x, size_t n)
{
    int64_t records, businesses;
    breach_radius_counts(x, n, &records, &businesses);
    buf_printf(b, "%lld record%s of %lld business%s seen by another business\n", (long long)records,
               records == 1 ? "" : "s", (long long)businesses, businesses == 1 ? "" : "es");
    for (size_t i = 0; i < n;) {
        size_t j = breach_business_end(x, n, i);
        int64_t recs, first, last, times, withheld;
        breach_business_summary(x, i, j, &recs, &first, &last, &times, &withheld);
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
                       breach_london(a, x[k].first_at), breach_london(a, x[k].last_at));
        i = j;
    }
    for (size_t i = 0; i < n;) {
        size_t j = breach_business_end(x, n, i);
        buf_adds(b, "\n");
        breach_controller_report(b, a, x, i, j);
        i = j;
    }
}

const char *breach_state(const struct breach *b)
{
    if (b->closed_at) return "closed";
    return "open";
}

const char *breach_decision_text(const struct breach *b)
{
    if (!b->decision) return "decision pending";
    return !strcmp(b->decision, "notify") ? "ICO to be notified" : "not notifiable";
}

static int64_t count_or(int64_t given, int64_t counted)
{
    return given >= 0 ? given : counted;
}

/* Every ICO field (Art. 33(3)) and the register's (Art. 33(5)); md: Markdown. */
void breach_entry_text(struct buf *b, struct arena *a, const struct breach *e,
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
               breach_state(e), breach_decision_text(e));
    buf_printf(b, "%sWhen%s\n", h, md ? "" : ":");
    if (first)
        buf_printf(b, "%sOccurred%sbetween %s and %s (first and last record in the blast radius)\n",
                   li, le, breach_london(a, first), breach_london(a, last));
    else
        buf_printf(b, "%sOccurred%swithin %s to %s\n", li, le, breach_london(a, e->window_from),
                   e->window_to ? breach_london(a, e->window_to) : "now");
    buf_printf(b, "%sWe became aware%s%s (%s)\n", li, le, breach_london(a, e->aware_at),
               breach_utc(a, e->aware_at));
    buf_printf(b, "%sICO deadline (72 hours)%s%s (%s)%s\n", li, le, breach_london(a, deadline),
               breach_utc(a, deadline), e->notified_at ? "" : arena_printf(a, ", %s", left));
    buf_printf(b, "%sRecord opened%s%s by %s\n\n", li, le, breach_london(a, e->opened_at),
               e->opened_by);
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
                   md ? "**" : "", e->decided_by, breach_london(a, e->decided_at),
                   e->decision_reason);
    else
        buf_printf(b, "%sPending%snot yet decided\n", li, le);
    if (e->notified_at)
        buf_printf(b, "%sICO notified%s%s\n", li, le, breach_london(a, e->notified_at));
    buf_printf(b, "\n%sBlast radius (counts and business ids only)%s\n", h, md ? "" : ":");
    buf_printf(b, "%s%lld record%s of %lld business%s", md ? "" : "  ", (long long)records,
               records == 1 ? "" : "s", (long long)businesses, businesses == 1 ? "" : "es");
    for (size_t i = 0; i < nx;) {
        size_t j = breach_business_end(x, nx, i);
        int64_t recs, f, l, times, withheld;
        breach_business_summary(x, i, j, &recs, &f, &l, &times, &withheld);
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
        buf_printf(b, "%s%s%s%s (%s)\n", md ? "- " : "  ", breach_london(a, u[i].time),
                   md ? ": " : " ", u[i].note, u[i].author);
}
