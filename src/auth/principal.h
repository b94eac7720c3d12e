/* principal: who a request is, as authentication proved it.
 *
 * The tenant id is born only in auth/ (from a session or an API key) and
 * travels as part of a principal; nothing in a path, query, body or header can
 * set it. The store takes a scope built from a principal as its first
 * argument. */
#ifndef POSTROOM_PRINCIPAL_H
#define POSTROOM_PRINCIPAL_H
#include "domain/scope.h"

#include <stdint.h>

enum role { ROLE_NONE = 0, ROLE_STANDARD = 1, ROLE_ADMIN = 2 };

/* A business's user or key, or one of postroom's operators (issue 10): a
 * realm apart. An operator's principal has no tenant (tenant_id 0) and no
 * business role (ROLE_NONE), so no business guard lets it through, and its
 * scope names no business, which the store refuses (store.c). */
enum principal_kind { PRINCIPAL_BUSINESS = 0, PRINCIPAL_OPERATOR = 1 };

struct principal {
    int64_t tenant_id; /* > 0 once authenticated; 0 for an operator */
    int64_t user_id;   /* 0 for API keys */
    int64_t key_id;    /* 0 for sessions */
    enum role role;
    enum principal_kind kind;
    int64_t operator_id; /* > 0 for an operator, else 0 */
};

/* A user's role as the directory stores it (users.role), or ROLE_NONE for a
 * value auth does not know: such a user may sign in to nothing it cannot. */
static inline enum role role_of_stored(int stored)
{
    return stored == ROLE_STANDARD || stored == ROLE_ADMIN ? (enum role)stored : ROLE_NONE;
}

/* An operator's scope is tenant 0: no business. */
static inline struct scope scope_of(const struct principal *p)
{
    struct scope s = {p->kind == PRINCIPAL_BUSINESS ? p->tenant_id : 0};
    return s;
}

#endif
