/*
 * gtbench: GiveTake in-process through the C ABI, for bench/run.py.
 *
 *   gtbench score    DB [--no-text] [--ack-unit row] [--out FILE] [--reps N] [--schedules]
 *                                                  rows/s of gt_scorer_add + finish; --schedules gives
 *                                                  every account its own Europe/Berlin business schedule
 *                                                  and the business SLA clock on every channel
 *   gtbench classify DB [--max N] [--reps N] [--lexicon FILE]
 *                                                  MB/s and texts/s of gt_classify_batch (best and
 *                                                  median of N passes, default 5; median of the
 *                                                  passes' CPU time too, steadier on a busy machine);
 *                                                  --lexicon: a lexicon file instead of the built-in
 *   gtbench calls                                  ns per C call (gt_version_number, gt_classify)
 *   gtbench stream ROWS [--group-rows N] [--verify] [--keep-memory] [--new-scorer] [--one-account]
 *                                                  ROWS generated on the fly, scored in groups of accounts
 *                                                  of at most N rows (default 50,000) by one scorer, reset
 *                                                  after each group (--new-scorer: a new scorer per
 *                                                  group): time, peak RSS (VmHWM), and the CPU time inside
 *                                                  the gt_* calls alone (engine_cpu_s, without the
 *                                                  generator's); --verify also scores
 *                                                  them in one pass and compares the account rows;
 *                                                  --keep-memory: glibc keeps freed memory for the next
 *                                                  group instead of returning it to the kernel;
 *                                                  --one-account: every row in one account, its blocks
 *                                                  of contacts and threads scored as parts
 *                                                  (gt_scorer_finish_part, then gt_scorer_finish_parts);
 *                                                  --verify then allows the percentiles 1 % or 1 s
 *
 * DB is the SQLite file written by `givetake demo` (table interactions).
 * Rows are read into memory first (not timed). Peak RSS: the kernel's
 * high-water mark is reset (/proc/self/clear_refs) after loading, so
 * "scorer_peak_kb - loaded_kb" is what scoring added. Output: one JSON
 * object on stdout; --out writes the account rows as CSV for the
 * agreement check.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "givetake.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Process CPU time to the nanosecond, for timing single calls. */
static double cpu_precise(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long status_kb(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(key);
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0) { v = strtol(line + n + 1, NULL, 10); break; }
  fclose(f);
  return v;
}

static void reset_peak(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) { fputs("5", f); fclose(f); }
}

static void die(const char *what, const char *msg) {
  fprintf(stderr, "gtbench: %s: %s\n", what, msg);
  exit(1);
}

static char *dup_text(const unsigned char *s, int n) {
  char *p = malloc((size_t)n + 1);
  if (!p) die("malloc", "out of memory");
  memcpy(p, s, (size_t)n);
  p[n] = 0;
  return p;
}

