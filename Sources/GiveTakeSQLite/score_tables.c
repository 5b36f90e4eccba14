/* The score tables as table-valued functions:
 *
 *   SELECT * FROM givetake_score_accounts('interactions');
 *   SELECT * FROM givetake_score_turns('interactions', '2026-11-30');
 *   SELECT * FROM givetake_score_periods('interactions', 'week');
 *
 * Each call reads the whole source (a table or view with the interaction
 * columns; thread_id and agent_id optional) and the `schedules` table, if
 * there is one (schedule_reader.c), into one scorer, finishes it
 * and returns its rows with the columns of the CLI's score tables. Values
 * are read as the CLI reads them; this file only converts values and calls
 * gt_*, every rule lives in the engine. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "givetake.h"
#include "score_tables.h"

/* ---- Result columns ---------------------------------------------------- */

enum { C_INT, C_INT32, C_REAL, C_CHANNEL, C_TIME, C_DATE, C_BOOL, C_STATUS };
enum { ALWAYS, IF_FLAG, IF_ACKNOWLEDGED };

typedef struct {
  const char *name;
  unsigned char type;
  unsigned char when; /* ALWAYS; IF_FLAG: the row's flag word has mask;
                         IF_ACKNOWLEDGED: a turn whose status says so */
  unsigned short offset;
  uint32_t mask;
} column_def;

#define COL(st, f, t) {#f, t, ALWAYS, offsetof(st, f), 0}
#define COLF(st, f, t, m) {#f, t, IF_FLAG, offsetof(st, f), m}

/* The account columns a period row shares, in the score tables' order:
 * those before contacts and mean_trust, and those after them. */
#define ACK_AND_CONTENT_COLUMNS(st)                                                                  \
  COL(st, needs_ack, C_INT), COL(st, pending, C_INT), COL(st, acknowledged, C_INT),                    \
      COL(st, ack_rate, C_REAL), COL(st, personal_rate, C_REAL), COL(st, appreciative_rate, C_REAL),    \
      COL(st, sla_rate, C_REAL), COL(st, median_ack_s, C_REAL), COL(st, p90_ack_s, C_REAL),             \
      COL(st, median_ack_business_s, C_REAL), COL(st, p90_ack_business_s, C_REAL),                     \
      COL(st, give_posts, C_INT), COL(st, take_posts, C_INT), COL(st, neutral_posts, C_INT),            \
      COL(st, give_ratio, C_REAL), COL(st, me_index, C_REAL), COL(st, reply_share, C_REAL),             \
      COL(st, channel_fit, C_REAL)
#define RETURN_AND_HEALTH_COLUMNS(st)                                                                \
  COL(st, conv_rate_ack, C_REAL), COL(st, conv_rate_ignored, C_REAL), COL(st, conversion_lift, C_REAL), \
      COL(st, value_per_ack_contact, C_REAL), COL(st, give_attributed_leads, C_INT),                   \
      COL(st, health, C_REAL), COL(st, anomalies, C_INT)

static const column_def account_columns[] = {
    COL(gt_account_score, account_id, C_INT), COL(gt_account_score, channel, C_CHANNEL),
    ACK_AND_CONTENT_COLUMNS(gt_account_score),
    COL(gt_account_score, contacts, C_INT), COL(gt_account_score, mean_trust, C_REAL),
    RETURN_AND_HEALTH_COLUMNS(gt_account_score),
};

static const column_def contact_columns[] = {
    COL(gt_contact_score, account_id, C_INT), COL(gt_contact_score, contact_id, C_INT),
    COL(gt_contact_score, balance, C_REAL), COL(gt_contact_score, trust_score, C_INT32),
    COL(gt_contact_score, acknowledged, C_INT), COL(gt_contact_score, unacknowledged, C_INT),
    COL(gt_contact_score, last_interaction_at, C_TIME),
};

