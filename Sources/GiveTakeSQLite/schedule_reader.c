/* Reads the `schedules` table of the database into a scorer, as
 * `givetake score` does: columns account_id, channel, time_zone, hours,
 * holidays (NULL account or channel: every one; NULL zone: UTC; NULL hours:
 * always open except on the holidays, a comma-separated list of
 * YYYY-MM-DD). Zones come from /usr/share/zoneinfo; the engine parses the
 * file's TZif data and the hours. An error names the row, its account and
 * channel, and the offending text, in the CLI's words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "score_tables.h"

#define ZONEINFO "/usr/share/zoneinfo"

static const char *schedule_columns[] = {"account_id", "channel", "time_zone", "hours", "holidays"};

/* 1 when the table exists with every column, 0 when there is none,
 * SQLITE_ERROR with *msg when it lacks a column. */
static int find_table(sqlite3 *db, int *exists, char **msg) {
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('schedules')", -1, &q, NULL);
  if (rc != SQLITE_OK) {
    *msg = sqlite3_mprintf("reading table schedules: %s", sqlite3_errmsg(db));
    return rc;
  }
  unsigned found = 0;
  int columns = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(q, 0);
    columns++;
    for (int i = 0; name && i < 5; i++)
      if (!sqlite3_stricmp(name, schedule_columns[i])) found |= 1u << i;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    *msg = sqlite3_mprintf("reading table schedules: %s", sqlite3_errmsg(db));
    return rc;
  }
  *exists = columns > 0;
  for (int i = 0; columns > 0 && i < 5; i++)
    if (!(found & (1u << i))) {
      *msg = sqlite3_mprintf("table schedules lacks column %s (expected account_id, channel, time_zone, hours, "
                             "holidays)", schedule_columns[i]);
      return SQLITE_ERROR;
    }
  return SQLITE_OK;
}

/* A decimal integer with an optional sign and nothing else. */
static int whole_integer(const char *s, int64_t *out) {
  const char *p = s;
  int neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  if (!*p) return 0;
  uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    unsigned d = (unsigned)(*p - '0');
    if (v > (limit - d) / 10) return 0;
    v = v * 10 + d;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return 1;
}

/* The bytes of a zone's file, or NULL (*why says which error) for a name
 * that is not a plain relative path or a zone without a file. */
static char *read_zone(const char *name, size_t *len, const char **why) {
  *why = "unknown time zone \"%s\"";
  if (!*name || name[0] == '/' || strstr(name, "..")) return NULL;
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (*c <= 0x20 || *c >= 0x7F) return NULL;
  *why = "unknown time zone \"%s\" (no file in " ZONEINFO ")";
  char *path = sqlite3_mprintf(ZONEINFO "/%s", name);
  FILE *f = path ? fopen(path, "rb") : NULL;
  sqlite3_free(path);
  if (!f) return NULL;
  char *data = NULL;
  size_t used = 0, cap = 0;
  for (;;) {
    if (used == cap) {
      char *grown = cap < (1u << 24) ? sqlite3_realloc64(data, cap ? cap * 2 : 65536) : NULL;
      if (!grown) break; /* no zone file is 16 MB: treated as unreadable */
      data = grown;
      cap = cap ? cap * 2 : 65536;
    }
    size_t n = fread(data + used, 1, cap - used, f);
    if (n == 0) {
      if (ferror(f)) break;
      fclose(f);
      *len = used;
      return data;
    }
    used += n;
  }
  fclose(f);
  sqlite3_free(data);
  return NULL;
}

/* "2026-12-25" as days since 1970-01-01; 0 when it is not such a date. */
static int holiday(const char *s, size_t n, int32_t *day) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int64_t micros;
  if (gt_time_parse(&micros, s, n) != GT_OK) return 0;
  *day = (int32_t)(micros / 86400000000);
  return 1;
}

/* Each entry of a comma-separated list, trimmed of spaces, tabs and CRs;
 * empty entries are skipped. SQLITE_ERROR with *msg for one that is not a
 * date. */
static int holidays(const char *list, const char *who, int32_t **days, size_t *n, char **msg) {
  *days = NULL;
  *n = 0;
  if (!list) return SQLITE_OK;
  size_t cap = 1;
  for (const char *p = list; *p; p++) cap += *p == ',';
  *days = sqlite3_malloc64(cap * sizeof **days);
  if (!*days) return SQLITE_NOMEM;
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    const char *a = p, *b = end;
    while (a < b && (*a == ' ' || *a == '\t' || *a == '\r')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r')) b--;
    if (b > a && !holiday(a, (size_t)(b - a), &(*days)[*n])) {
      *msg = sqlite3_mprintf("schedule %s: holiday \"%.*s\" is not a date YYYY-MM-DD", who, (int)(b - a), a);
      return SQLITE_ERROR;
    }
    if (b > a) (*n)++;
    p = *end ? end + 1 : end;
  }
  return SQLITE_OK;
}

/* One schedule row (number `row`, from 1) into s; keys of the rows before
 * it in seen[0..row-2] (account, whether it has one, channel). */
typedef struct {
  int64_t account;
  int has_account, channel;
} schedule_key;

