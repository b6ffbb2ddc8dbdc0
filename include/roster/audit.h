/*
 * audit.h — audit.csv, the append-only log of changes.
 *
 * One row per change: time (RFC 3339 UTC), actor ($ROSTER_ACTOR, else
 * $LOGNAME, else $USER, else "uid:N"), tool (progname), action, subject,
 * detail.  The rows of a change are part of its transaction (txn.h):
 * txn_commit() takes them with audit_take() and writes them to the journal
 * and then to audit.csv, so a change that landed has its rows and a change
 * that did not has none.
 */
#ifndef ROSTER_AUDIT_H
#define ROSTER_AUDIT_H

#include <time.h>

struct store;

#include <stddef.h>

#define AUDIT_FILE	"audit.csv"
#define AUDIT_HEADER	"time,actor,tool,action,subject,detail\n"
#define AUDIT_COLUMNS	6

/* Queue a row (written by txn_commit()). */
void audit_add(const char *action, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The queued rows as CSV text stamped now (malloc'd, *len bytes; NULL
 * and 0 when none), and the queue emptied. */
char *audit_take(time_t now, size_t *len);
/* Drop queued rows (e.g. on --dry-run). */
void audit_drop(void);

#endif
