/* store-config — the store's settings (roster.ini), edited like git config. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/out.h"
#include "roster/store.h"
#include "roster/storecfg.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: store-config [--no-header] [-d dir] [--format fmt]\n"
	    "       store-config [-d dir] key\n"
	    "       store-config [--dry-run] [-d dir] key value\n"
	    "       store-config [--dry-run] [-d dir] --unset key\n"
	    "       store-config [-d dir] --check\n");
	exit(rc);
}

/* --check has printed its findings itself. */
static int reported;

enum { M_LIST, M_GET, M_SET, M_UNSET, M_CHECK };

struct opts {
	const char *store, *arg, *value;
	int mode, nmodes, fmt, header, dry_run;
};

/* Print every issue as "roster.ini:LINE: finding"; the exit code: 3 if
 * a rule is broken, else 5. */
static int
report(const struct issues *is)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < is->n; i++) {
		warnmsg("%s:%ld: %s", STORECFG_FILE, is->v[i].line,
		    is->v[i].msg);
		if (is->v[i].code == RX_RULE || rc == 0)
			rc = is->v[i].code;
	}
	return rc;
}

/* Read roster.ini (a missing one, or no store yet: the one a new store
 * gets). */
static int
load(struct store *st, struct inidoc *d)
{
	char *data = NULL;
	size_t len;
	int rc = 0;

	if (st->dfd >= 0)
		rc = file_read(st->dfd, STORECFG_FILE, &data, &len);
	if (rc == RX_NOTFOUND || st->dfd < 0)
		rc = 0;
	else if (rc)
		return rc;
	rc = ini_load(d, data ? data : store_ini_default(), STORECFG_FILE);
	free(data);
	return rc;
}

static void
list_row(struct out *o, const char *name, const char *raw, int def)
{
	char *val = storecfg_plain(raw);
	const char *cells[3] = { name, val, def ? "true" : "false" };

	/* As portal-config: git config's "key = value", what a human
	 * pastes back into a command. */
	if (o->fmt == FMT_TABLE) {
		char *en = esc_str(name), *ev = esc_str(val);
		printf("%s = %s%s\n", en, ev, def ? " (default)" : "");
		free(en);
		free(ev);
	} else
		out_row(o, cells);
	free(val);
}

/* 1 if a key line after line i sets name too. */
static int
set_later(const struct inidoc *d, size_t i, const char *name)
{
	char *n;
	int r = 0;

	for (i++; !r && i < d->n; i++) {
		if (d->l[i].kind != INI_KEY ||
		    (n = storecfg_name(d->l[i].sec, d->l[i].key)) == NULL)
			continue;
		r = strcmp(n, name) == 0;
		free(n);
	}
	return r;
}

