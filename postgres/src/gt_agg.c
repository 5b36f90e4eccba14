/*
 * gt_agg.c -- parallel-safe aggregates with plain bytea transition states.
 *
 * give_ratio(text) and me_index(text) share one transition state (the
 * counts from gt_classify), so a query using both classifies each text
 * once. ack_time_stats / ack_time_percentile keep the ABI's mergeable
 * histogram: an int64 count per bucket, merged by adding, read with
 * gt_ackhist_percentile. Unlike percentile_disc/percentile_cont, both can
 * be computed as partial aggregates.
 *
 * Every state is a bytea with an explicit layout (below), not `internal`:
 * PostgreSQL moves it between parallel workers as it is, and Citus, which
 * splits a custom aggregate into worker and coordinator parts only when
 * its state type is not a pseudo-type, ships it between nodes. Each layout
 * starts with a magic word and a version; every field is a fixed-width
 * little-endian integer (or IEEE-754 binary64), read and written at any
 * alignment.
 *
 * A state is also an ordinary value anyone can pass in (a direct call, an
 * INITCOND of a user's aggregate), so every function checks the layout of
 * a state before it reads or writes it, and a malformed one is an ERROR.
 */
#include "gt_pg.h"

#include <math.h>

#include "common/int.h"
#include "funcapi.h"
#include "port/pg_bswap.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* ---- Layout helpers ---------------------------------------------------- */

#define STATE_VERSION 1

#ifdef WORDS_BIGENDIAN
#define LE32(x) pg_bswap32(x)
#define LE64(x) pg_bswap64(x)
#else
#define LE32(x) (x)
#define LE64(x) (x)
#endif

static inline uint32
get32(const char *p)
{
	uint32		v;

	memcpy(&v, p, sizeof v);
	return LE32(v);
}

static inline void
put32(char *p, uint32 v)
{
	v = LE32(v);
	memcpy(p, &v, sizeof v);
}

static inline int64
get64(const char *p)
{
	uint64		v;

	memcpy(&v, p, sizeof v);
	return (int64) LE64(v);
}

static inline void
put64(char *p, int64 v)
{
	uint64		u = LE64((uint64) v);

	memcpy(p, &u, sizeof u);
}

/* Adds without signed overflow; a crafted state may hold any count. */
static inline void
inc64(char *p, uint64 by)
{
	put64(p, (int64) ((uint64) get64(p) + by));
}

static inline double
getf64(const char *p)
{
	uint64		bits = (uint64) get64(p);
	double		v;

	memcpy(&v, &bits, sizeof v);
	return v;
}

static inline void
putf64(char *p, double v)
{
	uint64		bits;

	memcpy(&bits, &v, sizeof bits);
	put64(p, (int64) bits);
}

#define BAD_STATE(kind, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION), \
			 errmsg("givetake: malformed %s aggregate state", (kind)), \
			 errdetail(__VA_ARGS__)))

static pg_attribute_always_inline void
check_header(const char *kind, const char *d, Size len, uint32 magic)
{
	if (len < 8)
		BAD_STATE(kind, "It is %zu bytes long; a state has at least 8.", len);
	if (get32(d) != magic)
		BAD_STATE(kind, "It does not start with the magic word of the %s state.", kind);
	if (get32(d + 4) != STATE_VERSION)
		BAD_STATE(kind, "Its layout version is %u; this build reads version %d.",
				  get32(d + 4), STATE_VERSION);
}

static bytea *
new_state(Size len)
{
	bytea	   *st = palloc0(VARHDRSZ + len);

	SET_VARSIZE(st, VARHDRSZ + len);
	return st;
}

typedef void (*StateCheck) (const char *data, Size len);

/*
 * A database whose givetake was created by a build with `internal` states
 * still declares them so, and the executor does not copy an `internal`
 * state these functions would return: refuse, once per new state.
 */
static pg_noinline void
check_declared_state_type(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo != NULL && get_fn_expr_argtype(fcinfo->flinfo, 0) == INTERNALOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("givetake: this database's givetake aggregates declare internal states, "
						"created by an older build of the extension"),
				 errhint("Recreate the extension: DROP EXTENSION givetake CASCADE; CREATE EXTENSION givetake;")));
}

