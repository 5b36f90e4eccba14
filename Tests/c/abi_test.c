/* A C user of libgivetake: classify, explain and score a small batch the
 * way an application would, checking every answer. Built by `make test-c`
 * against both libgivetake.so and libgivetake.a. */
#include <givetake.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (cond) {                                                            \
      passed++;                                                            \
    } else {                                                               \
      failed++;                                                            \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                      \
  } while (0)

static gt_text text(const char *s) {
  gt_text t = {s, s ? strlen(s) : 0};
  return t;
}

static gt_interaction row(int64_t id, int64_t account, int kind, int inbound, double seconds) {
  gt_interaction r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.account_id = account;
  r.kind = kind;
  r.channel = GT_CHANNEL_TWITTER;
  r.created_at = (int64_t)(seconds * 1e6);
  r.flags = inbound ? GT_ROW_INBOUND : 0;
  return r;
}

static void test_classify(void) {
  gt_classification c;
  const char *post = "Here's how to fix it: a free guide";
  CHECK(gt_classify(&c, NULL, post, strlen(post)) == GT_OK);
  CHECK(c.label == GT_LABEL_GIVE);
  CHECK(c.give_score >= 1.0 && c.take_score == 0.0);

  /* explain lists every cue that fired; their weights make up the score. */
  gt_cue cues[8];
  size_t n = 0;
  CHECK(gt_explain(cues, 8, &n, NULL, post, strlen(post)) == GT_OK);
  CHECK(n == (size_t)c.cues && n >= 2 && n <= 8);
  double sum = 0;
  for (size_t i = 0; i < n && i < 8; i++) sum += cues[i].weight;
  CHECK(fabs(sum - c.give_score) < 1e-9);
  /* the first cue spans the opening phrase: "Here's how" or longer */
  CHECK(n > 0 && cues[0].offset == 0 && cues[0].length >= 10 && cues[0].length <= 13);
  /* every cue of this give post is named by a give category */
  static const char *const give_names[] = {"teaching", "helping", "crediting", "inviting", "responsibility", "give"};
  for (size_t i = 0; i < n && i < 8; i++) {
    int known = 0;
    for (size_t k = 0; k < sizeof give_names / sizeof give_names[0]; k++)
      known |= strcmp(gt_category_name(cues[i].category), give_names[k]) == 0;
    CHECK(known);
  }

  const char bad[] = {'a', (char)0xC3};
  CHECK(gt_classify(&c, NULL, bad, 2) == GT_EUTF8);

  gt_text batch[3] = {text("Shop now, 20% off"), text(NULL), text("Tell us what you think")};
  gt_classification out[3];
  size_t first_bad = 99;
  CHECK(gt_classify_batch(out, &first_bad, NULL, batch, 3) == GT_OK);
  CHECK(first_bad == 3);
  CHECK(out[0].label == GT_LABEL_TAKE && out[1].label == GT_LABEL_NEUTRAL && out[2].label == GT_LABEL_GIVE);
}

static void test_lexicon(void) {
  gt_lexicon *lex = NULL;
  CHECK(gt_lexicon_new(&lex, GT_LEXICON_DEFAULT) == GT_OK);
  const char *extra = "flash sale\tselling\t3\n";
  CHECK(gt_lexicon_load(lex, extra, strlen(extra)) == GT_OK);
  const char *broken = "ok\tgive\t1\nnot a line\n";
  CHECK(gt_lexicon_load(lex, broken, strlen(broken)) == GT_EPARSE);
  CHECK(strncmp(gt_lexicon_errmsg(lex), "lexicon line 2:", 15) == 0);
  gt_classification c;
  CHECK(gt_classify(&c, lex, "the flash sale!", 15) == GT_OK && c.take_score == 3.0);
  gt_lexicon_free(lex);
  gt_lexicon_free(NULL);
}