/* store.* first (defaults included), then the others in file order. */
static int
list(const struct inidoc *d, const struct opts *op)
{
	static const char *const cols[] = { "key", "value", "default" };
	static const int types[] = { OUT_STR, OUT_STR, OUT_BOOL };
	static const char *const fixed[] = { "store.version",
		"store.timezone", NULL };
	struct strv seen = { 0 };
	struct out o;
	const char *v;
	char *name;
	size_t i;

	out_init(&o, op->fmt, op->header, cols, 3, types);
	for (i = 0; fixed[i]; i++) {
		if ((v = ini_get(d, fixed[i], NULL)) != NULL)
			list_row(&o, fixed[i], v, 0);
		else
			list_row(&o, fixed[i], storecfg_default(fixed[i]), 1);
		strv_add(&seen, fixed[i]);
	}
	for (i = 0; i < d->n; i++) {
		if (d->l[i].kind != INI_KEY ||
		    (name = storecfg_name(d->l[i].sec, d->l[i].key)) == NULL)
			continue;
		/* A key given twice: the last one holds, as the file's
		 * reader and a lookup take it. */
		if (!strv_has(&seen, name) && !set_later(d, i, name)) {
			strv_add(&seen, name);
			list_row(&o, name, d->l[i].val, 0);
		}
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
get(const struct inidoc *d, const char *name)
{
	const char *v;
	char *ini, *plain;
	int rc;

	if (strcmp(name, "store.version") == 0)
		ini = xstrdup(name);
	else if ((rc = storecfg_ini(name, &ini)) != 0)
		return rc;
	if ((v = ini_get(d, ini, NULL)) == NULL)
		v = storecfg_default(name);
	free(ini);
	if (v == NULL)
		return fail(RX_NOTFOUND, "%s is not set and has no default",
		    name);
	plain = storecfg_plain(v);
	printf("%s\n", plain);
	free(plain);
	return 0;
}

/* The new text must read back as roster.ini: line length, and what
 * store_open() checks. */
static int
readable(const char *text, size_t len)
{
	struct store scratch = STORE_INIT;
	int rc;

	rc = store_ini_parse(&scratch, text, len);
	store_close(&scratch);
	return rc ? fail(RX_INVALID, "the change is refused: %s", err_msg()) :
	    0;
}

/* Apply op to d: *val is the value written (NULL for an unset). */
static int
edit(struct inidoc *d, const struct opts *op, char **val)
{
	char *ini = NULL;
	int rc;

	*val = NULL;
	if ((rc = storecfg_ini(op->arg, &ini)) != 0)
		return rc;
	if (op->mode == M_UNSET) {
		if (!ini_unset(d, ini))
			rc = fail(RX_NOTFOUND, "%s is not set", op->arg);
	} else if ((rc = storecfg_value(op->arg, op->value, val)) == 0)
		ini_set(d, ini, *val);
	free(ini);
	return rc;
}

static int
write_edit(struct store *st, const struct opts *op)
{
	struct inidoc d;
	char *val = NULL, *text = NULL;
	size_t len;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	if ((rc = load(st, &d)) == 0 && (rc = edit(&d, op, &val)) == 0) {
		text = ini_text(&d, &len);
		rc = readable(text, len);
	}
	if (rc == 0 && op->dry_run) {
		if (val)
			printf("%s = %s\n", op->arg, val);
		else
			printf("%s (unset)\n", op->arg);
	} else if (rc == 0 && (rc = txn_put(st, STORECFG_FILE, text,
	    len)) == 0) {
		audit_add(val ? "set" : "unset", op->arg, "%s", val ? val : "");
		rc = txn_commit(st, now);
	}
	free(text);
	free(val);
	ini_free(&d);
	return rc;
}

static int
check(const struct inidoc *d)
{
	struct issues is = { 0 };
	int rc;

	storecfg_check(d, &is);
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
	enum { O_UNSET = 256, O_CHECK, O_DRY, O_FORMAT, O_NOHEADER,
	    O_VERSION };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, O_CHECK },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "no-header", no_argument, NULL, O_NOHEADER },
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
		case O_UNSET:
			setmode(o, M_UNSET, optarg);
			break;
		case O_VERSION:
			puts("store-config (roster) " ROSTER_VERSION);
			exit(0);
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o->nmodes > 1 || (o->nmodes == 1 && argc != 0) || argc > 2 ||
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
	int rc, write, ini_rc = 0;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.header = 1;
	parse(argc, argv, &o);
	write = o.mode == M_SET || o.mode == M_UNSET;
	/* Only a value set is first data a store can get: it alone may
	 * create the store. */
	/* A roster.ini that does not read is what this command repairs
	 * and reports: the store is opened without it. */
	rc = store_open_raw(&st, o.store, !write || o.dry_run ? STORE_READ :
	    o.mode == M_SET ? STORE_CREATE : STORE_WRITE, &ini_rc);
	if (rc == RX_NOTFOUND && o.dry_run && o.mode == M_SET) {
		/* A dry run on a store not made yet: an empty one. */
		store_close(&st);
		st = (struct store)STORE_INIT;
		rc = 0;
	}
	if (rc == 0) {
		if (write)
			rc = write_edit(&st, &o);
		else if ((rc = load(&st, &d)) == 0) {
			if (o.mode == M_LIST)
				rc = list(&d, &o);
			else if (o.mode == M_GET)
				rc = get(&d, o.arg);
			else
				rc = check(&d);
		}
	}
	if (rc && !reported)
		err_print();
	ini_free(&d);
	store_close(&st);
	return out_close(rc);
}
