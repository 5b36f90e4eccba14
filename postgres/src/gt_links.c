/*
 * gt_links.c -- the facts a plan of groups needs, gathered in one read of
 * the source: rows and created_at range per account, and the accounts
 * linked by a cross-account reference (a parent_id or a duplicate id in
 * another account). Found with SQL, these took a count and two self-joins
 * of the source, which PostgreSQL runs as hash joins spilling about 1 GB
 * at 10 M rows; here every row leaves a 12-byte record (its id, and its
 * parent_id if any, with its account) in one of LINK_PARTS temporary files
 * by a hash of the id, and each file is then read back and resolved in
 * memory: a key (an id) whose rows include one that has it as its own id
 * joins every account of its rows -- the closure of the SQL's links.
 */
#include "gt_pg.h"

#include "miscadmin.h"
#include "storage/buffile.h"
#include "utils/memutils.h"

#define LINK_PARTS 128
/* The top bits of the key's hash choose its file, the low bits its slot. */
#define LINK_PART_SHIFT 57

/* Account index (by first appearance) and whether the key is the row's id. */
#define OWN_BIT 0x80000000u

typedef struct LinkRecord
{
	int64		key;
	uint32		account;		/* index | OWN_BIT */
} LinkRecord;

#define RECORD_BYTES (sizeof(int64) + sizeof(uint32))

/* Link records wait per partition in a buffer of this many, then go to
 * its file in one write. */
#define PENDING_RECORDS 170

struct GtPlanScan
{
	MemoryContext cxt;
	int			count;
	int			capacity;
	int64	   *ids;			/* per index, by first appearance */
	int64	   *rows;
	int64	   *first;			/* finite created_at range, or INT64_MAX / MIN */
	int64	   *last;
	int64	   *slot_ids;		/* account id -> index: open addressing */
	int32	   *slot_index;		/* -1: empty */
	uint64		slot_mask;		/* slots - 1; slots >= 2 * count */
	int64		cached_id;		/* the previous row's account */
	int32		cached_index;	/* -1: none */
	BufFile    *files[LINK_PARTS];
	int64		records[LINK_PARTS];
	char	   *pending;		/* PENDING_RECORDS records per partition */
	int			pending_count[LINK_PARTS];
};

/* The slots of the account map, 2 * capacity of them, filled from ids[]. */
static void
build_slots(GtPlanScan *ps)
{
	uint64		size = (uint64) ps->capacity * 2,
				i;
	int			k;

	if (ps->slot_ids != NULL)
	{
		pfree(ps->slot_ids);
		pfree(ps->slot_index);
	}
	ps->slot_ids = MemoryContextAlloc(ps->cxt, sizeof(int64) * size);
	ps->slot_index = MemoryContextAlloc(ps->cxt, sizeof(int32) * size);
	ps->slot_mask = size - 1;
	for (i = 0; i < size; i++)
		ps->slot_index[i] = -1;
	for (k = 0; k < ps->count; k++)
	{
		i = gt_mix64((uint64) ps->ids[k]) & ps->slot_mask;
		while (ps->slot_index[i] >= 0)
			i = (i + 1) & ps->slot_mask;
		ps->slot_ids[i] = ps->ids[k];
		ps->slot_index[i] = k;
	}
}

GtPlanScan *
gt_plan_scan_begin(void)
{
	GtPlanScan *ps = palloc0(sizeof(GtPlanScan));

	ps->cxt = CurrentMemoryContext;
	ps->capacity = 1024;
	ps->ids = palloc(sizeof(int64) * ps->capacity);
	ps->rows = palloc(sizeof(int64) * ps->capacity);
	ps->first = palloc(sizeof(int64) * ps->capacity);
	ps->last = palloc(sizeof(int64) * ps->capacity);
	ps->pending = palloc((Size) LINK_PARTS * PENDING_RECORDS * RECORD_BYTES);
	build_slots(ps);
	ps->cached_index = -1;
	return ps;
}

static int32
account_index(GtPlanScan *ps, int64 id)
{
	uint64		i;
	int32		a;

	if (ps->cached_index >= 0 && ps->cached_id == id)
		return ps->cached_index;
	i = gt_mix64((uint64) id) & ps->slot_mask;
	while (ps->slot_index[i] >= 0 && ps->slot_ids[i] != id)
		i = (i + 1) & ps->slot_mask;
	if (ps->slot_index[i] >= 0)
		a = ps->slot_index[i];
	else
	{
		a = ps->count++;
		ps->ids[a] = id;
		ps->rows[a] = 0;
		ps->first[a] = PG_INT64_MAX;
		ps->last[a] = PG_INT64_MIN;
		ps->slot_ids[i] = id;
		ps->slot_index[i] = a;
		if (ps->count == ps->capacity)
		{
			/* indices carry OWN_BIT beside them: below 2^31 */
			if (ps->capacity >= (int) (MaxAllocSize / sizeof(int64)) / 2)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("givetake: too many accounts to score in groups")));
			ps->capacity *= 2;
			ps->ids = repalloc(ps->ids, sizeof(int64) * ps->capacity);
			ps->rows = repalloc(ps->rows, sizeof(int64) * ps->capacity);
			ps->first = repalloc(ps->first, sizeof(int64) * ps->capacity);
			ps->last = repalloc(ps->last, sizeof(int64) * ps->capacity);
			build_slots(ps);
		}
	}
	ps->cached_id = id;
	ps->cached_index = a;
	return a;
}