static void test_scorer(void) {
  gt_scorer *s = NULL;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_set_as_of(s, (int64_t)86400 * 1000000) == GT_OK);

  gt_interaction rows[5];
  rows[0] = row(1, 7, GT_KIND_MENTION, 1, 0); /* answered by name in 2 min */
  rows[0].flags |= GT_ROW_HAS_CONTACT;
  rows[0].contact_id = 100;
  rows[0].author_name = text("Maria Lopez");
  rows[1] = row(2, 7, GT_KIND_REPLY, 0, 120);
  rows[1].flags |= GT_ROW_HAS_PARENT;
  rows[1].parent_id = 1;
  rows[1].body = text("Thanks Maria, here's how to fix it");
  rows[2] = row(3, 7, GT_KIND_MENTION, 1, 10); /* never answered */
  rows[2].flags |= GT_ROW_HAS_CONTACT;
  rows[2].contact_id = 200;
  rows[3] = row(4, 7, GT_KIND_POST, 0, 50);
  rows[3].body = text("Tips: how to back up your phone");
  rows[4] = row(5, 7, GT_KIND_POST, 0, 60);
  rows[4].body = text("Buy now: 20% off");

  CHECK(gt_scorer_add(s, rows, 2) == GT_OK);
  CHECK(gt_scorer_add(s, rows + 2, 3) == GT_OK);
  CHECK(gt_scorer_finish(s) == GT_OK);

  const gt_account_score *acc = NULL;
  size_t n = 0;
  CHECK(gt_scorer_accounts(&acc, &n, s) == GT_OK);
  CHECK(n == 2);
  if (n == 2) {
    CHECK(acc[0].account_id == 7 && acc[0].channel == GT_CHANNEL_ALL);
    CHECK(acc[0].needs_ack == 2 && acc[0].acknowledged == 1 && acc[0].pending == 0);
    CHECK(acc[0].ack_rate == 0.5 && acc[0].personal_rate == 1.0 && acc[0].appreciative_rate == 1.0);
    CHECK(acc[0].median_ack_s == 120.0 && acc[0].p90_ack_s == 120.0);
    CHECK(acc[0].give_posts == 1 && acc[0].take_posts == 1 && acc[0].give_ratio == 0.5);
    CHECK(isnan(acc[0].conversion_lift));
    CHECK(acc[1].channel == GT_CHANNEL_TWITTER);
  }
  const gt_contact_score *con = NULL;
  CHECK(gt_scorer_contacts(&con, &n, s) == GT_OK && n == 2);
  if (n == 2) {
    CHECK(con[0].contact_id == 100 && con[0].trust_score > 50);
    CHECK(con[1].contact_id == 200 && con[1].trust_score < 50 && con[1].unacknowledged == 1);
  }

  gt_interaction bad = row(9, 7, GT_KIND_POST, 0, 0);
  bad.created_at = INT64_MAX;
  CHECK(gt_scorer_add(s, &bad, 1) == GT_ERANGE);
  /* Rows are numbered across gt_scorer_add calls: 5 were added before. */
  CHECK(strstr(gt_scorer_errmsg(s), "row 5 (id 9)") != NULL);
  gt_scorer_free(s);
  gt_scorer_free(NULL);
}

/* Rows of a made-up group: accounts first..first+2, contacts, threads,
 * agents, names and bodies, answers to earlier rows, a duplicate id now
 * and then. */
static void group_rows(gt_interaction *r, int n, int64_t first, int64_t ids) {
  static const char *bodies[] = {"Thanks Ann, here's how to fix it", "Buy now: 20% off", "We're on it",
                                 "Tips: how to back up your phone"};
  static const char *names[] = {"Ann Lee", "Bob", "José"};
  for (int i = 0; i < n; i++) {
    int inbound = i % 3 != 2;
    /* blocks of six rows in one conversation: asked, asked, answered */
    r[i] = row(ids + (i % 97 == 5 ? i - 1 : i), first + i / 6 % 3, inbound ? GT_KIND_MENTION : GT_KIND_REPLY,
               inbound, 1000.0 + i * 7.0);
    r[i].flags |= GT_ROW_HAS_CONTACT | GT_ROW_HAS_THREAD;
    r[i].contact_id = i / 6 % 40;
    r[i].thread_id = i / 6 % 25;
    if (inbound) {
      r[i].author_name = text(names[i % 3]);
    } else {
      r[i].flags |= GT_ROW_HAS_PARENT | GT_ROW_HAS_AGENT;
      r[i].parent_id = ids + i - 2;
      r[i].agent_id = i % 4;
      r[i].body = text(bodies[i % 4]);
    }
  }
}

/* One scorer reset between groups scores each group as a new scorer
 * would; the configuration may change after a reset. */
static void test_reset(void) {
  enum { BIG = 30000, SMALL = 700 };
  static gt_interaction big[BIG], small[SMALL];
  group_rows(big, BIG, 1, 1);
  group_rows(small, SMALL, 10, 500000);

  gt_scorer *fresh = NULL, *s = NULL;
  const gt_account_score *want = NULL, *got = NULL;
  const gt_turn_score *want_t = NULL, *got_t = NULL;
  size_t nw = 0, ng = 0, nwt = 0, ngt = 0;
  CHECK(gt_scorer_new(&fresh, NULL) == GT_OK);
  CHECK(gt_scorer_set_ack_unit(fresh, GT_ACK_UNIT_ROW) == GT_OK);
  CHECK(gt_scorer_add(fresh, small, SMALL) == GT_OK && gt_scorer_finish(fresh) == GT_OK);
  CHECK(gt_scorer_accounts(&want, &nw, fresh) == GT_OK && nw > 3);
  CHECK(gt_scorer_turns(&want_t, &nwt, fresh) == GT_OK && nwt > 100);

  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_add(s, big, BIG / 2) == GT_OK && gt_scorer_add(s, big + BIG / 2, BIG - BIG / 2) == GT_OK);
  CHECK(gt_scorer_finish(s) == GT_OK);
  CHECK(gt_scorer_turns(&got_t, &ngt, s) == GT_OK && ngt > 1000);
  CHECK(gt_scorer_set_ack_unit(s, GT_ACK_UNIT_ROW) == GT_ESTATE);
  size_t held = gt_scorer_memory(s);
  CHECK(gt_scorer_reset(s) == GT_OK);
  CHECK(gt_scorer_accounts(&got, &ng, s) == GT_ESTATE && got == NULL && ng == 0);
  /* the memory it keeps, less than what the rows needed */
  CHECK(gt_scorer_memory(s) > 0 && gt_scorer_memory(s) < held);
  CHECK(gt_scorer_set_ack_unit(s, GT_ACK_UNIT_ROW) == GT_OK);
  gt_interaction bad = small[0];
  bad.created_at = INT64_MAX;
  CHECK(gt_scorer_add(s, &bad, 1) == GT_ERANGE);
  CHECK(strstr(gt_scorer_errmsg(s), "row 0 (id 500000)") != NULL); /* numbered from the reset */
  CHECK(gt_scorer_add(s, small, SMALL) == GT_OK && gt_scorer_finish(s) == GT_OK);
  CHECK(gt_scorer_accounts(&got, &ng, s) == GT_OK && ng == nw);
  CHECK(ng == nw && memcmp(got, want, nw * sizeof *got) == 0);
  CHECK(gt_scorer_turns(&got_t, &ngt, s) == GT_OK && ngt == nwt);
  CHECK(ngt == nwt && memcmp(got_t, want_t, nwt * sizeof *got_t) == 0);
  CHECK(gt_scorer_reset(NULL) == GT_EINVAL);
  gt_scorer_free(s);
  gt_scorer_free(fresh);
}

