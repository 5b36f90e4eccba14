/*
 * gt_score.c -- score_accounts / score_contacts / score_turns /
 * score_agents: read any table or view with the spec's column names
 * through an SPI cursor, feed gt_scorer_add in batches, return the spec
 * section 7 rows. One pass, inside the backend (plus one small query for
 * account names where the source has them) -- or, when the source does not
 * fit in givetake.max_memory, groups of accounts scored one at a time (see
 * score_in_groups).
 *
 * refresh_scores calls the four (and score_periods, when it is given a
 * period) through internal variants that take a token it draws once per
 * refresh, with the refresh's period: calls with the same token (one
 * statement, one snapshot) share one scored source, so the outputs cost
 * one pass (a source scored in groups: the first call's grouped pass
 * writes every kind's rows, the others take theirs).
 */
#include "gt_pg.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

/* gt_interrupt_fn for gt_scorer_finish: report a pending cancel or
 * terminate only (timers also set InterruptPending). */
static int
interrupt_pending(void *context)
{
	return gt_pg_interrupt(context);
}

#define GT_BATCH_ROWS 4096
/* The one-pass attempt looks at the source's planned size from here on. */
#define EARLY_CHECK_ROWS 65536

typedef enum ColKind
{
	COL_INT8, COL_TEXT, COL_BOOL, COL_TIME, COL_VALUE
} ColKind;

typedef enum ColIndex
{
	C_ID, C_ACCOUNT, C_CONTACT, C_PARENT, C_CHANNEL, C_KIND, C_INBOUND,
	C_AUTOMATED, C_MEDIA, C_CREATED, C_AUTHOR, C_BODY, C_VALUE,
	C_THREAD, C_AGENT, C_COUNT
} ColIndex;

/* Columns from C_FIRST_OPTIONAL on may be missing: they read as NULL. */
#define C_FIRST_OPTIONAL C_THREAD

static const struct
{
	const char *name;
	ColKind		kind;
}			columns[C_COUNT] = {
	{"id", COL_INT8}, {"account_id", COL_INT8}, {"contact_id", COL_INT8},
	{"parent_id", COL_INT8}, {"channel", COL_TEXT}, {"kind", COL_TEXT},
	{"inbound", COL_BOOL}, {"automated", COL_BOOL}, {"has_media", COL_BOOL},
	{"created_at", COL_TIME}, {"author_name", COL_TEXT}, {"body", COL_TEXT},
	{"value", COL_VALUE}, {"thread_id", COL_INT8}, {"agent_id", COL_INT8}
};

static const char *
expected_type(ColKind k)
{
	switch (k)
	{
		case COL_INT8:
			return "bigint";
		case COL_TEXT:
			return "text";
		case COL_BOOL:
			return "boolean";
		case COL_TIME:
			return "timestamp with time zone";
		default:
			return "double precision or numeric";
	}
}

/* Types accepted per kind (domains are resolved to their base type). */
static bool
type_ok(ColKind k, Oid t)
{
	switch (k)
	{
		case COL_INT8:
			return t == INT8OID || t == INT4OID || t == INT2OID;
		case COL_TEXT:
			return t == TEXTOID || t == VARCHAROID || t == BPCHAROID ||
				t == NAMEOID || type_is_enum(t);
		case COL_BOOL:
			return t == BOOLOID;
		case COL_TIME:
			/* timestamp without time zone is taken as UTC (same micros) */
			return t == TIMESTAMPTZOID || t == TIMESTAMPOID;
		default:
			return t == FLOAT8OID || t == FLOAT4OID || t == NUMERICOID ||
				t == INT8OID || t == INT4OID || t == INT2OID;
	}
}

/*
 * Check every spec column of `relid` and build the cursor query. The
 * relation name is quoted by quote_qualified_identifier; column names are
 * the spec's constants.
 */
static char *
source_query(Oid relid)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	char	   *relname = RelationGetRelationName(rel);
	StringInfoData q;
	int			i;

	switch (rel->rd_rel->relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_VIEW:
		case RELKIND_MATVIEW:
		case RELKIND_FOREIGN_TABLE:
		case RELKIND_PARTITIONED_TABLE:
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not a table, view or foreign table", relname)));
	}

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (i = 0; i < C_COUNT; i++)
	{
		const char *name = columns[i].name;
		AttrNumber	att = get_attnum(relid, name);
		Oid			typ;

		if (att == InvalidAttrNumber && i >= C_FIRST_OPTIONAL)
		{
			appendStringInfoString(&q, ", NULL::pg_catalog.int8");
			continue;
		}
		if (att == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist", name, relname),
					 errhint("givetake expects a column \"%s\" of type %s; map your table through a view.",
							 name, expected_type(columns[i].kind))));
		typ = getBaseType(get_atttype(relid, att));
		if (!type_ok(columns[i].kind, typ))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of relation \"%s\" has type %s, expected %s",
							name, relname, format_type_be(typ), expected_type(columns[i].kind))));
		if (i > 0)
			appendStringInfoString(&q, ", ");
		switch (columns[i].kind)
		{
			case COL_INT8:
				appendStringInfo(&q, "%s::pg_catalog.int8", quote_identifier(name));
				break;
			case COL_TEXT:
				appendStringInfo(&q, "%s::pg_catalog.text", quote_identifier(name));
				break;
			case COL_VALUE:
				appendStringInfo(&q, "%s::pg_catalog.float8", quote_identifier(name));
				break;
			default:
				appendStringInfoString(&q, quote_identifier(name));
		}
	}
	appendStringInfo(&q, " FROM %s",
					 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												relname));
	relation_close(rel, NoLock);
	return q.data;
}

static int64
to_unix_micros(TimestampTz t, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("givetake: %s must be a finite timestamp", what)));
	return (int64) t + GT_PG_EPOCH_SHIFT;
}

static gt_text
text_field(Datum d, bool isnull)
{
	gt_text		t = {NULL, 0};

	if (!isnull)
		t.ptr = gt_text_utf8(DatumGetTextPP(d), &t.len);
	return t;
}

static void
require(bool isnull, int col, uint64 rowno)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("givetake: column \"%s\" is NULL in source row %llu",
						columns[col].name, (unsigned long long) rowno),
				 errhint("id, account_id and created_at must not be NULL.")));
}

/*
 * One source row (its values and nulls) -> gt_interaction; text pointers
 * live in the batch context.
 */
static void
convert_values(gt_interaction *r, const Datum *v, const bool *n, uint64 rowno)
{
	gt_text		t;

	memset(r, 0, sizeof(*r));
	require(n[C_ID], C_ID, rowno);
	require(n[C_ACCOUNT], C_ACCOUNT, rowno);
	require(n[C_CREATED], C_CREATED, rowno);
	r->id = DatumGetInt64(v[C_ID]);
	r->account_id = DatumGetInt64(v[C_ACCOUNT]);
	if (!n[C_CONTACT])
	{
		r->contact_id = DatumGetInt64(v[C_CONTACT]);
		r->flags |= GT_ROW_HAS_CONTACT;
	}
	if (!n[C_PARENT])
	{
		r->parent_id = DatumGetInt64(v[C_PARENT]);
		r->flags |= GT_ROW_HAS_PARENT;
	}
	/* NULL or unknown channel/kind -> -1: the engine counts an anomaly */
	t = text_field(v[C_CHANNEL], n[C_CHANNEL]);
	r->channel = t.ptr ? gt_channel_parse(t.ptr, t.len) : -1;
	t = text_field(v[C_KIND], n[C_KIND]);
	r->kind = t.ptr ? gt_kind_parse(t.ptr, t.len) : -1;
	if (!n[C_INBOUND] && DatumGetBool(v[C_INBOUND]))
		r->flags |= GT_ROW_INBOUND;
	if (!n[C_AUTOMATED] && DatumGetBool(v[C_AUTOMATED]))
		r->flags |= GT_ROW_AUTOMATED;
	if (!n[C_MEDIA] && DatumGetBool(v[C_MEDIA]))
		r->flags |= GT_ROW_HAS_MEDIA;
	if (TIMESTAMP_NOT_FINITE(DatumGetTimestampTz(v[C_CREATED])))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("givetake: created_at must be a finite timestamp (source row %llu, id " INT64_FORMAT ")",
						(unsigned long long) rowno, r->id)));
	r->created_at = to_unix_micros(DatumGetTimestampTz(v[C_CREATED]), "created_at");
	r->author_name = text_field(v[C_AUTHOR], n[C_AUTHOR]);
	r->body = text_field(v[C_BODY], n[C_BODY]);
	r->value = n[C_VALUE] ? 0.0 : DatumGetFloat8(v[C_VALUE]);
	if (!n[C_THREAD])
	{
		r->thread_id = DatumGetInt64(v[C_THREAD]);
		r->flags |= GT_ROW_HAS_THREAD;
	}
	if (!n[C_AGENT])
	{
		r->agent_id = DatumGetInt64(v[C_AGENT]);
		r->flags |= GT_ROW_HAS_AGENT;
	}
}

/* The same from a tuple of the spec columns, and in a pass over groups of
 * accounts one more (the group). */
static void
convert_row(gt_interaction *r, HeapTuple tup, TupleDesc desc, uint64 rowno)
{
	Datum		v[C_COUNT + 1];
	bool		n[C_COUNT + 1];

	Assert(desc->natts <= C_COUNT + 1);
	heap_deform_tuple(tup, desc, v, n);
	convert_values(r, v, n, rowno);
}