static int apply_row(sqlite3_stmt *q, int row, gt_scorer *s, gt_schedule *sched, schedule_key *seen, char **msg) {
  const char *account_text = (const char *)sqlite3_column_text(q, 0);
  const char *channel_text = (const char *)sqlite3_column_text(q, 1);
  const char *zone = (const char *)sqlite3_column_text(q, 2);
  const char *hours = (const char *)sqlite3_column_text(q, 3);
  const char *holiday_list = (const char *)sqlite3_column_text(q, 4);
  int hours_len = sqlite3_column_bytes(q, 3);
  schedule_key key = {0, account_text != NULL, GT_CHANNEL_ALL};
  if (account_text && !whole_integer(account_text, &key.account)) {
    *msg = sqlite3_mprintf("schedule schedules row %d: account_id \"%s\" is not an integer", row, account_text);
    return SQLITE_ERROR;
  }
  char *who = sqlite3_mprintf("schedules row %d (account %s, channel %s)", row, account_text ? account_text : "NULL",
                              channel_text ? channel_text : "NULL");
  if (!who) return SQLITE_NOMEM;
  int rc = SQLITE_ERROR;
  char *data = NULL;
  int32_t *days = NULL;
  size_t n_days = 0, data_len = 0;
  if (channel_text && (key.channel = gt_channel_parse(channel_text, strlen(channel_text))) < 0) {
    *msg = sqlite3_mprintf("schedule %s: unknown channel \"%s\"", who, channel_text);
    goto done;
  }
  for (int k = 0; k < row - 1; k++)
    if (seen[k].has_account == key.has_account && seen[k].account == key.account && seen[k].channel == key.channel) {
      *msg = sqlite3_mprintf("schedule %s: a second schedule for the same account and channel", who);
      goto done;
    }
  seen[row - 1] = key;
  if (zone && strcmp(zone, "UTC") && strcmp(zone, "Etc/UTC")) {
    const char *why;
    if (!(data = read_zone(zone, &data_len, &why))) {
      char *what = sqlite3_mprintf(why, zone);
      *msg = sqlite3_mprintf("schedule %s: %s", who, what ? what : "unknown time zone");
      sqlite3_free(what);
      goto done;
    }
    if (data_len == 0) data_len = 1; /* an empty file is no TZif file, not UTC */
  }
  /* The zone alone first, so that its error is told apart from the hours'. */
  int st = gt_schedule_set_tzif(sched, data, data_len, NULL, 0, NULL, 0);
  if (st != GT_OK) {
    const char *m = gt_schedule_errmsg(sched);
    if (!strncmp(m, "time zone: ", 11)) m += 11;
    *msg = sqlite3_mprintf("schedule %s: time zone \"%s\": %s", who, zone, m);
    goto done;
  }
  if ((rc = holidays(holiday_list, who, &days, &n_days, msg)) != SQLITE_OK) goto done;
  rc = SQLITE_ERROR;
  st = gt_schedule_set_tzif(sched, data, data_len, hours, hours ? (size_t)hours_len : 0, days, n_days);
  if (st == GT_OK) st = gt_scorer_set_schedule(s, key.has_account, key.account, key.channel, sched);
  if (st != GT_OK) {
    *msg = sqlite3_mprintf("schedule %s: %s", who, st == GT_ENOMEM ? gt_strerror(st) : gt_schedule_errmsg(sched));
    goto done;
  }
  rc = SQLITE_OK;
done:
  sqlite3_free(who);
  sqlite3_free(data);
  sqlite3_free(days);
  return rc;
}

int gt_sqlite_read_schedules(sqlite3 *db, gt_scorer *s, char **msg) {
  int exists = 0;
  *msg = NULL;
  int rc = find_table(db, &exists, msg);
  if (rc != SQLITE_OK || !exists) return rc;
  sqlite3_stmt *q = NULL;
  gt_schedule *sched = NULL;
  schedule_key *seen = NULL;
  size_t cap = 0;
  rc = sqlite3_prepare_v2(db, "SELECT account_id, channel, time_zone, hours, holidays FROM \"schedules\"", -1, &q,
                          NULL);
  if (rc != SQLITE_OK) {
    *msg = sqlite3_mprintf("reading table schedules: %s", sqlite3_errmsg(db));
    return rc;
  }
  if (gt_schedule_new(&sched) != GT_OK) rc = SQLITE_NOMEM;
  for (int row = 1; rc == SQLITE_OK; row++) {
    if ((rc = sqlite3_step(q)) != SQLITE_ROW) break;
    if ((size_t)row > cap) {
      schedule_key *grown = sqlite3_realloc64(seen, (cap ? cap * 2 : 16) * sizeof *seen);
      if (!grown) {
        rc = SQLITE_NOMEM;
        break;
      }
      seen = grown;
      cap = cap ? cap * 2 : 16;
    }
    rc = apply_row(q, row, s, sched, seen, msg);
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  else if (rc != SQLITE_OK && !*msg && rc != SQLITE_INTERRUPT && rc != SQLITE_NOMEM)
    *msg = sqlite3_mprintf("reading table schedules: %s", sqlite3_errmsg(db));
  sqlite3_finalize(q);
  gt_schedule_free(sched);
  sqlite3_free(seen);
  return rc;
}