/* A partition's waiting records into its file. */
static void
flush_part(GtPlanScan *ps, int part)
{
	if (ps->pending_count[part] == 0)
		return;
	if (ps->files[part] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(ps->cxt);

		ps->files[part] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	BufFileWrite(ps->files[part], ps->pending + (Size) part * PENDING_RECORDS * RECORD_BYTES,
				 (size_t) ps->pending_count[part] * RECORD_BYTES);
	ps->pending_count[part] = 0;
}

static void
put_record(GtPlanScan *ps, int64 key, uint32 account)
{
	int			part = (int) (gt_mix64((uint64) key) >> LINK_PART_SHIFT);
	char	   *p = ps->pending + ((Size) part * PENDING_RECORDS + ps->pending_count[part]) * RECORD_BYTES;

	memcpy(p, &key, sizeof(int64));
	memcpy(p + sizeof(int64), &account, sizeof(uint32));
	ps->records[part]++;
	if (++ps->pending_count[part] == PENDING_RECORDS)
		flush_part(ps, part);
}

/*
 * One converted row of the source (its id and created_at checked, the
 * created_at in Unix micros).
 */
void
gt_plan_scan_row(GtPlanScan *ps, int64 account, int64 id, bool has_parent, int64 parent, int64 created)
{
	int32		a = account_index(ps, account);

	ps->rows[a]++;
	ps->first[a] = Min(ps->first[a], created);
	ps->last[a] = Max(ps->last[a], created);
	put_record(ps, id, (uint32) a | OWN_BIT);
	if (has_parent)
		put_record(ps, parent, (uint32) a);
}

typedef struct KeySlot
{
	int64		key;
	int32		account;		/* sorted index of the key's first row; -1: empty */
	bool		owned;			/* some row has the key as its id */
	bool		mixed;			/* some row is of another account */
} KeySlot;

typedef struct KeyTable
{
	KeySlot    *slots;
	uint64		size;			/* a power of 2, at least twice `used` */
	uint64		used;
} KeyTable;

static KeySlot *
find_slot(const KeyTable *t, int64 key)
{
	uint64		mask = t->size - 1,
				i = gt_mix64((uint64) key) & mask;

	while (t->slots[i].account >= 0 && t->slots[i].key != key)
		i = (i + 1) & mask;
	return &t->slots[i];
}

/* An empty table of `size` slots, or false past the budget. */
static bool
key_table_init(KeyTable *t, MemoryContext cxt, uint64 size, size_t budget)
{
	uint64		i;

	if (size * sizeof(KeySlot) > budget)
		return false;
	t->slots = MemoryContextAllocHuge(cxt, (Size) size * sizeof(KeySlot));
	t->size = size;
	t->used = 0;
	for (i = 0; i < size; i++)
		t->slots[i].account = -1;
	return true;
}

/* Twice the slots, or false past the budget (the old ones then stay). */
static bool
key_table_grow(KeyTable *t, MemoryContext cxt, size_t budget)
{
	KeyTable	old = *t;
	uint64		i;

	/* both tables are held while the keys move */
	if ((old.size * 3) * sizeof(KeySlot) > budget || !key_table_init(t, cxt, old.size * 2, budget))
	{
		*t = old;
		return false;
	}
	for (i = 0; i < old.size; i++)
		if (old.slots[i].account >= 0)
			*find_slot(t, old.slots[i].key) = old.slots[i];
	t->used = old.used;
	pfree(old.slots);
	return true;
}

/* Reads a partition's records back in large pieces (through the
 * emptied buffers of the waiting records). */
typedef struct RecordReader
{
	BufFile    *file;
	char	   *buf;
	int			count;			/* records in buf */
	int			next;
	int64		left;			/* records not yet in buf */
} RecordReader;

#define READ_RECORDS (LINK_PARTS * PENDING_RECORDS)

static void
reader_start(RecordReader *rd, GtPlanScan *ps, int part)
{
	rd->file = ps->files[part];
	rd->buf = ps->pending;
	rd->count = rd->next = 0;
	rd->left = ps->records[part];
	if (BufFileSeek(rd->file, 0, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("givetake: could not rewind a temporary file of the plan")));
}

static void
next_record(RecordReader *rd, LinkRecord *r)
{
	const char *p;

	if (rd->next == rd->count)
	{
		int			want = (int) Min(rd->left, (int64) READ_RECORDS);

		if (want == 0 || BufFileRead(rd->file, rd->buf, (size_t) want * RECORD_BYTES) != (size_t) want * RECORD_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("givetake: a temporary file of the plan is damaged")));
		rd->count = want;
		rd->next = 0;
		rd->left -= want;
	}
	p = rd->buf + (Size) rd->next++ * RECORD_BYTES;
	memcpy(&r->key, p, sizeof(int64));
	memcpy(&r->account, p + sizeof(int64), sizeof(uint32));
}

