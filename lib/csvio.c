/* csvio.c — CSV through libcsv: dialect sniffing in, minimal quoting out. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unistr.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/util.h"

struct rd {
	struct csvdoc *doc;
	char **f;
	size_t n, cap;
	long line;		/* line being fed */
	long start;		/* line the current record started on, or -1 */
	long first;		/* first non-blank line fed since the last
				 * record, or -1: where a record that has no
				 * field yet (an open quote) started */
	int trim;		/* an import: trim white space off cells */
};

/* [*s, *s + *n) without Unicode white space at either end (spreadsheets
 * leave blanks, TABs and no-break spaces around what people typed). */
static void
trim_space(const char **s, size_t *n)
{
	const uint8_t *b = (const uint8_t *)*s, *e = b + *n, *q;
	ucs4_t uc;
	int k;

	while (b < e && (k = u8_mbtouc(&uc, b, (size_t)(e - b))) > 0 &&
	    uc_is_property_white_space(uc))
		b += k;
	while (e > b && (q = u8_prev(&uc, e, b)) != NULL &&
	    uc_is_property_white_space(uc))
		e = q;
	*s = (const char *)b;
	*n = (size_t)(e - b);
}

/* The line a message about the record being parsed should name. */
static long
rec_line(const struct rd *r)
{
	if (r->start >= 0)
		return r->start;
	if (r->first >= 0)
		return r->first;
	return r->line;
}

static void
on_field(void *s, size_t len, void *arg)
{
	struct rd *r = arg;
	const char *t = s ? (const char *)s : "";

	if (r->start < 0)
		r->start = r->first >= 0 ? r->first : r->line;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->f = xrealloc(r->f, r->cap * sizeof *r->f);
	}
	if (!s)
		len = 0;
	if (r->trim)
		trim_space(&t, &len);
	r->f[r->n++] = xstrndup(t, len);
}

static void
on_record(int c, void *arg)
{
	struct rd *r = arg;
	struct csvdoc *d = r->doc;

	(void)c;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->rows = xrealloc(d->rows, d->cap * sizeof *d->rows);
	}
	d->rows[d->n].f = r->f;
	d->rows[d->n].n = r->n;
	d->rows[d->n].line = r->start >= 0 ? r->start : r->line;
	d->n++;
	r->f = NULL;
	r->n = r->cap = 0;
	r->start = r->first = -1;
}

/* 1 if the line [s, e) holds only blanks and its line ending. */
static int
blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* The delimiter of an import: of ",", ";" and TAB, the one the first
 * record has most of outside quotes; "," on a tie. */
static char
sniff(const char *p, const char *end)
{
	int inq = 0, commas = 0, semis = 0, tabs = 0;

	for (; p < end; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && (*p == '\n' || *p == '\r'))
			break;
		else if (!inq && *p == ',')
			commas++;
		else if (!inq && *p == ';')
			semis++;
		else if (!inq && *p == '\t')
			tabs++;
	}
	if (tabs > commas && tabs > semis)
		return '\t';
	return semis > commas ? ';' : ',';
}

/* An import's text, made plain before parsing: the input as UTF-8 with
 * LF line ends (Excel's "Unicode text" is UTF-16, Outlook ends lines
 * and quoted line breaks with CRLF, old Mac exports with CR alone), and
 * Excel's "sep=X" first line taken as the delimiter. */
struct plain {
	char *text;
	size_t len;
	long skipped;		/* lines before text (the sep= line) */
	char delim;		/* from sep=, or 0 */
};

