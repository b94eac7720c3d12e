/* manifest_daily: the server's part of the automatic daily manifest: a
 * round of service_manifest_daily_round about once a minute, from the
 * housekeeper's thread and connection. */
#ifndef POSTROOM_APP_MANIFEST_DAILY_H
#define POSTROOM_APP_MANIFEST_DAILY_H

struct store;
struct server_config;

/* The server's housekeeping (server_config.housekeeping): the audit's
 * (audit_housekeeping), then the daily manifests when a round is due:
 * every $POSTROOM_MANIFEST_CHECK_SECONDS (default 60; the tests set 1). */
void app_housekeeping(struct store *s, const struct server_config *c);

#endif