static void
configure(gt_scorer *s, FunctionCallInfo fcinfo, int as_of_arg, int period)
{
	int			i;

	if (!PG_ARGISNULL(as_of_arg))
		gt_check_scorer(gt_scorer_set_as_of(s, to_unix_micros(PG_GETARG_TIMESTAMPTZ(as_of_arg), "as_of")),
						s, "as_of");
	for (i = 0; i < GT_CHANNEL_COUNT; i++)
		gt_check_scorer(gt_scorer_set_sla_clock(s, i, gt_sla_clock_channel[i] >= 0 ? gt_sla_clock_channel[i]
												: gt_sla_clock), s, "givetake.sla_clock");
	gt_check_scorer(gt_scorer_set_period(s, period), s, "period");
	for (i = 0; i < GT_CHANNEL_COUNT; i++)
		gt_check_scorer(gt_scorer_set_sla(s, i, (double) gt_sla_seconds[i]), s, "givetake.sla_*");
	gt_check_scorer(gt_scorer_set_half_life(s, (double) gt_half_life_seconds), s, "givetake.half_life");
	for (i = 0; i < GT_HEALTH_COUNT; i++)
		gt_check_scorer(gt_scorer_set_health_weight(s, i, gt_health_weights[i]), s,
						"givetake.health_weights");
	gt_check_scorer(gt_scorer_set_give_target(s, gt_give_target), s, "givetake.give_target");
	gt_check_scorer(gt_scorer_set_ack_unit(s, gt_ack_unit), s, "givetake.ack_unit");
}

/* Account names, sorted by account_id, for a binary search per row. */
typedef struct AccountNames
{
	int			count;
	int64	   *ids;
	text	  **names;
} AccountNames;

/* Writes the rows of a finished scorer of one kind into a tuplestore. */
typedef void (*EmitFn) (gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);

/* The kinds of rows refresh_scores writes, one table each (periods only
 * when the refresh has a period). */
typedef enum RefreshKind
{
	K_ACCOUNTS, K_CONTACTS, K_TURNS, K_AGENTS, K_PERIODS, K_COUNT
} RefreshKind;

/*
 * Where a scored source's rows go: each fn emits the results of a
 * finished scorer into its tuplestore (the call's own, or for a refresh
 * scored in groups, one per kind). Scoring in groups calls them once per
 * group.
 */
typedef struct Emitter
{
	int			count;
	EmitFn		fn[K_COUNT];
	Tuplestorestate *store[K_COUNT];
	TupleDesc	desc[K_COUNT];
	const AccountNames *names;
} Emitter;

/* Scorer memory cap: ERROR or scoring in groups beyond it. */
static void
set_limit(gt_scorer *s)
{
	if (gt_max_memory_kb > 0)
		gt_check_scorer(gt_scorer_set_memory_limit(s, (size_t) gt_max_memory_kb * 1024), s,
						"givetake.max_memory");
}

/* gt_scorer_finish (or, for a part, gt_scorer_finish_part) with
 * cancellation: the library polls the flag and stops; the ERROR is raised
 * here, outside it. Returns the status. */
static int
finish_scorer_as(gt_scorer *s, bool part)
{
	int			rc;

	CHECK_FOR_INTERRUPTS();
	gt_scorer_set_interrupt(s, interrupt_pending, NULL);
	rc = part ? gt_scorer_finish_part(s) : gt_scorer_finish(s);
	if (rc == GT_ECANCELED)
		CHECK_FOR_INTERRUPTS();
	return rc;
}

static int
finish_scorer(gt_scorer *s)
{
	return finish_scorer_as(s, false);
}

/*
 * SPI_connect and a read-only cursor over the whole source query (rows in
 * the order the scan returns them); the caller closes it and SPI_finish-es.
 */
static Portal
open_source_cursor(const char *query)
{
	SPIPlanPtr	plan;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "givetake: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	return SPI_cursor_open(NULL, plan, NULL, NULL, true);
}

/*
 * The bytes the scorer held at the previous check of the one pass, to
 * tell the bytes each further row adds from what the first rows cost
 * once (the report of every account met, the tables' first slots).
 */
typedef struct PassGrowth
{
	uint64		seen;
	size_t		mem;
} PassGrowth;

/*
 * Whether the rows read so far (`seen`, in scorer `s`) project the
 * source past the memory limit, by the planner's row estimate of the
 * cursor: then reading on to the limit would only be thrown away.
 * Checked when `seen` reaches a power of two from 2^15 rows on; from
 * 2^16 rows on, the rows still to come are projected at the bytes per
 * row added since the check before. A wrong estimate costs time only: too
 * low, the pass reads on to the limit; too high, a source that fits is
 * scored in groups, with the same results.
 */
static bool
projects_past_limit(Portal portal, uint64 seen, const gt_scorer *s, PassGrowth *growth)
{
	PlannedStmt *stmt;
	double		limit = (double) gt_max_memory_kb * 1024;
	double		per_row;
	size_t		mem;
	bool		first;

	if (gt_max_memory_kb <= 0 || seen < EARLY_CHECK_ROWS / 2 || (seen & (seen - 1)) != 0 ||
		list_length(portal->stmts) != 1)
		return false;
	mem = gt_scorer_memory(s);
	if (mem == 0)
		return false;
	first = growth->seen == 0;
	per_row = first ? 0 : (double) (mem - Min(mem, growth->mem)) / (double) (seen - growth->seen);
	growth->seen = seen;
	growth->mem = mem;
	if (first)
		return false;
	stmt = linitial_node(PlannedStmt, portal->stmts);
	if (stmt->planTree != NULL)
		elog(DEBUG2, "givetake: " UINT64_FORMAT " rows plan %zu bytes, %.0f a further row, of %.0f rows planned",
			 seen, mem, per_row, stmt->planTree->plan_rows);
	/*
	 * No slack: the first rows meet new contacts and threads more often
	 * than later ones, so the projection runs a little high and a source
	 * just under the limit may be scored in groups; a slack would let
	 * sources just over it read on to the limit and throw that away,
	 * which costs more (1 M demo rows: one pass 1.25-1.55 s, in groups
	 * 1.75-1.92 s, in groups after a whole read thrown away 2.6-3.1 s).
	 */
	return stmt->planTree != NULL && stmt->planTree->plan_rows > (double) seen &&
		(double) mem + per_row * (stmt->planTree->plan_rows - (double) seen) > limit;
}

/*
 * One pass over the source into one scorer (in a slot of `cxt`). Returns
 * the finished scorer, or NULL when it would grow past givetake.max_memory
 * (the scorer is then freed and *seen tells how many rows fitted) -- or
 * when the rows read so far project the source past twice the limit
 * (*seen: the rows that would fit at their bytes per row).
 */
static gt_scorer *
score_one_pass(FunctionCallInfo fcinfo, MemoryContext cxt, const char *query, int as_of_arg, int period,
			   int64 *seen_out)
{
	gt_scorer **slot = gt_scorer_guard(cxt);
	gt_interaction *rows = MemoryContextAlloc(cxt, GT_BATCH_ROWS * sizeof(gt_interaction));
	MemoryContext batch = AllocSetContextCreate(cxt, "givetake batch", ALLOCSET_DEFAULT_SIZES);
	Portal		portal;
	uint64		seen = 0;
	PassGrowth	growth = {0, 0};
	int64		first = PG_INT64_MAX,
				last = PG_INT64_MIN;
	bool		over = false;
	int			rc;

	gt_check(gt_scorer_new(slot, gt_pg_lexicon(NULL)), "creating a scorer");
	configure(*slot, fcinfo, as_of_arg, period);
	set_limit(*slot);

	portal = open_source_cursor(query);
	for (;;)
	{
		uint64		i,
					n;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, GT_BATCH_ROWS);
		n = SPI_processed;
		if (n == 0)
			break;
		old = MemoryContextSwitchTo(batch);
		for (i = 0; i < n; i++)
		{
			convert_row(&rows[i], SPI_tuptable->vals[i], SPI_tuptable->tupdesc, seen + i + 1);
			first = Min(first, rows[i].created_at);
			last = Max(last, rows[i].created_at);
		}
		MemoryContextSwitchTo(old);
		rc = gt_scorer_add(*slot, rows, n);
		if (rc == GT_ENOMEM && gt_max_memory_kb > 0)
		{
			over = true;
			break;
		}
		gt_check_scorer(rc, *slot, "gt_scorer_add");
		seen += n;
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(batch);
		if (projects_past_limit(portal, seen, *slot, &growth))
		{
			size_t		mem = gt_scorer_memory(*slot);

			elog(DEBUG1, "givetake: the first " UINT64_FORMAT " rows project the source past givetake.max_memory",
				 seen);
			/* whole batches, as when the limit stops the pass */
			seen = (uint64) ((double) gt_max_memory_kb * 1024 / mem * seen) / GT_BATCH_ROWS * GT_BATCH_ROWS;
			seen = Max(seen, GT_BATCH_ROWS);
			over = true;
			break;
		}
	}
	SPI_cursor_close(portal);
	SPI_finish();
	MemoryContextReset(batch);
	*seen_out = (int64) seen;

	if (!over)
	{
		if (seen > 0)
		{
			if (!PG_ARGISNULL(as_of_arg))
				last = Max(last, to_unix_micros(PG_GETARG_TIMESTAMPTZ(as_of_arg), "as_of"));
			gt_pg_apply_schedules(*slot, cxt, first, last);
		}
		rc = finish_scorer(*slot);
		over = rc == GT_ENOMEM && gt_max_memory_kb > 0;
		if (!over)
		{
			gt_check_scorer(rc, *slot, "gt_scorer_finish");
			return *slot;
		}
	}
	gt_scorer_free(*slot);
	*slot = NULL;
	return NULL;
}

/*
 * A read of the source whose rows go one slot at a time to `row`, through
 * a DestReceiver (SPI_execute_plan_extended): no copy of each row into
 * SPI_tuptable and no deforming of that copy. row() runs in a batch
 * context reset every GT_BATCH_ROWS rows; the executor polls cancellation
 * per row. For the reads of a grouped pass, which keep nothing of a row
 * once it is written out.
 */
