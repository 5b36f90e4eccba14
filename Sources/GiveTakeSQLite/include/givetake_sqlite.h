/* givetake_sqlite.h -- the GiveTake SQLite loadable extension.
 *
 *   sqlite> .load ./libgivetake_sqlite
 *   sqlite> SELECT givetake_classify('Tips: how to fix it');   -- give
 *
 * SQLite derives the entry point sqlite3_givetakesqlite_init from the
 * file name; sqlite3_givetake_init is the same function under the name
 * `.load libgivetake_sqlite sqlite3_givetake_init` asks for. */
#ifndef GIVETAKE_SQLITE_H
#define GIVETAKE_SQLITE_H

struct sqlite3;
struct sqlite3_api_routines;

int sqlite3_givetake_init(struct sqlite3 *db, char **err,
                          const struct sqlite3_api_routines *api);
int sqlite3_givetakesqlite_init(struct sqlite3 *db, char **err,
                                const struct sqlite3_api_routines *api);

#endif
