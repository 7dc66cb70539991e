/*
 * ovf.c: read an OVF descriptor into a struct vm.
 *
 * Two families write OVF.  VMware (ovftool, vCenter, ESXi) and VirtualBox
 * write the DMTF form: an Envelope with References (the package's files), a
 * DiskSection (disks, each naming a file), and a VirtualSystem whose
 * VirtualHardwareSection lists rasd Items: CPUs (ResourceType 3), memory
 * (4), controllers (5 IDE, 6 SCSI, 20 SATA/NVMe), disks (17) and NICs (10).
 * OVF 2.0 (VirtualBox's "OVF 2.0" export) moves disks and NICs into
 * StorageItem and EthernetPortItem with their own namespaces.  oVirt writes
 * its export domains' OVFs with generic <Section xsi:type="ovf:..._Type">
 * elements, a <Content> for the virtual system, disk sizes in GiB and disk
 * files named imageGroupId/imageId.  Both are read by the same code: a
 * section is found by its element name or by its xsi:type.
 *
 * Elements are matched by local name and namespace, so a prefix means
 * nothing.  The OVF namespace varies (envelope/1, envelope/1/ in oVirt,
 * envelope/2), and oVirt leaves most elements in no namespace at all, so
 * all of these count as OVF; the CIM settings (rasd:, sasd:, epasd:) are
 * one family too.  A pure function over bytes, with libxml2 told never to
 * load entities, DTDs or network resources.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "backend.h"

#define OVF_NS_VMW	"http://www.vmware.com/schema/ovf"
#define OVF_NS_VBOX	"http://www.virtualbox.org/ovf/machine"
#define OVF_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define OVF_NS_CIM	"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

/* Far more than any VM has; it bounds the lookups between sections. */
#define OVF_MAX_ELEMENTS 4096

/* DMTF resource types (CIM_ResourceAllocationSettingData). */
#define OVF_RT_CPU	3
#define OVF_RT_MEMORY	4
#define OVF_RT_IDE	5
#define OVF_RT_SCSI	6
#define OVF_RT_NIC	10
#define OVF_RT_DISK	17
#define OVF_RT_STORAGE	20

struct ovf {
	xmlNode		*env;
	xmlNode		*refs;		/* References */
	xmlNode		*disks;		/* DiskSection */
	xmlNode		*vs;		/* the VirtualSystem (or Content) */
	xmlNode		*hw;		/* its VirtualHardwareSection */
	char		*config;	/* chosen deployment option, or NULL */
	int		 ovirt;
};

static int
ovf_ns_ovf(const xmlNs *ns)
{
	static const char *uris[] = {
		"http://schemas.dmtf.org/ovf/envelope/1",
		"http://schemas.dmtf.org/ovf/envelope/1/",
		"http://schemas.dmtf.org/ovf/envelope/2",
		"http://schemas.dmtf.org/ovf/envelope/2/",
	};
	size_t i;

	if (ns == NULL || ns->href == NULL)
		return 1;
	for (i = 0; i < sizeof uris / sizeof *uris; i++) {
		if (strcmp((const char *)ns->href, uris[i]) == 0)
			return 1;
	}
	return 0;
}

static int
ovf_ns_is(const xmlNs *ns, const char *uri)
{
	return ns != NULL && ns->href != NULL &&
	    strcmp((const char *)ns->href, uri) == 0;
}

static int
ovf_ns_cim(const xmlNs *ns)
{
	return ns != NULL && ns->href != NULL && strncmp((const char *)ns->href,
	    OVF_NS_CIM, sizeof OVF_NS_CIM - 1) == 0;
}

/* An element of the OVF envelope's namespace with this local name. */
static int
ovf_is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, local) == 0 && ovf_ns_ovf(n->ns);
}

static xmlNode *
ovf_child(const xmlNode *parent, const char *local)
{
	xmlNode *n;

	for (n = parent != NULL ? parent->children : NULL; n != NULL;
	    n = n->next) {
		if (ovf_is(n, local))
			return n;
	}
	return NULL;
}

/* An element's text, trimmed, as an allocated string, or NULL. */
static char *
ovf_text(const xmlNode *n)
{
	xmlChar *v;
	char *s, *start, *end;

	if (n == NULL || (v = xmlNodeGetContent(n)) == NULL)
		return NULL;
	for (start = (char *)v; *start != '\0' && isspace((unsigned char)
	    *start); start++)
		;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	s = xstrndup(start, (size_t)(end - start));
	xmlFree(v);
	return s;
}

