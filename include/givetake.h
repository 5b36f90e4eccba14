/*
 * givetake.h -- the GiveTake C interface.
 *
 * GiveTake measures whether a business *gives* (teaches, helps, credits,
 * converses) or *takes* (sells, talks about itself) on social media, and
 * whether it acknowledges its customers: quickly, personally, every time.
 * The exact meaning of every number is in docs/metrics.md.
 *
 * This header is the documentation of the C ABI. Conventions:
 *
 *   - Every object is an opaque handle: gt_lexicon, gt_scorer.
 *     Functions are named gt_<object>_<verb>.
 *   - Functions that can fail return an int status: GT_OK (0) or one of the
 *     negative GT_E* codes below. Out-parameters come first.
 *   - Functions on a handle keep a human-readable message for their last
 *     failure on that handle: gt_lexicon_errmsg(), gt_scorer_errmsg().
 *     Stateless functions report through their status code only
 *     (gt_strerror() names it).
 *   - gt_*_free(NULL) is harmless.
 *   - Text is UTF-8 passed as (pointer, length); it need not be
 *     NUL-terminated. A NULL pointer means SQL NULL where a field is
 *     nullable; a NULL pointer with length 0 is an empty/absent text
 *     elsewhere. Invalid UTF-8 is rejected with GT_EUTF8, never guessed at.
 *     A NULL pointer with a non-zero length, and any length or count above
 *     SIZE_MAX / 2 (no object is that large), is GT_EINVAL.
 *   - Timestamps are int64 microseconds since 1970-01-01 00:00:00 UTC and
 *     must lie in years 0001..9999 (GT_TIME_MIN..GT_TIME_MAX).
 *   - A "null" floating-point result (a rate whose denominator is 0, ...)
 *     is a quiet NaN: test it with isnan().
 *   - No input aborts the process: bad arguments, invalid UTF-8, absurd
 *     timestamps, NaN values and oversized texts come back as status codes.
 *     The one failure that cannot be reported is the system running out of
 *     memory (the Swift runtime then terminates the process), so bound your
 *     batch sizes (the scorer keeps roughly 250 bytes per row).
 *
 * Threads: stateless functions (gt_classify, gt_explain, gt_first_name, ...)
 * are safe to call from any number of threads at once. A gt_lexicon may be
 * read by many threads at once (classify, explain, scorer creation) as long
 * as no thread is modifying it (gt_lexicon_add/add_many/load/set_interrupt).
 * A gt_scorer is used by one thread at a time.
 */
#ifndef GIVETAKE_H
#define GIVETAKE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version --------------------------------------------------------- */

#define GT_VERSION_MAJOR 0
#define GT_VERSION_MINOR 1
#define GT_VERSION_PATCH 0
/* major * 1000000 + minor * 1000 + patch */
#define GT_VERSION_NUMBER 1000
#define GT_VERSION_STRING "0.1.0"

/* The version of the library actually linked; compare with
 * GT_VERSION_NUMBER to detect a header/library mismatch. */
int gt_version_number(void);
/* Static string, never freed. */
const char *gt_version_string(void);

/* ---- Status codes (stable; new codes may be added, never renumbered) -- */

#define GT_OK 0
#define GT_EINVAL (-1)  /* a NULL pointer or an argument out of its domain */
#define GT_ENOMEM (-2)  /* an allocation failed or a size limit was hit    */
#define GT_EPARSE (-3)  /* lexicon text could not be parsed                */
#define GT_EUTF8 (-4)   /* a text is not valid UTF-8                       */
#define GT_ERANGE (-5)  /* a value is out of range (timestamp, NaN, ...)   */
#define GT_ESTATE (-6)  /* the call is not valid in the object's state     */
#define GT_ECANCELED (-7) /* stopped by the interrupt callback             */

/* Static string naming a status code ("GT_EUTF8: invalid UTF-8"). */
const char *gt_strerror(int status);

/* ---- Enumerations ----------------------------------------------------- */

/* Channels. Any other value in a gt_interaction is an unknown channel:
 * the row is counted as an anomaly and otherwise ignored. */
#define GT_CHANNEL_ALL (-1) /* in results: all channels together */
#define GT_CHANNEL_TWITTER 0
#define GT_CHANNEL_FACEBOOK 1
#define GT_CHANNEL_INSTAGRAM 2
#define GT_CHANNEL_LINKEDIN 3
#define GT_CHANNEL_OTHER 4
#define GT_CHANNEL_COUNT 5

/* Kinds. Any other value is an unknown kind (anomaly, row ignored). */
#define GT_KIND_POST 0
#define GT_KIND_SHARE 1
#define GT_KIND_COMMENT 2
#define GT_KIND_REPLY 3
#define GT_KIND_MENTION 4
#define GT_KIND_MESSAGE 5
#define GT_KIND_LIKE 6
#define GT_KIND_LEAD 7
#define GT_KIND_PURCHASE 8
#define GT_KIND_COUNT 9

/* Parse a channel or kind name as spelled in the spec ("twitter",
 * "message", ...), ASCII case-insensitively. Return the code, or -1 when
 * the name is unknown (callers pass -1 on; the scorer counts it). */
int gt_channel_parse(const char *name, size_t len);
int gt_kind_parse(const char *name, size_t len);
/* Static lower-case names; NULL for an unknown code. */
const char *gt_channel_name(int channel);
const char *gt_kind_name(int kind);

/* Classification labels. */
#define GT_LABEL_NEUTRAL 0
#define GT_LABEL_GIVE 1
#define GT_LABEL_TAKE 2

