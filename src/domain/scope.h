/* scope: the only capability the store accepts for tenant data.
 *
 * Built from an authenticated principal (auth/principal.h scope_of) and
 * nowhere else; every store call on tenant data takes one. */
#ifndef POSTROOM_SCOPE_H
#define POSTROOM_SCOPE_H
#include <stdint.h>

struct scope {
    int64_t tenant_id;
};

#endif