/* Ten contacts answer one give post, are answered, convert and write in
 * their own thread. Scored in two parts (even and odd contacts, the post
 * in the first and a reference in the second), the counts and contact rows
 * are those of one pass and the percentiles within 1 % or 1 s. */
enum { PART_CONTACTS = 10, PART_ROWS = 1 + 5 * PART_CONTACTS };

static int part_rows(gt_interaction *r, int parity) {
  int n = 0;
  if (parity != 1) {
    r[n] = row(1, 7, GT_KIND_POST, 0, 0);
    r[n++].body = text("Tips: how to back up your phone, a quick guide");
  }
  for (int c = 0; c < PART_CONTACTS; c++) {
    if (parity >= 0 && c % 2 != parity) continue;
    int64_t base = 100 + 10 * c;
    double t0 = 1000 + c * 3600.0;
    gt_interaction *q = r + n;
    q[0] = row(base, 7, GT_KIND_REPLY, 1, t0);
    q[1] = row(base + 1, 7, GT_KIND_REPLY, 0, t0 + 60.0 * (c + 1));
    q[2] = row(base + 2, 7, GT_KIND_LEAD, 1, t0 + 120);
    q[3] = row(base + 3, 7, GT_KIND_MESSAGE, 1, t0 + 200);
    q[4] = row(base + 4, 7, GT_KIND_MESSAGE, 0, t0 + 200 + 95.0 * (c + 1));
    q[0].flags |= GT_ROW_HAS_PARENT;
    q[0].parent_id = 1;
    q[1].flags |= GT_ROW_HAS_PARENT;
    q[1].parent_id = base;
    q[1].body = text("Thanks, here is how to fix it");
    q[4].body = text("We are on it");
    for (int k = 0; k < 5; k++) {
      q[k].flags |= GT_ROW_HAS_CONTACT;
      q[k].contact_id = c;
    }
    for (int k = 3; k < 5; k++) {
      q[k].flags |= GT_ROW_HAS_THREAD;
      q[k].thread_id = c;
    }
    n += 5;
  }
  return n;
}

static int close_enough(double a, double exact) {
  return fabs(a - exact) <= (fabs(exact) * 0.01 > 1 ? fabs(exact) * 0.01 : 1);
}

static void test_parts(void) {
  static gt_interaction all[PART_ROWS], part[PART_ROWS];
  int n = part_rows(all, -1);
  CHECK(n == PART_ROWS);
  gt_scorer *s = NULL;
  const gt_account_score *whole = NULL, *merged = NULL;
  const gt_contact_score *c = NULL;
  size_t nw = 0, nm = 0, nc = 0;
  int64_t as_of = 0;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_finish_parts(s) == GT_ESTATE);
  CHECK(gt_scorer_add(s, all, n) == GT_OK && gt_scorer_finish(s) == GT_OK);
  CHECK(gt_scorer_accounts(&whole, &nw, s) == GT_OK && nw == 2);
  CHECK(gt_scorer_as_of(&as_of, s) == GT_OK);
  static gt_account_score want;
  want = whole[0];
  CHECK(want.give_attributed_leads == PART_CONTACTS && want.anomalies == 0 && want.acknowledged == 2 * PART_CONTACTS);
  int64_t contacts_acked = 0;
  CHECK(gt_scorer_contacts(&c, &nc, s) == GT_OK && nc == PART_CONTACTS);
  for (size_t i = 0; i < nc; i++) contacts_acked += c[i].acknowledged;

  int64_t parts_acked = 0;
  size_t parts_contacts = 0;
  for (int parity = 0; parity < 2; parity++) {
    CHECK(gt_scorer_reset(s) == GT_OK && gt_scorer_set_as_of(s, as_of) == GT_OK);
    if (parity == 1) {
      /* a bad reference names its place and adds nothing of its batch */
      gt_interaction bad[2] = {all[0], all[0]};
      bad[1].id = 2;
      bad[1].created_at = INT64_MAX;
      CHECK(gt_scorer_add_references(s, bad, 2, sizeof(gt_interaction)) == GT_ERANGE);
      CHECK(strstr(gt_scorer_errmsg(s), "reference row 1 (id 2)") != NULL);
      bad[1].created_at = 0;
      bad[1].body.ptr = NULL; /* a NULL pointer with a length */
      CHECK(gt_scorer_add_references(s, bad, 2, sizeof(gt_interaction)) == GT_EINVAL);
      CHECK(strstr(gt_scorer_errmsg(s), "reference row 1 (id 2)") != NULL);
      CHECK(gt_scorer_add_references(s, all, 1, sizeof(gt_interaction)) == GT_OK);
    }
    int m = part_rows(part, parity);
    CHECK(gt_scorer_add(s, part, m) == GT_OK && gt_scorer_finish_part(s) == GT_OK);
    CHECK(gt_scorer_accounts(&merged, &nm, s) == GT_OK && nm == 0);
    CHECK(gt_scorer_contacts(&c, &nc, s) == GT_OK && nc == PART_CONTACTS / 2);
    for (size_t i = 0; i < nc; i++) parts_acked += c[i].acknowledged;
    parts_contacts += nc;
  }
  CHECK(gt_scorer_finish_parts(s) == GT_OK);
  CHECK(gt_scorer_accounts(&merged, &nm, s) == GT_OK && nm == 2);
  CHECK(gt_scorer_contacts(&c, &nc, s) == GT_OK && nc == 0);
  CHECK(parts_contacts == PART_CONTACTS && parts_acked == contacts_acked);
  CHECK(merged[0].needs_ack == want.needs_ack && merged[0].acknowledged == want.acknowledged);
  CHECK(merged[0].give_attributed_leads == want.give_attributed_leads && merged[0].anomalies == 0);
  CHECK(merged[0].contacts == want.contacts && merged[0].mean_trust == want.mean_trust);
  CHECK(merged[0].give_posts == 1 && merged[0].health == want.health);
  CHECK(close_enough(merged[0].median_ack_s, want.median_ack_s) && close_enough(merged[0].p90_ack_s, want.p90_ack_s));
  /* the totals are gone: a second call has nothing to merge */
  CHECK(gt_scorer_finish_parts(s) == GT_ESTATE);
  gt_scorer_free(s);
}

