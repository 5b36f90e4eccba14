/*
 * gt_schedule.c -- business schedules from givetake.schedules. Zone rules
 * come from PostgreSQL's own time-zone database (pg_tzset and
 * pg_next_dst_boundary), handed to the engine as UTC offsets over the
 * scored range, so GiveTake and the server agree on every zone; the
 * engine applies the spec's rule for local times in a gap or a doubled
 * hour.
 */
#include "gt_pg.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Days from 1970-01-01 to 2000-01-01 (PostgreSQL's date epoch). */
#define GT_PG_DAY_SHIFT 10957

typedef struct ScheduleGuard
{
	MemoryContextCallback cb;
	gt_schedule *handle;
} ScheduleGuard;

static void
free_schedule_cb(void *arg)
{
	ScheduleGuard *g = (ScheduleGuard *) arg;

	gt_schedule_free(g->handle);
	g->handle = NULL;
}

/* A new schedule, freed with `cxt` (also on ERROR). */
static gt_schedule *
new_schedule(MemoryContext cxt)
{
	ScheduleGuard *g = MemoryContextAllocZero(cxt, sizeof(ScheduleGuard));

	g->cb.func = free_schedule_cb;
	g->cb.arg = g;
	MemoryContextRegisterResetCallback(cxt, &g->cb);
	gt_check(gt_schedule_new(&g->handle), "creating a schedule");
	return g->handle;
}

/*
 * Fill `sched` from a zone name, hours text (NULL = always open) and
 * holidays, with the zone's offsets over [from, to] (Unix seconds).
 * `who` names the schedule in errors ("account 7, channel twitter").
 */
static void
set_schedule(gt_schedule *sched, const char *zone, const char *hours, size_t hours_len,
			 ArrayType *holidays, int64 from, int64 to, const char *who)
{
	pg_tz	   *tz = pg_tzset(zone);
	int64	   *instants;
	int32	   *offsets;
	int32	   *days = NULL;
	int			n = 0,
				cap = 64,
				ndays = 0,
				rc;
	pg_time_t	t = (pg_time_t) from;

	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("givetake: schedule of %s: unknown time zone \"%s\"", who, zone)));
	instants = palloc(sizeof(int64) * cap);
	offsets = palloc(sizeof(int32) * cap);
	for (;;)
	{
		long		before_off,
					after_off;
		int			before_dst,
					after_dst;
		pg_time_t	boundary;

		rc = pg_next_dst_boundary(&t, &before_off, &before_dst, &boundary, &after_off, &after_dst, tz);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake: schedule of %s: time zone \"%s\" has no rule for the scored range",
							who, zone)));
		if (n == 0)
		{
			instants[0] = from;
			offsets[0] = (int32) before_off;
			n = 1;
		}
		if (rc == 0 || boundary > to)
			break;
		if (n == cap)
		{
			cap *= 2;
			instants = repalloc(instants, sizeof(int64) * cap);
			offsets = repalloc(offsets, sizeof(int32) * cap);
		}
		instants[n] = boundary;
		offsets[n] = (int32) after_off;
		n++;
		t = boundary;
		CHECK_FOR_INTERRUPTS();
	}
	if (holidays != NULL)
	{
		Datum	   *elems;
		bool	   *nulls;
		int			i;

		if (ARR_NDIM(holidays) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("givetake: schedule of %s: holidays must be a one-dimensional date array", who)));
		deconstruct_array(holidays, DATEOID, sizeof(DateADT), true, TYPALIGN_INT, &elems, &nulls, &ndays);
		days = palloc(sizeof(int32) * Max(ndays, 1));
		for (i = 0; i < ndays; i++)
		{
			DateADT		d = DatumGetDateADT(elems[i]);

			if (nulls[i] || DATE_NOT_FINITE(d))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("givetake: schedule of %s: holiday %d is NULL or not a finite date", who, i + 1)));
			days[i] = (int32) d + GT_PG_DAY_SHIFT;
		}
	}
	rc = gt_schedule_set(sched, instants, offsets, n, hours, hours ? hours_len : 0, days, ndays);
	if (rc != GT_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("givetake: schedule of %s: %s", who, gt_schedule_errmsg(sched))));
}

/* Unix seconds of a timestamptz, clamped to years 0001..9999. */
static int64
unix_seconds(int64 micros)
{
	int64		s = micros / 1000000;

	return Max(Min(s, INT64CONST(253402300799)), INT64CONST(-62135596800));
}