/*
 * The state in argument 0 of a transition or combine function, ready to be
 * updated; NULL when the argument is NULL.
 *
 * Called as an aggregate, the state passed in is the executor's own copy,
 * which PostgreSQL allows a transition function to modify in place: it is
 * updated where it is, so a row costs no copy, and `in_place` checks what
 * every write needs (layout, length) in constant time. Otherwise (a direct
 * call, a value in compressed or short-header form) it is checked with
 * `copied` and copied first.
 *
 * New and grown states are allocated in the current (per-call) context and
 * never freed here: when a transition function returns a different
 * pointer, the executor (nodeAgg, nodeWindowAgg, Citus's worker_partial_agg
 * alike) copies the value into the aggregate's context and frees the old
 * state itself.
 */
static pg_attribute_always_inline bytea *
state_for_update(FunctionCallInfo fcinfo, StateCheck in_place, StateCheck copied)
{
	struct varlena *v;
	bytea	   *copy;
	Size		len;

	if (PG_ARGISNULL(0))
	{
		check_declared_state_type(fcinfo);
		return NULL;
	}
	v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));
	if (AggCheckCallContext(fcinfo, NULL) && VARATT_IS_4B_U(v))
	{
		in_place(VARDATA(v), VARSIZE(v) - VARHDRSZ);
		return (bytea *) v;
	}
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	len = VARSIZE_ANY_EXHDR(v);
	copied(VARDATA_ANY(v), len);
	copy = new_state(len);
	memcpy(VARDATA(copy), VARDATA_ANY(v), len);
	return copy;
}

/* The data of a read-only state argument, after `check`; NULL when NULL. */
static const char *
state_for_read(FunctionCallInfo fcinfo, int argno, StateCheck check, Size *len)
{
	struct varlena *v;

	if (PG_ARGISNULL(argno))
		return NULL;
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	*len = VARSIZE_ANY_EXHDR(v);
	check(VARDATA_ANY(v), *len);
	return VARDATA_ANY(v);
}

/* ---- give_ratio / me_index --------------------------------------------- */

/*
 * Text state, 48 bytes:
 *   0  uint32 magic "GTTX"      4  uint32 version (1)
 *   8  int64 give   16 int64 take   24 int64 neutral
 *  32  int64 we-words   40 int64 you-words
 */
#define TX_KIND "give_ratio/me_index"
#define TX_MAGIC 0x58545447		/* bytes "GTTX" */
#define TX_GIVE 8
#define TX_TAKE 16
#define TX_NEUTRAL 24
#define TX_WE 32
#define TX_YOU 40
#define TX_SIZE 48

static void
text_check(const char *d, Size len)
{
	int			off;

	check_header(TX_KIND, d, len, TX_MAGIC);
	if (len != TX_SIZE)
		BAD_STATE(TX_KIND, "It is %zu bytes long; a version %d state is %d.",
				  len, STATE_VERSION, TX_SIZE);
	for (off = TX_GIVE; off < TX_SIZE; off += 8)
		if (get64(d + off) < 0)
			BAD_STATE(TX_KIND, "The count at byte %d is negative.", off);
}

static bytea *
text_new(void)
{
	bytea	   *st = new_state(TX_SIZE);

	put32(VARDATA(st), TX_MAGIC);
	put32(VARDATA(st) + 4, STATE_VERSION);
	return st;
}

PG_FUNCTION_INFO_V1(gt_pg_text_accum);
Datum
gt_pg_text_accum(PG_FUNCTION_ARGS)
{
	bytea	   *st = state_for_update(fcinfo, text_check, text_check);

	if (st == NULL)
		st = text_new();
	if (!PG_ARGISNULL(1))
	{
		gt_classification c;
		size_t		len;
		const char *p = gt_text_utf8(PG_GETARG_TEXT_PP(1), &len);
		char	   *d = VARDATA(st);

		gt_check(gt_classify(&c, gt_pg_lexicon(fcinfo->flinfo), p, len), "classify");
		inc64(d + (c.label == GT_LABEL_GIVE ? TX_GIVE :
				   c.label == GT_LABEL_TAKE ? TX_TAKE : TX_NEUTRAL), 1);
		inc64(d + TX_WE, (uint64) (int64) c.we_words);
		inc64(d + TX_YOU, (uint64) (int64) c.you_words);
	}
	PG_RETURN_BYTEA_P(st);
}

