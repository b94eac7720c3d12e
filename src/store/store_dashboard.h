/* store_dashboard: what the web app's dashboard reads of a business (issue
 * 11): its orders counted by status, and per day its orders created and
 * its postage spend (the ledger's charges less its refunds). Days are the
 * caller's: it passes their bounds (domain/london.h gives Europe/London's). */
#ifndef POSTROOM_STORE_DASHBOARD_H
#define POSTROOM_STORE_DASHBOARD_H
#include "store/store.h"

#define DASHBOARD_MAX_DAYS 62

struct dashboard_status_count {
    const char *status;
    bool in_manifest; /* manifest_no set */
    int64_t count;
};

struct dashboard_read {
    struct dashboard_status_count *counts; /* one per (status, in_manifest) the business has */
    size_t ncounts;
    int64_t orders[DASHBOARD_MAX_DAYS]; /* created in day i */
    int64_t pence[DASHBOARD_MAX_DAYS];  /* postage charged less refunded in day i */
};

/* In one snapshot: the counts, and for each of ndays days [bounds[i],
 * bounds[i + 1]) its orders and spend. ndays is at most DASHBOARD_MAX_DAYS. */
int store_dashboard(struct store *s, const struct scope *sc, const int64_t *bounds, size_t ndays,
                    struct arena *a, struct dashboard_read *out);

struct store_dashboard_ops {
    int (*read)(struct store *, const struct scope *, const int64_t *, size_t, struct arena *,
                struct dashboard_read *);
};

#endif
