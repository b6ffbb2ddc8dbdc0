/*
 * import.h — the users to add, as given: addresses, or the rows of a CSV
 * file (user-add --csv).
 *
 * The file's first row is its header.  Its Email column (also accepted:
 * E-mail, Email address, E-mail address, E-mailadres) is required; First
 * Name, Last Name and Team (each with its other spellings, and Dutch and
 * French ones) are read when present; every other column is named on
 * standard error as not imported, once, with the header's line.  A row
 * whose cells are all empty is skipped; a row with cells but no address
 * is a failure of the batch ("FILE:LINE: no address in the Email
 * column", batch_fail(), err.h) and the other rows are read all the
 * same, so that one run reports every bad row.  Cells keep their text
 * (an empty one is NULL), without trailing blanks.  The rows counted for
 * the cap (import_fits(), rules.h) are those with a cell that is not
 * blank.  What import_add() and import_read() store is the import's
 * (import_free()).  Source: user-add(1) --csv, EXIT STATUS.
 */
#ifndef ROSTER_IMPORT_H
#define ROSTER_IMPORT_H

#include <stddef.h>

/* One address to add, and where it came from. */
struct import_row {
	char *email;		/* as given */
	char *first, *last, *team;	/* NULL: not given */
	long line;		/* CSV line, 0 for an argument */
	int skip;		/* the caller's: left out */
};

struct import {
	struct import_row *v;
	size_t n;
	size_t rows;		/* the file's rows that count for the cap */
};

/* Append a row (empty strings stored as NULL). */
void import_add(struct import *im, const char *email, const char *first,
    const char *last, const char *team, long line);

/* Append the rows of the CSV file path ("-": standard input, "<stdin>"
 * in messages).  0; the code of a row without an address is kept in
 * *first (printed); or the code of a file that cannot be read or parsed,
 * no header row, no Email column: RX_NOTFOUND, RX_STORE (file_input(),
 * fileio.h), RX_INVALID (recorded, not printed). */
int import_read(const char *path, struct import *im, int *first);

/* A row's Team cell, split at ',': 0 if each name is one team_name()
 * (rules.h) takes as a --team (no control characters, none empty), else
 * its RX_INVALID with the message recorded. */
int import_teams_ok(const char *cell);

void import_free(struct import *im);

#endif
