/*
 * gt_lexicon_cache.c -- the lexicon in force: built-in, or built-in
 * extended/replaced by the rows of givetake.lexicon (GUC lexicon_mode).
 *
 * Compiling a lexicon costs from a third of a millisecond (the built-in
 * cues) to seconds (100,000 user cues), so the compiled one is cached per
 * backend. A statement-level trigger bumps givetake.lexicon_state.version on
 * every change of givetake.lexicon; that row is read (in the current
 * snapshot) when a call site first runs and again whenever the command
 * counter has moved since (a new statement, or a later command of the same
 * PL/pgSQL block), and the cache is rebuilt when (mode, version, xmin)
 * differ. xmin tells apart two transactions that reached the same version
 * number, one of them rolled back.
 *
 * The table's rows go to the library in one gt_lexicon_add_many call (one
 * compilation), which polls gt_pg_interrupt: cancel and statement_timeout
 * stop even a huge first compilation.
 */
#include "gt_pg.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#if PG_VERSION_NUM >= 170000
#define GT_LXID (MyProc->vxid.lxid)
#else
#define GT_LXID (MyProc->lxid)
#endif

typedef struct LexCache
{
	bool		valid;
	int			mode;
	int64		version;
	char		xmin[16];
	gt_lexicon *lex;			/* NULL = built-in */
} LexCache;

/* What a call site remembers until the command counter moves. */
typedef struct LexRef
{
	const gt_lexicon *lex;
	LocalTransactionId lxid;
	CommandId	cid;
} LexRef;

static LexCache cache;
static gt_lexicon *builtin = NULL;	/* never freed */

const gt_lexicon *
gt_pg_builtin_lexicon(void)
{
	if (builtin == NULL)
	{
		gt_lexicon *lex = NULL;

		gt_check(gt_lexicon_new(&lex, GT_LEXICON_DEFAULT), "creating the built-in lexicon");
		gt_lexicon_set_interrupt(lex, gt_pg_interrupt, NULL);
		builtin = lex;
	}
	return builtin;
}

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

/* A phrase for an error message: at most 64 bytes, cut on a character. */
static char *
phrase_for_message(text *phrase)
{
	const char *p = VARDATA_ANY(phrase);
	int			n = VARSIZE_ANY_EXHDR(phrase);
	int			cut = pg_mbcliplen(p, n, 64);

	return psprintf("%.*s%s", cut, p, cut < n ? "..." : "");
}

/* Compile givetake.lexicon on top of the built-in or an empty lexicon. */
static gt_lexicon *
build_lexicon(int mode)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "givetake lexicon build",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	gt_lexicon **slot = gt_lexicon_guard(cxt);
	gt_lexicon *lex;
	gt_cue_def *cues;
	uint64		n;
	uint64		i;
	int			ret;
	int			st;

	/* One row past the library's limit is enough to refuse the table. */
	ret = SPI_execute("SELECT phrase, category, weight FROM givetake.lexicon "
					  "ORDER BY phrase COLLATE \"C\" LIMIT 1000001", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "givetake: reading givetake.lexicon failed: %s", SPI_result_code_string(ret));

	n = SPI_processed;
	if (n > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("givetake.lexicon: lexicon too large: more than 1,000,000 cues")));
	if (mode == GT_LEXMODE_EXTEND && n == 0)
	{
		MemoryContextDelete(cxt);
		return NULL;			/* same cues as the built-in handle */
	}

	old = MemoryContextSwitchTo(cxt);
	cues = palloc_extended(Max(n, 1) * sizeof(gt_cue_def), MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		n1, n2, n3;
		text	   *phrase = DatumGetTextPP(SPI_getbinval(tup, desc, 1, &n1));
		text	   *cat = DatumGetTextPP(SPI_getbinval(tup, desc, 2, &n2));
		double		weight = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &n3));

		if (n1 || n2 || n3)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("givetake.lexicon: a row has a NULL phrase, category or weight")));
		cues[i].phrase = gt_text_utf8(phrase, &cues[i].len);
		cues[i].category = gt_category_parse(GT_TEXT_PTR(cat), GT_TEXT_LEN(cat));
		cues[i].reserved = 0;
		cues[i].weight = weight;
		if (cues[i].category < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.lexicon: unknown category \"%s\" for phrase \"%s\"",
							text_to_cstring(cat), text_to_cstring(phrase))));
		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextSwitchTo(old);

	gt_check_lexicon(gt_lexicon_new(slot, mode == GT_LEXMODE_REPLACE ?
									GT_LEXICON_EMPTY : GT_LEXICON_DEFAULT),
					 *slot, "creating a lexicon");
	gt_lexicon_set_interrupt(*slot, gt_pg_interrupt, NULL);
	st = gt_lexicon_add_many(*slot, cues, (size_t) n);
	if (st == GT_ECANCELED)
		gt_pg_raise_cancel();
	if (st < 0)
	{
		const char *msg = gt_lexicon_errmsg(*slot);
		size_t		bad;
		bool		isnull;

		/* "gt_lexicon_add_many: cue 17: ..." -> name the row's phrase. */
		if (sscanf(msg, "gt_lexicon_add_many: cue %zu:", &bad) == 1 && bad < n)
			ereport(ERROR,
					(errcode(st == GT_ENOMEM ? ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake.lexicon: phrase \"%s\": %s",
							phrase_for_message(DatumGetTextPP(SPI_getbinval(SPI_tuptable->vals[bad],
																			SPI_tuptable->tupdesc, 1, &isnull))),
							strchr(msg + strlen("gt_lexicon_add_many: cue "), ':') + 2)));
		ereport(ERROR,
				(errcode(st == GT_ENOMEM ? ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("givetake.lexicon: %s", *msg ? msg : gt_strerror(st))));
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
		return gt_pg_builtin_lexicon();

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
	return cache.lex ? cache.lex : gt_pg_builtin_lexicon();
}

/*
 * The backend's last lookup, for call sites whose FmgrInfo is new on every
 * call (Citus's worker_partial_agg calls a transition function through a
 * fresh one per row), which would otherwise read lexicon_state per row.
 * Reading that row gives the same answer while the transaction and
 * subtransaction (a rolled-back one takes its changes away), the command,
 * the mode and the active snapshot are the same; two snapshots
 * with equal xmin, xmax and counts of running transactions see the same
 * commits (a commit in between changes xmax or removes one of them).
 */
typedef struct LastLookup
{
	bool		valid;
	const gt_lexicon *lex;
	LocalTransactionId lxid;
	SubTransactionId subxid;
	CommandId	cid;
	int			mode;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	CommandId	curcid;
} LastLookup;

static LastLookup last;

static const gt_lexicon *
lexicon_for_command(CommandId cid)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	const gt_lexicon *lex;

	if (snap != NULL && last.valid && last.lxid == GT_LXID &&
		last.subxid == GetCurrentSubTransactionId() && last.cid == cid &&
		last.mode == gt_lexicon_mode && last.xmin == snap->xmin && last.xmax == snap->xmax &&
		last.xcnt == snap->xcnt && last.subxcnt == snap->subxcnt &&
		last.suboverflowed == snap->suboverflowed && last.curcid == snap->curcid)
		return last.lex;
	last.valid = false;
	lex = current_lexicon();
	if (snap != NULL)
	{
		last.lex = lex;
		last.lxid = GT_LXID;
		last.subxid = GetCurrentSubTransactionId();
		last.cid = cid;
		last.mode = gt_lexicon_mode;
		last.xmin = snap->xmin;
		last.xmax = snap->xmax;
		last.xcnt = snap->xcnt;
		last.subxcnt = snap->subxcnt;
		last.suboverflowed = snap->suboverflowed;
		last.curcid = snap->curcid;
		last.valid = true;
	}
	return lex;
}