/* Cue categories of the lexicon. Give categories add to the give score,
 * take categories to the take score; a negation cue suppresses any cue
 * that starts within the three words after it. */
#define GT_CAT_TEACHING 0
#define GT_CAT_HELPING 1
#define GT_CAT_CREDITING 2
#define GT_CAT_INVITING 3
#define GT_CAT_RESPONSIBILITY 4
#define GT_CAT_GIVE 5            /* generic give cue */
#define GT_CAT_SELLING 6
#define GT_CAT_SELF_PROMOTION 7
#define GT_CAT_TAKE 8            /* generic take cue */
#define GT_CAT_NEGATION 9
#define GT_CAT_COUNT 10

/* Static lower-case category name ("self_promotion"); NULL if unknown. */
const char *gt_category_name(int category);
/* Category code for a name, or -1. */
int gt_category_parse(const char *name, size_t len);
/* +1 for give categories, -1 for take categories, 0 for negation. */
int gt_category_polarity(int category);

/* ---- Cancellation ----------------------------------------------------- */

/* An interrupt callback: long-running calls ask fn(context) now and then
 * and, when it returns nonzero, stop with GT_ECANCELED. It must return
 * promptly and must not call into the object it was set on; it only reports
 * a flag (a PostgreSQL backend reports a pending cancel or terminate and
 * raises it afterwards, outside the library). See gt_lexicon_set_interrupt
 * and gt_scorer_set_interrupt. */
typedef int (*gt_interrupt_fn)(void *context);

/* ---- Lexicon ---------------------------------------------------------- */

/* A compiled set of cues (phrases with a category and a weight), matched
 * case-insensitively (ASCII) on whole words with a byte automaton.
 *
 * Pseudo-phrases stand for patterns rather than text:
 *   "<percent_off>"  a number followed by "% off" ("20% off", "15%off")
 *   "<money>"        a currency amount ("$19.99", "€5", "£10", "¥300")
 * and structural cues, each counted at most once per text, never negated
 * and outside overlap selection (docs/classifier.md):
 *   "<reply>" (opens with @handle), "<mention>" (@handle later),
 *   "<question_to_you>" ('?' after a you-word), "<question>", "<step>"
 *   ("1. ", "2) "), "<link>", "<percent>" ("94%", not "% off"),
 *   "<exclamation>", "<hashtag>".
 * "<start> phrase" is a phrase that counts only where a sentence opens (the
 * text's start, after a line break, after '.', '!', '?' or an emoji and
 * white space, after a reply's leading @handles): every such sentence
 * counts, outside overlap selection and never negated.
 */
typedef struct gt_lexicon gt_lexicon;

#define GT_LEXICON_DEFAULT 0 /* start from the built-in English lexicon */
#define GT_LEXICON_EMPTY 1   /* start with no cues (to replace it)      */

/* Create a lexicon. *out receives a new handle owned by the caller (free it
 * with gt_lexicon_free) or NULL on failure. */
int gt_lexicon_new(gt_lexicon **out, int flags);

/* Limits. A phrase is 1..256 bytes after its white space is collapsed
 * (runs of space, TAB, CR, LF become one space; leading and trailing ones
 * go); a weight is a finite number from 0 to 1000. The compiled automaton
 * (about 4 bytes per trie state and byte class) may not exceed 512 MiB:
 * 100,000 cues of a few words take well under that; past it the call fails
 * with GT_ENOMEM and a message giving the sizes. A lexicon holds at most
 * 1,000,000 cues (GT_ENOMEM beyond, checked before the compilation).
 *
 * Every call that changes a lexicon (load, add, add_many) compiles it once,
 * whatever the number of cues, so load many cues in one call. The
 * compilation (and gt_lexicon_load's parsing) asks the interrupt callback
 * (gt_lexicon_set_interrupt) every few milliseconds. On any failure,
 * GT_ECANCELED included, nothing is changed. None of them is thread-safe
 * with concurrent readers of the same lexicon. */

/* Add or replace cues from text in the lexicon file format: one cue per
 * line, "phrase<TAB>category<TAB>weight". Blank lines and lines that start
 * with '#' and contain no TAB are comments. A phrase already present gets
 * the new category and weight; weight 0 disables it. On failure nothing is
 * changed and gt_lexicon_errmsg() names the line ("line 3: ..."). */
int gt_lexicon_load(gt_lexicon *lex, const char *text, size_t len);

/* Add or replace one cue. category is a GT_CAT_* code; weight >= 0. */
int gt_lexicon_add(gt_lexicon *lex, const char *phrase, size_t len,
                   int category, double weight);

/* One cue for gt_lexicon_add_many; the phrase is read during the call only. */
typedef struct gt_cue_def {
  const char *phrase; /* UTF-8, need not be NUL-terminated */
  size_t len;
  int32_t category;   /* GT_CAT_* */
  int32_t reserved;   /* set to 0 */
  double weight;
} gt_cue_def;

/* Add or replace n cues with one compilation (later cues win over earlier
 * ones with the same phrase). All or nothing: on failure gt_lexicon_errmsg()
 * names the first bad cue by index ("cue 17: weight must be ..."). */
int gt_lexicon_add_many(gt_lexicon *lex, const gt_cue_def *cues, size_t n);

/* Check one cue as gt_lexicon_add_many would take it, without changing the
 * lexicon: GT_OK, or the status with gt_lexicon_errmsg() giving the reason
 * ("phrase longer than 256 bytes"). */
