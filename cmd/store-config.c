/* store-config — the store's settings (roster.ini), edited like git config. */
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
#include "roster/storecfg.h"
#include "roster/timefmt.h"
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

/* A value as the listing shows it: as the file's reader takes it. */
static void
list_row(struct out *o, const char *name, const char *raw, int def)
{
	char *val = storecfg_plain(raw);

	setting_row(o, name, val, def);
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
list(const struct store *st, const struct inidoc *d,
    const struct setting_args *op)
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
	(void)st;
	strv_free(&seen);
	return setting_list_end(&o);
}

static int
get(const struct store *st, const struct inidoc *d, const char *name)
{
	const char *v;
	char *ini, *plain;
	int rc;

	(void)st;
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
edit(struct inidoc *d, const struct setting_args *op, char **val)
{
	char *ini = NULL;
	int rc;

	*val = NULL;
	if ((rc = storecfg_ini(op->arg, &ini)) != 0)
		return rc;
	if (op->mode == SET_UNSET) {
		if (!ini_unset(d, ini))
			rc = fail(RX_NOTFOUND, "%s is not set", op->arg);
	} else if ((rc = storecfg_value(op->arg, op->value, val)) == 0)
		ini_set(d, ini, *val);
	free(ini);
	return rc;
}

static int
write_edit(struct store *st, const struct setting_args *op)
{
	struct inidoc d;
	char *val = NULL, *text = NULL;
	size_t len;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	memset(&d, 0, sizeof d);
	if ((rc = setting_load(st, STORECFG_FILE, store_ini_default(),
	    &d)) == 0 && (rc = edit(&d, op, &val)) == 0) {
		text = ini_text(&d, &len);
		rc = readable(text, len);
	}
	if (rc == 0 && op->dry_run) {
		if (val)
			printf("%s = %s\n", op->arg, val);
		else
			printf("%s (unset)\n", op->arg);
	} else if (rc == 0)
		rc = setting_save(st, STORECFG_FILE, &d, op->arg, val, now);
	free(text);
	free(val);
	ini_free(&d);
	return rc;
}

static void
check(const struct store *st, const struct inidoc *d, struct issues *is)
{
	(void)st;
	storecfg_check(d, is);
}

static void
parse(int argc, char **argv, struct setting_args *o)
{
	static const struct option longopts[] = {
		SETTING_LONGOPTS,
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "store-config", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1)
		setting_opt(o, &cmd, ch);
	o->store = cmd.store;
	if (setting_operands(o, argc - optind, argv + optind) != 0) {
		warnmsg("conflicting options or operands");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	/* Only a value set is first data a store can get: it alone may
	 * create the store.  A roster.ini that does not read is what this
	 * command repairs and reports: the store is opened without it. */
	const struct setting_cmd c = { STORECFG_FILE, store_ini_default(), 1,
	    1u << SET_SET, list, get, check, write_edit };
	struct setting_args o = { .fmt = FMT_TABLE, .header = 1 };

	prog_init(argv[0]);
	parse(argc, argv, &o);
	return setting_run(&c, &o);
}
