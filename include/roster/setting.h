/*
 * setting.h — a settings file of the store (roster.ini, portal.ini) read,
 * listed, checked and edited in the manner of git config: what
 * store-config(1) and portal-config(1) share.
 *
 * A command names its file and its own parts in a struct setting_cmd and
 * hands its parsed options to setting_run(), which opens the store (a
 * write only for an edit, created only by the modes in creates; a dry run
 * on a store not made yet reads an empty one), then edits (write) or
 * loads the file and lists, gets or checks it.  A missing file reads as
 * the text in missing.  The listing's table form is "key = value", with
 * " (default)" after a value the file does not hold: what a human pastes
 * back into a command; the other formats are out.h's, with the columns
 * key, value, default.  --check prints every finding on stderr as
 * "FILE:LINE: finding" ("FILE: finding" without a line) and exits 3 when a
 * rule is broken, else with the first finding's code (5).  Everything
 * shown is escaped (esc_str()).  Errors: those of store_open(), ini_load()
 * and the command's parts, as exit codes of err.h.  Source:
 * store-config(1), portal-config(1).
 */
#ifndef ROSTER_SETTING_H
#define ROSTER_SETTING_H

#include <getopt.h>
#include <time.h>

struct inidoc;
struct issues;
struct out;
struct store;

/* The modes every such command has; its own ones follow SET_OWN. */
enum { SET_LIST, SET_GET, SET_SET, SET_UNSET, SET_CHECK, SET_OWN };

struct setting_args {
	const char *store;	/* -d / --store, NULL: the default */
	const char *arg;	/* the key, or the argument of the mode */
	const char *value;	/* SET_SET: the new value */
	int mode, nmodes;	/* the mode; how many were given */
	int fmt, header, fmtset; /* --format, --no-header; one was given */
	int dry_run;		/* --dry-run */
	long position;		/* portal-config --position (0: none) */
};

struct setting_cmd {
	const char *file;	/* below the store */
	const char *missing;	/* the text of a file that is not there */
	int raw;		/* a file that does not read is opened anyway:
				 * the command repairs it (store_open_raw()) */
	unsigned creates;	/* 1u << mode: the modes that may create the
				 * store (the first data it gets) */
	int (*list)(const struct store *, const struct inidoc *,
	    const struct setting_args *);
	int (*get)(const struct store *, const struct inidoc *, const char *);
	void (*check)(const struct store *, const struct inidoc *,
	    struct issues *);
	/* Every mode but list, get and check; it loads the file itself. */
	int (*write)(struct store *, const struct setting_args *);
};

/*
 * The options every such command takes: --check, --dry-run, --format,
 * --no-header, --unset KEY.  A command lists SETTING_LONGOPTS in its
 * option table (its own options take values from 256 up to
 * SET_O_UNSET - 1) and sends every option it does not handle itself to
 * setting_opt(), which passes the rest on to cmd_opt().
 */
enum { SET_O_UNSET = 512, SET_O_CHECK, SET_O_DRY, SET_O_FORMAT,
	SET_O_NOHEADER };
#define SETTING_LONGOPTS \
	{ "check", no_argument, NULL, SET_O_CHECK }, \
	{ "dry-run", no_argument, NULL, SET_O_DRY }, \
	{ "format", required_argument, NULL, SET_O_FORMAT }, \
	{ "no-header", no_argument, NULL, SET_O_NOHEADER }, \
	{ "unset", required_argument, NULL, SET_O_UNSET }

struct cmd;
void setting_opt(struct setting_args *a, struct cmd *c, int ch);

/* Record one mode (and its argument) given as an option. */
void setting_mode(struct setting_args *a, int mode, const char *arg);

/* The operands left after the options (KEY: get, KEY VALUE: set) into
 * a; -1 if they and the options do not fit together. */
int setting_operands(struct setting_args *a, int argc, char **argv);

/* Run the mode of a; the exit status, with its error printed. */
int setting_run(const struct setting_cmd *c, const struct setting_args *a);

/* Read file of st into d (not there, or no store yet: missing). */
int setting_load(const struct store *st, const char *file,
    const char *missing, struct inidoc *d);

/* One row of a listing; def: the value is a default. */
void setting_row(struct out *o, const char *name, const char *val, int def);

/* The end of a listing begun with out_init(): 0 or an exit code. */
int setting_list_end(struct out *o);

/* Print every issue of file as above; the exit code. */
int setting_report(const char *file, const struct issues *is);

/* Install d as file (the change to name, val NULL for an unset, goes to
 * the audit log) and commit at now. */
int setting_save(struct store *st, const char *file, const struct inidoc *d,
    const char *name, const char *val, time_t now);

#endif