static void
put_utf8(char **o, unsigned long c)
{
	unsigned char *p = (unsigned char *)*o;

	if (c < 0x80) {
		*p++ = (unsigned char)c;
	} else if (c < 0x800) {
		*p++ = (unsigned char)(0xC0 | c >> 6);
		*p++ = (unsigned char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*p++ = (unsigned char)(0xE0 | c >> 12);
		*p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		*p++ = (unsigned char)(0x80 | (c & 0x3F));
	} else {
		*p++ = (unsigned char)(0xF0 | c >> 18);
		*p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		*p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		*p++ = (unsigned char)(0x80 | (c & 0x3F));
	}
	*o = (char *)p;
}

/* UTF-16 (be: big-endian) after its byte-order mark, as UTF-8 in *out. */
static int
from_utf16(const unsigned char *s, size_t n, int be, const char *shown,
    struct plain *out)
{
	char *o = out->text = xmalloc(n / 2 * 3 + 4);
	unsigned long c, c2;
	size_t i;

	if (n % 2)
		goto bad;
	for (i = 0; i + 1 < n; i += 2) {
		c = be ? (unsigned long)s[i] << 8 | s[i + 1] :
		    (unsigned long)s[i + 1] << 8 | s[i];
		if (c >= 0xDC00 && c <= 0xDFFF)
			goto bad;
		if (c >= 0xD800 && c <= 0xDBFF) {
			if (i + 3 >= n)
				goto bad;
			c2 = be ? (unsigned long)s[i + 2] << 8 | s[i + 3] :
			    (unsigned long)s[i + 3] << 8 | s[i + 2];
			if (c2 < 0xDC00 || c2 > 0xDFFF)
				goto bad;
			c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
			i += 2;
		}
		if (c == 0)
			goto bad;
		put_utf8(&o, c);
	}
	out->len = (size_t)(o - out->text);
	return 0;
bad:
	free(out->text);
	out->text = NULL;
	return fail(RX_INVALID, "%s: UTF-16 text that is not valid UTF-16 "
	    "(save it as \"CSV UTF-8\" instead)", shown);
}

/* 1 if NUL bytes in s look like UTF-16 without a byte-order mark: every
 * other byte of the first few. */
static int
looks_utf16(const char *s, size_t n)
{
	size_t i, even = 0, odd = 0;

	for (i = 0; i < n && i < 64; i++)
		if (s[i] == '\0' && i % 2)
			odd++;
		else if (s[i] == '\0')
			even++;
	return n >= 4 && (even * 4 >= (n < 64 ? n : 64) ||
	    odd * 4 >= (n < 64 ? n : 64));
}

/* CRLF and CR to LF, in place; returns the new length. */
static size_t
lf_ends(char *t, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == '\r') {
			t[o++] = '\n';
			if (i + 1 < n && t[i + 1] == '\n')
				i++;
		} else
			t[o++] = t[i];
	}
	return o;
}

/* The line of the first byte that is not UTF-8, or 0. */
static long
bad_utf8_line(const char *t, size_t n)
{
	const uint8_t *bad = u8_check((const uint8_t *)t, n);
	long line = 1;
	const char *p;

	if (bad == NULL)
		return 0;
	for (p = t; p < (const char *)bad; p++)
		line += *p == '\n';
	return line;
}

/* Excel's first line "sep=X" names the delimiter. */
static void
take_sep_line(struct plain *pl)
{
	char *t = pl->text;

	size_t skip;

	if (pl->len >= 5 && strncasecmp(t, "sep=", 4) == 0 && t[4] != '\n' &&
	    t[4] != '"' && (pl->len == 5 || t[5] == '\n')) {
		pl->delim = t[4];
		pl->skipped = 1;
		skip = pl->len == 5 ? 5 : 6;
		memmove(t, t + skip, pl->len - skip);
		pl->len -= skip;
	}
}

static int
import_text(const char *data, size_t len, const char *shown,
    struct plain *pl)
{
	const unsigned char *u = (const unsigned char *)data;
	long line;

	memset(pl, 0, sizeof *pl);
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	    (u[0] == 0xFE && u[1] == 0xFF))) {
		if (from_utf16(u + 2, len - 2, u[0] == 0xFE, shown, pl) != 0)
			return RX_INVALID;
	} else {
		if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
			data += 3;
			len -= 3;
		}
		if (memchr(data, '\0', len) != NULL)
			return fail_at(RX_INVALID, shown, 0, looks_utf16(data,
			    len) ? "UTF-16 text without a byte-order mark; "
			    "save it as \"CSV UTF-8 (Comma delimited)\"" :
			    "contains a NUL byte; not a text file");
		pl->text = xmalloc(len + 1);
		memcpy(pl->text, data, len);
		pl->len = len;
	}
	pl->len = lf_ends(pl->text, pl->len);
	if ((line = bad_utf8_line(pl->text, pl->len)) > 0) {
		free(pl->text);
		pl->text = NULL;
		return fail_at(RX_INVALID, shown, line, "not UTF-8 text (a "
		    "Windows-1252 export?); convert it first: iconv -f "
		    "WINDOWS-1252 -t UTF-8 FILE > FILE-utf8.csv, or save it "
		    "as \"CSV UTF-8\"");
	}
	take_sep_line(pl);
	return 0;
}

/* The line where a quote still open at the end was opened. */
static long
open_quote_line(const char *s, const char *end, long line)
{
	long opened = line;
	int inq = 0;

	for (; s < end; s++) {
		if (*s == '"') {
			inq = !inq;
			if (inq)
				opened = line;
		} else if (*s == '\n')
			line++;
	}
	return opened;
}

/* What is wrong at the byte where strict parsing stopped. */
static const char *
parse_fault(const char *line, const char *at)
{
	const char *p = at;

	if (*at != '"')
		return "text after a closing quote; a quoted cell ends at "
		    "its closing quote (write a quote inside one as \"\")";
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > line && p[-1] == '"')
		return "text after a closing quote; a quoted cell ends at "
		    "its closing quote (write a quote inside one as \"\")";
	return "a quote inside an unquoted field; quote the whole cell "
	    "and double the quote (\"5\"\" screen\")";
}

