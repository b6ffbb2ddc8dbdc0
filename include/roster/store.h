/*
 * store.h — the store directory: where it is, its lock, and roster.ini.
 *
 * store_open() resolves the location (--store, $ROSTER_DIR, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/roster), takes the lock on
 * STORE/.lock (shared for STORE_READ, exclusive for STORE_WRITE, waiting up
 * to $ROSTER_LOCK_TIMEOUT seconds), and reads roster.ini.  A writer creates
 * the store on first use; a reader of a missing store gets RX_NOTFOUND.
 * A writer's store carries a transaction (txn.h) that its changes are
 * staged into.  Before anything else, a command under the exclusive lock
 * finishes or discards a change a crash interrupted (txn_recover()); a
 * reader that finds STORE/.journal trades its shared lock for the
 * exclusive one (same timeout) to finish it, then goes back to shared; if
 * it cannot (no write access), it fails with RX_STORE naming the journal
 * rather than read a change half made.
 * The lock is held until store_close().  Every path below the store is
 * opened relative to st->dfd, never following a symbolic link.
 */
#ifndef ROSTER_STORE_H
#define ROSTER_STORE_H

#include <stddef.h>
#include "roster/err.h"

#define STORE_VERSION 1

enum { STORE_READ = 0, STORE_WRITE = 1 };

struct role {
	char *name;
	struct strv perms;
};

struct pipeline {
	char *name;
	struct strv closed;	/* its closed stages */
};

struct store {
	char *path;		/* the store directory as resolved */
	int dfd;		/* open on path */
	int lockfd;
	int mode;		/* STORE_READ or STORE_WRITE */
	char *tz;		/* [store] timezone, default "UTC" */
	struct role *roles;
	size_t nroles;
	struct pipeline *pipes;
	size_t npipes;
	struct txn *txn;	/* a writer's change in progress (txn.h) */
};

/* Resolve the store directory: opt (from --store), else the environment.
 * Returns a malloc'd path, or NULL with the error recorded (RX_STORE). */
char *store_locate(const char *opt);

/* Open, lock and read the store; 0 or an exit code. */
int store_open(struct store *st, const char *opt, int mode);

/* Parse the text of roster.ini (len bytes, NUL-terminated) into st's
 * zone, roles and pipelines; the store is read by store_open().  0 or
 * RX_STORE with "roster.ini:LINE: reason". */
int store_ini_parse(struct store *st, const char *text, size_t len);

/* Release the lock and free everything. Safe on a zeroed or closed store. */
void store_close(struct store *st);

/* The role called name (case-sensitive), or NULL. */
const struct role *store_role(const struct store *st, const char *name);

/* The pipeline called name, or NULL. */
const struct pipeline *store_pipeline(const struct store *st, const char *name);

/* Known permission names, NULL-terminated. 1 if p is one of them. */
extern const char *const store_permissions[];
int store_permission_valid(const char *p);

/* Paid seats: 1 if seat is one of sales-starter, sales-professional,
 * service-professional. */
int seat_is_paid(const char *seat);

/* 1 if seat is a well-formed seat name: "none", or lower-case letters,
 * digits and inner hyphens. */
int seat_valid(const char *seat);

#endif