/* An attribute in the OVF namespace (or unqualified), as a string. */
static char *
ovf_attr(const xmlNode *n, const char *local)
{
	xmlAttr *a;
	xmlChar *v;
	char *s;

	for (a = n != NULL ? n->properties : NULL; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, local) != 0 ||
		    !ovf_ns_ovf(a->ns))
			continue;
		if ((v = xmlNodeGetContent((const xmlNode *)a)) == NULL)
			return NULL;
		s = xstrdup((const char *)v);
		xmlFree(v);
		return s;
	}
	return NULL;
}

static char *
ovf_attr_ns(const xmlNode *n, const char *local, const char *uri)
{
	xmlChar *v;
	char *s;

	if (n == NULL || (v = xmlGetNsProp(n, (const xmlChar *)local,
	    (const xmlChar *)uri)) == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/*
 * A section of a kind: <DiskSection>, or oVirt's <Section
 * xsi:type="ovf:DiskSection_Type">; <VirtualSystem>, or <Content
 * xsi:type="ovf:VirtualSystem_Type">.
 */
static int
ovf_section_is(const xmlNode *n, const char *kind)
{
	char *type, *local;
	size_t len = strlen(kind);
	int match;

	if (n == NULL || n->type != XML_ELEMENT_NODE || !ovf_ns_ovf(n->ns))
		return 0;
	if (strcmp((const char *)n->name, kind) == 0)
		return 1;
	if ((type = ovf_attr_ns(n, "type", OVF_NS_XSI)) == NULL)
		return 0;
	local = strrchr(type, ':') != NULL ? strrchr(type, ':') + 1 : type;
	match = strncmp(local, kind, len) == 0 && strcmp(local + len,
	    "_Type") == 0;
	free(type);
	return match;
}

static xmlNode *
ovf_section(const xmlNode *parent, const char *kind)
{
	xmlNode *n;

	for (n = parent != NULL ? parent->children : NULL; n != NULL;
	    n = n->next) {
		if (ovf_section_is(n, kind))
			return n;
	}
	return NULL;
}

/* The text of an Item's setting (rasd:, sasd:, epasd: alike). */
static char *
ovf_setting(const xmlNode *item, const char *local)
{
	xmlNode *n;

	for (n = item->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && ovf_ns_cim(n->ns) &&
		    strcasecmp((const char *)n->name, local) == 0)
			return ovf_text(n);
	}
	return NULL;
}

static int
ovf_setting_num(const xmlNode *item, const char *local, uint64_t *out)
{
	char *text = ovf_setting(item, local), *end;
	int rc = -1;

	if (text != NULL && *text >= '0' && *text <= '9') {
		errno = 0;
		*out = strtoull(text, &end, 10);
		rc = errno == 0 && *end == '\0' ? 0 : -1;
	}
	free(text);
	return rc;
}

static int
ovf_num(const char *text, uint64_t *out)
{
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	*out = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/*
 * DMTF programmatic units ("byte * 2^20", "byte*10^9") and the names
 * VirtualBox and oVirt write ("MegaBytes"), as a multiplier in bytes.
 */
static int
ovf_units(const char *text, uint64_t *mult)
{
	static const struct {
		const char	*name;
		unsigned	 shift;
	} names[] = {
		{ "byte", 0 }, { "bytes", 0 },
		{ "kilobytes", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "megabytes", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "gigabytes", 30 }, { "gb", 30 }, { "gib", 30 },
		{ "terabytes", 40 }, { "tb", 40 }, { "tib", 40 },
	};
	char buf[64], *p, *end;
	unsigned long base, exp;
	size_t i, n = 0;
	uint64_t m;

	for (; *text != '\0'; text++) {
		if (isspace((unsigned char)*text))
			continue;
		if (n == sizeof buf - 1)
			return -1;
		buf[n++] = (char)tolower((unsigned char)*text);
	}
	buf[n] = '\0';
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		if (strcmp(buf, names[i].name) == 0) {
			*mult = 1ULL << names[i].shift;
			return 0;
		}
	}
	if (strncmp(buf, "byte*", 5) != 0)
		return -1;
	p = buf + 5;
	errno = 0;
	base = strtoul(p, &end, 10);
	if (errno != 0 || end == p || (base != 2 && base != 10) || *end != '^')
		return -1;
	p = end + 1;
	exp = strtoul(p, &end, 10);
	if (errno != 0 || end == p || *end != '\0' ||
	    exp > (base == 2 ? 63 : 19))
		return -1;
	for (m = 1; exp > 0; exp--)
		m *= base;
	*mult = m;
	return 0;
}

static int
ovf_scaled(const char *value, const char *units, uint64_t deflt,
    uint64_t *out)
{
	uint64_t v, mult = deflt;

	if (ovf_num(value, &v) != 0)
		return -1;
	if (units != NULL && ovf_units(units, &mult) != 0)
		return -1;
	if (mult != 0 && v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* Does an Item apply to the chosen deployment option (ovf:configuration)? */
static int
ovf_item_applies(const struct ovf *ovf, const xmlNode *item)
{
	char *configs = ovf_attr(item, "configuration"), *bound, *p, *word;
	int applies = configs == NULL || ovf->config == NULL;

	if (configs != NULL && ovf->config != NULL) {
		for (p = configs; (word = strsep(&p, " \t\n")) != NULL;) {
			if (strcmp(word, ovf->config) == 0)
				applies = 1;
		}
	}
	free(configs);
	/* Ranges give min, max and normal; normal is what deploys. */
	if ((bound = ovf_attr(item, "bound")) != NULL) {
		if (strcmp(bound, "normal") != 0)
			applies = 0;
		free(bound);
	}
	return applies;
}

static int
ovf_is_item(const xmlNode *n)
{
	return ovf_is(n, "Item") || ovf_is(n, "StorageItem") ||
	    ovf_is(n, "EthernetPortItem");
}

static int
ovf_item_type(const xmlNode *item)
{
	uint64_t t;

	if (ovf_setting_num(item, "ResourceType", &t) != 0 || t > 100)
		return -1;
	return (int)t;
}

/* The Item whose InstanceID (oVirt: InstanceId) is id. */
static xmlNode *
ovf_item_by_id(const struct ovf *ovf, const char *id)
{
	xmlNode *n;
	char *iid;
	int match;

	for (n = ovf->hw->children; n != NULL; n = n->next) {
		if (!ovf_is_item(n) || !ovf_item_applies(ovf, n))
			continue;
		iid = ovf_setting(n, "InstanceID");
		match = iid != NULL && strcmp(iid, id) == 0;
		free(iid);
		if (match)
			return n;
	}
	return NULL;
}

/* The child of section whose attribute attr (OVF namespace) is value. */
static xmlNode *
ovf_find(const xmlNode *section, const char *element, const char *attr,
    const char *value)
{
	xmlNode *n;
	char *v;
	int match;

	for (n = section != NULL ? section->children : NULL; n != NULL;
	    n = n->next) {
		if (!ovf_is(n, element))
			continue;
		v = ovf_attr(n, attr);
		match = v != NULL && strcmp(v, value) == 0;
		free(v);
		if (match)
			return n;
	}
	return NULL;
}

/*
 * A file name from References is safe to look up in the package: relative,
 * no "." or ".." component, no URL, no backslash.  The OVA reader matches it
 * against tar members and the folder reader opens it below the folder.
 */
static int
ovf_href_safe(const char *href)
{
	return strstr(href, "://") == NULL && strchr(href, '\\') == NULL &&
	    path_inside(href);
}

static enum disk_format
ovf_format(const xmlNode *d)
{
	char *vf = ovf_attr(d, "volume-format"), *url = ovf_attr(d, "format");
	enum disk_format f = DISK_FORMAT_UNKNOWN;

	/* oVirt's volume format first: its format URLs are not reliable. */
	if (vf != NULL && strcasecmp(vf, "COW") == 0)
		f = DISK_FORMAT_QCOW2;
	else if (vf != NULL && strcasecmp(vf, "RAW") == 0)
		f = DISK_FORMAT_RAW;
	else if (url != NULL && strcasestr(url, "vmdk") != NULL)
		f = DISK_FORMAT_VMDK;
	else if (url != NULL && strcasestr(url, "qcow") != NULL)
		f = DISK_FORMAT_QCOW2;
	else if (url != NULL && strcasestr(url, "vhd") != NULL)
		f = DISK_FORMAT_VHD;
	else if (url != NULL && strcasestr(url, "vdi") != NULL)
		f = DISK_FORMAT_VDI;
	else if (url != NULL && strcasestr(url, "raw") != NULL)
		f = DISK_FORMAT_RAW;
	free(vf);
	free(url);
	return f;
}

/* Where a disk sits: bus from its controller, and a guest name for it. */
static void
ovf_disk_bus(const struct ovf *ovf, const xmlNode *item, struct disk *disk)
{
	char *parent = ovf_setting(item, "Parent"), *sub;
	uint64_t bus = 0, unit;
	xmlNode *ctrl;
	int type;

	if (parent == NULL)
		return;
	ctrl = ovf_item_by_id(ovf, parent);
	free(parent);
	if (ctrl == NULL)
		return;
	switch ((type = ovf_item_type(ctrl))) {
	case OVF_RT_IDE:
		disk->bus = xstrdup("ide");
		break;
	case OVF_RT_SCSI:
		disk->bus = xstrdup("scsi");
		break;
	case OVF_RT_STORAGE:
		sub = ovf_setting(ctrl, "ResourceSubType");
		disk->bus = xstrdup(sub != NULL && strcasestr(sub, "nvme") !=
		    NULL ? "nvme" : "sata");
		free(sub);
		break;
	default:
		return;
	}
	if (ovf_setting_num(ctrl, "Address", &bus) != 0)
		bus = 0;
	if (ovf_setting_num(item, "AddressOnParent", &unit) == 0 && bus < 100 &&
	    unit < 1000)
		disk->target = vmx_target(disk->bus, (unsigned)bus,
		    (unsigned)unit);
}

static void
ovf_disk(struct vm *vm, const struct ovf *ovf, const xmlNode *item)
{
	char *host = ovf_setting(item, "HostResource"), *ref = NULL, *v;
	char *label = ovf_setting(item, "ElementName");
	const char *id = NULL, *what;
	xmlNode *d = NULL, *file = NULL;
	struct disk *disk;
	uint64_t n;

	disk = vm_add_disk(vm);
	if (label == NULL)	/* oVirt: the disk's alias */
		label = ovf_setting(item, "Caption");
	what = label != NULL && *label != '\0' ? label : host != NULL ? host :
	    "?";
	if (host != NULL && strncmp(host, "ovf:/disk/", 10) == 0)
		id = host + 10;
	else if (host != NULL && strncmp(host, "ovf://disk/", 11) == 0)
		id = host + 11;		/* an old spelling */
	else if (host != NULL && strncmp(host, "/disk/", 6) == 0)
		id = host + 6;		/* VirtualBox */
	else if (host != NULL && strncmp(host, "ovf:/file/", 10) == 0)
		file = ovf_find(ovf->refs, "File", "id", host + 10);
	else if (host != NULL) {
		/* oVirt: imageGroupId/imageId, a Disk's fileRef. */
		d = ovf_find(ovf->disks, "Disk", "fileRef", host);
		if (d == NULL && strchr(host, '/') != NULL)
			id = strrchr(host, '/') + 1;
		else if (d == NULL)
			id = host;
	}
	if (id != NULL)
		d = ovf_find(ovf->disks, "Disk", "diskId", id);
	if (d == NULL && file == NULL) {
		vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk '%s' refers "
		    "to %s, which the OVF does not describe: the export is "
		    "incomplete, export it again", what, host != NULL ? host :
		    "nothing");
		goto out;
	}

	if (ovf->ovirt) {
		v = ovf_attr(d, "disk-interface");
		if (v != NULL && strcasecmp(v, "VirtIO") == 0)
			disk->bus = xstrdup("virtio");
		else if (v != NULL && (strcasecmp(v, "VirtIO_SCSI") == 0 ||
		    strcasecmp(v, "SPAPR_VSCSI") == 0))
			disk->bus = xstrdup("scsi");
		else if (v != NULL && (strcasecmp(v, "IDE") == 0 ||
		    strcasecmp(v, "SATA") == 0)) {
			disk->bus = xstrdup(v);
			for (char *c = disk->bus; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
		}
		free(v);
	} else
		ovf_disk_bus(ovf, item, disk);

	if (d != NULL) {
		char *cap = ovf_attr(d, "capacity");
		char *units = ovf_attr(d, "capacityAllocationUnits");

		disk->format = ovf_format(d);
		if (cap != NULL) {
			/* ${property} capacities stay unknown. */
			if (ovf_scaled(cap, units, 1, &disk->capacity) != 0)
				disk->capacity = 0;
		} else if ((v = ovf_attr(d, "size")) != NULL) {
			if (ovf_scaled(v, NULL, 1ULL << 30, &disk->capacity) !=
			    0)
				disk->capacity = 0;	/* oVirt: GiB */
			free(v);
		}
		free(cap);
		free(units);
		if ((v = ovf_attr(d, "populatedSize")) != NULL &&
		    ovf_num(v, &n) == 0)
			disk->allocation = n;
		else if (v == NULL && (v = ovf_attr(d, "actual_size")) !=
		    NULL && ovf_scaled(v, NULL, 1ULL << 30, &n) == 0)
			disk->allocation = n;
		free(v);

		if ((ref = ovf_attr(d, "fileRef")) == NULL || *ref == '\0') {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
			    "'%s' has no file: the OVF asks for a new empty "
			    "disk, which virt-v2v cannot create: add it after "
			    "the import", what);
			goto out;
		}
		file = ovf_find(ovf->refs, "File", "id", ref);
		if (file == NULL)	/* oVirt's fileRef is the href */
			file = ovf_find(ovf->refs, "File", "href", ref);
		if (file == NULL) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
			    "'%s' names file '%s', which the OVF's References "
			    "do not list: the export is incomplete, export it "
			    "again", what, ref);
			goto out;
		}
	}
	if ((disk->path = ovf_attr(file, "href")) == NULL ||
	    *disk->path == '\0') {
		vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk '%s': its "
		    "file has no href: the OVF is damaged, export it again",
		    what);
		free(disk->path);
		disk->path = NULL;
	} else if (!ovf_href_safe(disk->path))
		vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk '%s' is in "
		    "'%s', which is not a file inside the package: a safe "
		    "export names its files relative to the OVF; export it "
		    "again", what, disk->path);
