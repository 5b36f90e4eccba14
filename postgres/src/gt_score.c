/*
 * gt_score.c -- score_accounts / score_contacts / score_turns /
 * score_agents: read any table or view with the spec's column names
 * through an SPI cursor, feed gt_scorer_add in batches, return the spec
 * section 7 rows. One pass, inside the backend (plus one small query for
 * account names where the source has them).
 *
 * refresh_scores calls the four through internal variants that take a
 * third argument, a token it draws once per refresh: calls with the same
 * token (one statement, one snapshot) share one scored source, so the
 * four outputs cost one pass.
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
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

/* gt_interrupt_fn for gt_scorer_finish: report a pending cancel or
 * terminate only (timers also set InterruptPending). */
static int
interrupt_pending(void *context)
{
	return gt_pg_interrupt(context);
}

#define GT_BATCH_ROWS 4096

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

/* One source tuple -> gt_interaction; text pointers live in the batch context. */
static void
convert_row(gt_interaction *r, HeapTuple tup, TupleDesc desc, uint64 rowno)
{
	Datum		v[C_COUNT];
	bool		n[C_COUNT];
	gt_text		t;

	heap_deform_tuple(tup, desc, v, n);
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

/*
 * Score the relation in argument 0 (as_of in argument 1). The scorer lives
 * in a slot of `cxt`, so ERROR or cancel frees it with the context.
 */
static gt_scorer *
score_source(FunctionCallInfo fcinfo, MemoryContext cxt, int as_of_arg, int period)
{
	char	   *query = source_query(PG_GETARG_OID(0));
	gt_scorer **slot = gt_scorer_guard(cxt);
	gt_interaction *rows = MemoryContextAlloc(cxt, GT_BATCH_ROWS * sizeof(gt_interaction));
	MemoryContext batch = AllocSetContextCreate(cxt, "givetake batch", ALLOCSET_DEFAULT_SIZES);
	SPIPlanPtr	plan;
	Portal		portal;
	uint64		seen = 0;
	int64		first = PG_INT64_MAX,
				last = PG_INT64_MIN;

	gt_check(gt_scorer_new(slot, gt_pg_lexicon(NULL)), "creating a scorer");
	configure(*slot, fcinfo, as_of_arg, period);
	if (gt_max_memory_kb > 0)
		gt_check_scorer(gt_scorer_set_memory_limit(*slot, (size_t) gt_max_memory_kb * 1024), *slot,
						"givetake.max_memory");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "givetake: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
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
		gt_check_scorer(gt_scorer_add(*slot, rows, n), *slot, "gt_scorer_add");
		seen += n;
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(batch);
	}
	SPI_cursor_close(portal);
	SPI_finish();

	if (seen > 0)
	{
		if (!PG_ARGISNULL(as_of_arg))
			last = Max(last, to_unix_micros(PG_GETARG_TIMESTAMPTZ(as_of_arg), "as_of"));
		gt_pg_apply_schedules(*slot, cxt, first, last);
	}
	CHECK_FOR_INTERRUPTS();
	/* Cancel and statement_timeout during the (single) finish call: the
	 * library polls the flag and stops; the ERROR is raised here, outside it. */
	gt_scorer_set_interrupt(*slot, interrupt_pending, NULL);
	{
		int			rc = gt_scorer_finish(*slot);

		if (rc == GT_ECANCELED)
			CHECK_FOR_INTERRUPTS();
		gt_check_scorer(rc, *slot, "gt_scorer_finish");
	}
	return *slot;
}

/* The scorer of the last refresh token, in a child of TopTransactionContext. */
static struct
{
	int64		token;
	Oid			relid;
	bool		has_as_of;
	TimestampTz as_of;
	MemoryContext cxt;
	gt_scorer  *scorer;
}			shared_scorer;

static int64 token_counter;

/* The context holding the shared scorer is going away (transaction end). */
static void
forget_shared_scorer(void *arg)
{
	(void) arg;
	memset(&shared_scorer, 0, sizeof(shared_scorer));
}

/*
 * The scored source for this call, and the context to free after emitting
 * its rows (NULL: the scorer is shared and stays for the other calls of
 * the same refresh token).
 */