int gt_lexicon_check(gt_lexicon *lex, const gt_cue_def *cue);

/* Cancellation for this lexicon: fn(context) is asked during its
 * compilation (load, add, add_many) and, with texts longer than 256 KiB,
 * every 256 KiB of gt_classify, gt_classify_batch and gt_explain using it
 * (gt_classify_batch also every 256 KiB of shorter texts). A nonzero answer
 * stops the call with GT_ECANCELED. Short texts never call it. fn NULL
 * removes it. Set it before the lexicon is shared between threads; the
 * callback is then called from every thread reading the lexicon. */
int gt_lexicon_set_interrupt(gt_lexicon *lex, gt_interrupt_fn fn,
                             void *context);

/* Number of cues, and the i-th cue (0 <= i < count) in load order. The
 * phrase pointer is owned by the lexicon and valid until it is modified or
 * freed; it is not NUL-terminated. */
size_t gt_lexicon_count(const gt_lexicon *lex);
int gt_lexicon_entry(const char **phrase, size_t *phrase_len, int *category,
                     double *weight, const gt_lexicon *lex, size_t index);

/* Message for the last failure on this handle ("" if none). Owned by the
 * lexicon; valid until the next call that modifies it, or free. */
const char *gt_lexicon_errmsg(const gt_lexicon *lex);

void gt_lexicon_free(gt_lexicon *lex);

/* ---- Classification (stateless, thread-safe) -------------------------- */

typedef struct gt_text {
  const char *ptr; /* UTF-8; NULL = SQL NULL (treated as empty) */
  size_t len;
} gt_text;

typedef struct gt_classification {
  double give_score; /* sum of weights of give cues that fired */
  double take_score; /* sum of weights of take cues that fired */
  int64_t scalars;   /* length in Unicode scalars (for channel fit) */
  int32_t label;     /* GT_LABEL_*: give if give - take >= 1, take if
                        take - give >= 1, else neutral */
  int32_t cues;      /* number of give/take cues that fired */
  int32_t we_words;  /* we we're we've we'll our ours us (' or U+2019) */
  int32_t you_words; /* you you're you've you'll your yours */
  int32_t appreciative; /* 1 if gt_is_appreciative would say so */
  int32_t reserved;
} gt_classification;

/* Classify one text. lex NULL means the built-in default lexicon. No
 * word or number cue is found inside an @handle, an e-mail address or a
 * link, nor in a closing signature such as "^RR" or "-AD" (the exact rule:
 * docs/metrics.md section 2). GT_ECANCELED (all-zero result) when the
 * lexicon's interrupt callback stopped a long text. */
int gt_classify(gt_classification *out, const gt_lexicon *lex,
                const char *text, size_t len);

/* Classify n texts in one call (the fast path across the C boundary).
 * out[i] is filled for every i; a text that is not valid UTF-8 gets an
 * all-zero result with label GT_LABEL_NEUTRAL, and the call then returns
 * GT_EUTF8 after classifying the others, with *first_bad (if not NULL) set
 * to the first such index. *first_bad is set to n when all are valid.
 * When the lexicon's interrupt callback stops it, the call returns
 * GT_ECANCELED with *first_bad at the text it stopped at; that text and
 * the later ones get all-zero results. */
int gt_classify_batch(gt_classification *out, size_t *first_bad,
                      const gt_lexicon *lex, const gt_text *texts, size_t n);

typedef struct gt_cue {
  size_t offset;    /* byte offset of the matched span in the text */
  size_t length;    /* byte length of the span */
  int32_t category; /* GT_CAT_* */
  int32_t entry;    /* index of the lexicon entry (gt_lexicon_entry) */
  double weight;
} gt_cue;

/* List every give/take cue that fired, in text order. Up to cap cues are
 * written to cues (which may be NULL when cap is 0); *count receives the
 * total number, which may exceed cap: call again with a larger buffer.
 * GT_ECANCELED (*count 0) when the lexicon's interrupt callback stopped a
 * long text. */
int gt_explain(gt_cue *cues, size_t cap, size_t *count, const gt_lexicon *lex,
               const char *text, size_t len);

/* ---- Acknowledgement helpers (stateless, thread-safe) ----------------- */

/* The first name in a display name: the first run of letters (ASCII
 * letters and any non-ASCII character) that is at least 2 characters
 * long. On GT_OK, *offset and *length give its byte span in name; *length is 0
 * when there is none. */
int gt_first_name(size_t *offset, size_t *length, const char *name,
                  size_t len);

/* *out = 1 when reply contains the first name of author_name as a word
 * (ASCII case-insensitive), else 0. */
int gt_is_personal(int *out, const char *reply, size_t reply_len,
                   const char *author_name, size_t author_len);

/* *out = 1 when text has a word starting with "thank", "appreciat" or
 * "grateful", the word "thx", or "good catch", "great question",
 * "great point"; else 0. */
int gt_is_appreciative(int *out, const char *text, size_t len);

/* ---- Mergeable acknowledgement-time histogram ------------------------- */

/* A fixed bucket layout for time-to-acknowledge values, so that partial
 * aggregates (one per worker, shard or group) merge by adding counts.
 * Values below 64 s get 1-second buckets; above, each power of two is
 * split into 64 buckets (relative width < 1.6 %). A percentile read from
 * it is within 1 s or 1 % of the exact percentile_disc. State is a plain
 * array of GT_ACKHIST_BUCKETS int64 counts owned by the caller; a shorter
 * array (trailing buckets all zero) may be passed as nbuckets. */