/* Inputs that once trapped or were misreported: none may abort. */
static void test_hostile_inputs(void) {
  /* Counts near 2^63: the rank computation must not overflow. */
  int64_t counts[3] = {INT64_MAX - 1, 1, 0};
  double out = 0;
  CHECK(gt_ackhist_percentile(&out, counts, 3, 1.0) == GT_OK && out == 1.0);
  CHECK(gt_ackhist_percentile(&out, counts, 3, 0.999999999) == GT_OK && out == 1.0); /* p snaps to 1 */
  CHECK(gt_ackhist_percentile(&out, counts, 3, 0.99999) == GT_OK && out == 0.0);
  CHECK(gt_ackhist_percentile(&out, counts, 3, 0.5) == GT_OK && out == 0.0);
  int64_t big[2] = {INT64_MAX, INT64_MAX}; /* the total saturates at 2^63 - 1 */
  CHECK(gt_ackhist_percentile(&out, big, 2, 1.0) == GT_OK && out == 0.0);
  CHECK(gt_ackhist_percentile(&out, big, 2, 0.25) == GT_OK && out == 0.0);
  CHECK(gt_ackhist_percentile(&out, counts, SIZE_MAX, 0.5) == GT_EINVAL);
  CHECK(gt_ackhist_percentile(&out, NULL, 3, 0.5) == GT_EINVAL);

  /* Lengths above the largest object size, and NULL with a length. */
  gt_lexicon *lex = NULL;
  CHECK(gt_lexicon_new(&lex, GT_LEXICON_EMPTY) == GT_OK);
  CHECK(gt_lexicon_add(lex, "sale", SIZE_MAX, GT_CAT_SELLING, 1) == GT_EINVAL);
  CHECK(strstr(gt_lexicon_errmsg(lex), "larger than the largest object size") != NULL);
  CHECK(gt_lexicon_add(lex, NULL, 4, GT_CAT_SELLING, 1) == GT_EINVAL);
  CHECK(strstr(gt_lexicon_errmsg(lex), "NULL with a non-zero length") != NULL);
  CHECK(gt_lexicon_load(lex, "x\tgive\t1", SIZE_MAX) == GT_EINVAL);
  CHECK(strstr(gt_lexicon_errmsg(lex), "larger than the largest object size") != NULL);
  gt_cue_def huge_cue = {"sale", SIZE_MAX, GT_CAT_SELLING, 0, 1.0};
  CHECK(gt_lexicon_add_many(lex, &huge_cue, 1) == GT_EINVAL);
  CHECK(strstr(gt_lexicon_errmsg(lex), "cue 0: phrase length") != NULL);
  CHECK(gt_lexicon_check(lex, &huge_cue) == GT_EINVAL);
  CHECK(strstr(gt_lexicon_errmsg(lex), "larger than the largest object size") != NULL);
  CHECK(gt_lexicon_count(lex) == 0);
  gt_lexicon_free(lex);

  gt_classification c;
  CHECK(gt_classify(&c, NULL, "x", SIZE_MAX) == GT_EINVAL);
  CHECK(gt_classify(&c, NULL, NULL, 1) == GT_EINVAL);
  gt_text huge = {"x", SIZE_MAX};
  size_t first_bad = 0;
  CHECK(gt_classify_batch(&c, &first_bad, NULL, &huge, 1) == GT_EINVAL && first_bad == 0);
  CHECK(gt_classify_batch(&c, NULL, NULL, &huge, SIZE_MAX) == GT_EINVAL);
  size_t n = 0, off = 0;
  CHECK(gt_explain(NULL, 0, &n, NULL, "x", SIZE_MAX) == GT_EINVAL);
  CHECK(gt_first_name(&off, &n, "x", SIZE_MAX) == GT_EINVAL);
  int flag = 0;
  CHECK(gt_is_personal(&flag, "x", 1, "x", SIZE_MAX) == GT_EINVAL);
  CHECK(gt_is_appreciative(&flag, "x", SIZE_MAX) == GT_EINVAL);
  CHECK(gt_channel_parse("twitter", SIZE_MAX) == -1);
  CHECK(gt_kind_parse(NULL, 4) == -1);
  CHECK(gt_category_parse("selling", SIZE_MAX) == -1);

  gt_scorer *s = NULL;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  gt_interaction r[2];
  r[0] = row(1, 7, GT_KIND_POST, 0, 0);
  r[1] = row(2, 7, GT_KIND_POST, 0, 0);
  r[1].body.ptr = "hello";
  r[1].body.len = SIZE_MAX;
  CHECK(gt_scorer_add(s, r, 2) == GT_EINVAL);
  CHECK(strstr(gt_scorer_errmsg(s), "row 1 (id 2): body length") != NULL);
  r[1].body = text(NULL);
  r[1].author_name.ptr = "Maria";
  r[1].author_name.len = (size_t)1 << 63;
  CHECK(gt_scorer_add(s, r, 2) == GT_EINVAL);
  CHECK(strstr(gt_scorer_errmsg(s), "author_name length") != NULL);
  CHECK(gt_scorer_add(s, r, SIZE_MAX) == GT_EINVAL);
  CHECK(gt_scorer_add(s, NULL, 1) == GT_EINVAL);
  CHECK(gt_scorer_set_sla(s, GT_CHANNEL_ALL, 1e300) == GT_ERANGE);
  CHECK(gt_scorer_set_half_life(s, NAN) == GT_ERANGE);
  CHECK(gt_scorer_set_as_of(s, INT64_MAX) == GT_ERANGE);
  CHECK(gt_scorer_set_health_weight(s, INT32_MIN, 1) == GT_EINVAL);
  CHECK(gt_scorer_finish(s) == GT_OK); /* nothing was added */
  size_t rows = 99;
  CHECK(gt_scorer_row_count(&rows, s) == GT_OK && rows == 0);
  gt_scorer_free(s);

  int bucket = -1;
  CHECK(gt_ackhist_bucket(&bucket, INFINITY) == GT_OK && bucket == GT_ACKHIST_BUCKETS - 1);
  CHECK(gt_ackhist_bucket(&bucket, -INFINITY) == GT_OK && bucket == 0);
  CHECK(gt_ackhist_bucket(&bucket, NAN) == GT_ERANGE);
}