out:
	free(ref);
	free(host);
	free(label);
}

static void
ovf_nic(struct vm *vm, const struct ovf *ovf, const xmlNode *item)
{
	static const char *ovirt_models[] = {
		"rtl8139_pv", "rtl8139", "e1000", "virtio",
	};
	struct nic *nic = vm_add_nic(vm);
	char *sub, *mac, *c;
	uint64_t num;

	nic->kind = ovf->ovirt ? NIC_NETWORK : NIC_BRIDGE;
	nic->network = ovf_setting(item, "Connection");
	if ((sub = ovf_setting(item, "ResourceSubType")) != NULL &&
	    *sub != '\0') {
		if (ovf->ovirt) {
			if (ovf_num(sub, &num) == 0 && num <
			    sizeof ovirt_models / sizeof *ovirt_models)
				nic->model = xstrdup(ovirt_models[num]);
		} else if (strcasecmp(sub, "PCNet32") == 0)
			nic->model = xstrdup("pcnet");
		else {
			nic->model = xstrdup(sub);
			for (c = nic->model; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
		}
	}
	free(sub);
	mac = ovf_setting(item, ovf->ovirt ? "MACAddress" : "Address");
	if (mac == NULL || mac_normalize(mac, nic->mac) != 0)
		nic->mac[0] = '\0';
	free(mac);
}

static int
ovf_cpu_memory(struct vm *vm, const xmlNode *item, int type, char **cause)
{
	char *q = ovf_setting(item, "VirtualQuantity"), *u;
	uint64_t v, s, c, t;
	int rc = 0;

	if (type == OVF_RT_CPU && vm->vcpus == 0) {
		if (q == NULL && ovf_setting_num(item, "num_of_sockets", &s) ==
		    0 && ovf_setting_num(item, "cpu_per_socket", &c) == 0 &&
		    ovf_setting_num(item, "threads_per_cpu", &t) == 0 &&
		    s <= 65536 && c <= 65536 && t <= 65536)
			v = s * c * t;
		else if (ovf_num(q, &v) != 0)
			v = 0;
		if (v == 0 || v > 65536) {
			cause_set(cause, "the CPU count '%s' is not a number "
			    "of CPUs", q != NULL ? q : "");
			rc = -1;
		} else
			vm->vcpus = (unsigned)v;
	} else if (type == OVF_RT_MEMORY && vm->memory == 0) {
		u = ovf_setting(item, "AllocationUnits");
		if (ovf_scaled(q, u, 1ULL << 20, &vm->memory) != 0) {
			cause_set(cause, "the memory size '%s %s' is not a "
			    "size", q != NULL ? q : "", u != NULL ? u : "");
			rc = -1;
		}
		free(u);
	}
	free(q);
	return rc;
}

/* "{9f6a...}" (VirtualBox) or a UUID as it is. */
static void
ovf_set_uuid(struct vm *vm, const char *v)
{
	char buf[37];
	size_t len;

	if (v == NULL)
		return;
	len = strlen(v);
	if (len == 38 && v[0] == '{' && v[37] == '}') {
		memcpy(buf, v + 1, 36);
		buf[36] = '\0';
		v = buf;
	}
	if (uuid_valid(v)) {
		memcpy(vm->uuid, v, 37);
		for (len = 0; len < 36; len++)
			vm->uuid[len] = (char)tolower((unsigned char)
			    vm->uuid[len]);
	}
}

/* An element below n, in any namespace, by a path of local names. */
static xmlNode *
ovf_path(xmlNode *n, const char *const *names)
{
	xmlNode *c;

	for (; n != NULL && *names != NULL; names++) {
		for (c = n->children; c != NULL; c = c->next) {
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, *names) == 0)
				break;
		}
		n = c;
	}
	return n;
}

