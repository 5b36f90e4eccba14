/*
 * gt_agg.c -- parallel-safe aggregates.
 *
 * give_ratio(text) and me_index(text) share one transition state (the
 * counts from gt_classify), so a query using both classifies each text
 * once. ack_time_stats / ack_time_percentile keep the ABI's mergeable
 * histogram: an int64 count per GT_ACKHIST_BUCKETS bucket, merged by adding,
 * read with gt_ackhist_percentile. Unlike percentile_disc/percentile_cont,
 * both can be computed as partial aggregates (parallel workers, shards).
 */
#include "gt_pg.h"

#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* A StringInfo reading a bytea in place (PostgreSQL 15 has no helper). */
static void
read_bytea(StringInfo buf, bytea *b)
{
	buf->data = VARDATA_ANY(b);
	buf->len = VARSIZE_ANY_EXHDR(b);
	buf->maxlen = buf->len;
	buf->cursor = 0;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggcontext;
}

/* ---- give_ratio / me_index ------------------------------------------- */

typedef struct TextState
{
	int64		give;
	int64		take;
	int64		neutral;
	int64		we;
	int64		you;
} TextState;

PG_FUNCTION_INFO_V1(gt_pg_text_accum);
Datum
gt_pg_text_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = agg_context(fcinfo, "gt_pg_text_accum");
	TextState  *st = PG_ARGISNULL(0) ? NULL : (TextState *) PG_GETARG_POINTER(0);

	if (st == NULL)
		st = MemoryContextAllocZero(aggcontext, sizeof(TextState));
	if (!PG_ARGISNULL(1))
	{
		gt_classification c;
		size_t		len;
		const char *p = gt_text_utf8(PG_GETARG_TEXT_PP(1), &len);

		gt_check(gt_classify(&c, gt_pg_lexicon(fcinfo->flinfo), p, len), "classify");
		if (c.label == GT_LABEL_GIVE)
			st->give++;
		else if (c.label == GT_LABEL_TAKE)
			st->take++;
		else
			st->neutral++;
		st->we += c.we_words;
		st->you += c.you_words;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(gt_pg_text_combine);
Datum
gt_pg_text_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = agg_context(fcinfo, "gt_pg_text_combine");
	TextState  *a = PG_ARGISNULL(0) ? NULL : (TextState *) PG_GETARG_POINTER(0);
	TextState  *b = PG_ARGISNULL(1) ? NULL : (TextState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(aggcontext, sizeof(TextState));
	a->give += b->give;
	a->take += b->take;
	a->neutral += b->neutral;
	a->we += b->we;
	a->you += b->you;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(gt_pg_text_serialize);
Datum
gt_pg_text_serialize(PG_FUNCTION_ARGS)
{
	TextState  *st = (TextState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	agg_context(fcinfo, "gt_pg_text_serialize");
	pq_begintypsend(&buf);
	pq_sendint64(&buf, st->give);
	pq_sendint64(&buf, st->take);
	pq_sendint64(&buf, st->neutral);
	pq_sendint64(&buf, st->we);
	pq_sendint64(&buf, st->you);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(gt_pg_text_deserialize);
Datum
gt_pg_text_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcontext = agg_context(fcinfo, "gt_pg_text_deserialize");
	TextState  *st = MemoryContextAllocZero(aggcontext, sizeof(TextState));
	StringInfoData buf;

	read_bytea(&buf, b);
	st->give = pq_getmsgint64(&buf);
	st->take = pq_getmsgint64(&buf);
	st->neutral = pq_getmsgint64(&buf);
	st->we = pq_getmsgint64(&buf);
	st->you = pq_getmsgint64(&buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

/* docs/metrics.md section 2: give_posts / (give_posts + take_posts). */
PG_FUNCTION_INFO_V1(gt_pg_give_ratio_final);
Datum
gt_pg_give_ratio_final(PG_FUNCTION_ARGS)
{
	TextState  *st = PG_ARGISNULL(0) ? NULL : (TextState *) PG_GETARG_POINTER(0);

	if (st == NULL || st->give + st->take == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) st->give / (double) (st->give + st->take));
}

/* docs/metrics.md section 2: we-words / (we-words + you-words). */
PG_FUNCTION_INFO_V1(gt_pg_me_index_final);
Datum
gt_pg_me_index_final(PG_FUNCTION_ARGS)
{
	TextState  *st = PG_ARGISNULL(0) ? NULL : (TextState *) PG_GETARG_POINTER(0);

	if (st == NULL || st->we + st->you == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) st->we / (double) (st->we + st->you));
}

/* ---- acknowledgement-time histogram ----------------------------------- */

typedef struct AckState
{
	int64		n;				/* values added */
	double		p;				/* percentile for ack_time_percentile, NaN = unset */
	int32		nbuckets;		/* allocated length of counts */
	int64	   *counts;			/* grows on demand: short times use few buckets */
} AckState;

static AckState *
ack_new(MemoryContext cxt)
{
	AckState   *st = MemoryContextAllocZero(cxt, sizeof(AckState));

	st->p = NAN;
	return st;
}

static void
ack_reserve(MemoryContext cxt, AckState *st, int nbuckets)
{
	int			n;

	if (nbuckets <= st->nbuckets)
		return;
	n = Max(64, st->nbuckets);
	while (n < nbuckets)
		n *= 2;
	n = Min(n, GT_ACKHIST_BUCKETS);
	if (st->counts == NULL)
		st->counts = MemoryContextAllocZero(cxt, n * sizeof(int64));
	else
	{
		st->counts = repalloc(st->counts, n * sizeof(int64));
		memset(st->counts + st->nbuckets, 0, (n - st->nbuckets) * sizeof(int64));
	}
	st->nbuckets = n;
}

static void
ack_add(MemoryContext cxt, AckState *st, double seconds)
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
	ack_reserve(cxt, st, b + 1);
	st->counts[b]++;
	st->n++;
}

static AckState *
ack_state(FunctionCallInfo fcinfo, MemoryContext *cxt)
{
	*cxt = agg_context(fcinfo, "givetake ack time aggregate");
	return PG_ARGISNULL(0) ? ack_new(*cxt) : (AckState *) PG_GETARG_POINTER(0);
}

PG_FUNCTION_INFO_V1(gt_pg_ack_accum);
Datum
gt_pg_ack_accum(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	AckState   *st = ack_state(fcinfo, &cxt);

	if (!PG_ARGISNULL(1))
		ack_add(cxt, st, PG_GETARG_FLOAT8(1));
	PG_RETURN_POINTER(st);
}

/* An interval counts as its epoch seconds, as extract(epoch from ...). */
PG_FUNCTION_INFO_V1(gt_pg_ack_accum_interval);
Datum
gt_pg_ack_accum_interval(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	AckState   *st = ack_state(fcinfo, &cxt);

	if (!PG_ARGISNULL(1))
	{
		Datum		secs = DirectFunctionCall2(interval_part,
											   CStringGetTextDatum("epoch"),
											   PG_GETARG_DATUM(1));

		ack_add(cxt, st, DatumGetFloat8(secs));
	}
	PG_RETURN_POINTER(st);
}

/* ack_time_percentile(seconds, p): p must be the same on every row. */
PG_FUNCTION_INFO_V1(gt_pg_ack_accum_p);
Datum
gt_pg_ack_accum_p(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	AckState   *st = ack_state(fcinfo, &cxt);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		double		p = PG_GETARG_FLOAT8(2);

		if (!(p > 0 && p <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.ack_time_percentile: p must be in (0, 1], got %g", p)));
		if (!isnan(st->p) && st->p != p)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.ack_time_percentile: p must be the same on every row (%g, then %g)",
							st->p, p)));
		st->p = p;
		ack_add(cxt, st, PG_GETARG_FLOAT8(1));
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(gt_pg_ack_combine);
Datum
gt_pg_ack_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = agg_context(fcinfo, "gt_pg_ack_combine");
	AckState   *a = PG_ARGISNULL(0) ? NULL : (AckState *) PG_GETARG_POINTER(0);
	AckState   *b = PG_ARGISNULL(1) ? NULL : (AckState *) PG_GETARG_POINTER(1);
	int			i;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = ack_new(cxt);
	ack_reserve(cxt, a, b->nbuckets);
	for (i = 0; i < b->nbuckets; i++)
		a->counts[i] += b->counts[i];
	a->n += b->n;
	if (isnan(a->p))
		a->p = b->p;
	else if (!isnan(b->p) && a->p != b->p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("givetake.ack_time_percentile: p must be the same on every row (%g, then %g)",
						a->p, b->p)));
	PG_RETURN_POINTER(a);
}

