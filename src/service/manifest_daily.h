/* manifest_daily: the automatic daily manifest (Click & Drop's 18:30), run
 * by the server itself, and the manifests page's overview.
 *
 * Each round (app/manifest_daily.c calls it about once a minute) finds the
 * businesses whose daily manifest is on and has not run today, asks the
 * rule (domain/manifest_daily.h) whether it is due, and for each that is,
 * in one transaction of that business: claims the London day (one
 * conditional UPDATE, so a restart or a second server on the same database
 * never runs it twice), makes the manifest as service_manifest_create does
 * (none when no order is eligible: the day is still recorded as run),
 * records which, and appends the access audit's records. The collection
 * receipt is not drawn here: it is drawn when someone asks for it. */
#ifndef POSTROOM_SERVICE_MANIFEST_DAILY_H
#define POSTROOM_SERVICE_MANIFEST_DAILY_H
#include "domain/manifest_daily.h"
#include "domain/types.h"
#include "service/service.h"
#include "store/store_manifests.h"

#include <stddef.h>
#include <stdint.h>

struct manifest_daily_round {
    size_t claimed; /* days this round claimed (each ran once, here) */
    size_t made;    /* of them, the days that made a manifest */
    size_t failed;  /* businesses whose day could not be claimed or made (tried again) */
};

/* One round at now, on a connection of its own (outside any transaction);
 * a the round's arena. SERVICE_STORE_ERROR when the connection broke (the
 * caller closes it); a business whose day failed is left to the next round. */
enum service_rc service_manifest_daily_round(struct store *s, struct arena *a, int64_t now,
                                             struct manifest_daily_round *out);

/* What the manifests page shows, read in one snapshot. */
struct manifests_overview {
    struct order_row *eligible; /* up to the limit asked, by order number */
    size_t neligible;
    int64_t eligible_total;
    struct manifest_summary *history; /* newest first */
    size_t nhistory;
    struct manifest_daily daily;
};
enum service_rc service_manifests_overview(const struct service_ctx *c, size_t eligible_limit,
                                           size_t history_limit, struct manifests_overview *out);

#endif
