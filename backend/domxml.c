/*
 * domxml.c: read a libvirt domain XML document into a struct vm.
 *
 * A pure function over bytes: no libvirt connection, no files, no output.
 * The same code reads what virDomainGetXMLDesc returns for every driver
 * (ESX, Xen, QEMU, test) and the domain XML files of xml: sources.  The
 * parser never loads external entities, DTDs or network resources, and its
 * errors come back as a cause, never on stderr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "backend.h"

int
domxml_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
domxml_child(const xmlNode *parent, const char *name)
{
	xmlNode *n;

	if (parent == NULL)
		return NULL;
	for (n = parent->children; n != NULL; n = n->next) {
		if (domxml_is(n, name))
			return n;
	}
	return NULL;
}

/* An attribute as an allocated string, or NULL. */
char *
domxml_attr(const xmlNode *n, const char *name)
{
	xmlChar *v;
	char *s;

	if (n == NULL || (v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* An element's text, trimmed, as an allocated string, or NULL. */
static char *
xml_text(const xmlNode *n)
{
	xmlChar *v;
	char *s, *start, *end;

	if (n == NULL || (v = xmlNodeGetContent(n)) == NULL)
		return NULL;
	for (start = (char *)v; *start == ' ' || *start == '\t' ||
	    *start == '\n' || *start == '\r'; start++)
		;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	s = xstrndup(start, (size_t)(end - start));
	xmlFree(v);
	return s;
}

static int
attr_is(const xmlNode *n, const char *name, const char *value)
{
	char *v = domxml_attr(n, name);
	int eq = v != NULL && strcmp(v, value) == 0;

	free(v);
	return eq;
}

/* libvirt's scaled integers: <memory unit='MiB'>4</memory>. */
static int
parse_scaled(const char *text, const char *unit, uint64_t deflt,
    uint64_t *out)
{
	static const struct {
		const char	*name;
		uint64_t	 scale;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 },
		{ "KB", 1000ULL }, { "k", 1024ULL }, { "KiB", 1024ULL },
		{ "MB", 1000000ULL }, { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "GB", 1000000000ULL }, { "G", 1ULL << 30 },
		{ "GiB", 1ULL << 30 },
		{ "TB", 1000000000000ULL }, { "T", 1ULL << 40 },
		{ "TiB", 1ULL << 40 },
		{ "PB", 1000000000000000ULL }, { "P", 1ULL << 50 },
		{ "PiB", 1ULL << 50 },
	};
	uint64_t v, scale = deflt;
	char *end;
	size_t i;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	if (unit != NULL) {
		for (i = 0; i < sizeof units / sizeof *units; i++) {
			if (strcmp(unit, units[i].name) == 0)
				break;
		}
		if (i == sizeof units / sizeof *units)
			return -1;
		scale = units[i].scale;
	}
	if (v > UINT64_MAX / scale)
		return -1;
	*out = v * scale;
	return 0;
}

static int
domxml_memory(struct vm *vm, const xmlNode *dom, char **cause)
{
	xmlNode *n = domxml_child(dom, "memory");
	char *text, *unit;
	int rc = 0;

	if (n == NULL)
		return 0;
	text = xml_text(n);
	unit = domxml_attr(n, "unit");
	if (parse_scaled(text, unit, 1024, &vm->memory) != 0) {
		cause_set(cause, "memory '%s%s%s' is not a size libvirt writes",
		    text != NULL ? text : "", unit != NULL ? " " : "",
		    unit != NULL ? unit : "");
		rc = -1;
	}
	free(text);
	free(unit);
	return rc;
}

static int
domxml_vcpus(struct vm *vm, const xmlNode *dom, char **cause)
{
	char *text = xml_text(domxml_child(dom, "vcpu")), *end;
	unsigned long v;
	int rc = 0;

	if (text == NULL)
		return 0;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v == 0 || v > 65536) {
		cause_set(cause, "vcpu '%s' is not a CPU count", text);
		rc = -1;
	} else
		vm->vcpus = (unsigned)v;
	free(text);
	return rc;
}

static void
domxml_os(struct vm *vm, const xmlNode *dom)
{
	xmlNode *os = domxml_child(dom, "os"), *type, *loader, *md, *n;
	char *kind, *path;

	if (os == NULL)
		return;
	type = domxml_child(os, "type");
	vm->arch = domxml_attr(type, "arch");
	kind = xml_text(type);
	loader = domxml_child(os, "loader");
	path = xml_text(loader);
	if (attr_is(os, "firmware", "efi") || attr_is(loader, "type", "pflash") ||
	    (path != NULL && (strcasestr(path, "ovmf") != NULL ||
	    strcasestr(path, "edk2") != NULL || strcasestr(path, "aavmf") !=
	    NULL)))
		vm->firmware = VM_FIRMWARE_UEFI;
	else if (kind != NULL && strcmp(kind, "hvm") == 0)
		vm->firmware = VM_FIRMWARE_BIOS;
	free(kind);
	free(path);

	/* The OS as libosinfo names it, when the domain was told. */
	if ((md = domxml_child(dom, "metadata")) == NULL)
		return;
	for (n = md->children; n != NULL; n = n->next) {
		xmlNode *o;

		if (!domxml_is(n, "libosinfo"))
			continue;
		if ((o = domxml_child(n, "os")) != NULL && vm->os == NULL)
			vm->os = domxml_attr(o, "id");
	}
}

/* "[datastore1] web01/web01.vmdk": the datastore is in the brackets. */
static char *
datastore_of(const char *path)
{
	const char *end;

	if (path == NULL || path[0] != '[' || (end = strchr(path, ']')) == NULL ||
	    end == path + 1)
		return NULL;
	return xstrndup(path + 1, (size_t)(end - path - 1));
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static void
domxml_disk(struct vm *vm, const xmlNode *n)
{
	xmlNode *src = domxml_child(n, "source"), *tgt = domxml_child(n, "target");
	char *type = domxml_attr(n, "type"), *fmt, *proto = NULL;
	struct disk *d;

	d = vm_add_disk(vm);
	d->target = domxml_attr(tgt, "dev");
	d->bus = domxml_attr(tgt, "bus");
	if (type == NULL || strcmp(type, "file") == 0)
		d->path = domxml_attr(src, "file");
	else if (strcmp(type, "block") == 0)
		d->path = domxml_attr(src, "dev");
	else if (strcmp(type, "volume") == 0) {
		char *pool = domxml_attr(src, "pool"), *vol = domxml_attr(src, "volume");

		if (pool != NULL && vol != NULL)
			xasprintf(&d->path, "%s/%s", pool, vol);
		d->datastore = pool;
		free(vol);
	} else if (strcmp(type, "network") == 0) {
		proto = domxml_attr(src, "protocol");
		d->path = domxml_attr(src, "name");
	}
	if (d->datastore == NULL)
		d->datastore = datastore_of(d->path);

	fmt = domxml_attr(domxml_child(n, "driver"), "type");
	d->format = disk_format_parse(fmt);
	if (d->format == DISK_FORMAT_UNKNOWN && d->path != NULL &&
	    ends_with(d->path, ".vmdk"))
		d->format = DISK_FORMAT_VMDK;
	free(fmt);

	if (proto != NULL && strcmp(proto, "nbd") != 0 &&
	    strcmp(proto, "http") != 0 && strcmp(proto, "https") != 0)
		vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s is on "
		    "%s storage, which virt-v2v cannot read: copy it to a file "
		    "or a block device first", d->target != NULL ? d->target :
		    "?", proto);
	else if (d->path == NULL)
		vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s has no "
		    "source: attach its image, or remove the disk",
		    d->target != NULL ? d->target : "?");
	free(proto);
	free(type);
}