typedef struct SlotScan
{
	DestReceiver pub;
	void		(*row) (struct SlotScan *scan, TupleTableSlot *slot);
	void	   *arg;
	MemoryContext batch;
	uint64		rows;			/* handed to row() so far */
} SlotScan;

static bool
slot_scan_receive(TupleTableSlot *slot, DestReceiver *self)
{
	SlotScan   *scan = (SlotScan *) self;
	MemoryContext old = MemoryContextSwitchTo(scan->batch);

	slot_getallattrs(slot);
	scan->row(scan, slot);
	MemoryContextSwitchTo(old);
	if (++scan->rows % GT_BATCH_ROWS == 0)
		MemoryContextReset(scan->batch);
	return true;
}

static void
slot_scan_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
slot_scan_end(DestReceiver *self)
{
}

static void
scan_source(const char *query, SlotScan *scan)
{
	SPIPlanPtr	plan;
	SPIExecuteOptions options;
	int			rc;

	scan->pub.receiveSlot = slot_scan_receive;
	scan->pub.rStartup = slot_scan_startup;
	scan->pub.rShutdown = slot_scan_end;
	scan->pub.rDestroy = slot_scan_end;
	scan->pub.mydest = DestNone;
	scan->batch = AllocSetContextCreate(CurrentMemoryContext, "givetake batch", ALLOCSET_DEFAULT_SIZES);
	scan->rows = 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "givetake: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	memset(&options, 0, sizeof(options));
	options.read_only = true;
	options.dest = (DestReceiver *) scan;
	rc = SPI_execute_plan_extended(plan, &options);
	if (rc < 0)
		elog(ERROR, "givetake: reading the source failed: %s", SPI_result_code_string(rc));
	SPI_finish();
	MemoryContextDelete(scan->batch);
}

/*
 * Scoring in groups of accounts, from one read of the source: each row is
 * converted and written, packed, to the temporary file of its account's
 * bucket (a hash of account_id; as many buckets as work_mem has 8 kB file
 * buffers for, at most GT_MAX_GROUP_FILES), while the plan's facts are
 * gathered on the way: rows and created_at range per account and the
 * cross-account links (gt_links.c; SQL self-joins find the links when a
 * partition of them does not fit). Accounts linked to each other join
 * their buckets; the buckets are then packed into groups (gt_pack_groups),
 * the group holding the latest created_at first, and each group is scored
 * from its buckets' files, read one after another (the scorer does not
 * depend on the order of rows). Where links join many buckets, their
 * group is split by linked set before it is scored (split_joined_groups).
 * Every query of a call shares the statement's snapshot (read-only SPI).
 *
 * The groups are packed by rows, but what a group costs also depends on
 * its contacts, threads and accounts: a group of many linked sets may not
 * fit although each set would. Such a group is split in two by linked set
 * (partition_sets): one read of its files writes each row to its part's
 * new file (split_group), and the parts are scored in its place, each
 * split again if it still does not fit; only one linked set that does not
 * fit is an ERROR.
 */
typedef struct GroupRun
{
	FunctionCallInfo fcinfo;
	int			as_of_arg;
	int			period;
	GtSpill    *spill;			/* the rows, in files per group */
	int			groups;			/* groups scored (entries of order) */
	int64		first,			/* created_at range of the source (Unix micros) */
				last;
	/* What splitting a group needs. */
	int32	   *order;			/* the groups' numbers in the order scored */
	int		   *group_sets;		/* per group number: its linked sets */
	GtGroupMap	sets;			/* account id -> its set (the root's index) */
	int32	   *set_group;		/* per account index: a root's group, else -1 */
	int64	   *set_rows;		/* per account index: a root's set's rows */
	const int64 *ids;			/* per account index: its id */
	const int  *root;			/* per account index: its set's root */
	int			accounts;
	int			latest_set;		/* the set of the latest created_at, -1: none */
} GroupRun;

/* A group that does not fit: rows of one account, or of accounts linked by
 * references, that parts cannot split. */
static void
too_large(GroupRun *run, int pos, const char *what, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("givetake: %s failed: an account (with the accounts it is linked to by parent_id or "
					"shared ids; group %d of %d) does not fit in givetake.max_memory, and its contacts and "
					"threads cannot be split into parts that do: %s",
					what, pos + 1, run->groups, why),
			 errhint("Raise givetake.max_memory (now %d kB).", gt_max_memory_kb)));
}

static void
check_group(int rc, GroupRun *run, gt_scorer *s, int pos, const char *what)
{
	if (rc == GT_ENOMEM)
		too_large(run, pos, what, gt_scorer_errmsg(s));
	gt_check_scorer(rc, s, what);
}

/* Finish one group's scorer: GT_ENOMEM is returned when `splittable`. */
static int
finish_group(GroupRun *run, gt_scorer *s, MemoryContext gcxt, int64 as_of, int pos, bool splittable)
{
	int			rc;

	gt_pg_apply_schedules(s, gcxt, run->first, as_of != GT_AS_OF_LATEST ? Max(run->last, as_of) : run->last);
	rc = finish_scorer(s);
	if (rc == GT_ENOMEM && splittable)
		return rc;
	check_group(rc, run, s, pos, "gt_scorer_finish");
	return rc;
}

/* A group's rows into the tuplestore; what emitting allocates goes with it. */
static void
emit_group(const Emitter *emit, gt_scorer *s, MemoryContext emitcxt)
{
	MemoryContext old = MemoryContextSwitchTo(emitcxt);

	int			i;

	for (i = 0; i < emit->count; i++)
		emit->fn[i] (s, emit->store[i], emit->desc[i], emit->names);
	MemoryContextSwitchTo(old);
	MemoryContextReset(emitcxt);
}

typedef enum CloseResult
{
	CLOSE_DONE,					/* emitted (or its as_of noted) */
	CLOSE_NOT_LATEST,			/* the latest row was dropped: nothing emitted */
	CLOSE_TOO_BIG				/* did not fit (only when splittable): nothing emitted */
} CloseResult;

/*
 * Finish a group's scorer and hand on its rows. emit NULL: only its as_of
 * counts (*max_as_of keeps the largest). With no as_of given, a group
 * whose as_of is not the source's latest created_at (the latest row was
 * dropped) emits nothing and returns CLOSE_NOT_LATEST; otherwise *as_of
 * becomes the group's, which pins the groups after it. A group that does
 * not fit is an ERROR, or when `splittable` returns CLOSE_TOO_BIG.
 */
static CloseResult
close_group(GroupRun *run, gt_scorer *s, MemoryContext gcxt, int64 *as_of, int pos,
			const Emitter *emit, MemoryContext emitcxt, int64 *max_as_of, bool splittable)
{
	int64		got;

	if (finish_group(run, s, gcxt, *as_of, pos, splittable) == GT_ENOMEM)
		return CLOSE_TOO_BIG;
	gt_check_scorer(gt_scorer_as_of(&got, s), s, "gt_scorer_as_of");
	if (emit == NULL)
	{
		*max_as_of = Max(*max_as_of, got);
		return CLOSE_DONE;
	}
	if (*as_of == GT_AS_OF_LATEST && got != run->last)
		return CLOSE_NOT_LATEST;
	*as_of = got;
	emit_group(emit, s, emitcxt);
	return CLOSE_DONE;
}

/*
 * The scorer for the next group: the pass's scorer reset (it keeps its
 * memory, so the group takes no new pages from the kernel), or a new one
 * in *slot when there is none yet. Configured afresh either way.
 */
static gt_scorer *
open_group(GroupRun *run, int64 as_of, const Emitter *emit, gt_scorer **slot)
{
	FunctionCallInfo fcinfo = run->fcinfo;

	if (*slot == NULL)
		gt_check(gt_scorer_new(slot, gt_pg_lexicon(NULL)), "creating a scorer");
	else
		gt_check_scorer(gt_scorer_reset(*slot), *slot, "gt_scorer_reset");
	configure(*slot, fcinfo, run->as_of_arg, run->period);
	/* configure set the as_of argument if there is one; without one a
	 * reset scorer still holds the last group's as_of */
	if (emit == NULL || as_of != GT_AS_OF_LATEST || PG_ARGISNULL(run->as_of_arg))
		gt_check_scorer(gt_scorer_set_as_of(*slot, emit == NULL ? GT_AS_OF_LATEST : as_of), *slot, "as_of");
	set_limit(*slot);
	return *slot;
}

/*
 * The linked sets of a group (at least `parts` of them) into `parts`
 * parts: largest first, each to the part with the fewest rows so far (the
 * first such); part 0 is the one holding the latest created_at, so it is
 * scored first. Sorts `sets`; part[i] gets the part of sets[i], load[]
 * the parts' rows. Every part gets a set: every set has rows.
 */
static void
partition_sets(const GroupRun *run, GtSetLoad *sets, int nsets, int parts, int *part, int64 *load)
{
	int			latest = 0,
				i;

	gt_deal_sets(sets, nsets, parts, part, load);
	for (i = 0; i < nsets; i++)
		if (sets[i].root == run->latest_set)
			latest = part[i];
	if (latest != 0)
	{
		int64		swap = load[0];

		for (i = 0; i < nsets; i++)
			part[i] = part[i] == latest ? 0 : part[i] == 0 ? latest : part[i];
		load[0] = load[latest];
		load[latest] = swap;
	}
}

/*
 * The group at `pos` of the order (`parts` linked sets or more) into
 * `parts` new groups in its place, by partition_sets: `planned`, a group
 * the plan made too large (split before it is scored), or one that did
 * not fit. One read of the group's files writes each row to its part's
 * file; the group's files are then deleted. `rows`: a batch buffer of
 * GT_BATCH_ROWS.
 */
