/* cmd.c — the options and the end that every command shares (cmd.h). */
#include <stdio.h>
#include <stdlib.h>

#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/util.h"

void
cmd_opt(struct cmd *c, int ch)
{
	switch (ch) {
	case 'd':
		if (store_optarg(optarg) != 0)
			cmd_badopt(c);
		c->store = optarg;
		return;
	case 'h':
		c->usage(0);
		break;
	case CMD_O_VERSION:
		printf("%s (roster) %s\n", c->name, ROSTER_VERSION);
		exit(out_close(0));
	default:
		break;
	}
	c->usage(RX_USAGE);
	exit(RX_USAGE);		/* usage() exits; this keeps the promise */
}

const char *
cmd_team(const char *arg)
{
	static char *team;

	free(team);
	team = NULL;
	if (team_name(arg, &team) != 0) {
		err_print();
		exit(RX_INVALID);
	}
	return team;
}

void
cmd_badopt(const struct cmd *c)
{
	err_print();
	c->usage(RX_USAGE);
	exit(RX_USAGE);
}

void
cmd_team_add(struct strv *sv, const char *arg)
{
	const char *t = cmd_team(arg);

	if (!strv_has(sv, t))
		strv_add(sv, t);
}

int
cmd_end(struct store *st, int rc, int printed)
{
	if (rc != 0 && !printed)
		err_print();
	if (st != NULL)
		store_close(st);
	return out_close(rc);
}

void
cmd_wall_note(const char *at, time_t t)
{
	char *note = time_wall_note(at, t);

	if (note)
		warnmsg("%s", note);
	free(note);
}
