/* store_mappings: the store calls of a business's import column mappings
 * (issue 13, migration 019). Every call is scoped: a business reads and
 * changes only its own mappings (another business's id is STORE_NOTFOUND,
 * the same as an unknown one), and inside a scoped transaction only the
 * transaction's tenant. What a mapping says is formats/import_mapping's:
 * the store keeps its texts. Times are Unix ms, the caller's. */
#ifndef POSTROOM_STORE_MAPPINGS_H
#define POSTROOM_STORE_MAPPINGS_H
#include "store/store.h"

struct mapping_row {
    int64_t tenant_id, mapping_id;
    const char *name;
    const char *spec;    /* import_mapping_encode's text */
    const char *headers; /* import_headers_signature of the file it was made from */
    int64_t created_on, updated_on;
};

/* The scope's mappings, by name. */
int store_mappings_list(struct store *s, const struct scope *sc, struct arena *a,
                        struct mapping_row **rows, size_t *n);
/* STORE_NOTFOUND when the scope has no mapping of that id. */
int store_mapping_get(struct store *s, const struct scope *sc, int64_t mapping_id, struct arena *a,
                      struct mapping_row *out);
/* STORE_NOTFOUND when the scope has no mapping of that name (exact). */
int store_mapping_find(struct store *s, const struct scope *sc, const char *name, struct arena *a,
                       struct mapping_row *out);
/* Adds m (its ids and times ignored) as the scope's next number;
 * STORE_CONFLICT when the scope has a mapping of that name already. */
int store_mapping_add(struct store *s, const struct scope *sc, const struct mapping_row *m,
                      int64_t now, int64_t *mapping_id);
/* STORE_NOTFOUND when there is none; STORE_CONFLICT when the name is
 * another of the scope's mappings'. */
int store_mapping_rename(struct store *s, const struct scope *sc, int64_t mapping_id,
                         const char *name, int64_t now);
int store_mapping_delete(struct store *s, const struct scope *sc, int64_t mapping_id);

/* The backend's table of these calls (struct store_ops.mappings). */
struct store_mappings_ops {
    int (*list)(struct store *, const struct scope *, struct arena *, struct mapping_row **,
                size_t *);
    int (*get)(struct store *, const struct scope *, int64_t, struct arena *, struct mapping_row *);
    int (*find)(struct store *, const struct scope *, const char *, struct arena *,
                struct mapping_row *);
    int (*add)(struct store *, const struct scope *, const struct mapping_row *, int64_t,
               int64_t *);
    int (*rename)(struct store *, const struct scope *, int64_t, const char *, int64_t);
    int (*del)(struct store *, const struct scope *, int64_t);
};

#endif
