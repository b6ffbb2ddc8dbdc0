/*
 * lock.h — the store lock: a POSIX fcntl record lock on STORE/.lock.
 *
 * Shared for readers, exclusive for writers, held for a whole command.
 * fcntl locks are per process and work on NFSv4.  lock_take() waits up to
 * timeout seconds (0: do not wait) and returns RX_BUSY when it runs out,
 * with ".lock: store busy: locked by process PID (waited N s)": the
 * holder's PID from F_GETLK, or "another process" when it gives none.
 * A missing lock file is made with the directory's mode and group
 * (file_create_mode()); one that is not a regular file is RX_STORE.  A
 * reader that cannot open it for writing opens it read-only; one that may
 * not read it gets RX_STORE, "store not readable" (its record says whether
 * a change is half made: txn.h); only where it is missing and cannot be
 * made does a reader read unlocked (*fdp == -1).  A writer that cannot
 * open it gets RX_STORE, "store not writable".  An open that fails with
 * ESTALE (replaced on another host) is done again once.
 */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

/* Open (creating if needed) name below dfd and lock it.  On success *fdp
 * holds the descriptor; close it to release.  exclusive: 1 for a writer. */
int lock_take(int dfd, const char *name, int exclusive, double timeout,
    const char *shown, int *fdp);

/* The shortest wait: a smaller positive timeout is rounded up to it. */
#define LOCK_MIN_WAIT 0.001

/* The wait from $ROSTER_LOCK_TIMEOUT into *out: seconds, a decimal number
 * from 0 to 86400, default 10 (unset or empty).  0, or RX_INVALID naming
 * the variable when it is anything else ("nan", "abc", "-1", "1e9"). */
int lock_timeout(double *out);

#endif
