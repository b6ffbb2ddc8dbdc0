/* csvio.c — CSV through libcsv: dialect sniffing in, minimal quoting out. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/csvio.h"
#include "roster/err.h"

struct rd {
	struct csvdoc *doc;
	char **f;
	size_t n, cap;
	long line;		/* line being fed */
	long start;		/* line the current record started on, or -1 */
	long first;		/* first non-blank line fed since the last
				 * record, or -1: where a record that has no
				 * field yet (an open quote) started */
};

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

	if (r->start < 0)
		r->start = r->first >= 0 ? r->first : r->line;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->f = xrealloc(r->f, r->cap * sizeof *r->f);
	}
	r->f[r->n++] = xstrndup(s ? (const char *)s : "", s ? len : 0);
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

/* ';' if the first record has more semicolons than commas outside quotes. */
static char
sniff(const char *p, const char *end)
{
	int inq = 0, commas = 0, semis = 0;

	for (; p < end; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && (*p == '\n' || *p == '\r'))
			break;
		else if (!inq && *p == ',')
			commas++;
		else if (!inq && *p == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

int
csv_read(const char *data, size_t len, const char *shown, int dosniff,
    struct csvdoc *doc)
{
	struct csv_parser p;
	struct rd r;
	const char *s = data, *end = data + len, *nl;
	size_t i;
	int rc = 0;

	memset(doc, 0, sizeof *doc);
	memset(&r, 0, sizeof r);
	r.doc = doc;
	r.start = r.first = -1;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	if (memchr(s, '\0', (size_t)(end - s)) != NULL)
		return fail_at(RX_INVALID, shown, 0, "contains a NUL byte; "
		    "not a text file");
	doc->delim = dosniff ? sniff(s, end) : ',';
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return fail(RX_STORE, "cannot start the CSV parser");
	csv_set_delim(&p, (unsigned char)doc->delim);
	/* libcsv grows its field buffer by blk_size bytes at a time (128 by
	 * default), copying it each time: quadratic in the length of a long
	 * field (a 10 MB line took minutes). No field is longer than the
	 * input, so one step is enough. */
	csv_set_blk_size(&p, len > 128 ? len : 128);
	/* Feed a line at a time so that every record knows its line.  The
	 * loop leaves r.line on the last line fed, so that what csv_fini()
	 * finds in a last line without a newline is not put on the next. */
	for (r.line = 0; s < end; s = nl) {
		r.line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		nl = nl ? nl + 1 : end;
		if (r.start < 0 && r.first < 0 && !blank_line(s, nl))
			r.first = r.line;
		if (csv_parse(&p, s, (size_t)(nl - s), on_field, on_record, &r) !=
		    (size_t)(nl - s)) {
			rc = fail_at(RX_INVALID, shown, rec_line(&r), "%s",
			    csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (rc == 0 && csv_fini(&p, on_field, on_record, &r) != 0)
		rc = fail_at(RX_INVALID, shown, rec_line(&r), "%s",
		    csv_strerror(csv_error(&p)));
	csv_free(&p);
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
