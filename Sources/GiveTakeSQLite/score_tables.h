/* Internal to the plugin: the score tables (score_tables.c) and the reader
 * that feeds them a source table (source_reader.c). */
#ifndef GIVETAKE_SQLITE_SCORE_TABLES_H
#define GIVETAKE_SQLITE_SCORE_TABLES_H

#include <stdint.h>
#include <sqlite3ext.h>

#include "givetake.h"

/* The scorer memory one call may use (gt_scorer_set_memory_limit): one
 * scorer holds every row of the source, about 200 bytes a row; beyond
 * this the call fails and names `givetake score`, which scores any size
 * in bounded memory. */
static const size_t gt_sqlite_memory_limit = (size_t)1 << 30;

/* Registers givetake_score_accounts, _contacts, _turns, _agents, _periods. */
int gt_sqlite_register_score_tables(sqlite3 *db, char **err);

/* Adds every row of `table` (a table or view with the interaction columns;
 * thread_id and agent_id optional) to s. SQLITE_OK, or an SQLite code with
 * *msg (sqlite3_malloc'd) naming the table, row, id and column; a
 * SQLITE_INTERRUPT may come without one. */
int gt_sqlite_read_source(sqlite3 *db, gt_scorer *s, const char *table, char **msg);

/* Gives s the schedules of the database's `schedules` table, read as
 * `givetake score` reads it (none when there is no such table). SQLITE_OK,
 * or an SQLite code with *msg (sqlite3_malloc'd) naming the row, its
 * account and channel, and the bad text. */
int gt_sqlite_read_schedules(sqlite3 *db, gt_scorer *s, char **msg);

/* A created_at or as_of value: INTEGER or REAL Unix seconds, or text that
 * gt_time_parse accepts, in years 0001..9999. GT_OK, or GT_EINVAL /
 * GT_ERANGE (*out untouched). */
int gt_sqlite_time(int64_t *out, sqlite3_value *v);

#endif