PG_FUNCTION_INFO_V1(gt_pg_text_combine);
Datum
gt_pg_text_combine(PG_FUNCTION_ARGS)
{
	bytea	   *a = state_for_update(fcinfo, text_check, text_check);
	Size		blen;
	const char *b = state_for_read(fcinfo, 1, text_check, &blen);
	int			off;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_BYTEA_P(a);
	}
	if (a == NULL)
		a = text_new();
	for (off = TX_GIVE; off < TX_SIZE; off += 8)
	{
		int64		sum;

		if (pg_add_s64_overflow(get64(VARDATA(a) + off), get64(b + off), &sum))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("givetake: %s counts out of range for bigint", TX_KIND)));
		put64(VARDATA(a) + off, sum);
	}
	PG_RETURN_BYTEA_P(a);
}

/* docs/metrics.md section 2: give_posts / (give_posts + take_posts). */
PG_FUNCTION_INFO_V1(gt_pg_give_ratio_final);
Datum
gt_pg_give_ratio_final(PG_FUNCTION_ARGS)
{
	Size		len;
	const char *d = state_for_read(fcinfo, 0, text_check, &len);
	double		give,
				take;

	if (d == NULL)
		PG_RETURN_NULL();
	give = (double) get64(d + TX_GIVE);
	take = (double) get64(d + TX_TAKE);
	if (give + take == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(give / (give + take));
}

/* docs/metrics.md section 2: we-words / (we-words + you-words). */
PG_FUNCTION_INFO_V1(gt_pg_me_index_final);
Datum
gt_pg_me_index_final(PG_FUNCTION_ARGS)
{
	Size		len;
	const char *d = state_for_read(fcinfo, 0, text_check, &len);
	double		we,
				you;

	if (d == NULL)
		PG_RETURN_NULL();
	we = (double) get64(d + TX_WE);
	you = (double) get64(d + TX_YOU);
	if (we + you == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(we / (we + you));
}

/* ---- acknowledgement-time histogram ------------------------------------ */

/*
 * Histogram state, 32 + 8 * nbuckets bytes:
 *   0  uint32 magic "GTAH"    4  uint32 version (1)
 *   8  uint32 nbuckets (<= GT_ACKHIST_BUCKETS)   12 uint32 reserved (0)
 *  16  int64 n, the values added (= the sum of the counts)
 *  24  float8 p of ack_time_percentile, NaN until set
 *  32  int64 counts[nbuckets]
 * Buckets past nbuckets count 0; a state grows by powers of two as longer
 * times arrive, so short times keep it small.
 */
#define AH_KIND "ack_time"
#define AH_MAGIC 0x48415447		/* bytes "GTAH" */
#define AH_NBUCKETS 8
#define AH_RESERVED 12
#define AH_N 16
#define AH_P 24
#define AH_COUNTS 32
#define AH_MIN_BUCKETS 64

#define AH_COUNT(d, i) ((d) + AH_COUNTS + 8 * (Size) (i))

/* What any read or write needs to stay in bounds; constant time. */
static pg_attribute_always_inline void
ack_check_shape(const char *d, Size len)
{
	uint32		nb;

	check_header(AH_KIND, d, len, AH_MAGIC);
	if (len < AH_COUNTS)
		BAD_STATE(AH_KIND, "It is %zu bytes long; the header alone is %d.", len, AH_COUNTS);
	nb = get32(d + AH_NBUCKETS);
	if (nb > GT_ACKHIST_BUCKETS)
		BAD_STATE(AH_KIND, "It claims %u buckets; there are at most %d.", nb, GT_ACKHIST_BUCKETS);
	if (len != AH_COUNTS + 8 * (Size) nb)
		BAD_STATE(AH_KIND, "It is %zu bytes long; %u buckets make %zu.",
				  len, nb, AH_COUNTS + 8 * (Size) nb);
}

/*
 * Everything: the shape, the reserved word, p, and every count
 * non-negative, summing to n. For states from elsewhere (combine's second
 * argument, direct calls) and before a final function reads one.
 */
static void
ack_check_full(const char *d, Size len)
{
	uint32		nb,
				i;
	int64		sum = 0;
	double		p;

	ack_check_shape(d, len);
	if (get32(d + AH_RESERVED) != 0)
		BAD_STATE(AH_KIND, "Its reserved word is not 0.");
	p = getf64(d + AH_P);
	if (!isnan(p) && !(p > 0 && p <= 1))
		BAD_STATE(AH_KIND, "Its percentile p is %g, outside (0, 1].", p);
	nb = get32(d + AH_NBUCKETS);
	for (i = 0; i < nb; i++)
	{
		int64		c = get64(AH_COUNT(d, i));

		if (c < 0)
			BAD_STATE(AH_KIND, "The count of bucket %u is negative.", i);
		if (pg_add_s64_overflow(sum, c, &sum))
			BAD_STATE(AH_KIND, "Its counts add up past the bigint range.");
	}
	if (sum != get64(d + AH_N))
		BAD_STATE(AH_KIND, "Its counts add up to " INT64_FORMAT ", its count of values is " INT64_FORMAT ".",
				  sum, get64(d + AH_N));
}

static bytea *
ack_new(uint32 nbuckets)
{
	bytea	   *st = new_state(AH_COUNTS + 8 * (Size) nbuckets);

	put32(VARDATA(st), AH_MAGIC);
	put32(VARDATA(st) + 4, STATE_VERSION);
	put32(VARDATA(st) + AH_NBUCKETS, nbuckets);
	putf64(VARDATA(st) + AH_P, NAN);
	return st;
}

/* A larger copy of st with room for `need` buckets. */
static pg_noinline bytea *
ack_grow(bytea *st, uint32 need)
{
	uint32		nb = get32(VARDATA(st) + AH_NBUCKETS);
	uint32		n = Max(AH_MIN_BUCKETS, nb);
	bytea	   *grown;

	while (n < need)
		n *= 2;
	n = Min(n, GT_ACKHIST_BUCKETS);
	grown = ack_new(n);
	memcpy(VARDATA(grown), VARDATA(st), AH_COUNTS + 8 * (Size) nb);
	put32(VARDATA(grown) + AH_NBUCKETS, n);
	return grown;
}

/*
 * st with room for `need` buckets: st itself, or a larger copy (see
 * state_for_update for why the old one is not freed).
 */
static inline bytea *
ack_reserve(bytea *st, uint32 need)
{
	if (likely(need <= get32(VARDATA(st) + AH_NBUCKETS)))
		return st;
	return ack_grow(st, need);
}

static inline bytea *
ack_add(bytea *st, double seconds)
{
	int			b = 0;

	if (isnan(seconds))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("givetake: an acknowledgement time in seconds is NaN"),
				 errhint("Filter NaN out, or map it to NULL (ignored).")));
	gt_check(gt_ackhist_bucket(&b, seconds), "ack time bucket");
	if (b < 0 || b >= GT_ACKHIST_BUCKETS)
		elog(ERROR, "givetake: ack time bucket %d out of range", b);
	st = ack_reserve(st, (uint32) b + 1);
	inc64(AH_COUNT(VARDATA(st), b), 1);
	inc64(VARDATA(st) + AH_N, 1);
	return st;
}

