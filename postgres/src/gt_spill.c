/*
 * gt_spill.c -- the rows of a source scored in groups of accounts, kept in
 * temporary files (BufFile) between the one scan that reads the source and
 * the scoring of each group. The scan writes each row to the file of its
 * account's bucket; once the plan is known, a group is the chain of its
 * buckets' files (gt_spill_regroup), read one after another. A row is
 * stored converted and packed (varints, the texts as UTF-8), since the
 * files' size is what an ERROR or cancel pays to delete them: the kernel
 * drops their cached pages on unlink. A group's files are deleted as soon
 * as the group is scored for the last time, or split into two new groups;
 * the rest go with the transaction's resources on ERROR or cancel.
 */
#include "gt_pg.h"

#include <math.h>

#include "miscadmin.h"
#include "storage/buffile.h"
#include "utils/memutils.h"

/*
 * A stored row: its payload's length (uint32), then the payload: a byte
 * saying whether a value other than 0.0 follows, channel + 1 and
 * kind + 1 (a byte each, 0: unknown), varints (zigzag) of the GT_ROW_*
 * flags, id, account_id, created_at minus the previous row's of the
 * file, and the ids the flags announce, the value (8 bytes) unless 0.0,
 * then the lengths + 1 (0: NULL) of author_name and body, and their
 * bytes.
 */
#define SPILL_HEAD_MAX (3 + 8 * 10 + 8 + 2 * 10)
/* A batch read back ends early once its rows pass this size. */
#define SPILL_BATCH_BYTES (8 * 1024 * 1024)

/* Files ("slots") hold rows; a group is a chain of slots. */
struct GtSpill
{
	int			count;			/* groups */
	int			slots;
	int		   *head;			/* per group: its first slot, -1: none */
	int		   *cur;			/* per group: the slot being read */
	int		   *next;			/* per slot: the next of its group, -1: last */
	BufFile   **files;			/* per slot; NULL: no row (yet), or dropped */
	int64	   *last_created;	/* per slot: the previous row's, writing */
	int64	   *read_created;	/* per slot: the same, reading (groups may be
								 * read in turns) */
	MemoryContext cxt;
	char	   *buf;			/* payloads of the last batch read */
	size_t		buf_cap;
};

GtSpill *
gt_spill_create(int groups)
{
	GtSpill    *sp = palloc0(sizeof(GtSpill));
	int			i;

	sp->count = sp->slots = groups;
	sp->head = palloc(sizeof(int) * Max(groups, 1));
	sp->cur = palloc(sizeof(int) * Max(groups, 1));
	sp->next = palloc(sizeof(int) * Max(groups, 1));
	sp->files = palloc0(sizeof(BufFile *) * Max(groups, 1));
	sp->last_created = palloc0(sizeof(int64) * Max(groups, 1));
	sp->read_created = palloc0(sizeof(int64) * Max(groups, 1));
	for (i = 0; i < groups; i++)
	{
		sp->head[i] = sp->cur[i] = i;
		sp->next[i] = -1;
	}
	sp->cxt = CurrentMemoryContext;
	return sp;
}

int
gt_spill_add_group(GtSpill *sp)
{
	int			slot = sp->slots++;

	sp->next = repalloc(sp->next, sizeof(int) * sp->slots);
	sp->files = repalloc(sp->files, sizeof(BufFile *) * sp->slots);
	sp->last_created = repalloc(sp->last_created, sizeof(int64) * sp->slots);
	sp->read_created = repalloc(sp->read_created, sizeof(int64) * sp->slots);
	sp->files[slot] = NULL;
	sp->next[slot] = -1;
	sp->last_created[slot] = 0;
	sp->read_created[slot] = 0;
	sp->head = repalloc(sp->head, sizeof(int) * (sp->count + 1));
	sp->cur = repalloc(sp->cur, sizeof(int) * (sp->count + 1));
	sp->head[sp->count] = sp->cur[sp->count] = slot;
	return sp->count++;
}