/*
 * One partition's records, read back: a key with a row that has it as its
 * id joins the accounts of all its rows. The first read notes per key its
 * first account, whether a row owns it and whether another account has
 * it; only when some owned key is in several accounts, a second read joins
 * them. Memory: the distinct keys. Returns false when they would not fit.
 */
static bool
resolve_part(GtPlanScan *ps, int part, const int32 *sorted_of, int *parent, size_t budget)
{
	int64		n = ps->records[part],
				i;
	KeyTable	t;
	RecordReader rd;
	bool		linked = false;

	if (n == 0)
		return true;
	if (!key_table_init(&t, ps->cxt, 1024, budget))
		return false;
	reader_start(&rd, ps, part);
	for (i = 0; i < n; i++)
	{
		LinkRecord	r;
		KeySlot    *s;
		int32		a;

		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		next_record(&rd, &r);
		a = sorted_of[r.account & ~OWN_BIT];
		s = find_slot(&t, r.key);
		if (s->account < 0)
		{
			if ((t.used + 1) * 2 > t.size)
			{
				if (!key_table_grow(&t, ps->cxt, budget))
				{
					pfree(t.slots);
					return false;
				}
				s = find_slot(&t, r.key);
			}
			s->key = r.key;
			s->account = a;
			s->owned = false;
			s->mixed = false;
			t.used++;
		}
		else if (s->account != a)
			s->mixed = true;
		if (r.account & OWN_BIT)
			s->owned = true;
		linked |= s->owned && s->mixed;
	}
	if (linked)
	{
		reader_start(&rd, ps, part);
		for (i = 0; i < n; i++)
		{
			LinkRecord	r;
			KeySlot    *s;
			int32		a;

			if ((i & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
			next_record(&rd, &r);
			a = sorted_of[r.account & ~OWN_BIT];
			s = find_slot(&t, r.key);
			if (s->owned && s->account != a)
				gt_link_accounts(parent, s->account, a);
		}
	}
	pfree(t.slots);
	return true;
}

static int
index_order(const void *a, const void *b, void *arg)
{
	const int64 *ids = arg;
	int64		x = ids[*(const int32 *) a],
				y = ids[*(const int32 *) b];

	return (x > y) - (x < y);
}

/*
 * The facts: accounts sorted by id (for gt_find_account), the
 * latest row's account the first in that order among ties. The plan's
 * files are deleted. Returns false (facts->parent unset) when a partition
 * of the links does not fit in `budget` bytes.
 */
bool
gt_plan_scan_end(GtPlanScan *ps, size_t budget, GtPlanFacts *facts)
{
	int			n = ps->count;
	int32	   *order = palloc(sizeof(int32) * Max(n, 1));
	int32	   *sorted_of = palloc(sizeof(int32) * Max(n, 1));
	int			i,
				part;
	bool		fits = true;

	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_arg(order, n, sizeof(int32), index_order, ps->ids);
	facts->accounts = n;
	facts->ids = palloc(sizeof(int64) * Max(n, 1));
	facts->rows = palloc(sizeof(int64) * Max(n, 1));
	facts->parent = palloc(sizeof(int) * Max(n, 1));
	facts->first = PG_INT64_MAX;
	facts->last = PG_INT64_MIN;
	facts->latest = -1;
	for (i = 0; i < n; i++)
	{
		int32		a = order[i];

		sorted_of[a] = i;
		facts->ids[i] = ps->ids[a];
		facts->rows[i] = ps->rows[a];
		facts->parent[i] = i;
		facts->first = Min(facts->first, ps->first[a]);
		if (ps->last[a] > facts->last)
		{
			facts->last = ps->last[a];
			facts->latest = i;
		}
	}
	for (part = 0; part < LINK_PARTS; part++)
		flush_part(ps, part);
	for (part = 0; part < LINK_PARTS; part++)
	{
		if (fits)
			fits = resolve_part(ps, part, sorted_of, facts->parent, budget);
		if (ps->files[part] != NULL)
		{
			BufFileClose(ps->files[part]);
			ps->files[part] = NULL;
		}
	}
	pfree(order);
	pfree(sorted_of);
	return fits;
}
