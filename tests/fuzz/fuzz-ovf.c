/* fuzz-ovf.c: OVF descriptors (ovf_parse). */
#include "fuzz.h"
#include "backend.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm *vm;
	char *cause = NULL;

	vm = ovf_parse((const char *)data, size, &cause);
	vm_free(vm);
	free(cause);
	return 0;
}