const gt_lexicon *
gt_pg_lexicon(FmgrInfo *flinfo)
{
	LexRef	   *ref;
	CommandId	cid = GetCurrentCommandId(false);

	if (flinfo == NULL)
		return current_lexicon();
	ref = (LexRef *) flinfo->fn_extra;
	if (ref != NULL && ref->lxid == GT_LXID && ref->cid == cid)
		return ref->lex;
	if (ref == NULL)
		ref = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(LexRef));
	ref->lex = lexicon_for_command(cid);
	ref->lxid = GT_LXID;
	ref->cid = cid;
	flinfo->fn_extra = ref;
	return ref->lex;
}

/*
 * givetake._check_cue(phrase, category, weight): the lexicon table's CHECK.
 * True, or an ERROR giving the library's reason, so that the table holds
 * only rows the library accepts.
 */
PG_FUNCTION_INFO_V1(gt_pg_check_cue);
Datum
gt_pg_check_cue(PG_FUNCTION_ARGS)
{
	static gt_lexicon *scratch = NULL;	/* for its error message */
	text	   *phrase = PG_GETARG_TEXT_PP(0);
	text	   *cat = PG_GETARG_TEXT_PP(1);
	gt_cue_def	cue;
	int			st;

	if (scratch == NULL)
		gt_check(gt_lexicon_new(&scratch, GT_LEXICON_EMPTY), "creating a lexicon");
	cue.phrase = gt_text_utf8(phrase, &cue.len);
	cue.category = gt_category_parse(GT_TEXT_PTR(cat), GT_TEXT_LEN(cat));
	cue.reserved = 0;
	cue.weight = PG_GETARG_FLOAT8(2);
	if (cue.category < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("givetake.lexicon: unknown category \"%s\"", text_to_cstring(cat)),
				 errhint("Use teaching, helping, crediting, inviting, responsibility, give, selling, "
						 "self_promotion, take or negation.")));
	st = gt_lexicon_check(scratch, &cue);
	if (st == GT_EUTF8)			/* only in SQL_ASCII: the phrase cannot be shown */
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("givetake.lexicon: the phrase is not valid UTF-8"),
				 errdetail("In a SQL_ASCII database text reaches libgivetake as it is stored.")));
	if (st < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("givetake.lexicon: phrase \"%s\": %s", phrase_for_message(phrase),
						*gt_lexicon_errmsg(scratch) ? gt_lexicon_errmsg(scratch) : gt_strerror(st))));
	PG_RETURN_BOOL(true);
}
