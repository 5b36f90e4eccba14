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
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

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

typedef struct AccountEntry
{
	int64		id;				/* hash key */
	int32		index;
} AccountEntry;

struct GtPlanScan
{
	MemoryContext cxt;
	HTAB	   *accounts;
	int			count;
	int			capacity;
	int64	   *ids;			/* per index, by first appearance */
	int64	   *rows;
	int64	   *first;			/* finite created_at range, or INT64_MAX / MIN */
	int64	   *last;
	int64		cached_id;		/* the previous row's account */
	int32		cached_index;	/* -1: none */
	BufFile    *files[LINK_PARTS];
	int64		records[LINK_PARTS];
};

GtPlanScan *
gt_plan_scan_begin(void)
{
	GtPlanScan *ps = palloc0(sizeof(GtPlanScan));
	HASHCTL		ctl;

	ps->cxt = CurrentMemoryContext;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(AccountEntry);
	ctl.hcxt = ps->cxt;
	ps->accounts = hash_create("givetake plan accounts", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ps->capacity = 1024;
	ps->ids = palloc(sizeof(int64) * ps->capacity);
	ps->rows = palloc(sizeof(int64) * ps->capacity);
	ps->first = palloc(sizeof(int64) * ps->capacity);
	ps->last = palloc(sizeof(int64) * ps->capacity);
	ps->cached_index = -1;
	return ps;
}

static int32
account_index(GtPlanScan *ps, int64 id)
{
	AccountEntry *e;
	bool		found;

	if (ps->cached_index >= 0 && ps->cached_id == id)
		return ps->cached_index;
	e = hash_search(ps->accounts, &id, HASH_ENTER, &found);
	if (!found)
	{
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
		}
		e->index = ps->count++;
		ps->ids[e->index] = id;
		ps->rows[e->index] = 0;
		ps->first[e->index] = PG_INT64_MAX;
		ps->last[e->index] = PG_INT64_MIN;
	}
	ps->cached_id = id;
	ps->cached_index = e->index;
	return e->index;
}

static void
put_record(GtPlanScan *ps, int64 key, uint32 account)
{
	int			part = (int) (gt_mix64((uint64) key) >> LINK_PART_SHIFT);
	char		buf[RECORD_BYTES];

	if (ps->files[part] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(ps->cxt);

		ps->files[part] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	memcpy(buf, &key, sizeof(int64));
	memcpy(buf + sizeof(int64), &account, sizeof(uint32));
	BufFileWrite(ps->files[part], buf, RECORD_BYTES);
	ps->records[part]++;
}

/*
 * One row of the source (a NULL account_id is left out: scoring raises
 * its error). created_at counts only when finite (Unix micros).
 */
void
gt_plan_scan_row(GtPlanScan *ps, int64 account, bool has_id, int64 id, bool has_parent, int64 parent,
				 bool has_created, int64 created)
{
	int32		a = account_index(ps, account);

	ps->rows[a]++;
	if (has_created)
	{
		ps->first[a] = Min(ps->first[a], created);
		ps->last[a] = Max(ps->last[a], created);
	}
	if (has_id)
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

static void
read_record(BufFile *f, LinkRecord *r)
{
	char		buf[RECORD_BYTES];

	if (BufFileRead(f, buf, RECORD_BYTES) != RECORD_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("givetake: a temporary file of the plan is damaged")));
	memcpy(&r->key, buf, sizeof(int64));
	memcpy(&r->account, buf + sizeof(int64), sizeof(uint32));
}

static void
rewind_file(BufFile *f)
{
	if (BufFileSeek(f, 0, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("givetake: could not rewind a temporary file of the plan")));
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
	BufFile    *f = ps->files[part];
	int64		n = ps->records[part],
				i;
	KeyTable	t;
	bool		linked = false;

	if (n == 0)
		return true;
	if (!key_table_init(&t, ps->cxt, 1024, budget))
		return false;
	rewind_file(f);
	for (i = 0; i < n; i++)
	{
		LinkRecord	r;
		KeySlot    *s;
		int32		a;

		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		read_record(f, &r);
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
		rewind_file(f);
		for (i = 0; i < n; i++)
		{
			LinkRecord	r;
			KeySlot    *s;
			int32		a;

			if ((i & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
			read_record(f, &r);
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
 * The facts, in the order of gt_plan_groups: accounts sorted by id, the
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
