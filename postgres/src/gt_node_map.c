/*
 * An open-addressing map from an int64 key to an int node, for the plan of
 * an account scored in parts (gt_parts.c). A slot costs 12 bytes and the
 * map is at most 3/4 full: a dynahash entry costs about 48 bytes (a
 * 16-byte element header, the entry, a bucket pointer), and a plan of
 * 10^8 rows holds tens of millions of them.
 */
#include "gt_pg.h"

#include "utils/memutils.h"

#define FIRST_SLOTS 1024

static void
alloc_slots(GtNodeMap *m, uint64 slots)
{
	uint64		i;

	m->keys = MemoryContextAllocHuge(m->cxt, slots * sizeof(int64));
	m->node = MemoryContextAllocHuge(m->cxt, slots * sizeof(int32));
	for (i = 0; i < slots; i++)
		m->node[i] = -1;
	m->mask = slots - 1;
}

void
gt_node_map_init(GtNodeMap *m, MemoryContext cxt)
{
	memset(m, 0, sizeof(*m));
	m->cxt = cxt;
	alloc_slots(m, FIRST_SLOTS);
}

static void
grow(GtNodeMap *m)
{
	int64	   *old_keys = m->keys;
	int32	   *old_node = m->node;
	uint64		old_slots = m->mask + 1,
				j;

	alloc_slots(m, old_slots * 2);
	for (j = 0; j < old_slots; j++)
	{
		uint64		i;

		if (old_node[j] < 0)
			continue;
		i = gt_mix64((uint64) old_keys[j]) & m->mask;
		while (m->node[i] >= 0)
			i = (i + 1) & m->mask;
		m->keys[i] = old_keys[j];
		m->node[i] = old_node[j];
	}
	pfree(old_keys);
	pfree(old_node);
}

int32 *
gt_node_map_slot(GtNodeMap *m, int64 key, bool *found)
{
	uint64		i;

	if ((m->count + 1) * 4 > (m->mask + 1) * 3)
		grow(m);
	i = gt_mix64((uint64) key) & m->mask;
	while (m->node[i] >= 0)
	{
		if (m->keys[i] == key)
		{
			*found = true;
			return &m->node[i];
		}
		i = (i + 1) & m->mask;
	}
	*found = false;
	m->keys[i] = key;
	m->count++;
	return &m->node[i];
}

Size
gt_node_map_bytes(const GtNodeMap *m)
{
	return m->node ? (Size) (m->mask + 1) * (sizeof(int64) + sizeof(int32)) : 0;
}

void
gt_node_map_free(GtNodeMap *m)
{
	if (m->node == NULL)
		return;
	pfree(m->keys);
	pfree(m->node);
	m->keys = NULL;
	m->node = NULL;
}