static void
split_group(GroupRun *run, int pos, int parts, bool planned, gt_interaction *rows)
{
	int			g = run->order[pos];
	GtSetLoad  *sets = palloc(sizeof(GtSetLoad) * run->group_sets[g]);
	int		   *part_of = palloc(sizeof(int) * run->group_sets[g]);
	int64	   *load = palloc(sizeof(int64) * parts);
	int		   *part = palloc(sizeof(int) * parts);
	int			nsets = 0,
				i,
				k;

	for (i = 0; i < run->accounts; i++)
	{
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		if (run->set_group[i] == g)
		{
			if (nsets == run->group_sets[g])
				elog(ERROR, "givetake: group %d holds more linked sets than planned", pos + 1);
			sets[nsets].root = i;
			sets[nsets].rows = run->set_rows[i];
			nsets++;
		}
	}
	Assert(nsets == run->group_sets[g] && nsets >= parts && parts > 1);
	partition_sets(run, sets, nsets, parts, part_of, load);
	for (k = 0; k < parts; k++)
		part[k] = gt_spill_add_group(run->spill);
	run->group_sets = repalloc(run->group_sets, sizeof(int) * (part[parts - 1] + 1));
	for (k = 0; k < parts; k++)
		run->group_sets[part[k]] = 0;
	for (i = 0; i < nsets; i++)
	{
		run->set_group[sets[i].root] = part[part_of[i]];
		run->group_sets[part[part_of[i]]]++;
	}
	if (!planned)
		elog(DEBUG1, "givetake: group %d of %d does not fit in givetake.max_memory: split into groups of "
			 INT64_FORMAT " and " INT64_FORMAT " rows", pos + 1, run->groups, load[0], load[1]);
	else
		elog(DEBUG1, "givetake: group %d of %d, buckets joined by cross-account links, is split into %d "
			 "groups of about " INT64_FORMAT " rows", pos + 1, run->groups, parts, load[0]);

	gt_spill_rewind(run->spill, g);
	while ((k = gt_spill_read(run->spill, g, rows, GT_BATCH_ROWS)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			int32		root = gt_group_map_find(&run->sets, rows[i].account_id);

			if (root < 0)
				elog(ERROR, "givetake: a row of the source is outside the plan of groups");
			gt_spill_write(run->spill, run->set_group[root], &rows[i]);
		}
	}
	gt_spill_drop(run->spill, g);

	/* the parts take the group's place in the order */
	run->order = repalloc(run->order, sizeof(int32) * (run->groups + parts - 1));
	memmove(&run->order[pos + parts], &run->order[pos + 1], sizeof(int32) * (run->groups - pos - 1));
	for (k = 0; k < parts; k++)
		run->order[pos + k] = part[k];
	run->groups += parts - 1;
	pfree(sets);
	pfree(part_of);
	pfree(load);
	pfree(part);
}

/* Reads spill group `g` into the scorer: as references, or as rows (a
 * part that does not fit is an ERROR: parts were planned to fit). */
static void
add_spilled(GroupRun *run, gt_scorer *s, int g, bool references, gt_interaction *rows, int pos)
{
	int			k;

	gt_spill_rewind(run->spill, g);
	while ((k = gt_spill_read(run->spill, g, rows, GT_BATCH_ROWS)) > 0)
	{
		int			rc = references ? gt_scorer_add_references(s, rows, k, sizeof(gt_interaction))
			: gt_scorer_add(s, rows, k);

		check_group(rc, run, s, pos, references ? "gt_scorer_add_references" : "gt_scorer_add");
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Group `g`, one linked set that does not fit, scored in parts of whole
 * contacts and threads (gt_parts.c, docs/architecture.md): each part's
 * contact and turn rows are emitted as it is finished, the set's account,
 * agent and period rows once the last is. Its as_of is found as
 * close_group finds one (emit NULL: only *max_as_of; no as_of yet: the
 * set's, or CLOSE_NOT_LATEST when that is not the source's latest
 * created_at). `per_row`: what the failed scorer planned per row; `why`:
 * its error, for the ERROR when the set cannot be split.
 */
static CloseResult
score_in_parts(GroupRun *run, int g, int pos, int64 *as_of, const Emitter *emit, MemoryContext emitcxt,
			   MemoryContext gcxt, int64 *max_as_of, gt_scorer **slot, gt_interaction *rows, double per_row,
			   const char *why)
{
	GtPartPlan *plan = gt_parts_plan(run->spill, g, per_row, (double) gt_max_memory_kb * 1024, rows,
									 GT_BATCH_ROWS);
	int64		latest;
	int			parts,
				i;
	int		   *part_groups,
			   *reference_groups;

	if (plan == NULL)
		too_large(run, pos, "gt_scorer_add", why);
	latest = gt_parts_latest_kept(plan);
	if (latest == PG_INT64_MIN)
		latest = 0;
	if (emit == NULL || (*as_of == GT_AS_OF_LATEST && latest != run->last))
	{
		gt_parts_free(plan);
		if (emit != NULL)
			return CLOSE_NOT_LATEST;
		*max_as_of = Max(*max_as_of, latest);
		return CLOSE_DONE;
	}
	if (*as_of == GT_AS_OF_LATEST)
		*as_of = latest;
	parts = gt_parts_count(plan);
	part_groups = palloc(parts * sizeof(int));
	reference_groups = palloc(parts * sizeof(int));
	for (i = 0; i < parts; i++)
	{
		part_groups[i] = gt_spill_add_group(run->spill);
		reference_groups[i] = gt_spill_add_group(run->spill);
	}
	gt_parts_write(plan, run->spill, g, rows, GT_BATCH_ROWS, part_groups, reference_groups);
	gt_parts_free(plan);
	gt_spill_drop(run->spill, g);
	for (i = 0; i < parts; i++)
	{
		gt_scorer  *s = open_group(run, *as_of, emit, slot);

		add_spilled(run, s, reference_groups[i], true, rows, pos);
		add_spilled(run, s, part_groups[i], false, rows, pos);
		gt_pg_apply_schedules(s, gcxt, run->first, Max(run->last, *as_of));
		check_group(finish_scorer_as(s, true), run, s, pos, "gt_scorer_finish_part");
		emit_group(emit, s, emitcxt);
		MemoryContextReset(gcxt);
		gt_spill_drop(run->spill, part_groups[i]);
		gt_spill_drop(run->spill, reference_groups[i]);
	}
	gt_check_scorer(gt_scorer_finish_parts(*slot), *slot, "gt_scorer_finish_parts");
	emit_group(emit, *slot, emitcxt);
	pfree(part_groups);
	pfree(reference_groups);
	return CLOSE_DONE;
}

/*
 * One pass over the groups with one scorer, reset between groups. as_of
 * GT_AS_OF_LATEST (no as_of given): group 0 is scored first without one;
 * when its as_of is the source's latest created_at it is the global one,
 * the pass goes on pinned to it and returns true; otherwise (the latest
 * row was dropped) it stops before emitting and returns false. emit
 * NULL: every group is scored for its as_of only, and *max_as_of gets the
 * largest. A group's files are deleted once the group is emitted: no later
 * pass needs them. A group of several linked sets that does not fit is
 * split in two (the scorer freed first, nothing of it emitted) and the
 * parts are scored in its place.
 */
static bool
group_pass(GroupRun *run, int64 as_of, const Emitter *emit, int64 *max_as_of)
{
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "givetake group pass", ALLOCSET_DEFAULT_SIZES);
	MemoryContext emitcxt = AllocSetContextCreate(work, "givetake group rows", ALLOCSET_DEFAULT_SIZES);
	MemoryContext gcxt = AllocSetContextCreate(work, "givetake group", ALLOCSET_DEFAULT_SIZES);
	gt_interaction *rows = MemoryContextAlloc(work, GT_BATCH_ROWS * sizeof(gt_interaction));
	gt_scorer **slot = gt_scorer_guard(work);	/* one scorer for the pass */
	CloseResult closed = CLOSE_DONE;
	int			pos;

	for (pos = 0; pos < run->groups && closed == CLOSE_DONE; pos++)
	{
		int			g = run->order[pos];
		bool		splittable = run->group_sets[g] > 1;
		gt_scorer  *s;
		int			k,
					rc = GT_OK;
		int64		added;

		CHECK_FOR_INTERRUPTS();
		gt_spill_rewind(run->spill, g);
		k = gt_spill_read(run->spill, g, rows, GT_BATCH_ROWS);
		if (k == 0)
			continue;
		s = open_group(run, as_of, emit, slot);
		added = 0;
		do
		{
			rc = gt_scorer_add(s, rows, k);
			if (rc == GT_ENOMEM)
				break;			/* split by linked set, else in parts */
			check_group(rc, run, s, pos, "gt_scorer_add");
			added += k;
			CHECK_FOR_INTERRUPTS();
		} while ((k = gt_spill_read(run->spill, g, rows, GT_BATCH_ROWS)) > 0);
		closed = rc == GT_OK ? close_group(run, s, gcxt, &as_of, pos, emit, emitcxt, max_as_of, true)
			: CLOSE_TOO_BIG;
		MemoryContextReset(gcxt);
		if (closed == CLOSE_TOO_BIG)
		{
			/* what the scorer plans per row, and why it stopped */
			double		per_row = (double) gt_scorer_memory(*slot) / Max(added, 1);
			char	   *why = pstrdup(gt_scorer_errmsg(*slot));

			/* its memory goes back before the group is read again */
			gt_scorer_free(*slot);
			*slot = NULL;
			if (splittable)
			{
				split_group(run, pos, 2, false, rows);
				closed = CLOSE_DONE;
				pos--;			/* the first part is next */
			}
			else
				closed = score_in_parts(run, g, pos, &as_of, emit, emitcxt, gcxt, max_as_of, slot, rows,
										per_row, why);
			pfree(why);
		}
		else if (closed == CLOSE_DONE && emit != NULL)
			gt_spill_drop(run->spill, g);
	}
	MemoryContextDelete(work);	/* frees the scorer */
	elog(DEBUG2, "givetake: the pass over %d groups ended", run->groups);
	return closed == CLOSE_DONE;
}

/* The pass that emits, after one that finds the as_of when it must. */
static void
run_passes(GroupRun *run, const Emitter *emit)
{
	FunctionCallInfo fcinfo = run->fcinfo;

	if (!PG_ARGISNULL(run->as_of_arg))
		group_pass(run, to_unix_micros(PG_GETARG_TIMESTAMPTZ(run->as_of_arg), "as_of"), emit, NULL);
	else if (!group_pass(run, GT_AS_OF_LATEST, emit, NULL))
	{
		/* The latest row was dropped: every group's as_of, then the pass. */
		int64		as_of = PG_INT64_MIN;

		elog(DEBUG1, "givetake: the latest row was not kept: finding the as_of of every group first");

		group_pass(run, GT_AS_OF_LATEST, NULL, &as_of);
		group_pass(run, as_of, emit, NULL);
	}
}

/*
 * Rows a group is packed to: about 50,000, where a scorer's state (about
 * 10 MB) works in the CPU caches and scores faster than a group as large
 * as givetake.max_memory holds (docs/architecture.md); never above `cap`.
 * A group is whole buckets, so a bucket larger than this makes a group of
 * its own.
 */
#define GT_CACHE_GROUP_ROWS 50000

/*
 * Buckets the scan writes: a bucket's file costs a BufFile buffer
 * (BLCKSZ) while the source is read, so as many as work_mem holds (at
 * least 16), and no more than GT_MAX_GROUP_FILES: with the plan's 128
 * link files (gt_links.c) that keeps the scan's open files under
 * max_files_per_process (1,000 by default); past it, files would be
 * closed and reopened all along the scan.
 */
#define GT_MAX_GROUP_FILES 512

static int
bucket_count(void)
{
	return (int) Min(GT_MAX_GROUP_FILES, Max(16, (int64) work_mem * 1024 / BLCKSZ));
}

static int
bucket_of(int64 account, int buckets)
{
	return (int) (gt_mix64((uint64) account) % (uint64) buckets);
}

/* The one read of the source: its rows into bucket files, the plan's facts. */
typedef struct SourceScan
{
	GtPlanScan *plan;
	GtSpill    *spill;
	int			buckets;
} SourceScan;

static void
scan_row(SlotScan *scan, TupleTableSlot *slot)
{
	SourceScan *ss = scan->arg;
	gt_interaction r;

	if (scan->rows == 0)
		elog(DEBUG2, "givetake: the read into buckets returned its first rows");
	convert_values(&r, slot->tts_values, slot->tts_isnull, scan->rows + 1);
	gt_plan_scan_row(ss->plan, r.account_id, r.id, (r.flags & GT_ROW_HAS_PARENT) != 0, r.parent_id, r.created_at);
	gt_spill_write(ss->spill, bucket_of(r.account_id, ss->buckets), &r);
}

/*
 * Read the source once into `buckets` files of `spill`, gathering the
 * plan's facts (facts->parent NULL when a partition of the links does not
 * fit in givetake.max_memory).
 */
static void
read_source(const char *query, GtSpill *spill, int buckets, GtPlanFacts *facts)
{
	SlotScan	scan;
	SourceScan	ss;

	ss.plan = gt_plan_scan_begin();
	ss.spill = spill;
	ss.buckets = buckets;
	memset(&scan, 0, sizeof(scan));
	scan.row = scan_row;
	scan.arg = &ss;
	scan_source(query, &scan);
	elog(DEBUG2, "givetake: the rows are in %d bucket files", buckets);
	if (!gt_plan_scan_end(ss.plan, (size_t) gt_max_memory_kb * 1024, facts))
		facts->parent = NULL;
}

/*
 * The linked sets when a partition of the links did not fit: PostgreSQL's
 * joins find the links. Returns parent[] as gt_link_accounts joins it.
 */
static int *
links_by_sql(const char *query, int n, const int64 *ids)
{
	int		   *parent = palloc(sizeof(int) * Max(n, 1));
	uint64		i;

	elog(DEBUG1, "givetake: finding the cross-account links with SQL");
	for (i = 0; i < (uint64) n; i++)
		parent[i] = (int) i;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	if (SPI_execute(psprintf("SELECT DISTINCT c.account_id, o.account_id FROM (%s) c JOIN (%s) o "
							 "ON o.id = c.parent_id WHERE o.account_id <> c.account_id UNION "
							 "SELECT DISTINCT c.account_id, o.account_id FROM (%s) c JOIN (%s) o "
							 "ON o.id = c.id WHERE o.account_id <> c.account_id",
							 query, query, query, query), true, 0) != SPI_OK_SELECT)
		elog(ERROR, "givetake: finding cross-account links failed");
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int			a = gt_find_account(ids, n, DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
																			 SPI_tuptable->tupdesc, 1, &isnull))),
					b = gt_find_account(ids, n, DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
																			 SPI_tuptable->tupdesc, 2, &isnull)));

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a >= 0 && b >= 0)
			gt_link_accounts(parent, a, b);
	}
	SPI_freetuptable(SPI_tuptable);
	SPI_finish();
	return parent;
}

