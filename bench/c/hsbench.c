/*
 * hsbench: Hyperscan from C on the classification corpus, for bench/run.py.
 *
 *   hsbench PATTERNS DB MAX    MB/s of hs_scan, one buffer and per text
 *
 * PATTERNS: one regular expression per line (the lexicon phrases as escaped
 * literals and the two number patterns, written by bench/py/tool.py), all
 * compiled caseless into one block-mode database. DB: the SQLite file of
 * `givetake demo`; the first MAX non-NULL bodies are read into memory first
 * (not timed). The callback only counts matches: no word boundaries, overlap
 * resolution or negation, i.e. matching only. Best of 5 per mode. Output:
 * one JSON object on stdout.
 */
#define _GNU_SOURCE
#include <hs/hs.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg) {
  fprintf(stderr, "hsbench: %s: %s\n", what, msg);
  exit(1);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                    void *ctx) {
  (void)id; (void)from; (void)to; (void)flags;
  ++*(unsigned long long *)ctx;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) die("usage", "hsbench PATTERNS DB MAX");
  size_t max = strtoull(argv[3], NULL, 10);

  /* patterns, one per line */
  FILE *f = fopen(argv[1], "r");
  if (!f) die(argv[1], "cannot open");
  size_t cap = 1024, n = 0;
  char **exprs = malloc(cap * sizeof *exprs);
  char *line = NULL;
  size_t linecap = 0;
  ssize_t len;
  while ((len = getline(&line, &linecap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    if (len == 0) continue;
    if (n == cap) exprs = realloc(exprs, (cap *= 2) * sizeof *exprs);
    exprs[n++] = strdup(line);
  }
  fclose(f);
  unsigned *flags = malloc(n * sizeof *flags), *ids = malloc(n * sizeof *ids);
  for (size_t i = 0; i < n; i++) { flags[i] = HS_FLAG_CASELESS; ids[i] = (unsigned)i; }
  hs_database_t *db = NULL;
  hs_compile_error_t *err = NULL;
  double c0 = now();
  if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &db, &err) !=
      HS_SUCCESS)
    die("hs_compile_multi", err ? err->message : "failed");
  double compile_s = now() - c0;
  hs_scratch_t *scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) die("hs_alloc_scratch", "failed");

  /* texts: each one, and all joined by '\n' into one buffer */
  sqlite3 *con;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(argv[2], &con, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(argv[2], sqlite3_errmsg(con));
  if (sqlite3_prepare_v2(con, "SELECT body FROM interactions WHERE body IS NOT NULL LIMIT ?", -1, &st, NULL) !=
      SQLITE_OK)
    die("prepare", sqlite3_errmsg(con));
  sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
  size_t tcap = 1 << 16, m = 0, bytes = 0, bufcap = 1 << 20;
  size_t *off = malloc(tcap * sizeof *off), *tlen = malloc(tcap * sizeof *tlen);
  char *buf = malloc(bufcap);
  while (sqlite3_step(st) == SQLITE_ROW) {
    size_t l = (size_t)sqlite3_column_bytes(st, 0);
    if (m == tcap) {
      tcap *= 2;
      off = realloc(off, tcap * sizeof *off);
      tlen = realloc(tlen, tcap * sizeof *tlen);
    }
    while (bytes + l + 1 > bufcap) buf = realloc(buf, bufcap *= 2);
    if (!off || !tlen || !buf) die("realloc", "out of memory");
    memcpy(buf + bytes, sqlite3_column_text(st, 0), l);
    off[m] = bytes;
    tlen[m++] = l;
    bytes += l;
    buf[bytes++] = '\n';
  }
  sqlite3_finalize(st);
  sqlite3_close(con);
  size_t text_bytes = bytes - m; /* without the separators */

  double best_buffer = 1e30, best_texts = 1e30;
  unsigned long long hits_buffer = 0, hits_texts = 0;
  for (int rep = 0; rep < 5; rep++) {
    unsigned long long h = 0;
    double t0 = now();
    if (hs_scan(db, buf, (unsigned)bytes, 0, scratch, on_match, &h) != HS_SUCCESS) die("hs_scan", "failed");
    double t = now() - t0;
    if (t < best_buffer) best_buffer = t;
    hits_buffer = h;

    h = 0;
    t0 = now();
    for (size_t i = 0; i < m; i++)
      if (hs_scan(db, buf + off[i], (unsigned)tlen[i], 0, scratch, on_match, &h) != HS_SUCCESS)
        die("hs_scan", "failed");
    t = now() - t0;
    if (t < best_texts) best_texts = t;
    hits_texts = h;
  }
  printf("{\"patterns\": %zu, \"compile_s\": %.6f, \"texts\": %zu, \"bytes\": %zu, "
         "\"buffer_s\": %.6f, \"buffer_mb_per_s\": %.2f, \"buffer_matches\": %llu, "
         "\"per_text_s\": %.6f, \"per_text_mb_per_s\": %.2f, \"per_text_texts_per_s\": %.1f, "
         "\"per_text_matches\": %llu, \"hyperscan\": \"%s\"}\n",
         n, compile_s, m, text_bytes, best_buffer, text_bytes / best_buffer / 1e6, hits_buffer, best_texts,
         text_bytes / best_texts / 1e6, m / best_texts, hits_texts, hs_version());
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}
