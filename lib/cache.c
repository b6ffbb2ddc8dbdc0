/* cache.c — derived files under STORE/.cache/, and their text format. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/vfs.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "roster/fileio.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/util.h"
#include "cache.h"

#define CACHE_DIR	".cache"

/* Eight bytes at a time (the index of 10,000 users is 2.6 MB, checked by
 * every listing of everyone): multiply, then fold the high bits down so
 * that a change anywhere reaches every bit of the result. */
unsigned long long
cache_hash(size_t seed, const char *p, size_t len)
{
	const unsigned long long k = 0x9E3779B97F4A7C15ULL;
	unsigned long long h = 0x6A09E667F3BCC908ULL ^ (seed * k), w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	for (; i < len; i++) {
		h = (h ^ (unsigned char)p[i]) * k;
		h ^= h >> 32;
	}
	h ^= len;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	return h;
}

#define SEAL_PRE	"seal "

void
cache_seal(struct sbuf *b)
{
	char line[40];

	snprintf(line, sizeof line, SEAL_PRE "%016llx\n",
	    cache_hash(0, b->p, b->n));
	sbuf_str(b, line);
}

int
cache_unseal(char *buf, size_t *len)
{
	const size_t sl = sizeof SEAL_PRE - 1 + 17;
	char line[40];
	size_t n = *len;

	if (n < sl || (n > sl && buf[n - sl - 1] != '\n'))
		return -1;
	snprintf(line, sizeof line, SEAL_PRE "%016llx\n",
	    cache_hash(0, buf, n - sl));
	if (memcmp(buf + n - sl, line, sl) != 0 ||
	    memchr(buf, '\0', n - sl) != NULL)
		return -1;
	*len = n - sl;
	buf[*len] = '\0';
	return 0;
}

void
fid_of(const struct stat *sb, struct fid *f)
{
	f->ino = (long long)sb->st_ino;
	f->size = (long long)sb->st_size;
	f->mtime = (long long)sb->st_mtim.tv_sec * 1000000000LL +
	    sb->st_mtim.tv_nsec;
	f->ctime = (long long)sb->st_ctim.tv_sec * 1000000000LL +
	    sb->st_ctim.tv_nsec;
}

int
fid_eq(const struct fid *a, const struct fid *b)
{
	return a->ino == b->ino && a->size == b->size &&
	    a->mtime == b->mtime && a->ctime == b->ctime;
}

/* A decimal number, optionally negative, filling s[0..len) exactly. */
int
cache_num(const char *s, size_t len, long long *v)
{
	unsigned long long x = 0;
	size_t i = 0;
	int neg = 0;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len || len - i > 19)
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (unsigned)(s[i] - '0');
	}
	if (x > 9223372036854775807ULL)
		return -1;
	*v = neg ? -(long long)x : (long long)x;
	return 0;
}

/* Remove every temporary (".NAME.RANDOM.tmp") left by a writer that died.
 * Called only under the exclusive store lock: no other command, on this
 * host or another, is writing a cache file then (cache writers hold the
 * lock, shared or exclusive), so whatever temporary is there is dead.
 * Nothing here rests on a process ID, which means nothing on another host. */
static void
sweep(int cfd)
{
	struct dirent *de;
	const char *dot;
	DIR *d;

	if ((d = fdopendir(dup(cfd))) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' &&
		    (dot = strrchr(de->d_name, '.')) != NULL && dot != de->d_name &&
		    strcmp(dot, ".tmp") == 0)
			unlinkat(cfd, de->d_name, 0);
	closedir(d);
}

unsigned long long
cache_random(void)
{
	unsigned long long r = 0;
	struct timespec ts;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	return cache_hash((size_t)ts.tv_nsec, (const char *)&ts, sizeof ts) ^
	    (unsigned long long)(uintptr_t)&ts;
}

/* File systems whose clients cache attributes or that other hosts share
 * (statfs f_type): NFS, FUSE (GlusterFS, sshfs, ...), SMB/CIFS, Ceph, AFS,
 * Coda, 9P, OCFS2, GFS2, Lustre. */
static const unsigned long shared_fs[] = {
	0x6969UL, 0x65735546UL, 0x517bUL, 0xff534d42UL, 0xfe534d42UL,
	0x00c36400UL, 0x5346414fUL, 0x6b414653UL, 0x73757245UL, 0x01021997UL,
	0x7461636fUL, 0x01161970UL, 0x0bd00bd0UL,
};

int
cache_shared(struct store *st)
{
	static int known = -1;
	const char *env = getenv("ROSTER_SHARED_FS");
	struct statfs sf;
	size_t i;

	if (env != NULL && *env != '\0')
		return strcmp(env, "0") != 0;
	if (known >= 0)
		return known;
	known = 0;
	if (fstatfs(st->dfd, &sf) != 0) {
		known = 1;	/* when in doubt, the safe way */
		return known;
	}
	for (i = 0; i < sizeof shared_fs / sizeof shared_fs[0]; i++)
		if ((unsigned long)sf.f_type == shared_fs[i])
			known = 1;
	return known;
}