static const column_def turn_columns[] = {
    COL(gt_turn_score, account_id, C_INT), COL(gt_turn_score, turn_id, C_INT),
    COLF(gt_turn_score, thread_id, C_INT, GT_TURN_HAS_THREAD),
    COLF(gt_turn_score, contact_id, C_INT, GT_TURN_HAS_CONTACT), COL(gt_turn_score, channel, C_CHANNEL),
    COL(gt_turn_score, started_at, C_TIME), COL(gt_turn_score, inbound_rows, C_INT),
    COL(gt_turn_score, status, C_STATUS),
    {"first_ack_id", C_INT, IF_ACKNOWLEDGED, offsetof(gt_turn_score, first_ack_id), 0},
    COLF(gt_turn_score, agent_id, C_INT, GT_TURN_HAS_AGENT), COL(gt_turn_score, time_to_ack_s, C_REAL),
    COL(gt_turn_score, business_time_to_ack_s, C_REAL), COL(gt_turn_score, personal, C_BOOL),
    COL(gt_turn_score, appreciative, C_BOOL), COL(gt_turn_score, within_sla, C_BOOL),
    COL(gt_turn_score, due_at, C_TIME),
};

static const column_def agent_columns[] = {
    COL(gt_agent_score, account_id, C_INT), COLF(gt_agent_score, agent_id, C_INT, 1),
    COL(gt_agent_score, acknowledged, C_INT), COL(gt_agent_score, median_ack_s, C_REAL),
    COL(gt_agent_score, p90_ack_s, C_REAL), COL(gt_agent_score, median_ack_business_s, C_REAL),
    COL(gt_agent_score, p90_ack_business_s, C_REAL), COL(gt_agent_score, personal_rate, C_REAL),
    COL(gt_agent_score, appreciative_rate, C_REAL), COL(gt_agent_score, sla_rate, C_REAL),
    COL(gt_agent_score, give_posts, C_INT), COL(gt_agent_score, take_posts, C_INT),
    COL(gt_agent_score, give_ratio, C_REAL), COL(gt_agent_score, me_index, C_REAL),
};

static const column_def period_columns[] = {
    COL(gt_period_score, account_id, C_INT), COL(gt_period_score, period_start, C_DATE),
    ACK_AND_CONTENT_COLUMNS(gt_period_score),
    RETURN_AND_HEALTH_COLUMNS(gt_period_score),
};

static int account_rows(const void **rows, size_t *n, const gt_scorer *s) {
  return gt_scorer_account_rows((const gt_account_score **)rows, n, sizeof(gt_account_score), s);
}
static int contact_rows(const void **rows, size_t *n, const gt_scorer *s) {
  return gt_scorer_contacts((const gt_contact_score **)rows, n, s);
}
static int turn_rows(const void **rows, size_t *n, const gt_scorer *s) {
  return gt_scorer_turns((const gt_turn_score **)rows, n, s);
}
static int agent_rows(const void **rows, size_t *n, const gt_scorer *s) {
  return gt_scorer_agents((const gt_agent_score **)rows, n, s);
}
static int period_rows(const void **rows, size_t *n, const gt_scorer *s) {
  return gt_scorer_periods((const gt_period_score **)rows, n, s);
}

typedef struct {
  const char *name;
  const column_def *columns;
  int ncolumns;
  size_t row_size;
  int flags_offset; /* the uint32/int32 that IF_FLAG columns test; -1 none */
  int has_period;   /* a `period` argument between source and as_of */
  int (*rows)(const void **rows, size_t *count, const gt_scorer *s);
} table_def;

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const table_def tables[] = {
    {"givetake_score_accounts", account_columns, COUNT(account_columns), sizeof(gt_account_score), -1, 0,
     account_rows},
    {"givetake_score_contacts", contact_columns, COUNT(contact_columns), sizeof(gt_contact_score), -1, 0,
     contact_rows},
    {"givetake_score_turns", turn_columns, COUNT(turn_columns), sizeof(gt_turn_score),
     offsetof(gt_turn_score, flags), 0, turn_rows},
    {"givetake_score_agents", agent_columns, COUNT(agent_columns), sizeof(gt_agent_score),
     offsetof(gt_agent_score, has_agent), 0, agent_rows},
    {"givetake_score_periods", period_columns, COUNT(period_columns), sizeof(gt_period_score), -1, 1,
     period_rows},
};

/* ---- Virtual table and cursor ------------------------------------------ */

