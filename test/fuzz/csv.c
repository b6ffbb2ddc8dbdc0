/* csv.c — fuzz csv_read() (CSV imports, records.csv, rotation.csv).
 * The first byte picks whether the delimiter is sniffed.  When a document
 * reads, its rows written back with csv_row_write() must read back as the
 * same fields: that is how the store rewrites records.csv. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/csvio.h"
#include "roster/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if row r of a holds the same fields as row r of b. */
static int
same_row(const struct csvrow *a, const struct csvrow *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->f[i], b->f[i]) != 0)
			return 0;
	return 1;
}

/* Write doc's rows (with ',' as the writer does) and read them back. */
static void
round_trip(const struct csvdoc *doc)
{
	struct csvdoc back;
	char *buf = NULL;
	size_t len = 0, i, k;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	for (i = 0; i < doc->n; i++)
		csv_row_write(fp, (const char *const *)doc->rows[i].f,
		    doc->rows[i].n, 0);
	if (fclose(fp) != 0)
		abort();
	if (csv_read(buf, len, "round trip", 0, &back) != 0) {
		fprintf(stderr, "written rows do not read back: %s\n",
		    err_msg());
		abort();
	}
	/* A row of one empty field is a blank line, which readers skip. */
	for (i = 0, k = 0; i < doc->n; i++) {
		if (doc->rows[i].n == 1 && doc->rows[i].f[0][0] == '\0')
			continue;
		if (k >= back.n || !same_row(&doc->rows[i], &back.rows[k])) {
			fprintf(stderr, "row %zu changed on a round trip\n", i);
			abort();
		}
		k++;
	}
	if (k != back.n)
		abort();
	csvdoc_free(&back);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvdoc doc;
	int sniff;

	if (size < 1)
		return 0;
	sniff = data[0] & 1;
	if (csv_read((const char *)data + 1, size - 1, "fuzz.csv", sniff,
	    &doc) != 0)
		return 0;
	round_trip(&doc);
	csvdoc_free(&doc);
	return 0;
}