#define GT_ACKHIST_BUCKETS 1792

/* Bucket index for a time in seconds (negative values count as 0;
 * values past the last bucket land in it). *out receives the index. */
int gt_ackhist_bucket(int *out, double seconds);

/* percentile_disc over the histogram: the representative value of the
 * smallest bucket whose cumulative share is >= p (0 < p <= 1). *out is
 * NaN when the histogram is empty. Negative counts are GT_ERANGE; sums of
 * counts saturate at INT64_MAX (so any counts are safe to pass). */
int gt_ackhist_percentile(double *out, const int64_t *counts,
                          size_t nbuckets, double p);

/* ---- Timestamps as text (stateless, thread-safe) ---------------------- */

/* Parse created_at text into microseconds since the Unix epoch, UTC:
 * 'YYYY-MM-DD', optionally followed by ' ' or 'T' and 'HH:MM[:SS[.ffffff]]'
 * (digits past the sixth of the fraction are ignored), then optionally 'Z'
 * or an offset '+HH[:MM]' / '-HH[:MM]'; or Unix seconds ('1700000000',
 * '-5', '1700000000.25'). GT_EINVAL when the text is none of these,
 * GT_ERANGE outside GT_TIME_MIN..GT_TIME_MAX; *out is set only on GT_OK. */
int gt_time_parse(int64_t *out, const char *text, size_t len);

/* Write micros as 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC (the fraction only
 * when non-zero; the form the score tables store) and a NUL to out, which
 * holds cap >= GT_TIME_TEXT_SIZE bytes (else GT_EINVAL). *len (may be
 * NULL) receives the length without the NUL. Any int64 is accepted (years
 * past 9999 take more digits, years before 1 a '-'). */
#define GT_TIME_TEXT_SIZE 32
int gt_time_format(char *out, size_t cap, size_t *len, int64_t micros);

/* ---- Scorer ------------------------------------------------------------ */

/* Row flags. */
#define GT_ROW_INBOUND 0x01     /* from the contact to the brand */
#define GT_ROW_AUTOMATED 0x02   /* bot / auto-responder / away message */
#define GT_ROW_HAS_MEDIA 0x04   /* carries an image or video */
#define GT_ROW_HAS_CONTACT 0x08 /* contact_id is set (else NULL) */
#define GT_ROW_HAS_PARENT 0x10  /* parent_id is set (else NULL) */
#define GT_ROW_HAS_THREAD 0x20  /* thread_id is set (else NULL) */
#define GT_ROW_HAS_AGENT 0x40   /* agent_id is set (else NULL) */

#define GT_TIME_MIN (-62135596800000000LL) /* 0001-01-01T00:00:00Z */
#define GT_TIME_MAX (253402300799999999LL) /* 9999-12-31T23:59:59.999999Z */

/* One interaction (spec section 1). The texts are read during the
 * gt_scorer_add call only; the scorer copies what it needs.
 *
 * Layout evolution: fields are only ever appended, and every appended
 * field is read only when a flag bit says it is set, so zero-filled new
 * fields mean "absent". The library learns the caller's layout from a row
 * size (see gt_scorer_add_rows): fields that lie beyond the caller's
 * sizeof(gt_interaction) are treated as NULL. GT_INTERACTION_V1_SIZE is
 * the size of the first layout (everything up to and including
 * `reserved`); thread_id and agent_id came after it. */
typedef struct gt_interaction {
  int64_t id;
  int64_t account_id;
  int64_t contact_id;  /* read only with GT_ROW_HAS_CONTACT */
  int64_t parent_id;   /* read only with GT_ROW_HAS_PARENT */
  int64_t created_at;  /* microseconds since the Unix epoch, UTC */
  double value;        /* money value of a purchase, else 0 */
  gt_text author_name; /* ptr NULL = NULL */
  gt_text body;        /* ptr NULL = NULL */
  int32_t channel;     /* GT_CHANNEL_* (other values: unknown) */
  int32_t kind;        /* GT_KIND_* (other values: unknown) */
  uint32_t flags;      /* GT_ROW_* */
  uint32_t reserved;   /* set to 0 */
  /* ---- appended after GT_INTERACTION_V1_SIZE ---- */
  int64_t thread_id;   /* read only with GT_ROW_HAS_THREAD: the
                          conversation (scoped to the account) */
  int64_t agent_id;    /* read only with GT_ROW_HAS_AGENT: for an outbound
                          row, the person or bot of the brand who sent it */
} gt_interaction;

#define GT_INTERACTION_V1_SIZE 96 /* offsetof(gt_interaction, thread_id) */

/* One result row per account (channel = GT_CHANNEL_ALL) and per account x
 * channel. Doubles are NaN where the spec says null. */
typedef struct gt_account_score {
  int64_t account_id;
  int32_t channel;
  int32_t reserved;
  int64_t needs_ack, pending, acknowledged;
  double ack_rate, personal_rate, appreciative_rate, sla_rate;
  double median_ack_s, p90_ack_s;
  int64_t give_posts, take_posts, neutral_posts;
  double give_ratio, me_index, reply_share, channel_fit;
  int64_t contacts;
  double mean_trust;
  double conv_rate_ack, conv_rate_ignored, conversion_lift;
  double value_per_ack_contact;
  int64_t give_attributed_leads;
  double health;
  int64_t anomalies;
  /* ---- appended after GT_ACCOUNT_SCORE_V1_SIZE ---- */
  double median_ack_business_s, p90_ack_business_s; /* over business time
                          to acknowledge (gt_scorer_set_schedule); equal to
                          the calendar values for accounts without one */
} gt_account_score;

