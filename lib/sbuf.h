/*
 * sbuf.h — a growing text buffer, for the text of cache files.
 *
 * p is NUL-terminated after every add (NULL while nothing was added); n is
 * its length.  Memory is the caller's: free(b.p).  Growth cannot fail
 * (xrealloc() exits 7 on exhaustion).  Start from SBUF_INIT.
 */
#ifndef LIB_SBUF_H
#define LIB_SBUF_H

#include <stddef.h>

struct sbuf {
	char *p;
	size_t n, cap;
};

#define SBUF_INIT	{ NULL, 0, 0 }

void sbuf_add(struct sbuf *b, const char *s, size_t len);
void sbuf_str(struct sbuf *b, const char *s);
/* pre, then v in decimal. */
void sbuf_num(struct sbuf *b, const char *pre, long long v);
/* s with %, tab, newline, return and comma as %XX (pct_decode() reads
 * it back). */
void sbuf_esc(struct sbuf *b, const char *s);

#endif
