/* inied.c — fuzz the INI editor behind portal-config.  After a text
 * loads, setting and removing keys must give text that loads again, with
 * the value set found where it was put and everything else kept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/inied.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"portal.slug", "portal.enabled", "branding.colour", "new section.a key",
	NULL
};

/* Values that need quotes or would lose part to a comment: each must read
 * back as it was set. */
static const char *const values[] = {
	"v", "nl-NL ; not a comment", "a #b", "\"quoted\" \\ back", " blank ",
	"#1a2b3c", ";", "", NULL
};

/* The text of d must load; and name must then read val (or be absent). */
static void
reload(const struct inidoc *d, const char *name, const char *val)
{
	struct inidoc back;
	const char *got;
	char *text;
	size_t len;

	text = ini_text(d, &len);
	if (ini_load(&back, text, "edited") != 0) {
		fprintf(stderr, "edited text does not load: %s\n%s\n",
		    err_msg(), text);
		abort();
	}
	got = ini_get(&back, name, NULL);
	if ((val == NULL) != (got == NULL) || (val && strcmp(val, got) != 0)) {
		fprintf(stderr, "%s: wanted %s, got %s\n", name,
		    val ? val : "(none)", got ? got : "(none)");
		abort();
	}
	ini_free(&back);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inidoc d;
	char *text;
	const char *got;
	int i;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ini_load(&d, text, "portal.ini") == 0) {
		for (i = 0; names[i]; i++) {
			const char *v = values[(i + size) % 8];
			ini_set(&d, names[i], v);
			if ((got = ini_get(&d, names[i], NULL)) == NULL ||
			    strcmp(got, v) != 0)
				abort();
			reload(&d, names[i], v);
		}
		ini_unset(&d, names[0]);
		reload(&d, names[0], NULL);
	}
	ini_free(&d);
	free(text);
	return 0;
}
