/*
 * audit.h — audit.csv, the append-only log of changes.
 *
 * One row per change: time (RFC 3339 UTC), actor ($ROSTER_ACTOR, else
 * $LOGNAME, else $USER, else "uid:N"), tool (progname), action, subject,
 * detail.  Written with O_APPEND under the store's exclusive lock and
 * fsync'd.  Several rows of one command go out in one write.
 */
#ifndef ROSTER_AUDIT_H
#define ROSTER_AUDIT_H

#include <time.h>

struct store;

/* Queue a row (written by audit_flush()). */
void audit_add(const char *action, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append the queued rows to STORE/audit.csv. 0 or RX_STORE. */
int audit_flush(struct store *st, time_t now);
/* Drop queued rows (e.g. on --dry-run). */
void audit_drop(void);

#endif
