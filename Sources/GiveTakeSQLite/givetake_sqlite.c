/* SQL functions over the GiveTake C ABI (include/givetake.h); the score
 * tables as table-valued functions are in score_tables.c. This file
 * only converts SQLite values and calls gt_*; every rule lives in the
 * engine. Scalar functions return NULL for a NULL argument; aggregates
 * skip rows with a NULL argument and return NULL when nothing was counted,
 * as SQL's do. */
#include <math.h>
#include <string.h>
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "givetake.h"
#include "givetake_sqlite.h"
#include "score_tables.h"

#ifndef SQLITE_INNOCUOUS
#define SQLITE_INNOCUOUS 0 /* SQLite < 3.31 */
#endif
#define GT_FLAGS (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/* An argument's UTF-8 bytes; NULL when the value is SQL NULL. */
static const char *text_arg(sqlite3_value *v, size_t *len) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return NULL;
  const char *p = (const char *)sqlite3_value_text(v);
  *len = (size_t)sqlite3_value_bytes(v);
  return p ? p : "";
}

static void fail(sqlite3_context *ctx, const char *fn, int status) {
  char *msg = sqlite3_mprintf("%s: %s", fn, gt_strerror(status));
  sqlite3_result_error(ctx, msg, -1);
  sqlite3_free(msg);
}

/* Classifies argument 0; returns 0 for NULL (result already set), 1 ok. */
static int classify_arg(sqlite3_context *ctx, sqlite3_value **argv, const char *fn,
                        gt_classification *out) {
  size_t len = 0;
  const char *text = text_arg(argv[0], &len);
  if (!text) {
    sqlite3_result_null(ctx);
    return 0;
  }
  int rc = gt_classify(out, NULL, text, len);
  if (rc != GT_OK) {
    fail(ctx, fn, rc);
    return 0;
  }
  return 1;
}

/* givetake_classify(text) -> 'give' | 'take' | 'neutral' */
static void fn_classify(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  gt_classification c;
  if (!classify_arg(ctx, argv, "givetake_classify", &c)) return;
  static const char *labels[] = {"neutral", "give", "take"};
  sqlite3_result_text(ctx, labels[c.label], -1, SQLITE_STATIC);
}

static void fn_give_score(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  gt_classification c;
  if (classify_arg(ctx, argv, "givetake_give_score", &c)) sqlite3_result_double(ctx, c.give_score);
}

static void fn_take_score(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  gt_classification c;
  if (classify_arg(ctx, argv, "givetake_take_score", &c)) sqlite3_result_double(ctx, c.take_score);
}

/* givetake_is_personal(reply, author_name) -> 0 | 1 */
static void fn_is_personal(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t rlen = 0, alen = 0;
  const char *reply = text_arg(argv[0], &rlen), *author = text_arg(argv[1], &alen);
  if (!reply || !author) {
    sqlite3_result_null(ctx);
    return;
  }
  int out = 0, rc = gt_is_personal(&out, reply, rlen, author, alen);
  if (rc != GT_OK) fail(ctx, "givetake_is_personal", rc);
  else sqlite3_result_int(ctx, out);
}

/* givetake_is_appreciative(text) -> 0 | 1 */
static void fn_is_appreciative(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t len = 0;
  const char *text = text_arg(argv[0], &len);
  if (!text) {
    sqlite3_result_null(ctx);
    return;
  }
  int out = 0, rc = gt_is_appreciative(&out, text, len);
  if (rc != GT_OK) fail(ctx, "givetake_is_appreciative", rc);
  else sqlite3_result_int(ctx, out);
}

/* givetake_first_name(author_name) -> text or NULL */
static void fn_first_name(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t len = 0, off = 0, n = 0;
  const char *name = text_arg(argv[0], &len);
  if (!name) {
    sqlite3_result_null(ctx);
    return;
  }
  int rc = gt_first_name(&off, &n, name, len);
  if (rc != GT_OK) fail(ctx, "givetake_first_name", rc);
  else if (n == 0) sqlite3_result_null(ctx);
  else sqlite3_result_text(ctx, name + off, (int)n, SQLITE_TRANSIENT);
}

/* ---- Aggregates ------------------------------------------------------- */

/* State of the two ratio aggregates: num / (num + den). */
typedef struct {
  int64_t num, den;
} ratio_state;

/* Shared step of the ratio aggregates: classify the text argument into *c
 * and return the group's state, or NULL (NULL text, or an error already
 * reported on ctx). */
