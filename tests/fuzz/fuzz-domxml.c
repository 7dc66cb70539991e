/* fuzz-domxml.c: libvirt domain XML (domxml_parse). */
#include "backend.h"
#include "fuzz.h"

FUZZ_VM_PARSER(domxml_parse)
