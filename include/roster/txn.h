/*
 * txn.h — one journaled transaction per change: all of it or none of it.
 *
 * A writer's store (store_open(..., STORE_WRITE)) carries a transaction.
 * Writers stage whole new file contents (txn_put) and removals
 * (txn_remove) by their path relative to the store; nothing touches the
 * disk until txn_commit(), which also takes the rows queued by audit_add().
 * Staging a path twice keeps the last content or removal, in the place of
 * the first.  Readers of the store see the state before the transaction:
 * a command keeps what it staged in memory.
 *
 * Commit (three syncs whatever the number of files):
 *   1. write STORE/.journal.tmp: a header, audit.csv's size, "put REL" or
 *      "del REL" per file in order, the audit rows, and an end line with
 *      the length and an FNV-1a hash of everything before it;
 *   2. write each put's content to DIR/.NAME.txn beside its target;
 *   3. syncfs(), rename .journal.tmp to .journal and fsync the store
 *      directory: the commit point;
 *   4. rename every temporary over its target, unlink every "del", cut
 *      audit.csv back to the recorded size and append the rows; syncfs();
 *      unlink .journal.
 * Every step of 4 can be done again (a missing temporary was renamed
 * already), so recovery rolls a complete .journal forward; a .journal.tmp
 * is an incomplete change and is removed with the temporaries it lists,
 * by the next commit (step 1 makes .journal.tmp with O_EXCL, and on
 * EEXIST discards the old one first, saying so on stderr).
 * A failure before the commit point leaves the store as it was; one after
 * it leaves .journal for the next command to finish, and is a warning only
 * (the change is made).  SIGINT, SIGTERM and SIGHUP before the commit
 * point end the command with 128+signal and change nothing; from the
 * commit point on they wait until the change is complete.
 *
 * Generations: every commit that changes files also rewrites STORE/.generation
 * (in the same transaction), a line "PART TOKEN" per part of the store
 * (the first component of a path: "users", "records.csv", ...) with 16
 * random hex digits, new for every part the change touches.  A cache on
 * a shared file system is valid only while its part's token is the one it
 * was made from (lib/cache.h): the file is replaced by rename and read after
 * the lock is taken, so no cached attribute can hide a change.
 *
 * Errors: 0 or RX_STORE (I/O) with the message recorded.
 */
#ifndef ROSTER_TXN_H
#define ROSTER_TXN_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct store;

#define TXN_JOURNAL	".journal"
#define TXN_JOURNAL_TMP	".journal.tmp"
#define TXN_TMP_PREFIX	"."
#define TXN_TMP_SUFFIX	".txn"
#define TXN_GEN		".generation"
#define TXN_GEN_LEN	16

/* Start st's transaction and catch SIGINT, SIGTERM and SIGHUP. */
void txn_begin(struct store *st);

/* What was seen of the file name (a path relative to the store) under
 * the exclusive lock (found 0: there is none; sb unused then) as a new
 * store was opened, .generation read or txn_exists() looked, kept so
 * that the next commit does not look at it again: each look is a round
 * trip on a network file system.  Some 64 are kept, the first ones; none
 * when st has no transaction.  Forgotten at every commit.  The commit looks at every other file it replaces
 * (its kind, links, mode and group) and opens audit.csv once, for its
 * size and the rows (not at all when there are none); a missing users/,
 * removed/ or outbox/ is made when a change first writes into it. */
void txn_seen(struct store *st, const char *name, int found,
    const struct stat *sb);

/* For a writer, before it stages rel: 1 if rel exists (as anything, links
 * not followed), 0 if not (its directory missing too), through the
 * directory descriptor the commit uses and remembered as txn_seen() does,
 * so that neither a second question nor the commit looks again.  A look
 * that fails with ESTALE opens the directory again by path, once.  -1
 * (errno set) when st has no transaction or the look fails otherwise:
 * the caller asks fileio. */
int txn_exists(struct store *st, const char *rel);

/* Stage rel's new content (len bytes, copied).  0, or RX_STORE when st has
 * no transaction or rel is not a plain relative path. */
int txn_put(struct store *st, const char *rel, const char *data, size_t len);

/* Stage the removal of rel (an absent file is no error at commit). */
int txn_remove(struct store *st, const char *rel);

/* Run fn(st, arg, committed) once the transaction ends: committed 1 after
 * a commit, 0 when it is dropped (fn frees arg either way). */
void txn_after(struct store *st, void (*fn)(struct store *, void *, int),
    void *arg);

/* Make the staged change and the queued audit rows (stamped now).  With
 * nothing staged and no row, nothing is written.  The transaction is
 * empty afterwards, ready for the next change. */
int txn_commit(struct store *st, time_t now);

/* End st's transaction (dropping what is staged) and restore the signals,
 * unless a change was committed: then the handler stays to the end. */
void txn_end(struct store *st);

/* The token of area (a part of the store, "users") into tok (at least
 * TXN_GEN_LEN + 1 bytes): "-" when the store has none. */
void txn_generation(struct store *st, const char *area, char *tok);

/* Under the exclusive lock: finish (.journal) or discard (.journal.tmp) an
 * interrupted change, saying which on stderr.  tmp_too 0 looks only for
 * .journal (one fstatat): what a writer opening the store does, since its
 * commit discards a .journal.tmp (above) and one left until then harms
 * nothing (no reader opens a name that starts with a dot).  0, or RX_STORE when a journal is damaged or
 * cannot be applied. */
int txn_recover(struct store *st, int tmp_too);

/* 1 if STORE/.journal exists. */
int txn_pending(const struct store *st);

#endif
