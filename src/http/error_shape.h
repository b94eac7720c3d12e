/* error_shape: which JSON shape an error answer takes on which route. The
 * spec gives most errors ErrorResponse ({"code","message"}), but some routes
 * answer some statuses with their own shape; http_error writes that one, so
 * an error raised anywhere (request checks, body parsing, a handler) is what
 * a client generated from the spec expects for that route and status. */
#ifndef POSTROOM_ERROR_SHAPE_H
#define POSTROOM_ERROR_SHAPE_H

enum error_shape {
    ERROR_SHAPE_OBJECT, /* ErrorResponse: {"code","message"} */
    ERROR_SHAPE_LIST, /* [{"code","message"}]: OrderErrorResponse, OrderErrorInfo, OrderUpdateError
                       */
    ERROR_SHAPE_MANIFEST /* ManifestErrorsResponse: {"errors":[{"code","description"}]} */
};

/* The shape for status on the route named route_name (routes.c's names; NULL
 * when no route matched). */
enum error_shape error_shape_for(const char *route_name, int status);

#endif
