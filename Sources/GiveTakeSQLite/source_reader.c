/* Reads a source table into a scorer for the score tables: one SELECT of
 * the interaction columns, each row converted as the CLI converts it
 * (SQLite stores any value in any column, so every value is checked against
 * its column's type and a misfit is an error naming the row, the id, the
 * column and the value, never a silent 0), texts copied into one arena per
 * batch of rows. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "score_tables.h"

#define BATCH_ROWS 1024

static const char *required[] = {"id",        "account_id", "contact_id", "parent_id",   "channel",
                                 "kind",      "inbound",    "automated",  "has_media",   "created_at",
                                 "author_name", "body",     "value"};
enum { N_REQUIRED = sizeof required / sizeof required[0] };
enum { COL_ID, COL_ACCOUNT, COL_CONTACT, COL_PARENT, COL_CHANNEL, COL_KIND, COL_INBOUND, COL_AUTOMATED,
       COL_MEDIA, COL_CREATED, COL_AUTHOR, COL_BODY, COL_VALUE, COL_THREAD, COL_AGENT };

typedef struct {
  sqlite3_stmt *stmt;
  const char *table;
  int64_t row;     /* scan position, from 0 */
  int64_t id;      /* of the row being read */
  int have_id;
  char *msg;       /* sqlite3_malloc'd error */
  gt_interaction batch[BATCH_ROWS];
  size_t n;
  char *arena;     /* the batch's texts; gt_text.ptr holds offset + 1 until flushed */
  size_t used, cap;
} reader;

static int fail(reader *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *what = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  sqlite3_free(r->msg);
  if (r->have_id)
    r->msg = sqlite3_mprintf("table '%s', row %lld (id %lld): %s", r->table, (long long)r->row,
                             (long long)r->id, what ? what : "");
  else
    r->msg = sqlite3_mprintf("table '%s', row %lld: %s", r->table, (long long)r->row, what ? what : "");
  sqlite3_free(what);
  return SQLITE_ERROR;
}

/* The value as a message shows it: quoted text, a blob's size, or the number. */
static char *shown(sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
  case SQLITE_BLOB: return sqlite3_mprintf("(a blob of %d bytes)", sqlite3_value_bytes(v));
  case SQLITE_TEXT: return sqlite3_mprintf("'%s'", sqlite3_value_text(v));
  default: return sqlite3_mprintf("%s", sqlite3_value_text(v));
  }
}

static int misfit(reader *r, sqlite3_value *v, const char *column, const char *expected) {
  char *s = shown(v);
  int rc = fail(r, "%s %s is not %s", column, s ? s : "", expected);
  sqlite3_free(s);
  return rc;
}

/* "-12", "+7", "42": digits with an optional sign, in int64 range. */
static int parse_integer(const unsigned char *p, int len, int64_t *out) {
  int i = 0, negative = 0;
  if (i < len && (p[i] == '-' || p[i] == '+')) negative = p[i++] == '-';
  if (i == len) return 0;
  int64_t v = 0;
  for (; i < len; i++) {
    if (p[i] < '0' || p[i] > '9') return 0;
    if (__builtin_mul_overflow(v, 10, &v)) return 0;
    if (negative ? __builtin_sub_overflow(v, p[i] - '0', &v) : __builtin_add_overflow(v, p[i] - '0', &v))
      return 0;
  }
  *out = v;
  return 1;
}

/* An integer column: INTEGER, a REAL with an integral value, or text
 * spelling an integer. 0: NULL, 1: *out set, -1: error. */
static int integer(reader *r, int col, const char *name, int64_t *out) {
  sqlite3_value *v = sqlite3_column_value(r->stmt, col);
  switch (sqlite3_value_type(v)) {
  case SQLITE_NULL: return 0;
  case SQLITE_INTEGER: *out = sqlite3_value_int64(v); return 1;
  case SQLITE_FLOAT: {
    double d = sqlite3_value_double(v);
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == floor(d)) {
      *out = (int64_t)d;
      return 1;
    }
    break;
  }
  case SQLITE_TEXT:
    if (parse_integer(sqlite3_value_text(v), sqlite3_value_bytes(v), out)) return 1;
    break;
  }
  misfit(r, v, name, "an integer");
  return -1;
}

