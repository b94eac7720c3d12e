/* killswitch: the in-process snapshot of the switches that are on.
 *
 * Every server process reads the same table, so a switch set by the CLI on
 * any host reaches every server within one refresh (200 ms, by the
 * housekeeper in server.c). The snapshot is copied out of the store's arena
 * into memory of its own, swapped under a mutex, and the guards read it
 * under the same mutex: the list is a handful of rows, so the lock is held
 * for a few comparisons. */
#include "http/killswitch.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct switch_entry {
    int64_t tenant_id;          /* 0: every tenant */
    enum route_feature feature; /* FEATURE_NONE: every feature */
    char *reason;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct switch_entry *entries;
static size_t nentries;
/* Refreshes are numbered when they begin reading, and a snapshot is only
 * swapped in over an older one. The housekeeper and a request (the
 * tripwire, which switches on and refreshes at once) can refresh at the
 * same time: without the numbers, the housekeeper's read from just before
 * the tripwire's write could land last and hide the new switch until the
 * next round. */
static uint64_t tickets_issued, ticket_shown;

static const char *const names[] = {
    [FEATURE_API] = "api",         [FEATURE_WEB] = "web",         [FEATURE_LABELS] = "labels",
    [FEATURE_IMPORTS] = "imports", [FEATURE_EXPORTS] = "exports",
};

const char *killswitch_feature_name(enum route_feature f)
{
    return f > FEATURE_NONE && f <= FEATURE_EXPORTS ? names[f] : NULL;
}

enum route_feature killswitch_feature_parse(const char *name)
{
    for (int f = FEATURE_API; name && f <= FEATURE_EXPORTS; f++)
        if (!strcmp(names[f], name)) return (enum route_feature)f;
    return FEATURE_NONE;
}

static void free_entries(struct switch_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].reason);
    free(e);
}

uint64_t killswitch_ticket(void)
{
    pthread_mutex_lock(&lock);
    uint64_t t = ++tickets_issued;
    pthread_mutex_unlock(&lock);
    return t;
}

/* Swaps e in unless a refresh that began later is already shown. */
static void swap_in(struct switch_entry *e, size_t n, uint64_t ticket)
{
    pthread_mutex_lock(&lock);
    if (ticket < ticket_shown) {
        pthread_mutex_unlock(&lock);
        free_entries(e, n);
        return;
    }
    struct switch_entry *old = entries;
    size_t nold = nentries;
    entries = e;
    nentries = n;
    ticket_shown = ticket;
    pthread_mutex_unlock(&lock);
    free_entries(old, nold);
}

int killswitch_refresh(struct store *s)
{
    return killswitch_refresh_from(s, killswitch_ticket());
}

int killswitch_refresh_from(struct store *s, uint64_t ticket)
{
    struct arena a;
    arena_init(&a);
    struct killswitch_row *rows;
    size_t n;
    int rc = store_operator_killswitch_list(s, &a, &rows, &n);
    if (rc == STORE_OK) {
        struct switch_entry *e = n ? xcalloc(n, sizeof *e) : NULL;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            enum route_feature f = killswitch_feature_parse(rows[i].feature);
            /* a feature this build does not know (a newer CLI's) stops
             * everything in its scope rather than nothing */
            e[k].tenant_id = rows[i].tenant_id;
            e[k].feature = f;
            e[k].reason = xstrdup(rows[i].reason ? rows[i].reason : "");
            k++;
        }
        swap_in(e, k, ticket);
    }
    arena_free(&a);
    return rc;
}

void killswitch_reset(void)
{
    swap_in(NULL, 0, killswitch_ticket());
}

/* The route's face: API-key routes are the API, session routes the web. */
static enum route_feature face(const struct route *rt)
{
    if (rt->auth == AUTH_API_KEY) return FEATURE_API;
    if (rt->auth == AUTH_SESSION) return FEATURE_WEB;
    return FEATURE_NONE;
}

static bool applies(const struct switch_entry *e, const struct route *rt, int64_t tenant_id)
{
    if (e->tenant_id && e->tenant_id != tenant_id) return false;
    return e->feature == FEATURE_NONE || e->feature == rt->feature || e->feature == face(rt);
}

bool killswitch_stops(const struct route *rt, int64_t tenant_id, struct arena *a,
                      const char **reason)
{
    if (rt->feature == FEATURE_NONE) return false;
    bool stop = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; !stop && i < nentries; i++) {
        if (!applies(&entries[i], rt, tenant_id)) continue;
        stop = true;
        *reason = arena_strndup(a, entries[i].reason, strlen(entries[i].reason));
    }
    pthread_mutex_unlock(&lock);
    return stop;
}