/* Arguments, in the order of the hidden columns after the result columns. */
enum { ARG_SOURCE, ARG_PERIOD, ARG_AS_OF, ARGS };

typedef struct {
  sqlite3_vtab base;
  sqlite3 *db;
  const table_def *def;
} score_vtab;

typedef struct {
  sqlite3_vtab_cursor base;
  gt_scorer *scorer;
  const char *rows; /* owned by scorer */
  size_t count, index;
  sqlite3_value *args[ARGS];
} score_cursor;

static int hidden_arg(const table_def *def, int column) {
  int k = column - def->ncolumns;
  if (k < 0) return -1;
  if (!def->has_period && k >= ARG_PERIOD) k++;
  return k < ARGS ? k : -1;
}

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                      char **err) {
  (void)argc, (void)argv;
  const table_def *def = aux;
  sqlite3_str *sql = sqlite3_str_new(db);
  sqlite3_str_appendall(sql, "CREATE TABLE x(");
  for (int i = 0; i < def->ncolumns; i++) sqlite3_str_appendf(sql, "%s%s", i ? ", " : "", def->columns[i].name);
  sqlite3_str_appendall(sql, def->has_period ? ", source HIDDEN, period HIDDEN, as_of HIDDEN)"
                                             : ", source HIDDEN, as_of HIDDEN)");
  char *ddl = sqlite3_str_finish(sql);
  if (!ddl) return SQLITE_NOMEM;
  int rc = sqlite3_declare_vtab(db, ddl);
  sqlite3_free(ddl);
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("%s: %s", def->name, sqlite3_errmsg(db));
    return rc;
  }
  score_vtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->db = db;
  v->def = def;
  *out = &v->base;
  return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *vt) {
  sqlite3_free(vt);
  return SQLITE_OK;
}

/* idxNum: bit k set when argument k is given; argv follows bit order. A
 * source constraint SQLite cannot use yet is no plan (SQLITE_CONSTRAINT);
 * no source at all is planned, and xFilter names what is missing. */
static int vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info) {
  const table_def *def = ((score_vtab *)vt)->def;
  int at[ARGS] = {-1, -1, -1};
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int k = hidden_arg(def, c->iColumn);
    if (k < 0) continue;
    if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ) return SQLITE_CONSTRAINT;
    at[k] = i;
  }
  int mask = 0, next = 1;
  for (int k = 0; k < ARGS; k++) {
    if (at[k] < 0) continue;
    mask |= 1 << k;
    info->aConstraintUsage[at[k]].argvIndex = next++;
    info->aConstraintUsage[at[k]].omit = 1;
  }
  info->idxNum = mask;
  info->estimatedCost = 1e6;
  info->estimatedRows = 1000;
  return SQLITE_OK;
}

static int vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out) {
  (void)vt;
  score_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  *out = &c->base;
  return SQLITE_OK;
}

static void cursor_reset(score_cursor *c) {
  gt_scorer_free(c->scorer);
  c->scorer = NULL;
  c->rows = NULL;
  c->count = c->index = 0;
  for (int k = 0; k < ARGS; k++) {
    sqlite3_value_free(c->args[k]);
    c->args[k] = NULL;
  }
}