static ratio_state *classified_step(sqlite3_context *ctx, sqlite3_value **argv, const char *fn,
                                    gt_classification *c) {
  size_t len = 0;
  const char *text = text_arg(argv[0], &len);
  if (!text) return NULL;
  ratio_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
  if (!s) {
    sqlite3_result_error_nomem(ctx);
    return NULL;
  }
  int rc = gt_classify(c, NULL, text, len);
  if (rc != GT_OK) {
    fail(ctx, fn, rc);
    return NULL;
  }
  return s;
}

/* givetake_give_ratio(body): give / (give + take) over classified texts. */
static void give_ratio_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  gt_classification c;
  ratio_state *s = classified_step(ctx, argv, "givetake_give_ratio", &c);
  if (!s) return;
  if (c.label == GT_LABEL_GIVE) s->num++;
  else if (c.label == GT_LABEL_TAKE) s->den++;
}

/* num / (num + den), NULL when both are 0 (both ratio aggregates). */
static void ratio_final(sqlite3_context *ctx) {
  ratio_state *s = sqlite3_aggregate_context(ctx, 0);
  if (!s || s->num + s->den == 0) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, (double)s->num / (double)(s->num + s->den));
}

/* givetake_me_index(body): we-words / (we-words + you-words). */
static void me_index_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  gt_classification c;
  ratio_state *s = classified_step(ctx, argv, "givetake_me_index", &c);
  if (!s) return;
  s->num += c.we_words;
  s->den += c.you_words;
}

/* Acknowledgement-time percentiles over the mergeable histogram:
 * givetake_ack_percentile(seconds, p), givetake_ack_median(seconds),
 * givetake_ack_p90(seconds). A group's histogram starts sparse (up to
 * HIST_INLINE distinct buckets kept inline, ~150 bytes) and becomes a heap
 * array of GT_ACKHIST_BUCKETS counts only when it needs more, so GROUP BY
 * over many small groups neither allocates nor zeroes 14 KB per group.
 * Either way the final step hands the engine the same dense counts. */
#define HIST_INLINE 12

typedef struct {
  double p;            /* fixed by the group's first row */
  int64_t n;           /* rows counted */
  int64_t *dense;      /* GT_ACKHIST_BUCKETS counts once sparse overflows */
  int32_t nsparse;     /* used entries of bucket/count */
  int32_t max_bucket;  /* highest bucket with a count */
  uint16_t bucket[HIST_INLINE];
  int64_t count[HIST_INLINE];
} hist_state;

static void agg_error(sqlite3_context *ctx, const char *fmt, const char *fn, const char *arg,
                      sqlite3_value *v) {
  char *msg = sqlite3_mprintf(fmt, fn, arg, (const char *)sqlite3_value_text(v));
  if (msg) sqlite3_result_error(ctx, msg, -1);
  else sqlite3_result_error_nomem(ctx);
  sqlite3_free(msg);
}

/* A numeric argument (INTEGER, REAL, or text that looks like a number);
 * 0 with the error set for anything else. */
static int number_arg(sqlite3_context *ctx, sqlite3_value *v, const char *fn, const char *arg, double *out) {
  int t = sqlite3_value_numeric_type(v);
  if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
    agg_error(ctx, "%s: %s '%s' is not a number", fn, arg, v);
    return 0;
  }
  *out = sqlite3_value_double(v);
  return 1;
}

static int hist_add(hist_state *s, int bucket) {
  if (!s->dense) {
    for (int i = 0; i < s->nsparse; i++) {
      if (s->bucket[i] == bucket) {
        s->count[i]++;
        return 1;
      }
    }
    if (s->nsparse < HIST_INLINE) {
      s->bucket[s->nsparse] = (uint16_t)bucket;
      s->count[s->nsparse++] = 1;
      goto counted;
    }
    s->dense = sqlite3_malloc64(sizeof(int64_t) * GT_ACKHIST_BUCKETS);
    if (!s->dense) return 0;
    memset(s->dense, 0, sizeof(int64_t) * GT_ACKHIST_BUCKETS);
    for (int i = 0; i < s->nsparse; i++) s->dense[s->bucket[i]] = s->count[i];
  }
  s->dense[bucket]++;
counted:
  if (bucket > s->max_bucket) s->max_bucket = bucket;
  return 1;
}

/* The step of all three (pv NULL: p is fixed). NULL seconds or p skips
 * the row (as in PostgreSQL); non-numbers, p outside (0, 1] and a p that
 * differs from the group's first are errors. */
