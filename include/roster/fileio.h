/*
 * fileio.h — safe file access below the store.
 *
 * Paths are relative to a directory descriptor and never follow a symbolic
 * link (O_NOFOLLOW on the last component, and each directory component is
 * opened with O_NOFOLLOW too); a name with "/.." or a leading "/" is refused.
 * Files are opened with O_NONBLOCK and must be regular files (a FIFO or a
 * device in a store file's place is RX_STORE naming it, never a hang); a
 * file with more than one hard link is never written (RX_STORE).
 * Readers ignore names that start with ".".
 *
 * The store's data files are not written here: every change is staged in
 * the store's transaction (txn.h), which writes them all at once.  What is
 * below serves the readers, the transaction itself (file_parent,
 * file_rel_ok, file_create_mode, file_write_all) and the derived cache.
 */
#ifndef ROSTER_FILEIO_H
#define ROSTER_FILEIO_H

#include <stdio.h>
#include <stddef.h>
#include <sys/stat.h>

/* Read the whole of rel into a NUL-terminated malloc'd buffer.
 * 0, RX_NOTFOUND (no such file: nothing recorded unless shown != NULL),
 * or RX_STORE (symlink, not a regular file, I/O error).  An open or read
 * that fails with ESTALE (a network file system: the file was replaced on
 * another host) is done again once from the path. */
int file_read(int dfd, const char *rel, char **data, size_t *len);
/* The same, naming the file shown in messages (rel is relative to dfd,
 * which may be a subdirectory of the store). */
int file_read_as(int dfd, const char *rel, const char *shown, char **data,
    size_t *len);
/* The same, with the stat of the file read in *sb (sb may be NULL): a
 * writer that replaces it later need not look at it again. */
int file_read_stat(int dfd, const char *rel, const char *shown, char **data,
    size_t *len, struct stat *sb);

/* The stat a read above gave of the file name read directly below dfd (a
 * name without "/"), the last read of it: 0, or -1 when none is kept (a
 * few are).  Only for a writer under the exclusive lock, before it
 * changes anything: file_seen_forget() forgets them all, and every
 * commit, recovery and store_close() calls it. */
int file_seen(int dfd, const char *name, struct stat *sb);
void file_seen_forget(void);

/* An input file named on the command line (not a store file): path
 * ("-": standard input, shown as "<stdin>" in messages) read whole into
 * a NUL-terminated malloc'd *data of *len bytes.  0; RX_NOTFOUND (no
 * such file); RX_STORE (any other open or read error, with strerror);
 * RX_INVALID ("SHOWN: larger than MAX bytes") when max > 0 and the
 * input is longer, reading no more than a little past max. */
int file_input(const char *path, size_t max, char **data, size_t *len);

/* Open rel below dfd (flags: O_RDONLY, O_WRONLY or O_RDWR, with O_APPEND
 * if wanted; its last component not followed, O_NONBLOCK, O_CLOEXEC) and
 * fstat it into *sb.  An open or fstat that fails with ESTALE is done
 * again once from the path, as file_read does.  Every open by path of an
 * existing store file for reading or appending goes through here.  The
 * descriptor (the caller checks the file's type), or -1 with errno set. */
int file_open_stat(int dfd, const char *rel, int flags, struct stat *sb);

/* 1 if rel exists (as anything, links not followed), 0 if not. */
int file_exists(int dfd, const char *rel);

/* Modes and groups.  Give fd, just made in the directory dirfd, its mode
 * and group: when it replaces the file existing (a struct stat of it),
 * that file's permission bits and group, else the directory's (a file
 * gets its read and write bits, a directory all its bits, setgid
 * included) and its group when the system allows.  The mode is set with
 * fchmod, so the umask plays no part.  0, or -1 with errno set (then the
 * caller refuses: a replacement that cannot keep its group would lock the
 * others of a shared store out).  Every writer that makes a file or a
 * directory below the store calls this, staged temporaries included. */
int file_create_mode(int fd, int dirfd, const struct stat *existing);

/* Open (flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC) name in dirfd with the
 * mode and group file_create_mode() gives, made with that mode at once:
 * one fstat to see what the system gave it, and fchmod or fchown only
 * when that differs (each a round trip on a network file system).  dsb:
 * the directory's stat when the caller has it (NULL: fstat'd when
 * existing is NULL).  The descriptor, or -1 with errno set. */
int file_create_at(int dirfd, const char *name, int flags,
    const struct stat *existing, const struct stat *dsb);

/* Refuse to write through a second hard link (the other name may be
 * outside the store): 0, or RX_STORE naming shown when sb has more than
 * one link. */
int file_links_ok(const struct stat *sb, const char *shown);

/* Write all n bytes of p to fd (retrying short writes and EINTR): 0, or
 * -1 with errno set. */
int file_write_all(int fd, const char *p, size_t n);

/* Make directory rel below dfd if missing (one level). */
int dir_ensure(int dfd, const char *rel);

/* Open the directory that holds rel (checked as above, its last
 * component not followed) and point *name at rel's last component; -1 on
 * error with errno set. */
int file_parent(int dfd, const char *rel, const char **name);

/* 1 if rel is a plain relative path: no "", ".", ".." component and no
 * leading "/". */
int file_rel_ok(const char *rel);

/* Open directory rel below dfd (O_DIRECTORY|O_NOFOLLOW); -1 on error with
 * errno set. */
int dir_open(int dfd, const char *rel);

#endif