/* 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC -> microseconds since the epoch. */
static int64_t parse_time(const char *s) {
  int y, mo, d, h, mi, se;
  if (sscanf(s, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6) die("created_at", s);
  struct tm tm = {0};
  tm.tm_year = y - 1900; tm.tm_mon = mo - 1; tm.tm_mday = d;
  tm.tm_hour = h; tm.tm_min = mi; tm.tm_sec = se;
  int64_t us = (int64_t)timegm(&tm) * 1000000;
  const char *dot = strchr(s, '.');
  if (dot) {
    int64_t frac = 0;
    int k = 0;
    for (const char *p = dot + 1; *p >= '0' && *p <= '9' && k < 6; p++, k++) frac = frac * 10 + (*p - '0');
    for (; k < 6; k++) frac *= 10;
    us += frac;
  }
  return us;
}

static gt_interaction *load(const char *db, size_t *count, int with_text) {
  sqlite3 *con;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(db, &con, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(db, sqlite3_errmsg(con));
  /* thread_id and agent_id when the table has them (NULL otherwise). */
  int threads = sqlite3_prepare_v2(con, "SELECT thread_id, agent_id FROM interactions", -1, &st, NULL) == SQLITE_OK;
  sqlite3_finalize(st);
  const char *sql = threads ? "SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated, "
                              "has_media, created_at, author_name, body, value, thread_id, agent_id FROM interactions"
                            : "SELECT id, account_id, contact_id, parent_id, channel, kind, inbound, automated, "
                              "has_media, created_at, author_name, body, value, NULL, NULL FROM interactions";
  if (sqlite3_prepare_v2(con, sql, -1, &st, NULL) != SQLITE_OK) die("prepare", sqlite3_errmsg(con));
  size_t cap = 1 << 16, n = 0;
  gt_interaction *rows = malloc(cap * sizeof *rows);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (n == cap) {
      cap *= 2;
      rows = realloc(rows, cap * sizeof *rows);
      if (!rows) die("realloc", "out of memory");
    }
    gt_interaction *r = &rows[n++];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->account_id = sqlite3_column_int64(st, 1);
    if (sqlite3_column_type(st, 2) != SQLITE_NULL) { r->contact_id = sqlite3_column_int64(st, 2); r->flags |= GT_ROW_HAS_CONTACT; }
    if (sqlite3_column_type(st, 3) != SQLITE_NULL) { r->parent_id = sqlite3_column_int64(st, 3); r->flags |= GT_ROW_HAS_PARENT; }
    r->channel = gt_channel_parse((const char *)sqlite3_column_text(st, 4), (size_t)sqlite3_column_bytes(st, 4));
    r->kind = gt_kind_parse((const char *)sqlite3_column_text(st, 5), (size_t)sqlite3_column_bytes(st, 5));
    if (sqlite3_column_int(st, 6)) r->flags |= GT_ROW_INBOUND;
    if (sqlite3_column_int(st, 7)) r->flags |= GT_ROW_AUTOMATED;
    if (sqlite3_column_int(st, 8)) r->flags |= GT_ROW_HAS_MEDIA;
    r->created_at = parse_time((const char *)sqlite3_column_text(st, 9));
    if (with_text) {
      if (sqlite3_column_type(st, 10) != SQLITE_NULL) {
        int len = sqlite3_column_bytes(st, 10);
        r->author_name.ptr = dup_text(sqlite3_column_text(st, 10), len);
        r->author_name.len = (size_t)len;
      }
      if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
        int len = sqlite3_column_bytes(st, 11);
        r->body.ptr = dup_text(sqlite3_column_text(st, 11), len);
        r->body.len = (size_t)len;
      }
    }
    r->value = sqlite3_column_double(st, 12);
#ifdef GT_ROW_HAS_THREAD
    if (sqlite3_column_type(st, 13) != SQLITE_NULL) { r->thread_id = sqlite3_column_int64(st, 13); r->flags |= GT_ROW_HAS_THREAD; }
    if (sqlite3_column_type(st, 14) != SQLITE_NULL) { r->agent_id = sqlite3_column_int64(st, 14); r->flags |= GT_ROW_HAS_AGENT; }
#endif
  }
  sqlite3_finalize(st);
  sqlite3_close(con);
  *count = n;
  return rows;
}

static void put_double(FILE *f, double v) {
  if (isnan(v)) fputs("", f); else fprintf(f, "%.17g", v);
}

