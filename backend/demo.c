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

/* ------------------------------------------------------------ lab guest */

static char *demo_guest_dir;
static char *demo_guest_xml;

static void
demo_guest_cleanup(void)
{
	if (demo_guest_xml != NULL) {
		unlink(demo_guest_xml);
		free(demo_guest_xml);
		demo_guest_xml = NULL;
	}
	if (demo_guest_dir != NULL) {
		rmdir(demo_guest_dir);
		free(demo_guest_dir);
		demo_guest_dir = NULL;
	}
}

/* s with XML's five special characters as entities. */
static char *
demo_xml_escape(const char *s)
{
	char *out, *o;

	o = out = xmalloc(strlen(s) * 6 + 1);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': o = stpcpy(o, "&amp;"); break;
		case '<': o = stpcpy(o, "&lt;"); break;
		case '>': o = stpcpy(o, "&gt;"); break;
		case '\'': o = stpcpy(o, "&apos;"); break;
		case '"': o = stpcpy(o, "&quot;"); break;
		default: *o++ = *s; break;
		}
	}
	*o = '\0';
	return out;
}

/* Is an executable NAME on PATH? */
static int
demo_on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char *file;
	int found = 0;

	if (path == NULL)
		path = "/usr/bin:/bin";
	for (p = path; !found && *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		xasprintf(&file, "%.*s/%s", (int)(end - p), p, name);
		found = access(file, X_OK) == 0;
		free(file);
	}
	return found;
}

/* The lab guest image (tests/lab/guest-image), where its cache keeps it. */
static char *
demo_guest_image(void)
{
	const char *cache = getenv("VI_LAB_CACHE"), *xdg, *home;
	char *path;

	if (cache != NULL && *cache != '\0')
		xasprintf(&path, "%s/guest.img", cache);
	else if ((xdg = getenv("XDG_CACHE_HOME")) != NULL && *xdg == '/')
		xasprintf(&path, "%s/virt-import-lab/guest.img", xdg);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.cache/virt-import-lab/guest.img", home);
	else
		return NULL;
	return path;
}

/*
 * The demo's real guest: when virt-v2v is installed and the test lab's
 * small Debian image is built, a folder source holding one libvirt domain
 * over that image (read, never written: virt-v2v converts from an overlay),
 * for a real conversion on the local proxy.  Returns the source spec, or
 * NULL with *why saying what is missing and how to get it.
 */
char *
demo_guest(char **why)
{
	const char *tmp = getenv("TMPDIR");
	char *img, *text, *spec, *cause = NULL;
	int ok;

	*why = NULL;
	if (!demo_on_path("virt-v2v")) {
		*why = xstrdup("No real guest in this demo: virt-v2v is not "
		    "installed here (apt-get install virt-v2v).");
		return NULL;
	}
	if ((img = demo_guest_image()) == NULL || access(img, R_OK) != 0) {
		*why = xstrdup("No real guest in this demo: the lab's guest "
		    "image is not built (tests/lab/guest-image builds it in "
		    "about 5 minutes).");
		free(img);
		return NULL;
	}
	if (demo_guest_dir == NULL) {
		xasprintf(&demo_guest_dir, "%s/virt-import-guest.XXXXXX",
		    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
		if (mkdtemp(demo_guest_dir) == NULL) {
			xasprintf(why, "cannot create %s: %s", demo_guest_dir,
			    strerror(errno));
			free(demo_guest_dir);
			demo_guest_dir = NULL;
			free(img);
			return NULL;
		}
		atexit(demo_guest_cleanup);
		xasprintf(&demo_guest_xml, "%s/lab-guest.xml", demo_guest_dir);
		text = demo_xml_escape(img);
		free(img);
		img = text;
		xasprintf(&text,
		    "<domain type='kvm'>\n"
		    "  <name>lab-guest</name>\n"
		    "  <memory unit='KiB'>1048576</memory>\n"
		    "  <vcpu>1</vcpu>\n"
		    "  <os><type arch='x86_64' machine='pc'>hvm</type>"
		    "<boot dev='hd'/></os>\n"
		    "  <features><acpi/><apic/></features>\n"
		    "  <devices>\n"
		    "    <disk type='file' device='disk'>\n"
		    "      <driver name='qemu' type='raw'/>\n"
		    "      <source file='%s'/>\n"
		    "      <target dev='vda' bus='virtio'/>\n"
		    "    </disk>\n"
		    "    <interface type='network'>\n"
		    "      <source network='default'/>\n"
		    "      <model type='virtio'/>\n"
		    "    </interface>\n"
		    "  </devices>\n"
		    "</domain>\n", img);
		ok = store_write_path(demo_guest_xml, text, &cause) == 0;
		free(text);
		if (!ok) {
			*why = cause;
			demo_guest_cleanup();
			free(img);
			return NULL;
		}
	}
	free(img);
	xasprintf(&spec, "dir:%s", demo_guest_dir);
	return spec;
}
