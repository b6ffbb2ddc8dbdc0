/*
 * csvfile.h — the one loader of the store's CSV files (records.csv,
 * rotation.csv, audit.csv).
 *
 * A file is read whole and parsed by csv_read() (csvio.h), without
 * sniffing: the store's files are plain RFC 4180 with "," and LF.  Its
 * text is kept beside the rows, so that a row that breaks a rule of its
 * file can be carried as it was written (records.csv keeps such rows and
 * writes them back untouched).  A quote fault makes the whole file
 * unreadable: RX_STORE, with csv_read()'s "FILE:LINE: reason".  Everything
 * in a struct csvfile is its own; csvfile_free() releases it and is safe on
 * a zeroed one.
 */
#ifndef LIB_CSVFILE_H
#define LIB_CSVFILE_H

#include <stddef.h>

#include "roster/csvio.h"

struct csvfile {
	struct csvdoc doc;	/* the rows, each with its first line */
	char *text;		/* the file as read */
	size_t len;
	size_t *at, nl;		/* where each line starts (csvfile_raw()) */
};

/* Read rel below dfd and parse it into cf: 0; RX_NOTFOUND (recorded) when
 * there is no such file, with cf empty; RX_STORE or file_read()'s code. */
int csvfile_load(int dfd, const char *rel, struct csvfile *cf);

/* The same for text already read (cf takes it over; malloc'd, len bytes
 * and a NUL): 0 or RX_STORE. */
int csvfile_parse(const char *rel, char *text, size_t len,
    struct csvfile *cf);

/* Row i as written: its lines, without the blank lines the parser skipped
 * after it and without its last LF (so that a CRLF row written back with
 * an LF stays CRLF).  malloc'd. */
char *csvfile_raw(struct csvfile *cf, size_t i);

void csvfile_free(struct csvfile *cf);

#endif
