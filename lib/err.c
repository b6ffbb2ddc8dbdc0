/* err.c — the error record and the printer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/util.h"

const char *progname = "roster";

static _Thread_local char errbuf[2048];
static _Thread_local int errcode;

void
prog_init(const char *argv0)
{
	static char name[64];
	const char *s;
	size_t i;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	s = strrchr(argv0, '/');
	s = s ? s + 1 : argv0;
	/* The name goes into messages, audit rows and .lock's record: a
	 * byte that is not printable ASCII (a newline in argv[0]) would
	 * forge a line there. */
	for (i = 0; s[i] != '\0' && i < sizeof name - 1; i++)
		name[i] = s[i] > ' ' && s[i] < 0x7f && s[i] != ',' ? s[i] : '?';
	name[i] = '\0';
	progname = name;
}

/* Format into a scratch buffer first: callers re-record the last message
 * with fail(code, "%s", err_msg()), and formatting straight into errbuf
 * would read it while overwriting it (the message came out empty). */
static int
record(int code, const char *prefix, const char *fmt, va_list ap)
{
	char tmp[sizeof errbuf];
	size_t n = 0;

	tmp[0] = '\0';
	if (prefix != NULL)
		n = (size_t)snprintf(tmp, sizeof tmp, "%s", prefix);
	if (n < sizeof tmp)
		vsnprintf(tmp + n, sizeof tmp - n, fmt, ap);
	memcpy(errbuf, tmp, sizeof errbuf);
	errcode = code;
	return code;
}

int
fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int
fail_at(int code, const char *file, long line, const char *fmt, ...)
{
	char pre[512];
	va_list ap;

	if (line > 0)
		snprintf(pre, sizeof pre, "%s:%ld: ", file, line);
	else
		snprintf(pre, sizeof pre, "%s: ", file);
	va_start(ap, fmt);
	record(code, pre, fmt, ap);
	va_end(ap);
	return code;
}

int
fail_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	record(code, NULL, fmt, ap);
	va_end(ap);
	n = strlen(errbuf);
	snprintf(errbuf + n, sizeof errbuf - n, ": %s", strerror(saved));
	errno = saved;
	return code;
}

const char *
err_msg(void)
{
	return errbuf;
}

int
err_code(void)
{
	return errcode;
}

/* Messages carry bytes from input (addresses, file names, values): a
 * terminal must show them, not obey them. */
void
err_print(void)
{
	char *e = esc_str(errbuf[0] ? errbuf : "unknown error");

	fprintf(stderr, "%s: %s\n", progname, e);
	free(e);
}

int
batch_fail(int *first, int code)
{
	err_print();
	if (*first == 0)
		*first = code;
	return code;
}

void
err_tally(int code, void *arg)
{
	batch_fail(arg, code);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;
	char *m, *e;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		oom_exit();
	va_end(ap);
	e = esc_str(m);
	fprintf(stderr, "%s: %s\n", progname, e);
	free(e);
	free(m);
}

int
out_close(int rc)
{
	int bad;

	bad = ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && rc == RX_OK) {
		/* A closed pipe on the reading side is the reader's choice. */
		if (errno == EPIPE)
			return rc;
		fail_errno(RX_STORE, "standard output");
		err_print();
		return RX_STORE;
	}
	return rc;
}
