/*
 * check.h — status --check: read and validate every file of the store.
 *
 * store_check() opens the store for reading (the shared lock is held while
 * it reads) and reads every file, in this order: roster.ini, portal.ini,
 * users/ and removed/ (each by file name), records.csv, rotation.csv,
 * audit.csv.  Each problem is appended to probs as "FILE:LINE: message"
 * ("FILE: message" where no line applies), and the check goes on, so that
 * one run lists them all (a file's findings in the order of their lines,
 * one with none first; the files in the order they were first named);
 * only a store of a newer format version is not read past roster.ini.
 *
 * Beyond each file's syntax (the same parsers the tools use, so a file the
 * tools refuse is reported with their message, once), it checks: roster.ini
 * by storecfg_check() (storecfg.h, what store-config --check finds), user file
 * names against their email: keys, time zones and roles that exist,
 * out-of-office periods that end after they start, contact roles, seats,
 * permissions and team names by the rules of rules.h, none of those lists
 * holding a value twice (user_list_repeats()), archives with
 * none of the removal blockers a file can show (a paid seat, a contact
 * role); records.csv rows of
 * four fields, one row per record, a record type and state from their sets,
 * owners that are active or removed users
 * (an empty owner is unassigned, which is fine); rotation.csv rows
 * pool,last,updated, one per pool, whose last is a user; audit.csv rows of
 * six fields starting with a time, and a last row not torn (it ends with
 * a newline); portal.ini's rules (portal.h).  And what only a change cut
 * in half could leave (txn.h): a user in removed/ whose removed_at is
 * later than the created of the same address in users/ (active and
 * removed at once), more than one primary contact, and a .journal that
 * could not be finished (reported first; the files are then checked as
 * they are, before it).
 *
 * Warnings, after the problems, as "warning: FILE:LINE: message": what
 * is probably a mistake but breaks no rule (a top-level key one edit from
 * a known one, a team member without working hours where others have
 * them, a store with users and no super admin).  They do not fail the
 * check.
 *
 * Returns 0 if the store is clean (warnings or not), RX_STORE if probs
 * holds problems, or
 * the code of a failure that kept the check from reading the store at all
 * (RX_NOTFOUND no store, RX_BUSY, RX_STORE not a directory...), with the
 * message recorded and probs left empty.
 */
#ifndef ROSTER_CHECK_H
#define ROSTER_CHECK_H

struct strv;

int store_check(const char *opt, struct strv *probs);

struct store;

/* store_check()'s checks on a store the caller has open (and locked),
 * with a roster.ini that reads: for a command that holds the exclusive
 * lock (a second lock from the same process would replace it). */
int store_check_open(struct store *st, struct strv *probs);

/* The checks store_check() makes of one file, as if rel held text (len
 * bytes): rel is roster.ini, portal.ini, records.csv, rotation.csv or
 * users/NAME.yaml; the other files are read from st as they are (a
 * user file that makes a second primary contact is a problem).  0 if
 * clean (probs may hold warnings), else RX_STORE with the problems. */
int check_file(struct store *st, const char *rel, const char *text,
    size_t len, struct strv *probs);

/* The store path of a file check_file() knows, from arg: that path, or
 * an address for its file in users/ (*rel malloc'd).  0 or RX_USAGE. */
int check_editable(const char *arg, char **rel);

#endif