/*
 * The groups as sets of buckets: an account's bucket joins the bucket of
 * every account linked to it, and the joined buckets are packed to
 * `target` weighted rows. parent[] (the accounts' linked sets) is
 * flattened: parent[i] becomes the root of i's set. Fills group_of per
 * account and bucket_group per bucket; the group of account `latest` (if
 * any) is group 0. Returns the group count.
 */
static int
plan_bucket_groups(int n, const int64 *ids, const int64 *weighted, int *parent, int latest, int buckets,
				   int64 target, int32 *group_of, int32 *bucket_group)
{
	int64	   *bucket_rows = palloc0(sizeof(int64) * buckets);
	int		   *bucket_parent = palloc(sizeof(int) * buckets);
	int		   *packed = palloc(sizeof(int) * buckets);	/* a bucket's index among the packed */
	int32	   *bucket = palloc(sizeof(int32) * Max(n, 1));
	int			groups,
				m = 0,
				i;

	for (i = 0; i < buckets; i++)
		bucket_parent[i] = i;
	for (i = 0; i < n; i++)
	{
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		bucket[i] = bucket_of(ids[i], buckets);
		bucket_rows[bucket[i]] += weighted[i];
		/* a root is its set's smallest index: in index order, one step each */
		parent[i] = parent[parent[i]];
		if (parent[i] != i)
			gt_link_accounts(bucket_parent, bucket[i], bucket[parent[i]]);
	}
	/*
	 * Only buckets with accounts are packed (renumbered in order, so a
	 * set's root stays its smallest index); the empty ones have no file.
	 */
	for (i = 0; i < buckets; i++)
		packed[i] = bucket_rows[i] > 0 ? m++ : -1;
	for (i = 0; i < buckets; i++)
		if (packed[i] >= 0)
		{
			bucket_rows[packed[i]] = bucket_rows[i];
			bucket_parent[packed[i]] = packed[bucket_parent[i]];
		}
	/* (a source of no rows still gets a group, empty) */
	groups = Max(1, gt_pack_groups(m, bucket_rows, bucket_parent, target, group_of));
	for (i = 0; i < buckets; i++)
		bucket_group[i] = packed[i] >= 0 ? group_of[packed[i]] : 0;
	/* The group of the latest row first: its as_of pins the others. */
	if (latest >= 0 && bucket_group[bucket[latest]] != 0)
	{
		int32		swap = bucket_group[bucket[latest]];

		for (i = 0; i < buckets; i++)
			bucket_group[i] = bucket_group[i] == swap ? 0 : bucket_group[i] == 0 ? swap : bucket_group[i];
	}
	for (i = 0; i < n; i++)
		group_of[i] = bucket_group[bucket[i]];
	pfree(bucket_rows);
	pfree(bucket_parent);
	pfree(packed);
	pfree(bucket);
	return groups;
}

/*
 * What splitting a group needs (see GroupRun), from the plan: parent[i]
 * is the root of account i's linked set, group_of[i] its group. The
 * arrays stay the caller's.
 */
static void
plan_splits(GroupRun *run, const int64 *ids, const int64 *counts, const int *parent, const int32 *group_of,
			int n, int latest)
{
	int			i;

	run->accounts = n;
	run->ids = ids;
	run->root = parent;
	run->set_group = palloc(sizeof(int32) * Max(n, 1));
	run->set_rows = palloc0(sizeof(int64) * Max(n, 1));
	run->group_sets = palloc0(sizeof(int) * Max(run->groups, 1));
	run->order = palloc(sizeof(int32) * Max(run->groups, 1));
	for (i = 0; i < run->groups; i++)
		run->order[i] = i;
	for (i = 0; i < n; i++)
	{
		run->set_rows[parent[i]] += counts[i];
		run->set_group[i] = parent[i] == i ? group_of[i] : -1;
		if (parent[i] == i)
			run->group_sets[group_of[i]]++;
	}
	run->latest_set = latest >= 0 ? parent[latest] : -1;
	StaticAssertStmt(sizeof(int) == sizeof(int32), "a root is stored as a group number");
	gt_group_map_build(&run->sets, n, ids, (const int32 *) parent);
}

/*
 * The rows of each account plus its report's share of a group, in rows:
 * groups of `cap` rows hold about half of givetake.max_memory (the cap is
 * half of what fitted in one pass), so an account's report bytes
 * (gt_scorer_account_bytes, about 4 KB) weigh that many rows of
 * max_memory / (2 cap) bytes. Packed by these, a group of many small
 * accounts is planned to fit rather than found too large and split.
 */