/* Booleans: 0/1, or true/false, t/f, yes/no, y/n, on/off, 1/0 in any case;
 * NULL is false. -1: error. */
static int flag(reader *r, int col, const char *name) {
  static const char *spellings[][2] = {{"false", "true"}, {"f", "t"}, {"no", "yes"},
                                       {"n", "y"},        {"off", "on"}, {"0", "1"}};
  sqlite3_value *v = sqlite3_column_value(r->stmt, col);
  switch (sqlite3_value_type(v)) {
  case SQLITE_NULL: return 0;
  case SQLITE_INTEGER: {
    sqlite3_int64 x = sqlite3_value_int64(v);
    if (x == 0 || x == 1) return (int)x;
    break;
  }
  case SQLITE_FLOAT: {
    double d = sqlite3_value_double(v);
    if (d == 0 || d == 1) return d == 1;
    break;
  }
  case SQLITE_TEXT: {
    const char *t = (const char *)sqlite3_value_text(v);
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
      for (int b = 0; b < 2; b++)
        if (!sqlite3_stricmp(t, spellings[i][b])) return b;
    break;
  }
  }
  misfit(r, v, name, "a boolean (expected 0 or 1)");
  return -1;
}

/* The value column: a number, or text spelling one; NULL reads as 0. */
static int real(reader *r, int col, double *out) {
  sqlite3_value *v = sqlite3_column_value(r->stmt, col);
  switch (sqlite3_value_type(v)) {
  case SQLITE_NULL: *out = 0; return 1;
  case SQLITE_INTEGER:
  case SQLITE_FLOAT: *out = sqlite3_value_double(v); return 1;
  case SQLITE_TEXT: {
    const char *t = (const char *)sqlite3_value_text(v);
    char *end = NULL;
    errno = 0;
    double d = (*t && !strchr(" \t\n\r\f\v", *t)) ? strtod(t, &end) : NAN;
    if (end && *end == 0 && errno == 0 && isfinite(d)) {
      *out = d;
      return 1;
    }
    break;
  }
  }
  misfit(r, v, "value", "a number");
  return 0;
}

int gt_sqlite_time(int64_t *out, sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
  case SQLITE_INTEGER: {
    sqlite3_int64 s = sqlite3_value_int64(v);
    if (s <= -260000000000LL || s >= 260000000000LL) return GT_ERANGE;
    int64_t t = s * 1000000;
    if (t < GT_TIME_MIN || t > GT_TIME_MAX) return GT_ERANGE;
    *out = t;
    return GT_OK;
  }
  case SQLITE_FLOAT: {
    double s = sqlite3_value_double(v);
    if (!isfinite(s) || fabs(s) >= 2.6e11) return GT_ERANGE;
    int64_t t = (int64_t)llround(s * 1e6);
    if (t < GT_TIME_MIN || t > GT_TIME_MAX) return GT_ERANGE;
    *out = t;
    return GT_OK;
  }
  case SQLITE_TEXT:
    return gt_time_parse(out, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
  default: return GT_EINVAL;
  }
}

/* A text column copied into the arena; ptr NULL for SQL NULL. */
static int text(reader *r, int col, gt_text *out) {
  const unsigned char *p = sqlite3_column_text(r->stmt, col);
  out->ptr = NULL;
  out->len = 0;
  if (!p) {
    if (sqlite3_column_type(r->stmt, col) != SQLITE_NULL) return SQLITE_NOMEM;
    return SQLITE_OK;
  }
  size_t len = (size_t)sqlite3_column_bytes(r->stmt, col);
  if (r->used + len > r->cap) {
    size_t cap = r->cap ? r->cap : 64 * 1024;
    while (cap < r->used + len) cap *= 2;
    char *grown = sqlite3_realloc64(r->arena, cap);
    if (!grown) return SQLITE_NOMEM;
    r->arena = grown;
    r->cap = cap;
  }
  memcpy(r->arena + r->used, p, len);
  out->ptr = (const char *)(uintptr_t)(r->used + 1);
  out->len = len;
  r->used += len;
  return SQLITE_OK;
}

