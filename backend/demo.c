/*
 * demo.c: the embedded demo source, the libvirt test driver over an
 * inventory compiled into the binary (backend/demo-node.xml).  The test
 * driver reads a node file by path, so the text is written once to a
 * private temporary file that lives as long as the process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

static char *demo_path;

static void
demo_cleanup(void)
{
	if (demo_path != NULL) {
		unlink(demo_path);
		free(demo_path);
		demo_path = NULL;
	}
}

/* The demo's libvirt URI (test:///PATH), or NULL with a cause. */
char *
demo_uri(char **cause)
{
	const char *text, *tmp;
	size_t size, off = 0;
	char *uri;
	ssize_t n;
	int fd;

	if ((text = embedded_find("backend/demo-node.xml", &size)) == NULL) {
		cause_set(cause, "this binary has no demo inventory built in");
		return NULL;
	}
	if (demo_path == NULL) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		xasprintf(&demo_path, "%s/virt-import-demo.XXXXXX", tmp);
		if ((fd = mkstemp(demo_path)) == -1) {
			cause_set(cause, "cannot create the demo inventory in "
			    "%s: %s: set TMPDIR to a writable directory", tmp,
			    strerror(errno));
			free(demo_path);
			demo_path = NULL;
			return NULL;
		}
		while (off < size) {
			n = write(fd, text + off, size - off);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				cause_set(cause, "cannot write the demo "
				    "inventory to %s: %s", demo_path,
				    strerror(errno));
				close(fd);
				demo_cleanup();
				return NULL;
			}
			off += (size_t)n;
		}
		close(fd);
		atexit(demo_cleanup);
	}
	xasprintf(&uri, "test://%s", demo_path);
	return uri;
}
