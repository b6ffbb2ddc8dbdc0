/* sbuf.c — a growing text buffer. */
#include <stdio.h>
#include <string.h>

#include "roster/util.h"
#include "sbuf.h"

void
sbuf_add(struct sbuf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		while (b->n + len + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

void
sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_num(struct sbuf *b, const char *pre, long long v)
{
	char num[32];

	snprintf(num, sizeof num, "%s%lld", pre, v);
	sbuf_str(b, num);
}

/* Text goes in with %, tab, newline, return and comma as %XX, so that
 * fields and list items split on plain bytes. */
void
sbuf_esc(struct sbuf *b, const char *s)
{
	char hex[4];

	for (; *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == ',') {
			snprintf(hex, sizeof hex, "%%%02X", (unsigned char)*s);
			sbuf_add(b, hex, 3);
		} else
			sbuf_add(b, s, 1);
	}
}
