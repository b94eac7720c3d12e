/* manifests: a business's orders handed over for collection, whichever face
 * asks.
 *
 * Manifesting takes every eligible order of the scope's business (label
 * generated or despatched, in no manifest yet) into one numbered manifest,
 * in one transaction; the collection receipt (a PDF) is drawn from the
 * manifest's orders each time it is asked for, so a retry only redoes the
 * paperwork. The rows come back with the tenant ids the store read them
 * with, for the face to claim, whatever the outcome. */
#ifndef POSTROOM_SERVICE_MANIFESTS_H
#define POSTROOM_SERVICE_MANIFESTS_H
#include "domain/types.h"
#include "service/service.h"
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

struct doc_fonts;

struct service_manifest {
    int64_t number;
    int64_t created;              /* Unix ms */
    const struct order_row *rows; /* its orders, as the store read them */
    size_t n;
    struct buf pdf; /* the collection receipt */
};

/* A new manifest of every eligible order, made as of c->now, and its
 * receipt. SERVICE_NOTFOUND when no order is eligible; SERVICE_STORE_ERROR,
 * SERVICE_DRAW_FAILED or SERVICE_FOREIGN_RECORD otherwise. */
enum service_rc service_manifest_create(const struct service_ctx *c, const struct doc_fonts *fonts,
                                        struct service_manifest *out);
/* The scope's manifest of that number, its receipt drawn again.
 * SERVICE_NOTFOUND when the scope has no such manifest. */
enum service_rc service_manifest_redraw(const struct service_ctx *c, const struct doc_fonts *fonts,
                                        int64_t number, struct service_manifest *out);

#endif
