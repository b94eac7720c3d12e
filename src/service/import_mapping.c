/* import_mapping: a business's saved column mappings, from the store's
 * rows to the reader's form and back (service/import_mapping.h). */
#include "service/import_mapping.h"

#include <string.h>

static int from_row(const struct mapping_row *row, struct arena *a, struct saved_mapping *out)
{
    memset(out, 0, sizeof *out);
    out->tenant_id = row->tenant_id;
    out->mapping_id = row->mapping_id;
    return import_mapping_decode(row->spec, row->name, a, &out->m) ? SERVICE_OK : SERVICE_INVALID;
}

static int of_store(int rc)
{
    return rc == STORE_NOTFOUND ? SERVICE_NOTFOUND : SERVICE_STORE_ERROR;
}

int service_import_mapping_find(struct store *s, const struct scope *sc, const char *name,
                                struct arena *a, struct saved_mapping *out)
{
    struct mapping_row row;
    int rc = store_mapping_find(s, sc, name, a, &row);
    return rc == STORE_OK ? from_row(&row, a, out) : of_store(rc);
}

int service_import_mapping_get(struct store *s, const struct scope *sc, int64_t mapping_id,
                               struct arena *a, struct saved_mapping *out)
{
    struct mapping_row row;
    int rc = store_mapping_get(s, sc, mapping_id, a, &row);
    return rc == STORE_OK ? from_row(&row, a, out) : of_store(rc);
}

int service_import_mapping_match(struct store *s, const struct scope *sc, const char *data,
                                 size_t len, struct arena *a, struct saved_mapping *out)
{
    struct import_headers h;
    size_t line;
    const char *message;
    if (!import_file_headers(data, len, 0, a, &h, &line, &message)) return SERVICE_NOTFOUND;
    const char *sig = import_headers_signature(&h, a);
    struct mapping_row *rows;
    size_t n;
    int rc = store_mappings_list(s, sc, a, &rows, &n);
    if (rc != STORE_OK) return SERVICE_STORE_ERROR;
    for (size_t i = 0; sig && i < n; i++)
        if (rows[i].headers && !strcmp(rows[i].headers, sig)) return from_row(&rows[i], a, out);
    return SERVICE_NOTFOUND;
}

int service_import_mapping_save(const struct service_ctx *c, const char *name,
                                const struct import_mapping *m, const struct import_headers *h,
                                int64_t *mapping_id)
{
    struct mapping_row row = {.name = name,
                              .spec = import_mapping_encode(m, c->arena),
                              .headers = import_headers_signature(h, c->arena)};
    if (!row.spec || !row.headers) return STORE_ERROR;
    return store_mapping_add(c->store, &c->scope, &row, c->now, mapping_id);
}
