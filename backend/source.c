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

/*
 * Turn a provider name into the source it stands for.  "demo" is built in:
 * the test driver over the embedded demo inventory.
 */
int
source_resolve(struct source *src, char **cause)
{
	struct source *saved;
	char *uri;

	if (src->kind != SOURCE_PROVIDER)
		return 0;
	if (strcmp(src->location, "demo") == 0) {
		if ((uri = demo_uri(cause)) == NULL)
			return -1;
		src->kind = SOURCE_LIBVIRT;
		free(src->location);
		src->location = uri;
		free(src->name);
		src->name = xstrdup("demo");
		return 0;
	}
	if ((saved = provider_source(src->location, cause)) == NULL)
		return -1;
	src->kind = saved->kind;
	free(src->location);
	src->location = saved->location;
	saved->location = NULL;
	if (src->password_file == NULL) {
		src->password_file = saved->password_file;
		saved->password_file = NULL;
	}
	if (src->connections == 0)
		src->connections = saved->connections;
	source_free(saved);
	return 0;
}

/*
 * Read a source's inventory.  With details, every VM's configuration is
 * read too (for libvirt on src->connections connections at once); file
 * sources are always read whole.
 */
struct inventory *
source_read(struct source *src, int details, char **cause)
{
	struct inventory *inv = NULL;

	if (source_resolve(src, cause) != 0)
		return NULL;
	switch (src->kind) {
	case SOURCE_LIBVIRT:
		return libvirt_read(src->location, src->password_file, details,
		    src->connections, cause);
	case SOURCE_OVA:
		inv = ova_read(src->location, src->verify, cause);
		break;
	case SOURCE_VMX:
		inv = vmx_read(src->location, cause);
		break;
	case SOURCE_XML:
		inv = xmlfile_read(src->location, cause);
		break;
	case SOURCE_DIR:
		inv = dir_read(src->location, cause);
		break;
	case SOURCE_EXPORT:
		inv = export_read(src->location, cause);
		break;
	case SOURCE_PROVIDER:
		break;
	}
	if (inv != NULL) {
		inventory_check_macs(inv);
		inventory_check_names(inv);
	}
	return inv;
}

/*
 * source_read in parts (see libvirt_read_each): a libvirt source gives its
 * list and then its VMs' details a few at a time; a file source gives its
 * whole inventory as one part.
 */
int
source_read_each(struct source *src, int (*each)(void *, struct inventory *),
    void *arg, char **cause)
{
	struct inventory *inv;

	if (source_resolve(src, cause) != 0)
		return -1;
	if (src->kind == SOURCE_LIBVIRT)
		return libvirt_read_each(src->location, src->password_file,
		    src->connections, each, arg, cause);
	if ((inv = source_read(src, 1, cause)) == NULL)
		return -1;
	each(arg, inv);
	return 0;
}

/* One VM of a source, with its configuration. */
struct vm *
source_inspect(struct source *src, const char *name, char **cause)
{
	struct inventory *inv;
	struct vm *vm;
	size_t i;

	if (source_resolve(src, cause) != 0)
		return NULL;
	if (src->kind == SOURCE_LIBVIRT)
		return libvirt_inspect(src->location, src->password_file, name,
		    cause);
	if ((inv = source_read(src, 1, cause)) == NULL)
		return NULL;
	/* By its file first (unique in a folder), then by name. */
	for (i = 0; i < inv->nvms; i++) {
		if (str_eq(inv->vms[i]->origin, name))
			break;
	}
	if (i == inv->nvms) {
		size_t found = 0, j;

		for (j = 0; j < inv->nvms; j++) {
			if (strcmp(inv->vms[j]->name, name) == 0) {
				if (found++ == 0)
					i = j;
			}
		}
		if (found > 1) {
			cause_set(cause, "%zu VMs of %s are named '%s': name one "
			    "by its file instead (the origin 'virt-import list "
			    "--json' shows)", found, src->location, name);
			inventory_free(inv);
			return NULL;
		}
	}
	if (i == inv->nvms) {
		cause_set(cause, "%s has no VM named '%s': run 'virt-import "
		    "list' to see the names", src->location, name);
		inventory_free(inv);
		return NULL;
	}
	vm = inv->vms[i];
	inv->vms[i] = inv->vms[--inv->nvms];
	inventory_free(inv);
	return vm;
}
