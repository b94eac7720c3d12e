/* share: loading the tariff and fonts the handlers read (app/share.c). */
#ifndef POSTROOM_APP_SHARE_H
#define POSTROOM_APP_SHARE_H
#include <stdbool.h>

struct server_config;
struct tariff;
struct tariff_error;

/* The share/ directory: $POSTROOM_SHARE, else share/ beside the directory
 * that holds the binary (build/postroom -> share/), else ./share. */
const char *app_share_dir(void);
/* Reads and checks the tariff file at path (domain/tariff.h's tariff_parse,
 * with messages "PATH:LINE: what"). On success *out owns the tariff
 * (tariff_free releases it); otherwise err says where and why. The unit
 * tests and fuzz targets load share/tariff.tsv with it too. */
bool tariff_load(const char *path, struct tariff **out, struct tariff_error *err);
/* The tariff of share_dir (NULL: app_share_dir()); NULL after printing why. */
struct tariff *app_load_tariff(const char *share_dir);
/* Loads the tariff of c->share_dir and the label fonts into c; false after
 * printing why. app_free_share undoes it once the server has stopped. */
bool app_load_share(struct server_config *c);
void app_free_share(struct server_config *c);
/* Starts workers (0: one per online CPU) drawing processes for c's fonts
 * (documents/draw_pool.h): every document the server draws is drawn in
 * them. Call after app_load_share and before any thread starts; false
 * after printing why. app_free_share stops them. */
bool app_start_draw_pool(struct server_config *c, int workers);

#endif
