/* status_db_impl: the status database's connection, shared by the files of
 * status/ that read it (status_json.c) and by no other layer. */
#ifndef POSTROOM_STATUS_DB_IMPL_H
#define POSTROOM_STATUS_DB_IMPL_H
#include <sqlite3.h>

struct status_db {
    sqlite3 *db;
};

#endif
