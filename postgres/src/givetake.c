/*
 * givetake.c -- module entry, ABI error mapping and handle lifetimes.
 */
#include "gt_pg.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/* Structs cross the boundary by layout: refuse a mismatched library. */
	if (gt_version_number() / 1000 != GT_VERSION_NUMBER / 1000)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("libgivetake %s does not match the header %s the extension was built with",
						gt_version_string(), GT_VERSION_STRING)));
	gt_define_gucs();
}

static int
gt_errcode(int status)
{
	switch (status)
	{
		case GT_ENOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case GT_EUTF8:
			return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
		case GT_ERANGE:
			return ERRCODE_DATA_EXCEPTION;
		case GT_EPARSE:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case GT_ESTATE:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		default:
			return ERRCODE_INVALID_PARAMETER_VALUE;
	}
}

int
gt_pg_interrupt(void *context)
{
	(void) context;
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

/*
 * The library stopped because a cancel or terminate is pending: let
 * PostgreSQL raise it. Should it not (the flag was consumed meanwhile), the
 * statement still ends with the cancel's error code.
 */
void
gt_pg_raise_cancel(void)
{
	CHECK_FOR_INTERRUPTS();
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("canceling statement: givetake was interrupted")));
}

void
gt_check(int status, const char *what)
{
	if (status == GT_ECANCELED)
		gt_pg_raise_cancel();
	if (status < 0)
		ereport(ERROR,
				(errcode(gt_errcode(status)),
				 errmsg("givetake: %s failed: %s", what, gt_strerror(status))));
}

void
gt_check_scorer(int status, gt_scorer *s, const char *what)
{
	if (status < 0)
	{
		const char *msg = s ? gt_scorer_errmsg(s) : NULL;

		ereport(ERROR,
				(errcode(gt_errcode(status)),
				 errmsg("givetake: %s failed: %s%s", what,
						msg && *msg ? msg : gt_strerror(status),
						status == GT_ENOMEM && gt_max_memory_kb > 0 ? " (givetake.max_memory)" : ""),
				 status == GT_ENOMEM && gt_max_memory_kb > 0
				 ? errhint("The limit is givetake.max_memory (now %d kB); raise it, or score fewer rows per call.",
						   gt_max_memory_kb) : 0));
	}
}

void
gt_check_lexicon(int status, gt_lexicon *lex, const char *what)
{
	if (status == GT_ECANCELED)
		gt_pg_raise_cancel();
	if (status < 0)
	{
		const char *msg = lex ? gt_lexicon_errmsg(lex) : NULL;

		ereport(ERROR,
				(errcode(gt_errcode(status)),
				 errmsg("givetake: %s failed: %s", what,
						msg && *msg ? msg : gt_strerror(status))));
	}
}

/*
 * A guard is allocated in a memory context before the handle is created, so
 * there is no window in which an ERROR could leak the handle: the context's
 * reset callback frees whatever the slot holds (gt_*_free(NULL) is a no-op).
 */
typedef struct GtGuard
{
	MemoryContextCallback cb;
	void	   *handle;
} GtGuard;

static void
free_scorer_cb(void *arg)
{
	GtGuard    *g = (GtGuard *) arg;

	gt_scorer_free((gt_scorer *) g->handle);
	g->handle = NULL;
}

static void
free_lexicon_cb(void *arg)
{
	GtGuard    *g = (GtGuard *) arg;

	gt_lexicon_free((gt_lexicon *) g->handle);
	g->handle = NULL;
}

static GtGuard *
new_guard(MemoryContext cxt, MemoryContextCallbackFunction fn)
{
	GtGuard    *g = MemoryContextAllocZero(cxt, sizeof(GtGuard));

	g->cb.func = fn;
	g->cb.arg = g;
	MemoryContextRegisterResetCallback(cxt, &g->cb);
	return g;
}

gt_scorer **
gt_scorer_guard(MemoryContext cxt)
{
	return (gt_scorer **) &new_guard(cxt, free_scorer_cb)->handle;
}

gt_lexicon **
gt_lexicon_guard(MemoryContext cxt)
{
	return (gt_lexicon **) &new_guard(cxt, free_lexicon_cb)->handle;
}

PG_FUNCTION_INFO_V1(gt_pg_version);
Datum
gt_pg_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(gt_version_string()));
}
