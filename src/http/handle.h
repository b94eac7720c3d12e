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
/* Before an upload's body is read (server.c spools it to disk as it
 * comes): whether the request's checks and credentials hold for its route.
 * False after answering as http_handle would (401 for an API key that is
 * not one), so nobody without credentials can fill the spool. The request
 * is checked and authenticated again by http_handle once its body is in. */
bool http_upload_admitted(struct request *r);
/* The route's name for logs and metrics ("unmatched" when none). */
const char *http_route_name(const struct request *r);

#endif