/* VMware's <vmw:Config vmw:key="firmware" vmw:value="efi"/> and kin. */
static char *
ovf_vmw_config(const xmlNode *hw, const char *key)
{
	xmlNode *n;
	char *k, *v;

	for (n = hw->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !ovf_ns_is(n->ns,
		    OVF_NS_VMW) || (strcmp((const char *)n->name, "Config") !=
		    0 && strcmp((const char *)n->name, "ExtraConfig") != 0))
			continue;
		k = ovf_attr_ns(n, "key", OVF_NS_VMW);
		if (k != NULL && strcmp(k, key) == 0) {
			v = ovf_attr_ns(n, "value", OVF_NS_VMW);
			free(k);
			return v;
		}
		free(k);
	}
	return NULL;
}

/* Firmware, UUID and MACs: each product keeps them its own way. */
static void
ovf_product(struct vm *vm, const struct ovf *ovf)
{
	static const char *const vbox_fw[] = { "Hardware", "Firmware", NULL };
	static const char *const vbox_net[] = { "Hardware", "Network", NULL };
	xmlNode *sys, *machine = NULL, *n, *net;
	char *type, *v;
	size_t i;

	sys = ovf_child(ovf->hw, "System");
	for (n = sys != NULL ? sys->children : NULL; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && ovf_ns_cim(n->ns) &&
		    strcmp((const char *)n->name, "VirtualSystemType") == 0)
			break;
	}
	type = ovf_text(n);

	/* VMware: BIOS unless the firmware key says efi. */
	if ((v = ovf_vmw_config(ovf->hw, "firmware")) != NULL) {
		vm->firmware = strcasecmp(v, "efi") == 0 ? VM_FIRMWARE_UEFI :
		    VM_FIRMWARE_BIOS;
		free(v);
	} else if (type != NULL && strncmp(type, "vmx-", 4) == 0)
		vm->firmware = VM_FIRMWARE_BIOS;
	free(type);

	/* VirtualBox: its own machine description rides along. */
	for (n = ovf->vs->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && ovf_ns_is(n->ns,
		    OVF_NS_VBOX) && strcmp((const char *)n->name, "Machine") ==
		    0)
			machine = n;
	}
	if (machine != NULL) {
		xmlChar *u = xmlGetProp(machine, (const xmlChar *)"uuid");
		xmlChar *fw = xmlGetProp(ovf_path(machine, vbox_fw),
		    (const xmlChar *)"type");
		size_t nmacs = 0;
		char (*macs)[18] = NULL;

		ovf_set_uuid(vm, (const char *)u);
		vm->firmware = fw != NULL && strncasecmp((const char *)fw,
		    "EFI", 3) == 0 ? VM_FIRMWARE_UEFI : VM_FIRMWARE_BIOS;
		xmlFree(u);
		xmlFree(fw);

		/* Enabled adapters, in slot order, are the OVF's NICs. */
		net = ovf_path(machine, vbox_net);
		for (n = net != NULL ? net->children : NULL; n != NULL;
		    n = n->next) {
			xmlChar *en, *mac;
			char colon[18];

			if (n->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)n->name, "Adapter") != 0)
				continue;
			en = xmlGetProp(n, (const xmlChar *)"enabled");
			mac = xmlGetProp(n, (const xmlChar *)"MACAddress");
			if (en != NULL && strcmp((const char *)en, "true") ==
			    0) {
				macs = xappend(macs, &nmacs, sizeof *macs);
				macs[nmacs - 1][0] = '\0';
				if (mac != NULL && strlen((const char *)mac) ==
				    12) {
					snprintf(colon, sizeof colon,
					    "%.2s:%.2s:%.2s:%.2s:%.2s:%.2s",
					    mac, mac + 2, mac + 4, mac + 6,
					    mac + 8, mac + 10);
					if (mac_normalize(colon,
					    macs[nmacs - 1]) != 0)
						macs[nmacs - 1][0] = '\0';
				}
			}
			xmlFree(en);
			xmlFree(mac);
		}
		if (nmacs == vm->nnics) {
			for (i = 0; i < nmacs; i++) {
				if (vm->nics[i].mac[0] == '\0')
					memcpy(vm->nics[i].mac, macs[i], 18);
			}
		}
		free(macs);
	}

	/* oVirt: BiosType 1, 2 are SeaBIOS; 3, 4 OVMF (4 secure boot). */
	if (ovf->ovirt && (v = ovf_text(ovf_child(ovf->vs, "BiosType"))) !=
	    NULL) {
		if (strcmp(v, "1") == 0 || strcmp(v, "2") == 0)
			vm->firmware = VM_FIRMWARE_BIOS;
		else if (strcmp(v, "3") == 0 || strcmp(v, "4") == 0)
			vm->firmware = VM_FIRMWARE_UEFI;
		free(v);
	}
}

