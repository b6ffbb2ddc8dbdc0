/* store-edit — edit a store file under the lock, checked before it is
 * installed (as visudo does), or run a command under the lock. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/check.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/handedit.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: store-edit [-d dir] file\n"
	    "       store-edit [-d dir] --exec command [arg ...]\n");
	exit(rc);
}

/* Run argv (or sh -c script with file) and wait, ignoring the terminal's
 * SIGINT and SIGQUIT meanwhile: they are the child's to act on.  Its
 * exit status, 128+signal, or -1 if it could not be started. */
static int
run(char *const *argv)
{
	struct sigaction ign, oint, oquit;
	pid_t pid;
	int status;

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", progname, argv[0],
		    strerror(errno));
		_exit(127);
	}
	status = -1;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (pid < 0 || status == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}

static int
run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	char *script;
	int rc;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	/* As git does: the editor may carry its own arguments. */
	script = xasprintf("%s \"$@\"", ed);
	rc = run((char *const[]){ "/bin/sh", "-c", script, "sh",
	    (char *)path, NULL });
	free(script);
	return rc;
}

/* Write text to a new private temporary named after rel (so that the
 * editor knows its syntax); its path in *path. */
static int
temp_write(const char *rel, const char *text, size_t len, char **path)
{
	const char *tmp = getenv("TMPDIR"), *base = strrchr(rel, '/');
	int fd;

	base = base ? base + 1 : rel;
	*path = xasprintf("%s/store-edit.XXXXXX.%s", tmp && *tmp ? tmp :
	    "/tmp", base);
	fd = mkstemps(*path, (int)strlen(base) + 1);
	if (fd < 0)
		return fail_errno(RX_STORE, "%s", *path);
	if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		unlink(*path);
		return fail_errno(RX_STORE, "%s", *path);
	}
	return 0;
}

static int
temp_read(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return fail_errno(RX_STORE, "%s", path);
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return fail_errno(RX_STORE, "%s", path);
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* After findings: 1 to edit again, 0 to quit without saving. */
static int
ask_again(void)
{
	char *line = NULL;
	size_t cap = 0;
	int again = -1;

	while (again == -1) {
		fprintf(stderr, "What now? (e)dit again, e(x)it without "
		    "saving: ");
		if (getline(&line, &cap, stdin) < 0) {
			fputc('\n', stderr);
			again = 0;
		} else if (line[0] == 'e')
			again = 1;
		else if (line[0] == 'x' || line[0] == 'q')
			again = 0;
	}
	free(line);
	return again;
}

static void
print_probs(struct strv *probs)
{
	size_t i;

	for (i = 0; i < probs->n; i++)
		warnmsg("%s", probs->v[i]);
	strv_free(probs);
}

/* Edit until the text is clean (or the user gives up): 0 with the new
 * text in *text, or an exit code. */
static int
edit_loop(struct store *st, const char *rel, const char *path, char **text,
    size_t *len)
{
	struct strv probs = { 0 };
	int rc;

	for (;;) {
		if ((rc = run_editor(path)) != 0)
			return fail(RX_INVALID, "the editor failed (%d): %s "
			    "is unchanged", rc, rel);
		if ((rc = temp_read(path, text, len)) != 0)
			return rc;
		if (check_file(st, rel, *text, *len, &probs) == 0) {
			strv_free(&probs);	/* warnings: no finding */
			return 0;
		}
		print_probs(&probs);
		free(*text);
		*text = NULL;
		if (!ask_again())
			return fail(RX_INVALID, "%s is unchanged", rel);
	}
}

static int
edit_file(const char *store, const char *arg)
{
	struct store st = STORE_INIT;
	char *rel = NULL, *old = NULL, *text = NULL, *path = NULL;
	size_t oldlen = 0, len = 0;
	time_t now;
	int rc, ini_rc;

	if ((rc = check_editable(arg, &rel)) != 0) {
		err_print();
		usage(rc);
	}
	/* roster.ini that does not read is one this command repairs. */
	if ((rc = clock_now(&now)) != 0 ||
	    (rc = store_open_raw(&st, store, STORE_WRITE, &ini_rc)) != 0 ||
	    (rc = handedit_text(&st, rel, &old, &oldlen)) != 0 ||
	    (rc = temp_write(rel, old, oldlen, &path)) != 0)
		goto out;
	if ((rc = edit_loop(&st, rel, path, &text, &len)) != 0)
		goto out;
	if (len == oldlen && memcmp(text, old, len) == 0) {
		warnmsg("%s: no change", rel);
		goto out;
	}
	audit_add("edit", rel, "%zu bytes", len);
	if ((rc = txn_put(&st, rel, text, len)) == 0 &&
	    (rc = txn_commit(&st, now)) == 0)
		handedit_done(&st, rel);
out:
	if (rc)
		err_print();
	if (path)
		unlink(path);
	free(path);
	free(text);
	free(old);
	free(rel);
	store_close(&st);
	return rc;
}

static int
exec_locked(const char *store, char **argv)
{
	struct strv probs = { 0 };
	struct store st = STORE_INIT;
	time_t now;
	int rc, status;

	if ((rc = clock_now(&now)) != 0) {
		err_print();
		return rc;
	}
	if ((rc = store_open(&st, store, STORE_WRITE)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	if (setenv("ROSTER_DIR", st.path, 1) != 0) {
		store_close(&st);
		return RX_STORE;
	}
	status = run(argv);
	if (status < 0)
		status = 127;
	audit_add("exec", argv[0], "exit %d", status);
	if ((rc = txn_commit(&st, now)) != 0)
		err_print();
	/* Under the same lock: a second lock from this process would
	 * replace the one held. */
	if (store_check_open(&st, &probs) != 0) {
		warnmsg("the store has problems after %s:", argv[0]);
		print_probs(&probs);
		if (rc == 0)
			rc = RX_STORE;
	}
	strv_free(&probs);	/* warnings of a store with no problem */
	store_close(&st);
	return status ? status : rc;
}

/* Parse the options: the store (NULL: the default); *exec for --exec.
 * The operands are what is left of argv. */
static const char *
parse_args(int argc, char **argv, int *exec)
{
	enum { O_EXEC = 256 };
	static const struct option longopts[] = {
		{ "exec", no_argument, NULL, O_EXEC },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "store-edit", usage, NULL };
	int ch;

	/* "+": the options of --exec's command are its own. */
	while ((ch = getopt_long(argc, argv, "+" CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (ch == O_EXEC)
			*exec = 1;
		else
			cmd_opt(&cmd, ch);
	}
	return cmd.store;
}

int
main(int argc, char **argv)
{
	const char *store;
	int exec = 0, rc;

	prog_init(argv[0]);
	store = parse_args(argc, argv, &exec);
	argc -= optind;
	argv += optind;
	if (exec ? argc < 1 : argc != 1)
		usage(RX_USAGE);
	rc = exec ? exec_locked(store, argv) : edit_file(store, argv[0]);
	return cmd_end(NULL, rc, 1);
}
