/* lock.c — the fcntl lock on STORE/.lock, with a timeout. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/fileio.h"
#include "lock.h"

static volatile sig_atomic_t timed_out;

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* s as a number of seconds from 0 to 86400, or -1.  Only digits, a point
 * and an exponent: strtod() alone would also take "nan", "inf",
 * hexadecimal and leading blanks. */
static double
seconds(const char *s)
{
	char *end;
	double v;

	if (!((*s >= '0' && *s <= '9') || *s == '.') ||
	    s[strspn(s, "0123456789.eE+-")] != '\0')
		return -1;
	v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || v > 86400)
		return -1;
	return v;
}

int
lock_timeout(double *out)
{
	const char *s = getenv("ROSTER_LOCK_TIMEOUT");
	double v;

	*out = 10;
	if (s == NULL || *s == '\0')
		return 0;
	if ((v = seconds(s)) < 0)
		return fail(RX_INVALID, "ROSTER_LOCK_TIMEOUT: '%s' is not a number "
		    "of seconds from 0 to 86400", s);
	/* Below the timer's resolution the wait would round to nothing, or
	 * to a signal that comes before the wait starts: wait a millisecond. */
	*out = v > 0 && v < LOCK_MIN_WAIT ? LOCK_MIN_WAIT : v;
	return 0;
}

/* Wait for the lock with F_SETLKW, interrupted by a timer: the kernel
 * queues us fairly and we wake the moment the lock is free.  The timer
 * repeats: a first signal that lands before fcntl() starts to wait would
 * otherwise leave it waiting forever. */
static int
wait_lock(int fd, struct flock *fl, double timeout)
{
	struct sigaction sa, old;
	struct itimerval it, oldit;
	int r, saved;

	if (timeout <= 0)
		return fcntl(fd, F_SETLK, fl);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;	/* no SA_RESTART: fcntl returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = (time_t)timeout;
	it.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	it.it_interval.tv_usec = 1000;
	timed_out = 0;
	setitimer(ITIMER_REAL, &it, &oldit);
	do {
		r = fcntl(fd, F_SETLKW, fl);
	} while (r != 0 && errno == EINTR && !timed_out);
	saved = errno;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (r != 0 && timed_out)
		saved = EAGAIN;
	errno = saved;
	return r;
}

/* The busy message, naming the holder when the kernel says who it is.
 * F_GETLK gives no process on some network file systems (0), and one on
 * another host means little: then "another process". */
static int
busy(int fd, int exclusive, double timeout, const char *shown)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK &&
	    fl.l_pid > 0)
		return fail(RX_BUSY, "%s: store busy: locked by process %ld "
		    "(waited %g s)", shown, (long)fl.l_pid, timeout);
	return fail(RX_BUSY, "%s: store busy: locked by another process "
	    "(waited %g s)", shown, timeout);
}

/* Open the lock file, making it (mode and group from the directory) when
 * it is missing.  A reader falls back to read-only. -1 with errno set. */
static int
lock_open(int dfd, const char *name, int exclusive)
{
	const int fl = O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	struct stat sb;
	int fd;

	fd = openat(dfd, name, O_RDWR | fl);
	if (fd < 0 && errno == ESTALE)	/* replaced on another host */
		fd = openat(dfd, name, O_RDWR | fl);
	if (fd < 0 && errno == ENOENT) {
		fd = openat(dfd, name, O_RDWR | O_CREAT | O_EXCL | fl, 0600);
		if (fd >= 0 && file_create_mode(fd, dfd, NULL) != 0) {
			close(fd);
			unlinkat(dfd, name, 0);
			return -1;
		}
		if (fd < 0 && errno == EEXIST)	/* made meanwhile */
			fd = openat(dfd, name, O_RDWR | fl);
	}
	if (fd < 0 && !exclusive && (errno == EACCES || errno == EROFS ||
	    errno == EPERM))
		fd = openat(dfd, name, O_RDONLY | fl);
	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
lock_take(int dfd, const char *name, int exclusive, double timeout,
    const char *shown, int *fdp)
{
	struct flock fl;
	int fd;

	fd = lock_open(dfd, name, exclusive);
	if (fd < 0) {
		if (!exclusive && errno == ENOENT) {
			/* A store without .lock that we cannot add it to (a
			 * read-only copy): read it without a lock. */
			*fdp = -1;
			return 0;
		}
		if (!exclusive && (errno == EACCES || errno == EPERM))
			/* Its record says whether a change is half made. */
			return fail_errno(RX_STORE, "store not readable: %s",
			    shown);
		if (errno == ELOOP)
			return fail(RX_STORE, "%s: is a symbolic link; not followed",
			    shown);
		if (errno == EINVAL)
			return fail(RX_STORE, "%s: not a regular file", shown);
		if (errno == EACCES || errno == EROFS || errno == EPERM)
			return fail_errno(RX_STORE, "store not writable: %s",
			    shown);
		return fail_errno(RX_STORE, "%s", shown);
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	if (wait_lock(fd, &fl, timeout) != 0) {
		int saved = errno;
		if (saved == EAGAIN || saved == EACCES || saved == EINTR) {
			busy(fd, exclusive, timeout, shown);
			close(fd);
			return RX_BUSY;
		}
		close(fd);
		errno = saved;
		return fail_errno(RX_STORE, "%s", shown);
	}
	*fdp = fd;
	return 0;
}
