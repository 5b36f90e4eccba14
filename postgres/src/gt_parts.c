/*
 * One linked set of accounts too large for givetake.max_memory (most often
 * one account: a self-hosted CRM keeps every conversation in one) is
 * scored in parts (docs/architecture.md). The units that must stay whole
 * are found in the group's spilled rows: rows sharing a contact_id, an
 * (account, thread_id) or an id, and a row with its parent, except a
 * parent that is one outbound row without contact or thread (a post many
 * contacts answer): each other part holding an answer gets that row as a
 * reference instead (gt_scorer_add_references). Units are packed into
 * parts by rows, largest first, and the group's rows are written to one
 * new spill group per part, the references to one more per part.
 *
 * Memory (the plan's context): a hash entry per distinct contact and
 * thread of the set, an int and an int64 per node (a node per contact,
 * per thread and per row with neither) and an int per row with neither;
 * the ids, with their rows' nodes, and the parent ids go to 64 partition
 * files, read back one at a time into a hash table of that partition's
 * ids.
 */
#include "gt_pg.h"

#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/hsearch.h"

/* Marks a referable row's node in the id records. */
#define REFERABLE ((int64) 1 << 62)
/* Ids and parent ids go to this many partitions (spill groups), one in
 * memory at a time. */
#define ID_PARTITIONS 64

typedef struct ThreadKey
{
	int64		account;
	int64		thread;
} ThreadKey;

typedef struct NodeEntry
{
	int64		key[2];			/* a contact_id, or a ThreadKey */
	int			node;
} NodeEntry;

typedef struct IdEntry
{
	int64		id;
	int64		node;			/* with REFERABLE while the id is one such row */
	int64		created;		/* the earliest created_at of its rows */
} IdEntry;

typedef struct Request
{
	int64		post;
	int			post_node;
	int			answer_node;
	int			part;			/* the answer's part, once planned */
} Request;

typedef struct PostEntry
{
	int64		post;
	int			first;			/* its requests: requests[first .. first + count) */
	int			count;
} PostEntry;

struct GtPartPlan
{
	MemoryContext cxt;
	HTAB	   *contacts;
	HTAB	   *threads;
	HTAB	   *posts;			/* referenced posts -> their requests */
	int		   *parent;			/* disjoint sets of nodes */
	int64	   *rows;			/* rows per node */
	int			nodes,
				capacity;
	int32	   *part_of_root;	/* per node: its part when it is a root */
	int		   *lone;			/* the node of each row with neither contact nor
								 * thread, in the order every read of the group
								 * sees its rows */
	int			nlone,
				lone_cap,
				lone_passed;	/* of them, passed by the current read */
	Request    *requests;
	int			nrequests;
	int			parts;
	int64		latest_kept;
};

static int
new_node(GtPartPlan *p)
{
	if (p->nodes == p->capacity)
	{
		p->capacity *= 2;
		p->parent = repalloc_huge(p->parent, (Size) p->capacity * sizeof(int));
		p->rows = repalloc_huge(p->rows, (Size) p->capacity * sizeof(int64));
	}
	p->parent[p->nodes] = p->nodes;
	p->rows[p->nodes] = 0;
	return p->nodes++;
}

static int
keyed_node(GtPartPlan *p, HTAB *table, int64 a, int64 b)
{
	int64		key[2] = {a, b};
	bool		found;
	NodeEntry  *e = hash_search(table, key, HASH_ENTER, &found);

	if (!found)
		e->node = new_node(p);
	return e->node;
}

/* The node of a row (new contacts and threads get one). */
static int
node_of(GtPartPlan *p, const gt_interaction *r)
{
	int			n = -1;

	if (r->flags & GT_ROW_HAS_CONTACT)
		n = keyed_node(p, p->contacts, r->contact_id, 0);
	if (r->flags & GT_ROW_HAS_THREAD)
	{
		int			m = keyed_node(p, p->threads, r->account_id, r->thread_id);

		if (n < 0)
			n = m;
		else
			gt_link_accounts(p->parent, n, m);
	}
	if (n < 0)
	{
		/* a node of its own: such rows (posts, mostly) join units only
		 * through their ids and parents; shared nodes would join the units
		 * of unrelated rows into one */
		if (p->lone_passed == p->nlone)
		{
			if (p->nlone == p->lone_cap)
			{
				p->lone_cap *= 2;
				p->lone = repalloc_huge(p->lone, (Size) p->lone_cap * sizeof(int));
			}
			p->lone[p->nlone++] = new_node(p);
		}
		n = p->lone[p->lone_passed++];
	}
	return n;
}

static bool
known_codes(const gt_interaction *r)
{
	return r->channel >= 0 && r->channel < GT_CHANNEL_COUNT && r->kind >= 0 && r->kind < GT_KIND_COUNT;
}

static bool
referable(const gt_interaction *r)
{
	return !(r->flags & (GT_ROW_INBOUND | GT_ROW_HAS_CONTACT | GT_ROW_HAS_THREAD));
}

