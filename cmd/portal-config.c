/* portal-config — every customer-portal setting and rule, edited like git
 * config. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/inied.h"
#include "roster/out.h"
#include "roster/portal.h"
#include "roster/setting.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: portal-config [--no-header] [-d dir] [--format fmt]\n"
	    "       portal-config [-d dir] key\n"
	    "       portal-config [--dry-run] [-d dir] key value\n"
	    "       portal-config [--dry-run] [-d dir] --unset key\n"
	    "       portal-config [--dry-run] [-d dir] [--position n] "
	    "--add-column prop\n"
	    "       portal-config [--dry-run] [-d dir] --remove-column prop\n"
	    "       portal-config [--dry-run] [-d dir] --reset-columns\n"
	    "       portal-config [-d dir] --check\n");
	exit(rc);
}

enum { M_LIST = SET_LIST, M_GET = SET_GET, M_SET = SET_SET,
	M_UNSET = SET_UNSET, M_CHECK = SET_CHECK, M_ADD = SET_OWN, M_REMOVE,
	M_RESET };

/* Every fixed key that has a value or a default, then the open ones. */
static int
list(const struct store *st, const struct inidoc *d,
    const struct setting_args *op)
{
	static const char *const cols[] = { "key", "value", "default" };
	static const int types[] = { OUT_STR, OUT_STR, OUT_BOOL };
	struct out o;
	struct strv seen = { 0 };
	const char *v;
	char *name;
	size_t i;

	out_init(&o, op->fmt, op->header, cols, 3, types);
	for (i = 0; portal_keys[i]; i++) {
		if ((v = ini_get(d, portal_keys[i], NULL)) != NULL)
			setting_row(&o, portal_keys[i], v, 0);
		else if ((v = portal_default(st, portal_keys[i])) != NULL)
			setting_row(&o, portal_keys[i], v, 1);
	}
	for (i = 0; i < d->n; i++) {
		if (d->l[i].kind != INI_KEY)
			continue;
		name = xasprintf("%s.%s", d->l[i].sec, d->l[i].key);
		if (!strv_has(&seen, name) && (strncmp(name, "theme.", 6) == 0 ||
		    strncmp(name, "closed_stage.", 13) == 0)) {
			strv_add(&seen, name);
			setting_row(&o, name, ini_get(d, name, NULL), 0);
		}
		free(name);
	}
	for (i = 0; i < st->npipes; i++) {
		name = xasprintf("closed_stage.%s", st->pipes[i].name);
		if (!strv_has(&seen, name) &&
		    (v = portal_default(st, name)) != NULL)
			setting_row(&o, name, v, 1);
		free(name);
	}
	strv_free(&seen);
	return setting_list_end(&o);
}

static int
get(const struct store *st, const struct inidoc *d, const char *name)
{
	const char *v;
	int rc;

	if ((rc = portal_key_valid(name)) != 0)
		return rc;
	if ((v = portal_effective(st, d, name)) == NULL)
		return fail(RX_NOTFOUND, "%s is not set and has no default",
		    name);
	printf("%s\n", v);
	return 0;
}

/* The columns now shown, as a list. */
static void
columns(const struct store *st, const struct inidoc *d, struct strv *sv)
{
	strv_split(sv, portal_effective(st, d, "tickets.columns"));
}

/* The new columns value for --add-column or --remove-column, in *val. */
static int
edit_columns(const struct store *st, const struct inidoc *d,
    const struct setting_args *op, char **val)
{
	struct strv sv = { 0 };
	size_t i, at;
	int rc = 0;

	columns(st, d, &sv);
	if (op->mode == M_REMOVE) {
		if (!strv_remove(&sv, op->arg))
			rc = fail(RX_NOTFOUND, "tickets.columns: no column "
			    "'%s'", op->arg);
		else if (sv.n == 0)
			rc = fail(RX_RULE, "tickets.columns: '%s' is the last "
			    "column; use --reset-columns for the default",
			    op->arg);
	} else if (op->position > (long)sv.n + 1)
		rc = fail(RX_INVALID, "--position %ld: want 1 to %zu",
		    op->position, sv.n + 1);
	else {
		at = op->position > 0 ? (size_t)op->position - 1 : sv.n;
		strv_add(&sv, op->arg);
		for (i = sv.n - 1; i > at; i--) {
			char *t = sv.v[i];
			sv.v[i] = sv.v[i - 1];
			sv.v[i - 1] = t;
		}
	}
	if (rc == 0)
		*val = strv_join(&sv, ", ");
	strv_free(&sv);
	return rc;
}

/* Apply the edit of op to d; *name and *val say what it was (val NULL for
 * an unset). */