static void write_accounts(const char *path, const gt_account_score *a, size_t n) {
  FILE *f = fopen(path, "w");
  if (!f) die(path, "cannot write");
  fputs("account_id,channel,needs_ack,pending,acknowledged,ack_rate,personal_rate,appreciative_rate,sla_rate,"
        "median_ack_s,p90_ack_s,give_posts,take_posts,neutral_posts,give_ratio,me_index,reply_share,channel_fit,"
        "contacts,mean_trust,conv_rate_ack,conv_rate_ignored,conversion_lift,value_per_ack_contact,"
        "give_attributed_leads,health,anomalies\n", f);
  for (size_t i = 0; i < n; i++) {
    const gt_account_score *s = &a[i];
    const char *ch = s->channel == GT_CHANNEL_ALL ? "" : gt_channel_name(s->channel);
    fprintf(f, "%lld,%s,%lld,%lld,%lld,", (long long)s->account_id, ch, (long long)s->needs_ack,
            (long long)s->pending, (long long)s->acknowledged);
    double d1[] = {s->ack_rate, s->personal_rate, s->appreciative_rate, s->sla_rate, s->median_ack_s, s->p90_ack_s};
    for (int k = 0; k < 6; k++) { put_double(f, d1[k]); fputc(',', f); }
    fprintf(f, "%lld,%lld,%lld,", (long long)s->give_posts, (long long)s->take_posts, (long long)s->neutral_posts);
    double d2[] = {s->give_ratio, s->me_index, s->reply_share, s->channel_fit};
    for (int k = 0; k < 4; k++) { put_double(f, d2[k]); fputc(',', f); }
    fprintf(f, "%lld,", (long long)s->contacts);
    double d3[] = {s->mean_trust, s->conv_rate_ack, s->conv_rate_ignored, s->conversion_lift, s->value_per_ack_contact};
    for (int k = 0; k < 5; k++) { put_double(f, d3[k]); fputc(',', f); }
    fprintf(f, "%lld,", (long long)s->give_attributed_leads);
    put_double(f, s->health);
    fprintf(f, ",%lld\n", (long long)s->anomalies);
  }
  fclose(f);
}

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The last Sunday of a month, 01:00 UTC (the EU rule), in Unix seconds. */
static int64_t eu_switch(int64_t y, int64_t m) {
  int64_t last = days_from_civil(y, m + 1, 1) - 1;
  int64_t wd = ((last + 4) % 7 + 7) % 7; /* Sunday = 0 */
  return (last - wd) * 86400 + 3600;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The distinct account ids of the rows (not timed). */
static int64_t *distinct_accounts(const gt_interaction *rows, size_t n, size_t *m) {
  int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
  for (size_t i = 0; i < n; i++) ids[i] = rows[i].account_id;
  qsort(ids, n, sizeof *ids, cmp_i64);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || ids[k - 1] != ids[i]) ids[k++] = ids[i];
  *m = k;
  return ids;
}

/* Europe/Berlin 1990-2040 (CET/CEST, EU rule), split-shift business hours
 * and 2 holidays; one schedule per account. */
static void add_schedules(gt_scorer *s, const int64_t *ids, size_t m) {
  int64_t t[2 * 51 + 1];
  int32_t o[2 * 51 + 1];
  size_t k = 0;
  t[k] = -2208988800LL; o[k++] = 3600;
  for (int64_t y = 1990; y <= 2040; y++) {
    t[k] = eu_switch(y, 3); o[k++] = 7200;
    t[k] = eu_switch(y, 10); o[k++] = 3600;
  }
  const char *hours = "Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00";
  int32_t holidays[2] = {(int32_t)days_from_civil(2017, 12, 25), (int32_t)days_from_civil(2018, 1, 1)};
  gt_schedule *sched;
  if (gt_schedule_new(&sched) != GT_OK ||
      gt_schedule_set(sched, t, o, k, hours, strlen(hours), holidays, 2) != GT_OK)
    die("gt_schedule_set", "failed");
  for (size_t j = 0; j < m; j++)
    if (gt_scorer_set_schedule(s, 1, ids[j], GT_CHANNEL_ALL, sched) != GT_OK) die("gt_scorer_set_schedule", "failed");
  if (gt_scorer_set_sla_clock(s, GT_CHANNEL_ALL, GT_SLA_CLOCK_BUSINESS) != GT_OK)
    die("gt_scorer_set_sla_clock", "failed");
  gt_schedule_free(sched);
}

static int cmd_score(int argc, char **argv) {
  const char *db = argv[0], *out = NULL;
  int with_text = 1, reps = 1, per_row = 0, schedules = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--no-text")) with_text = 0;
    else if (!strcmp(argv[i], "--schedules")) schedules = 1;
    else if (!strcmp(argv[i], "--ack-unit") && i + 1 < argc) per_row = !strcmp(argv[++i], "row");
    else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
  }
  double t0 = now();
  size_t n;
  gt_interaction *rows = load(db, &n, with_text);
  double t_load = now() - t0;
  size_t naccounts = 0;
  int64_t *accounts = schedules ? distinct_accounts(rows, n, &naccounts) : NULL;
  long loaded_kb = status_kb("VmRSS:");
  for (int r = 1; r < reps; r++) {  /* extra runs, for profilers */
    gt_scorer *x;
    if (gt_scorer_new(&x, NULL) != GT_OK || gt_scorer_add(x, rows, n) != GT_OK || gt_scorer_finish(x) != GT_OK)
      die("scorer", "failed");
    gt_scorer_free(x);
  }
  reset_peak();
  gt_scorer *s;
  double c1 = cpu_now();
  double t1 = now();
  int rc = gt_scorer_new(&s, NULL);
  if (rc != GT_OK) die("gt_scorer_new", gt_strerror(rc));
  if (schedules) add_schedules(s, accounts, naccounts);