static pg_attribute_always_inline bytea *
ack_state(FunctionCallInfo fcinfo)
{
	bytea	   *st = state_for_update(fcinfo, ack_check_shape, ack_check_full);

	return st != NULL ? st : ack_new(0);
}

PG_FUNCTION_INFO_V1(gt_pg_ack_accum);
Datum
gt_pg_ack_accum(PG_FUNCTION_ARGS)
{
	bytea	   *st = ack_state(fcinfo);

	if (!PG_ARGISNULL(1))
		st = ack_add(st, PG_GETARG_FLOAT8(1));
	PG_RETURN_BYTEA_P(st);
}

/* An interval counts as its epoch seconds, as extract(epoch from ...). */
PG_FUNCTION_INFO_V1(gt_pg_ack_accum_interval);
Datum
gt_pg_ack_accum_interval(PG_FUNCTION_ARGS)
{
	bytea	   *st = ack_state(fcinfo);

	if (!PG_ARGISNULL(1))
	{
		Datum		secs = DirectFunctionCall2(interval_part,
											   CStringGetTextDatum("epoch"),
											   PG_GETARG_DATUM(1));

		st = ack_add(st, DatumGetFloat8(secs));
	}
	PG_RETURN_BYTEA_P(st);
}

static void
ack_p_conflict(double was, double now)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("givetake.ack_time_percentile: p must be the same on every row (%g, then %g)",
					was, now)));
}

