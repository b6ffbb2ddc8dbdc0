/*
 * faultinject.c — an LD_PRELOAD shim that fails the Nth call of one kind,
 * the way SQLite's test harness fails its Nth I/O call.
 *
 * Environment (read once, at load):
 *   FAULT_CALL   the kind of call to fail: open, openat, write, fsync,
 *                fdatasync, syncfs, rename, renameat, unlink, unlinkat,
 *                ftruncate, mkdir.  Unset: only count.
 *   FAULT_N      fail the Nth call of that kind (1-based).  0 or unset:
 *                fail none.
 *   FAULT_ERRNO  EIO (default), ENOSPC or ESTALE (a network file system's
 *                "file replaced on another host").
 *   FAULT_NAME   open and openat only: count (and fail) only the calls
 *                whose path ends in this name, e.g. records.csv.
 *   FAULT_PERSIST  1: fail every call of the kind from the Nth on (a disk
 *                that stays full); default: only the Nth (a transient error).
 *   FAULT_COUNT_FILE  at exit, write "KIND COUNT" for every kind, then
 *                "hit 0|1" (the fault was injected) and "commit 0|1" (the
 *                record of a committed change, a line "change commit",
 *                had been written whole to FAULT_COMMIT_NAME, default
 *                ".lock", before the fault: the fault came after the
 *                commit point; see roster(5)).
 *
 * What counts as a call of each kind, and why:
 *   open      open, open64, __open_2, fopen, fopen64 (fopen reaches the
 *             kernel through glibc's internal open, which no shim can see,
 *             so the fopen itself is the call).
 *   openat    openat, openat64, __openat_2.
 *   write     write on a descriptor above 2 (the store, not the terminal),
 *             and every fflush or fclose of a stream on a descriptor above 2
 *             that holds unwritten data.  glibc's stdio writes through an
 *             internal write that no shim can see; so that a stream's data
 *             leaves only at its fflush or fclose, every stream opened with
 *             fdopen gets a buffer of FAULT_STDIO_BUF bytes (default 4 MiB),
 *             which holds any file the store has.  A failed flush drops
 *             the buffered data, as a failed write(2) would leave it unsaid.
 *   rename    rename.  renameat: renameat and renameat2.
 *   unlink    unlink.  unlinkat: unlinkat.  mkdir: mkdir and mkdirat.
 *   fsync, fdatasync, syncfs, ftruncate: the call of that name
 *             (ftruncate64 too).
 * Calls made by the sanitizer runtime or the loader before this library's
 * constructor are not counted.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum kind {
	K_OPEN, K_OPENAT, K_WRITE, K_FSYNC, K_FDATASYNC, K_SYNCFS, K_RENAME,
	K_RENAMEAT, K_UNLINK, K_UNLINKAT, K_FTRUNCATE, K_MKDIR, K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"open", "openat", "write", "fsync", "fdatasync", "syncfs", "rename",
	"renameat", "unlink", "unlinkat", "ftruncate", "mkdir"
};

static long counts[K_NKINDS];
static int fault_kind = -1;
static long fault_n;
static int fault_errno = EIO;
static int fault_persist;
static int fault_hit;
static int commit_seen;		/* the commit rename has succeeded */
static int commit_before_fault;
static const char *commit_name = ".lock";
static const char *count_file;
static const char *fault_name;
static size_t stdio_buf = 4u << 20;

/* 1 if this call of kind k is to fail (errno is then set). */
static int
fault(enum kind k)
{
	long n = ++counts[k];

	if ((int)k != fault_kind || fault_n <= 0)
		return 0;
	if (n == fault_n || (fault_persist && n > fault_n)) {
		if (!fault_hit)
			commit_before_fault = commit_seen;
		fault_hit = 1;
		errno = fault_errno;
		return 1;
	}
	return 0;
}

static void *
real(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL) {
		fprintf(stderr, "faultinject: no %s\n", name);
		abort();
	}
	return p;
}

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (real_##name == NULL) \
		real_##name = (ret (*) args)real(#name)

/* Note the commit point: a successful rename onto commit_name (a store
 * that keeps its journal in a file of its own). */
static void
note_rename(const char *to)
{
	const char *base = strrchr(to, '/');

	base = base ? base + 1 : to;
	if (strcmp(base, commit_name) == 0)
		commit_seen = 1;
}

/* Note the commit point: the whole record of a committed change written
 * to commit_name (the store's .lock). */
static void
note_pwrite(int fd, const void *buf, size_t n)
{
	static const char mark[] = "\nchange commit\n";
	char link[64], path[4096];
	const char *base;
	ssize_t r;

	if (memmem(buf, n, mark, sizeof mark - 1) == NULL)
		return;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((r = readlink(link, path, sizeof path - 1)) < 0)
		return;
	path[r] = '\0';
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, commit_name) == 0)
		commit_seen = 1;
}

