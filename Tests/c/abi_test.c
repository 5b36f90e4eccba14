/* A C user of libgivetake: classify, explain and score a small batch the
 * way an application would, checking every answer. Built by `make test-c`
 * against both libgivetake.so and libgivetake.a. */
#include <givetake.h>
#include <math.h>
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
  CHECK(n > 0 && cues[0].offset == 0 && cues[0].length == 10); /* "Here's how" */
  CHECK(n > 0 && strcmp(gt_category_name(cues[0].category), "helping") == 0);
  CHECK(n > 1 && strcmp(gt_category_name(cues[n - 1].category), "teaching") == 0); /* "guide" */

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
  CHECK(gt_classify(&c, lex, "Flash sale!", 11) == GT_OK && c.take_score == 3.0);
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
  CHECK(strstr(gt_scorer_errmsg(s), "row 0 (id 9)") != NULL);
  gt_scorer_free(s);
  gt_scorer_free(NULL);
}

int main(void) {
  CHECK(gt_version_number() == GT_VERSION_NUMBER);
  test_classify();
  test_lexicon();
  test_scorer();
  printf("c abi: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