static void ack_step(sqlite3_context *ctx, sqlite3_value *seconds, sqlite3_value *pv, double p,
                     const char *fn) {
  if (sqlite3_value_type(seconds) == SQLITE_NULL || (pv && sqlite3_value_type(pv) == SQLITE_NULL)) return;
  double secs = 0;
  if (!number_arg(ctx, seconds, fn, "seconds", &secs)) return;
  if (pv && !number_arg(ctx, pv, fn, "p", &p)) return;
  if (!(p > 0 && p <= 1)) {
    agg_error(ctx, "%s: %s %s is not in (0, 1]", fn, "p", pv);
    return;
  }
  hist_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
  if (!s) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (s->n == 0) {
    s->p = p;
  } else if (p != s->p) {
    char *msg = sqlite3_mprintf("%s: p must be the same in every row of a group (%!.15g, then %!.15g)", fn,
                                s->p, p);
    sqlite3_result_error(ctx, msg ? msg : "p varies within a group", -1);
    sqlite3_free(msg);
    return;
  }
  int bucket = 0, rc = gt_ackhist_bucket(&bucket, secs);
  if (rc != GT_OK) {
    fail(ctx, fn, rc);
    return;
  }
  if (!hist_add(s, bucket)) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  s->n++;
}

static void ack_percentile_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  ack_step(ctx, argv[0], argv[1], 0, "givetake_ack_percentile");
}
static void ack_median_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  ack_step(ctx, argv[0], NULL, 0.5, "givetake_ack_median");
}
static void ack_p90_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  ack_step(ctx, argv[0], NULL, 0.9, "givetake_ack_p90");
}

/* A sparse group is spread into this thread's zeroed scratch array for the
 * engine, then the scratch is zeroed again (only the entries it set). */
static _Thread_local int64_t scratch[GT_ACKHIST_BUCKETS];

/* Runs even when the statement stops early (SQLite finalizes every
 * aggregate context), so the dense array is always freed here. */
static void ack_final(sqlite3_context *ctx) {
  hist_state *s = sqlite3_aggregate_context(ctx, 0);
  if (!s) {
    sqlite3_result_null(ctx);
    return;
  }
  double out = NAN;
  int rc;
  size_t nbuckets = (size_t)s->max_bucket + 1;
  if (s->dense) {
    rc = gt_ackhist_percentile(&out, s->dense, nbuckets, s->p);
    sqlite3_free(s->dense);
    s->dense = NULL;
  } else {
    for (int i = 0; i < s->nsparse; i++) scratch[s->bucket[i]] = s->count[i];
    rc = gt_ackhist_percentile(&out, scratch, nbuckets, s->p);
    for (int i = 0; i < s->nsparse; i++) scratch[s->bucket[i]] = 0;
  }
  if (s->n == 0 || isnan(out)) sqlite3_result_null(ctx);
  else if (rc != GT_OK) fail(ctx, "givetake_ack_percentile", rc);
  else sqlite3_result_double(ctx, out);
}

/* ---- Registration ----------------------------------------------------- */

typedef struct {
  const char *name;
  int args;
  void (*fn)(sqlite3_context *, int, sqlite3_value **);
  void (*step)(sqlite3_context *, int, sqlite3_value **);
  void (*final)(sqlite3_context *);
} function_def;

static const function_def functions[] = {
    {"givetake_classify", 1, fn_classify, NULL, NULL},
    {"givetake_give_score", 1, fn_give_score, NULL, NULL},
    {"givetake_take_score", 1, fn_take_score, NULL, NULL},
    {"givetake_is_personal", 2, fn_is_personal, NULL, NULL},
    {"givetake_is_appreciative", 1, fn_is_appreciative, NULL, NULL},
    {"givetake_first_name", 1, fn_first_name, NULL, NULL},
    {"givetake_give_ratio", 1, NULL, give_ratio_step, ratio_final},
    {"givetake_me_index", 1, NULL, me_index_step, ratio_final},
    {"givetake_ack_percentile", 2, NULL, ack_percentile_step, ack_final},
    {"givetake_ack_median", 1, NULL, ack_median_step, ack_final},
    {"givetake_ack_p90", 1, NULL, ack_p90_step, ack_final},
};

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_givetake_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  if (gt_version_number() / 1000 != GT_VERSION_NUMBER / 1000) {
    if (err) *err = sqlite3_mprintf("givetake: library version %s does not match header %s",
                                    gt_version_string(), GT_VERSION_STRING);
    return SQLITE_ERROR;
  }
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    const function_def *f = &functions[i];
    int rc = sqlite3_create_function_v2(db, f->name, f->args, GT_FLAGS, NULL, f->fn, f->step, f->final, NULL);
    if (rc != SQLITE_OK) {
      if (err) *err = sqlite3_mprintf("givetake: cannot register %s: %s", f->name, sqlite3_errmsg(db));
      return rc;
    }
  }
  return gt_sqlite_register_score_tables(db, err);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_givetakesqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  return sqlite3_givetake_init(db, err, api);
}
