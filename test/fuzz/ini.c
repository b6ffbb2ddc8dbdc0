/* ini.c — fuzz store_ini_parse(), the reader of roster.ini. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roster/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store st = STORE_INIT;
	char *text;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	store_ini_parse(&st, text, size);
	store_close(&st);
	free(text);
	return 0;
}
