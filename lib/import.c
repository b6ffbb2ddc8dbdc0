/* import.c — the users to add, as given (import.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/import.h"
#include "roster/rules.h"
#include "roster/util.h"

/* The header's names of each column read, NULL-terminated. */
static const char *const email_cols[] = { "Email", "E-mail",
	"Email address", "E-mail address", "E-mailadres", NULL };
static const char *const first_cols[] = { "First Name", "First_name",
	"Firstname", "Voornaam", "Prénom", NULL };
static const char *const last_cols[] = { "Last Name", "Last_name",
	"Lastname", "Achternaam", "Nom", NULL };
static const char *const team_cols[] = { "Team", "Teams", NULL };

static const char *
cell(const struct csvrow *r, int col)
{
	return col >= 0 && (size_t)col < r->n ? r->f[col] : NULL;
}

/* Trim blanks in place (spreadsheets leave them around addresses). */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Name on stderr each header column that is not read. */
static void
unused_columns(const struct csvrow *hdr, const char *shown, const int *used)
{
	size_t k;

	for (k = 0; k < hdr->n; k++) {
		if ((int)k == used[0] || (int)k == used[1] ||
		    (int)k == used[2] || (int)k == used[3] || !*hdr->f[k])
			continue;
		warnmsg("%s:%ld: column '%s' is not imported (read: Email, "
		    "First Name, Last Name, Team)", shown, hdr->line, hdr->f[k]);
	}
}

/* The rows after the header with a cell that is not blank, for the cap
 * (each cell loses its trailing blanks on the way). */
static size_t
rows_filled(const struct csvdoc *doc)
{
	size_t i, n, rows = 0;
	int filled;

	for (i = 1; i < doc->n; i++) {
		const struct csvrow *r = &doc->rows[i];
		filled = 0;
		for (n = 0; n < r->n; n++)
			if (*trim(r->f[n]))
				filled = 1;
		rows += filled;
	}
	return rows;
}

/* 1 if every cell of r is empty. */
static int
row_blank(const struct csvrow *r)
{
	size_t n;

	for (n = 0; n < r->n; n++)
		if (*r->f[n])
			return 0;
	return 1;
}

/* The candidates of the rows after the header; a row without an
 * address is a failure of the batch (*first). */
static void
rows_of(const struct csvdoc *doc, const char *shown, const int *col,
    struct import *im, int *first)
{
	size_t i;

	for (i = 1; i < doc->n; i++) {
		const struct csvrow *r = &doc->rows[i];
		const char *e = cell(r, col[0]);
		if (row_blank(r))
			continue;
		if (e == NULL || *e == '\0') {
			batch_fail(first, fail_at(RX_INVALID, shown, r->line,
			    "no address in the Email column"));
			continue;
		}
		import_add(im, e, cell(r, col[1]), cell(r, col[2]),
		    cell(r, col[3]), r->line);
	}
}

/* The header's columns into col[4] (Email, First Name, Last Name, Team),
 * the others named on stderr.  0, or RX_INVALID without an Email one. */
static int
columns(const struct csvdoc *doc, const char *shown, int *col)
{
	if (doc->n == 0)
		return fail(RX_INVALID, "%s: empty file: want a header row with "
		    "an Email column", shown);
	col[0] = csv_column(&doc->rows[0], email_cols);
	if (col[0] < 0)
		return fail_at(RX_INVALID, shown, doc->rows[0].line, "no Email "
		    "column in the header row (also accepted: E-mail, Email "
		    "address, E-mailadres)");
	col[1] = csv_column(&doc->rows[0], first_cols);
	col[2] = csv_column(&doc->rows[0], last_cols);
	col[3] = csv_column(&doc->rows[0], team_cols);
	unused_columns(&doc->rows[0], shown, col);
	return 0;
}

int
import_read(const char *path, struct import *im, int *first)
{
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct csvdoc doc;
	char *data;
	size_t len;
	int rc, col[4] = { -1, -1, -1, -1 };

	if ((rc = file_input(path, 0, &data, &len)) != 0)
		return rc;
	rc = csv_read(data, len, shown, 1, &doc);
	free(data);
	if (rc)
		return rc;
	if ((rc = columns(&doc, shown, col)) == 0) {
		im->rows = rows_filled(&doc);
		rows_of(&doc, shown, col, im, first);
	}
	csvdoc_free(&doc);
	return rc;
}

void
import_add(struct import *im, const char *email, const char *first,
    const char *last, const char *team, long line)
{
	struct import_row *r;

	im->v = xrealloc(im->v, (im->n + 1) * sizeof *im->v);
	r = &im->v[im->n++];
	r->email = xstrdup(email);
	r->first = first && *first ? xstrdup(first) : NULL;
	r->last = last && *last ? xstrdup(last) : NULL;
	r->team = team && *team ? xstrdup(team) : NULL;
	r->line = line;
	r->skip = 0;
}

int
import_teams_ok(const char *cell)
{
	struct strv sv = { 0 };
	char *t;
	size_t i;
	int rc = 0;

	strv_split(&sv, cell);
	for (i = 0; rc == 0 && i < sv.n; i++)
		if ((rc = team_name(sv.v[i], &t)) == 0)
			free(t);
	strv_free(&sv);
	return rc;
}

void
import_free(struct import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++) {
		free(im->v[i].email);
		free(im->v[i].first);
		free(im->v[i].last);
		free(im->v[i].team);
	}
	free(im->v);
	memset(im, 0, sizeof *im);
}
