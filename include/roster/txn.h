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
 * The record in STORE/.lock.  The lock file carries what the store needs
 * between commands: a record, "roster-lock 1", the store's generation
 * (below) and, while a change is made, the change; an end line with the
 * record's length and an FNV-1a hash of everything before it.  Every
 * command reads it once (one pread on the descriptor it holds the lock
 * by: no other file is opened for it) and only a writer under the
 * exclusive lock writes it.
 *
 * Commit (four syncs whatever the number of files; three with no new
 * content, only removals and audit rows):
 *   1. when the change writes files: .lock gets the record of the change
 *      prepared ("change prepare": tool, time, "put REL" or "del REL" per
 *      file in order), then each put's content goes to DIR/.NAME.txn
 *      beside its target (on a shared file system each fdatasync'd), and
 *      syncfs();
 *   2. .lock gets the record of the change committed ("change commit":
 *      the same lines, the new generation, audit.csv's size and the audit
 *      rows), fdatasync'd: the commit point;
 *   3. every temporary is renamed over its target, every "del" unlinked,
 *      audit.csv cut back to the recorded size and the rows appended;
 *      syncfs() (and audit.csv fdatasync'd on a shared file system);
 *   4. .lock gets the record of the store at rest with the new
 *      generation, cut to it and fdatasync'd, so that no older record can
 *      come back after a crash.
 * Every step of 3 can be done again (a missing temporary was renamed
 * already), so recovery rolls a committed record forward; a prepared or
 * torn record (the machine stopped while it was written) is a change that
 * never reached its commit point: its temporaries are removed.  A store
 * whose .lock is empty (new, or written by roster before the record) is
 * looked at for .journal and .journal.tmp, the journal files of that
 * time, and finished or discarded the same way.
 * A failure before the commit point leaves the store as it was; one after
 * it leaves the committed record for the next command to finish, and is a
 * warning only (the change is made).  SIGINT, SIGTERM and SIGHUP before
 * the commit point end the command with 128+signal and change nothing;
 * from the commit point on they wait until the change is complete.
 *
 * Generations: a record carries an epoch and a line "gen PART TOKEN" per
 * part of the store (the first component of a path: "users",
 * "records.csv", ...) with 16 random hex digits, new for every part a
 * change touches.  A cache on a shared file system is valid only while its
 * part's token is the one it was made from (lib/cache.h): the record is
 * read under the lock, with this host's cached pages of .lock dropped
 * first, so no cached attribute or page can hide a change.  A part with
 * no line has the epoch's token; a torn record's generation is not known
 * (every token is new until the next commit starts a new epoch).  A
 * .generation file (the tokens before the record) is read while .lock is
 * empty and removed by the first commit.
 *
 * Errors: 0 or RX_STORE (I/O) with the message recorded.
 */
#ifndef ROSTER_TXN_H
#define ROSTER_TXN_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct store;

#define TXN_LOCK	".lock"
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
 * store was opened, .generation (of an older store) read or txn_exists()
 * looked, kept so that the next commit does not look at it again: each
 * look is a round trip on a network file system.  Some 64 are kept, the
 * first ones; none when st has no transaction.  Forgotten at every
 * commit.  The commit looks at every other file it replaces (its kind,
 * links, mode and group) and opens audit.csv once, for its size and the
 * rows (not at all when there are none); a missing users/, removed/ or
 * outbox/ is made when a change first writes into it. */
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

/* Under the exclusive lock: read .lock and finish a committed change or
 * discard one that never reached its commit point, saying which on
 * stderr (in a store whose .lock is empty, the same for .journal and
 * .journal.tmp).  0, or RX_STORE when .lock cannot be read, a legacy
 * journal is damaged, or a change cannot be applied. */
int txn_recover(struct store *st);

/* 1 if a committed change waits to be applied (read once per lock
 * taken); txn_pending_file() names the file that holds it (".lock", or
 * ".journal" in a store written before the record).  -1, with the
 * message recorded, when .lock holds a whole record with a line this
 * roster does not understand (made by hand, or by a newer roster):
 * nothing may be read or written then. */
int txn_pending(struct store *st);
const char *txn_pending_file(void);

#endif