#define GT_ACCOUNT_SCORE_V1_SIZE 216 /* offsetof(..., median_ack_business_s) */

/* One result row per account x contact. */
typedef struct gt_contact_score {
  int64_t account_id;
  int64_t contact_id;
  double balance;
  int32_t trust_score; /* 0..100 */
  int32_t reserved;
  int64_t acknowledged;
  int64_t unacknowledged;
  int64_t last_interaction_at; /* microseconds since the Unix epoch */
} gt_contact_score;

/* Turn status (spec section 3). */
#define GT_TURN_ACKNOWLEDGED 0
#define GT_TURN_UNACKNOWLEDGED 1
#define GT_TURN_PENDING 2 /* not acknowledged, SLA clock still running */

/* gt_turn_score.flags: which nullable ids are set. */
#define GT_TURN_HAS_THREAD 0x01  /* thread_id (null for a derived DM
                                    thread or a single-row thread) */
#define GT_TURN_HAS_CONTACT 0x02 /* contact_id */
#define GT_TURN_HAS_AGENT 0x04   /* agent_id of the first acknowledgement */

/* One row per turn (spec sections 3 and 7): a customer's needs-ack rows
 * in one thread up to the brand's next answer in that thread. The account
 * rows are exactly the aggregation of these rows. Fields marked "ack
 * only" are meaningful only when status is GT_TURN_ACKNOWLEDGED: the ids
 * are then 0 and the doubles NaN, the int32 booleans -1 otherwise. */
typedef struct gt_turn_score {
  int64_t account_id;
  int64_t turn_id;       /* id of its first row */
  int64_t thread_id;     /* with GT_TURN_HAS_THREAD */
  int64_t contact_id;    /* with GT_TURN_HAS_CONTACT (of the first row) */
  int64_t started_at;    /* microseconds: created_at of its first row */
  int64_t due_at;        /* microseconds: when its SLA clock (calendar or
                            business) reaches the channel's target (every
                            status) */
  int64_t inbound_rows;  /* needs-ack rows in the turn */
  int64_t first_ack_id;  /* ack only */
  int64_t agent_id;      /* ack only, with GT_TURN_HAS_AGENT */
  double time_to_ack_s;  /* ack only: max(0, first ack - start) */
  double business_time_to_ack_s; /* ack only: business time (spec 3b);
                                    = time_to_ack_s without a schedule */
  int32_t channel;       /* GT_CHANNEL_* */
  int32_t status;        /* GT_TURN_* */
  int32_t personal;      /* ack only: 1 or 0 (else -1) */
  int32_t appreciative;  /* ack only: 1 or 0 (else -1) */
  int32_t within_sla;    /* ack only: 1 or 0 (else -1) */
  uint32_t flags;        /* GT_TURN_HAS_* */
} gt_turn_score;

/* Static lower-case status name ("pending"); NULL for an unknown code. */
const char *gt_turn_status_name(int status);

/* One row per account x agent_id that sent a first acknowledgement or an
 * outbound non-automated row (spec section 7). has_agent 0 is the row of
 * the rows without an agent_id (agent_id null). Doubles are NaN where
 * the spec says null. */
typedef struct gt_agent_score {
  int64_t account_id;
  int64_t agent_id;      /* meaningful when has_agent is 1 */
  int32_t has_agent;
  int32_t reserved;
  int64_t acknowledged;  /* turns whose first acknowledgement it sent */
  double median_ack_s, p90_ack_s;
  double median_ack_business_s, p90_ack_business_s;
  double personal_rate, appreciative_rate;
  double sla_rate;       /* within SLA / acknowledged */
  int64_t give_posts, take_posts;
  double give_ratio, me_index;
} gt_agent_score;

typedef struct gt_scorer gt_scorer;

/* Health components, for gt_scorer_set_health_weight. */
#define GT_HEALTH_ACK_RATE 0
#define GT_HEALTH_PERSONAL_RATE 1
#define GT_HEALTH_SLA_RATE 2
#define GT_HEALTH_GIVE_RATIO 3
#define GT_HEALTH_ME_INDEX 4
#define GT_HEALTH_COUNT 5

#define GT_AS_OF_LATEST INT64_MIN /* as_of = latest created_at (default) */

/* Create a scorer with the default configuration. lex NULL means the
 * built-in lexicon; otherwise the scorer keeps its own reference, so the
 * caller may free lex at once (but must not modify it while the scorer
 * lives). *out is owned by the caller: gt_scorer_free. */
int gt_scorer_new(gt_scorer **out, const gt_lexicon *lex);

/* Configuration; valid before the first gt_scorer_add (and again after
 * gt_scorer_reset), else GT_ESTATE. */
int gt_scorer_set_as_of(gt_scorer *s, int64_t as_of);      /* or GT_AS_OF_LATEST */
int gt_scorer_set_sla(gt_scorer *s, int channel, double seconds); /* GT_CHANNEL_ALL sets all; > 0 */
int gt_scorer_set_half_life(gt_scorer *s, double seconds); /* > 0, default 90 days */
int gt_scorer_set_health_weight(gt_scorer *s, int component, double weight); /* >= 0 */
int gt_scorer_set_give_target(gt_scorer *s, double target); /* 0 < t <= 1, default 0.8 */