static void
ovf_os(struct vm *vm, const struct ovf *ovf)
{
	xmlNode *os = ovf_section(ovf->vs, "OperatingSystemSection"), *n;
	char *v;

	if (os == NULL)
		return;
	if (ovf->ovirt) {
		/* oVirt puts the VM's id on this section. */
		v = ovf_attr(os, "id");
		ovf_set_uuid(vm, v);
		free(v);
	}
	if ((v = ovf_attr_ns(os, "osType", OVF_NS_VMW)) == NULL) {
		for (n = os->children; n != NULL; n = n->next) {
			if (n->type == XML_ELEMENT_NODE && ovf_ns_is(n->ns,
			    OVF_NS_VBOX) && strcmp((const char *)n->name,
			    "OSType") == 0)
				break;
		}
		if ((v = ovf_text(n)) == NULL)
			v = ovf_text(ovf_child(os, "Description"));
	}
	if (v != NULL && *v != '\0') {
		vm->os = v;
		return;
	}
	free(v);
	/* Only the CIM operating system number: keep it, marked as such. */
	if ((v = ovf_attr(os, "id")) != NULL && *v != '\0' && !ovf->ovirt)
		xasprintf(&vm->os, "cim:%s", v);
	free(v);
}

/* oVirt lists snapshots; all but the active one are lost on import. */
static void
ovf_snapshots(struct vm *vm, const struct ovf *ovf)
{
	xmlNode *sec = ovf_section(ovf->vs, "SnapshotsSection"), *n;
	char *type;

	for (n = sec != NULL ? sec->children : NULL; n != NULL; n = n->next) {
		if (!ovf_is(n, "Snapshot"))
			continue;
		type = ovf_text(ovf_child(n, "Type"));
		if (type == NULL || strcmp(type, "ACTIVE") != 0)
			vm->snapshots++;
		free(type);
	}
	if (vm->snapshots > 0)
		vm_add_problem(vm, PROBLEM_SNAPSHOTS, "'%s' has %u snapshot%s: "
		    "only the current state is converted", vm->name,
		    vm->snapshots, vm->snapshots == 1 ? "" : "s");
}