/* Layout rules of the header: appended fields, caller row sizes. */
static void test_layouts(void) {
  CHECK(offsetof(gt_interaction, thread_id) == GT_INTERACTION_V1_SIZE);
  CHECK(offsetof(gt_account_score, median_ack_business_s) == GT_ACCOUNT_SCORE_V1_SIZE);
}

/* A CRM conversation (thread 40): two customer comments, then agent 9
 * answers; a third comment after the answer opens a new, pending turn. */
static void test_turns(void) {
  gt_interaction rows[4];
  int i;
  for (i = 0; i < 4; i++) {
    rows[i] = row(i + 1, 7, GT_KIND_COMMENT, i != 2, i == 3 ? 200 : i * 30.0 + (i == 2 ? 40 : 0));
    rows[i].channel = GT_CHANNEL_FACEBOOK;
    rows[i].flags |= GT_ROW_HAS_THREAD | GT_ROW_HAS_CONTACT;
    rows[i].thread_id = 40;
    rows[i].contact_id = 3;
  }
  rows[2].flags |= GT_ROW_HAS_AGENT; /* answer at 100 s */
  rows[2].agent_id = 9;
  rows[2].body = text("Thanks for waiting");

  gt_scorer *s = NULL;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_set_ack_unit(s, 7) == GT_EINVAL);
  CHECK(gt_scorer_add(s, rows, 4) == GT_OK); /* the macro passes sizeof */
  CHECK(gt_scorer_set_ack_unit(s, GT_ACK_UNIT_ROW) == GT_ESTATE);
  CHECK(gt_scorer_finish(s) == GT_OK);
  const gt_turn_score *t = NULL;
  size_t n = 0;
  CHECK(gt_scorer_turns(&t, &n, s) == GT_OK && n == 2);
  if (n == 2) {
    CHECK(t[0].turn_id == 1 && t[0].inbound_rows == 2 && t[0].status == GT_TURN_ACKNOWLEDGED);
    CHECK(t[0].first_ack_id == 3 && t[0].agent_id == 9 && t[0].time_to_ack_s == 100.0);
    CHECK(t[0].appreciative == 1 && t[0].personal == 0 && t[0].within_sla == 1);
    CHECK(t[0].thread_id == 40 && (t[0].flags & GT_TURN_HAS_AGENT));
    CHECK(t[1].turn_id == 4 && t[1].status == GT_TURN_PENDING && isnan(t[1].time_to_ack_s));
    CHECK(t[1].due_at == 200000000LL + 4LL * 3600 * 1000000);
    CHECK(strcmp(gt_turn_status_name(t[1].status), "pending") == 0);
  }
  const gt_agent_score *a = NULL;
  CHECK(gt_scorer_agents(&a, &n, s) == GT_OK && n == 1);
  if (n == 1) CHECK(a[0].has_agent == 1 && a[0].agent_id == 9 && a[0].acknowledged == 1 && a[0].median_ack_s == 100.0);
  const gt_account_score *acc = NULL;
  CHECK(gt_scorer_accounts(&acc, &n, s) == GT_OK && n == 2);
  if (n == 2) CHECK(acc[0].pending == 1 && acc[0].median_ack_business_s == 100.0);
  gt_scorer_free(s);

  /* The same rows from a program built against the first header: rows
   * 96 bytes apart through the exported gt_scorer_add, results in the
   * first account layout. Without thread_id every comment is alone. */
  unsigned char packed[4 * GT_INTERACTION_V1_SIZE];
  for (i = 0; i < 4; i++) memcpy(packed + i * GT_INTERACTION_V1_SIZE, &rows[i], GT_INTERACTION_V1_SIZE);
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK((gt_scorer_add)(s, (const gt_interaction *)(const void *)packed, 4) == GT_OK);
  CHECK(gt_scorer_add_rows(s, rows, 1, 90) == GT_EINVAL);
  CHECK(gt_scorer_finish(s) == GT_OK);
  CHECK(gt_scorer_turns(&t, &n, s) == GT_OK && n == 3);
  CHECK((gt_scorer_accounts)(&acc, &n, s) == GT_OK && n == 2);
  if (n == 2) {
    const unsigned char *second = (const unsigned char *)acc + GT_ACCOUNT_SCORE_V1_SIZE;
    int32_t channel;
    memcpy(&channel, second + 8, sizeof channel);
    CHECK(acc[0].needs_ack + acc[0].pending == 3 && channel == GT_CHANNEL_FACEBOOK);
  }
  gt_scorer_free(s);
}

