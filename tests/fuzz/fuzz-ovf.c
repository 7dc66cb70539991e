/* fuzz-ovf.c: OVF descriptors (ovf_parse). */
#include "backend.h"
#include "fuzz.h"

FUZZ_VM_PARSER(ovf_parse)
