/* portal-config — every customer-portal setting and rule, edited like git
 * config. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/out.h"
#include "roster/portal.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
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

/* --check has printed its findings itself. */
static int reported;

enum { M_LIST, M_GET, M_SET, M_UNSET, M_ADD, M_REMOVE, M_RESET, M_CHECK };

struct opts {
	const char *store, *arg;
	const char *value;	/* M_SET: the new value */
	int mode, nmodes, fmt, header, dry_run;
	long position;		/* 0: at the end */
};

/* Print every issue as "portal.ini:LINE: rule"; return the exit code: 3
 * if a rule is broken, else 5 for a malformed value. */
static int
report(const struct issues *is)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < is->n; i++) {
		if (is->v[i].line > 0)
			warnmsg("%s:%ld: %s", PORTAL_FILE, is->v[i].line,
			    is->v[i].msg);
		else
			warnmsg("%s: %s", PORTAL_FILE, is->v[i].msg);
		if (is->v[i].code == RX_RULE || rc == 0)
			rc = is->v[i].code;
	}
	return rc;
}

static void
issue_add(struct issues *is, const struct issue *it)
{
	is->v = xrealloc(is->v, (is->n + 1) * sizeof *is->v);
	is->v[is->n] = *it;
	is->v[is->n++].msg = xstrdup(it->msg);
}

/* Read portal.ini (a missing one is empty). */
static int
load(struct store *st, struct inidoc *d)
{
	char *data = NULL;
	size_t len;
	int rc = 0;

	if (st->dfd >= 0)
		rc = file_read(st->dfd, PORTAL_FILE, &data, &len);
	if (rc == RX_NOTFOUND || st->dfd < 0)
		rc = 0;
	else if (rc)
		return rc;
	rc = ini_load(d, data ? data : "", PORTAL_FILE);
	free(data);
	return rc;
}

static void
list_row(struct out *o, const char *name, const char *val, int def)
{
	const char *cells[3];
	char *shown = NULL;

	cells[0] = name;
	cells[1] = val;
	cells[2] = def ? "true" : "false";
	if (o->fmt == FMT_TABLE && def) {
		shown = xasprintf("%s (default)", val);
		cells[1] = shown;
	}
	/* The table form is git config's "key = value", not aligned
	 * columns: it is what a human pastes back into a command. */
	if (o->fmt == FMT_TABLE) {
		char *line = xasprintf("%s = %s", name, cells[1]);
		char *shown_line = esc_str(line);
		printf("%s\n", shown_line);
		free(shown_line);
		free(line);
	} else
		out_row(o, cells);
	free(shown);
}

