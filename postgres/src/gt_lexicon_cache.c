/*
 * gt_lexicon_cache.c -- the lexicon in force: built-in, or built-in
 * extended/replaced by the rows of givetake.lexicon (GUC lexicon_mode).
 *
 * Compiling a lexicon costs about a third of a millisecond, so the compiled
 * one is cached per backend. A statement-level trigger bumps
 * givetake.lexicon_state.version on every change of givetake.lexicon; that
 * row is read (in the statement's snapshot) once per statement and call
 * site, and the cache is rebuilt when (mode, version, xmin) differ. xmin
 * tells apart two transactions that reached the same version number, one of
 * them rolled back.
 */
#include "gt_pg.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

typedef struct LexCache
{
	bool		valid;
	int			mode;
	int64		version;
	char		xmin[16];
	gt_lexicon *lex;			/* NULL = built-in */
} LexCache;

/* What a call site remembers for the rest of its statement. */
typedef struct LexRef
{
	const gt_lexicon *lex;
} LexRef;

static LexCache cache;

/*
 * A replaced lexicon may still be referenced by a call site of an outer
 * statement (a volatile function can change the table mid-statement), so it
 * is only freed at the end of the transaction.
 */
static gt_lexicon **retired = NULL;	/* in TopMemoryContext */
static int	n_retired = 0;
static int	max_retired = 0;
static bool xact_cb_registered = false;

static void
free_retired(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		while (n_retired > 0)
			gt_lexicon_free(retired[--n_retired]);
	}
}

/* Make room first, so that retire() itself cannot fail. */
static void
reserve_retired(void)
{
	if (!xact_cb_registered)
	{
		RegisterXactCallback(free_retired, NULL);
		xact_cb_registered = true;
	}
	if (n_retired < max_retired)
		return;
	max_retired = max_retired ? 2 * max_retired : 8;
	retired = retired
		? repalloc(retired, max_retired * sizeof(gt_lexicon *))
		: MemoryContextAlloc(TopMemoryContext, max_retired * sizeof(gt_lexicon *));
}

static void
retire(gt_lexicon *lex)
{
	if (lex == NULL)
		return;
	retired[n_retired++] = lex;
}

/* Compile givetake.lexicon on top of the built-in or an empty lexicon. */
static gt_lexicon *
build_lexicon(int mode)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "givetake lexicon build",
											  ALLOCSET_SMALL_SIZES);
	gt_lexicon **slot = gt_lexicon_guard(cxt);
	gt_lexicon *lex;
	uint64		i;
	int			ret;

	ret = SPI_execute("SELECT phrase, category, weight FROM givetake.lexicon "
					  "ORDER BY phrase COLLATE \"C\"", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "givetake: reading givetake.lexicon failed: %s", SPI_result_code_string(ret));

	if (mode == GT_LEXMODE_EXTEND && SPI_processed == 0)
	{
		MemoryContextDelete(cxt);
		return NULL;			/* same cues as the built-in fast path */
	}

	gt_check_lexicon(gt_lexicon_new(slot, mode == GT_LEXMODE_REPLACE ?
									GT_LEXICON_EMPTY : GT_LEXICON_DEFAULT),
					 *slot, "creating a lexicon");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		n1, n2, n3;
		text	   *phrase = DatumGetTextPP(SPI_getbinval(tup, desc, 1, &n1));
		text	   *cat = DatumGetTextPP(SPI_getbinval(tup, desc, 2, &n2));
		double		weight = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &n3));
		int			code;
		int			st;

		if (n1 || n2 || n3)
			continue;			/* the table's NOT NULL constraints forbid this */
		code = gt_category_parse(GT_TEXT_PTR(cat), GT_TEXT_LEN(cat));
		if (code < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.lexicon: unknown category \"%s\" for phrase \"%s\"",
							text_to_cstring(cat), text_to_cstring(phrase))));
		st = gt_lexicon_add(*slot, GT_TEXT_PTR(phrase), GT_TEXT_LEN(phrase), code, weight);
		if (st < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.lexicon: phrase \"%s\": %s", text_to_cstring(phrase),
							*gt_lexicon_errmsg(*slot) ? gt_lexicon_errmsg(*slot) : gt_strerror(st))));
	}
	lex = *slot;
	*slot = NULL;				/* ownership moves to the cache */
	MemoryContextDelete(cxt);
	return lex;
}

/* The lexicon for the current snapshot, via the backend cache. */
static const gt_lexicon *
current_lexicon(void)
{
	int			mode = gt_lexicon_mode;
	int64		version;
	char	   *xmin;
	bool		isnull;
	int			ret;

	if (mode == GT_LEXMODE_BUILTIN)
		return NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	ret = SPI_execute("SELECT version, xmin::text FROM givetake.lexicon_state", true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "givetake: givetake.lexicon_state must hold exactly one row");
	version = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	xmin = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

	if (!(cache.valid && cache.mode == mode && cache.version == version &&
		  strcmp(cache.xmin, xmin) == 0))
	{
		gt_lexicon *lex;

		reserve_retired();
		lex = build_lexicon(mode);
		cache.valid = false;
		retire(cache.lex);
		cache.lex = lex;
		cache.mode = mode;
		cache.version = version;
		strlcpy(cache.xmin, xmin, sizeof(cache.xmin));
		cache.valid = true;
	}
	SPI_finish();
	return cache.lex;
}

const gt_lexicon *
gt_pg_lexicon(FmgrInfo *flinfo)
{
	LexRef	   *ref;

	if (flinfo == NULL)
		return current_lexicon();
	if (flinfo->fn_extra != NULL)
		return ((LexRef *) flinfo->fn_extra)->lex;
	ref = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(LexRef));
	ref->lex = current_lexicon();
	flinfo->fn_extra = ref;
	return ref->lex;
}
