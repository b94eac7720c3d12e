/* status_http: the status site's route table and handlers, served through
 * the same http/ as the app (server_config.routes) but in a process of its
 * own with no app store (server_config.db_path NULL). */
#ifndef POSTROOM_STATUS_HTTP_H
#define POSTROOM_STATUS_HTTP_H
#include "http/router.h"

extern const struct route_table status_routes;

/* The status database the handlers read; set once before serving. */
void status_http_set_db(const char *path);

#endif