/* Every fixed key that has a value or a default, then the open ones. */
static int
list(const struct store *st, const struct inidoc *d, const struct opts *op)
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
			list_row(&o, portal_keys[i], v, 0);
		else if ((v = portal_default(st, portal_keys[i])) != NULL)
			list_row(&o, portal_keys[i], v, 1);
	}
	for (i = 0; i < d->n; i++) {
		if (d->l[i].kind != INI_KEY)
			continue;
		name = xasprintf("%s.%s", d->l[i].sec, d->l[i].key);
		if (!strv_has(&seen, name) && (strncmp(name, "theme.", 6) == 0 ||
		    strncmp(name, "closed_stage.", 13) == 0)) {
			strv_add(&seen, name);
			list_row(&o, name, ini_get(d, name, NULL), 0);
		}
		free(name);
	}
	for (i = 0; i < st->npipes; i++) {
		name = xasprintf("closed_stage.%s", st->pipes[i].name);
		if (!strv_has(&seen, name) &&
		    (v = portal_default(st, name)) != NULL)
			list_row(&o, name, v, 1);
		free(name);
	}
	strv_free(&seen);
	if (o.fmt == FMT_TABLE) {
		out_free(&o);
		return 0;
	}
	return out_flush(&o);
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
    const struct opts *op, char **val)
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
edit(const struct store *st, struct inidoc *d, const struct opts *op,
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

/* Refuse the edit if it breaks a rule that held before, any rule on the
 * line it wrote, or any rule of a portal it turns on.  Rules broken
 * before and not by this edit do not block it, so that two keys broken by
 * hand in a live portal can be fixed one at a time; they are reported. */
static int
check_edit(const struct store *st, const struct inidoc *before,
    const struct inidoc *after, long line)
{
	struct issues old = { 0 }, now = { 0 }, bad = { 0 }, left = { 0 };
	const char *v;
	size_t i;
	int on = 0, was_on = 0, rc = 0;

	portal_rules(st, before, &old);
	portal_rules(st, after, &now);
	if ((v = ini_get(after, "portal.enabled", NULL)) != NULL)
		portal_bool(v, &on);
	if ((v = ini_get(before, "portal.enabled", NULL)) != NULL)
		portal_bool(v, &was_on);
	for (i = 0; i < now.n; i++)
		issue_add((on && !was_on) || (line > 0 &&
		    now.v[i].line == line) || !issues_has(&old, now.v[i].msg) ?
		    &bad : &left, &now.v[i]);
	if (bad.n > 0) {
		rc = report(&bad);
		fail(rc, "the change is refused: %zu broken rule%s listed "
		    "above", bad.n, bad.n == 1 ? "" : "s");
	} else if (left.n > 0) {
		report(&left);
		warnmsg("%zu rule%s broken before this change %s still broken",
		    left.n, left.n == 1 ? "" : "s", left.n == 1 ? "is" : "are");
	}
	issues_free(&old);
	issues_free(&now);
	issues_free(&bad);
	issues_free(&left);
	return rc;
}

static int
write_edit(struct store *st, const struct opts *op, const char *value)
{
	struct inidoc before, after;
	char *name = NULL, *val = NULL, *text;
	size_t len;
	time_t now;
	long line = 0;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	memset(&before, 0, sizeof before);	/* load() may fail before */
	memset(&after, 0, sizeof after);	/* it touches them */
	if ((rc = load(st, &before)) != 0 || (rc = load(st, &after)) != 0) {
		ini_free(&before);
		ini_free(&after);
		return rc;
	}
	rc = edit(st, &after, op, value, &name, &val, &line);
	if (rc == 0)
		rc = check_edit(st, &before, &after, line);
	if (rc == 0 && op->dry_run) {
		char *line = val ? xasprintf("%s = %s", name, val) :
		    xasprintf("%s (unset)", name);
		char *shown = esc_str(line);
		printf("%s\n", shown);
		free(shown);
		free(line);
	} else if (rc == 0) {
		text = ini_text(&after, &len);
		rc = txn_put(st, PORTAL_FILE, text, len);
		free(text);
		if (rc == 0) {
			audit_add(val ? "set" : "unset", name, "%s",
			    val ? val : "");
			rc = txn_commit(st, now);
		}
	}
	free(name);
	free(val);
	ini_free(&before);
	ini_free(&after);
	return rc;
}

static int
check(const struct store *st, const struct inidoc *d)
{
	struct issues is = { 0 };
	int rc;

	portal_rules(st, d, &is);
	rc = report(&is);
	issues_free(&is);
	reported = rc != 0;
	return rc;
}

static void
setmode(struct opts *o, int mode, const char *arg)
{
	o->mode = mode;
	o->arg = arg;
	o->nmodes++;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	enum { O_UNSET = 256, O_ADD, O_REMOVE, O_RESET, O_POS, O_CHECK, O_DRY,
	    O_FORMAT, O_NOHEADER, O_VERSION };
	static const struct option longopts[] = {
		{ "add-column", required_argument, NULL, O_ADD },
		{ "check", no_argument, NULL, O_CHECK },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "position", required_argument, NULL, O_POS },
		{ "remove-column", required_argument, NULL, O_REMOVE },
		{ "reset-columns", no_argument, NULL, O_RESET },
		{ "store", required_argument, NULL, 'd' },
		{ "unset", required_argument, NULL, O_UNSET },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch, fmtset = 0;

	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o->store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_ADD:
			setmode(o, M_ADD, optarg);
			break;
		case O_CHECK:
			setmode(o, M_CHECK, NULL);
			break;
		case O_DRY:
			o->dry_run = 1;
			break;
		case O_FORMAT:
			if (out_format(optarg, &o->fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			fmtset = 1;
			break;
		case O_NOHEADER:
			o->header = 0;
			fmtset = 1;
			break;
		case O_POS:
			if (parse_long(optarg, 1, 1000, &o->position) == -1) {
				warnmsg("--position %s: want a number from 1",
				    optarg);
				usage(RX_USAGE);
			}
			break;
		case O_REMOVE:
			setmode(o, M_REMOVE, optarg);
			break;
		case O_RESET:
			setmode(o, M_RESET, NULL);
			break;
		case O_UNSET:
			setmode(o, M_UNSET, optarg);
			break;
		case O_VERSION:
			puts("portal-config (roster) " ROSTER_VERSION);
			exit(0);
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o->nmodes > 1 || (o->nmodes == 1 && argc != 0) || argc > 2 ||
	    (o->position && o->mode != M_ADD) ||
	    (o->dry_run && (o->nmodes ? o->mode == M_CHECK : argc < 2)) ||
	    (fmtset && (o->nmodes || argc))) {
		warnmsg("conflicting options or operands");
		usage(RX_USAGE);
	}
	if (o->nmodes == 0 && argc == 1)
		setmode(o, M_GET, argv[0]);
	else if (o->nmodes == 0 && argc == 2) {
		setmode(o, M_SET, argv[0]);
		o->value = argv[1];
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct store st = STORE_INIT;
	struct inidoc d;
	int rc, write, creates;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.header = 1;
	parse(argc, argv, &o);
	write = o.mode != M_LIST && o.mode != M_GET && o.mode != M_CHECK;
	/* Setting a value (KEY VALUE, or a column added to tickets.columns)
	 * is first data a store can get, so it may create the store; an
	 * unset, a removal or a reset needs one that exists. */
	creates = o.mode == M_SET || o.mode == M_ADD;
	rc = store_open(&st, o.store, !write || o.dry_run ? STORE_READ :
	    creates ? STORE_CREATE : STORE_WRITE);
	if (rc == RX_NOTFOUND && o.dry_run && creates) {
		/* A dry run on a store not made yet: an empty one. */
		store_close(&st);
		st = (struct store)STORE_INIT;
		rc = 0;
	}
	if (rc == 0) {
		if (write)
			rc = write_edit(&st, &o, o.value);
		else if ((rc = load(&st, &d)) == 0) {
			if (o.mode == M_LIST)
				rc = list(&st, &d, &o);
			else if (o.mode == M_GET)
				rc = get(&st, &d, o.arg);
			else
				rc = check(&st, &d);
		}
	}
	if (rc && !reported)
		err_print();
	ini_free(&d);
	store_close(&st);
	return out_close(rc);
}
