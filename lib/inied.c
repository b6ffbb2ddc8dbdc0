/* inied.c — the comment-keeping INI line editor (inied.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/inied.h"
#include "roster/util.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A malloc'd copy of [p, e) without surrounding blanks. */
static char *
trimdup(const char *p, const char *e)
{
	while (p < e && blank(*p))
		p++;
	while (e > p && blank(e[-1]))
		e--;
	return xstrndup(p, (size_t)(e - p));
}

/* The value of a key line, from p just after "=": blanks around it
 * dropped; a ";" or "#" after a blank (not the value's first byte, so a
 * colour "#1a2b3c" stays a value) starts a comment, as git config reads
 * it; a value in double quotes may hold anything, with \" and \\.
 * *tail gets the offset in text where what follows the value begins
 * (blanks, comment, CR), which an edit keeps. */
static int
parse_value(struct iniline *ln, const char *p)
{
	const char *t = ln->text, *e, *q;
	char *o;

	while (blank(*p))
		p++;
	if (*p == '"') {
		o = ln->val = xmalloc(strlen(p) + 1);
		for (q = p + 1; *q && *q != '"'; q++) {
			if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
				q++;
			*o++ = *q;
		}
		*o = '\0';
		if (*q != '"')
			return -1;
		ln->tail = (size_t)(q + 1 - t);
		for (q++; blank(*q); q++)
			;
		return *q == '\0' || *q == ';' || *q == '#' ? 0 : -1;
	}
	for (e = p; *e; e++)
		if ((*e == ';' || *e == '#') && e > p && blank(e[-1]))
			break;
	q = e;
	while (q > p && blank(q[-1]))
		q--;
	ln->val = xstrndup(p, (size_t)(q - p));
	/* Without a comment only a CR is kept after the value. */
	if (*e == '\0') {
		e = t + strlen(t);
		ln->tail = (size_t)(e - t) - (e > t && e[-1] == '\r');
	} else
		ln->tail = (size_t)(q - t);
	return 0;
}

/* Classify one line; 0 or -1 if it is none of the known shapes. */
static int
classify(struct iniline *ln, const char *cursec)
{
	const char *p = ln->text, *e, *eq;

	while (blank(*p))
		p++;
	ln->sec = xstrdup(cursec);
	if (*p == '\0' || *p == ';' || *p == '#') {
		ln->kind = INI_OTHER;
		return 0;
	}
	if (*p == '[') {
		if ((e = strchr(p, ']')) == NULL)
			return -1;
		free(ln->sec);
		ln->sec = trimdup(p + 1, e);
		ln->kind = INI_SECTION;
		return 0;
	}
	if ((eq = strchr(p, '=')) == NULL || eq == p)
		return -1;
	ln->kind = INI_KEY;
	ln->key = trimdup(p, eq);
	return parse_value(ln, eq + 1);
}

int
ini_load(struct inidoc *d, const char *text, const char *shown)
{
	const char *p = text, *e;
	const char *cur = "";
	struct iniline *ln;

	memset(d, 0, sizeof *d);
	/* Windows Notepad's byte-order mark: kept, not read. */
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) {
		d->bom = 1;
		p += 3;
	}
	e = strchr(p, '\n');
	d->crlf = e != NULL && e > p && e[-1] == '\r';
	while (*p) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		d->l = xrealloc(d->l, (d->n + 1) * sizeof *d->l);
		ln = &d->l[d->n++];
		memset(ln, 0, sizeof *ln);
		ln->text = xstrndup(p, (size_t)(e - p));
		if (classify(ln, cur) == -1)
			return fail_at(RX_STORE, shown, (long)d->n, "expected "
			    "[section], key = value, a comment or a blank line");
		cur = ln->sec;
		d->nl_end = *e == '\n';
		p = *e ? e + 1 : e;
	}
	return 0;
}

/* Split "sec.key" at its first dot into malloc'd parts; -1 if no dot or an
 * empty part. */
static int
ini_split(const char *name, char **sec, char **key)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL || dot == name || dot[1] == '\0')
		return -1;
	*sec = xstrndup(name, (size_t)(dot - name));
	*key = xstrdup(dot + 1);
	return 0;
}

/* Index of the last line holding name, or -1. */
static long
find(const struct inidoc *d, const char *name)
{
	char *sec, *key;
	long i, at = -1;

	if (ini_split(name, &sec, &key) == -1)
		return -1;
	for (i = 0; i < (long)d->n; i++)
		if (d->l[i].kind == INI_KEY && strcmp(d->l[i].sec, sec) == 0 &&
		    strcmp(d->l[i].key, key) == 0)
			at = i;
	free(sec);
	free(key);
	return at;
}

const char *
ini_get(const struct inidoc *d, const char *name, long *line)
{
	long i = find(d, name);

	if (i < 0)
		return NULL;
	if (line)
		*line = i + 1;
	return d->l[i].val;
}

/* Open a slot for a new line at index at. */
static struct iniline *
insert(struct inidoc *d, size_t at)
{
	d->l = xrealloc(d->l, (d->n + 1) * sizeof *d->l);
	memmove(&d->l[at + 1], &d->l[at], (d->n - at) * sizeof *d->l);
	d->n++;
	memset(&d->l[at], 0, sizeof d->l[at]);
	return &d->l[at];
}

