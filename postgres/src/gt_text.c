/*
 * gt_text.c -- per-text functions: classify, give_score, take_score,
 * explain, first_name, is_personal, is_appreciative, and lexicon listings.
 */
#include "gt_pg.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

static void
classify_with(gt_classification *c, FunctionCallInfo fcinfo, const gt_lexicon *lex)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	size_t		len;
	const char *p = gt_text_utf8(t, &len);

	gt_check(gt_classify(c, lex, p, len), "classify");
}

static void
classify_arg(gt_classification *c, FunctionCallInfo fcinfo)
{
	classify_with(c, fcinfo, gt_pg_lexicon(fcinfo->flinfo));
}

static Datum
label_datum(const gt_classification *c)
{
	switch (c->label)
	{
		case GT_LABEL_GIVE:
			PG_RETURN_TEXT_P(cstring_to_text_with_len("give", 4));
		case GT_LABEL_TAKE:
			PG_RETURN_TEXT_P(cstring_to_text_with_len("take", 4));
		default:
			PG_RETURN_TEXT_P(cstring_to_text_with_len("neutral", 7));
	}
}

PG_FUNCTION_INFO_V1(gt_pg_classify);
Datum
gt_pg_classify(PG_FUNCTION_ARGS)
{
	gt_classification c;

	classify_arg(&c, fcinfo);
	return label_datum(&c);
}

/* The built-in lexicon only: IMMUTABLE (index expressions, fdw shipping). */
PG_FUNCTION_INFO_V1(gt_pg_classify_builtin);
Datum
gt_pg_classify_builtin(PG_FUNCTION_ARGS)
{
	gt_classification c;

	classify_with(&c, fcinfo, NULL);
	return label_datum(&c);
}

PG_FUNCTION_INFO_V1(gt_pg_give_score);
Datum
gt_pg_give_score(PG_FUNCTION_ARGS)
{
	gt_classification c;

	classify_arg(&c, fcinfo);
	PG_RETURN_FLOAT8(c.give_score);
}

PG_FUNCTION_INFO_V1(gt_pg_take_score);
Datum
gt_pg_take_score(PG_FUNCTION_ARGS)
{
	gt_classification c;

	classify_arg(&c, fcinfo);
	PG_RETURN_FLOAT8(c.take_score);
}

/* explain(text) -> (cue, category, weight, offset, length); byte offsets. */
PG_FUNCTION_INFO_V1(gt_pg_explain);
Datum
gt_pg_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *t = PG_GETARG_TEXT_PP(0);
	size_t		len;
	const char *p = gt_text_utf8(t, &len);
	const gt_lexicon *lex = gt_pg_lexicon(NULL);	/* fn_extra belongs to the SRF */
	gt_cue		small[16];
	gt_cue	   *cues = small;
	size_t		count = 0;
	size_t		i;

	InitMaterializedSRF(fcinfo, 0);
	gt_check(gt_explain(cues, lengthof(small), &count, lex, p, len), "explain");
	if (count > lengthof(small))
	{
		size_t		cap = count;

		cues = palloc(cap * sizeof(gt_cue));
		gt_check(gt_explain(cues, cap, &count, lex, p, len), "explain");
		count = Min(count, cap);
	}
	for (i = 0; i < count; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		const char *cat = gt_category_name(cues[i].category);

		values[0] = PointerGetDatum(cstring_to_text_with_len(p + cues[i].offset, cues[i].length));
		values[1] = PointerGetDatum(cstring_to_text(cat ? cat : "?"));
		values[2] = Float8GetDatum(cues[i].weight);
		values[3] = Int32GetDatum((int32) cues[i].offset);
		values[4] = Int32GetDatum((int32) cues[i].length);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(gt_pg_first_name);
Datum
gt_pg_first_name(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	size_t		len;
	const char *p = gt_text_utf8(t, &len);
	size_t		off = 0,
				n = 0;

	gt_check(gt_first_name(&off, &n, p, len), "first_name");
	if (n == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(p + off, n));
}

/* Spec: a NULL reply or a NULL author name can never be personal. */
PG_FUNCTION_INFO_V1(gt_pg_is_personal);
Datum
gt_pg_is_personal(PG_FUNCTION_ARGS)
{
	size_t		rlen,
				alen;
	const char *r,
			   *a;
	int			out = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(false);
	r = gt_text_utf8(PG_GETARG_TEXT_PP(0), &rlen);
	a = gt_text_utf8(PG_GETARG_TEXT_PP(1), &alen);
	gt_check(gt_is_personal(&out, r, rlen, a, alen), "is_personal");
	PG_RETURN_BOOL(out != 0);
}

/* Spec: a NULL body is not appreciative. */
PG_FUNCTION_INFO_V1(gt_pg_is_appreciative);
Datum
gt_pg_is_appreciative(PG_FUNCTION_ARGS)
{
	size_t		len;
	const char *p;
	int			out = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	p = gt_text_utf8(PG_GETARG_TEXT_PP(0), &len);
	gt_check(gt_is_appreciative(&out, p, len), "is_appreciative");
	PG_RETURN_BOOL(out != 0);
}

static void
put_entries(FunctionCallInfo fcinfo, const gt_lexicon *lex)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	size_t		n = gt_lexicon_count(lex);
	size_t		i;

	for (i = 0; i < n; i++)
	{
		const char *phrase;
		size_t		plen;
		int			cat;
		double		w;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		gt_check(gt_lexicon_entry(&phrase, &plen, &cat, &w, lex, i), "lexicon entry");
		values[0] = PointerGetDatum(cstring_to_text_with_len(phrase, plen));
		values[1] = PointerGetDatum(cstring_to_text(gt_category_name(cat) ? gt_category_name(cat) : "?"));
		values[2] = Float8GetDatum(w);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* parse_lexicon(text): the cues of a lexicon file, parsed by the ABI. */
PG_FUNCTION_INFO_V1(gt_pg_parse_lexicon);
Datum
gt_pg_parse_lexicon(PG_FUNCTION_ARGS)
{
	size_t		len;
	const char *p = gt_text_utf8(PG_GETARG_TEXT_PP(0), &len);
	gt_lexicon **slot = gt_lexicon_guard(CurrentMemoryContext);

	InitMaterializedSRF(fcinfo, 0);
	gt_check(gt_lexicon_new(slot, GT_LEXICON_EMPTY), "creating a lexicon");
	gt_check_lexicon(gt_lexicon_load(*slot, p, len), *slot, "parse_lexicon");
	put_entries(fcinfo, *slot);
	return (Datum) 0;
}

/* active_lexicon(): every cue in force under givetake.lexicon_mode. */
PG_FUNCTION_INFO_V1(gt_pg_active_lexicon);
Datum
gt_pg_active_lexicon(PG_FUNCTION_ARGS)
{
	const gt_lexicon *lex = gt_pg_lexicon(NULL);

	InitMaterializedSRF(fcinfo, 0);
	if (lex == NULL)
	{
		gt_lexicon **slot = gt_lexicon_guard(CurrentMemoryContext);

		gt_check(gt_lexicon_new(slot, GT_LEXICON_DEFAULT), "creating a lexicon");
		lex = *slot;
	}
	put_entries(fcinfo, lex);
	return (Datum) 0;
}
