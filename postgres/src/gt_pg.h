/*
 * gt_pg.h -- shared helpers of the GiveTake PostgreSQL glue.
 *
 * The glue only converts datums and calls the C ABI in givetake.h; every
 * number is computed by libgivetake.
 */
#ifndef GT_PG_H
#define GT_PG_H

#include "postgres.h"
#include "fmgr.h"

#include "givetake.h"

/* PostgreSQL timestamps count from 2000-01-01, the ABI from 1970-01-01. */
#define GT_PG_EPOCH_SHIFT INT64CONST(946684800000000)

/* Lexicon modes (GUC givetake.lexicon_mode). */
typedef enum GtLexiconMode
{
	GT_LEXMODE_EXTEND,			/* built-in cues + givetake.lexicon rows */
	GT_LEXMODE_REPLACE,			/* givetake.lexicon rows only */
	GT_LEXMODE_BUILTIN			/* built-in cues, table ignored */
} GtLexiconMode;

/* GUCs (gt_config.c). */
extern int	gt_sla_seconds[GT_CHANNEL_COUNT];
extern int	gt_half_life_seconds;
extern double gt_give_target;
extern double gt_health_weights[GT_HEALTH_COUNT];
extern int	gt_lexicon_mode;
extern int	gt_ack_unit;			/* GT_ACK_UNIT_* */
extern int	gt_max_memory_kb;		/* givetake.max_memory, -1 = no limit */
extern int	gt_sla_clock;			/* GT_SLA_CLOCK_* */
extern int	gt_sla_clock_channel[GT_CHANNEL_COUNT];	/* -1 = gt_sla_clock */

/* Give the scorer every row of givetake.schedules (gt_schedule.c), with
 * zone rules over the scored range [from, to] (Unix microseconds). */
void		gt_pg_apply_schedules(gt_scorer *s, MemoryContext cxt, int64 from, int64 to);

void		gt_define_gucs(void);

/* Groups of accounts for memory-bounded scoring (gt_groups.c). */
/* Index of `id` in the sorted ids[0..n), or -1. */
int			gt_find_account(const int64 *ids, int n, int64 id);
/* MurmurHash3's 64-bit finalizer: every bit of the key moves every bit. */
static inline uint64
gt_mix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* The group of each account of a plan by hash, for the read into groups. */
typedef struct GtGroupMap
{
	int64	   *ids;
	int32	   *groups;			/* -1: empty slot */
	uint64		mask;
} GtGroupMap;

void		gt_group_map_build(GtGroupMap *map, int n, const int64 *ids, const int32 *group_of);
/* The group of account `id`, or -1 when the plan has no such account. */
static inline int32
gt_group_map_find(const GtGroupMap *map, int64 id)
{
	uint64		i = gt_mix64((uint64) id) & map->mask;

	while (map->groups[i] >= 0)
	{
		if (map->ids[i] == id)
			return map->groups[i];
		i = (i + 1) & map->mask;
	}
	return -1;
}

/*
 * The same packing from sets of accounts already joined: parent[] is a
 * union-find forest over the indices of ids (parent[i] == i: a root, the
 * smallest index of its set), joined by gt_link_accounts; the forest is
 * flattened in place (parent[i]: the root of i's set).
 */
int			gt_pack_groups(int n, const int64 *rows, int *parent, int64 cap, int32 *group_of);
void		gt_link_accounts(int *parent, int a, int b);
/* The root of x's set in such a forest (halving the path on the way). */
int			gt_set_root(int *parent, int x);

/*
 * A set (of accounts, or a part's unit of contacts and threads) by its
 * root and rows. gt_set_load_order sorts largest first, ties by root, so
 * a plan is deterministic; gt_deal_sets sorts `sets` so and deals them
 * into `parts` parts, each to the part with the fewest rows so far (the
 * first such): part[i] gets the part of sets[i], load[] the parts' rows.
 */
typedef struct GtSetLoad
{
	int			root;
	int64		rows;
} GtSetLoad;

int			gt_set_load_order(const void *a, const void *b);
void		gt_deal_sets(GtSetLoad *sets, int nsets, int parts, int *part, int64 *load);

/*
 * The plan's facts gathered in one read of the source (gt_links.c): rows
 * and created_at range per account, and the accounts linked by a
 * parent_id or a shared id, found per hash partition of the ids, each
 * partition in memory (the partitions wait in temporary files). Returns
 * false when a partition would need more than `budget` bytes.
 */
typedef struct GtPlanFacts
{
	int			accounts;
	int64	   *ids;			/* sorted */
	int64	   *rows;
	int		   *parent;			/* for gt_pack_groups */
	int64		first,			/* created_at range of the source (Unix micros) */
				last;
	int			latest;			/* the account of `last`, -1: none */
} GtPlanFacts;

typedef struct GtPlanScan GtPlanScan;

GtPlanScan *gt_plan_scan_begin(void);
void		gt_plan_scan_row(GtPlanScan *ps, int64 account, int64 id, bool has_parent, int64 parent,
							 int64 created);
bool		gt_plan_scan_end(GtPlanScan *ps, size_t budget, GtPlanFacts *facts);

/*
 * Rows of a source scored in groups, kept in temporary files (gt_spill.c)
 * that go with the transaction's resources. Created with a file per
 * group (the scan's buckets), which gt_spill_regroup then joins into
 * groups. gt_spill_read reads up to `max` rows of a group (each group
 * keeps its own place, so groups may be read in turns); their texts stay
 * valid until the next read of any group. A group's files are deleted by
 * gt_spill_drop.
 */
typedef struct GtSpill GtSpill;

GtSpill    *gt_spill_create(int groups);
/* Each group of gt_spill_create becomes part of group group_of[i] of
 * `groups`; its file is then read after those of the groups before it. */