/* What one acknowledgement unit is (spec section 3): GT_ACK_UNIT_TURN
 * (default) groups a customer's consecutive needs-ack rows in a thread
 * into one turn; GT_ACK_UNIT_ROW makes every needs-ack row a turn of its
 * own (the v1 numbers). */
#define GT_ACK_UNIT_TURN 0
#define GT_ACK_UNIT_ROW 1
int gt_scorer_set_ack_unit(gt_scorer *s, int unit);

/* Most bytes the scorer may plan to hold (0, the default: no limit). Before
 * it grows, gt_scorer_add checks the state it would hold with the batch
 * (rows, tables, stored names and bodies, the batch's text) and
 * gt_scorer_finish the state plus its work arrays; over the limit they
 * return GT_ENOMEM, add nothing, and gt_scorer_errmsg() says how much was
 * needed ("storing N rows needs about X MB, above the memory limit of Y
 * MB"). The scorer stays usable: raise the limit and call again. May be
 * set at any time; a bytes above SIZE_MAX / 2 is GT_EINVAL. Result arrays
 * (per account, contact, agent and turn) are not counted. */
int gt_scorer_set_memory_limit(gt_scorer *s, size_t bytes);

/* Bounded memory for any number of rows: a scorer keeps every row added
 * to it, so a host with more rows than memory scores groups of accounts,
 * one scorer at a time. Accounts are independent except for cross-account
 * references: a row whose parent_id is a row of another account, and an
 * id that occurs in two accounts. Put accounts linked that way in the same
 * group (union-find over the links), pack the linked sets into groups that
 * fit, then score the groups one after another with one scorer: configure
 * it and set gt_scorer_set_as_of(s, as_of) with one as_of for every group
 * (the default is the latest created_at of a kept row of the whole source;
 * a host that wants it finds it first, e.g. by scoring the group holding
 * the latest row first and reading gt_scorer_as_of); per group
 * gt_scorer_add the group's rows, gt_scorer_finish, consume the results,
 * gt_scorer_reset; gt_scorer_free at the end. The rows are those of one
 * pass over everything. bench/c/gtbench.c (stream) does this for
 * generated rows. The reset keeps the scorer's memory for the next group:
 * a new scorer per group instead takes a page fault per 4 kB it touches
 * once glibc has given the last one's memory back to the kernel (groups
 * of 50,000 rows: about a third fewer rows per second). Smaller groups
 * are also faster: a scorer's state is
 * about 200 bytes a row, and one of a few tens of thousands of rows works
 * in the CPU caches (measured on 2 cores with 4 MB of L2 each: groups of
 * 50,000 rows scored 1.5x faster than groups of 1,000,000), so pack
 * linked sets into groups of about 50,000 rows even when more would fit. */

/* The bytes gt_scorer_finish would plan to hold for the rows added so far
 * (the figure gt_scorer_set_memory_limit is checked against; after
 * gt_scorer_reset it includes the tables the scorer keeps); 0 before the
 * first row or for NULL. */
size_t gt_scorer_memory(const gt_scorer *s);

/* The bytes gt_scorer_finish plans per account for its report (the
 * account's counters and result rows per channel, about 4 KB), part of
 * gt_scorer_memory. A host that packs accounts into groups by row count
 * adds this to each account's rows, so that a group of many small
 * accounts is planned to fit its limit. */
size_t gt_scorer_account_bytes(void);

/* Add n rows, in any order and any number of calls. The batch is checked
 * first: on failure no row of it is added and gt_scorer_errmsg() names the
 * row and the field: "row N (id X): ...", N counting from 0 over all rows
 * of the successful gt_scorer_add calls before it plus the index in this
 * batch (the row's position in a source streamed in batches). A gt_text
 * with a NULL pointer and a non-zero length, or a length above the largest
 * object size (SIZE_MAX / 2), is GT_EINVAL.
 *
 * row_size is the caller's sizeof(gt_interaction): the distance in bytes
 * between consecutive rows. It must be at least GT_INTERACTION_V1_SIZE
 * and a multiple of 8 (else GT_EINVAL). Fields beyond row_size are NULL;
 * bytes beyond the layout this library knows are ignored (a caller built
 * against a newer header can compare gt_version_number() first). */
int gt_scorer_add_rows(gt_scorer *s, const gt_interaction *rows, size_t n,
                       size_t row_size);

/* gt_scorer_add(s, rows, n): the same with this header's row size. The
 * exported function of that name reads rows of GT_INTERACTION_V1_SIZE
 * bytes, for programs built against the first header; the macro makes
 * every program compiled against this header pass its own size. From
 * other languages (ctypes, FFI) call gt_scorer_add_rows. */
int gt_scorer_add(gt_scorer *s, const gt_interaction *rows, size_t n);
#define gt_scorer_add(s, rows, n) \
  gt_scorer_add_rows((s), (rows), (n), sizeof(gt_interaction))

/* Compute the results over every row added so far. More rows may be added
 * afterwards and gt_scorer_finish called again. */
int gt_scorer_finish(gt_scorer *s);