#ifdef GT_ACK_UNIT_ROW
  if (per_row && gt_scorer_set_ack_unit(s, GT_ACK_UNIT_ROW) != GT_OK) die("gt_scorer_set_ack_unit", gt_scorer_errmsg(s));
#else
  if (per_row) die("--ack-unit", "this libgivetake has no ack unit (every row counts)");
#endif
  const size_t batch = 65536;
  for (size_t i = 0; i < n; i += batch) {
    rc = gt_scorer_add(s, rows + i, n - i < batch ? n - i : batch);
    if (rc != GT_OK) die("gt_scorer_add", gt_scorer_errmsg(s));
  }
  double t_add = now() - t1;
  double cpu_add = cpu_now() - c1;
  size_t planned = gt_scorer_memory(s);
  rc = gt_scorer_finish(s);
  if (rc != GT_OK) die("gt_scorer_finish", gt_scorer_errmsg(s));
  double t_score = now() - t1;
  double cpu_score = cpu_now() - c1;
  long peak_kb = status_kb("VmHWM:");
  const gt_account_score *acc;
  size_t na;
  gt_scorer_accounts(&acc, &na, s);
  if (out) write_accounts(out, acc, na);
  printf("{\"rows\": %zu, \"schedules\": %s, \"with_text\": %s, \"load_s\": %.6f, \"add_s\": %.6f, \"score_s\": %.6f, "
         "\"cpu_s\": %.6f, \"add_cpu_s\": %.6f, \"rows_per_cpu_s\": %.1f, \"rows_per_s\": %.1f, \"loaded_kb\": %ld, "
         "\"peak_kb\": %ld, \"planned_kb\": %zu, \"accounts\": %zu, \"version\": \"%s\"}\n",
         n, schedules ? "true" : "false", with_text ? "true" : "false", t_load, t_add, t_score, cpu_score, cpu_add,
         n / cpu_score, n / t_score, loaded_kb, peak_kb, planned / 1024, na, gt_version_string());
  gt_scorer_free(s);
  return 0;
}

static double thread_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmd_classify(int argc, char **argv) {
  const char *db = argv[0];
  size_t max = (size_t)-1;
  int reps = 5;
  const char *lexfile = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--max") && i + 1 < argc) max = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--lexicon") && i + 1 < argc) lexfile = argv[++i];
  }
  if (reps < 1) reps = 1;
  gt_lexicon *lex = NULL;
  if (lexfile) {
    FILE *f = fopen(lexfile, "rb");
    if (!f) die(lexfile, "cannot open");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) die(lexfile, "cannot read");
    fclose(f);
    if (gt_lexicon_new(&lex, GT_LEXICON_EMPTY) != GT_OK) die("gt_lexicon_new", "failed");
    if (gt_lexicon_load(lex, text, (size_t)len) != GT_OK) die(lexfile, gt_lexicon_errmsg(lex));
    free(text);
  }
  size_t n;
  gt_interaction *rows = load(db, &n, 1);
  gt_text *texts = malloc(n * sizeof *texts);
  size_t m = 0, bytes = 0;
  for (size_t i = 0; i < n && m < max; i++)
    if (rows[i].body.ptr) { texts[m++] = rows[i].body; bytes += rows[i].body.len; }
  gt_classification *out = malloc(m * sizeof *out);
  size_t bad;
  double best = 1e30;
  double *wall = malloc((size_t)reps * sizeof *wall), *cpu = malloc((size_t)reps * sizeof *cpu);
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now(), c0 = thread_cpu_now();
    int rc = gt_classify_batch(out, &bad, lex, texts, m);
    double t = now() - t0;
    cpu[rep] = thread_cpu_now() - c0;
    wall[rep] = t;
    if (rc != GT_OK) die("gt_classify_batch", gt_strerror(rc));
    if (t < best) best = t;
  }
  qsort(wall, (size_t)reps, sizeof *wall, cmp_double);
  qsort(cpu, (size_t)reps, sizeof *cpu, cmp_double);
  size_t give = 0, take = 0;
  for (size_t i = 0; i < m; i++) { give += out[i].label == GT_LABEL_GIVE; take += out[i].label == GT_LABEL_TAKE; }
  printf("{\"texts\": %zu, \"bytes\": %zu, \"best_s\": %.6f, \"mb_per_s\": %.2f, \"texts_per_s\": %.1f, "
         "\"median_mb_per_s\": %.2f, \"median_cpu_mb_per_s\": %.2f, \"reps\": %d, "
         "\"give\": %zu, \"take\": %zu, \"peak_kb\": %ld}\n",
         m, bytes, best, bytes / best / 1e6, m / best, bytes / wall[reps / 2] / 1e6, bytes / cpu[reps / 2] / 1e6, reps,
         give, take, status_kb("VmHWM:"));
  if (lex) gt_lexicon_free(lex);
  return 0;
}

