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
 * Memory (the plan's context), at its peak in the first read: a map slot
 * per distinct contact and thread of the set (12 bytes, the maps at most
 * 3/4 full: gt_node_map.c) and two ints per node (a node per contact, per
 * thread and per row with neither). Each row's node goes to a file in the
 * order of the rows, which the second read follows, so the maps are freed
 * after the first. The ids, with
 * their rows' nodes, and the parent ids go to 64 partition files, read
 * back one at a time into a hash table of that partition's ids. Which
 * parts need which post as a reference stays on disk too: one file of
 * (post, part) pairs per partition, read with that partition's posts when
 * the references are written.
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

typedef struct IdEntry
{
	int64		id;
	int64		node;			/* with REFERABLE while the id is one such row */
	int64		created;		/* the earliest created_at of its rows */
} IdEntry;

/* A post some part needs as a reference, read back sorted. */
typedef struct PostPart
{
	int64		post;
	int			part;
} PostPart;

struct GtPartPlan
{
	MemoryContext cxt;
	GtSpill    *sp;				/* holds pair_groups */
	GtNodeMap	contacts;		/* read 1 only */
	GtNodeMap	threads;		/* keys: thread_key() */
	int		   *parent;			/* disjoint sets of nodes */
	int32	   *rows;			/* rows per node */
	int			nodes,
				capacity;
	int32	   *part_of_root;	/* per node: its part when it is a root */
	int			node_group;		/* each row's node, in the order every read of
								 * the group sees its rows (read 1 writes it,
								 * read 2 follows it) */
	int			pair_groups[ID_PARTITIONS];	/* per partition: (post, part) pairs,
											 * sorted and distinct */
	int64		referenced_posts,
				references;
	int			parts;
	int64		latest_kept;
	Size		peak_bytes;		/* the maps and node arrays after read 1 */
};

static int
new_node(GtPartPlan *p)
{
	if (p->nodes == p->capacity)
	{
		/* at most 2^31 - 1 nodes: two per row, and rows are capped at 2^30 */
		p->capacity = (int) Min((int64) p->capacity * 2, (int64) PG_INT32_MAX);
		p->parent = repalloc_huge(p->parent, (Size) p->capacity * sizeof(int));
		p->rows = repalloc_huge(p->rows, (Size) p->capacity * sizeof(int32));
	}
	p->parent[p->nodes] = p->nodes;
	p->rows[p->nodes] = 0;
	return p->nodes++;
}

static int
keyed_node(GtPartPlan *p, GtNodeMap *map, int64 key)
{
	bool		found;
	int32	   *node = gt_node_map_slot(map, key, &found);

	if (!found)
		*node = new_node(p);
	return *node;
}

/*
 * One int64 for (account, thread_id): the thread_id with the bits of its
 * account's hash flipped, so the threads of one account never share a key.
 * Two threads of different accounts may (about one pair in 2^64): that
 * only keeps them in one part, which changes no score.
 */
static int64
thread_key(const gt_interaction *r)
{
	return (int64) (gt_mix64((uint64) r->account_id) ^ (uint64) r->thread_id);
}

/* The node of a row (new contacts and threads get one). */
static int
node_of(GtPartPlan *p, const gt_interaction *r)
{
	int			n = -1;

	if (r->flags & GT_ROW_HAS_CONTACT)
		n = keyed_node(p, &p->contacts, r->contact_id);
	if (r->flags & GT_ROW_HAS_THREAD)
	{
		int			m = keyed_node(p, &p->threads, thread_key(r));

		if (n < 0)
			n = m;
		else
			gt_link_accounts(p->parent, n, m);
	}
	/* a row with neither gets a node of its own: such rows (posts, mostly)
	 * join units only through their ids and parents; a shared node would
	 * join the units of unrelated rows into one */
	if (n < 0)
		n = new_node(p);
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
post_part_order(const void *a, const void *b)
{
	const PostPart *x = a,
			   *y = b;

	if (x->post != y->post)
		return x->post < y->post ? -1 : 1;
	return (x->part > y->part) - (x->part < y->part);
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

/*
 * Shared ids join their rows' units and a row joins its parent's, unless
 * the parent is one referable row: a request instead (the post, and the
 * nodes of the post and its answer), written to `request_group`. One
 * partition of the ids at a time, so only its ids are in memory.
 */
static void
resolve_partition(GtPartPlan *p, GtSpill *sp, int id_group, int parent_group, int request_group,
				  gt_interaction *rows, int batch)
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
				put_record(sp, request_group, rows[i].id, e->node & ~REFERABLE, answer);
			else
				gt_link_accounts(p->parent, (int) e->node, answer);
		}
	}
	gt_spill_drop(sp, id_group);
	gt_spill_drop(sp, parent_group);
	MemoryContextDelete(cxt);
}