static int
request_order(const void *a, const void *b)
{
	const Request *x = a,
			   *y = b;

	if (x->post != y->post)
		return x->post < y->post ? -1 : 1;
	return (x->part > y->part) - (x->part < y->part);
}

static HTAB *
node_table(const char *name, MemoryContext cxt)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = 2 * sizeof(int64);
	ctl.entrysize = sizeof(NodeEntry);
	ctl.hcxt = cxt;
	return hash_create(name, 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* A record of the id and parent partitions, as a spilled row: the id (or
 * parent id) in `id`, the node (with REFERABLE) in `account_id`. */
static void
put_record(GtSpill *sp, int group, int64 id, int64 node, int64 created)
{
	gt_interaction rec;

	memset(&rec, 0, sizeof(rec));
	rec.id = id;
	rec.account_id = node;
	rec.created_at = created;
	gt_spill_write(sp, group, &rec);
}

static int
partition_of(int64 id)
{
	return (int) ((((uint64) id) * UINT64CONST(0xD6E8FEB86659FD93)) >> 40) % ID_PARTITIONS;
}

static void
add_request(GtPartPlan *p, int *cap, int64 post, int post_node, int answer_node)
{
	if (p->nrequests == *cap)
	{
		*cap *= 2;
		p->requests = repalloc_huge(p->requests, (Size) *cap * sizeof(Request));
	}
	p->requests[p->nrequests].post = post;
	p->requests[p->nrequests].post_node = post_node;
	p->requests[p->nrequests++].answer_node = answer_node;
}

/*
 * Shared ids join their rows' units and a row joins its parent's, unless
 * the parent is one referable row (a request instead): one partition of
 * the ids at a time, so only its ids are in memory.
 */
static void
resolve_partition(GtPartPlan *p, GtSpill *sp, int id_group, int parent_group, gt_interaction *rows, int batch,
				  int *cap_requests)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake part ids", ALLOCSET_DEFAULT_SIZES);
	HASHCTL		ctl;
	HTAB	   *ids;
	int			k,
				i;
	bool		found;
	IdEntry    *e;
	HASH_SEQ_STATUS seq;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(IdEntry);
	ctl.hcxt = cxt;
	ids = hash_create("givetake part ids", 4096, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	gt_spill_rewind(sp, id_group);
	while ((k = gt_spill_read(sp, id_group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			e = hash_search(ids, &rows[i].id, HASH_ENTER, &found);
			if (!found)
			{
				e->node = rows[i].account_id;
				e->created = rows[i].created_at;
			}
			else
			{
				gt_link_accounts(p->parent, (int) (e->node & ~REFERABLE), (int) (rows[i].account_id & ~REFERABLE));
				e->node &= ~REFERABLE;
				e->created = Min(e->created, rows[i].created_at);
			}
		}
	}
	/* The kept row of an id is its earliest: the set's as_of by default. */
	hash_seq_init(&seq, ids);
	while ((e = hash_seq_search(&seq)) != NULL)
		p->latest_kept = Max(p->latest_kept, e->created);
	gt_spill_rewind(sp, parent_group);
	while ((k = gt_spill_read(sp, parent_group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			int			answer = (int) rows[i].account_id;

			e = hash_search(ids, &rows[i].id, HASH_FIND, &found);
			if (!found)
				continue;		/* names no row: an orphan in any part */
			if (e->node & REFERABLE)
				add_request(p, cap_requests, rows[i].id, (int) (e->node & ~REFERABLE), answer);
			else
				gt_link_accounts(p->parent, (int) e->node, answer);
		}
	}
	gt_spill_drop(sp, id_group);
	gt_spill_drop(sp, parent_group);
	MemoryContextDelete(cxt);
}

GtPartPlan *
gt_parts_plan(GtSpill *sp, int group, double bytes_per_row, double limit, gt_interaction *rows, int batch)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake parts", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	GtPartPlan *p = palloc0(sizeof(GtPartPlan));
	HASHCTL		ctl;
	int			id_groups[ID_PARTITIONS],
				parent_groups[ID_PARTITIONS];
	int			k,
				i,
				nroots = 0,
				cap_requests = 64;
	int64		total = 0,
				largest = 0;
	GtSetLoad  *roots;
	int64	   *load;
	int		   *part;

	p->cxt = cxt;
	p->capacity = 4096;
	p->parent = palloc_extended((Size) p->capacity * sizeof(int), MCXT_ALLOC_HUGE);
	p->rows = palloc_extended((Size) p->capacity * sizeof(int64), MCXT_ALLOC_HUGE);
	p->lone_cap = 1024;
	p->lone = palloc_extended((Size) p->lone_cap * sizeof(int), MCXT_ALLOC_HUGE);
	p->contacts = node_table("givetake part contacts", cxt);
	p->threads = node_table("givetake part threads", cxt);
	p->requests = palloc((Size) cap_requests * sizeof(Request));
	p->latest_kept = PG_INT64_MIN;
	for (i = 0; i < ID_PARTITIONS; i++)
	{
		id_groups[i] = gt_spill_add_group(sp);
		parent_groups[i] = gt_spill_add_group(sp);
	}

	/* Nodes and rows per node; ids and parents to their partitions. */
	gt_spill_rewind(sp, group);
	while ((k = gt_spill_read(sp, group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			const gt_interaction *r = &rows[i];
			int			n = node_of(p, r);

			p->rows[n]++;
			/* a row the engine drops (unknown codes) is no one's parent */
			if (!known_codes(r))
				continue;
			put_record(sp, id_groups[partition_of(r->id)], r->id, n | (referable(r) ? REFERABLE : 0),
					   r->created_at);
			if ((r->flags & GT_ROW_HAS_PARENT) && r->parent_id != r->id)
				put_record(sp, parent_groups[partition_of(r->parent_id)], r->parent_id, n, 0);
		}
	}
	for (i = 0; i < ID_PARTITIONS; i++)
		resolve_partition(p, sp, id_groups[i], parent_groups[i], rows, batch, &cap_requests);

	/* Rows per unit; parts of about equal rows, largest unit first. */
	for (i = 0; i < p->nodes; i++)
	{
		int			r = gt_set_root(p->parent, i);

		if (r != i)
		{
			p->rows[r] += p->rows[i];
			p->rows[i] = 0;
		}
	}
	roots = palloc_extended((Size) p->nodes * sizeof(GtSetLoad), MCXT_ALLOC_HUGE);
	for (i = 0; i < p->nodes; i++)
		if (p->parent[i] == i && p->rows[i] > 0)
		{
			roots[nroots].root = i;
			roots[nroots++].rows = p->rows[i];
			total += p->rows[i];
			largest = Max(largest, p->rows[i]);
		}
	/* as many parts as the memory needs, with a margin (parts are
	 * balanced by rows, not bytes) */
	p->parts = (int) Min((double) nroots, Max(2.0, bytes_per_row * (double) total * 1.25 / limit + 1));
	/* a unit past the rows of a part, with a margin, would not fit it */
	if (nroots < 2 || largest * p->parts > total + total / 4)
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		return NULL;
	}
	p->part_of_root = palloc_extended((Size) p->nodes * sizeof(int32), MCXT_ALLOC_HUGE);
	part = palloc_extended((Size) nroots * sizeof(int), MCXT_ALLOC_HUGE);
	load = palloc(p->parts * sizeof(int64));
	gt_deal_sets(roots, nroots, p->parts, part, load);
	for (i = 0; i < nroots; i++)
		p->part_of_root[roots[i].root] = part[i];

	/* The posts each part needs as references. */
	for (i = 0; i < p->nrequests; i++)
		p->requests[i].part = p->part_of_root[gt_set_root(p->parent, p->requests[i].answer_node)];
	qsort(p->requests, p->nrequests, sizeof(Request), request_order);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(PostEntry);
	ctl.hcxt = cxt;
	p->posts = hash_create("givetake part posts", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (i = 0; i < p->nrequests; i++)
	{
		const Request *q = &p->requests[i];
		bool		found;
		PostEntry  *pe;

		if (q->part == p->part_of_root[gt_set_root(p->parent, q->post_node)])
			continue;			/* the post is in that part */
		if (i > 0 && q->post == p->requests[i - 1].post && q->part == p->requests[i - 1].part)
			continue;
		pe = hash_search(p->posts, &q->post, HASH_ENTER, &found);
		if (!found)
		{
			pe->first = i;
			pe->count = 0;
		}
		/* entries of one post are consecutive: mark the used ones */
		p->requests[pe->first + pe->count++].part = q->part;
	}
	MemoryContextSwitchTo(old);
	elog(DEBUG1, "givetake: " INT64_FORMAT " rows of one linked set in %d parts of whole contacts and threads, "
		 "%ld posts given as references", total, p->parts, hash_get_num_entries(p->posts));
	return p;
}

int
gt_parts_count(const GtPartPlan *plan)
{
	return plan->parts;
}

int64
gt_parts_latest_kept(const GtPartPlan *plan)
{
	return plan->latest_kept;
}

void
gt_parts_write(GtPartPlan *p, GtSpill *sp, int group, gt_interaction *rows, int batch,
			   const int *part_groups, const int *reference_groups)
{
	MemoryContext old = MemoryContextSwitchTo(p->cxt);
	int			k,
				i,
				j;

	gt_spill_rewind(sp, group);
	p->lone_passed = 0;
	while ((k = gt_spill_read(sp, group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			const gt_interaction *r = &rows[i];
			int			part = p->part_of_root[gt_set_root(p->parent, node_of(p, r))];
			bool		found;
			PostEntry  *pe;

			gt_spill_write(sp, part_groups[part], r);
			if (!referable(r))
				continue;
			pe = hash_search(p->posts, &r->id, HASH_FIND, &found);
			if (found)
				for (j = 0; j < pe->count; j++)
					gt_spill_write(sp, reference_groups[p->requests[pe->first + j].part], r);
		}
	}
	MemoryContextSwitchTo(old);
}

void
gt_parts_free(GtPartPlan *plan)
{
	MemoryContextDelete(plan->cxt);
}
