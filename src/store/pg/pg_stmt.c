/* pg_stmt: a connection's named prepared statements, by their text.
 *
 * An unnamed statement is parsed, analysed (row-level security policies
 * included) and planned again on every execution: on this machine the GET
 * query's transaction ran at half the rate it runs prepared, and most of
 * what row-level security cost was that planning (pgbench, -M extended
 * against -M prepared, as the app role and bypassing RLS). So on a direct
 * connection each statement text is prepared once, in the same pipeline as
 * its first execution, and executed by name afterwards.
 *
 * Names are never reused: "p", a random tag of the connection's, and a
 * counter. A statement dropped from the table after a failure may still
 * exist on the server, and preparing a new one under the same name would
 * fail; the tag keeps two clients of one pooled server session from
 * colliding. Behind a pooler in transaction mode a session's statements do
 * not follow it from one transaction to the next, so
 * POSTROOM_PG_POOLING=transaction turns this off (pg_store's open), and a
 * "prepared statement does not exist" (or "already exists") answer turns
 * it off for the connection by itself. */
#include "store/pg/pg_internal.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* A multi-row insert's text grows with its rows: such texts are sent unnamed
 * rather than filling the table with one statement per batch size. */
#define STMT_MAX_TEXT 4096
#define STMT_SLOTS 512 /* power of two; at most half used */

struct pg_stmt {
    uint64_t hash; /* 0: empty slot */
    char *sql;
    unsigned id;
};

static uint64_t text_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

void pg_stmts_reset(struct pg_stmts *s)
{
    if (s->slot) {
        for (unsigned i = 0; i < STMT_SLOTS; i++)
            free(s->slot[i].sql);
        free(s->slot);
    }
    s->slot = NULL;
    s->used = 0;
    /* next_id and off survive: names are never reused on a connection, and
     * a pooler does not go away */
}

bool pg_stmts_name(struct pg_stmts *s, const char *sql, char name[PG_STMT_NAME], bool *fresh)
{
    *fresh = false;
    if (s->off) return false;
    size_t n = strlen(sql);
    if (n > STMT_MAX_TEXT) return false;
    if (!s->slot) {
        s->slot = xcalloc(STMT_SLOTS, sizeof *s->slot);
        /* once per connection: a reset keeps the tag, as it keeps next_id */
        while (!s->tag && getrandom(&s->tag, sizeof s->tag, 0) != (ssize_t)sizeof s->tag) {
        }
    }
    uint64_t h = text_hash(sql, n);
    unsigned i = (unsigned)h & (STMT_SLOTS - 1);
    for (; s->slot[i].hash; i = (i + 1) & (STMT_SLOTS - 1)) {
        if (s->slot[i].hash == h && strcmp(s->slot[i].sql, sql) == 0) {
            snprintf(name, PG_STMT_NAME, "p%016llx_%u", (unsigned long long)s->tag, s->slot[i].id);
            return true;
        }
    }
    if (s->used >= STMT_SLOTS / 2) return false; /* full: the rest go unnamed */
    struct pg_stmt *e = &s->slot[i];
    e->hash = h;
    e->sql = xmalloc(n + 1);
    memcpy(e->sql, sql, n + 1);
    e->id = ++s->next_id;
    s->used++;
    snprintf(name, PG_STMT_NAME, "p%016llx_%u", (unsigned long long)s->tag, e->id);
    *fresh = true;
    return true;
}
