/*
 * inied.h — a small INI line editor that keeps what a human wrote.
 *
 * ini_load() splits text into lines and notes, for each line, its section
 * and, for a "key = value" line, where the key and value are.  ini_set()
 * and ini_unset() change only the lines they must: a changed value keeps
 * the line's key and spacing up to the value; a new key goes after the last
 * key of its section, a new section at the end of the file.  Comments ("; "
 * and "# "), blank lines, order and unknown sections come out byte-exact
 * from ini_text().  Keys are "section.key", split at the first dot; the key
 * part may hold anything but "=" (pipeline names have spaces).
 *
 * Values are read as git config reads them: blanks around dropped, a ";"
 * or "#" after a blank starts a comment (one that opens the value is part
 * of it: a colour "#1a2b3c"), and a value in double quotes holds anything,
 * with \" and \\ inside.  ini_set() writes a value in quotes when it
 * needs them, keeps a comment that followed the old value, and ends a new
 * line in CRLF when the file's first line does.  A UTF-8 byte-order mark
 * (Windows Notepad) is skipped on load and written back by ini_text().
 */
#ifndef ROSTER_INIED_H
#define ROSTER_INIED_H

#include <stddef.h>

enum { INI_OTHER, INI_SECTION, INI_KEY };

struct iniline {
	char *text;		/* the line, without its newline */
	int kind;		/* INI_OTHER (blank, comment), INI_SECTION, INI_KEY */
	char *sec;		/* the section it is in ("" before any) */
	char *key;		/* INI_KEY: the trimmed key */
	char *val;		/* INI_KEY: the value, unquoted */
	size_t tail;		/* INI_KEY: offset of what follows the value
				 * (blanks and a comment, a CR) */
};

struct inidoc {
	struct iniline *l;
	size_t n;
	int nl_end;		/* the text ended with a newline */
	int bom;		/* the text began with a UTF-8 byte-order mark */
	int crlf;		/* its first line ended in CRLF */
};

/* Load text (NUL-terminated).  A line that is neither blank, a comment, a
 * section nor "key = value" is an error: RX_STORE with "shown:LINE: ...". */
int ini_load(struct inidoc *d, const char *text, const char *shown);

/* The value of "sec.key" (the last one if repeated), or NULL; *line gets
 * its 1-based line number when line is not NULL. */
const char *ini_get(const struct inidoc *d, const char *name, long *line);

/* Set "sec.key" to val.  Returns the 1-based line written. */
long ini_set(struct inidoc *d, const char *name, const char *val);

/* Remove every "sec.key" line; 1 if one was there, 0 if not. */
int ini_unset(struct inidoc *d, const char *name);

/* The whole text, malloc'd, and its length. */
char *ini_text(const struct inidoc *d, size_t *len);

void ini_free(struct inidoc *d);

#endif
