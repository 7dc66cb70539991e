/*
 * source.c: parse what the user names as a source.
 *
 *   vpx://user@vcenter/DC/Cluster/host?no_verify=1   VMware vCenter
 *   esx://root@esxi?no_verify=1                      VMware ESXi
 *   xen+ssh://root@xenhost                           Xen
 *   qemu+ssh://root@kvm/system, qemu:///system       KVM
 *   test:///PATH/node.xml                            libvirt test driver
 *   ova:PATH vmx:PATH xml:PATH dir:PATH export:PATH  files
 *   NAME                                             a saved provider
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static const char *libvirt_schemes[] = {
	"vpx", "esx", "gsx", "xen", "xen+ssh", "qemu", "qemu+ssh",
	"qemu+libssh", "qemu+unix", "qemu+tcp", "qemu+tls", "test", NULL
};

static const struct {
	const char		*prefix;
	enum source_kind	 kind;
} file_kinds[] = {
	{ "ova:", SOURCE_OVA },
	{ "vmx:", SOURCE_VMX },
	{ "xml:", SOURCE_XML },
	{ "dir:", SOURCE_DIR },
	{ "export:", SOURCE_EXPORT },
};

#define SOURCE_HINT "use a libvirt URI (vpx://, esx://, xen+ssh://, " \
	"qemu+ssh://, qemu:///system, test:///), ova:PATH, vmx:PATH, " \
	"xml:PATH, dir:PATH, export:PATH or a saved provider's name"

static struct source *
source_make(enum source_kind kind, const char *location)
{
	struct source *src;

	src = xcalloc(1, sizeof *src);
	src->kind = kind;
	src->location = xstrdup(location);
	return src;
}

struct source *
source_parse(const char *spec, char **cause)
{
	const char *sep;
	struct source *src;
	size_t i, len;

	if (spec == NULL || *spec == '\0') {
		cause_set(cause, "no source given: %s", SOURCE_HINT);
		return NULL;
	}
	if (strpbrk(spec, "\n\r") != NULL) {
		cause_set(cause, "source has a line break in it: %s",
		    SOURCE_HINT);
		return NULL;
	}

	if ((sep = strstr(spec, "://")) != NULL) {
		len = (size_t)(sep - spec);
		for (i = 0; libvirt_schemes[i] != NULL; i++) {
			if (strlen(libvirt_schemes[i]) == len &&
			    strncmp(spec, libvirt_schemes[i], len) == 0)
				return source_make(SOURCE_LIBVIRT, spec);
		}
		cause_set(cause, "'%.*s://' is not a source virt-import knows: "
		    "%s", (int)len, spec, SOURCE_HINT);
		return NULL;
	}

	for (i = 0; i < sizeof file_kinds / sizeof *file_kinds; i++) {
		len = strlen(file_kinds[i].prefix);
		if (strncmp(spec, file_kinds[i].prefix, len) != 0)
			continue;
		if (spec[len] == '\0') {
			cause_set(cause, "'%s' names no path: write %sPATH",
			    spec, file_kinds[i].prefix);
			return NULL;
		}
		return source_make(file_kinds[i].kind, spec + len);
	}

	if (strchr(spec, ':') != NULL || strchr(spec, '/') != NULL) {
		cause_set(cause, "'%s' is not a source: %s", spec, SOURCE_HINT);
		return NULL;
	}
	if (name_valid("provider name", spec, cause) != 0) {
		cause_prefix(cause, "'%s' is not a source (%s)", spec,
		    SOURCE_HINT);
		return NULL;
	}
	src = source_make(SOURCE_PROVIDER, spec);
	src->name = xstrdup(spec);
	return src;
}

void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	free(src->name);
	free(src->location);
	free(src->password_file);
	free(src);
}

const char *
source_kind_name(enum source_kind k)
{
	switch (k) {
	case SOURCE_LIBVIRT:
		return "libvirt";
	case SOURCE_OVA:
		return "ova";
	case SOURCE_VMX:
		return "vmx";
	case SOURCE_XML:
		return "xml";
	case SOURCE_DIR:
		return "dir";
	case SOURCE_EXPORT:
		return "export";
	case SOURCE_PROVIDER:
		return "provider";
	}
	return "unknown";
}

/* Does the source speak VMware (thumbprints, datastores, VDDK)? */
int
source_is_vmware(const struct source *src)
{
	switch (src->kind) {
	case SOURCE_LIBVIRT:
		return strncmp(src->location, "vpx://", 6) == 0 ||
		    strncmp(src->location, "esx://", 6) == 0 ||
		    strncmp(src->location, "gsx://", 6) == 0;
	case SOURCE_OVA:
	case SOURCE_VMX:
		return 1;
	default:
		return 0;
	}
}