static gt_scorer *
scorer_for_call(FunctionCallInfo fcinfo, const char *name, MemoryContext *to_free)
{
	MemoryContext cxt;
	MemoryContextCallback *cb;
	gt_scorer  *s;
	Oid			relid = PG_GETARG_OID(0);
	bool		has_as_of = !PG_ARGISNULL(1);
	TimestampTz as_of = has_as_of ? PG_GETARG_TIMESTAMPTZ(1) : 0;
	int64		token;

	if (PG_NARGS() < 3 || PG_ARGISNULL(2))
	{
		*to_free = AllocSetContextCreate(CurrentMemoryContext, "givetake scorer", ALLOCSET_DEFAULT_SIZES);
		MemoryContextSetIdentifier(*to_free, name);
		return score_source(fcinfo, *to_free, 1, GT_PERIOD_NONE);
	}
	*to_free = NULL;
	token = PG_GETARG_INT64(2);
	if (shared_scorer.scorer != NULL && shared_scorer.token == token && shared_scorer.relid == relid &&
		shared_scorer.has_as_of == has_as_of && shared_scorer.as_of == as_of)
		return shared_scorer.scorer;
	if (shared_scorer.cxt != NULL)
		MemoryContextDelete(shared_scorer.cxt);	/* its callback clears the cache */
	cxt = AllocSetContextCreate(TopTransactionContext, "givetake shared scorer", ALLOCSET_DEFAULT_SIZES);
	cb = MemoryContextAlloc(cxt, sizeof(*cb));
	cb->func = forget_shared_scorer;
	cb->arg = NULL;
	MemoryContextRegisterResetCallback(cxt, cb);
	s = score_source(fcinfo, cxt, 1, GT_PERIOD_NONE);
	shared_scorer.token = token;
	shared_scorer.relid = relid;
	shared_scorer.has_as_of = has_as_of;
	shared_scorer.as_of = as_of;
	shared_scorer.cxt = cxt;
	shared_scorer.scorer = s;
	return s;
}