/* The deployment option to read: the default one, else the first. */
static char *
ovf_config(const xmlNode *env)
{
	xmlNode *sec = ovf_section(env, "DeploymentOptionSection"), *n;
	char *first = NULL, *def;

	for (n = sec != NULL ? sec->children : NULL; n != NULL; n = n->next) {
		if (!ovf_is(n, "Configuration"))
			continue;
		if ((def = ovf_attr(n, "default")) != NULL &&
		    strcmp(def, "true") == 0) {
			free(def);
			free(first);
			return ovf_attr(n, "id");
		}
		free(def);
		if (first == NULL)
			first = ovf_attr(n, "id");
	}
	return first;
}

/* Virtual systems, also inside (nested) VirtualSystemCollections. */
static void
ovf_systems(const xmlNode *parent, xmlNode ***out, size_t *n, int depth)
{
	xmlNode *c;

	for (c = parent->children; c != NULL; c = c->next) {
		if (ovf_section_is(c, "VirtualSystem")) {
			*out = xappend(*out, n, sizeof **out);
			(*out)[*n - 1] = c;
		} else if (depth < 8 && ovf_section_is(c,
		    "VirtualSystemCollection"))
			ovf_systems(c, out, n, depth + 1);
	}
}

static size_t
ovf_count(const xmlNode *parent)
{
	const xmlNode *n;
	size_t count = 0;

	for (n = parent != NULL ? parent->children : NULL; n != NULL;
	    n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			count++;
	}
	return count;
}