static int cmd_calls(void) {
  const long n = 20000000;
  volatile int sink = 0;
  double t0 = now();
  for (long i = 0; i < n; i++) sink += gt_version_number();
  double t_version = now() - t0;
  gt_classification c;
  const char *hi = "hi";
  t0 = now();
  for (long i = 0; i < n / 4; i++) { gt_classify(&c, NULL, hi, 2); sink += c.label; }
  double t_classify = now() - t0;
  const char *post = "How to fix it: 5 tips, no purchase necessary. Buy now, 20% off!";
  t0 = now();
  for (long i = 0; i < n / 20; i++) { gt_classify(&c, NULL, post, strlen(post)); sink += c.label; }
  double t_post = now() - t0;
  const int lex_reps = 200;
  t0 = now();
  for (int i = 0; i < lex_reps; i++) {
    gt_lexicon *lex;
    if (gt_lexicon_new(&lex, GT_LEXICON_DEFAULT) != GT_OK) die("gt_lexicon_new", "failed");
    gt_lexicon_free(lex);
  }
  double t_lex = now() - t0;
  printf("{\"version_ns\": %.2f, \"classify_2b_ns\": %.2f, \"classify_post_ns\": %.2f, \"post_bytes\": %zu, "
         "\"lexicon_build_us\": %.1f}\n",
         t_version / n * 1e9, t_classify / (n / 4) * 1e9, t_post / (n / 20) * 1e9, strlen(post),
         t_lex / lex_reps * 1e6);
  return sink == 42;
}

/* ---- stream: rows generated on the fly, scored in groups of accounts ----
 *
 * The recipe for bounded memory in a C host: accounts are independent
 * except for cross-account references (a parent_id or a duplicate id in
 * another account), so groups of accounts closed under those links,
 * each scored by a fresh scorer at one pinned as_of, give the rows of a
 * single pass. Here every reference stays inside its account, groups are
 * runs of consecutive accounts of at most --group-rows rows, and as_of
 * is fixed (a host without one finds the latest created_at first). The
 * peak is one group's scorer, whatever the total. */

static const char *const stream_bodies[] = {
  "Here's how to fix the login bug: a quick guide for you", "Huge SALE! 20% off everything, order now",
  "We are proud to announce our new product", "Thanks Anna, happy to help!", "Tips: 5 ways to learn SQL faster",
  "Buy now, limited offer", "Great question, thanks for asking", "Can someone help me with my order?",
};
static const char *const stream_authors[] = {"Anna Lee", "Bob", "J. Smith", "José", "Kim"};
/* Lengths and kind codes looked up once (stream_init), so the generator's
 * own cost per row stays small beside the engine's. */
static size_t stream_body_len[8], stream_author_len[5];
static int32_t stream_kind_code[4][4]; /* [row type][variant] */
static const char *const stream_kinds[4][4] = {
  {"mention", "comment", "message", "reply"}, {"reply"}, {"share", "post"}, {"like", "lead", "purchase"}};

static void stream_init(void) {
  for (int i = 0; i < 8; i++) stream_body_len[i] = strlen(stream_bodies[i]);
  for (int i = 0; i < 5; i++) stream_author_len[i] = strlen(stream_authors[i]);
  for (int t = 0; t < 4; t++)
    for (int v = 0; v < 4 && stream_kinds[t][v]; v++)
      stream_kind_code[t][v] = gt_kind_parse(stream_kinds[t][v], strlen(stream_kinds[t][v]));
}

#define STREAM_BASE INT64_C(1704067200000000) /* 2024-01-01 00:00 UTC */
#define STREAM_SPAN INT64_C(31536000000000)   /* one year of rows per account */

/* Row i (0-based) of block `account` holding n rows, in account
 * `account_id` (the block itself, or with --one-account one for all);
 * ids start at first_id. A block's contacts and threads are its own. */