static int64 *
account_weights(const int64 *counts, int n, int64 cap)
{
	int64	   *weighted = palloc(sizeof(int64) * Max(n, 1));
	double		per_row = gt_max_memory_kb > 0 ? (double) gt_max_memory_kb * 1024.0 / (2.0 * (double) cap) : 0;
	int64		weight = per_row > 0 ? (int64) ((double) gt_scorer_account_bytes() / per_row) + 1 : 0;
	int			i;

	for (i = 0; i < n; i++)
		weighted[i] = counts[i] + weight;
	return weighted;
}

/*
 * Buckets are joined by cross-account links: where links join many, their
 * group can be far larger than `target` although its linked sets are
 * small. Such a group (more than one bucket, over twice the target, two
 * linked sets or more) is split by linked set now, before it is scored,
 * into groups of about `target` rows (at most as many as there are
 * buckets), rather than found too large by its scorer.
 */
static void
split_joined_groups(GroupRun *run, const int64 *weighted, const int32 *group_of, int buckets, int64 target)
{
	int			planned = run->groups;
	int		   *nbuckets = palloc0(sizeof(int) * planned);
	int64	   *weight = palloc0(sizeof(int64) * planned);
	bool	   *seen = palloc0(sizeof(bool) * buckets);
	gt_interaction *rows = NULL;
	int			pos = 0,
				i;

	for (i = 0; i < run->accounts; i++)
	{
		int			b = bucket_of(run->ids[i], buckets);

		weight[group_of[i]] += weighted[i];
		if (!seen[b])
		{
			seen[b] = true;
			nbuckets[group_of[i]]++;
		}
	}
	while (pos < run->groups)
	{
		int			g = run->order[pos];
		int64		parts;

		if (g >= planned || nbuckets[g] < 2 || weight[g] <= 2 * target || run->group_sets[g] < 2)
		{
			pos++;
			continue;
		}
		parts = Min(Min((weight[g] + target - 1) / target, run->group_sets[g]), buckets);
		if (rows == NULL)
			rows = palloc(GT_BATCH_ROWS * sizeof(gt_interaction));
		split_group(run, pos, (int) parts, true, rows);
		pos += (int) parts;
	}
	if (rows != NULL)
		pfree(rows);
	pfree(nbuckets);
	pfree(weight);
	pfree(seen);
}

/*
 * Score the source in groups of at most `cap` rows (see GroupRun), packed
 * to GT_CACHE_GROUP_ROWS, each group's results emitted as soon as it is
 * scored.
 */
static void
score_in_groups(FunctionCallInfo fcinfo, const char *query, int as_of_arg, int period, int64 cap,
				const Emitter *emit)
{
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "givetake groups", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(work);
	GroupRun	run;
	GtPlanFacts facts;
	int			buckets = bucket_count();
	int32	   *group_of,
			   *bucket_group;
	int		   *parent;
	int64	   *weighted;
	int64		target = Min(cap, GT_CACHE_GROUP_ROWS);

	memset(&run, 0, sizeof(run));
	run.fcinfo = fcinfo;
	run.as_of_arg = as_of_arg;
	run.period = period;
	run.spill = gt_spill_create(buckets);
	read_source(query, run.spill, buckets, &facts);
	MemoryContextSwitchTo(work);
	run.first = facts.first;
	run.last = facts.last;
	elog(DEBUG2, "givetake: rows of %d accounts counted", facts.accounts);

	parent = facts.parent != NULL ? facts.parent : links_by_sql(query, facts.accounts, facts.ids);
	MemoryContextSwitchTo(work);
	weighted = account_weights(facts.rows, facts.accounts, cap);
	group_of = palloc(sizeof(int32) * Max(facts.accounts, 1));
	bucket_group = palloc(sizeof(int32) * buckets);
	run.groups = plan_bucket_groups(facts.accounts, facts.ids, weighted, parent, facts.latest, buckets, target,
									group_of, bucket_group);
	gt_spill_regroup(run.spill, run.groups, bucket_group);
	plan_splits(&run, facts.ids, facts.rows, parent, group_of, facts.accounts, facts.latest);
	elog(DEBUG1, "givetake: %d accounts in %d groups of about " INT64_FORMAT " rows (%d buckets)",
		 facts.accounts, run.groups, target, buckets);
	split_joined_groups(&run, weighted, group_of, buckets, target);
	MemoryContextSwitchTo(old);
	run_passes(&run, emit);
	MemoryContextDelete(work);
}

/*
 * Score the relation in argument 0 (as_of in argument as_of_arg): in one
 * pass when it fits in givetake.max_memory, returning the finished scorer
 * (in a slot of `cxt`, so ERROR or cancel frees it with the context);
 * otherwise in groups of accounts, emitting each group through `emit`, and
 * NULL is returned. *group_cap: on entry, > 0 skips the one-pass attempt
 * and groups by that many rows; on return, the cap used (0: one pass).
 */
static gt_scorer *
score_source(FunctionCallInfo fcinfo, MemoryContext cxt, int as_of_arg, int period, const Emitter *emit,
			 int64 *group_cap)
{
	char	   *query = source_query(PG_GETARG_OID(0));
	gt_scorer  *s = NULL;
	int			nest = NewGUCNestLevel();

	/*
	 * Scans of the source start at its first block, not where another
	 * scan of a large table is (synchronized scans): the rows come in the
	 * table's order, so row numbers in errors do not move, and ids do not
	 * come as two ranges -- the end of the table, then its start -- which
	 * the scorer's id table (linear probing, neighbouring ids in
	 * neighbouring slots) takes up to a second a batch to insert. The
	 * settings are restored on return, and by the abort on ERROR.
	 */
	(void) set_config_option("synchronize_seqscans", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
							 0, false);
	if (*group_cap <= 0)
	{
		int64		seen;

		s = score_one_pass(fcinfo, cxt, query, as_of_arg, period, &seen);
		if (s == NULL)
		{
			/* Half of what fitted: room for the texts of other accounts. */
			*group_cap = Max(seen / 2, 1);
			elog(DEBUG1, "givetake: the source does not fit in givetake.max_memory: scoring it in groups of accounts");
		}
	}
	if (s == NULL)
	{
		/*
		 * The grouped queries plan without JIT: at these sizes PostgreSQL
		 * would compile them (0.15 s for the links query at 10 M rows)
		 * and a compile does not stop for a cancel.
		 */
		(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		score_in_groups(fcinfo, query, as_of_arg, period, *group_cap, emit);
	}
	AtEOXact_GUC(true, nest);
	return s;
}

/* The scorer of the last refresh token, in a child of TopTransactionContext. */
static struct
{
	int64		token;
	Oid			relid;
	bool		has_as_of;
	TimestampTz as_of;
	int			period;
	MemoryContext cxt;
	gt_scorer  *scorer;
	int64		group_cap;		/* > 0: the source is scored in groups */
}			shared_scorer;

/*
 * A refresh scored in groups: the first call's pass writes the rows of
 * every kind; the other kinds wait here, in the statement's memory, for
 * their call of the same token (which takes its tuplestore as its result).
 */
static struct
{
	int64		token;
	Tuplestorestate *store[K_COUNT];
}			refresh_stash;

static int64 token_counter;

/* The period of the last refresh token drawn (GT_PERIOD_NONE: none). */
static struct
{
	int64		token;
	int			period;
}			token_period;

/* The context holding the shared scorer is going away (transaction end). */
static void
forget_shared_scorer(void *arg)
{
	(void) arg;
	memset(&shared_scorer, 0, sizeof(shared_scorer));
}

/* The statement holding the stash is going away. */
static void
forget_refresh_stash(void *arg)
{
	if (refresh_stash.token == *(int64 *) arg)
		memset(&refresh_stash, 0, sizeof(refresh_stash));
}

static void emit_accounts(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);
static void emit_contacts(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);
static void emit_turns(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);
static void emit_agents(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);
static void emit_periods(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names);
static int	parse_period(text *t, const char *fn);

static const EmitFn kind_emit[K_COUNT] = {emit_accounts, emit_contacts, emit_turns, emit_agents, emit_periods};

/* The public functions whose result columns the score tables have. */
static const char *const kind_function[K_COUNT] = {
	"givetake.score_accounts(pg_catalog.regclass,pg_catalog.timestamptz)",
	"givetake.score_contacts(pg_catalog.regclass,pg_catalog.timestamptz)",
	"givetake.score_turns(pg_catalog.regclass,pg_catalog.timestamptz)",
	"givetake.score_agents(pg_catalog.regclass,pg_catalog.timestamptz)",
	"givetake.score_periods(pg_catalog.regclass,pg_catalog.text,pg_catalog.timestamptz)"
};

/*
 * A refresh's first call: the other kinds' rows go to tuplestores in the
 * statement's memory too, so a pass in groups serves every call (periods
 * only with a period).
 */
static void
add_other_kinds(Emitter *emit, FunctionCallInfo fcinfo, RefreshKind own, int period)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	int			k;

	for (k = 0; k < K_COUNT; k++)
	{
		Oid			fn;
		TupleDesc	desc;

		if (k == own || (k == K_PERIODS && period == GT_PERIOD_NONE))
			continue;
		fn = DatumGetObjectId(DirectFunctionCall1(regprocedurein, CStringGetDatum(kind_function[k])));
		if (get_func_result_type(fn, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "givetake: %s does not return rows", kind_function[k]);
		emit->fn[emit->count] = kind_emit[k];
		emit->desc[emit->count] = desc;
		emit->store[emit->count] = tuplestore_begin_heap(false, false, work_mem);
		emit->count++;
	}
	MemoryContextSwitchTo(old);
}

/* Keep the other kinds' rows of a pass in groups for their calls. */
static void
stash_other_kinds(const Emitter *emit, FunctionCallInfo fcinfo, int64 token)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext qcxt = rsinfo->econtext->ecxt_per_query_memory;
	MemoryContextCallback *cb = MemoryContextAlloc(qcxt, sizeof(*cb));
	int64	   *arg = MemoryContextAlloc(qcxt, sizeof(int64));
	int			i,
				k;

	memset(&refresh_stash, 0, sizeof(refresh_stash));
	refresh_stash.token = token;
	for (i = 1; i < emit->count; i++)
		for (k = 0; k < K_COUNT; k++)
			if (kind_emit[k] == emit->fn[i])
				refresh_stash.store[k] = emit->store[i];
	*arg = token;
	cb->func = forget_refresh_stash;
	cb->arg = arg;
	MemoryContextRegisterResetCallback(qcxt, cb);
}

