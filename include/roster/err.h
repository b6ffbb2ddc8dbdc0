/*
 * err.h — exit codes and the one error printer.
 *
 * Library calls return 0 or one of the exit codes below and leave a message
 * in a per-process error record (fail(), fail_at()).  Only cmd/ prints it
 * (err_print()) and decides the exit status.  Messages name the file and,
 * where known, the line: "users/ada@x.org.yaml:7: expected a mapping".
 * Allocation, string lists, numbers and escapes are in util.h.
 */
#ifndef ROSTER_ERR_H
#define ROSTER_ERR_H


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

/* Set progname from argv[0] (its last path component, at most 63 bytes,
 * each byte that is not printable ASCII, a blank or a comma as "?"). */
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

/* Flush and close stdout; on failure print why and return RX_STORE.
 * Every binary that prints ends with: return out_close(rc). */
int out_close(int rc);

#endif
