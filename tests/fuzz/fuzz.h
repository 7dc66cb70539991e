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

#endif