/* A memory limit below what the rows need: GT_ENOMEM with a message, no
 * row added, and the same scorer goes on once the limit is lifted. */
static void test_memory_limit(void) {
  enum { N = 50000 };
  static gt_interaction rows[N];
  gt_scorer *s = NULL;
  size_t planned;
  int i;
  for (i = 0; i < N; i++) rows[i] = row(i + 1, 1, GT_KIND_COMMENT, 1, i);
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_memory(s) == 0);
  CHECK(gt_scorer_set_memory_limit(s, (size_t)-1) == GT_EINVAL);
  CHECK(gt_scorer_add(s, rows, 100) == GT_OK);
  planned = gt_scorer_memory(s);
  CHECK(planned > 100 * 12);
  CHECK(gt_scorer_set_memory_limit(s, planned) == GT_OK);
  CHECK(gt_scorer_add(s, rows + 100, N - 100) == GT_ENOMEM);
  CHECK(strstr(gt_scorer_errmsg(s), "above the memory limit of") != NULL);
  CHECK(gt_scorer_memory(s) == planned); /* nothing of the batch was kept */
  CHECK(gt_scorer_set_memory_limit(s, 0) == GT_OK);
  CHECK(gt_scorer_add(s, rows + 100, N - 100) == GT_OK);
  CHECK(gt_scorer_memory(s) > planned);
  CHECK(gt_scorer_set_memory_limit(s, gt_scorer_memory(s) - 1) == GT_OK);
  CHECK(gt_scorer_finish(s) == GT_ENOMEM);
  CHECK(gt_scorer_set_memory_limit(s, gt_scorer_memory(s)) == GT_OK);
  CHECK(gt_scorer_finish(s) == GT_OK);
  gt_scorer_free(s);
  /* The same rows in 1,000 accounts instead of one: the plan grows by the
   * report of 999 more accounts at least. */
  CHECK(gt_scorer_account_bytes() > 1000 && gt_scorer_account_bytes() < 100000);
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_add(s, rows, 1000) == GT_OK);
  planned = gt_scorer_memory(s);
  gt_scorer_free(s);
  for (i = 0; i < 1000; i++) rows[i].account_id = i + 1;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_add(s, rows, 1000) == GT_OK);
  CHECK(gt_scorer_memory(s) >= planned + 999 * gt_scorer_account_bytes());
  gt_scorer_free(s);
}

/* A zone from the bytes of its TZif file, as a host reads it from
 * /usr/share/zoneinfo; data that is no such file is refused and changes
 * nothing. */
