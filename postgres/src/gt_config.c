/*
 * gt_config.c -- configuration GUCs. They are read when a scorer is built
 * (score_accounts, score_contacts) or a lexicon is chosen; the values are
 * handed to the ABI, which validates them again.
 */
#include "gt_pg.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

#include "utils/guc.h"

/* Defaults per spec section 3 (twitter, facebook, instagram, linkedin, other). */
int			gt_sla_seconds[GT_CHANNEL_COUNT] = {3600, 14400, 14400, 86400, 86400};
int			gt_half_life_seconds = 90 * 86400;
double		gt_give_target = 0.8;
double		gt_health_weights[GT_HEALTH_COUNT] = {0.30, 0.15, 0.15, 0.25, 0.15};
int			gt_lexicon_mode = GT_LEXMODE_EXTEND;
int			gt_ack_unit = GT_ACK_UNIT_TURN;
int			gt_sla_clock = GT_SLA_CLOCK_CALENDAR;
int			gt_sla_clock_channel[GT_CHANNEL_COUNT] = {-1, -1, -1, -1, -1};

/*
 * givetake.max_memory: what one scorer may hold. Scoring keeps a compact
 * record per row of what it scores; a source that does not fit is scored
 * in groups of accounts, one scorer at a time. 256 MB (4x
 * maintenance_work_mem's default) keeps a backend well under 512 MB
 * whatever the source's size.
 */
int			gt_max_memory_kb = 256 * 1024;

static char *health_weights_string = NULL;

static const struct config_enum_entry lexicon_mode_options[] = {
	{"extend", GT_LEXMODE_EXTEND, false},
	{"replace", GT_LEXMODE_REPLACE, false},
	{"builtin", GT_LEXMODE_BUILTIN, false},
	{NULL, 0, false}
};

static const struct config_enum_entry ack_unit_options[] = {
	{"turn", GT_ACK_UNIT_TURN, false},
	{"row", GT_ACK_UNIT_ROW, false},
	{NULL, 0, false}
};

static const struct config_enum_entry sla_clock_options[] = {
	{"calendar", GT_SLA_CLOCK_CALENDAR, false},
	{"business", GT_SLA_CLOCK_BUSINESS, false},
	{NULL, 0, false}
};

/* Per-channel clock: "default" follows givetake.sla_clock. */
static const struct config_enum_entry sla_clock_channel_options[] = {
	{"default", -1, false},
	{"calendar", GT_SLA_CLOCK_CALENDAR, false},
	{"business", GT_SLA_CLOCK_BUSINESS, false},
	{NULL, 0, false}
};

static const char *const health_names[GT_HEALTH_COUNT] = {
	"ack_rate", "personal_rate", "sla_rate", "give_ratio", "me_index"
};

/*
 * "ack_rate=0.3, personal_rate=0.15, ..." -- names not given keep their
 * default. Parsed into a malloc'd double[GT_HEALTH_COUNT] (GUC extra).
 */
static bool
check_health_weights(char **newval, void **extra, GucSource source)
{
	double		w[GT_HEALTH_COUNT] = {0.30, 0.15, 0.15, 0.25, 0.15};
	const char *p = *newval ? *newval : "";
	double	   *out;

	while (*p)
	{
		const char *name;
		size_t		nlen;
		char	   *end;
		double		v;
		int			i;

		while (isspace((unsigned char) *p) || *p == ',')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '=' && !isspace((unsigned char) *p))
			p++;
		nlen = p - name;
		while (isspace((unsigned char) *p))
			p++;
		if (*p != '=')
		{
			GUC_check_errdetail("Expected name=weight, e.g. \"ack_rate=0.3, give_ratio=0.25\".");
			return false;
		}
		p++;
		v = strtod(p, &end);
		if (end == p || !(v >= 0) || v > 1e9)
		{
			GUC_check_errdetail("A weight must be a number >= 0.");
			return false;
		}
		p = end;
		for (i = 0; i < GT_HEALTH_COUNT; i++)
			if (strlen(health_names[i]) == nlen && strncmp(health_names[i], name, nlen) == 0)
				break;
		if (i == GT_HEALTH_COUNT)
		{
			GUC_check_errdetail("Unknown component \"%.*s\"; use ack_rate, personal_rate, sla_rate, give_ratio, me_index.",
								(int) nlen, name);
			return false;
		}
		w[i] = v;
	}
	/* PostgreSQL 16 frees GUC extras with guc_free: allocate with guc_malloc. */
