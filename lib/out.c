/* out.c — rows as table, tsv, csv or json. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/util.h"

int
out_format(const char *s, int *fmt)
{
	if (strcmp(s, "table") == 0)
		*fmt = FMT_TABLE;
	else if (strcmp(s, "tsv") == 0)
		*fmt = FMT_TSV;
	else if (strcmp(s, "csv") == 0)
		*fmt = FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*fmt = FMT_JSON;
	else
		return fail(RX_USAGE, "unknown format '%s' (table, tsv, csv, json)",
		    s);
	return 0;
}

void
out_init(struct out *o, int fmt, int header, const char *const *cols,
    size_t ncols, const int *types)
{
	memset(o, 0, sizeof *o);
	o->fmt = fmt;
	o->header = header;
	o->cols = cols;
	o->ncols = ncols;
	o->types = types;
}

void
out_row(struct out *o, const char *const *cells)
{
	size_t i;

	if (o->nrows == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->cells = xrealloc(o->cells, o->cap * o->ncols * sizeof *o->cells);
	}
	for (i = 0; i < o->ncols; i++)
		o->cells[o->nrows * o->ncols + i] =
		    cells[i] ? xstrdup(cells[i]) : NULL;
	o->nrows++;
}

/* Display width of a UTF-8 string: one column per code point. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* n spaces: printf("%*s") costs a format parse per cell. */
static void
pad(size_t n)
{
	static const char sp[] = "                                ";

	while (n > sizeof sp - 1) {
		fwrite(sp, 1, sizeof sp - 1, stdout);
		n -= sizeof sp - 1;
	}
	fwrite(sp, 1, n, stdout);
}

/* A table is for a terminal: a cell's control bytes would move the
 * cursor, recolour or split the line, so they are shown as \xNN (tsv,
 * csv and json keep every byte, under their own quoting). */
static void
escape_cells(struct out *o)
{
	size_t i;
	char *e;

	for (i = 0; i < o->nrows * o->ncols; i++) {
		if (o->cells[i] == NULL)
			continue;
		e = esc_str(o->cells[i]);
		free(o->cells[i]);
		o->cells[i] = e;
	}
}

static void
print_table(struct out *o)
{
	size_t *w = xcalloc(o->ncols, sizeof *w);
	size_t r, c, n;
	const char *s;

	escape_cells(o);
	for (c = 0; c < o->ncols; c++)
		w[c] = o->header ? width(o->cols[c]) : 0;
	for (r = 0; r < o->nrows; r++)
		for (c = 0; c < o->ncols; c++) {
			s = o->cells[r * o->ncols + c];
			n = s && *s ? width(s) : 1;
			if (n > w[c])
				w[c] = n;
		}
	if (o->header) {
		for (c = 0; c < o->ncols; c++) {
			for (s = o->cols[c]; *s; s++)
				putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' :
				    *s == '_' ? ' ' : *s);
			if (c + 1 < o->ncols)
				pad(w[c] - width(o->cols[c]) + 2);
		}
		putchar('\n');
	}
	for (r = 0; r < o->nrows; r++) {
		for (c = 0; c < o->ncols; c++) {
			s = o->cells[r * o->ncols + c];
			if (s == NULL || *s == '\0')
				s = "-";
			fputs(s, stdout);
			if (c + 1 < o->ncols)
				pad(w[c] - width(s) + 2);
		}
		putchar('\n');
	}
	free(w);
}

static void
put_tsv_cell(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void
print_tsv(struct out *o)
{
	size_t r, c;

	if (o->header)
		for (c = 0; c < o->ncols; c++) {
			fputs(o->cols[c], stdout);
			putchar(c + 1 < o->ncols ? '\t' : '\n');
		}
	for (r = 0; r < o->nrows; r++)
		for (c = 0; c < o->ncols; c++) {
			put_tsv_cell(o->cells[r * o->ncols + c]);
			putchar(c + 1 < o->ncols ? '\t' : '\n');
		}
}

static void
print_csv(struct out *o)
{
	size_t r;

	if (o->header)
		csv_row_write(stdout, o->cols, o->ncols, 2);
	for (r = 0; r < o->nrows; r++)
		csv_row_write(stdout, (const char *const *)&o->cells[r * o->ncols],
		    o->ncols, 2);
}

char *
out_list(const struct strv *sv)
{
	return strv_join(sv, OUT_SEP);
}

/* A list cell's items, split at OUT_SEP, as a json array; NULL when one
 * is not UTF-8. */
static json_t *
json_list(const char *s)
{
	json_t *a = json_array(), *v;
	const char *e;

	while (*s) {
		e = strchr(s, OUT_SEP[0]);
		v = json_stringn(s, e ? (size_t)(e - s) : strlen(s));
		if (v == NULL) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, v);
		if (e == NULL)
			break;
		s = e + 1;
	}
	return a;
}

static json_t *
json_cell(const char *s, int type)
{
	long long v;
	char *end;

	if (s == NULL)
		return json_null();
	if (type == OUT_INT && *s) {
		v = strtoll(s, &end, 10);
		if (*end == '\0')
			return json_integer(v);
	}
	if (type == OUT_BOOL)
		return json_boolean(strcmp(s, "true") == 0);
	if (type == OUT_LIST)
		return json_list(s);
	return json_string(s);
}

static int
print_json(struct out *o)
{
	json_t *arr = json_array(), *obj, *v;
	size_t r, c;
	int rc;

	for (r = 0; r < o->nrows; r++) {
		obj = json_object();
		for (c = 0; c < o->ncols; c++) {
			v = json_cell(o->cells[r * o->ncols + c],
			    o->types ? o->types[c] : OUT_STR);
			if (v == NULL)	/* not UTF-8: keep the row, lose the cell */
				v = json_null();
			json_object_set_new(obj, o->cols[c], v);
		}
		json_array_append_new(arr, obj);
	}
	rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
	return rc == 0 ? 0 : fail(RX_STORE, "cannot write JSON");
}

/* Text formats show a list as its items joined by commas. */
static void
join_lists(struct out *o)
{
	size_t r, c;
	char *p;

	for (c = 0; o->types && c < o->ncols; c++) {
		if (o->types[c] != OUT_LIST)
			continue;
		for (r = 0; r < o->nrows; r++)
			for (p = o->cells[r * o->ncols + c]; p && *p; p++)
				if (*p == OUT_SEP[0])
					*p = ',';
	}
}

int
out_flush(struct out *o)
{
	int rc = 0;

	if (o->fmt != FMT_JSON)
		join_lists(o);
	switch (o->fmt) {
	case FMT_TABLE:
		print_table(o);
		break;
	case FMT_TSV:
		print_tsv(o);
		break;
	case FMT_CSV:
		print_csv(o);
		break;
	case FMT_JSON:
		rc = print_json(o);
		break;
	}
	out_free(o);
	return rc;
}

void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->nrows * o->ncols; i++)
		free(o->cells[i]);
	free(o->cells);
	o->cells = NULL;
	o->nrows = o->cap = 0;
}