static char *
ovf_vs_name(const xmlNode *vs)
{
	char *name = ovf_text(ovf_child(vs, "Name"));

	if (name == NULL || *name == '\0') {
		free(name);
		name = ovf_attr(vs, "id");
	}
	return name;
}

static struct vm *
ovf_read(struct ovf *ovf, char **cause)
{
	xmlNode **systems = NULL, *n;
	size_t nsystems = 0;
	struct vm *vm;
	char *name;
	int type;

	if (!ovf_is(ovf->env, "Envelope")) {
		if (strcmp((const char *)ovf->env->name, "Envelope") == 0)
			cause_set(cause, "the document is not an OVF "
			    "descriptor: its <Envelope> is in namespace '%s', "
			    "not the OVF one",
			    (const char *)ovf->env->ns->href);
		else
			cause_set(cause, "the document is not an OVF "
			    "descriptor: its top element is <%s>, not "
			    "<Envelope>", (const char *)ovf->env->name);
		return NULL;
	}
	ovf->refs = ovf_child(ovf->env, "References");
	ovf->disks = ovf_section(ovf->env, "DiskSection");
	ovf_systems(ovf->env, &systems, &nsystems, 0);
	if (nsystems != 1) {
		if (nsystems == 0)
			cause_set(cause, "the OVF describes no virtual machine "
			    "(it has no VirtualSystem): it may be a template "
			    "or a disk-only package");
		else {
			char *a = ovf_vs_name(systems[0]);
			char *b = ovf_vs_name(systems[1]);

			cause_set(cause, "the OVF describes a vApp of %zu "
			    "virtual machines ('%s', '%s', ...): export each "
			    "VM on its own and import those", nsystems,
			    a != NULL ? a : "?", b != NULL ? b : "?");
			free(a);
			free(b);
		}
		free(systems);
		return NULL;
	}
	ovf->vs = systems[0];
	free(systems);
	ovf->ovirt = strcmp((const char *)ovf->vs->name, "Content") == 0;

	name = ovf_vs_name(ovf->vs);
	if (name == NULL || *name == '\0') {
		cause_set(cause, "the OVF's virtual system has no name");
		free(name);
		return NULL;
	}
	vm = vm_new(name);
	free(name);
	vm->detailed = 1;
	vm->power = VM_POWER_OFF;	/* an export is a stopped copy */

	ovf->config = ovf_config(ovf->env);
	ovf->hw = ovf_section(ovf->vs, "VirtualHardwareSection");
	if (ovf->hw == NULL) {
		cause_set(cause, "'%s' has no VirtualHardwareSection: the OVF "
		    "is incomplete, export it again", vm->name);
		vm_free(vm);
		return NULL;
	}
	if (ovf_count(ovf->refs) > OVF_MAX_ELEMENTS ||
	    ovf_count(ovf->disks) > OVF_MAX_ELEMENTS ||
	    ovf_count(ovf->hw) > OVF_MAX_ELEMENTS) {
		cause_set(cause, "'%s' lists more than %d files, disks or "
		    "hardware items: no VM has that many, the OVF is not a "
		    "real export", vm->name, OVF_MAX_ELEMENTS);
		vm_free(vm);
		return NULL;
	}
	for (n = ovf->hw->children; n != NULL; n = n->next) {
		if (!ovf_is_item(n) || !ovf_item_applies(ovf, n))
			continue;
		switch ((type = ovf_item_type(n))) {
		case OVF_RT_CPU:
		case OVF_RT_MEMORY:
			if (ovf_cpu_memory(vm, n, type, cause) != 0) {
				cause_prefix(cause, "'%s'", vm->name);
				vm_free(vm);
				return NULL;
			}
			break;
		case OVF_RT_DISK:
			ovf_disk(vm, ovf, n);
			break;
		case OVF_RT_NIC:
			ovf_nic(vm, ovf, n);
			break;
		}
	}
	ovf_product(vm, ovf);
	ovf_os(vm, ovf);
	ovf_snapshots(vm, ovf);
	if (vm->ndisks == 0)
		vm_add_problem(vm, PROBLEM_NO_DISKS, "'%s' has no disks: there "
		    "is nothing to convert", vm->name);
	return vm;
}

