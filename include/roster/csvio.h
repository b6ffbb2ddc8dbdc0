/*
 * csvio.h — CSV read and write through libcsv.
 *
 * Reading: the whole input is parsed into rows of fields; a UTF-8 byte-order
 * mark is dropped, LF and CRLF both end a record, RFC 4180 quoting.  Blank
 * lines are skipped, and each row remembers the line it started on for
 * messages.  Quote faults are said in words, naming the line (for a quote
 * never closed, the line it was opened on).
 *
 * An import (sniff set) is read as spreadsheets write it: UTF-16 with a
 * byte-order mark decoded; text that is not UTF-8 refused with an iconv
 * hint; CR and CRLF, in quoted fields too, turned into LF; Excel's
 * "sep=X" first line taken as the delimiter, else the one of ",", ";" and
 * TAB the first line has most of outside quotes; every cell trimmed of
 * Unicode white space at both ends.
 *
 * Writing: csv_row_write() quotes as RFC 4180 needs, through libcsv's
 * writer; with guard set, a cell starting with = + - @ TAB or CR gets a
 * leading ' so spreadsheets do not run it as a formula.  Only output for
 * people has the guard: the store's own CSV files are written exactly.
 */
#ifndef ROSTER_CSVIO_H
#define ROSTER_CSVIO_H

#include <stdio.h>
#include <stddef.h>

struct csvrow {
	char **f;
	size_t n;
	long line;
};

struct csvdoc {
	struct csvrow *rows;
	size_t n, cap;
	char delim;
};

/* Parse len bytes (sniff: guess the delimiter, else ","); shown names the input in messages.  0 or RX_INVALID
 * (for a store file the caller maps it to RX_STORE). */
int csv_read(const char *data, size_t len, const char *shown, int sniff,
    struct csvdoc *doc);
void csvdoc_free(struct csvdoc *doc);

/* Index of the header cell matching one of names (case-insensitive,
 * surrounding blanks ignored), or -1. names is NULL-terminated. */
int csv_column(const struct csvrow *hdr, const char *const names[]);

/* Write one record of n cells (NULL cells are empty), quoted only where
 * needed.  guard 0: a store file (LF); 1: LF with the formula guard of
 * roster(5), Messages and output; 2: the same ending in CRLF, as RFC 4180 has it. */
void csv_row_write(FILE *fp, const char *const *cells, size_t n, int guard);

#endif
