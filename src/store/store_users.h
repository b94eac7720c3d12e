/* store_users: the store calls of the administrators' settings pages
 * (issue 11, migration 012): a business's users, its API keys, its label
 * layout and customs defaults. All are scoped: a row of another business
 * is neither listed nor changed (an id of one typed by hand finds
 * nothing), except store_directory_apikey_used, which the server's
 * housekeeping calls for the keys its requests used. */
#ifndef POSTROOM_STORE_USERS_H
#define POSTROOM_STORE_USERS_H
#include "store/store.h"

struct user_row {
    int64_t tenant_id, user_id;
    const char *email;
    int role; /* users.role as stored */
    int64_t created_at;
    int64_t last_signin_at; /* 0: never */
};

struct apikey_row {
    int64_t tenant_id, key_id;
    const char *name;
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
    int64_t revoked_at;   /* 0: live */
};

/* A business's label layout ("6x4" or "A4") and customs defaults
 * (category and origin country, NULL for none). */
struct label_settings {
    const char *label_layout;
    const char *customs_category, *customs_origin;
};

/* The scope's users by id. */
int store_users_list(struct store *s, const struct scope *sc, struct arena *a,
                     struct user_row **rows, size_t *n);
/* Adds a user; STORE_CONFLICT when the address (in any case) already signs
 * anyone in, in any business: sign-in names are global. */
int store_user_create(struct store *s, const struct scope *sc, const char *email,
                      const char *pw_hash, int role, int64_t now, int64_t *user_id);
/* STORE_NOTFOUND: no such user of the scope's; STORE_CONFLICT: it would
 * leave the business without an administrator. */
int store_user_set_role(struct store *s, const struct scope *sc, int64_t user_id, int role);
/* Removes the user, its sign-in name and its sessions at once (they end
 * on their next request); STORE_NOTFOUND and STORE_CONFLICT as above. */
int store_user_remove(struct store *s, const struct scope *sc, int64_t user_id);

/* The scope's keys by id (their hashes stay in the store). */
int store_apikeys_list(struct store *s, const struct scope *sc, struct arena *a,
                       struct apikey_row **rows, size_t *n);
int store_apikey_create(struct store *s, const struct scope *sc, const unsigned char hash[32],
                        const char *name, int64_t now, int64_t *key_id);
/* STORE_NOTFOUND: no live key of the scope's with that id. */
int store_apikey_revoke(struct store *s, const struct scope *sc, int64_t key_id, int64_t now);
/* Records that the key was used at `at` (only ever moving it later). */
int store_directory_apikey_used(struct store *s, int64_t tenant_id, int64_t key_id, int64_t at);

int store_label_settings(struct store *s, const struct scope *sc, struct arena *a,
                         struct label_settings *out);
int store_label_settings_set(struct store *s, const struct scope *sc,
                             const struct label_settings *in);

struct store_users_ops {
    int (*list)(struct store *, const struct scope *, struct arena *, struct user_row **, size_t *);
    int (*create)(struct store *, const struct scope *, const char *, const char *, int, int64_t,
                  int64_t *);
    int (*set_role)(struct store *, const struct scope *, int64_t, int);
    int (*remove)(struct store *, const struct scope *, int64_t);
    int (*keys)(struct store *, const struct scope *, struct arena *, struct apikey_row **,
                size_t *);
    int (*key_create)(struct store *, const struct scope *, const unsigned char *, const char *,
                      int64_t, int64_t *);
    int (*key_revoke)(struct store *, const struct scope *, int64_t, int64_t);
    int (*key_used)(struct store *, int64_t, int64_t, int64_t);
    int (*labels)(struct store *, const struct scope *, struct arena *, struct label_settings *);
    int (*labels_set)(struct store *, const struct scope *, const struct label_settings *);
};

#endif