static int code(reader *r, int col, int (*parse)(const char *, size_t)) {
  const unsigned char *p = sqlite3_column_text(r->stmt, col);
  return p ? parse((const char *)p, (size_t)sqlite3_column_bytes(r->stmt, col)) : -1;
}

static int decode(reader *r, gt_interaction *g) {
  memset(g, 0, sizeof *g);
  r->have_id = 0;
  int64_t x = 0;
  int got = integer(r, COL_ID, "id", &x);
  if (got < 0) return SQLITE_ERROR;
  if (got == 0) return fail(r, "id is NULL");
  g->id = r->id = x;
  r->have_id = 1;
  got = integer(r, COL_ACCOUNT, "account_id", &g->account_id);
  if (got < 0) return SQLITE_ERROR;
  if (got == 0) return fail(r, "account_id is NULL");
  static const struct { int col; const char *name; uint32_t flag; size_t offset; } ids[] = {
      {COL_CONTACT, "contact_id", GT_ROW_HAS_CONTACT, offsetof(gt_interaction, contact_id)},
      {COL_PARENT, "parent_id", GT_ROW_HAS_PARENT, offsetof(gt_interaction, parent_id)},
      {COL_THREAD, "thread_id", GT_ROW_HAS_THREAD, offsetof(gt_interaction, thread_id)},
      {COL_AGENT, "agent_id", GT_ROW_HAS_AGENT, offsetof(gt_interaction, agent_id)},
  };
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    got = integer(r, ids[i].col, ids[i].name, &x);
    if (got < 0) return SQLITE_ERROR;
    if (got) {
      memcpy((char *)g + ids[i].offset, &x, sizeof x);
      g->flags |= ids[i].flag;
    }
  }
  g->channel = code(r, COL_CHANNEL, gt_channel_parse);
  g->kind = code(r, COL_KIND, gt_kind_parse);
  static const struct { int col; const char *name; uint32_t flag; } flags[] = {
      {COL_INBOUND, "inbound", GT_ROW_INBOUND},
      {COL_AUTOMATED, "automated", GT_ROW_AUTOMATED},
      {COL_MEDIA, "has_media", GT_ROW_HAS_MEDIA},
  };
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    int b = flag(r, flags[i].col, flags[i].name);
    if (b < 0) return SQLITE_ERROR;
    if (b) g->flags |= flags[i].flag;
  }
  sqlite3_value *created = sqlite3_column_value(r->stmt, COL_CREATED);
  if (sqlite3_value_type(created) == SQLITE_NULL) return fail(r, "created_at is NULL");
  int st = gt_sqlite_time(&g->created_at, created);
  if (st == GT_ERANGE) return misfit(r, created, "created_at", "in years 0001..9999");
  if (st != GT_OK)
    return misfit(r, created, "created_at", "a timestamp (expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC or Unix seconds)");
  if (!real(r, COL_VALUE, &g->value)) return SQLITE_ERROR;
  int rc = text(r, COL_AUTHOR, &g->author_name);
  if (rc == SQLITE_OK) rc = text(r, COL_BODY, &g->body);
  return rc;
}

/* Points the batch's texts into the arena and adds the batch. */
static int flush(reader *r, gt_scorer *s) {
  if (r->n == 0) return SQLITE_OK;
  for (size_t i = 0; i < r->n; i++) {
    gt_text *t[2] = {&r->batch[i].author_name, &r->batch[i].body};
    for (int k = 0; k < 2; k++)
      if (t[k]->ptr) t[k]->ptr = r->arena + ((uintptr_t)t[k]->ptr - 1);
  }
  int st = gt_scorer_add_rows(s, r->batch, r->n, sizeof(gt_interaction));
  r->n = 0;
  r->used = 0;
  if (st == GT_OK) return SQLITE_OK;
  sqlite3_free(r->msg);
  if (st == GT_ENOMEM)
    r->msg = sqlite3_mprintf("table '%s' does not fit in the %lld MB one call may use (rows 0 to %lld held "
                             "%lld MB): score it with `givetake score`, which works in bounded memory (%s)",
                             r->table, (long long)(gt_sqlite_memory_limit >> 20), (long long)r->row,
                             (long long)(gt_scorer_memory(s) >> 20), gt_scorer_errmsg(s));
  else
    r->msg = sqlite3_mprintf("table '%s', %s", r->table, gt_scorer_errmsg(s));
  return st == GT_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
}

