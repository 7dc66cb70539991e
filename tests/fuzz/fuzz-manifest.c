/* fuzz-manifest.c: OVA manifests, .mf (manifest_parse). */
#include "fuzz.h"
#include "backend.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_entry *m;
	char *cause = NULL;
	size_t n = 0;

	m = manifest_parse((const char *)data, size, &n, &cause);
	manifest_free(m, n);
	free(cause);
	return 0;
}
