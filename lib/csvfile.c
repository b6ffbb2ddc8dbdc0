/* csvfile.c — read a CSV file of the store into rows, keeping its text. */
#include <stdlib.h>
#include <string.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/util.h"
#include "csvfile.h"

int
csvfile_parse(const char *rel, char *text, size_t len, struct csvfile *cf)
{
	char *m;
	int rc;

	memset(cf, 0, sizeof *cf);
	cf->text = text;
	cf->len = len;
	if (csv_read(text, len, rel, 0, &cf->doc) == 0)
		return 0;
	/* A store file that does not parse is a broken store, not bad
	 * input; a copy of the message, since fail() writes the buffer
	 * err_msg() points to. */
	m = xstrdup(err_msg());
	rc = fail(RX_STORE, "%s", m);
	free(m);
	csvfile_free(cf);
	return rc;
}

int
csvfile_load(int dfd, const char *rel, struct csvfile *cf)
{
	char *text;
	size_t len;
	int rc;

	memset(cf, 0, sizeof *cf);
	if ((rc = file_read(dfd, rel, &text, &len)) != 0)
		return rc;
	return csvfile_parse(rel, text, len, cf);
}

/* The offset of the start of each line of the text (nl lines), and
 * at[nl] == len. */
static void
line_starts(struct csvfile *cf)
{
	size_t cap = 2, k = 0, i;

	cf->at = xmalloc(sizeof *cf->at * cap);
	cf->at[k++] = 0;
	for (i = 0; i < cf->len; i++)
		if (cf->text[i] == '\n' && i + 1 < cf->len) {
			if (k + 1 >= cap)
				cf->at = xrealloc(cf->at,
				    (cap *= 2) * sizeof *cf->at);
			cf->at[k++] = i + 1;
		}
	cf->nl = k;
	cf->at[k] = cf->len;
}

char *
csvfile_raw(struct csvfile *cf, size_t i)
{
	const char *data = cf->text;
	const size_t *at;
	long from = cf->doc.rows[i].line, to;
	size_t k, j, e;

	if (cf->at == NULL)
		line_starts(cf);
	at = cf->at;
	to = i + 1 < cf->doc.n ? cf->doc.rows[i + 1].line - 1 : (long)cf->nl;
	k = (size_t)to < cf->nl ? (size_t)to : cf->nl;
	for (; k > (size_t)from; k--) {
		for (j = at[k - 1]; j < at[k]; j++)
			if (strchr(" \t\r\n", data[j]) == NULL)
				break;
		if (j < at[k])
			break;	/* not blank */
	}
	e = at[k];
	if (e > at[from - 1] && data[e - 1] == '\n')
		e--;
	return xstrndup(data + at[from - 1], e - at[from - 1]);
}

void
csvfile_free(struct csvfile *cf)
{
	csvdoc_free(&cf->doc);
	free(cf->text);
	free(cf->at);
	memset(cf, 0, sizeof *cf);
}
