/*
 * err.h — exit codes and the one error printer.
 *
 * Library calls return 0 or one of the exit codes below and leave a message
 * in a per-process error record (fail(), fail_at()).  Only cmd/ prints it
 * (err_print()) and decides the exit status.  Messages name the file and,
 * where known, the line: "users/ada@x.org.yaml:7: expected a mapping".
 */
#ifndef ROSTER_ERR_H
#define ROSTER_ERR_H

#include <stddef.h>

#define ROSTER_VERSION "0.1.0"

enum {
	RX_OK = 0,	/* success */
	RX_NO = 1,	/* a negative answer: away, nobody available */
	RX_USAGE = 2,	/* unknown option, missing or extra argument */
	RX_RULE = 3,	/* refused by a documented rule */
	RX_NOTFOUND = 4,	/* no such user, store, file, period, setting */
	RX_INVALID = 5,	/* bad address, time, zone, CSV content, value */
	RX_BUSY = 6,	/* the store lock could not be taken in time */
	RX_STORE = 7	/* unreadable or malformed store, I/O error */
};

extern const char *progname;

/* Set progname from argv[0] (its last path component). */
void prog_init(const char *argv0);

/* Record a message for code; return code.  fail_at() prefixes FILE:LINE:
 * (line 0: FILE: only). */
int fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fail_at(int code, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Same as fail(), with ": strerror(errno)" appended. */
int fail_errno(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The last recorded message and code. */
const char *err_msg(void);
int err_code(void);

/* Print "PROG: message" for the last recorded error to stderr, escaped
 * with esc_str(): one line, whatever bytes the input had. */
void err_print(void);

/* A batch (several addresses, rows, files, each of which may fail on
 * its own) goes on past a failure and exits with the code of the FIRST
 * one: batch_fail() prints the recorded message and keeps code in *first
 * unless a code is there already.  Returns code. */
int batch_fail(int *first, int code);

/* batch_fail() as the bad() callback of user_list() and user_scan(), for
 * a listing that goes on past a file it cannot read (arg: an int *). */
void err_tally(int code, void *arg);

/* Print "PROG: message" to stderr (a warning, not recorded), escaped. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s with every byte a terminal would obey written as \xNN (lower-case
 * hex): C0 controls (LF, ESC...), DEL, the C1 controls U+0080-U+009F and
 * every byte that is not part of valid UTF-8.  Printable ASCII, the
 * backslash included, and UTF-8 letters (Zoë, 日本) are kept.  malloc'd. */
char *esc_str(const char *s);

/* 1 if s is shown as it is by esc_str(): valid UTF-8 with no control
 * character (C0, DEL, C1). */
int text_printable(const char *s);

/* Flush and close stdout; on failure print why and return RX_STORE.
 * Every binary that prints ends with: return out_close(rc). */
int out_close(int rc);

/* Allocation that does not fail: on exhaustion print and exit 7. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of strings. */
struct strv {
	char **v;
	size_t n, cap;
};
void strv_add(struct strv *sv, const char *s);	/* appends a copy */
int strv_has(const struct strv *sv, const char *s);
int strv_remove(struct strv *sv, const char *s);	/* 1 if removed */
void strv_sort(struct strv *sv);
void strv_free(struct strv *sv);

/* Split "a, b,c" on commas, trimming blanks, dropping empty items. */
void strv_split(struct strv *sv, const char *list);

/* Bounded integer conversion: 0 and *out on success, -1 if s is not a whole
 * decimal number in [min, max]. */
int parse_long(const char *s, long min, long max, long *out);

/* s[0..len) with each %XX (hex digits) turned into its byte, malloc'd;
 * NULL if a % is not followed by two hex digits. */
char *pct_decode(const char *s, size_t len);

#endif