static void
report(void)
{
	int (*ropen)(const char *, int, ...);
	ssize_t (*rwrite)(int, const void *, size_t);
	char buf[512];
	int fd, n = 0, i;

	if (count_file == NULL)
		return;
	for (i = 0; i < K_NKINDS; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%s %ld\n",
		    kind_names[i], counts[i]);
	n += snprintf(buf + n, sizeof buf - (size_t)n, "hit %d\ncommit %d\n",
	    fault_hit, commit_before_fault);
	ropen = (int (*)(const char *, int, ...))real("open");
	rwrite = (ssize_t (*)(int, const void *, size_t))real("write");
	fd = ropen(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (rwrite(fd, buf, (size_t)n) != n)
		fprintf(stderr, "faultinject: %s: short write\n", count_file);
	close(fd);
}

__attribute__((constructor)) static void
setup(void)
{
	const char *s;
	int i;

	if ((s = getenv("FAULT_CALL")) != NULL && *s != '\0') {
		for (i = 0; i < K_NKINDS; i++)
			if (strcmp(s, kind_names[i]) == 0)
				fault_kind = i;
		if (fault_kind < 0) {
			fprintf(stderr, "faultinject: unknown FAULT_CALL %s\n", s);
			abort();
		}
	}
	if ((s = getenv("FAULT_N")) != NULL)
		fault_n = strtol(s, NULL, 10);
	if ((s = getenv("FAULT_ERRNO")) != NULL && strcmp(s, "ENOSPC") == 0)
		fault_errno = ENOSPC;
	if (s != NULL && strcmp(s, "ESTALE") == 0)
		fault_errno = ESTALE;
	if ((s = getenv("FAULT_NAME")) != NULL && *s != '\0')
		fault_name = s;
	if ((s = getenv("FAULT_PERSIST")) != NULL && strcmp(s, "1") == 0)
		fault_persist = 1;
	if ((s = getenv("FAULT_COMMIT_NAME")) != NULL && *s != '\0')
		commit_name = s;
	if ((s = getenv("FAULT_STDIO_BUF")) != NULL)
		stdio_buf = (size_t)strtoul(s, NULL, 10);
	count_file = getenv("FAULT_COUNT_FILE");
	if (count_file != NULL && *count_file != '\0')
		atexit(report);
	else
		count_file = NULL;
}

/* --- open ------------------------------------------------------------- */

/* 1 if an open of path counts: always, unless FAULT_NAME is set and the
 * path's last component is another name. */
static int
named(const char *path)
{
	const char *base;

	if (fault_name == NULL)
		return 1;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strcmp(base, fault_name) == 0;
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, open, (const char *, int, ...));

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	if (named(path) && fault(K_OPEN))
		return -1;
	return real_open(path, flags, m);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, open64, (const char *, int, ...));

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	if (named(path) && fault(K_OPEN))
		return -1;
	return real_open64(path, flags, m);
}

int
__open_2(const char *path, int flags)
{
	REAL(int, __open_2, (const char *, int));

	if (named(path) && fault(K_OPEN))
		return -1;
	return real___open_2(path, flags);
}

FILE *
fopen(const char *path, const char *mode)
{
	REAL(FILE *, fopen, (const char *, const char *));

	if (named(path) && fault(K_OPEN))
		return NULL;
	return real_fopen(path, mode);
}

FILE *
fopen64(const char *path, const char *mode)
{
	REAL(FILE *, fopen64, (const char *, const char *));

	if (named(path) && fault(K_OPEN))
		return NULL;
	return real_fopen64(path, mode);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, openat, (int, const char *, int, ...));

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	if (named(path) && fault(K_OPENAT))
		return -1;
	return real_openat(dfd, path, flags, m);
}

int
openat64(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, openat64, (int, const char *, int, ...));

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	if (named(path) && fault(K_OPENAT))
		return -1;
	return real_openat64(dfd, path, flags, m);
}

