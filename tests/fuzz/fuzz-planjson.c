/* fuzz-planjson.c: plan files (planjson_parse), and writing back what parsed. */
#include "fuzz.h"
#include "backend.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *plan;
	char *cause = NULL, *text;

	if ((plan = planjson_parse((const char *)data, size, &cause)) != NULL) {
		/* What parsed must write back. */
		if ((text = planjson_string(plan)) == NULL)
			abort();
		free(text);
		plan_free(plan);
	}
	free(cause);
	return 0;
}