static void stream_row(gt_interaction *r, int64_t account_id, int64_t account, int64_t first_id, int64_t i,
                       int64_t n) {
  int64_t id = first_id + i, turn = i / 4, r4 = i % 4, h = id * 2654435761u % 1000003;
  memset(r, 0, sizeof *r);
  r->id = id;
  r->account_id = account_id;
  r->channel = (int32_t)(turn % 5);
  r->created_at = STREAM_BASE + turn * (STREAM_SPAN / (n / 4 + 1));
  if (r4 != 2) { r->contact_id = account * 1000 + turn % 50; r->flags |= GT_ROW_HAS_CONTACT; }
  switch (r4) {
  case 0: r->kind = stream_kind_code[0][h % 4]; r->flags |= GT_ROW_INBOUND; break;
  case 1: r->kind = stream_kind_code[1][0];
    if (h % 5) { r->parent_id = id - 1; r->flags |= GT_ROW_HAS_PARENT; }
    r->created_at += (h % 20000) * INT64_C(1000000);
    r->agent_id = h % 7; r->flags |= GT_ROW_HAS_AGENT; break;
  case 2: r->kind = stream_kind_code[2][h % 2]; r->created_at += 30000000; break;
  default: r->kind = stream_kind_code[3][h % 3]; r->flags |= GT_ROW_INBOUND;
    r->created_at += 60000000; r->value = h % 3 == 2 ? 25.0 : 0; break;
  }
  if (h % 17 == 0) r->flags |= GT_ROW_AUTOMATED;
  if (h % 3 == 0) r->flags |= GT_ROW_HAS_MEDIA;
  if (h % 6) {
    r->author_name.ptr = stream_authors[h % 5]; r->author_name.len = stream_author_len[h % 5];
  }
  r->body.ptr = stream_bodies[(turn + h) % 8]; r->body.len = stream_body_len[(turn + h) % 8];
  r->thread_id = account * 100000 + turn % 5000; r->flags |= GT_ROW_HAS_THREAD;
}

/* Scores accounts [from, to) of the plan in one fresh scorer; adds its
 * account rows to *out (NULL: not kept) and its turn count to *turns. */
/* CPU seconds spent inside gt_* calls by stream_group (the rest is the
 * generator's and the bench's own). */
static double stream_engine_cpu;

/* Scores accounts [from, to) with `shared` (reset after the group), or
 * with a scorer of its own when `shared` is NULL. `one_account`: the
 * blocks are parts of one account (gt_scorer_finish_part; no account
 * rows until gt_scorer_finish_parts). */
static void stream_group(gt_scorer *shared, int64_t from, int64_t to, int64_t per_account, int64_t last_rows,
                         int64_t accounts, int64_t as_of, int one_account, gt_account_score **out, size_t *nout,
                         size_t *turns) {
  gt_scorer *s = shared;
  enum { BATCH = 8192 };
  static gt_interaction buf[BATCH];
  double c = cpu_precise();
  if (!s) {
    if (gt_scorer_new(&s, NULL) != GT_OK) die("gt_scorer_new", "failed");
    if (gt_scorer_set_as_of(s, as_of) != GT_OK) die("gt_scorer_set_as_of", gt_scorer_errmsg(s));
  }
  stream_engine_cpu += cpu_precise() - c;
  size_t k = 0;
  for (int64_t a = from; a < to; a++) {
    int64_t n = a == accounts - 1 ? last_rows : per_account;
    for (int64_t i = 0; i < n; i++) {
      stream_row(&buf[k++], one_account ? 1000 : 1000 + a, 1000 + a, 1 + a * per_account, i, n);
      if (k == BATCH) {
        c = cpu_precise();
        if (gt_scorer_add(s, buf, k) != GT_OK) die("gt_scorer_add", gt_scorer_errmsg(s));
        stream_engine_cpu += cpu_precise() - c;
        k = 0;
      }
    }
  }
  c = cpu_precise();
  if (k && gt_scorer_add(s, buf, k) != GT_OK) die("gt_scorer_add", gt_scorer_errmsg(s));
  if ((one_account ? gt_scorer_finish_part(s) : gt_scorer_finish(s)) != GT_OK)
    die("gt_scorer_finish", gt_scorer_errmsg(s));
  const gt_account_score *acc;
  const gt_turn_score *t;
  size_t na, nt;
  gt_scorer_accounts(&acc, &na, s);
  gt_scorer_turns(&t, &nt, s);
  stream_engine_cpu += cpu_precise() - c;
  *turns += nt;
  if (out && na) {
    *out = realloc(*out, (*nout + na) * sizeof **out);
    if (!*out) die("realloc", "out of memory");
    memcpy(*out + *nout, acc, na * sizeof *acc);
    *nout += na;
  }
  c = cpu_precise();
  if (shared) {
    if (gt_scorer_reset(s) != GT_OK) die("gt_scorer_reset", gt_scorer_errmsg(s));
  } else {
    gt_scorer_free(s);
  }
  stream_engine_cpu += cpu_precise() - c;
}

