/* hours.c — fuzz hours_spec_add() and days_parse(), the DAYS=RANGE specs
 * of hours-set.  The input is specs separated by newlines; what parses is
 * printed by hours_format(), which must parse back to the same hours. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/hours.h"
#include "roster/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if a and b cover the same ranges on each day, in the same order. */
static int
same(const struct hours *a, const struct hours *b)
{
	int d;

	for (d = 0; d < 7; d++)
		if (a->n[d] != b->n[d] || (a->n[d] > 0 &&
		    memcmp(a->r[d], b->r[d], a->n[d] * sizeof *a->r[d]) != 0))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hours h, back;
	char *text, *line, *save, *out, *tok;
	int days[7];

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&h, 0, sizeof h);
	memset(&back, 0, sizeof back);
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		days_parse(line, days);
		hours_spec_add(&h, line);
	}
	out = hours_format(&h);
	for (tok = strtok_r(out, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save))
		if (hours_spec_add(&back, tok) != 0) {
			fprintf(stderr, "formatted spec does not parse: %s\n",
			    err_msg());
			abort();
		}
	if (!same(&h, &back)) {
		fprintf(stderr, "hours changed on a round trip\n");
		abort();
	}
	free(out);
	hours_free(&h);
	hours_free(&back);
	free(text);
	return 0;
}
