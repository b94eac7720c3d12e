/* store_manifests: what the web app's manifests page reads (the orders a
 * manifest would take, the history) and the automatic daily manifest's
 * setting and claims (migration 014). Scoped calls but one:
 * store_operator_manifest_daily_pending, the server's look across every
 * business for a manifest that may be due. Times are Unix ms, the
 * caller's. */
#ifndef POSTROOM_STORE_MANIFESTS_H
#define POSTROOM_STORE_MANIFESTS_H
#include "domain/manifest_daily.h"
#include "store/store.h"

struct manifest_summary {
    int64_t tenant_id;
    int64_t number;
    int64_t created_at;
    int64_t order_count;
};

/* The orders store_manifest_create would take now (label generated or
 * despatched, in no manifest), up to limit of them by order number, and how
 * many there are in all. */
int store_manifests_eligible(struct store *s, const struct scope *sc, size_t limit, struct arena *a,
                             struct order_row **rows, size_t *n, int64_t *total);
/* The scope's manifests, newest first, up to limit. */
int store_manifests_list(struct store *s, const struct scope *sc, size_t limit, struct arena *a,
                         struct manifest_summary **rows, size_t *n);

/* The scope's daily manifest setting (off at 18:30 on working days when it
 * never set one). */
int store_manifest_daily_get(struct store *s, const struct scope *sc, struct arena *a,
                             struct manifest_daily *out);
/* Sets it on or off, its time and its days; the day it last ran stays. */
int store_manifest_daily_set(struct store *s, const struct scope *sc, bool enabled, int minute,
                             bool working_days, int64_t now);
/* Claims day ("YYYY-MM-DD") for the scope's daily manifest, if it is on at
 * minute and has not run for that day or a later one: one conditional
 * UPDATE. STORE_NOTFOUND when another claim won (or the setting changed). */
int store_manifest_daily_claim(struct store *s, const struct scope *sc, const char *day, int minute,
                               int64_t now);
/* Records the manifest the claimed day made (0: none was eligible). */
int store_manifest_daily_made(struct store *s, const struct scope *sc, int64_t manifest_no);
/* Every business whose daily manifest is on and has not run for day or a
 * later one: up to limit settings, the due decision is the caller's
 * (domain/manifest_daily.h). An operator call: it crosses businesses and
 * runs outside any scoped transaction. */
int store_operator_manifest_daily_pending(struct store *s, const char *day, size_t limit,
                                          struct arena *a, struct manifest_daily **rows, size_t *n);

struct store_manifests_ops {
    int (*eligible)(struct store *, const struct scope *, size_t, struct arena *,
                    struct order_row **, size_t *, int64_t *);
    int (*list)(struct store *, const struct scope *, size_t, struct arena *,
                struct manifest_summary **, size_t *);
    int (*daily_get)(struct store *, const struct scope *, struct arena *, struct manifest_daily *);
    int (*daily_set)(struct store *, const struct scope *, bool, int, bool, int64_t);
    int (*daily_claim)(struct store *, const struct scope *, const char *, int, int64_t);
    int (*daily_made)(struct store *, const struct scope *, int64_t);
    int (*daily_pending)(struct store *, const char *, size_t, struct arena *,
                         struct manifest_daily **, size_t *);
};

#endif