static void test_tzif(void) {
  static char data[65536];
  size_t len = 0;
  FILE *f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
  CHECK(f != NULL);
  if (!f) return;
  len = fread(data, 1, sizeof data, f);
  fclose(f);
  const char *hours = "Mon-Fri 09:00-17:00";
  const int64_t fri_1500 = INT64_C(1795791600000000), mon_0900 = INT64_C(1796029200000000);
  gt_schedule *z = NULL;
  double secs = -1;
  int64_t day = 0;
  CHECK(gt_schedule_new(&z) == GT_OK);
  CHECK(gt_schedule_set_tzif(z, data, len, hours, strlen(hours), NULL, 0) == GT_OK);
  /* Friday 16:00 to Monday 10:00 in Berlin: one hour each side. */
  CHECK(gt_schedule_business_time(&secs, z, fri_1500, mon_0900) == GT_OK && secs == 7200.0);
  /* 2026-07-01 22:30 UTC is July 2 in Berlin (CEST, its POSIX rule). */
  CHECK(gt_schedule_local_day(&day, z, INT64_C(1782945000000000)) == GT_OK && day == 20636);
  /* From 16:30 UTC (17:30 in Berlin, closed): Monday's hour alone. */
  CHECK(gt_schedule_business_time(&secs, z, fri_1500 + INT64_C(5400000000), mon_0900) == GT_OK && secs == 3600.0);
  CHECK(gt_schedule_set_tzif(z, "TZif but not really", 19, NULL, 0, NULL, 0) == GT_EPARSE);
  CHECK(strstr(gt_schedule_errmsg(z), "time zone: not a TZif file") != NULL);
  CHECK(gt_schedule_set_tzif(z, data, 60, NULL, 0, NULL, 0) == GT_EPARSE);
  CHECK(strstr(gt_schedule_errmsg(z), "not a TZif file") != NULL || strstr(gt_schedule_errmsg(z), "truncated") != NULL);
  CHECK(gt_schedule_set_tzif(z, NULL, 5, NULL, 0, NULL, 0) == GT_EINVAL);
  CHECK(gt_schedule_business_time(&secs, z, fri_1500, mon_0900) == GT_OK && secs == 7200.0); /* unchanged */
  CHECK(gt_schedule_set_tzif(z, NULL, 0, hours, strlen(hours), NULL, 0) == GT_OK); /* UTC */
  CHECK(gt_schedule_business_time(&secs, z, fri_1500 + INT64_C(5400000000), mon_0900) == GT_OK && secs == 1800.0);
  CHECK(gt_schedule_local_day(&day, z, INT64_C(1782945000000000)) == GT_OK && day == 20635);
  gt_schedule_free(z);
  CHECK(gt_schedule_set_tzif(NULL, data, len, NULL, 0, NULL, 0) == GT_EINVAL);
}

static void test_hours(void) {
  /* Berlin around 2026-03-29: CET, then CEST from 01:00 UTC (1774746000). */
  const int64_t tr[2] = {0, 1774746000LL};
  const int32_t off[2] = {3600, 7200};
  const char *early = "Sun 01:00-04:00";
  gt_schedule *b = NULL;
  double secs = -1;
  int64_t v = 0;
  CHECK(gt_schedule_new(&b) == GT_OK);
  CHECK(gt_schedule_set(b, tr, off, 2, early, strlen(early), NULL, 0) == GT_OK);
  /* 01:00 CET = 00:00 UTC to 04:00 CEST = 02:00 UTC: 2 h. */
  CHECK(gt_schedule_business_time(&secs, b, 20540LL * 86400000000LL, 20542LL * 86400000000LL) == GT_OK &&
        secs == 7200.0);
  /* Local 02:30 does not exist: the end of the gap, 01:00 UTC. */
  CHECK(gt_schedule_instant(&v, b, 1774751400LL * 1000000LL) == GT_OK && v == 1774746000LL * 1000000LL);
  CHECK(gt_schedule_local_day(&v, b, 1774746000LL * 1000000LL) == GT_OK && v == 20541);
  const char *bad = "Sun 04:00-01:00";
  CHECK(gt_schedule_set(b, tr, off, 2, bad, strlen(bad), NULL, 0) == GT_EPARSE);
  CHECK(strstr(gt_schedule_errmsg(b), "Sun 04:00-01:00") != NULL);
  const int64_t backwards[2] = {10, 5};
  CHECK(gt_schedule_set(b, backwards, off, 2, NULL, 0, NULL, 0) == GT_EINVAL);
  gt_schedule_free(b);

  /* 1970-01-01 was a Thursday: open Thu 00:01-00:02 UTC. A turn at 0 s
   * answered at 100 s has 40 s of business time, within twitter's 1 h on
   * the business clock. */
  gt_interaction rows[2];
  rows[0] = row(1, 7, GT_KIND_COMMENT, 1, 0);
  rows[1] = row(2, 7, GT_KIND_REPLY, 0, 100);
  rows[1].flags |= GT_ROW_HAS_PARENT;
  rows[1].parent_id = 1;
  const char *minute = "Thu 00:01-00:02";
  int32_t holiday = 1; /* Friday 1970-01-02 */
  gt_schedule *u = NULL;
  CHECK(gt_schedule_new(&u) == GT_OK);
  CHECK(gt_schedule_set(u, NULL, NULL, 0, minute, strlen(minute), &holiday, 1) == GT_OK);
  gt_scorer *s = NULL;
  CHECK(gt_scorer_new(&s, NULL) == GT_OK);
  CHECK(gt_scorer_set_schedule(s, 1, 7, GT_CHANNEL_ALL, u) == GT_OK);
  CHECK(gt_scorer_set_schedule(s, 0, 0, 99, u) == GT_EINVAL);
  CHECK(gt_scorer_set_sla_clock(s, GT_CHANNEL_ALL, GT_SLA_CLOCK_BUSINESS) == GT_OK);
  CHECK(gt_scorer_set_sla_clock(s, GT_CHANNEL_ALL, 5) == GT_EINVAL);
  CHECK(gt_scorer_set_period(s, GT_PERIOD_WEEK) == GT_OK);
  gt_schedule_free(u); /* the scorer keeps its own copy */
  CHECK(gt_scorer_add(s, rows, 2) == GT_OK);
  CHECK(gt_scorer_finish(s) == GT_OK);
  const gt_turn_score *t = NULL;
  size_t n = 0;
  CHECK(gt_scorer_turns(&t, &n, s) == GT_OK && n == 1);
  if (n == 1) {
    CHECK(t[0].time_to_ack_s == 100.0 && t[0].business_time_to_ack_s == 40.0 && t[0].within_sla == 1);
    /* 1 h of open time: 1 min a week, Thursdays (1970-01-08 is the next). */
    CHECK(t[0].due_at > 59LL * 7 * 86400000000LL && t[0].due_at < 61LL * 7 * 86400000000LL);
  }
  const gt_period_score *p = NULL;
  CHECK(gt_scorer_periods(&p, &n, s) == GT_OK && n == 1);
  /* ISO week of Thursday 1970-01-01 starts Monday 1969-12-29 (day -3). */
  if (n == 1) CHECK(p[0].account_id == 7 && p[0].period_start == -3 && p[0].acknowledged == 1 &&
                    p[0].median_ack_business_s == 40.0 && p[0].median_ack_s == 100.0);
  gt_scorer_free(s);
}

