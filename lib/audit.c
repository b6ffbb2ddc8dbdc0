/* audit.c — audit.csv rows, queued for the change's transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/timefmt.h"
#include "roster/util.h"

struct row {
	char *action, *subject, *detail;
};

static struct row *rows;
static size_t nrows;

void
audit_add(const char *action, const char *subject, const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = NULL;
	va_end(ap);
	rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
	rows[nrows].action = xstrdup(action);
	rows[nrows].subject = xstrdup(subject ? subject : "");
	rows[nrows].detail = detail ? detail : xstrdup("");
	nrows++;
}

void
audit_drop(void)
{
	size_t i;

	for (i = 0; i < nrows; i++) {
		free(rows[i].action);
		free(rows[i].subject);
		free(rows[i].detail);
	}
	free(rows);
	rows = NULL;
	nrows = 0;
}

static char *
actor(void)
{
	static const char *const vars[] = { "ROSTER_ACTOR", "LOGNAME", "USER",
	    NULL };
	const char *s;
	int i;

	for (i = 0; vars[i]; i++)
		if ((s = getenv(vars[i])) != NULL && *s != '\0')
			return xstrdup(s);
	return xasprintf("uid:%ld", (long)getuid());
}

char *
audit_take(time_t now, size_t *len)
{
	char ts[32], *buf = NULL, *who;
	const char *cells[AUDIT_COLUMNS];
	size_t i;
	FILE *fp;

	*len = 0;
	if (nrows == 0)
		return NULL;
	fp = open_memstream(&buf, len);
	if (fp == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(RX_STORE);
	}
	who = actor();
	time_utc(now, ts);
	for (i = 0; i < nrows; i++) {
		cells[0] = ts;
		cells[1] = who;
		cells[2] = progname;
		cells[3] = rows[i].action;
		cells[4] = rows[i].subject;
		cells[5] = rows[i].detail;
		csv_row_write(fp, cells, AUDIT_COLUMNS, 0);
	}
	fclose(fp);
	free(who);
	audit_drop();
	return buf;
}
