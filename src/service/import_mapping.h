/* import_mapping: a business's saved column mappings as the spreadsheet
 * reader takes them (formats/import_mapping.h), for every door that
 * imports: the web's import page, and the command line's
 * `postroom import FILE --tenant ID --mapping NAME`.
 *
 * The command line calls, with the tenant's scope:
 *
 *     struct saved_mapping sm;
 *     int rc = service_import_mapping_find(store, &scope, name, arena, &sm);
 *     // SERVICE_NOTFOUND: "no mapping called NAME" (exit 2); SERVICE_INVALID:
 *     // the stored mapping does not read; SERVICE_STORE_ERROR: the store
 *     struct import_defaults d = {.now_ms = now, .mapping = &sm.m};
 *     import_read_with(data, len, &d, arena, &batch);  // format_name = NAME
 *
 * and, without --mapping (--format auto), service_import_mapping_match
 * first: a file whose header row is exactly a saved mapping's is read
 * through it. Reading mappings is not personal data: nothing is audited. */
#ifndef POSTROOM_SERVICE_IMPORT_MAPPING_H
#define POSTROOM_SERVICE_IMPORT_MAPPING_H
#include "formats/import_mapping.h"
#include "service/service.h"
#include "store/store_mappings.h"

struct saved_mapping {
    int64_t tenant_id;  /* as the store read it: the face claims it */
    int64_t mapping_id; /* the business's number for it */
    struct import_mapping m;
};

/* By name (exact, as the business wrote it). SERVICE_NOTFOUND when the
 * scope has none of that name, SERVICE_INVALID when its stored form does
 * not read, SERVICE_STORE_ERROR. */
int service_import_mapping_find(struct store *s, const struct scope *sc, const char *name,
                                struct arena *a, struct saved_mapping *out);
/* By number: another business's number is SERVICE_NOTFOUND, as an unknown one. */
int service_import_mapping_get(struct store *s, const struct scope *sc, int64_t mapping_id,
                               struct arena *a, struct saved_mapping *out);
/* The scope's mapping made from a file with exactly this file's header row
 * (import_headers_signature); SERVICE_NOTFOUND when there is none, or the
 * file has no header row to match. */
int service_import_mapping_match(struct store *s, const struct scope *sc, const char *data,
                                 size_t len, struct arena *a, struct saved_mapping *out);
/* Saves m (checked by the caller with import_mapping_check) under name, made
 * from a file with headers h; a store return code (STORE_CONFLICT: the
 * business has a mapping of that name). */
int service_import_mapping_save(const struct service_ctx *c, const char *name,
                                const struct import_mapping *m, const struct import_headers *h,
                                int64_t *mapping_id);

#endif
