/* fileio.c — safe opens below the store, atomic replacement. */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/util.h"

/* 1 if every component of rel is a plain name: no "", ".", ".." and no
 * leading "/". */
static int
rel_ok(const char *rel)
{
	const char *p = rel, *e;
	size_t n;

	if (*rel == '/' || *rel == '\0')
		return 0;
	while (*p) {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

int
dir_open(int dfd, const char *rel)
{
	const char *p, *e;
	int fd, next;
	char part[256];
	size_t n;

	if (!rel_ok(rel)) {
		errno = EINVAL;
		return -1;
	}
	fd = dup(dfd);
	if (fd < 0)
		return -1;
	for (p = rel; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof part) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = openat(fd, part,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0)
			return -1;
		fd = next;
	}
	return fd;
}

/* Split rel into its directory (malloc'd, "" for none) and last name. */
static char *
split_rel(const char *rel, const char **name)
{
	const char *s = strrchr(rel, '/');

	if (s == NULL) {
		*name = rel;
		return xstrdup("");
	}
	*name = s + 1;
	return xstrndup(rel, (size_t)(s - rel));
}

/* Open the directory part of rel; the name is left in *name. */
static int
open_parent(int dfd, const char *rel, const char **name)
{
	char *dir;
	int fd;

	if (!rel_ok(rel)) {
		errno = EINVAL;
		return -1;
	}
	dir = split_rel(rel, name);
	fd = *dir ? dir_open(dfd, dir) : dup(dfd);
	free(dir);
	return fd;
}

static int
open_err(const char *rel, int forwrite)
{
	if (errno == ELOOP || errno == EMLINK)
		return fail(RX_STORE, "%s: is a symbolic link; not followed", rel);
	if (errno == ENOENT && !forwrite)
		return fail(RX_NOTFOUND, "%s: no such file", rel);
	return fail_errno(RX_STORE, "%s", rel);
}

/* The mode and group a new file (dir 0) or directory (dir 1) takes:
 * existing's when it replaces that file, else the directory dsb's (a file
 * gets its read and write bits, a directory all of its bits, setgid
 * included). */
static void
wanted_mode(int dir, const struct stat *existing, const struct stat *dsb,
    mode_t *mode, gid_t *gid)
{
	if (existing != NULL) {
		*mode = existing->st_mode & 0777;
		*gid = existing->st_gid;
	} else {
		*mode = dir ? dsb->st_mode & 07777 : dsb->st_mode & 0666;
		*gid = dsb->st_gid;
	}
}

/* Give fd (whose stat is sb) mode and gid; a call only for what differs:
 * on a network file system each is a round trip. */
static int
set_mode(int fd, const struct stat *sb, mode_t mode, gid_t gid,
    int replaces)
{
	if ((sb->st_mode & 07777) != mode && fchmod(fd, mode) != 0)
		return -1;
	if (sb->st_gid != gid && fchown(fd, (uid_t)-1, gid) != 0) {
		/* A new file simply keeps the group the system gave it
		 * (the directory's when it is setgid); a replacement that
		 * cannot keep its group would lock the others out. */
		if (replaces)
			return -1;
	}
	return 0;
}

int
file_create_mode(int fd, int dirfd, const struct stat *existing)
{
	struct stat dsb, sb;
	mode_t mode;
	gid_t gid;

	/* One fstat of each: on a network file system each is a round
	 * trip. */
	if (fstat(fd, &sb) != 0)
		return -1;
	if (existing == NULL && fstat(dirfd, &dsb) != 0)
		return -1;
	wanted_mode(S_ISDIR(sb.st_mode), existing, &dsb, &mode, &gid);
	/* Set explicitly: each admin's umask does not matter. */
	if (fchmod(fd, mode) != 0)
		return -1;
	if (sb.st_gid != gid && fchown(fd, (uid_t)-1, gid) != 0) {
		/* A new file simply keeps the group the system gave it
		 * (the directory's when it is setgid); a replacement that
		 * cannot keep its group would lock the others out. */
		if (existing != NULL)
			return -1;
	}
	return 0;
}

int
file_create_at(int dirfd, const char *name, int flags,
    const struct stat *existing, const struct stat *dsb)
{
	struct stat own, sb;
	mode_t mode, mask;
	gid_t gid;
	int fd;

	if (existing == NULL && dsb == NULL) {
		if (fstat(dirfd, &own) != 0)
			return -1;
		dsb = &own;
	}
	wanted_mode(0, existing, dsb, &mode, &gid);
	/* Made with its mode at once (the umask cleared for the one call),
	 * so that the fchmod is needed only where a default ACL or an old
	 * file of the name gave it another. */
	mask = umask(0);
	fd = openat(dirfd, name, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	umask(mask);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || set_mode(fd, &sb, mode, gid,
	    existing != NULL) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
file_links_ok(const struct stat *sb, const char *shown)
{
	if (sb->st_nlink > 1)
		return fail(RX_STORE, "%s: has %ju hard links; not written "
		    "(make it a file of its own)", shown,
		    (uintmax_t)sb->st_nlink);
	return 0;
}

int
file_read(int dfd, const char *rel, char **data, size_t *len)
{
	return file_read_as(dfd, rel, rel, data, len);
}

/* One open of rel below dfd (its last component not followed,
 * O_NONBLOCK) and its fstat: the descriptor, or -1 with errno set. */
static int
open_stat_once(int dfd, const char *rel, int flags, struct stat *sb)
{
	const char *name;
	int pfd, fd, e;

	pfd = open_parent(dfd, rel, &name);
	if (pfd < 0)
		return -1;
	fd = openat(pfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	e = errno;
	close(pfd);
	if (fd >= 0 && fstat(fd, sb) != 0) {
		e = errno;
		close(fd);
		fd = -1;
	}
	errno = e;
	return fd;
}

/* A network file system answers ESTALE when the file was replaced on
 * another host since its handle was looked up: the standard remedy is to
 * look the path up again, once.  Every open by path of a store file for
 * reading or appending comes here. */
int
file_open_stat(int dfd, const char *rel, int flags, struct stat *sb)
{
	int fd;

	fd = open_stat_once(dfd, rel, flags, sb);
	if (fd < 0 && errno == ESTALE)
		fd = open_stat_once(dfd, rel, flags, sb);
	return fd;
}

/* Read all of fd into a NUL-terminated malloc'd buffer: 0, or -1 with
 * errno set.  hint is the size fstat gave just after the open; once that
 * many bytes are in, the read stops there (store files are replaced by
 * rename, not changed in place, and audit.csv grows only under the
 * exclusive lock), saving the read that finds the end, a round trip on a
 * network file system.  A file that shrank is read to its end. */
static int
read_all(int fd, size_t hint, char **data, size_t *len)
{
	size_t cap = hint + 1, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (hint > 0 && n == hint)
			break;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* The stats of the last few files read directly below a directory, by
 * the descriptor it was read through: a writer under the exclusive lock
 * need not look again at a file it read before it replaces it (a round
 * trip on a network file system).  Forgotten by file_seen_forget(). */
static struct {
	int dfd;
	char name[16];
	struct stat sb;
} seen[8];
static size_t nseen;

static void
seen_add(int dfd, const char *rel, const struct stat *sb)
{
	if (strchr(rel, '/') != NULL || strlen(rel) >= sizeof seen[0].name ||
	    nseen == sizeof seen / sizeof seen[0])
		return;
	seen[nseen].dfd = dfd;
	strcpy(seen[nseen].name, rel);
	seen[nseen].sb = *sb;
	nseen++;
}

int
file_seen(int dfd, const char *name, struct stat *sb)
{
	size_t i;

	/* The last read counts: one file may be read more than once. */
	for (i = nseen; i-- > 0;)
		if (seen[i].dfd == dfd && strcmp(seen[i].name, name) == 0) {
			*sb = seen[i].sb;
			return 0;
		}
	return -1;
}

void
file_seen_forget(void)
{
	nseen = 0;
}

/* One attempt of file_read_as(); *stale set when it failed with ESTALE. */
static int
read_once(int dfd, const char *rel, const char *shown, char **data,
    size_t *len, int *stale, struct stat *sbp)
{
	struct stat own, *sb = sbp ? sbp : &own;
	size_t n = 0;
	int fd, rc;

	fd = open_stat_once(dfd, rel, O_RDONLY, sb);
	*stale = fd < 0 && errno == ESTALE;
	if (fd < 0)
		return open_err(shown, 0);
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		return fail(RX_STORE, "%s: not a regular file", shown);
	}
	rc = read_all(fd, (size_t)sb->st_size, data, &n);
	*stale = rc != 0 && errno == ESTALE;
	if (rc != 0)
		rc = fail_errno(RX_STORE, "%s", shown);
	else
		seen_add(dfd, rel, sb);
	close(fd);
	if (rc == 0 && len)
		*len = n;
	return rc;
}

/* The whole read is done again on ESTALE: the descriptor of a replaced
 * file may fail at read as well as at open. */
int
file_read_as(int dfd, const char *rel, const char *shown, char **data,
    size_t *len)
{
	return file_read_stat(dfd, rel, shown, data, len, NULL);
}

int
file_read_stat(int dfd, const char *rel, const char *shown, char **data,
    size_t *len, struct stat *sb)
{
	int rc, stale = 0;

	rc = read_once(dfd, rel, shown, data, len, &stale, sb);
	if (rc != 0 && stale)
		rc = read_once(dfd, rel, shown, data, len, &stale, sb);
	return rc;
}

int
file_input(const char *path, size_t max, char **data, size_t *len)
{
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char buf[65536];
	size_t n;
	FILE *fp;
	int rc = 0;

	*data = NULL;
	*len = 0;
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL)
		return fail_errno(errno == ENOENT || errno == ENOTDIR ?
		    RX_NOTFOUND : RX_STORE, "%s", path);
	while ((max == 0 || *len <= max) &&
	    (n = fread(buf, 1, sizeof buf, fp)) > 0) {
		*data = xrealloc(*data, *len + n + 1);
		memcpy(*data + *len, buf, n);
		*len += n;
	}
	if (ferror(fp))
		rc = fail_errno(RX_STORE, "%s", shown);
	else if (max > 0 && *len > max)
		rc = fail(RX_INVALID, "%s: larger than %zu bytes", shown, max);
	if (fp != stdin)
		fclose(fp);
	if (rc == 0 && *data == NULL)
		*data = xstrdup("");
	if (rc != 0) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	return rc;
}

int
file_exists(int dfd, const char *rel)
{
	const char *name;
	struct stat sb;
	int pfd, r;

	pfd = open_parent(dfd, rel, &name);
	if (pfd < 0)
		return 0;
	r = fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW);
	close(pfd);
	return r == 0;
}

int
file_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
file_parent(int dfd, const char *rel, const char **name)
{
	return open_parent(dfd, rel, name);
}

int
file_rel_ok(const char *rel)
{
	return rel_ok(rel);
}

static int
dir_kind_ok(const struct stat *sb, const char *rel)
{
	if (S_ISLNK(sb->st_mode))
		return fail(RX_STORE, "%s: is a symbolic link; not followed", rel);
	if (!S_ISDIR(sb->st_mode))
		return fail(RX_STORE, "%s: not a directory", rel);
	return 0;
}

int
dir_ensure(int dfd, const char *rel)
{
	struct stat sb;

	if (!rel_ok(rel))
		return fail(RX_STORE, "%s: bad directory name", rel);
	/* Looked at first: a directory is nearly always there, and a
	 * failed mkdir followed by a stat is two round trips on a network
	 * file system. */
	if (fstatat(dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return dir_kind_ok(&sb, rel);
	if (errno != ENOENT)
		return fail_errno(RX_STORE, "%s", rel);
	if (mkdirat(dfd, rel, 0700) == 0) {
		int fd = dir_open(dfd, rel);
		if (fd < 0 || file_create_mode(fd, dfd, NULL) != 0) {
			int rc = fail_errno(RX_STORE, "%s", rel);
			if (fd >= 0)
				close(fd);
			return rc;
		}
		close(fd);
		fsync(dfd);
		return 0;
	}
	if (errno != EEXIST)
		return fail_errno(RX_STORE, "%s", rel);
	/* Made meanwhile by another command. */
	if (fstatat(dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return fail_errno(RX_STORE, "%s", rel);
	return dir_kind_ok(&sb, rel);
}