static int vt_close(sqlite3_vtab_cursor *cur) {
  cursor_reset((score_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* Sets the table's error message (printf-style) and returns rc. */
static int vt_error(score_vtab *v, int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  sqlite3_free(v->base.zErrMsg);
  v->base.zErrMsg = sqlite3_mprintf("%s: %s", v->def->name, msg ? msg : "out of memory");
  sqlite3_free(msg);
  return msg ? rc : SQLITE_NOMEM;
}

/* The scorer's interrupt callback: sqlite3_interrupt() stops finish too. */
static int interrupted(void *db) {
#if SQLITE_VERSION_NUMBER >= 3041000
  if (sqlite3_libversion_number() >= 3041000) return sqlite3_is_interrupted((sqlite3 *)db);
#endif
  (void)db;
  return 0;
}

/* ---- Arguments --------------------------------------------------------- */

static int read_as_of(score_vtab *v, sqlite3_value *arg, int64_t *as_of) {
  *as_of = GT_AS_OF_LATEST;
  if (!arg || sqlite3_value_type(arg) == SQLITE_NULL) return SQLITE_OK;
  if (gt_sqlite_time(as_of, arg) != GT_OK)
    return vt_error(v, SQLITE_ERROR, "as_of '%s' is not a timestamp in years 0001..9999 "
                    "(expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC or Unix seconds)",
                    sqlite3_value_text(arg));
  return SQLITE_OK;
}

static int read_period(score_vtab *v, sqlite3_value *arg, int *period) {
  static const char *names[] = {"day", "week", "month"};
  const char *p = arg ? (const char *)sqlite3_value_text(arg) : NULL;
  if (!p) return vt_error(v, SQLITE_ERROR, "period is missing: pass 'day', 'week' or 'month' after the source");
  for (int i = 0; i < 3; i++)
    if (!sqlite3_stricmp(p, names[i])) {
      *period = GT_PERIOD_DAY + i;
      return SQLITE_OK;
    }
  return vt_error(v, SQLITE_ERROR, "period '%s' is not 'day', 'week' or 'month'", p);
}

/* ---- Scoring ----------------------------------------------------------- */

static int vt_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
  (void)idxStr;
  score_cursor *c = (score_cursor *)cur;
  score_vtab *v = (score_vtab *)cur->pVtab;
  const table_def *def = v->def;
  cursor_reset(c);
  for (int k = 0, i = 0; k < ARGS && i < argc; k++)
    if (idxNum & (1 << k)) {
      c->args[k] = sqlite3_value_dup(argv[i++]);
      if (!c->args[k]) return SQLITE_NOMEM;
    }
  sqlite3_value *source = c->args[ARG_SOURCE];
  if (!source || sqlite3_value_type(source) == SQLITE_NULL)
    return vt_error(v, SQLITE_ERROR, "no source table: call it as %s('interactions'%s)", def->name,
                    def->has_period ? ", 'week'" : "");
  int64_t as_of;
  int period = GT_PERIOD_NONE;
  int rc = read_as_of(v, c->args[ARG_AS_OF], &as_of);
  if (rc == SQLITE_OK && def->has_period) rc = read_period(v, c->args[ARG_PERIOD], &period);
  if (rc != SQLITE_OK) return rc;

  int st = gt_scorer_new(&c->scorer, NULL);
  if (st == GT_OK) st = gt_scorer_set_memory_limit(c->scorer, gt_sqlite_memory_limit);
  if (st == GT_OK) st = gt_scorer_set_as_of(c->scorer, as_of);
  if (st == GT_OK && period != GT_PERIOD_NONE) st = gt_scorer_set_period(c->scorer, period);
  if (st == GT_OK) st = gt_scorer_set_interrupt(c->scorer, interrupted, v->db);
  if (st != GT_OK) return vt_error(v, st == GT_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR, "%s", gt_strerror(st));

  char *msg = NULL;
  const char *table = (const char *)sqlite3_value_text(source);
  rc = gt_sqlite_read_schedules(v->db, c->scorer, &msg);
  if (rc == SQLITE_OK) rc = gt_sqlite_read_source(v->db, c->scorer, table, &msg);
  if (rc == SQLITE_OK) {
    st = gt_scorer_finish(c->scorer);
    if (st == GT_ECANCELED) rc = SQLITE_INTERRUPT;
    else if (st != GT_OK) {
      rc = SQLITE_ERROR;
      msg = sqlite3_mprintf(st == GT_ENOMEM ? "%s: score it with `givetake score`, which works in bounded memory"
                                            : "%s",
                            gt_scorer_errmsg(c->scorer));
    }
  }
  if (rc == SQLITE_OK) {
    const void *rows = NULL;
    st = def->rows(&rows, &c->count, c->scorer);
    if (st != GT_OK) return vt_error(v, SQLITE_ERROR, "%s", gt_strerror(st));
    c->rows = rows;
    return SQLITE_OK;
  }
  if (rc == SQLITE_INTERRUPT && !msg) return rc;
  rc = vt_error(v, rc, "%s", msg ? msg : sqlite3_errstr(rc));
  sqlite3_free(msg);
  return rc;
}

static int vt_next(sqlite3_vtab_cursor *cur) {
  ((score_cursor *)cur)->index++;
  return SQLITE_OK;
}

static int vt_eof(sqlite3_vtab_cursor *cur) {
  score_cursor *c = (score_cursor *)cur;
  return c->index >= c->count;
}

static int vt_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = (sqlite3_int64)((score_cursor *)cur)->index + 1;
  return SQLITE_OK;
}

static void result_time(sqlite3_context *ctx, int64_t micros, int date_only) {
  char text[GT_TIME_TEXT_SIZE];
  size_t len = 0;
  gt_time_format(text, sizeof text, &len, micros);
  if (date_only) len = (size_t)(strchr(text, ' ') - text);
  sqlite3_result_text(ctx, text, (int)len, SQLITE_TRANSIENT);
}

static int vt_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  score_cursor *c = (score_cursor *)cur;
  const table_def *def = ((score_vtab *)cur->pVtab)->def;
  if (i >= def->ncolumns) {
    int k = hidden_arg(def, i);
    if (k >= 0 && c->args[k]) sqlite3_result_value(ctx, c->args[k]);
    return SQLITE_OK;
  }
  const column_def *col = &def->columns[i];
  const char *row = c->rows + c->index * def->row_size;
  const void *field = row + col->offset;
  if (col->when == IF_FLAG) {
    uint32_t flags;
    memcpy(&flags, row + def->flags_offset, sizeof flags);
    if (!(flags & col->mask)) return SQLITE_OK; /* NULL */
  } else if (col->when == IF_ACKNOWLEDGED && ((const gt_turn_score *)row)->status != GT_TURN_ACKNOWLEDGED) {
    return SQLITE_OK;
  }
  int32_t i32;
  int64_t i64;
  double d;
  switch (col->type) {
  case C_INT:
    memcpy(&i64, field, sizeof i64);
    sqlite3_result_int64(ctx, i64);
    break;
  case C_INT32:
    memcpy(&i32, field, sizeof i32);
    sqlite3_result_int(ctx, i32);
    break;
  case C_REAL:
    memcpy(&d, field, sizeof d);
    if (!isnan(d)) sqlite3_result_double(ctx, d);
    break;
  case C_CHANNEL:
    memcpy(&i32, field, sizeof i32);
    if (i32 != GT_CHANNEL_ALL) sqlite3_result_text(ctx, gt_channel_name(i32), -1, SQLITE_STATIC);
    break;
  case C_TIME:
    memcpy(&i64, field, sizeof i64);
    result_time(ctx, i64, 0);
    break;
  case C_DATE:
    memcpy(&i64, field, sizeof i64);
    result_time(ctx, i64 * 86400 * 1000000, 1);
    break;
  case C_BOOL:
    memcpy(&i32, field, sizeof i32);
    if (i32 >= 0) sqlite3_result_int(ctx, i32);
    break;
  case C_STATUS:
    memcpy(&i32, field, sizeof i32);
    sqlite3_result_text(ctx, gt_turn_status_name(i32), -1, SQLITE_STATIC);
    break;
  }
  return SQLITE_OK;
}

static const sqlite3_module score_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
    .xConnect = vt_connect,
    .xBestIndex = vt_best_index,
    .xDisconnect = vt_disconnect,
    .xDestroy = vt_disconnect,
    .xOpen = vt_open,
    .xClose = vt_close,
    .xFilter = vt_filter,
    .xNext = vt_next,
    .xEof = vt_eof,
    .xColumn = vt_column,
    .xRowid = vt_rowid,
};

int gt_sqlite_register_score_tables(sqlite3 *db, char **err) {
  for (int i = 0; i < COUNT(tables); i++) {
    int rc = sqlite3_create_module(db, tables[i].name, &score_module, (void *)&tables[i]);
    if (rc != SQLITE_OK) {
      if (err) *err = sqlite3_mprintf("givetake: cannot register %s: %s", tables[i].name, sqlite3_errmsg(db));
      return rc;
    }
  }
  return SQLITE_OK;
}
