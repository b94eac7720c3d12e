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

struct principal {
    int64_t tenant_id; /* > 0 once authenticated */
    int64_t user_id;   /* 0 for API keys */
    int64_t key_id;    /* 0 for sessions */
    enum role role;
};

/* A user's role as the directory stores it (users.role), or ROLE_NONE for a
 * value auth does not know: such a user may sign in to nothing it cannot. */
static inline enum role role_of_stored(int stored)
{
    return stored == ROLE_STANDARD || stored == ROLE_ADMIN ? (enum role)stored : ROLE_NONE;
}

static inline struct scope scope_of(const struct principal *p)
{
    struct scope s = {p->tenant_id};
    return s;
}

#endif