/* Which optional columns the source has; SQLITE_ERROR with *msg when it
 * does not exist or lacks a required column. */
static int check_columns(sqlite3 *db, const char *table, int *has_thread, int *has_agent, char **msg) {
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &q, NULL);
  if (rc != SQLITE_OK) {
    *msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    return rc;
  }
  sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
  unsigned found = 0;
  int columns = 0;
  *has_thread = *has_agent = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(q, 0);
    columns++;
    if (!name) continue;
    for (int i = 0; i < N_REQUIRED; i++)
      if (!sqlite3_stricmp(name, required[i])) found |= 1u << i;
    if (!sqlite3_stricmp(name, "thread_id")) *has_thread = 1;
    if (!sqlite3_stricmp(name, "agent_id")) *has_agent = 1;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    *msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    return rc;
  }
  static const char *expected = "id, account_id, contact_id, parent_id, channel, kind, inbound, automated, "
                                "has_media, created_at, author_name, body, value (optional: thread_id, agent_id)";
  if (columns == 0) {
    *msg = sqlite3_mprintf("no table or view '%s' (expected one with columns: %s)", table, expected);
    return SQLITE_ERROR;
  }
  if (found != (1u << N_REQUIRED) - 1) {
    sqlite3_str *s = sqlite3_str_new(db);
    sqlite3_str_appendf(s, "table '%s' has no column ", table);
    for (int i = 0, first = 1; i < N_REQUIRED; i++)
      if (!(found & (1u << i))) {
        sqlite3_str_appendf(s, "%s'%s'", first ? "" : ", ", required[i]);
        first = 0;
      }
    sqlite3_str_appendf(s, " (expected columns: %s)", expected);
    *msg = sqlite3_str_finish(s);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

int gt_sqlite_read_source(sqlite3 *db, gt_scorer *s, const char *table, char **msg) {
  int has_thread, has_agent;
  *msg = NULL;
  int rc = check_columns(db, table, &has_thread, &has_agent, msg);
  if (rc != SQLITE_OK) return rc;
  char *sql = sqlite3_mprintf("SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated, "
                              "has_media, created_at, author_name, body, value, %s, %s FROM \"%w\"",
                              has_thread ? "thread_id" : "NULL", has_agent ? "agent_id" : "NULL", table);
  reader *r = sqlite3_malloc(sizeof *r);
  if (!sql || !r) {
    sqlite3_free(sql);
    sqlite3_free(r);
    return SQLITE_NOMEM;
  }
  memset(r, 0, sizeof *r);
  r->table = table;
  rc = sqlite3_prepare_v2(db, sql, -1, &r->stmt, NULL);
  sqlite3_free(sql);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(r->stmt)) == SQLITE_ROW) {
      rc = decode(r, &r->batch[r->n]);
      if (rc != SQLITE_OK) break;
      r->row++;
      if (++r->n == BATCH_ROWS && (rc = flush(r, s)) != SQLITE_OK) break;
    }
    if (rc == SQLITE_DONE) rc = flush(r, s);
    else if (rc != SQLITE_OK && !r->msg && rc != SQLITE_INTERRUPT)
      r->msg = sqlite3_mprintf("reading table '%s': %s", table, sqlite3_errmsg(db));
  } else {
    r->msg = sqlite3_mprintf("reading table '%s': %s", table, sqlite3_errmsg(db));
  }
  sqlite3_finalize(r->stmt);
  sqlite3_free(r->arena);
  *msg = r->msg;
  sqlite3_free(r);
  return rc;
}