#if PG_VERSION_NUM >= 160000
	out = guc_malloc(LOG, sizeof(w));
#else
	out = malloc(sizeof(w));
#endif
	if (!out)
		return false;
	memcpy(out, w, sizeof(w));
	*extra = out;
	return true;
}

static void
assign_health_weights(const char *newval, void *extra)
{
	memcpy(gt_health_weights, extra, sizeof(gt_health_weights));
}

static void
define_sla(const char *channel, int idx, const char *desc)
{
	char		name[64];

	snprintf(name, sizeof(name), "givetake.sla_%s", channel);
	DefineCustomIntVariable(pstrdup(name), desc, NULL,
							&gt_sla_seconds[idx], gt_sla_seconds[idx], 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
}

static void
define_sla_clock(const char *channel, int idx)
{
	char		name[64];

	snprintf(name, sizeof(name), "givetake.sla_clock_%s", channel);
	DefineCustomEnumVariable(pstrdup(name),
							 psprintf("SLA clock on %s: default (givetake.sla_clock), calendar or business.", channel),
							 NULL, &gt_sla_clock_channel[idx], -1, sla_clock_channel_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
}

void
gt_define_gucs(void)
{
	define_sla("twitter", GT_CHANNEL_TWITTER, "Acknowledgement target on twitter.");
	define_sla("facebook", GT_CHANNEL_FACEBOOK, "Acknowledgement target on facebook.");
	define_sla("instagram", GT_CHANNEL_INSTAGRAM, "Acknowledgement target on instagram.");
	define_sla("linkedin", GT_CHANNEL_LINKEDIN, "Acknowledgement target on linkedin.");
	define_sla("other", GT_CHANNEL_OTHER, "Acknowledgement target on other channels.");

	DefineCustomIntVariable("givetake.half_life",
							"Half-life of trust-ledger events.", NULL,
							&gt_half_life_seconds, gt_half_life_seconds, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);

	DefineCustomRealVariable("givetake.give_target",
							 "Target give ratio for the health score (0.8 = 80/20).", NULL,
							 &gt_give_target, gt_give_target, 1e-9, 1.0,
							 PGC_USERSET, 0, NULL, NULL, NULL);

	DefineCustomStringVariable("givetake.health_weights",
							   "Health weights as name=weight pairs; unnamed components keep their default.",
							   NULL, &health_weights_string,
							   "ack_rate=0.30, personal_rate=0.15, sla_rate=0.15, give_ratio=0.25, me_index=0.15",
							   PGC_USERSET, 0,
							   check_health_weights, assign_health_weights, NULL);

	DefineCustomEnumVariable("givetake.lexicon_mode",
							 "How givetake.lexicon combines with the built-in lexicon: extend, replace or builtin.",
							 NULL, &gt_lexicon_mode, GT_LEXMODE_EXTEND, lexicon_mode_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);

	DefineCustomEnumVariable("givetake.ack_unit",
							 "What is acknowledged: turn (a customer's messages in a thread up to the answer) or row (v1).",
							 NULL, &gt_ack_unit, GT_ACK_UNIT_TURN, ack_unit_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);

	DefineCustomIntVariable("givetake.max_memory",
							"Most memory one scorer may plan to hold (-1: no limit).",
							"A source that does not fit is scored in groups of accounts, one scorer at a time.",
							&gt_max_memory_kb, gt_max_memory_kb, -1, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);

	DefineCustomEnumVariable("givetake.sla_clock",
							 "SLA clock: calendar time, or business time by givetake.schedules.",
							 NULL, &gt_sla_clock, GT_SLA_CLOCK_CALENDAR, sla_clock_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	define_sla_clock("twitter", GT_CHANNEL_TWITTER);
	define_sla_clock("facebook", GT_CHANNEL_FACEBOOK);
	define_sla_clock("instagram", GT_CHANNEL_INSTAGRAM);
	define_sla_clock("linkedin", GT_CHANNEL_LINKEDIN);
	define_sla_clock("other", GT_CHANNEL_OTHER);

	MarkGUCPrefixReserved("givetake");
}
