/* import_impl: what the import page (import.c) and the column mapping pages
 * (import_mapping.c) share. */
#ifndef POSTROOM_WEB_IMPORT_IMPL_H
#define POSTROOM_WEB_IMPORT_IMPL_H
#include "http/request.h"

#include <stddef.h>

/* The import form's choice of a saved mapping (a <select name="mapping">,
 * "recognise it" first), and a link to the mappings; nothing when the
 * business has none or the store cannot list them (the upload still
 * works without). */
void web_import_mapping_choice(struct request *r);
/* The answer to an upload whose layout postroom does not know (why: the
 * reader's sentence): for an administrator, the mapping page with the
 * file's headers, a first guess and its preview; for a Standard user, why
 * and whom to ask. 422: nothing was imported. False when the file cannot
 * be offered for mapping (its header row alone is too long to carry in
 * the form), nothing written. */
bool web_import_mapping_offer(struct request *r, const char *data, size_t len, const char *filename,
                              const char *why);
/* The 404 page of a mapping number the business does not have. */
void web_import_mapping_not_found(struct request *r);

#endif
