/* handle: one request from parsed parts to a built answer, without any
 * knowledge of libmicrohttpd: request checks (limits, duplicate credentials,
 * query encoding) -> route -> authenticate -> guards (rate limit, CSRF) ->
 * handler -> egress check. The server adapter fills the request (method, raw
 * path, headers, query, body, store) and sends what this leaves in it; the
 * fuzzer and in-process tests call it the same way. */
#ifndef POSTROOM_HANDLE_H
#define POSTROOM_HANDLE_H
#include "http/request.h"

void http_handle(struct request *r);
/* The route's name for logs and metrics ("unmatched" when none). */
const char *http_route_name(const struct request *r);

#endif
