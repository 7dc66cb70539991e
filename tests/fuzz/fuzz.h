/*
 * fuzz.h: libFuzzer targets for virt-import's parsers, one file each
 * (tests/fuzz/fuzz-NAME.c).  Each parses the bytes it is given, frees what
 * it got, and lets the sanitizers judge; a parser must reject bad input
 * with a cause, never crash, leak or read out of bounds.  Seeds are the
 * recorded real data of the unit tests (tests/fuzz/NAME.seeds lists the
 * folders); crashes found are fixed and their inputs kept in
 * tests/fuzz/regress/NAME/, which tests/run replays first.
 */
#ifndef VI_FUZZ_H
#define VI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The target of a parser of one VM's configuration, PARSE(bytes, size,
 * &cause) returning a struct vm * or NULL (backend.h included first).
 */
#define FUZZ_VM_PARSER(PARSE)						\
int									\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	char *cause = NULL;						\
									\
	vm_free(PARSE((const char *)data, size, &cause));		\
	free(cause);							\
	return 0;							\
}

#endif
