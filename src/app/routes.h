/* routes: the application's route table (app/routes.c), handed to the
 * server in server_config.routes. */
#ifndef POSTROOM_APP_ROUTES_H
#define POSTROOM_APP_ROUTES_H
#include "http/router.h"

extern const struct route_table app_routes;

#endif