static int
space_only(unsigned char c)
{
	return c == ' ';
}

int
csv_read(const char *data, size_t len, const char *shown, int dosniff,
    struct csvdoc *doc)
{
	struct csv_parser p;
	struct rd r;
	struct plain pl = { NULL, 0, 0, 0 };
	const char *s = data, *end = data + len, *nl, *begin;
	size_t i, done;
	int rc = 0;

	memset(doc, 0, sizeof *doc);
	memset(&r, 0, sizeof r);
	r.doc = doc;
	r.start = r.first = -1;
	if (dosniff) {
		if ((rc = import_text(data, len, shown, &pl)) != 0)
			return rc;
		s = pl.text;
		end = pl.text + pl.len;
		r.trim = 1;
	} else {
		if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		if (memchr(s, '\0', (size_t)(end - s)) != NULL)
			return fail_at(RX_INVALID, shown, 0, "contains a NUL "
			    "byte; not a text file");
	}
	begin = s;
	doc->delim = pl.delim ? pl.delim : dosniff ? sniff(s, end) : ',';
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(pl.text);
		return fail(RX_STORE, "cannot start the CSV parser");
	}
	csv_set_delim(&p, (unsigned char)doc->delim);
	/* libcsv skips blanks around unquoted fields, TAB included: not
	 * when TAB is the delimiter. */
	if (doc->delim == '\t')
		csv_set_space_func(&p, space_only);
	/* libcsv grows its field buffer by blk_size bytes at a time (128 by
	 * default), copying it each time: quadratic in the length of a long
	 * field (a 10 MB line took minutes). No field is longer than the
	 * input, so one step is enough. */
	csv_set_blk_size(&p, len > 128 ? len : 128);
	/* Feed a line at a time so that every record knows its line.  The
	 * loop leaves r.line on the last line fed, so that what csv_fini()
	 * finds in a last line without a newline is not put on the next. */
	for (r.line = pl.skipped; s < end; s = nl) {
		r.line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		nl = nl ? nl + 1 : end;
		if (r.start < 0 && r.first < 0 && !blank_line(s, nl))
			r.first = r.line;
		done = csv_parse(&p, s, (size_t)(nl - s), on_field, on_record, &r);
		if (done != (size_t)(nl - s)) {
			rc = fail_at(RX_INVALID, shown, r.line, "%s",
			    csv_error(&p) == CSV_EPARSE ?
			    parse_fault(s, s + done) :
			    csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (rc == 0 && csv_fini(&p, on_field, on_record, &r) != 0) {
		long at = open_quote_line(begin, end, pl.skipped + 1);
		rc = csv_error(&p) == CSV_EPARSE ?
		    fail_at(RX_INVALID, shown, at, "a quote opened on line "
		    "%ld is never closed", at) :
		    fail_at(RX_INVALID, shown, rec_line(&r), "%s",
		    csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	free(pl.text);
	for (i = 0; i < r.n; i++)
		free(r.f[i]);
	free(r.f);
	if (rc)
		csvdoc_free(doc);
	return rc;
}

void
csvdoc_free(struct csvdoc *doc)
{
	size_t i, j;

	for (i = 0; i < doc->n; i++) {
		for (j = 0; j < doc->rows[i].n; j++)
			free(doc->rows[i].f[j]);
		free(doc->rows[i].f);
	}
	free(doc->rows);
	doc->rows = NULL;
	doc->n = doc->cap = 0;
}

int
csv_column(const struct csvrow *hdr, const char *const names[])
{
	const char *s, *e;
	size_t i, n;
	int k;

	for (i = 0; i < hdr->n; i++) {
		s = hdr->f[i];
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		n = (size_t)(e - s);
		for (k = 0; names[k]; k++)
			if (strlen(names[k]) == n && strncasecmp(s, names[k], n) == 0)
				return (int)i;
	}
	return -1;
}

/* 1 if cell needs quotes: a delimiter, quote, line break, blanks at
 * either end (which a reader would trim), or a leading byte-order mark
 * (which a reader would drop as the file's own, were it the first cell). */
static int
needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		return 1;
	return strpbrk(s, ",;\"\r\n") != NULL;
}

void
csv_row_write(FILE *fp, const char *const *cells, size_t n, int guard)
{
	const char *s;
	char *g = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		s = cells[i] ? cells[i] : "";
		/* A spreadsheet skips a leading TAB or CR and runs the
		 * formula after it. */
		if (guard && s[0] && strchr("=+-@\t\r", s[0]) != NULL) {
			g = xasprintf("'%s", s);
			s = g;
		}
		if (needs_quotes(s))
			csv_fwrite(fp, s, strlen(s));
		else
			fputs(s, fp);
		free(g);
		g = NULL;
	}
	fputs(guard == 2 ? "\r\n" : "\n", fp);
}
