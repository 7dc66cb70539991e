/* fuzz-theme.c: console themes (theme_parse), and writing back what parsed. */
#include "fuzz.h"
#include "tui.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme *t;
	char *cause = NULL, *text;

	if ((t = theme_parse((const char *)data, size, "fuzz", &cause)) != NULL) {
		text = theme_format(t);
		free(text);
		theme_free(t);
	}
	free(cause);
	return 0;
}