void
cache_gen(struct store *st, const char *area, char gen[CACHE_GEN_SIZE])
{
	_Static_assert(CACHE_GEN_SIZE == TXN_GEN_LEN + 1, "token size");
	if (cache_shared(st))
		txn_generation(st, area, gen);
	else
		strcpy(gen, "-");
}

/* 1 if st (the .cache directory or a file in it) gives write access to
 * nobody who cannot write the store directory sb: whoever can change the
 * cache can change routing answers. */
static int
trusted(const struct stat *st, const struct stat *sb)
{
	mode_t w = st->st_mode & 0022;

	if (w & ~(sb->st_mode & 0022))
		return 0;
	return !(w & 0020) || st->st_gid == sb->st_gid;
}

/* Open .cache, making it when create is set; -1 when it is missing or
 * cannot be trusted (see trusted()), which one we own is made so.  sb: the
 * store directory's stat (one call fewer: each is a round trip on a network
 * file system). */
static int
cache_dir(struct store *st, const struct stat *sb, int create,
    struct stat *cb)
{
	int cfd;

	/* Open first: it is there nearly always, and a mkdir that fails
	 * would be one more round trip. */
	cfd = dir_open(st->dfd, CACHE_DIR);
	if (cfd < 0 && errno == ENOENT && create &&
	    mkdirat(st->dfd, CACHE_DIR, 0700) == 0) {
		if ((cfd = dir_open(st->dfd, CACHE_DIR)) < 0)
			return -1;
		if (file_create_mode(cfd, st->dfd, NULL) != 0 ||
		    fstat(cfd, cb) != 0) {
			close(cfd);
			return -1;
		}
		return cfd;
	}
	if (cfd < 0)
		return -1;
	if (fstat(cfd, cb) != 0) {
		close(cfd);
		return -1;
	}
	if (trusted(cb, sb))
		return cfd;
	if (create && cb->st_uid == geteuid() &&
	    file_create_mode(cfd, st->dfd, NULL) == 0 && fstat(cfd, cb) == 0)
		return cfd;
	close(cfd);
	return -1;
}

void
cache_write(struct store *st, const char *name, const char *buf, size_t len)
{
	static int swept;
	struct stat cb;
	char tmp[128];
	size_t i;
	ssize_t w;
	const struct stat *sb = store_dirstat(st);
	int cfd, fd;

	if (sb == NULL || (cfd = cache_dir(st, sb, 1, &cb)) < 0)
		return;
	/* Once a command is enough: the lock is held to its end. */
	if (st->mode != STORE_READ && !swept) {
		sweep(cfd);
		swept = 1;
	}
	/* 64 random bits: no other writer, on any host, makes this name at
	 * the same time (and O_EXCL makes sure). */
	snprintf(tmp, sizeof tmp, ".%s.%016llx.tmp", name, cache_random());
	fd = file_create_at(cfd, tmp, O_WRONLY | O_EXCL | O_NONBLOCK, NULL, &cb);
	if (fd >= 0) {
		for (i = 0; i < len; i += (size_t)w)
			if ((w = write(fd, buf + i, len - i)) <= 0)
				break;
		/* fsync: after a power loss a file renamed in place could
		 * read back as zero-filled blocks. */
		if (i < len || fsync(fd) != 0 || close(fd) != 0 ||
		    renameat(cfd, tmp, cfd, name) != 0)
			unlinkat(cfd, tmp, 0);
	}
	close(cfd);
}

/* Open .cache/name for reading: a regular file, as trusted as the store
 * (O_NONBLOCK: a FIFO there must not hang a reader).  -1 otherwise. */
static int
cache_open(struct store *st, const char *name, struct stat *fb)
{
	const struct stat *sb = store_dirstat(st);
	struct stat cb;
	int cfd, fd;

	if (sb == NULL || (cfd = cache_dir(st, sb, 0, &cb)) < 0)
		return -1;
	fd = file_open_stat(cfd, name, O_RDONLY, fb);
	close(cfd);
	if (fd < 0)
		return -1;
	if (!S_ISREG(fb->st_mode) ||
	    !trusted(fb, sb) || fb->st_nlink != 1 || fb->st_size <= 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
cache_read(struct store *st, const char *name, char **buf, size_t *len)
{
	struct stat fb;
	char *p;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = cache_open(st, name, &fb)) < 0)
		return -1;
	p = xmalloc((size_t)fb.st_size + 1);
	while (n < (size_t)fb.st_size) {
		r = read(fd, p + n, (size_t)fb.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n != (size_t)fb.st_size) {
		free(p);
		return -1;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
cache_map(struct store *st, const char *name, char **buf, size_t *len)
{
	struct stat sb;
	void *p;
	int fd;

	if ((fd = cache_open(st, name, &sb)) < 0)
		return -1;
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
	    fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	*buf = p;
	*len = (size_t)sb.st_size;
	return 0;
}

void
cache_unmap(char *buf, size_t len)
{
	if (buf != NULL)
		munmap(buf, len);
}