/*
 * Parse len bytes of OVF.  Returns the VM, with disk paths as the OVF's
 * References give them (relative to the descriptor; imageGroupId/imageId
 * for oVirt), or NULL with a cause.
 */
struct vm *
ovf_parse(const char *buf, size_t len, char **cause)
{
	xmlParserCtxtPtr ctxt;
	const xmlError *err;
	struct ovf ovf;
	xmlDocPtr doc;
	struct vm *vm = NULL;

	if (len == 0) {
		cause_set(cause, "the OVF descriptor is empty");
		return NULL;
	}
	if (len > INT32_MAX) {
		cause_set(cause, "the OVF descriptor is too large (%zu bytes)",
		    len);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("xmlNewParserCtxt failed");
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "descriptor.ovf", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		err = xmlCtxtGetLastError(ctxt);
		if (err != NULL && err->message != NULL) {
			size_t n = strlen(err->message);

			cause_set(cause, "the OVF descriptor is malformed at "
			    "line %d: %.*s", err->line, (int)(n > 0 &&
			    err->message[n - 1] == '\n' ? n - 1 : n),
			    err->message);
		} else
			cause_set(cause, "the OVF descriptor is malformed");
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	/*
	 * No exporter writes a DOCTYPE; one in an OVF can only be there to
	 * smuggle entities (external files, or a billion nested laughs).
	 */
	if (doc->intSubset != NULL)
		cause_set(cause, "the OVF descriptor declares a DTD, which no "
		    "exporter writes: refusing it, export the VM again");
	else if (xmlDocGetRootElement(doc) == NULL)
		cause_set(cause, "the OVF descriptor has no element");
	else {
		memset(&ovf, 0, sizeof ovf);
		ovf.env = xmlDocGetRootElement(doc);
		vm = ovf_read(&ovf, cause);
		free(ovf.config);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return vm;
}
