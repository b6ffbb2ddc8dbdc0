/*
 * util.h — allocation that does not fail, lists of strings, bounded number
 * parsing, and the escapes that keep input bytes from reaching a terminal.
 *
 * Nothing here returns an error code: allocation failure prints
 * "PROG: out of memory" and exits 7 (RX_STORE); parse_long() and
 * pct_decode() say no by their return value and record nothing.  Every
 * returned string is malloc'd and the caller's to free; a struct strv owns
 * its items (strv_free()).  A zeroed struct strv is an empty list.
 */
#ifndef ROSTER_UTIL_H
#define ROSTER_UTIL_H

#include <stddef.h>

/* Allocation that does not fail: on exhaustion print and exit 7. */
void oom_exit(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of strings. */
struct strv {
	char **v;
	size_t n, cap;
};
void strv_add(struct strv *sv, const char *s);	/* appends a copy */
int strv_has(const struct strv *sv, const char *s);
int strv_remove(struct strv *sv, const char *s);	/* 1 if removed */
void strv_sort(struct strv *sv);
void strv_free(struct strv *sv);

/* The items joined with sep between them ("a, b" for ", "); "" for none.
 * malloc'd. */
char *strv_join(const struct strv *sv, const char *sep);

/* Split "a, b,c" on commas, trimming blanks, dropping empty items. */
void strv_split(struct strv *sv, const char *list);

/* Bounded integer conversion: 0 and *out on success, -1 if s is not a whole
 * decimal number in [min, max]. */
int parse_long(const char *s, long min, long max, long *out);

/* s[0..len) with each %XX (hex digits) turned into its byte, malloc'd;
 * NULL if a % is not followed by two hex digits. */
char *pct_decode(const char *s, size_t len);

/* s with every byte a terminal would obey written as \xNN (lower-case
 * hex): C0 controls (LF, ESC...), DEL, the C1 controls U+0080-U+009F and
 * every byte that is not part of valid UTF-8.  Printable ASCII, the
 * backslash included, and UTF-8 letters (Zoë, 日本) are kept.  malloc'd. */
char *esc_str(const char *s);

/* 1 if s is shown as it is by esc_str(): valid UTF-8 with no control
 * character (C0, DEL, C1). */
int text_printable(const char *s);

#endif