static int
edit(const struct store *st, struct inidoc *d, const struct setting_args *op,
    const char *value, char **name, char **val, long *line)
{
	char *raw = NULL;
	int rc;

	*val = NULL;
	*name = xstrdup(op->mode == M_SET || op->mode == M_UNSET ? op->arg :
	    "tickets.columns");
	if (op->mode == M_UNSET || op->mode == M_RESET) {
		if ((rc = portal_key_valid(*name)) != 0)
			return rc;
		if (!ini_unset(d, *name) && op->mode == M_UNSET)
			return fail(RX_NOTFOUND, "%s is not set", *name);
		return 0;
	}
	if (op->mode == M_ADD || op->mode == M_REMOVE) {
		if ((rc = edit_columns(st, d, op, &raw)) != 0)
			return rc;
		value = raw;
	}
	rc = portal_value(st, *name, value, val);
	if (rc == RX_RULE) {
		/* Well-formed but against a rule: write it in memory so that
		 * check_edit() reports it with its line like any other. */
		*val = xstrdup(value);
		rc = 0;
	}
	free(raw);
	if (rc == 0)
		*line = ini_set(d, *name, *val);
	return rc;
}

/* Refuse the edit if it breaks a rule (portal_edit_rules()); report the
 * rules it leaves broken as they were. */
static int
check_edit(const struct store *st, const struct inidoc *before,
    const struct inidoc *after, long line)
{
	struct issues bad = { 0 }, left = { 0 };
	int rc = 0;

	portal_edit_rules(st, before, after, line, &bad, &left);
	if (bad.n > 0) {
		rc = setting_report(PORTAL_FILE, &bad);
		fail(rc, "the change is refused: %zu broken rule%s listed "
		    "above", bad.n, bad.n == 1 ? "" : "s");
	} else if (left.n > 0) {
		setting_report(PORTAL_FILE, &left);
		warnmsg("%zu rule%s broken before this change %s still broken",
		    left.n, left.n == 1 ? "" : "s", left.n == 1 ? "is" : "are");
	}
	issues_free(&bad);
	issues_free(&left);
	return rc;
}

static int
write_edit(struct store *st, const struct setting_args *op)
{
	struct inidoc before, after;
	char *name = NULL, *val = NULL;
	time_t now;
	long line = 0;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	memset(&before, 0, sizeof before);	/* setting_load() may fail */
	memset(&after, 0, sizeof after);	/* before it touches them */
	if ((rc = setting_load(st, PORTAL_FILE, "", &before)) != 0 ||
	    (rc = setting_load(st, PORTAL_FILE, "", &after)) != 0) {
		ini_free(&before);
		ini_free(&after);
		return rc;
	}
	rc = edit(st, &after, op, op->value, &name, &val, &line);
	if (rc == 0)
		rc = check_edit(st, &before, &after, line);
	if (rc == 0 && op->dry_run) {
		char *line = val ? xasprintf("%s = %s", name, val) :
		    xasprintf("%s (unset)", name);
		char *shown = esc_str(line);
		printf("%s\n", shown);
		free(shown);
		free(line);
	} else if (rc == 0)
		rc = setting_save(st, PORTAL_FILE, &after, name, val, now);
	free(name);
	free(val);
	ini_free(&before);
	ini_free(&after);
	return rc;
}

/* --position: a column's place, from 1. */
static void
set_position(struct setting_args *o, const char *arg)
{
	if (parse_long(arg, 1, 1000, &o->position) == -1) {
		warnmsg("--position %s: want a number from 1", arg);
		usage(RX_USAGE);
	}
}

static void
parse(int argc, char **argv, struct setting_args *o)
{
	enum { O_ADD = 256, O_REMOVE, O_RESET, O_POS };
	static const struct option longopts[] = {
		{ "add-column", required_argument, NULL, O_ADD },
		{ "position", required_argument, NULL, O_POS },
		{ "remove-column", required_argument, NULL, O_REMOVE },
		{ "reset-columns", no_argument, NULL, O_RESET },
		SETTING_LONGOPTS,
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "portal-config", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_ADD:
			setting_mode(o, M_ADD, optarg);
			break;
		case O_POS:
			set_position(o, optarg);
			break;
		case O_REMOVE:
			setting_mode(o, M_REMOVE, optarg);
			break;
		case O_RESET:
			setting_mode(o, M_RESET, NULL);
			break;
		default:
			setting_opt(o, &cmd, ch);
		}
	}
	o->store = cmd.store;
	if ((o->position && o->mode != M_ADD) ||
	    setting_operands(o, argc - optind, argv + optind) != 0) {
		warnmsg("conflicting options or operands");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	/* Setting a value (KEY VALUE, or a column added to tickets.columns)
	 * is first data a store can get, so it may create the store; an
	 * unset, a removal or a reset needs one that exists. */
	const struct setting_cmd c = { PORTAL_FILE, "", 0,
	    1u << M_SET | 1u << M_ADD, list, get, portal_rules, write_edit };
	struct setting_args o = { .fmt = FMT_TABLE, .header = 1 };

	prog_init(argv[0]);
	parse(argc, argv, &o);
	return setting_run(&c, &o);
}
