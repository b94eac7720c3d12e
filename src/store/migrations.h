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

#endif