/*
 * The scored source for this call, and the context to free after emitting
 * its rows (NULL: the scorer is shared and stays for the other calls of
 * the same refresh token). NULL when the source was scored in groups and
 * its rows were emitted through `emit`: the first call of a refresh token
 * then writes every kind's rows (see refresh_stash) and later calls take
 * theirs.
 */
static gt_scorer *
scorer_for_call(FunctionCallInfo fcinfo, const char *name, MemoryContext *to_free, Emitter *emit,
				RefreshKind kind, int as_of_arg, int token_arg)
{
	MemoryContext cxt;
	MemoryContextCallback *cb;
	gt_scorer  *s;
	Oid			relid = PG_GETARG_OID(0);
	bool		has_as_of = !PG_ARGISNULL(as_of_arg);
	TimestampTz as_of = has_as_of ? PG_GETARG_TIMESTAMPTZ(as_of_arg) : 0;
	int64		token;
	int			period;
	int64		cap = 0;

	*to_free = AllocSetContextCreate(CurrentMemoryContext, "givetake scorer", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSetIdentifier(*to_free, name);
	if (PG_NARGS() <= token_arg || PG_ARGISNULL(token_arg))
		return score_source(fcinfo, *to_free, as_of_arg, GT_PERIOD_NONE, emit, &cap);
	token = PG_GETARG_INT64(token_arg);
	period = token_period.token == token ? token_period.period : GT_PERIOD_NONE;
	/* The period rows of a refresh are those of the token's scorer. */
	if (kind == K_PERIODS &&
		(PG_ARGISNULL(1) || parse_period(PG_GETARG_TEXT_PP(1), "givetake._score_periods") != period))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("givetake._score_periods: period \"%s\" is not the period of its refresh token",
						PG_ARGISNULL(1) ? "NULL" : text_to_cstring(PG_GETARG_TEXT_PP(1)))));
	if (shared_scorer.cxt != NULL && shared_scorer.token == token && shared_scorer.relid == relid &&
		shared_scorer.has_as_of == has_as_of && shared_scorer.as_of == as_of && shared_scorer.period == period)
	{
		if (shared_scorer.scorer != NULL)
		{
			MemoryContextDelete(*to_free);
			*to_free = NULL;
			return shared_scorer.scorer;
		}
		if (refresh_stash.token == token && refresh_stash.store[kind] != NULL)
		{
			ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

			tuplestore_end(rsinfo->setResult);
			rsinfo->setResult = refresh_stash.store[kind];
			refresh_stash.store[kind] = NULL;
			return NULL;
		}
		cap = shared_scorer.group_cap;
		return score_source(fcinfo, *to_free, as_of_arg, period, emit, &cap);
	}
	MemoryContextDelete(*to_free);
	*to_free = NULL;
	if (shared_scorer.cxt != NULL)
		MemoryContextDelete(shared_scorer.cxt);	/* its callback clears the cache */
	cxt = AllocSetContextCreate(TopTransactionContext, "givetake shared scorer", ALLOCSET_DEFAULT_SIZES);
	cb = MemoryContextAlloc(cxt, sizeof(*cb));
	cb->func = forget_shared_scorer;
	cb->arg = NULL;
	MemoryContextRegisterResetCallback(cxt, cb);
	add_other_kinds(emit, fcinfo, kind, period);
	s = score_source(fcinfo, cxt, as_of_arg, period, emit, &cap);
	if (s == NULL)
		stash_other_kinds(emit, fcinfo, token);
	shared_scorer.token = token;
	shared_scorer.relid = relid;
	shared_scorer.has_as_of = has_as_of;
	shared_scorer.as_of = as_of;
	shared_scorer.period = period;
	shared_scorer.cxt = cxt;
	shared_scorer.scorer = s;
	shared_scorer.group_cap = cap;
	return s;
}

/*
 * A new refresh token, unique within this backend, for a refresh with the
 * period in argument 0 (NULL: none; an unknown one is an ERROR).
 */
PG_FUNCTION_INFO_V1(gt_pg_refresh_token);
Datum
gt_pg_refresh_token(PG_FUNCTION_ARGS)
{
	int			period = GT_PERIOD_NONE;

	if (PG_NARGS() >= 1 && !PG_ARGISNULL(0))
		period = parse_period(PG_GETARG_TEXT_PP(0), "givetake.refresh_scores");
	token_period.token = ++token_counter;
	token_period.period = period;
	PG_RETURN_INT64(token_counter);
}

static inline void
put_f8(Datum *v, bool *n, int i, double x)
{
	n[i] = isnan(x);
	v[i] = Float8GetDatum(n[i] ? 0.0 : x);
}

static inline void
put_time(Datum *v, int i, int64 micros)
{
	v[i] = TimestampTzGetDatum((TimestampTz) (micros - GT_PG_EPOCH_SHIFT));
}

/*
 * Names where the source knows them: its account_name column (the
 * smallest non-null name per account), else an accounts(account_id, name)
 * table in the source's schema. Allocated in `cxt`.
 */
static AccountNames
account_names(Oid relid, MemoryContext cxt)
{
	AccountNames out = {0, NULL, NULL};
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));
	char	   *rel = get_rel_name(relid);
	char	   *query = NULL;
	uint64		i;

	if (get_attnum(relid, "account_name") != InvalidAttrNumber)
		query = psprintf("SELECT account_id::pg_catalog.int8, pg_catalog.min(account_name::pg_catalog.text) "
						 "FROM %s WHERE account_name IS NOT NULL GROUP BY 1 ORDER BY 1",
						 quote_qualified_identifier(nsp, rel));
	else
	{
		Oid			accounts = get_relname_relid("accounts", get_rel_namespace(relid));

		if (OidIsValid(accounts) && get_attnum(accounts, "account_id") != InvalidAttrNumber &&
			get_attnum(accounts, "name") != InvalidAttrNumber)
			query = psprintf("SELECT account_id::pg_catalog.int8, pg_catalog.min(name::pg_catalog.text) "
							 "FROM %s WHERE name IS NOT NULL AND account_id IS NOT NULL GROUP BY 1 ORDER BY 1",
							 quote_qualified_identifier(nsp, "accounts"));
	}
	if (query == NULL)
		return out;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "givetake: reading account names failed");
	out.count = (int) SPI_processed;
	out.ids = MemoryContextAlloc(cxt, sizeof(int64) * Max(out.count, 1));
	out.names = MemoryContextAlloc(cxt, sizeof(text *) * Max(out.count, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		id = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		Datum		name = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		MemoryContext old = MemoryContextSwitchTo(cxt);

		out.ids[i] = DatumGetInt64(id);
		out.names[i] = DatumGetTextPCopy(name);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return out;
}

/* The name of an account into v[i] / n[i] (NULL when unknown). */
static void
put_name(Datum *v, bool *n, int i, const AccountNames *names, int64 account)
{
	int			lo = 0,
				hi = names->count;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (names->ids[mid] < account)
			lo = mid + 1;
		else
			hi = mid;
	}
	n[i] = !(lo < names->count && names->ids[lo] == account);
	v[i] = n[i] ? (Datum) 0 : PointerGetDatum(names->names[lo]);
}

/*
 * An SRF over a scored source: the rows of one scorer, or of each group
 * of accounts in turn (a tuplestore, which spills to disk past work_mem).
 */
static Datum
score_srf(FunctionCallInfo fcinfo, const char *name, RefreshKind kind, bool want_names, int as_of_arg,
		  int token_arg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	AccountNames names = {0, NULL, NULL};
	Emitter		emit;
	bool		refresh = PG_NARGS() > token_arg && !PG_ARGISNULL(token_arg);

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no source, no rows */
	/* a refresh's first call may write the rows of every kind */
	if (want_names || refresh)
		names = account_names(PG_GETARG_OID(0), CurrentMemoryContext);
	memset(&emit, 0, sizeof(emit));
	emit.count = 1;
	emit.fn[0] = kind_emit[kind];
	emit.store[0] = rsinfo->setResult;
	emit.desc[0] = rsinfo->setDesc;
	emit.names = &names;
	s = scorer_for_call(fcinfo, name, &cxt, &emit, kind, as_of_arg, token_arg);
	if (s != NULL)
		kind_emit[kind] (s, rsinfo->setResult, rsinfo->setDesc, &names);
	if (cxt)
		MemoryContextDelete(cxt);	/* frees the scorer */
	return (Datum) 0;
}

/*
 * Columns 2..19 (needs_ack .. channel_fit), laid out alike in account and
 * period rows; a macro because gt_account_score and gt_period_score are
 * distinct structs that share these fields.
 */