static void
domxml_nic(struct vm *vm, const xmlNode *n)
{
	xmlNode *src = domxml_child(n, "source");
	char *type = domxml_attr(n, "type"), *mac;
	struct nic *nic;

	nic = vm_add_nic(vm);
	if (type != NULL && strcmp(type, "network") == 0) {
		nic->kind = NIC_NETWORK;
		nic->network = domxml_attr(src, "network");
	} else if (type != NULL && strcmp(type, "vds") == 0) {
		/*
		 * A vSphere distributed switch port: libvirt gives the port
		 * group's id, not its name, and virt-v2v maps it by that id.
		 */
		nic->kind = NIC_NETWORK;
		nic->network = domxml_attr(src, "portgroupid");
	} else if (type != NULL && strcmp(type, "direct") == 0) {
		nic->kind = NIC_BRIDGE;
		nic->network = domxml_attr(src, "dev");
	} else {
		/* ESX port groups arrive as bridges too. */
		nic->kind = NIC_BRIDGE;
		nic->network = domxml_attr(src, "bridge");
	}
	nic->model = domxml_attr(domxml_child(n, "model"), "type");
	mac = domxml_attr(domxml_child(n, "mac"), "address");
	if (mac == NULL || mac_normalize(mac, nic->mac) != 0)
		nic->mac[0] = '\0';
	free(mac);
	free(type);
}

