/* sqlite_int.h -- what sqlite.c shares with the store's other SQLite
 * modules (accel.c): the connection of a handle and its error path, so that
 * they need not copy them. Internal to src/store/. */
#ifndef EPFIOT_STORE_SQLITE_INT_H
#define EPFIOT_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store_driver.h"

/* The handle's connection; NULL (with the error set) when the handle is
 * not a SQLite one. */
sqlite3 *store_sqlite_db(store *st);
/* Records a failed SQLite call (constraint failures: STORE_CONFLICT). */
store_status store_sqlite_fail(store *st, int rc, const char *what);
/* A malloc'ed copy of a text column; NULL for SQL NULL. */
char *store_sqlite_col_text(sqlite3_stmt *s, int i);
/* Fills one record of a list from the current row. */
typedef void (*store_sqlite_row_reader)(sqlite3_stmt *s, void *out);
/* Reads every row of `s` into a malloc'ed array of `size`-byte records
 * (*n of them, also on failure) and resets `s`. */
store_status store_sqlite_rows(store *st, sqlite3_stmt *s, const char *what,
                               store_sqlite_row_reader read, size_t size, void **list, size_t *n);

#endif
