/* fuzz-tar.c: OVA files, the tar index (tar_index over a memory file). */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "backend.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_entry *e;
	char *cause = NULL;
	size_t n = 0;
	int fd;

	if ((fd = memfd_create("fuzz.ova", MFD_CLOEXEC)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	e = tar_index(fd, &n, &cause);
	tar_entries_free(e, n);
	free(cause);
	close(fd);
	return 0;
}
