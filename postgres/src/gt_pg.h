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

void		gt_define_gucs(void);

/*
 * The lexicon in force for this statement (NULL = the built-in one, which
 * the ABI treats as the default). Cached in flinfo->fn_extra for the rest of
 * the statement and per backend across statements (gt_lexicon_cache.c).
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



#include "mb/pg_wchar.h"

/*
 * (ptr, len) of a text datum as UTF-8: as is in a UTF-8 (or SQL_ASCII)
 * database, else converted (the ABI rejects anything but UTF-8).
 */
static inline const char *
gt_text_utf8(text *t, size_t *len)
{
	const char *p = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	int			enc = GetDatabaseEncoding();

	if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
	{
		char	   *u = pg_server_to_any(p, n, PG_UTF8);

		if (u != p)
		{
			*len = strlen(u);
			return u;
		}
	}
	*len = (size_t) n;
	return p;
}
#endif