/* Serialized sparsely: n, p, then (bucket, count) for non-empty buckets. */
PG_FUNCTION_INFO_V1(gt_pg_ack_serialize);
Datum
gt_pg_ack_serialize(PG_FUNCTION_ARGS)
{
	AckState   *st = (AckState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			i;

	agg_context(fcinfo, "gt_pg_ack_serialize");
	pq_begintypsend(&buf);
	pq_sendint64(&buf, st->n);
	pq_sendfloat8(&buf, st->p);
	for (i = 0; i < st->nbuckets; i++)
	{
		if (st->counts[i] == 0)
			continue;
		pq_sendint32(&buf, i);
		pq_sendint64(&buf, st->counts[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(gt_pg_ack_deserialize);
Datum
gt_pg_ack_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext cxt = agg_context(fcinfo, "gt_pg_ack_deserialize");
	AckState   *st = ack_new(cxt);
	StringInfoData buf;

	read_bytea(&buf, b);
	st->n = pq_getmsgint64(&buf);
	st->p = pq_getmsgfloat8(&buf);
	while (buf.cursor < buf.len)
	{
		int			i = pq_getmsgint(&buf, 4);
		int64		c = pq_getmsgint64(&buf);

		if (i < 0 || i >= GT_ACKHIST_BUCKETS)
			elog(ERROR, "givetake: corrupt ack histogram state");
		ack_reserve(cxt, st, i + 1);
		st->counts[i] = c;
	}
	PG_RETURN_POINTER(st);
}

static Datum
ack_percentile(AckState *st, double p, bool *isnull)
{
	double		out = NAN;

	if (st != NULL && st->n > 0)
		gt_check(gt_ackhist_percentile(&out, st->counts, st->nbuckets, p), "ack time percentile");
	*isnull = isnan(out);
	return Float8GetDatum(out);
}

/* -> givetake.ack_summary (n, median_s, p90_s) */
PG_FUNCTION_INFO_V1(gt_pg_ack_stats_final);
Datum
gt_pg_ack_stats_final(PG_FUNCTION_ARGS)
{
	AckState   *st = PG_ARGISNULL(0) ? NULL : (AckState *) PG_GETARG_POINTER(0);
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "givetake: ack_time_stats must return a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Int64GetDatum(st ? st->n : 0);
	values[1] = ack_percentile(st, 0.5, &nulls[1]);
	values[2] = ack_percentile(st, 0.9, &nulls[2]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(gt_pg_ack_percentile_final);
Datum
gt_pg_ack_percentile_final(PG_FUNCTION_ARGS)
{
	AckState   *st = PG_ARGISNULL(0) ? NULL : (AckState *) PG_GETARG_POINTER(0);
	bool		isnull;
	Datum		d;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	d = ack_percentile(st, st->p, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(d);
}
