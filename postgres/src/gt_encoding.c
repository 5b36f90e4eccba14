/*
 * gt_encoding.c -- text between the database encoding and the UTF-8 the
 * library speaks, and byte offsets between the two forms.
 */
#include "gt_pg.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* Longer texts are converted in pieces of about this size, so that a cancel
 * is honoured during the conversion of a huge text. */
#define GT_CONVERT_PIECE (1 << 20)

static bool
needs_conversion(void)
{
	int			enc = GetDatabaseEncoding();

	/* SQL_ASCII bytes are passed as they are; the library rejects what is
	 * not UTF-8 with an error. */
	return enc != PG_UTF8 && enc != PG_SQL_ASCII;
}

static char *
convert_long(const char *p, int n)
{
	StringInfoData out;
	int			pos = 0;

	initStringInfo(&out);
	while (pos < n)
	{
		int			piece = Min(n - pos, GT_CONVERT_PIECE);
		char	   *u;

		/* End on a character boundary of the database encoding. */
		if (pos + piece < n)
			piece = pg_mbcliplen(p + pos, n - pos, piece);
		if (piece <= 0)
			piece = n - pos;	/* cannot happen with valid text */
		u = pg_server_to_any(p + pos, piece, PG_UTF8);
		appendBinaryStringInfo(&out, u, strlen(u));
		if (u != p + pos)
			pfree(u);
		pos += piece;
		CHECK_FOR_INTERRUPTS();
	}
	return out.data;
}

const char *
gt_text_utf8(text *t, size_t *len)
{
	const char *p = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);

	if (needs_conversion())
	{
		char	   *u = n > GT_CONVERT_PIECE ? convert_long(p, n)
			: pg_server_to_any(p, n, PG_UTF8);

		if (u != p)
		{
			/* Converted text is NUL-terminated and has no NUL inside. */
			*len = strlen(u);
			return u;
		}
	}
	*len = (size_t) n;
	return p;
}

text *
gt_text_from_utf8(const char *p, size_t len)
{
	char	   *s;

	if (!needs_conversion())
		return cstring_to_text_with_len(p, (int) len);
	s = pg_any_to_server(p, (int) len, PG_UTF8);
	return cstring_to_text_with_len(s, s == p ? (int) len : (int) strlen(s));
}

void
gt_offset_map_init(GtOffsetMap *m, const char *utf8, size_t utf8_len,
				   const char *server, size_t server_len)
{
	m->utf8 = utf8;
	m->utf8_len = utf8_len;
	m->server = server;
	m->server_len = server_len;
	m->upos = 0;
	m->spos = 0;
}

/*
 * Walks both forms a character at a time (every conversion PostgreSQL ships
 * maps one character to one character). Amortised O(1) for increasing
 * offsets; a smaller offset restarts from the beginning.
 */
size_t
gt_utf8_to_server_offset(GtOffsetMap *m, size_t utf8_offset)
{
	if (m->utf8 == m->server)
		return utf8_offset;
	if (utf8_offset < m->upos)
	{
		m->upos = 0;
		m->spos = 0;
	}
	while (m->upos < utf8_offset && m->upos < m->utf8_len && m->spos < m->server_len)
	{
		m->upos += pg_utf_mblen((const unsigned char *) m->utf8 + m->upos);
		m->spos += pg_mblen(m->server + m->spos);
	}
	return Min(m->spos, m->server_len);
}
