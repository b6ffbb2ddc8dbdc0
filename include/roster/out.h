/*
 * out.h — rows out as table, tsv, csv or json (roster(5), Messages and
 * output).
 *
 * A command declares its columns, adds rows of strings (NULL = absent),
 * then out_flush() prints them all to stdout in the chosen format: table
 * (aligned, with a header; non-printing bytes as \xNN, see esc_str()),
 * tsv, csv (RFC 4180, formula guard), json (one
 * array of objects, through jansson; absent cells are null).  Columns
 * marked OUT_INT are json numbers, OUT_BOOL json booleans, OUT_LIST json
 * arrays of strings: such a cell holds its items separated by OUT_SEP,
 * shown joined by commas in the other formats.
 */
#ifndef ROSTER_OUT_H
#define ROSTER_OUT_H

#include <stddef.h>

enum { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON };
enum { OUT_STR = 0, OUT_INT = 1, OUT_BOOL = 2, OUT_LIST = 3 };
#define OUT_SEP "\x1f"

struct strv;

/* An OUT_LIST cell of sv's items (malloc'd). */
char *out_list(const struct strv *sv);

struct out {
	int fmt;
	int header;		/* 0 with --no-header */
	size_t ncols;
	const char *const *cols;
	const int *types;	/* NULL: all strings */
	char **cells;		/* rows * ncols, owned */
	size_t nrows, cap;
};

/* Parse a --format argument: 0 and *fmt, or RX_USAGE with a message. */
int out_format(const char *s, int *fmt);

void out_init(struct out *o, int fmt, int header, const char *const *cols,
    size_t ncols, const int *types);
/* Add a row of ncols cells (copied). */
void out_row(struct out *o, const char *const *cells);
/* Print all rows; 0 or RX_STORE on a write error. Frees the rows. */
int out_flush(struct out *o);
void out_free(struct out *o);

#endif
