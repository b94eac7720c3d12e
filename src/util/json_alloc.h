/* json_alloc: jansson's allocator, wiping memory before it is freed.
 *
 * Request bodies are parsed by jansson on the heap, outside the request's
 * arena; wiping on free keeps one request's personal data from lingering in
 * memory a later allocation can see (wall 7). */
#ifndef POSTROOM_JSON_ALLOC_H
#define POSTROOM_JSON_ALLOC_H

void json_alloc_install(void);

#endif
