/* migrations: the schema's versioned steps, embedded from migrations/NNN_name.sql. */
#ifndef POSTROOM_MIGRATIONS_H
#define POSTROOM_MIGRATIONS_H

struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

/* The PostgreSQL backend's, from migrations/pg/NNN_name.sql, and the wall
 * applied after them (migrations/pg/rls.sql, README.md there). */
extern const struct migration pg_migrations[];
extern const int pg_migrations_count;
extern const char pg_rls_sql[];

#endif
