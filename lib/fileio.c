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

int
file_create_mode(int fd, int dirfd, const struct stat *existing)
{
	struct stat dsb, sb;
	mode_t mode;
	gid_t gid;

	if (existing != NULL) {
		mode = existing->st_mode & 0777;
		gid = existing->st_gid;
	} else {
		if (fstat(dirfd, &dsb) != 0 || fstat(fd, &sb) != 0)
			return -1;
		/* A file gets the directory's read and write bits, a
		 * directory all of its bits, setgid included. */
		mode = S_ISDIR(sb.st_mode) ? dsb.st_mode & 07777 :
		    dsb.st_mode & 0666;
		gid = dsb.st_gid;
	}
	if (fstat(fd, &sb) != 0)
		return -1;
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

/* One attempt of file_read_as(); *stale set when it failed with ESTALE. */
static int
read_once(int dfd, const char *rel, const char *shown, char **data,
    size_t *len, int *stale)
{
	const char *name;
	struct stat sb;
	char *buf;
	size_t cap, n = 0;
	ssize_t r;
	int pfd, fd;

	pfd = open_parent(dfd, rel, &name);
	if (pfd < 0) {
		*stale = errno == ESTALE;
		return open_err(shown, 0);
	}
	fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	*stale = fd < 0 && errno == ESTALE;
	close(pfd);
	if (fd < 0)
		return open_err(shown, 0);
	if (fstat(fd, &sb) != 0) {
		*stale = errno == ESTALE;
		close(fd);
		return fail_errno(RX_STORE, "%s", shown);
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(RX_STORE, "%s: not a regular file", shown);
	}
	cap = (size_t)sb.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*stale = errno == ESTALE;
			free(buf);
			close(fd);
			return fail_errno(RX_STORE, "%s", shown);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

/* A network file system answers ESTALE when the file was replaced on
 * another host since its handle was looked up: the standard remedy is to
 * look the path up again, once. */
int
file_read_as(int dfd, const char *rel, const char *shown, char **data,
    size_t *len)
{
	int rc, stale = 0;

	rc = read_once(dfd, rel, shown, data, len, &stale);
	if (rc != 0 && stale)
		rc = read_once(dfd, rel, shown, data, len, &stale);
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

int
dir_ensure(int dfd, const char *rel)
{
	struct stat sb;

	if (!rel_ok(rel))
		return fail(RX_STORE, "%s: bad directory name", rel);
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
	if (fstatat(dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return fail_errno(RX_STORE, "%s", rel);
	if (S_ISLNK(sb.st_mode))
		return fail(RX_STORE, "%s: is a symbolic link; not followed", rel);
	if (!S_ISDIR(sb.st_mode))
		return fail(RX_STORE, "%s: not a directory", rel);
	return 0;
}