void
gt_spill_regroup(GtSpill *sp, int groups, const int32 *group_of)
{
	int		   *tail = palloc(sizeof(int) * Max(groups, 1));
	int			i;

	Assert(sp->slots == sp->count);
	sp->head = repalloc(sp->head, sizeof(int) * Max(groups, 1));
	sp->cur = repalloc(sp->cur, sizeof(int) * Max(groups, 1));
	for (i = 0; i < groups; i++)
		sp->head[i] = sp->cur[i] = tail[i] = -1;
	for (i = 0; i < sp->slots; i++)
	{
		int			g = group_of[i];

		Assert(g >= 0 && g < groups);
		sp->next[i] = -1;
		if (tail[g] < 0)
			sp->head[g] = sp->cur[g] = i;
		else
			sp->next[tail[g]] = i;
		tail[g] = i;
	}
	sp->count = groups;
	pfree(tail);
}

static uint8
small_code(int32 v)
{
	return v >= 0 && v < 255 ? (uint8) (v + 1) : 0;
}

static char *
put_varint(char *p, int64 v)
{
	uint64		u = ((uint64) v << 1) ^ (uint64) (v >> 63);

	while (u >= 0x80)
	{
		*p++ = (char) (u | 0x80);
		u >>= 7;
	}
	*p++ = (char) u;
	return p;
}

void
gt_spill_write(GtSpill *sp, int group, const gt_interaction *r)
{
	char		head[SPILL_HEAD_MAX];
	char	   *p = head;
	uint32		len;
	size_t		alen = r->author_name.ptr ? r->author_name.len : 0,
				blen = r->body.ptr ? r->body.len : 0;
	/* 0.0 is left out, -0.0 kept: the value reads back bit for bit */
	bool		has_value = r->value != 0.0 || signbit(r->value);
	BufFile    *f;
	int			slot;

	Assert(group >= 0 && group < sp->count);
	slot = sp->head[group];
	Assert(slot >= 0 && sp->next[slot] < 0);
	if (sp->files[slot] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(sp->cxt);

		sp->files[slot] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	f = sp->files[slot];
	*p++ = (char) has_value;
	*p++ = (char) small_code(r->channel);
	*p++ = (char) small_code(r->kind);
	p = put_varint(p, (int64) r->flags);
	p = put_varint(p, r->id);
	p = put_varint(p, r->account_id);
	p = put_varint(p, (int64) ((uint64) r->created_at - (uint64) sp->last_created[slot]));
	sp->last_created[slot] = r->created_at;
	if (r->flags & GT_ROW_HAS_CONTACT)
		p = put_varint(p, r->contact_id);
	if (r->flags & GT_ROW_HAS_PARENT)
		p = put_varint(p, r->parent_id);
	if (r->flags & GT_ROW_HAS_THREAD)
		p = put_varint(p, r->thread_id);
	if (r->flags & GT_ROW_HAS_AGENT)
		p = put_varint(p, r->agent_id);
	if (has_value)
	{
		memcpy(p, &r->value, sizeof(double));
		p += sizeof(double);
	}
	p = put_varint(p, r->author_name.ptr ? (int64) alen + 1 : 0);
	p = put_varint(p, r->body.ptr ? (int64) blen + 1 : 0);
	len = (uint32) ((p - head) + alen + blen);
	BufFileWrite(f, &len, sizeof(len));
	BufFileWrite(f, head, p - head);
	if (alen > 0)
		BufFileWrite(f, (void *) r->author_name.ptr, alen);
	if (blen > 0)
		BufFileWrite(f, (void *) r->body.ptr, blen);
}

void
gt_spill_rewind(GtSpill *sp, int group)
{
	int			slot;

	sp->cur[group] = sp->head[group];
	for (slot = sp->head[group]; slot >= 0; slot = sp->next[slot])
	{
		sp->read_created[slot] = 0;
		if (sp->files[slot] != NULL && BufFileSeek(sp->files[slot], 0, 0, SEEK_SET) != 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("givetake: could not rewind a temporary file of group %d", group + 1)));
	}
}

pg_attribute_noreturn() static void
corrupt(int group)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("givetake: a temporary file of group %d is damaged", group + 1)));
}

/* A varint within [*p, end), or ERROR. */
static int64
get_varint(const char **p, const char *end, int group)
{
	uint64		u = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		b;

		if (*p >= end || shift > 63)
			corrupt(group);
		b = (uint8) *(*p)++;
		u |= (uint64) (b & 0x7F) << shift;
		if (b < 0x80)
			break;
		shift += 7;
	}
	return (int64) (u >> 1) ^ -(int64) (u & 1);
}

