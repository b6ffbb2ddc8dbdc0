/* setting.c — a settings file edited like git config (setting.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/out.h"
#include "roster/portal.h"
#include "roster/setting.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/util.h"

void
setting_mode(struct setting_args *a, int mode, const char *arg)
{
	a->mode = mode;
	a->arg = arg;
	a->nmodes++;
}

void
setting_opt(struct setting_args *a, struct cmd *c, int ch)
{
	switch (ch) {
	case SET_O_CHECK:
		setting_mode(a, SET_CHECK, NULL);
		break;
	case SET_O_DRY:
		a->dry_run = 1;
		break;
	case SET_O_FORMAT:
		if (out_format(optarg, &a->fmt) != 0)
			cmd_badopt(c);
		a->fmtset = 1;
		break;
	case SET_O_NOHEADER:
		a->header = 0;
		a->fmtset = 1;
		break;
	case SET_O_UNSET:
		setting_mode(a, SET_UNSET, optarg);
		break;
	default:
		cmd_opt(c, ch);
	}
}

int
setting_operands(struct setting_args *a, int argc, char **argv)
{
	if (a->nmodes > 1 || (a->nmodes == 1 && argc != 0) || argc > 2 ||
	    (a->dry_run && (a->nmodes ? a->mode == SET_CHECK : argc < 2)) ||
	    (a->fmtset && (a->nmodes || argc)))
		return -1;
	if (a->nmodes == 0 && argc == 1)
		setting_mode(a, SET_GET, argv[0]);
	else if (a->nmodes == 0 && argc == 2) {
		setting_mode(a, SET_SET, argv[0]);
		a->value = argv[1];
	}
	return 0;
}

int
setting_load(const struct store *st, const char *file, const char *missing,
    struct inidoc *d)
{
	char *data = NULL;
	size_t len;
	int rc = 0;

	if (st->dfd >= 0)
		rc = file_read(st->dfd, file, &data, &len);
	if (rc == RX_NOTFOUND || st->dfd < 0)
		rc = 0;
	else if (rc)
		return rc;
	rc = ini_load(d, data ? data : missing, file);
	free(data);
	return rc;
}

void
setting_row(struct out *o, const char *name, const char *val, int def)
{
	const char *cells[3] = { name, val, def ? "true" : "false" };
	char *en, *ev;

	if (o->fmt != FMT_TABLE) {
		out_row(o, cells);
		return;
	}
	en = esc_str(name);
	ev = esc_str(val);
	printf("%s = %s%s\n", en, ev, def ? " (default)" : "");
	free(en);
	free(ev);
}

int
setting_list_end(struct out *o)
{
	/* The table form was printed row by row. */
	if (o->fmt == FMT_TABLE) {
		out_free(o);
		return 0;
	}
	return out_flush(o);
}

int
setting_report(const char *file, const struct issues *is)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < is->n; i++) {
		if (is->v[i].line > 0)
			warnmsg("%s:%ld: %s", file, is->v[i].line,
			    is->v[i].msg);
		else
			warnmsg("%s: %s", file, is->v[i].msg);
		if (is->v[i].code == RX_RULE || rc == 0)
			rc = is->v[i].code;
	}
	return rc;
}

int
setting_save(struct store *st, const char *file, const struct inidoc *d,
    const char *name, const char *val, time_t now)
{
	size_t len;
	char *text = ini_text(d, &len);
	int rc;

	rc = txn_put(st, file, text, len);
	free(text);
	if (rc)
		return rc;
	audit_add(val ? "set" : "unset", name, "%s", val ? val : "");
	return txn_commit(st, now);
}

static int
writes(int mode)
{
	return mode != SET_LIST && mode != SET_GET && mode != SET_CHECK;
}

/* Open the store as the mode of a needs it. */
static int
open_for(const struct setting_cmd *c, const struct setting_args *a,
    struct store *st)
{
	int creates = (c->creates >> a->mode) & 1, mode, ini_rc, rc;

	mode = !writes(a->mode) || a->dry_run ? STORE_READ :
	    creates ? STORE_CREATE : STORE_WRITE;
	/* A file that does not read may be what the command repairs: the
	 * store is opened without it. */
	rc = c->raw ? store_open_raw(st, a->store, mode, &ini_rc) :
	    store_open(st, a->store, mode);
	if (rc == RX_NOTFOUND && a->dry_run && creates) {
		/* A dry run on a store not made yet: an empty one. */
		store_close(st);
		*st = (struct store)STORE_INIT;
		rc = 0;
	}
	return rc;
}

/* --check: every finding printed here; *printed is set when there was
 * one. */
static int
check(const struct setting_cmd *c, const struct store *st,
    const struct inidoc *d, int *printed)
{
	struct issues is = { 0 };
	int rc;

	c->check(st, d, &is);
	rc = setting_report(c->file, &is);
	issues_free(&is);
	*printed = rc != 0;
	return rc;
}

/* List, get or check the file as it is. */
static int
read_mode(const struct setting_cmd *c, const struct setting_args *a,
    const struct store *st, int *printed)
{
	struct inidoc d;
	int rc;

	memset(&d, 0, sizeof d);
	if ((rc = setting_load(st, c->file, c->missing, &d)) == 0) {
		if (a->mode == SET_LIST)
			rc = c->list(st, &d, a);
		else if (a->mode == SET_GET)
			rc = c->get(st, &d, a->arg);
		else
			rc = check(c, st, &d, printed);
	}
	ini_free(&d);
	return rc;
}

int
setting_run(const struct setting_cmd *c, const struct setting_args *a)
{
	struct store st = STORE_INIT;
	int rc, printed = 0;

	if ((rc = open_for(c, a, &st)) == 0)
		rc = writes(a->mode) ? c->write(&st, a) :
		    read_mode(c, a, &st, &printed);
	return cmd_end(&st, rc, printed);
}