/* Appends a pair to a growing array (in the current memory context). */
static void
push_pair(PostPart **pairs, int *n, int *cap, int64 post, int part)
{
	if (*n == *cap)
	{
		*cap *= 2;
		*pairs = repalloc_huge(*pairs, (Size) *cap * sizeof(PostPart));
	}
	(*pairs)[*n].post = post;
	(*pairs)[(*n)++].part = part;
}

/* The (post, part) pairs of a spill group, as plan_references wrote them,
 * in `cxt`; their count in *n. */
static PostPart *
load_pairs(GtSpill *sp, int group, gt_interaction *rows, int batch, int *n)
{
	int			cap = 64,
				k,
				i;
	PostPart   *pairs = palloc(cap * sizeof(PostPart));

	*n = 0;
	gt_spill_rewind(sp, group);
	while ((k = gt_spill_read(sp, group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
			push_pair(&pairs, n, &cap, rows[i].id, (int) rows[i].account_id);
	}
	return pairs;
}

/* One partition's requests (see resolve_partition) as a new spill group of
 * sorted, distinct (post, part) pairs: the parts holding an answer but not
 * its post. The request group is dropped. */
static int
plan_references(GtPartPlan *p, GtSpill *sp, int request_group, gt_interaction *rows, int batch)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake part requests", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	int			out = gt_spill_add_group(sp);
	int			cap = 64,
				n = 0,
				k,
				i;
	PostPart   *pairs = palloc(cap * sizeof(PostPart));

	gt_spill_rewind(sp, request_group);
	while ((k = gt_spill_read(sp, request_group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < k; i++)
		{
			/* put_record(post, post's node, answer's node) */
			int			post_part = p->part_of_root[gt_set_root(p->parent, (int) rows[i].account_id)];
			int			answer_part = p->part_of_root[gt_set_root(p->parent, (int) rows[i].created_at)];

			if (answer_part != post_part)
				push_pair(&pairs, &n, &cap, rows[i].id, answer_part);
		}
	}
	gt_spill_drop(sp, request_group);
	qsort(pairs, n, sizeof(PostPart), post_part_order);
	for (i = 0; i < n; i++)
	{
		if (i > 0 && pairs[i].post == pairs[i - 1].post && pairs[i].part == pairs[i - 1].part)
			continue;
		if (i == 0 || pairs[i].post != pairs[i - 1].post)
			p->referenced_posts++;
		p->references++;
		put_record(sp, out, pairs[i].post, pairs[i].part, 0);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return out;
}

GtPartPlan *
gt_parts_plan(GtSpill *sp, int group, double bytes_per_row, double limit, gt_interaction *rows, int batch)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "givetake parts", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	GtPartPlan *p = palloc0(sizeof(GtPartPlan));
	int			id_groups[ID_PARTITIONS],
				parent_groups[ID_PARTITIONS],
				request_groups[ID_PARTITIONS];
	int			k,
				i,
				nroots = 0;
	int64		total = 0,
				largest = 0;
	GtSetLoad  *roots;
	int64	   *load;
	int		   *part;

	p->cxt = cxt;
	p->sp = sp;
	p->capacity = 4096;
	p->parent = palloc_extended((Size) p->capacity * sizeof(int), MCXT_ALLOC_HUGE);
	p->rows = palloc_extended((Size) p->capacity * sizeof(int32), MCXT_ALLOC_HUGE);
	gt_node_map_init(&p->contacts, cxt);
	gt_node_map_init(&p->threads, cxt);
	p->latest_kept = PG_INT64_MIN;
	p->node_group = gt_spill_add_group(sp);
	for (i = 0; i < ID_PARTITIONS; i++)
	{
		id_groups[i] = gt_spill_add_group(sp);
		parent_groups[i] = gt_spill_add_group(sp);
		request_groups[i] = gt_spill_add_group(sp);
	}

	/* Read 1: each row's node (to the node group) and rows per node; ids
	 * and parents to their partitions. A row makes at most two nodes, and
	 * nodes and rows per node are int. */
	gt_spill_rewind(sp, group);
	while ((k = gt_spill_read(sp, group, rows, batch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		if (total + k > PG_INT32_MAX / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("givetake: an account (with the accounts it is linked to) of more than %d rows "
							"cannot be scored in parts", PG_INT32_MAX / 2)));
		total += k;
		for (i = 0; i < k; i++)
		{
			const gt_interaction *r = &rows[i];
			int			n = node_of(p, r);

			p->rows[n]++;
			put_record(sp, p->node_group, n, 0, 0);
			/* a row the engine drops (unknown codes) is no one's parent */
			if (!known_codes(r))
				continue;
			put_record(sp, id_groups[partition_of(r->id)], r->id, n | (referable(r) ? REFERABLE : 0),
					   r->created_at);
			if ((r->flags & GT_ROW_HAS_PARENT) && r->parent_id != r->id)
				put_record(sp, parent_groups[partition_of(r->parent_id)], r->parent_id, n, 0);
		}
	}
	/* the tables are needed no more: read 2 follows the node group */
	p->peak_bytes = gt_node_map_bytes(&p->contacts) + gt_node_map_bytes(&p->threads)
		+ (Size) p->capacity * (sizeof(int) + sizeof(int32));
	gt_node_map_free(&p->contacts);
	gt_node_map_free(&p->threads);
	for (i = 0; i < ID_PARTITIONS; i++)
		resolve_partition(p, sp, id_groups[i], parent_groups[i], request_groups[i], rows, batch);

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
	/* the units only (far fewer than the nodes at 10^8 rows) */
	for (i = 0; i < p->nodes; i++)
		if (p->parent[i] == i && p->rows[i] > 0)
			nroots++;
	roots = palloc_extended((Size) Max(nroots, 1) * sizeof(GtSetLoad), MCXT_ALLOC_HUGE);
	nroots = 0;
	for (i = 0; i < p->nodes; i++)
		if (p->parent[i] == i && p->rows[i] > 0)
		{
			roots[nroots].root = i;
			roots[nroots++].rows = p->rows[i];
			largest = Max(largest, p->rows[i]);
		}
	/* as many parts as the memory needs, with a margin (parts are
	 * balanced by rows, not bytes) */
	p->parts = (int) Min((double) nroots, Max(2.0, bytes_per_row * (double) total * 1.25 / limit + 1));
	/* a unit past the rows of a part, with a margin, would not fit it */
	if (nroots < 2 || largest * p->parts > total + total / 4)
	{
		for (i = 0; i < ID_PARTITIONS; i++)
			gt_spill_drop(sp, request_groups[i]);
		gt_spill_drop(sp, p->node_group);
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		return NULL;
	}
	/* rows per node are in roots now: their array holds the parts */
	p->part_of_root = p->rows;
	p->rows = NULL;
	part = palloc_extended((Size) nroots * sizeof(int), MCXT_ALLOC_HUGE);
	load = palloc(p->parts * sizeof(int64));
	gt_deal_sets(roots, nroots, p->parts, part, load);
	for (i = 0; i < nroots; i++)
		p->part_of_root[roots[i].root] = part[i];
	pfree(roots);
	pfree(part);

	/* Per partition, the requests become the sorted (post, part) pairs of
	 * the parts that need a post not in their own. */
	for (i = 0; i < ID_PARTITIONS; i++)
		p->pair_groups[i] = plan_references(p, sp, request_groups[i], rows, batch);
	MemoryContextSwitchTo(old);
	elog(DEBUG1, "givetake: " INT64_FORMAT " rows of one linked set in %d parts of whole contacts and threads, "
		 INT64_FORMAT " posts given as " INT64_FORMAT " references, plan %zu MB", total, p->parts,
		 p->referenced_posts, p->references, p->peak_bytes >> 20);
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

/* The group's rows and its node group (read 1's nodes) disagree. */
static void
rows_changed(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("givetake: the rows of an account scored in parts changed between two reads of its "
					"temporary files")));
}

void
gt_parts_write(GtPartPlan *p, GtSpill *sp, int group, gt_interaction *rows, int batch,
			   const int *part_groups, const int *reference_groups)
{
	MemoryContext old = MemoryContextSwitchTo(p->cxt);
	int			post_groups[ID_PARTITIONS];
	gt_interaction *nodes = palloc(batch * sizeof(gt_interaction));
	int			k,
				i,
				j,
				nodes_read = 0,
				nodes_used = 0;

	/* Each row to its part; each referable row also to its id's partition. */
	for (j = 0; j < ID_PARTITIONS; j++)
		post_groups[j] = gt_spill_add_group(sp);
	gt_spill_rewind(sp, group);
	gt_spill_rewind(sp, p->node_group);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		/* a read of any group moves the texts of the rows last read, so
		 * nodes are read only between batches of rows, and each batch of
		 * rows is no larger than the nodes at hand */
		if (nodes_used == nodes_read)
		{
			nodes_read = gt_spill_read(sp, p->node_group, nodes, batch);
			nodes_used = 0;
			if (nodes_read == 0)
				break;
		}
		k = gt_spill_read(sp, group, rows, nodes_read - nodes_used);
		if (k == 0)
			rows_changed();
		for (i = 0; i < k; i++)
		{
			const gt_interaction *r = &rows[i];
			int			part = p->part_of_root[gt_set_root(p->parent, (int) nodes[nodes_used++].id)];

			gt_spill_write(sp, part_groups[part], r);
			if (referable(r))
				gt_spill_write(sp, post_groups[partition_of(r->id)], r);
		}
	}
	if (gt_spill_read(sp, group, rows, 1) > 0)
		rows_changed();
	gt_spill_drop(sp, p->node_group);
	pfree(nodes);
	/* Per partition: its posts to the parts that need them. */
	for (j = 0; j < ID_PARTITIONS; j++)
	{
		MemoryContext cxt = AllocSetContextCreate(p->cxt, "givetake part references", ALLOCSET_DEFAULT_SIZES);
		int			n;
		PostPart   *pairs;

		MemoryContextSwitchTo(cxt);
		pairs = load_pairs(sp, p->pair_groups[j], rows, batch, &n);
		gt_spill_drop(sp, p->pair_groups[j]);
		gt_spill_rewind(sp, post_groups[j]);
		while (n > 0 && (k = gt_spill_read(sp, post_groups[j], rows, batch)) > 0)
		{
			CHECK_FOR_INTERRUPTS();
			for (i = 0; i < k; i++)
			{
				int			lo = 0,
							hi = n;

				while (lo < hi)
				{
					int			mid = lo + (hi - lo) / 2;

					if (pairs[mid].post < rows[i].id)
						lo = mid + 1;
					else
						hi = mid;
				}
				for (; lo < n && pairs[lo].post == rows[i].id; lo++)
					gt_spill_write(sp, reference_groups[pairs[lo].part], &rows[i]);
			}
		}
		gt_spill_drop(sp, post_groups[j]);
		MemoryContextSwitchTo(p->cxt);
		MemoryContextDelete(cxt);
	}
	MemoryContextSwitchTo(old);
}

void
gt_parts_free(GtPartPlan *plan)
{
	int			i;

	for (i = 0; i < ID_PARTITIONS; i++)
		gt_spill_drop(plan->sp, plan->pair_groups[i]);
	gt_spill_drop(plan->sp, plan->node_group);
	MemoryContextDelete(plan->cxt);
}