#define PUT_ACK_AND_CONTENT(v, n, r) \
	do { \
		(v)[2] = Int64GetDatum((r)->needs_ack); \
		(v)[3] = Int64GetDatum((r)->pending); \
		(v)[4] = Int64GetDatum((r)->acknowledged); \
		put_f8(v, n, 5, (r)->ack_rate); \
		put_f8(v, n, 6, (r)->personal_rate); \
		put_f8(v, n, 7, (r)->appreciative_rate); \
		put_f8(v, n, 8, (r)->sla_rate); \
		put_f8(v, n, 9, (r)->median_ack_s); \
		put_f8(v, n, 10, (r)->p90_ack_s); \
		put_f8(v, n, 11, (r)->median_ack_business_s); \
		put_f8(v, n, 12, (r)->p90_ack_business_s); \
		(v)[13] = Int64GetDatum((r)->give_posts); \
		(v)[14] = Int64GetDatum((r)->take_posts); \
		(v)[15] = Int64GetDatum((r)->neutral_posts); \
		put_f8(v, n, 16, (r)->give_ratio); \
		put_f8(v, n, 17, (r)->me_index); \
		put_f8(v, n, 18, (r)->reply_share); \
		put_f8(v, n, 19, (r)->channel_fit); \
	} while (0)

static void
emit_accounts(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names)
{
	const gt_account_score *a;
	size_t		count,
				i;

	gt_check_scorer(gt_scorer_accounts(&a, &count, s), s, "gt_scorer_accounts");
	for (i = 0; i < count; i++)
	{
		const gt_account_score *r = &a[i];
		Datum		v[30];
		bool		n[30];
		const char *ch = r->channel == GT_CHANNEL_ALL ? NULL : gt_channel_name(r->channel);

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		n[1] = ch == NULL;
		v[1] = ch ? CStringGetTextDatum(ch) : (Datum) 0;
		PUT_ACK_AND_CONTENT(v, n, r);
		v[20] = Int64GetDatum(r->contacts);
		put_f8(v, n, 21, r->mean_trust);
		put_f8(v, n, 22, r->conv_rate_ack);
		put_f8(v, n, 23, r->conv_rate_ignored);
		put_f8(v, n, 24, r->conversion_lift);
		put_f8(v, n, 25, r->value_per_ack_contact);
		v[26] = Int64GetDatum(r->give_attributed_leads);
		put_f8(v, n, 27, r->health);
		v[28] = Int64GetDatum(r->anomalies);
		put_name(v, n, 29, names, r->account_id);
		tuplestore_putvalues(store, desc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(gt_pg_score_accounts);
Datum
gt_pg_score_accounts(PG_FUNCTION_ARGS)
{
	return score_srf(fcinfo, "givetake score_accounts", K_ACCOUNTS, true, 1, 2);
}

static void
emit_contacts(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names)
{
	const gt_contact_score *c;
	size_t		count,
				i;

	gt_check_scorer(gt_scorer_contacts(&c, &count, s), s, "gt_scorer_contacts");
	for (i = 0; i < count; i++)
	{
		const gt_contact_score *r = &c[i];
		Datum		v[7];
		bool		n[7];

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		v[1] = Int64GetDatum(r->contact_id);
		put_f8(v, n, 2, r->balance);
		v[3] = Int32GetDatum(r->trust_score);
		v[4] = Int64GetDatum(r->acknowledged);
		v[5] = Int64GetDatum(r->unacknowledged);
		v[6] = TimestampTzGetDatum((TimestampTz) (r->last_interaction_at - GT_PG_EPOCH_SHIFT));
		tuplestore_putvalues(store, desc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(gt_pg_score_contacts);
Datum
gt_pg_score_contacts(PG_FUNCTION_ARGS)
{
	return score_srf(fcinfo, "givetake score_contacts", K_CONTACTS, false, 1, 2);
}

static void
emit_turns(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names)
{
	const gt_turn_score *t;
	size_t		count,
				i;

	gt_check_scorer(gt_scorer_turns(&t, &count, s), s, "gt_scorer_turns");
	for (i = 0; i < count; i++)
	{
		const gt_turn_score *r = &t[i];
		bool		acked = r->status == GT_TURN_ACKNOWLEDGED;
		Datum		v[17];
		bool		n[17];

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		v[1] = Int64GetDatum(r->turn_id);
		n[2] = !(r->flags & GT_TURN_HAS_THREAD);
		v[2] = Int64GetDatum(r->thread_id);
		n[3] = !(r->flags & GT_TURN_HAS_CONTACT);
		v[3] = Int64GetDatum(r->contact_id);
		v[4] = CStringGetTextDatum(gt_channel_name(r->channel));
		put_time(v, 5, r->started_at);
		v[6] = Int64GetDatum(r->inbound_rows);
		v[7] = CStringGetTextDatum(gt_turn_status_name(r->status));
		n[8] = !acked;
		v[8] = Int64GetDatum(r->first_ack_id);
		n[9] = !(r->flags & GT_TURN_HAS_AGENT);
		v[9] = Int64GetDatum(r->agent_id);
		put_f8(v, n, 10, r->time_to_ack_s);
		put_f8(v, n, 11, r->business_time_to_ack_s);
		n[12] = r->personal < 0;
		v[12] = BoolGetDatum(r->personal > 0);
		n[13] = r->appreciative < 0;
		v[13] = BoolGetDatum(r->appreciative > 0);
		n[14] = r->within_sla < 0;
		v[14] = BoolGetDatum(r->within_sla > 0);
		put_time(v, 15, r->due_at);
		put_name(v, n, 16, names, r->account_id);
		tuplestore_putvalues(store, desc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(gt_pg_score_turns);
Datum
gt_pg_score_turns(PG_FUNCTION_ARGS)
{
	return score_srf(fcinfo, "givetake score_turns", K_TURNS, true, 1, 2);
}

static void
emit_agents(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names)
{
	const gt_agent_score *a;
	size_t		count,
				i;

	gt_check_scorer(gt_scorer_agents(&a, &count, s), s, "gt_scorer_agents");
	for (i = 0; i < count; i++)
	{
		const gt_agent_score *r = &a[i];
		Datum		v[15];
		bool		n[15];

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		n[1] = !r->has_agent;
		v[1] = Int64GetDatum(r->agent_id);
		v[2] = Int64GetDatum(r->acknowledged);
		put_f8(v, n, 3, r->median_ack_s);
		put_f8(v, n, 4, r->p90_ack_s);
		put_f8(v, n, 5, r->median_ack_business_s);
		put_f8(v, n, 6, r->p90_ack_business_s);
		put_f8(v, n, 7, r->personal_rate);
		put_f8(v, n, 8, r->appreciative_rate);
		put_f8(v, n, 9, r->sla_rate);
		v[10] = Int64GetDatum(r->give_posts);
		v[11] = Int64GetDatum(r->take_posts);
		put_f8(v, n, 12, r->give_ratio);
		put_f8(v, n, 13, r->me_index);
		put_name(v, n, 14, names, r->account_id);
		tuplestore_putvalues(store, desc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(gt_pg_score_agents);
Datum
gt_pg_score_agents(PG_FUNCTION_ARGS)
{
	return score_srf(fcinfo, "givetake score_agents", K_AGENTS, true, 1, 2);
}

/* A period name; unknown ones are an ERROR of function `fn` naming it. */
static int
parse_period(text *t, const char *fn)
{
	char	   *p = text_to_cstring(t);

	if (pg_strcasecmp(p, "day") == 0)
		return GT_PERIOD_DAY;
	if (pg_strcasecmp(p, "week") == 0)
		return GT_PERIOD_WEEK;
	if (pg_strcasecmp(p, "month") == 0)
		return GT_PERIOD_MONTH;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown period \"%s\"", fn, p),
			 errhint("Use day, week (ISO, from Monday) or month.")));
	return GT_PERIOD_NONE;
}

static void
emit_periods(gt_scorer *s, Tuplestorestate *store, TupleDesc desc, const AccountNames *names)
{
	const gt_period_score *p;
	size_t		count,
				i;

	gt_check_scorer(gt_scorer_periods(&p, &count, s), s, "gt_scorer_periods");
	for (i = 0; i < count; i++)
	{
		const gt_period_score *r = &p[i];
		Datum		v[28];
		bool		n[28];

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		v[1] = DateADTGetDatum((DateADT) (r->period_start - 10957));
		PUT_ACK_AND_CONTENT(v, n, r);
		put_f8(v, n, 20, r->conv_rate_ack);
		put_f8(v, n, 21, r->conv_rate_ignored);
		put_f8(v, n, 22, r->conversion_lift);
		put_f8(v, n, 23, r->value_per_ack_contact);
		v[24] = Int64GetDatum(r->give_attributed_leads);
		put_f8(v, n, 25, r->health);
		v[26] = Int64GetDatum(r->anomalies);
		put_name(v, n, 27, names, r->account_id);
		tuplestore_putvalues(store, desc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(gt_pg_score_periods);
Datum
gt_pg_score_periods(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	gt_scorer  *s;
	AccountNames names;
	int			period;
	int64		cap = 0;
	Emitter		emit;

	/* _score_periods(source, period, as_of, token): a refresh's period rows */
	if (PG_NARGS() >= 4 && !PG_ARGISNULL(3))
		return score_srf(fcinfo, "givetake score_periods", K_PERIODS, true, 2, 3);
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("givetake.score_periods: period must not be NULL"),
				 errhint("Use day, week (ISO, from Monday) or month.")));
	period = parse_period(PG_GETARG_TEXT_PP(1), "givetake.score_periods");
	cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake score_periods", ALLOCSET_DEFAULT_SIZES);
	names = account_names(PG_GETARG_OID(0), cxt);
	memset(&emit, 0, sizeof(emit));
	emit.count = 1;
	emit.fn[0] = emit_periods;
	emit.store[0] = ((ReturnSetInfo *) fcinfo->resultinfo)->setResult;
	emit.desc[0] = ((ReturnSetInfo *) fcinfo->resultinfo)->setDesc;
	emit.names = &names;
	s = score_source(fcinfo, cxt, 2, period, &emit, &cap);
	if (s != NULL)
		emit_periods(s, emit.store[0], emit.desc[0], &names);
	MemoryContextDelete(cxt);
	return (Datum) 0;
}