/*
 * Read givetake.schedules and give every row to the scorer, with zone
 * rules over [from_micros - 2 days, to_micros + 3 years] (Unix micros):
 * room for due times past the last row.
 */
void
gt_pg_apply_schedules(gt_scorer *s, MemoryContext cxt, int64 from_micros, int64 to_micros)
{
	Oid			nsp = get_namespace_oid("givetake", true);
	uint64		i;
	int64		from = unix_seconds(from_micros) - 2 * 86400,
				to = unix_seconds(to_micros) + 3 * 366 * 86400;

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("schedules", nsp)))
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "givetake: SPI_connect failed");
	if (SPI_execute("SELECT account_id::pg_catalog.int8, channel::pg_catalog.text, time_zone::pg_catalog.text, "
					"hours::pg_catalog.text, holidays FROM givetake.schedules", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "givetake: reading givetake.schedules failed");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		n_account,
					n_channel,
					n_zone,
					n_hours,
					n_holidays;
		Datum		account = SPI_getbinval(tup, desc, 1, &n_account);
		Datum		channel = SPI_getbinval(tup, desc, 2, &n_channel);
		Datum		zone = SPI_getbinval(tup, desc, 3, &n_zone);
		Datum		hours = SPI_getbinval(tup, desc, 4, &n_hours);
		Datum		holidays = SPI_getbinval(tup, desc, 5, &n_holidays);
		char	   *channel_name = n_channel ? NULL : TextDatumGetCString(channel);
		char	   *who;
		int			code = GT_CHANNEL_ALL;
		gt_schedule *sched;
		size_t		hours_len = 0;
		const char *hours_ptr = NULL;

		who = psprintf("%s, %s%s",
					   n_account ? "every account" : psprintf("account " INT64_FORMAT, DatumGetInt64(account)),
					   n_channel ? "every channel" : "channel ",
					   n_channel ? "" : channel_name);
		if (!n_channel)
		{
			code = gt_channel_parse(channel_name, strlen(channel_name));
			if (code < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("givetake: schedule of %s: unknown channel \"%s\"", who, channel_name)));
		}
		if (n_zone)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("givetake: schedule of %s: time_zone is NULL", who)));
		if (!n_hours)
			hours_ptr = gt_text_utf8(DatumGetTextPP(hours), &hours_len);
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			sched = new_schedule(cxt);
			MemoryContextSwitchTo(old);
		}
		set_schedule(sched, TextDatumGetCString(zone), hours_ptr, hours_len,
					 n_holidays ? NULL : DatumGetArrayTypeP(holidays), from, to, who);
		gt_check_scorer(gt_scorer_set_schedule(s, !n_account, n_account ? 0 : DatumGetInt64(account), code, sched),
						s, "gt_scorer_set_schedule");
	}
	SPI_finish();
}

/*
 * givetake.business_seconds(from, to, time_zone, hours, holidays): the
 * business time between two instants under one schedule.
 */
PG_FUNCTION_INFO_V1(gt_pg_business_seconds);
Datum
gt_pg_business_seconds(PG_FUNCTION_ARGS)
{
	TimestampTz a,
				b;
	MemoryContext cxt;
	gt_schedule *sched;
	const char *hours = NULL;
	size_t		hours_len = 0;
	double		out;
	int64		fa,
				fb;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	a = PG_GETARG_TIMESTAMPTZ(0);
	b = PG_GETARG_TIMESTAMPTZ(1);
	if (TIMESTAMP_NOT_FINITE(a) || TIMESTAMP_NOT_FINITE(b))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("givetake.business_seconds: the instants must be finite")));
	fa = (int64) a + GT_PG_EPOCH_SHIFT;
	fb = (int64) b + GT_PG_EPOCH_SHIFT;
	if (!PG_ARGISNULL(3))
		hours = gt_text_utf8(PG_GETARG_TEXT_PP(3), &hours_len);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake business_seconds", ALLOCSET_SMALL_SIZES);
	sched = new_schedule(cxt);
	set_schedule(sched, text_to_cstring(PG_GETARG_TEXT_PP(2)), hours, hours_len,
				 PG_ARGISNULL(4) ? NULL : PG_GETARG_ARRAYTYPE_P(4),
				 unix_seconds(Min(fa, fb)) - 2 * 86400, unix_seconds(Max(fa, fb)) + 2 * 86400,
				 "business_seconds");
	gt_check(gt_schedule_business_time(&out, sched, fa, fb), "gt_schedule_business_time");
	MemoryContextDelete(cxt);
	PG_RETURN_FLOAT8(out);
}