void		gt_spill_regroup(GtSpill *sp, int groups, const int32 *group_of);
/* One more (empty) group with a file of its own; returns its number. */
int			gt_spill_add_group(GtSpill *sp);
void		gt_spill_write(GtSpill *sp, int group, const gt_interaction *r);
void		gt_spill_rewind(GtSpill *sp, int group);
int			gt_spill_read(GtSpill *sp, int group, gt_interaction *rows, int max);
void		gt_spill_drop(GtSpill *sp, int group);

/*
 * A map from an int64 key to an int node, in `cxt` (gt_node_map.c): 12
 * bytes a slot, at most 3/4 full. gt_node_map_slot returns the key's node
 * slot, *found false when the key is new: its slot then holds -1 and the
 * caller stores the node (>= 0) before the next call. gt_node_map_bytes:
 * the slots' bytes.
 */
typedef struct GtNodeMap
{
	int64	   *keys;
	int32	   *node;			/* -1: empty slot */
	uint64		mask;
	uint64		count;
	MemoryContext cxt;
} GtNodeMap;

void		gt_node_map_init(GtNodeMap *m, MemoryContext cxt);
int32	   *gt_node_map_slot(GtNodeMap *m, int64 key, bool *found);
Size		gt_node_map_bytes(const GtNodeMap *m);
void		gt_node_map_free(GtNodeMap *m);

/*
 * One linked set too large for givetake.max_memory, scored in parts of
 * whole contacts and threads (gt_parts.c): gt_parts_plan reads spill
 * group `group` (through `rows`, room for `batch` rows) and plans as many
 * parts as `bytes_per_row` (what the scorer planned per row) makes its
 * rows need under `limit` bytes, or returns NULL when one unit is too
 * large for a part;
 * gt_parts_write then writes the group's rows to part_groups[part] and the
 * posts each part needs as references to reference_groups[part] (spill
 * groups the caller added). gt_parts_latest_kept: the latest created_at of
 * a row the engine keeps (the set's default as_of; PG_INT64_MIN: none).
 * gt_parts_free frees the plan and drops the spill groups it added.
 */
typedef struct GtPartPlan GtPartPlan;

GtPartPlan *gt_parts_plan(GtSpill *sp, int group, double bytes_per_row, double limit, gt_interaction *rows,
						  int batch);
int			gt_parts_count(const GtPartPlan *plan);
int64		gt_parts_latest_kept(const GtPartPlan *plan);
void		gt_parts_write(GtPartPlan *plan, GtSpill *sp, int group, gt_interaction *rows, int batch,
						   const int *part_groups, const int *reference_groups);
void		gt_parts_free(GtPartPlan *plan);

/*
 * The lexicon in force (never NULL; gt_pg_interrupt is set on it). Cached in
 * flinfo->fn_extra until the command counter moves (the next statement, or
 * the next command of a PL/pgSQL block, sees a change of givetake.lexicon),
 * and per backend across statements (gt_lexicon_cache.c).
 */
const gt_lexicon *gt_pg_lexicon(FmgrInfo *flinfo);

/* ereport(ERROR) for a failed ABI call; never returns when status < 0. */
void		gt_check(int status, const char *what);
void		gt_check_scorer(int status, gt_scorer *s, const char *what);
void		gt_check_lexicon(int status, gt_lexicon *lex, const char *what);

/*
 * A slot, owned by `cxt`, whose Swift handle is freed when `cxt` is reset or
 * deleted -- including by ERROR or cancel. Create the handle into the slot.
 */
gt_scorer **gt_scorer_guard(MemoryContext cxt);
gt_lexicon **gt_lexicon_guard(MemoryContext cxt);

/* Text datum -> (ptr, len) without copying short/plain varlenas. */
#define GT_TEXT_PTR(t) VARDATA_ANY(t)
#define GT_TEXT_LEN(t) VARSIZE_ANY_EXHDR(t)

/*
 * Cancellation (givetake.c). gt_pg_interrupt is the gt_interrupt_fn of every
 * handle: it reports a pending cancel or terminate (QueryCancelPending,
 * ProcDiePending), not the other interrupts timers also flag. After an ABI
 * call returns GT_ECANCELED, gt_check* raise the cancel outside the library.
 */
int			gt_pg_interrupt(void *context);
void		gt_pg_raise_cancel(void);

/*
 * Encodings (gt_encoding.c). The ABI speaks UTF-8 only; the database may
 * not. gt_text_utf8 gives a text datum's bytes as UTF-8 (as is in a UTF-8
 * or SQL_ASCII database, else converted -- in pieces, checking for
 * interrupts, when long); text the library produces goes back through
 * gt_text_from_utf8. gt_utf8_to_server_offset maps byte offsets in the
 * UTF-8 form to byte offsets in the stored text (spans of explain and
 * first_name are reported in the database encoding's bytes).
 */
const char *gt_text_utf8(text *t, size_t *len);
text	   *gt_text_from_utf8(const char *p, size_t len);

typedef struct GtOffsetMap
{
	const char *utf8;			/* the UTF-8 form */
	size_t		utf8_len;
	const char *server;			/* the stored text */
	size_t		server_len;
	size_t		upos,			/* a character boundary in both */
				spos;
} GtOffsetMap;

void		gt_offset_map_init(GtOffsetMap *m, const char *utf8, size_t utf8_len,
							   const char *server, size_t server_len);
size_t		gt_utf8_to_server_offset(GtOffsetMap *m, size_t utf8_offset);

/* The built-in lexicon as a handle with gt_pg_interrupt set (per backend). */
const gt_lexicon *gt_pg_builtin_lexicon(void);

#endif
