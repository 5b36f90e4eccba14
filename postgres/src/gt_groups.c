/*
 * gt_groups.c -- groups of accounts for memory-bounded scoring: accounts
 * linked by a cross-account reference (a parent_id or a duplicate id in
 * another account) go to the same group, and the linked sets are packed
 * first-fit, largest first, into groups of at most `cap` rows (a set
 * larger than `cap` gets a group of its own). gt_score.c packs buckets of
 * accounts this way, as the CLI's planGroups does
 * (Sources/GiveTakeStorage/PartitionedScoring.swift).
 */
#include "gt_pg.h"

#include "miscadmin.h"

int
gt_set_root(int *parent, int x)
{
	while (parent[x] != x)
	{
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* Index of `id` in the sorted ids[0..n), or -1. */
int
gt_find_account(const int64 *ids, int n, int64 id)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? lo : -1;
}

/* Largest first, ties by root index, so a plan is deterministic. */
int
gt_set_load_order(const void *a, const void *b)
{
	const GtSetLoad *x = a,
			   *y = b;

	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	return (x->root > y->root) - (x->root < y->root);
}

void
gt_deal_sets(GtSetLoad *sets, int nsets, int parts, int *part, int64 *load)
{
	int			i,
				p;

	qsort(sets, nsets, sizeof(GtSetLoad), gt_set_load_order);
	for (p = 0; p < parts; p++)
		load[p] = 0;
	for (i = 0; i < nsets; i++)
	{
		int			least = 0;

		for (p = 1; p < parts; p++)
			if (load[p] < load[least])
				least = p;
		load[least] += sets[i].rows;
		part[i] = least;
	}
}

/* Join the sets of accounts a and b; a set's root is its smallest index. */
void
gt_link_accounts(int *parent, int a, int b)
{
	int			ra = gt_set_root(parent, a),
				rb = gt_set_root(parent, b);

	if (ra != rb)
		parent[Max(ra, rb)] = Min(ra, rb);
}

int
gt_pack_groups(int n, const int64 *rows, int *parent, int64 cap, int32 *group_of)
{
	int64	   *set_rows = palloc0(sizeof(int64) * Max(n, 1));
	int32	   *set_group = palloc(sizeof(int32) * Max(n, 1));
	GtSetLoad  *sets = palloc(sizeof(GtSetLoad) * Max(n, 1));
	int64	   *load = palloc(sizeof(int64) * Max(n, 1));
	int			nsets = 0,
				ngroups = 0,
				i;

	for (i = 0; i < n; i++)
		set_rows[gt_set_root(parent, i)] += rows[i];
	for (i = 0; i < n; i++)
		if (parent[i] == i)
		{
			sets[nsets].root = i;
			sets[nsets].rows = set_rows[i];
			nsets++;
		}
	qsort(sets, nsets, sizeof(GtSetLoad), gt_set_load_order);
	for (i = 0; i < nsets; i++)
	{
		int			g;

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		for (g = 0; g < ngroups; g++)
			if (load[g] + sets[i].rows <= cap)
				break;
		if (g == ngroups)
			load[ngroups++] = 0;
		load[g] += sets[i].rows;
		set_group[sets[i].root] = g;
	}
	/* a root is its set's smallest index: in index order, one step each */
	for (i = 0; i < n; i++)
	{
		parent[i] = parent[parent[i]];
		group_of[i] = set_group[parent[i]];
	}
	pfree(set_rows);
	pfree(set_group);
	pfree(sets);
	pfree(load);
	return ngroups;
}

void
gt_group_map_build(GtGroupMap *map, int n, const int64 *ids, const int32 *group_of)
{
	uint64		size = 16,
				i;
	int			k;

	while (size < (uint64) n * 2)
		size *= 2;
	map->ids = palloc(sizeof(int64) * size);
	map->groups = palloc(sizeof(int32) * size);
	map->mask = size - 1;
	for (i = 0; i < size; i++)
		map->groups[i] = -1;
	for (k = 0; k < n; k++)
	{
		i = gt_mix64((uint64) ids[k]) & map->mask;
		while (map->groups[i] >= 0)
			i = (i + 1) & map->mask;
		map->ids[i] = ids[k];
		map->groups[i] = group_of[k];
	}
}
