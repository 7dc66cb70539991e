/*
 * fuzz-v2vlog.c: virt-v2v's output (v2vlog_feed), fed in pieces whose
 * sizes come from the input's first byte, as a follower reads it.
 */
#include "fuzz.h"
#include "backend.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v2vlog *l;
	size_t chunk, off, n;
	int pct;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] + 1;
	data++;
	size--;
	l = v2vlog_new();
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		v2vlog_feed(l, (const char *)data + off, n);
		pct = v2vlog_percent(l);
		if (pct < -1 || pct > 100)
			abort();
	}
	v2vlog_end(l);
	v2vlog_free(l);
	return 0;
}