/* Scoring in parts. One account (with the accounts linked to it) larger
 * than memory is scored in parts: each part one scorer's rows, the scorer
 * reset between parts, with every part given
 *  - whole contacts (every row with a given contact_id, in any account of
 *    the set), whole threads (every row with a given account and
 *    thread_id) and whole ids (every row sharing an id);
 *  - each row with its parent, except a parent that is one outbound row
 *    without contact and thread (a post many contacts answer): that row is
 *    given instead, by gt_scorer_add_references, to every other part holding
 *    a row that answers it. A reference counts in nothing; its answers have
 *    a parent (no orphan anomaly, no derived DM thread) and an answer to a
 *    give post can attribute a lead;
 *  - the same as_of (gt_scorer_set_as_of: the latest created_at of a kept
 *    row over all parts, when the default is wanted).
 * gt_scorer_finish_part finishes a part: its contact and turn rows are
 * final and readable as after gt_scorer_finish (its account, agent and
 * period arrays are empty); its counts are kept by the scorer, across
 * gt_scorer_reset, until gt_scorer_finish_parts makes the account, agent
 * and period rows of all the parts finished since the last call (its
 * contact and turn arrays are empty; GT_ESTATE when no part was finished).
 * Counts are those of one pass; the medians and p90s come from a mergeable
 * histogram (within 1 % or 1 s of the exact values). The references are
 * added before or after the part's rows (row_size as for
 * gt_scorer_add_rows); an id also added as a row is that row. */
int gt_scorer_add_references(gt_scorer *s, const gt_interaction *rows,
                             size_t n, size_t row_size);
int gt_scorer_finish_part(gt_scorer *s);
int gt_scorer_finish_parts(gt_scorer *s);

/* Cancellation of a long gt_scorer_finish: fn(context) (see
 * gt_interrupt_fn) is called every 8,192 rows of each of its passes; a
 * nonzero return stops it with GT_ECANCELED (no results; the rows stay, so
 * finish may run again). fn NULL removes it. */
int gt_scorer_set_interrupt(gt_scorer *s, gt_interrupt_fn fn, void *context);

/* Results of the last gt_scorer_finish, ordered by account_id then
 * channel (GT_CHANNEL_ALL first); by account_id, contact_id; turns by
 * account_id, started_at, turn_id; agents by account_id, then agent_id
 * (the null agent first). The arrays are owned by the scorer and valid
 * until the next gt_scorer_add, gt_scorer_finish, gt_scorer_reset or
 * gt_scorer_free.
 * GT_ESTATE before any finish.
 *
 * Result structs, like gt_interaction, only grow at the end. The account
 * rows come in the caller's layout: row_size is the caller's
 * sizeof(gt_account_score), at least GT_ACCOUNT_SCORE_V1_SIZE and at most
 * this library's size (else GT_EINVAL); consecutive rows are row_size
 * bytes apart. The exported gt_scorer_accounts returns the first
 * (GT_ACCOUNT_SCORE_V1_SIZE) layout for programs built against the first
 * header; the macro passes this header's size. */
int gt_scorer_account_rows(const gt_account_score **rows, size_t *count,
                           size_t row_size, const gt_scorer *s);
int gt_scorer_accounts(const gt_account_score **rows, size_t *count,
                       const gt_scorer *s);
#define gt_scorer_accounts(rows, count, s) \
  gt_scorer_account_rows((rows), (count), sizeof(gt_account_score), (s))
int gt_scorer_contacts(const gt_contact_score **rows, size_t *count,
                       const gt_scorer *s);
int gt_scorer_turns(const gt_turn_score **rows, size_t *count,
                    const gt_scorer *s);
int gt_scorer_agents(const gt_agent_score **rows, size_t *count,
                     const gt_scorer *s);
/* The as_of the last finish used (microseconds), and the number of rows
 * kept after dropping duplicates and unknown channel/kind rows. */
int gt_scorer_as_of(int64_t *as_of, const gt_scorer *s);
int gt_scorer_row_count(size_t *rows, const gt_scorer *s);

/* Forget every row added and the results, keeping the lexicon, the
 * configuration (which may be changed again until the next add), the
 * schedules, the memory limit and the interrupt: the scorer is as new,
 * except that it keeps the memory it holds (its row store, tables and
 * result arrays stay allocated for the next rows). Scoring the next group
 * of accounts with it then takes no new memory for a group no larger than
 * the largest before; gt_scorer_free gives the memory back. GT_EINVAL for
 * NULL. */
int gt_scorer_reset(gt_scorer *s);

const char *gt_scorer_errmsg(const gt_scorer *s);
void gt_scorer_free(gt_scorer *s);

/* ---- Business hours, SLA clocks and periods (spec 3b and 7) ----------- */

/* A business schedule: a time zone, weekly open hours and holidays.
 * Business time between two instants is the part of that span during
 * which the schedule is open. The library reads no files: the host hands
 * over the zone's UTC offsets (from PostgreSQL's zone rules, ...) or the
 * bytes of its TZif file (/usr/share/zoneinfo, gt_schedule_set_tzif).
 *
 * A new schedule is always open in UTC. gt_schedule_set replaces all of
 * it at once, or on failure changes nothing (gt_schedule_errmsg then
 * names the problem and the offending text):
 *
 *   transitions, utc_offsets, n: offset utc_offsets[i] (seconds east of
 *     UTC, |offset| < 26 h) applies from instant transitions[i] (seconds
 *     since the epoch, strictly increasing) on; utc_offsets[0] also
 *     applies before transitions[0]. n = 0 is UTC. Give the transitions
 *     over at least the scored time range (offsets past the last one stay
 *     as the last). The arrays are copied.
 *   hours, hours_len: the weekly hours, e.g.
 *       "Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00"
 *     Groups separated by ';'; each a day list (Mon..Sun, a range Mon-Fri
 *     that may wrap like Fri-Mon, or a comma list Mon,Wed) and intervals
 *     HH:MM-HH:MM separated by ','; an end may be 24:00. An interval
 *     whose end is not after its start, or two overlapping intervals of
 *     one day, is GT_EPARSE. Empty (or NULL with length 0) = no intervals:
 *     always open except on the holidays.
 *   holidays, n_holidays: local dates on which no business time passes,
 *     as days since 1970-01-01 (any order; copied).
 *
 * Local times become instants by the zone's offsets: a local time inside
 * a spring-forward gap is the first instant after the gap, one that
 * exists twice (autumn) is the first of the two. A gt_schedule is used by
 * one thread at a time; the scorer keeps its own copy. */
