/* Unit tests of a connection's prepared statements by text (pg_stmt.c):
 * a text is prepared once (fresh the first time, the same name after), two
 * texts get two names, names carry the connection's tag and are never
 * reused after a reset, and nothing is named when the table is off (behind
 * a pooler), the text is too long to keep, or the table is full. */
#include "check.h"
#include "store/pg/pg_internal.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    struct pg_stmts s = {0};
    char a[PG_STMT_NAME], b[PG_STMT_NAME], again[PG_STMT_NAME];
    bool fresh;

    CHECK(pg_stmts_name(&s, "SELECT 1", a, &fresh));
    CHECK(fresh);
    CHECK(s.tag != 0);
    CHECK(a[0] == 'p' && strlen(a) > 17);
    CHECK(pg_stmts_name(&s, "SELECT 1", again, &fresh));
    CHECK(!fresh);
    CHECK_STR(again, a);
    /* the same text in another buffer is the same statement */
    char copy[] = "SELECT 1";
    CHECK(pg_stmts_name(&s, copy, again, &fresh));
    CHECK(!fresh);
    CHECK_STR(again, a);
    CHECK(pg_stmts_name(&s, "SELECT 2", b, &fresh));
    CHECK(fresh);
    CHECK(strcmp(a, b) != 0);

    /* after a reset the texts are prepared again, under names not used before */
    pg_stmts_reset(&s);
    CHECK(pg_stmts_name(&s, "SELECT 1", again, &fresh));
    CHECK(fresh);
    CHECK(strcmp(again, a) != 0 && strcmp(again, b) != 0);

    /* a text longer than the table keeps goes unnamed */
    char *big = malloc(5000);
    memset(big, ' ', 4999);
    memcpy(big, "SELECT", 6);
    big[4999] = '\0';
    CHECK(!pg_stmts_name(&s, big, again, &fresh));
    CHECK(!fresh);
    free(big);

    /* a full table names no more, and still finds what it holds */
    char sql[64];
    int named = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(sql, sizeof sql, "SELECT %d", 1000 + i);
        named += pg_stmts_name(&s, sql, again, &fresh);
    }
    CHECK(named > 100 && named < 1000);
    CHECK(pg_stmts_name(&s, "SELECT 1", again, &fresh));
    CHECK(!fresh);

    /* off (a pooler in transaction mode): everything unnamed */
    struct pg_stmts off = {.off = true};
    CHECK(!pg_stmts_name(&off, "SELECT 1", again, &fresh));
    CHECK(!fresh);

    pg_stmts_reset(&s);
    pg_stmts_reset(&off);
    return check_report("pg_stmt");
}