/* Same numbers, NaN equal to NaN; with `histogram`, the four percentile
 * fields within 1 % or 1 s (merged parts). */
static int same_accounts(const gt_account_score *a, const gt_account_score *b, size_t n, int histogram) {
  static const size_t times[] = {offsetof(gt_account_score, median_ack_s), offsetof(gt_account_score, p90_ack_s),
                                 offsetof(gt_account_score, median_ack_business_s),
                                 offsetof(gt_account_score, p90_ack_business_s)};
  for (size_t i = 0; i < n; i++) {
    const double *x = (const double *)&a[i], *y = (const double *)&b[i];
    for (size_t k = 0; k < sizeof *a / sizeof(double); k++) {
      if (memcmp(&x[k], &y[k], sizeof(double)) == 0 || (isnan(x[k]) && isnan(y[k]))) continue;
      int time = 0;
      for (int t = 0; t < 4; t++) time |= histogram && times[t] == k * sizeof(double);
      if (!time || !(fabs(x[k] - y[k]) <= fmax(1, 0.01 * fabs(x[k])))) return 0;
    }
  }
  return 1;
}

static int cmd_stream(int argc, char **argv) {
  int64_t rows = strtoll(argv[0], NULL, 10), group_rows = 50000; /* the recipe of givetake.h */
  int verify = 0, keep_memory = 0, new_scorer = 0, one_account = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--group-rows") && i + 1 < argc) group_rows = strtoll(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--verify")) verify = 1;
    else if (!strcmp(argv[i], "--keep-memory")) keep_memory = 1;
    else if (!strcmp(argv[i], "--new-scorer")) new_scorer = 1;
    else if (!strcmp(argv[i], "--one-account")) one_account = 1;
  }
  /* With --new-scorer each group's scorer frees what it held; by default
   * glibc returns it to the kernel (large blocks are mapped on their own,
   * a free heap top is trimmed) and the next group takes page faults to
   * get it back. */
  if (keep_memory && !(mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, 1 << 30)))
    die("mallopt", "failed");
  if (rows < 4 || group_rows < 1) die("stream", "ROWS must be at least 4 and --group-rows at least 1");
  stream_init();
  /* about 20,000 rows per account, at least 10 accounts */
  int64_t accounts = rows / 20000 < 10 ? 10 : rows / 20000;
  if (accounts > rows / 4) accounts = rows / 4;
  int64_t per_account = rows / accounts, last_rows = rows - per_account * (accounts - 1);
  int64_t as_of = STREAM_BASE + STREAM_SPAN + INT64_C(86400000000);
  gt_account_score *acc = NULL;
  size_t nacc = 0, turns = 0, groups = 0;
  double t0 = now(), c0 = cpu_now();
  gt_scorer *shared = NULL;
  if (!new_scorer) {
    double c = cpu_precise();
    if (gt_scorer_new(&shared, NULL) != GT_OK) die("gt_scorer_new", "failed");
    if (gt_scorer_set_as_of(shared, as_of) != GT_OK) die("gt_scorer_set_as_of", gt_scorer_errmsg(shared));
    stream_engine_cpu += cpu_precise() - c;
  }
  for (int64_t a = 0; a < accounts;) {
    int64_t b = a, held = 0;
    while (b < accounts && (b == a || held + per_account <= group_rows)) held += b == accounts - 1 ? last_rows : per_account, b++;
    stream_group(shared, a, b, per_account, last_rows, accounts, as_of, one_account, verify ? &acc : NULL, &nacc,
                 &turns);
    groups++;
    a = b;
  }
  if (one_account) {  /* the account's rows, from every part */
    double c = cpu_precise();
    const gt_account_score *merged;
    size_t nm;
    if (!shared) die("stream", "--one-account needs the shared scorer (no --new-scorer)");
    if (gt_scorer_finish_parts(shared) != GT_OK || gt_scorer_accounts(&merged, &nm, shared) != GT_OK)
      die("gt_scorer_finish_parts", gt_scorer_errmsg(shared));
    stream_engine_cpu += cpu_precise() - c;
    if (verify) {
      acc = realloc(acc, nm * sizeof *acc);
      if (!acc && nm) die("realloc", "out of memory");
      memcpy(acc, merged, nm * sizeof *acc);
      nacc = nm;
    }
  }
  if (shared) {
    double c = cpu_precise();
    gt_scorer_free(shared);
    stream_engine_cpu += cpu_precise() - c;
  }
  double secs = now() - t0, cpu = cpu_now() - c0, engine = stream_engine_cpu;
  long peak_kb = status_kb("VmHWM:");
  int agree = -1;
  if (verify) {  /* one pass over the same rows: the account rows must match */
    gt_account_score *one = NULL;
    size_t none = 0, t1 = 0;
    stream_group(NULL, 0, accounts, per_account, last_rows, accounts, as_of, 0, &one, &none, &t1);
    if (one_account) {  /* the same rows in one account, in one pass */
      free(one);
      one = NULL;
      none = 0;
      t1 = 0;
      gt_scorer *s;
      gt_interaction *all = malloc((size_t)rows * sizeof *all);
      if (!all) die("malloc", "out of memory");
      size_t k = 0;
      for (int64_t a = 0; a < accounts; a++) {
        int64_t n = a == accounts - 1 ? last_rows : per_account;
        for (int64_t i = 0; i < n; i++) stream_row(&all[k++], 1000, 1000 + a, 1 + a * per_account, i, n);
      }
      const gt_account_score *w;
      const gt_turn_score *t;
      if (gt_scorer_new(&s, NULL) != GT_OK || gt_scorer_set_as_of(s, as_of) != GT_OK ||
          gt_scorer_add(s, all, k) != GT_OK || gt_scorer_finish(s) != GT_OK)
        die("one pass", "failed");
      gt_scorer_accounts(&w, &none, s);
      gt_scorer_turns(&t, &t1, s);
      one = malloc(none * sizeof *one);
      if (!one) die("malloc", "out of memory");
      memcpy(one, w, none * sizeof *one);
      gt_scorer_free(s);
      free(all);
    }
    agree = none == nacc && t1 == turns && same_accounts(one, acc, nacc, one_account);
    free(one);
  }
  printf("{\"rows\": %lld, \"accounts\": %lld, \"groups\": %zu, \"group_rows\": %lld, \"turns\": %zu, "
         "\"seconds\": %.3f, \"cpu_s\": %.3f, \"rows_per_s\": %.1f, \"ns_per_row\": %.1f, "
         "\"engine_cpu_s\": %.3f, \"engine_rows_per_cpu_s\": %.1f, \"peak_kb\": %ld%s%s, "
         "\"keep_memory\": %s, \"new_scorer\": %s, \"one_account\": %s, \"version\": \"%s\"}\n",
         (long long)rows, (long long)accounts, groups, (long long)group_rows, turns, secs, cpu, rows / secs,
         secs * 1e9 / rows, engine, rows / engine, peak_kb, verify ? ", \"agree\": " : "", verify ? (agree ? "true" : "false") : "",
         keep_memory ? "true" : "false", new_scorer ? "true" : "false", one_account ? "true" : "false",
         gt_version_string());
  free(acc);
  return verify && !agree;
}

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "score")) return cmd_score(argc - 2, argv + 2);
  if (argc >= 3 && !strcmp(argv[1], "classify")) return cmd_classify(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "calls")) return cmd_calls();
  if (argc >= 3 && !strcmp(argv[1], "stream")) return cmd_stream(argc - 2, argv + 2);
  fprintf(stderr, "usage: gtbench score DB [--no-text] [--out FILE] [--schedules] | classify DB [--max N] [--reps N] [--lexicon FILE] | calls\n"
                  "       gtbench stream ROWS [--group-rows N] [--verify] [--keep-memory] [--new-scorer] "
                  "[--one-account]\n");
  return 2;
}