typedef struct gt_schedule gt_schedule;
int gt_schedule_new(gt_schedule **out); /* caller owns *out: gt_schedule_free */
int gt_schedule_set(gt_schedule *sched, const int64_t *transitions,
                    const int32_t *utc_offsets, size_t n, const char *hours,
                    size_t hours_len, const int32_t *holidays,
                    size_t n_holidays);
/* gt_schedule_set with the zone given as the bytes of a TZif file
 * (version 2 or later, as in /usr/share/zoneinfo/Europe/Berlin; the host
 * reads the file): its transitions, then its POSIX TZ rule for the years
 * after them, through 2200. Data that is not such a file, or a rule this
 * library cannot read, is GT_EPARSE with a message saying so; a UTC offset
 * of 26 h or more GT_ERANGE; the rest as gt_schedule_set. tzif NULL with
 * tzif_len 0 is UTC. */
int gt_schedule_set_tzif(gt_schedule *sched, const void *tzif, size_t tzif_len,
                         const char *hours, size_t hours_len,
                         const int32_t *holidays, size_t n_holidays);
/* Business seconds between two instants (microseconds since the epoch,
 * GT_TIME_MIN..GT_TIME_MAX); 0 when to <= from. */
int gt_schedule_business_time(double *seconds, const gt_schedule *sched,
                              int64_t from, int64_t to);
/* The local date (days since 1970-01-01) of an instant in the schedule's
 * zone, and the instant of a local time (microseconds since local
 * 1970-01-01 00:00) by the gap/doubled-hour rule above. */
int gt_schedule_local_day(int64_t *day, const gt_schedule *sched,
                          int64_t instant);
int gt_schedule_instant(int64_t *instant, const gt_schedule *sched,
                        int64_t local_micros);
/* Message for the last failure on this handle ("" if none); owned by it. */
const char *gt_schedule_errmsg(const gt_schedule *sched);
void gt_schedule_free(gt_schedule *sched);

/* Give (account, channel) a schedule (the scorer copies it). Lookup for a
 * turn of account a on channel c: the schedule set for (a, c), else for
 * (a, GT_CHANNEL_ALL), else for (no account, c), else for (no account,
 * GT_CHANNEL_ALL); with none the account is always open in UTC (business
 * time = calendar time). has_account 0 means "every account" (account_id
 * is then ignored). Setting the same key again replaces it; sched NULL
 * removes every schedule. Valid at any time before gt_scorer_finish. */
int gt_scorer_set_schedule(gt_scorer *s, int has_account, int64_t account_id,
                           int channel, const gt_schedule *sched);

/* The clock of a channel's SLA (GT_CHANNEL_ALL sets all): calendar time
 * (default) or business time; it decides within_sla, pending and due_at. */
#define GT_SLA_CLOCK_CALENDAR 0
#define GT_SLA_CLOCK_BUSINESS 1
int gt_scorer_set_sla_clock(gt_scorer *s, int channel, int clock);

/* Periods (spec section 7): with GT_PERIOD_DAY, _WEEK (ISO, from Monday)
 * or _MONTH, gt_scorer_finish also computes one row per account x local
 * period (in the zone of the account's schedule: (a, GT_CHANNEL_ALL), else
 * the default, else UTC) that has rows. A turn counts in the period of its
 * start, a post in that of its created_at, a conversion in that of the
 * conversion event, an anomaly in that of its row (a clock skew: its
 * turn's start); pending is judged at as_of. Per period, a contact is
 * treated well or ignored by its turns that start in it. Count columns
 * summed over the periods give the account's counts. Configuration: valid
 * before the first gt_scorer_add. */
#define GT_PERIOD_NONE 0
#define GT_PERIOD_DAY 1
#define GT_PERIOD_WEEK 2
#define GT_PERIOD_MONTH 3
int gt_scorer_set_period(gt_scorer *s, int period);

/* One row per account x period: the account columns except contacts and
 * mean_trust. Doubles are NaN where the spec says null. */
typedef struct gt_period_score {
  int64_t account_id;
  int64_t period_start; /* the period's first local date, days since
                           1970-01-01 */
  int64_t needs_ack, pending, acknowledged;
  double ack_rate, personal_rate, appreciative_rate, sla_rate;
  double median_ack_s, p90_ack_s;
  double median_ack_business_s, p90_ack_business_s;
  int64_t give_posts, take_posts, neutral_posts;
  double give_ratio, me_index, reply_share, channel_fit;
  double conv_rate_ack, conv_rate_ignored, conversion_lift;
  double value_per_ack_contact;
  int64_t give_attributed_leads;
  double health;
  int64_t anomalies;
} gt_period_score;

/* Period rows of the last finish, ordered by account_id, period_start;
 * none without a period. Owned by the scorer, valid as the other result
 * arrays. GT_ESTATE before any finish. */
int gt_scorer_periods(const gt_period_score **rows, size_t *count,
                      const gt_scorer *s);

#ifdef __cplusplus
}
#endif
#endif /* GIVETAKE_H */
