/*
 * cmd.h — what every command does around its own work: the options all
 * of them take, the batch of failures, the end.
 *
 * Every binary takes -d DIR / --store DIR (store_optarg() checks it),
 * -h / --help (usage on stdout, exit 0) and --version ("NAME (roster)
 * VERSION", exit 0); an unknown option or a missing argument is usage on
 * stderr and exit 2 (RX_USAGE).  A command lists CMD_LONGOPTS at the end
 * of its own option table (before the NULL row), puts CMD_SHORTOPTS in
 * its getopt string, handles its own options in its switch and sends
 * every other character to cmd_opt() from the default case:
 *
 *	static struct cmd cmd = { "ooo-list", usage, NULL };
 *	...
 *	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
 *	    NULL)) != -1)
 *		switch (ch) {
 *		case O_FROM: ...; break;
 *		default: cmd_opt(&cmd, ch);
 *		}
 *
 * Exit codes are those of err.h; a batch (several addresses, rows or
 * files, each of which may fail on its own) prints each failure when it
 * happens and exits with the code of the FIRST failure (batch_fail() in
 * err.h holds that rule).  Source: roster(1), EXIT STATUS.
 */
#ifndef ROSTER_CMD_H
#define ROSTER_CMD_H

#include <getopt.h>
#include <time.h>

struct store;

/* The value of --version in an option table; a command's own long
 * options use values from 256 up to CMD_O_VERSION - 1. */
enum { CMD_O_VERSION = 1024 };

#define CMD_SHORTOPTS "d:h"
#define CMD_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "store", required_argument, NULL, 'd' }, \
	{ "version", no_argument, NULL, CMD_O_VERSION }

struct cmd {
	const char *name;	/* the binary's name, for --version */
	/* Print the synopsis (stdout for 0, else stderr) and exit rc. */
	void (*usage)(int rc);
	const char *store;	/* -d / --store as given, NULL: default */
};

/* Handle an option every command shares, or one getopt refused ('?',
 * ':'): -d sets c->store (a bad value: the reason, usage, exit 2); -h
 * and --version print and exit 0; anything else is usage and exit 2.
 * Returns only after -d. */
void cmd_opt(struct cmd *c, int ch);

/* --team's value as team_name() (rules.h) takes it: trimmed, kept to
 * the end of the run (a second --team replaces it).  A bad one: the
 * reason on stderr and exit 5 (RX_INVALID). */
const char *cmd_team(const char *arg);

/* A bad option value: print the recorded reason, then usage, exit 2. */
void cmd_badopt(const struct cmd *c) __attribute__((noreturn));

/* A --team or --no-team that may be given again: cmd_team()'s value
 * added to sv unless it is there. */
struct strv;
void cmd_team_add(struct strv *sv, const char *arg);

/* --at at, resolved to t: when it names a wall-clock time in a gap or a
 * fold of $TZ, say on stderr how it was read (time_wall_note()). */
void cmd_wall_note(const char *at, time_t t);

/* The end of every command: print the recorded error if rc is set and
 * not yet printed (printed: 1 when the failure was already reported, as
 * batch_fail() does), close st (NULL: none; a closed or never opened
 * store is fine), flush stdout.  Returns the exit status: rc, or
 * RX_STORE when stdout could not be written. */
int cmd_end(struct store *st, int rc, int printed);

#endif