static int parses(const char *s, int64_t want) {
  int64_t t = 12345;
  return gt_time_parse(&t, s, strlen(s)) == GT_OK && t == want;
}

static int formats(int64_t micros, const char *want) {
  char buf[GT_TIME_TEXT_SIZE];
  size_t len = 0;
  return gt_time_format(buf, sizeof buf, &len, micros) == GT_OK && len == strlen(want) && !strcmp(buf, want);
}

static void test_time_text(void) {
  int64_t t = 7;
  CHECK(parses("2017-10-31 22:10:47", 1509487847000000LL));
  CHECK(parses("2017-10-31T22:10:47.25Z", 1509487847250000LL));
  CHECK(parses("2017-10-31 23:10:47+01:00", 1509487847000000LL));
  CHECK(parses("2017-10-31 22:10:47.1234567", 1509487847123456LL)); /* 7th digit ignored */
  CHECK(parses("2017-10-31", 1509408000000000LL));
  CHECK(parses("1509487847", 1509487847000000LL));
  CHECK(parses("-1.5", -1500000LL));
  CHECK(parses("0001-01-01 00:00:00", GT_TIME_MIN));
  CHECK(gt_time_parse(&t, "not a time", 10) == GT_EINVAL && t == 7);
  CHECK(gt_time_parse(&t, "2017-13-01", 10) == GT_EINVAL);
  CHECK(gt_time_parse(&t, "2026-02-30 10:00:00", 19) == GT_EINVAL); /* no such day */
  CHECK(parses("2024-02-29", 1709164800000000LL));                    /* a leap day */
  CHECK(gt_time_parse(&t, "2023-02-29", 10) == GT_EINVAL);
  CHECK(gt_time_parse(&t, "", 0) == GT_EINVAL);
  CHECK(gt_time_parse(&t, NULL, 3) == GT_EINVAL);
  CHECK(gt_time_parse(NULL, "1", 1) == GT_EINVAL);
  /* seconds whose microseconds overflow int64 are malformed, not a trap */
  CHECK(gt_time_parse(&t, "99999999999999", 14) == GT_EINVAL);
  CHECK(gt_time_parse(&t, "-9999999999999999999", 20) == GT_EINVAL);
  CHECK(gt_time_parse(&t, "300000000000", 12) == GT_ERANGE); /* year 11,000 */
  CHECK(formats(1509487847000000LL, "2017-10-31 22:10:47"));
  CHECK(formats(1509487847000250LL, "2017-10-31 22:10:47.000250"));
  CHECK(formats(-1, "1969-12-31 23:59:59.999999"));
  CHECK(formats(GT_TIME_MAX, "9999-12-31 23:59:59.999999"));
  char buf[GT_TIME_TEXT_SIZE];
  size_t len = 0;
  CHECK(gt_time_format(buf, sizeof buf, &len, INT64_MAX) == GT_OK && len == strlen(buf) && len < sizeof buf);
  CHECK(gt_time_format(buf, sizeof buf, &len, INT64_MIN) == GT_OK && buf[0] == '-' && len < sizeof buf);
  CHECK(gt_time_format(buf, GT_TIME_TEXT_SIZE - 1, &len, 0) == GT_EINVAL);
  CHECK(gt_time_format(NULL, GT_TIME_TEXT_SIZE, &len, 0) == GT_EINVAL);
  CHECK(gt_time_format(buf, sizeof buf, NULL, 0) == GT_OK && !strcmp(buf, "1970-01-01 00:00:00"));
  /* every formatted instant parses back to itself */
  int round_trips = 1;
  for (int64_t m = GT_TIME_MIN; m < GT_TIME_MAX - 7777777777777LL; m += 7777777777777LL + 13) {
    int64_t back = 0;
    if (gt_time_format(buf, sizeof buf, &len, m) != GT_OK || gt_time_parse(&back, buf, len) != GT_OK || back != m)
      round_trips = 0;
  }
  CHECK(round_trips);
}

int main(void) {
  CHECK(gt_version_number() == GT_VERSION_NUMBER);
  test_classify();
  test_lexicon();
  test_scorer();
  test_reset();
  test_parts();
  test_hostile_inputs();
  test_layouts();
  test_turns();
  test_memory_limit();
  test_hours();
  test_tzif();
  test_time_text();
  printf("c abi: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
