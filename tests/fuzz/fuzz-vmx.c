/* fuzz-vmx.c: VMware .vmx files (vmx_parse). */
#include "backend.h"
#include "fuzz.h"

FUZZ_VM_PARSER(vmx_parse)
