/*
 * gt_spill.c -- the rows of a source scored in groups of accounts, kept
 * per group in temporary files (BufFile) between the one scan that reads
 * the source and the scoring of each group. A row is stored converted: a
 * fixed head, the optional ids its flags announce, then the texts as
 * UTF-8 -- smaller than the source tuple, since the temporary files'
 * size is what an ERROR or cancel pays to delete them (the kernel drops
 * their cached pages on unlink). A group's file is deleted as soon as the
 * group is scored for the last time; the rest go with the transaction's
 * resources on ERROR or cancel.
 */
#include "gt_pg.h"

#include "miscadmin.h"
#include "storage/buffile.h"
#include "utils/memutils.h"

/* The fixed part of a stored row. */
typedef struct SpillHead
{
	int64		id;
	int64		account_id;
	int64		created_at;
	double		value;
	uint32		flags;
	int16		channel;		/* out of range: -1, unknown either way */
	int16		kind;
	uint32		author_len;		/* SPILL_NULL: NULL */
	uint32		body_len;
} SpillHead;

#define SPILL_NULL PG_UINT32_MAX
/* A batch read back ends early once its texts pass this size. */
#define SPILL_TEXT_BATCH (8 * 1024 * 1024)

struct GtSpill
{
	int			count;
	BufFile   **files;			/* NULL: no row (yet), or dropped */
	MemoryContext cxt;
	char	   *text;			/* texts of the last batch read */
	size_t		text_cap;
};

GtSpill *
gt_spill_create(int groups)
{
	GtSpill    *sp = palloc0(sizeof(GtSpill));

	sp->count = groups;
	sp->files = palloc0(sizeof(BufFile *) * Max(groups, 1));
	sp->cxt = CurrentMemoryContext;
	return sp;
}

static int16
small_code(int32 v)
{
	return v >= PG_INT16_MIN && v <= PG_INT16_MAX ? (int16) v : -1;
}

static void
put_text(BufFile *f, const gt_text *t)
{
	if (t->ptr != NULL && t->len > 0)
		BufFileWrite(f, (void *) t->ptr, t->len);
}

void
gt_spill_write(GtSpill *sp, int group, const gt_interaction *r)
{
	SpillHead	h;
	int64		opt[4];
	int			nopt = 0;
	BufFile    *f;

	Assert(group >= 0 && group < sp->count);
	if (sp->files[group] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(sp->cxt);

		sp->files[group] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	f = sp->files[group];
	memset(&h, 0, sizeof(h));
	h.id = r->id;
	h.account_id = r->account_id;
	h.created_at = r->created_at;
	h.value = r->value;
	h.flags = r->flags;
	h.channel = small_code(r->channel);
	h.kind = small_code(r->kind);
	h.author_len = r->author_name.ptr ? (uint32) r->author_name.len : SPILL_NULL;
	h.body_len = r->body.ptr ? (uint32) r->body.len : SPILL_NULL;
	if (r->flags & GT_ROW_HAS_CONTACT)
		opt[nopt++] = r->contact_id;
	if (r->flags & GT_ROW_HAS_PARENT)
		opt[nopt++] = r->parent_id;
	if (r->flags & GT_ROW_HAS_THREAD)
		opt[nopt++] = r->thread_id;
	if (r->flags & GT_ROW_HAS_AGENT)
		opt[nopt++] = r->agent_id;
	BufFileWrite(f, &h, sizeof(h));
	if (nopt > 0)
		BufFileWrite(f, opt, sizeof(int64) * nopt);
	put_text(f, &r->author_name);
	put_text(f, &r->body);
}

void
gt_spill_rewind(GtSpill *sp, int group)
{
	if (sp->files[group] != NULL && BufFileSeek(sp->files[group], 0, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("givetake: could not rewind a temporary file of group %d", group + 1)));
}

static void
read_exact(BufFile *f, void *p, size_t n, int group)
{
	if (n > 0 && BufFileRead(f, p, n) != n)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("givetake: could not read a temporary file of group %d", group + 1)));
}

static size_t
text_len(uint32 len)
{
	return len == SPILL_NULL ? 0 : len;
}

int
gt_spill_read(GtSpill *sp, int group, gt_interaction *rows, int max)
{
	BufFile    *f = sp->files[group];
	size_t		used = 0;
	int			k = 0,
				i;

	if (f == NULL)
		return 0;
	while (k < max && used < SPILL_TEXT_BATCH)
	{
		SpillHead	h;
		gt_interaction *r = &rows[k];
		int64		opt[4];
		int			nopt = 0,
					j = 0;
		size_t		n = BufFileRead(f, &h, sizeof(h)),
					texts;

		if (n == 0)
			break;
		if (n != sizeof(h))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("givetake: a temporary file of group %d ends inside a row", group + 1)));
		memset(r, 0, sizeof(*r));
		r->id = h.id;
		r->account_id = h.account_id;
		r->created_at = h.created_at;
		r->value = h.value;
		r->flags = h.flags;
		r->channel = h.channel;
		r->kind = h.kind;
		nopt = ((h.flags & GT_ROW_HAS_CONTACT) != 0) + ((h.flags & GT_ROW_HAS_PARENT) != 0) +
			((h.flags & GT_ROW_HAS_THREAD) != 0) + ((h.flags & GT_ROW_HAS_AGENT) != 0);
		read_exact(f, opt, sizeof(int64) * nopt, group);
		if (h.flags & GT_ROW_HAS_CONTACT)
			r->contact_id = opt[j++];
		if (h.flags & GT_ROW_HAS_PARENT)
			r->parent_id = opt[j++];
		if (h.flags & GT_ROW_HAS_THREAD)
			r->thread_id = opt[j++];
		if (h.flags & GT_ROW_HAS_AGENT)
			r->agent_id = opt[j++];
		texts = text_len(h.author_len) + text_len(h.body_len);
		if (used + texts > sp->text_cap)
		{
			size_t		cap = Max(Max(sp->text_cap * 2, used + texts), (size_t) 65536);

			sp->text = sp->text ? repalloc_huge(sp->text, cap)
				: MemoryContextAllocHuge(sp->cxt, cap);
			sp->text_cap = cap;
		}
		read_exact(f, sp->text + used, texts, group);
		/* offsets + 1 for now (0: NULL); pointers once the arena stops moving */
		r->author_name.ptr = h.author_len == SPILL_NULL ? NULL : (const char *) (uintptr_t) (used + 1);
		r->author_name.len = text_len(h.author_len);
		used += text_len(h.author_len);
		r->body.ptr = h.body_len == SPILL_NULL ? NULL : (const char *) (uintptr_t) (used + 1);
		r->body.len = text_len(h.body_len);
		used += text_len(h.body_len);
		k++;
	}
	for (i = 0; i < k; i++)
	{
		if (rows[i].author_name.ptr)
			rows[i].author_name.ptr = sp->text + ((uintptr_t) rows[i].author_name.ptr - 1);
		if (rows[i].body.ptr)
			rows[i].body.ptr = sp->text + ((uintptr_t) rows[i].body.ptr - 1);
	}
	return k;
}

void
gt_spill_drop(GtSpill *sp, int group)
{
	if (sp->files[group] != NULL)
	{
		BufFileClose(sp->files[group]);
		sp->files[group] = NULL;
	}
}