int
gt_spill_read(GtSpill *sp, int group, gt_interaction *rows, int max)
{
	size_t		used = 0;
	int			k = 0,
				i;

	while (k < max && used < SPILL_BATCH_BYTES && sp->cur[group] >= 0)
	{
		BufFile    *f = sp->files[sp->cur[group]];
		gt_interaction *r = &rows[k];
		uint32		len;
		size_t		n = f ? BufFileRead(f, &len, sizeof(len)) : 0;
		const char *p,
				   *end;
		bool		has_value;

		if (n == 0)
		{
			/* the group's next file (its created_at deltas start afresh:
			 * rewind set them) */
			sp->cur[group] = sp->next[sp->cur[group]];
			continue;
		}
		if (n != sizeof(len))
			corrupt(group);
		if (used + len > sp->buf_cap)
		{
			size_t		cap = Max(Max(sp->buf_cap * 2, used + len), (size_t) 65536);

			/* rows already read point by offset: the buffer may move */
			sp->buf = sp->buf ? repalloc_huge(sp->buf, cap) : MemoryContextAllocHuge(sp->cxt, cap);
			sp->buf_cap = cap;
		}
		if (BufFileRead(f, sp->buf + used, len) != len)
			corrupt(group);
		p = sp->buf + used;
		end = p + len;
		if (len < 3)
			corrupt(group);
		memset(r, 0, sizeof(*r));
		has_value = p[0] != 0;
		r->channel = (int32) (uint8) p[1] - 1;
		r->kind = (int32) (uint8) p[2] - 1;
		p += 3;
		r->flags = (uint32) get_varint(&p, end, group);
		r->id = get_varint(&p, end, group);
		r->account_id = get_varint(&p, end, group);
		sp->read_created[sp->cur[group]] = (int64) ((uint64) sp->read_created[sp->cur[group]]
													+ (uint64) get_varint(&p, end, group));
		r->created_at = sp->read_created[sp->cur[group]];
		if (r->flags & GT_ROW_HAS_CONTACT)
			r->contact_id = get_varint(&p, end, group);
		if (r->flags & GT_ROW_HAS_PARENT)
			r->parent_id = get_varint(&p, end, group);
		if (r->flags & GT_ROW_HAS_THREAD)
			r->thread_id = get_varint(&p, end, group);
		if (r->flags & GT_ROW_HAS_AGENT)
			r->agent_id = get_varint(&p, end, group);
		if (has_value)
		{
			if (end - p < (ptrdiff_t) sizeof(double))
				corrupt(group);
			memcpy(&r->value, p, sizeof(double));
			p += sizeof(double);
		}
		/* the two lengths, then the two texts */
		{
			int64		alen = get_varint(&p, end, group),
						blen = get_varint(&p, end, group);
			const char *base = sp->buf;

			if (alen < 0 || blen < 0 || (alen > 0 ? alen - 1 : 0) + (blen > 0 ? blen - 1 : 0) != end - p)
				corrupt(group);
			r->author_name.ptr = alen ? (const char *) (uintptr_t) (p - base + 1) : NULL;
			r->author_name.len = alen ? (size_t) (alen - 1) : 0;
			p += r->author_name.len;
			r->body.ptr = blen ? (const char *) (uintptr_t) (p - base + 1) : NULL;
			r->body.len = blen ? (size_t) (blen - 1) : 0;
		}
		used += len;
		k++;
	}
	for (i = 0; i < k; i++)
	{
		if (rows[i].author_name.ptr)
			rows[i].author_name.ptr = sp->buf + ((uintptr_t) rows[i].author_name.ptr - 1);
		if (rows[i].body.ptr)
			rows[i].body.ptr = sp->buf + ((uintptr_t) rows[i].body.ptr - 1);
	}
	return k;
}

void
gt_spill_drop(GtSpill *sp, int group)
{
	int			slot;

	for (slot = sp->head[group]; slot >= 0; slot = sp->next[slot])
		if (sp->files[slot] != NULL)
		{
			BufFileClose(sp->files[slot]);
			sp->files[slot] = NULL;
		}
}