/* val as written in a file: in double quotes when a reader would take
 * part of it for a comment, trim it, or unquote it. */
static char *
quoted(const char *val)
{
	size_t n = strlen(val);
	char *out, *o;

	if (!strpbrk(val, ";#\"\\") && !(n > 0 && (blank(val[0]) ||
	    blank(val[n - 1]))))
		return xstrdup(val);
	o = out = xmalloc(2 * n + 3);
	*o++ = '"';
	for (; *val; val++) {
		if (*val == '"' || *val == '\\')
			*o++ = '\\';
		*o++ = *val;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Rewrite an existing key line, keeping everything before the value and
 * what follows it: a comment, and the CR of a file written on Windows. */
static void
replace_value(struct iniline *ln, const char *val)
{
	char *eq = strchr(ln->text, '='), *p, *t, *q = quoted(val);
	const char *rest = ln->text + ln->tail;

	/* An empty value before a comment would make the comment the
	 * value. */
	if (*val == '\0' && rest[strspn(rest, " \t\r")] != '\0') {
		free(q);
		q = xstrdup("\"\"");
	}
	p = eq + 1;
	while (blank(*p) && (size_t)(p - ln->text) < ln->tail)
		p++;
	t = xasprintf("%.*s%s%s", (int)(p - ln->text), ln->text, q,
	    ln->text + ln->tail);
	ln->tail = (size_t)(p - ln->text) + strlen(q);
	free(q);
	free(ln->text);
	ln->text = t;
	free(ln->val);
	ln->val = xstrdup(val);
}

/* A new line of text: with a CR when the file's lines have one. */
static char *
new_text(const struct inidoc *d, char *text)
{
	char *t;

	if (!d->crlf)
		return text;
	t = xasprintf("%s\r", text);
	free(text);
	return t;
}

long
ini_set(struct inidoc *d, const char *name, const char *val)
{
	struct iniline *ln;
	char *sec, *key, *q;
	long i, at = -1, hdr = -1;

	if ((i = find(d, name)) >= 0) {
		replace_value(&d->l[i], val);
		return i + 1;
	}
	if (ini_split(name, &sec, &key) == -1)
		return -1;
	/* After the last key of the section, else right after its header. */
	for (i = 0; i < (long)d->n; i++) {
		if (strcmp(d->l[i].sec, sec) != 0)
			continue;
		if (d->l[i].kind == INI_SECTION && hdr < 0)
			hdr = i;
		if (d->l[i].kind == INI_KEY || d->l[i].kind == INI_SECTION)
			at = i;
	}
	if (hdr < 0) {
		if (d->n > 0 && d->l[d->n - 1].text[0] != '\0') {
			ln = insert(d, d->n);
			ln->text = new_text(d, xstrdup(""));
			ln->sec = xstrdup(d->n > 1 ? d->l[d->n - 2].sec : "");
		}
		ln = insert(d, d->n);
		ln->text = new_text(d, xasprintf("[%s]", sec));
		ln->kind = INI_SECTION;
		ln->sec = xstrdup(sec);
		at = (long)d->n - 1;
		d->nl_end = 1;
	}
	ln = insert(d, (size_t)at + 1);
	q = quoted(val);
	ln->text = new_text(d, xasprintf("%s = %s", key, q));
	ln->tail = strlen(ln->text) - (size_t)d->crlf;
	free(q);
	ln->kind = INI_KEY;
	ln->sec = sec;
	ln->key = key;
	ln->val = xstrdup(val);
	if ((size_t)at + 2 == d->n)
		d->nl_end = 1;
	return at + 2;
}

static void
line_free(struct iniline *ln)
{
	free(ln->text);
	free(ln->sec);
	free(ln->key);
	free(ln->val);
}

int
ini_unset(struct inidoc *d, const char *name)
{
	long i;
	int n = 0;

	while ((i = find(d, name)) >= 0) {
		line_free(&d->l[i]);
		memmove(&d->l[i], &d->l[i + 1],
		    (d->n - (size_t)i - 1) * sizeof *d->l);
		d->n--;
		n = 1;
	}
	return n;
}

char *
ini_text(const struct inidoc *d, size_t *len)
{
	size_t i, n = 0, tl;
	char *s;

	for (i = 0; i < d->n; i++)
		n += strlen(d->l[i].text) + 1;
	s = xmalloc(n + 4);
	n = 0;
	if (d->bom) {
		memcpy(s, "\xEF\xBB\xBF", 3);
		n = 3;
	}
	for (i = 0; i < d->n; i++) {
		tl = strlen(d->l[i].text);
		memcpy(s + n, d->l[i].text, tl);
		n += tl;
		if (i + 1 < d->n || d->nl_end)
			s[n++] = '\n';
	}
	s[n] = '\0';
	*len = n;
	return s;
}

void
ini_free(struct inidoc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		line_free(&d->l[i]);
	free(d->l);
	memset(d, 0, sizeof *d);
}