int
__openat_2(int dfd, const char *path, int flags)
{
	REAL(int, __openat_2, (int, const char *, int));

	if (named(path) && fault(K_OPENAT))
		return -1;
	return real___openat_2(dfd, path, flags);
}

/* --- write and stdio --------------------------------------------------- */

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));

	if (fd > 2 && fault(K_WRITE))
		return -1;
	return real_write(fd, buf, n);
}

/* The audit row is appended with pwrite at the size the commit read;
 * .lock's records are written with pwrite. */
ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t r;
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));

	if (fd > 2 && fault(K_WRITE))
		return -1;
	r = real_pwrite(fd, buf, n, off);
	if (r >= 0 && (size_t)r == n)
		note_pwrite(fd, buf, n);
	return r;
}

FILE *
fdopen(int fd, const char *mode)
{
	FILE *fp;
	REAL(FILE *, fdopen, (int, const char *));

	fp = real_fdopen(fd, mode);
	if (fp != NULL && strpbrk(mode, "wa+") != NULL && stdio_buf > 0)
		setvbuf(fp, NULL, _IOFBF, stdio_buf);
	return fp;
}

/* 1 if fp is a file stream (not the terminal, not a memory stream) with
 * data not yet handed to the kernel. */
static int
pending(FILE *fp)
{
	int fd;

	if (fp == NULL || __fwriting(fp) == 0 || __fpending(fp) == 0)
		return 0;
	fd = fileno(fp);
	return fd > 2;
}

int
fflush(FILE *fp)
{
	REAL(int, fflush, (FILE *));

	if (pending(fp) && fault(K_WRITE)) {
		int e = errno;

		__fpurge(fp);
		errno = e;
		return EOF;
	}
	return real_fflush(fp);
}

int
fclose(FILE *fp)
{
	REAL(int, fclose, (FILE *));

	if (pending(fp) && fault(K_WRITE)) {
		int e = errno;

		__fpurge(fp);
		real_fclose(fp);
		errno = e;
		return EOF;
	}
	return real_fclose(fp);
}

/* --- sync ----------------------------------------------------------------- */

int
fsync(int fd)
{
	REAL(int, fsync, (int));

	if (fault(K_FSYNC))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(int, fdatasync, (int));

	if (fault(K_FDATASYNC))
		return -1;
	return real_fdatasync(fd);
}

int
syncfs(int fd)
{
	REAL(int, syncfs, (int));

	if (fault(K_SYNCFS))
		return -1;
	return real_syncfs(fd);
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));

	if (fault(K_FTRUNCATE))
		return -1;
	return real_ftruncate(fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	REAL(int, ftruncate64, (int, off_t));

	if (fault(K_FTRUNCATE))
		return -1;
	return real_ftruncate64(fd, len);
}

/* --- names ---------------------------------------------------------------- */

int
rename(const char *from, const char *to)
{
	int r;
	REAL(int, rename, (const char *, const char *));

	if (fault(K_RENAME))
		return -1;
	r = real_rename(from, to);
	if (r == 0)
		note_rename(to);
	return r;
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	int r;
	REAL(int, renameat, (int, const char *, int, const char *));

	if (fault(K_RENAMEAT))
		return -1;
	r = real_renameat(fd1, from, fd2, to);
	if (r == 0)
		note_rename(to);
	return r;
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	int r;
	REAL(int, renameat2, (int, const char *, int, const char *,
	    unsigned int));

	if (fault(K_RENAMEAT))
		return -1;
	r = real_renameat2(fd1, from, fd2, to, flags);
	if (r == 0)
		note_rename(to);
	return r;
}

int
unlink(const char *path)
{
	REAL(int, unlink, (const char *));

	if (fault(K_UNLINK))
		return -1;
	return real_unlink(path);
}

int
unlinkat(int dfd, const char *path, int flags)
{
	REAL(int, unlinkat, (int, const char *, int));

	if (fault(K_UNLINKAT))
		return -1;
	return real_unlinkat(dfd, path, flags);
}

int
mkdir(const char *path, mode_t m)
{
	REAL(int, mkdir, (const char *, mode_t));

	if (fault(K_MKDIR))
		return -1;
	return real_mkdir(path, m);
}

int
mkdirat(int dfd, const char *path, mode_t m)
{
	REAL(int, mkdirat, (int, const char *, mode_t));

	if (fault(K_MKDIR))
		return -1;
	return real_mkdirat(dfd, path, m);
}
