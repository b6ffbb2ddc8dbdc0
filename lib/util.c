/* util.c — allocation that does not fail, string lists, numbers, escapes. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/util.h"

void
oom_exit(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	exit(RX_STORE);
}

/* Length of the UTF-8 sequence at s that a terminal shows as a letter,
 * or 0: not UTF-8 (a stray, overlong or surrogate byte), or a C1
 * control (U+0080-U+009F), which some terminals obey. */
static size_t
utf8_printable(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xC2)
		lo = 0xA0;
	else if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

char *
esc_str(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = xmalloc(strlen(str) * 4 + 1), *o = out;
	size_t n;

	while (*s) {
		if (*s >= 0x20 && *s < 0x7F) {
			*o++ = (char)*s++;
		} else if (*s >= 0x80 && (n = utf8_printable(s)) > 0) {
			memcpy(o, s, n);
			o += n;
			s += n;
		} else {
			o += sprintf(o, "\\x%02x", *s++);
		}
	}
	*o = '\0';
	return out;
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom_exit();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom_exit();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom_exit();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom_exit();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom_exit();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom_exit();
	return p;
}

void
strv_add(struct strv *sv, const char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

int
strv_has(const struct strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

int
strv_remove(struct strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], s) != 0)
			continue;
		free(sv->v[i]);
		memmove(sv->v + i, sv->v + i + 1, (sv->n - i) * sizeof *sv->v);
		sv->n--;
		return 1;
	}
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
strv_sort(struct strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof *sv->v, cmpstr);
}

void
strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* One pass for the length, one to copy: a list of 10,000 addresses costs
 * no more than writing it. */
char *
strv_join(const struct strv *sv, const char *sep)
{
	size_t i, len = 1, sl = strlen(sep), il;
	char *s, *p;

	for (i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + (i ? sl : 0);
	s = p = xmalloc(len);
	for (i = 0; i < sv->n; i++) {
		if (i) {
			memcpy(p, sep, sl);
			p += sl;
		}
		il = strlen(sv->v[i]);
		memcpy(p, sv->v[i], il);
		p += il;
	}
	*p = '\0';
	return s;
}

void
strv_split(struct strv *sv, const char *list)
{
	const char *p = list, *e, *q;

	while (*p) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		q = e;
		while (p < q && (*p == ' ' || *p == '\t'))
			p++;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q > p) {
			char *item = xstrndup(p, (size_t)(q - p));
			strv_add(sv, item);
			free(item);
		}
		p = *e ? e + 1 : e;
	}
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	/* strtol() would skip any leading white space and take a sign. */
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) ||
	    *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
pct_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	size_t i;
	int h, l;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (len - i < 3 || (h = hexval(s[i + 1])) < 0 ||
		    (l = hexval(s[i + 2])) < 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(h * 16 + l);
		i += 2;
	}
	*o = '\0';
	return out;
}

int
text_printable(const char *s)
{
	char *e = esc_str(s);
	int r = strcmp(e, s) == 0;

	free(e);
	return r;
}