/* ack_time_percentile(seconds, p): p must be the same on every row. */
PG_FUNCTION_INFO_V1(gt_pg_ack_accum_p);
Datum
gt_pg_ack_accum_p(PG_FUNCTION_ARGS)
{
	bytea	   *st = ack_state(fcinfo);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		double		p = PG_GETARG_FLOAT8(2);
		double		was = getf64(VARDATA(st) + AH_P);

		if (!(p > 0 && p <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.ack_time_percentile: p must be in (0, 1], got %g", p)));
		if (!isnan(was) && was != p)
			ack_p_conflict(was, p);
		putf64(VARDATA(st) + AH_P, p);
		st = ack_add(st, PG_GETARG_FLOAT8(1));
	}
	PG_RETURN_BYTEA_P(st);
}

PG_FUNCTION_INFO_V1(gt_pg_ack_combine);
Datum
gt_pg_ack_combine(PG_FUNCTION_ARGS)
{
	bytea	   *a = state_for_update(fcinfo, ack_check_shape, ack_check_full);
	Size		blen;
	const char *b = state_for_read(fcinfo, 1, ack_check_full, &blen);
	uint32		used,
				i;
	int64		n;
	double		ap,
				bp;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_BYTEA_P(a);
	}
	if (a == NULL)
		a = ack_new(0);

	ap = getf64(VARDATA(a) + AH_P);
	bp = getf64(b + AH_P);
	if (isnan(ap))
		putf64(VARDATA(a) + AH_P, bp);
	else if (!isnan(bp) && ap != bp)
		ack_p_conflict(ap, bp);

	/* Trailing empty buckets of b need no room in a. */
	used = get32(b + AH_NBUCKETS);
	while (used > 0 && get64(AH_COUNT(b, used - 1)) == 0)
		used--;
	a = ack_reserve(a, used);
	for (i = 0; i < used; i++)
	{
		char	   *ac = AH_COUNT(VARDATA(a), i);
		int64		sum;

		if (pg_add_s64_overflow(get64(ac), get64(AH_COUNT(b, i)), &sum))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("givetake: %s histogram counts out of range for bigint", AH_KIND)));
		put64(ac, sum);
	}
	if (pg_add_s64_overflow(get64(VARDATA(a) + AH_N), get64(b + AH_N), &n))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("givetake: %s histogram counts out of range for bigint", AH_KIND)));
	put64(VARDATA(a) + AH_N, n);
	PG_RETURN_BYTEA_P(a);
}

/* A checked histogram state, with its counts as a native int64 array. */
typedef struct AckHist
{
	int64		n;
	double		p;
	uint32		nbuckets;
	int64	   *counts;
} AckHist;

static bool
ack_read(FunctionCallInfo fcinfo, AckHist *h)
{
	Size		len;
	const char *d = state_for_read(fcinfo, 0, ack_check_full, &len);
	uint32		i;

	if (d == NULL)
		return false;
	h->n = get64(d + AH_N);
	h->p = getf64(d + AH_P);
	h->nbuckets = get32(d + AH_NBUCKETS);
	h->counts = palloc(Max(1, h->nbuckets) * sizeof(int64));
	for (i = 0; i < h->nbuckets; i++)
		h->counts[i] = get64(AH_COUNT(d, i));
	return true;
}

static Datum
ack_percentile(const AckHist *h, double p, bool *isnull)
{
	double		out = NAN;

	if (h->n > 0)
		gt_check(gt_ackhist_percentile(&out, h->counts, h->nbuckets, p), "ack time percentile");
	*isnull = isnan(out);
	return Float8GetDatum(out);
}

/* -> givetake.ack_summary (n, median_s, p90_s) */
PG_FUNCTION_INFO_V1(gt_pg_ack_stats_final);
Datum
gt_pg_ack_stats_final(PG_FUNCTION_ARGS)
{
	AckHist		h = {0};
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	ack_read(fcinfo, &h);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "givetake: ack_time_stats must return a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Int64GetDatum(h.n);
	values[1] = ack_percentile(&h, 0.5, &nulls[1]);
	values[2] = ack_percentile(&h, 0.9, &nulls[2]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(gt_pg_ack_percentile_final);
Datum
gt_pg_ack_percentile_final(PG_FUNCTION_ARGS)
{
	AckHist		h = {0};
	bool		isnull;
	Datum		d;

	if (!ack_read(fcinfo, &h) || h.n == 0)
		PG_RETURN_NULL();
	if (isnan(h.p))
		BAD_STATE(AH_KIND, "It holds values but no percentile p.");
	d = ack_percentile(&h, h.p, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(d);
}
