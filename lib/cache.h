/*
 * cache.h — derived files under STORE/.cache/.
 *
 * A cache file holds what a command could work out from the store's own
 * files, with the identity of those files when it was made; it is used
 * only while that identity holds, and made again otherwise.  It is never
 * the source of truth: deleting .cache/ is always safe.  Cache files are
 * written through a temporary with a random name (".NAME.HEX.tmp", made
 * with O_EXCL), fsync'd and renamed into place, so that writers on two
 * hosts at once cannot hurt each other; temporaries that a writer left
 * are swept only under the exclusive store lock, when no cache writer can
 * be running (nothing rests on a process ID, which means nothing on
 * another host).  Failing to write one (a read-only store) is no error.
 *
 * On a shared file system (cache_shared()) a file's attributes may come
 * from the client's cache, so identity by stat alone can say "unchanged"
 * of a file another host replaced: there a cache file is used only while
 * the generation of its part of the store (txn_generation()) is the one
 * it was made from.
 *
 * A cache file is untrusted input: it carries seals (cache_hash() of its
 * text), every field is checked, and on any doubt it is made again; it
 * must be a regular file with one link, and neither it nor .cache/ may be
 * writable by anyone who cannot write the store directory (else it is
 * ignored).  .cache/ and its files take their mode and group from the
 * store directory (file_create_mode()).  A FIFO or device in a cache
 * file's place is ignored, never waited on.
 */
#ifndef LIB_CACHE_H
#define LIB_CACHE_H

#include <stddef.h>
#include <sys/stat.h>

#include "sbuf.h"

struct store;

/* What says that a file is the one that was read. */
struct fid {
	long long ino, size, mtime, ctime;
};

void fid_of(const struct stat *sb, struct fid *f);
int fid_eq(const struct fid *a, const struct fid *b);

/* A 64-bit hash of p[0..len), seeded with seed (an offset, or 0): not a
 * defence against forgery, only against damage. */
unsigned long long cache_hash(size_t seed, const char *p, size_t len);
/* End b with a line "seal HEX" over all that precedes it. */
void cache_seal(struct sbuf *b);
/* Check and drop that line: 0 with *len shortened and buf NUL-terminated
 * there, or -1 (a missing or wrong seal, or a NUL byte in the text). */
int cache_unseal(char *buf, size_t *len);

/* A decimal number filling s[0..len) exactly: 0, or -1. */
int cache_num(const char *s, size_t len, long long *v);

/* 64 random bits (getrandom(), else the clock). */
unsigned long long cache_random(void);

/* 1 if the store is on a network or FUSE file system (statfs f_type:
 * NFS, FUSE, SMB/CIFS, Ceph, AFS, Coda, 9P, OCFS2, GFS2, Lustre), or if
 * statfs fails; $ROSTER_SHARED_FS set and not empty overrides it ("0":
 * local, anything else: shared). */
int cache_shared(struct store *st);

/* The generation of area (a part of the store: "users", "records.csv")
 * into gen: its token (txn_generation()) on a shared file system, where a
 * cache file must carry it and match it to be used; "-" elsewhere (not
 * read: the stat identity is enough there). */
#define CACHE_GEN_SIZE	17
void cache_gen(struct store *st, const char *area, char gen[CACHE_GEN_SIZE]);

/* Read .cache/name (NUL-terminated); 0 or -1 (missing, unreadable, not
 * to be trusted). */
int cache_read(struct store *st, const char *name, char **buf, size_t *len);
/* Map .cache/name read-only: 0, or -1 when missing, empty, not a
 * regular file or not to be trusted.  The map is
 * not NUL-terminated.  Cache files are only ever replaced by rename, so
 * the mapped file does not change underneath. */
int cache_map(struct store *st, const char *name, char **buf, size_t *len);
void cache_unmap(char *buf, size_t len);
/* Replace .cache/name with buf, best effort. */
void cache_write(struct store *st, const char *name, const char *buf,
    size_t len);

#endif