static struct vm *
domxml_read(const xmlNode *dom, char **cause)
{
	xmlNode *devs, *n;
	struct vm *vm;
	char *name, *uuid;

	if (!domxml_is(dom, "domain")) {
		cause_set(cause, "the document is not a libvirt domain: its top "
		    "element is <%s>, not <domain>", (const char *)dom->name);
		return NULL;
	}
	name = xml_text(domxml_child(dom, "name"));
	if (name == NULL || *name == '\0') {
		cause_set(cause, "the domain has no <name>");
		free(name);
		return NULL;
	}
	vm = vm_new(name);
	free(name);
	vm->detailed = 1;
	uuid = xml_text(domxml_child(dom, "uuid"));
	if (uuid != NULL && uuid_valid(uuid))
		memcpy(vm->uuid, uuid, sizeof vm->uuid);
	free(uuid);

	if (domxml_memory(vm, dom, cause) != 0 ||
	    domxml_vcpus(vm, dom, cause) != 0) {
		cause_prefix(cause, "domain '%s'", vm->name);
		vm_free(vm);
		return NULL;
	}
	domxml_os(vm, dom);

	devs = domxml_child(dom, "devices");
	for (n = devs != NULL ? devs->children : NULL; n != NULL; n = n->next) {
		if (domxml_is(n, "disk")) {
			char *dev = domxml_attr(n, "device");

			/* CD-ROMs and floppies are not converted. */
			if (dev == NULL || strcmp(dev, "disk") == 0 ||
			    strcmp(dev, "lun") == 0)
				domxml_disk(vm, n);
			free(dev);
		} else if (domxml_is(n, "interface"))
			domxml_nic(vm, n);
	}
	if (vm->ndisks == 0)
		vm_add_problem(vm, PROBLEM_NO_DISKS, "'%s' has no disks: there "
		    "is nothing to convert", vm->name);
	return vm;
}

/*
 * Parse len bytes of domain XML.  Returns the VM, or NULL with a cause that
 * says where the document is broken.
 */
struct vm *
domxml_parse(const char *buf, size_t len, char **cause)
{
	xmlParserCtxtPtr ctxt;
	const xmlError *err;
	xmlDocPtr doc;
	xmlNode *root;
	struct vm *vm;

	if (len == 0) {
		cause_set(cause, "the domain XML is empty");
		return NULL;
	}
	if (len > INT32_MAX) {
		cause_set(cause, "the domain XML is too large (%zu bytes)", len);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("xmlNewParserCtxt failed");
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "domain.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		err = xmlCtxtGetLastError(ctxt);
		if (err != NULL && err->message != NULL) {
			size_t n = strlen(err->message);

			cause_set(cause, "the domain XML is malformed at line %d: "
			    "%.*s", err->line, (int)(n > 0 &&
			    err->message[n - 1] == '\n' ? n - 1 : n),
			    err->message);
		} else
			cause_set(cause, "the domain XML is malformed");
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	vm = root != NULL ? domxml_read(root, cause) : NULL;
	if (root == NULL)
		cause_set(cause, "the domain XML has no element");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return vm;
}