/* A new refresh token: unique within this backend. */
PG_FUNCTION_INFO_V1(gt_pg_refresh_token);
Datum
gt_pg_refresh_token(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(++token_counter);
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

/* Account names, sorted by account_id, for a binary search per row. */
typedef struct AccountNames
{
	int			count;
	int64	   *ids;
	text	  **names;
} AccountNames;

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

PG_FUNCTION_INFO_V1(gt_pg_score_accounts);
Datum
gt_pg_score_accounts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	const gt_account_score *a;
	size_t		count,
				i;
	AccountNames names;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no source, no rows */
	s = scorer_for_call(fcinfo, "givetake score_accounts", &cxt);
	names = account_names(PG_GETARG_OID(0), CurrentMemoryContext);
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
		v[2] = Int64GetDatum(r->needs_ack);
		v[3] = Int64GetDatum(r->pending);
		v[4] = Int64GetDatum(r->acknowledged);
		put_f8(v, n, 5, r->ack_rate);
		put_f8(v, n, 6, r->personal_rate);
		put_f8(v, n, 7, r->appreciative_rate);
		put_f8(v, n, 8, r->sla_rate);
		put_f8(v, n, 9, r->median_ack_s);
		put_f8(v, n, 10, r->p90_ack_s);
		put_f8(v, n, 11, r->median_ack_business_s);
		put_f8(v, n, 12, r->p90_ack_business_s);
		v[13] = Int64GetDatum(r->give_posts);
		v[14] = Int64GetDatum(r->take_posts);
		v[15] = Int64GetDatum(r->neutral_posts);
		put_f8(v, n, 16, r->give_ratio);
		put_f8(v, n, 17, r->me_index);
		put_f8(v, n, 18, r->reply_share);
		put_f8(v, n, 19, r->channel_fit);
		v[20] = Int64GetDatum(r->contacts);
		put_f8(v, n, 21, r->mean_trust);
		put_f8(v, n, 22, r->conv_rate_ack);
		put_f8(v, n, 23, r->conv_rate_ignored);
		put_f8(v, n, 24, r->conversion_lift);
		put_f8(v, n, 25, r->value_per_ack_contact);
		v[26] = Int64GetDatum(r->give_attributed_leads);
		put_f8(v, n, 27, r->health);
		v[28] = Int64GetDatum(r->anomalies);
		put_name(v, n, 29, &names, r->account_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (cxt)
		MemoryContextDelete(cxt);	/* frees the scorer */
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(gt_pg_score_contacts);
Datum
gt_pg_score_contacts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	const gt_contact_score *c;
	size_t		count,
				i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no source, no rows */
	s = scorer_for_call(fcinfo, "givetake score_contacts", &cxt);
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
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (cxt)
		MemoryContextDelete(cxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(gt_pg_score_turns);
Datum
gt_pg_score_turns(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	const gt_turn_score *t;
	size_t		count,
				i;
	AccountNames names;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	s = scorer_for_call(fcinfo, "givetake score_turns", &cxt);
	names = account_names(PG_GETARG_OID(0), CurrentMemoryContext);
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
		put_name(v, n, 16, &names, r->account_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (cxt)
		MemoryContextDelete(cxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(gt_pg_score_agents);
Datum
gt_pg_score_agents(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	const gt_agent_score *a;
	size_t		count,
				i;
	AccountNames names;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	s = scorer_for_call(fcinfo, "givetake score_agents", &cxt);
	names = account_names(PG_GETARG_OID(0), CurrentMemoryContext);
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
		put_name(v, n, 14, &names, r->account_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (cxt)
		MemoryContextDelete(cxt);
	return (Datum) 0;
}

static int
parse_period(text *t)
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
			 errmsg("givetake.score_periods: unknown period \"%s\"", p),
			 errhint("Use day, week (ISO, from Monday) or month.")));
	return GT_PERIOD_NONE;
}

PG_FUNCTION_INFO_V1(gt_pg_score_periods);
Datum
gt_pg_score_periods(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt;
	gt_scorer  *s;
	const gt_period_score *p;
	size_t		count,
				i;
	AccountNames names;
	int			period;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("givetake.score_periods: period must not be NULL"),
				 errhint("Use day, week (ISO, from Monday) or month.")));
	period = parse_period(PG_GETARG_TEXT_PP(1));
	cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake score_periods", ALLOCSET_DEFAULT_SIZES);
	s = score_source(fcinfo, cxt, 2, period);
	names = account_names(PG_GETARG_OID(0), cxt);
	gt_check_scorer(gt_scorer_periods(&p, &count, s), s, "gt_scorer_periods");
	for (i = 0; i < count; i++)
	{
		const gt_period_score *r = &p[i];
		Datum		v[28];
		bool		n[28];

		memset(n, 0, sizeof(n));
		v[0] = Int64GetDatum(r->account_id);
		v[1] = DateADTGetDatum((DateADT) (r->period_start - 10957));
		v[2] = Int64GetDatum(r->needs_ack);
		v[3] = Int64GetDatum(r->pending);
		v[4] = Int64GetDatum(r->acknowledged);
		put_f8(v, n, 5, r->ack_rate);
		put_f8(v, n, 6, r->personal_rate);
		put_f8(v, n, 7, r->appreciative_rate);
		put_f8(v, n, 8, r->sla_rate);
		put_f8(v, n, 9, r->median_ack_s);
		put_f8(v, n, 10, r->p90_ack_s);
		put_f8(v, n, 11, r->median_ack_business_s);
		put_f8(v, n, 12, r->p90_ack_business_s);
		v[13] = Int64GetDatum(r->give_posts);
		v[14] = Int64GetDatum(r->take_posts);
		v[15] = Int64GetDatum(r->neutral_posts);
		put_f8(v, n, 16, r->give_ratio);
		put_f8(v, n, 17, r->me_index);
		put_f8(v, n, 18, r->reply_share);
		put_f8(v, n, 19, r->channel_fit);
		put_f8(v, n, 20, r->conv_rate_ack);
		put_f8(v, n, 21, r->conv_rate_ignored);
		put_f8(v, n, 22, r->conversion_lift);
		put_f8(v, n, 23, r->value_per_ack_contact);
		v[24] = Int64GetDatum(r->give_attributed_leads);
		put_f8(v, n, 25, r->health);
		v[26] = Int64GetDatum(r->anomalies);
		put_name(v, n, 27, &names, r->account_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(cxt);
	return (Datum) 0;
}
