/*
 * gt_text.c -- per-text functions: classify, give_score, take_score,
 * explain, first_name, is_personal, is_appreciative, and lexicon listings.
 *
 * Text reaches the library as UTF-8 and comes back in the database
 * encoding; spans (explain, first_name) are cut from the stored text, at
 * byte offsets in the database encoding (gt_encoding.c).
 */
#include "gt_pg.h"

#include "funcapi.h"
#include "miscadmin.h"
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

	classify_with(&c, fcinfo, gt_pg_builtin_lexicon());
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

/* A slice of the stored text, given a span of its UTF-8 form. */
static text *
server_slice(GtOffsetMap *m, size_t offset, size_t length, int32 *s_offset, int32 *s_length)
{
	size_t		start = gt_utf8_to_server_offset(m, offset);
	size_t		end = gt_utf8_to_server_offset(m, offset + length);

	if (end < start)
		end = start;
	*s_offset = (int32) Min(start, (size_t) PG_INT32_MAX);
	*s_length = (int32) Min(end - start, (size_t) PG_INT32_MAX);
	return cstring_to_text_with_len(m->server + start, (int) (end - start));
}

/*
 * explain(text) -> (cue, category, weight, offset, length); byte offsets in
 * the database encoding.
 */
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
	GtOffsetMap starts,
				ends;

	InitMaterializedSRF(fcinfo, 0);
	gt_check(gt_explain(cues, lengthof(small), &count, lex, p, len), "explain");
	if (count > lengthof(small))
	{
		size_t		cap = count;

		if (cap > MaxAllocHugeSize / sizeof(gt_cue))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("givetake.explain: too many cues (%zu)", cap)));
		cues = palloc_extended(cap * sizeof(gt_cue), MCXT_ALLOC_HUGE);
		gt_check(gt_explain(cues, cap, &count, lex, p, len), "explain");
		count = Min(count, cap);
	}
	gt_offset_map_init(&starts, p, len, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	for (i = 0; i < count; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		const char *cat = gt_category_name(cues[i].category);
		int32		off,
					n;

		/* Ends are walked from the start's position: one walk per span. */
		{
			size_t		start = gt_utf8_to_server_offset(&starts, cues[i].offset);
			size_t		end;

			ends = starts;
			end = gt_utf8_to_server_offset(&ends, cues[i].offset + cues[i].length);
			if (end < start)
				end = start;

			off = (int32) Min(start, (size_t) PG_INT32_MAX);
			n = (int32) Min(end - start, (size_t) PG_INT32_MAX);
			values[0] = PointerGetDatum(cstring_to_text_with_len(starts.server + start, (int) (end - start)));
		}
		values[1] = PointerGetDatum(cstring_to_text(cat ? cat : "?"));
		values[2] = Float8GetDatum(cues[i].weight);
		values[3] = Int32GetDatum(off);
		values[4] = Int32GetDatum(n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * first_name and is_personal on long texts: the library calls have no
 * interrupt callback, so a long text goes to them in pieces of about 1 MB,
 * each ending before a byte that cannot be part of a name (first_name) or
 * a word (is_personal), with a cancel check between pieces. Short texts
 * take one call, as before.
 */
#define GT_TEXT_PIECE (1 << 20)

static bool
is_name_byte(unsigned char b)
{
	return b >= 0x80 || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

static bool
is_word_byte(unsigned char b)
{
	return is_name_byte(b) || (b >= '0' && b <= '9');
}

/* End of the piece that starts at pos; a run of in_run bytes longer than a
 * piece stays whole (the rest of the text). */
static size_t
piece_end(const char *p, size_t len, size_t pos, bool (*in_run) (unsigned char))
{
	size_t		end,
				limit;

	if (len - pos <= GT_TEXT_PIECE)
		return len;
	end = pos + GT_TEXT_PIECE;
	limit = Min(len, end + GT_TEXT_PIECE);
	while (end < limit && in_run((unsigned char) p[end]))
		end++;
	return end < limit ? end : len;
}

/* The first name's span in a UTF-8 text; false when there is none. */
static bool
first_name_span(const char *p, size_t len, size_t *off, size_t *n, const char *what)
{
	size_t		pos = 0;

	*off = 0;
	*n = 0;
	if (len <= GT_TEXT_PIECE)
	{
		gt_check(gt_first_name(off, n, p, len), what);
		return *n > 0;
	}
	while (pos < len)
	{
		size_t		end = piece_end(p, len, pos, is_name_byte);
		size_t		o = 0,
					k = 0;

		gt_check(gt_first_name(&o, &k, p + pos, end - pos), what);
		if (k > 0)
		{
			*off = pos + o;
			*n = k;
			return true;
		}
		pos = end;
		CHECK_FOR_INTERRUPTS();
	}
	return false;
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
	GtOffsetMap m;
	int32		s_off,
				s_len;

	if (!first_name_span(p, len, &off, &n, "first_name"))
		PG_RETURN_NULL();
	gt_offset_map_init(&m, p, len, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	PG_RETURN_TEXT_P(server_slice(&m, off, n, &s_off, &s_len));
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
	if (rlen <= GT_TEXT_PIECE && alen <= GT_TEXT_PIECE)
	{
		gt_check(gt_is_personal(&out, r, rlen, a, alen), "is_personal");
		PG_RETURN_BOOL(out != 0);
	}
	else
	{
		/* The author's first name is its own first name: pass it alone. */
		size_t		off,
					n,
					pos = 0;

		if (!first_name_span(a, alen, &off, &n, "is_personal"))
			PG_RETURN_BOOL(false);
		while (pos < rlen)
		{
			size_t		end = piece_end(r, rlen, pos, is_word_byte);

			gt_check(gt_is_personal(&out, r + pos, end - pos, a + off, n), "is_personal");
			if (out)
				PG_RETURN_BOOL(true);
			pos = end;
			CHECK_FOR_INTERRUPTS();
		}
		PG_RETURN_BOOL(false);
	}
}

/*
 * Spec: a NULL body is not appreciative. Classified with the built-in
 * handle (whose interrupt callback makes a huge text cancellable), which
 * answers exactly as gt_is_appreciative.
 */
PG_FUNCTION_INFO_V1(gt_pg_is_appreciative);
Datum
gt_pg_is_appreciative(PG_FUNCTION_ARGS)
{
	size_t		len;
	const char *p;
	gt_classification c;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	p = gt_text_utf8(PG_GETARG_TEXT_PP(0), &len);
	gt_check(gt_classify(&c, gt_pg_builtin_lexicon(), p, len), "is_appreciative");
	PG_RETURN_BOOL(c.appreciative != 0);
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
		values[0] = PointerGetDatum(gt_text_from_utf8(phrase, plen));
		values[1] = PointerGetDatum(cstring_to_text(gt_category_name(cat) ? gt_category_name(cat) : "?"));
		values[2] = Float8GetDatum(w);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
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
	gt_lexicon_set_interrupt(*slot, gt_pg_interrupt, NULL);
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
	put_entries(fcinfo, lex);
	return (Datum) 0;
}
