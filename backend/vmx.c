/*
 * vmx.c: read a VMware .vmx file into a struct vm.
 *
 * A .vmx is a list of `key = "value"` lines with # comments.  Keys are
 * case-insensitive and the last of duplicates wins, as in VMware's own
 * reader.  Values escape bytes as |XX in hex (|22 is a quote, |7C the bar),
 * and are in the character set .encoding names (UTF-8 on ESXi, often
 * windows-1252 from Workstation on Windows); they are converted to UTF-8.
 * Everything read is data: names with quotes, $(...) or newlines stay as
 * they are.  A pure function over bytes: disk files are the reader's
 * business (readers.c).
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

#define VMX_MAX_SETTINGS 10000	/* a real .vmx has a few hundred */

struct vmx_kv {
	char		*key;		/* lower-case */
	char		*value;
};

struct vmx {
	struct vmx_kv	*kv;
	size_t		 n;
};

/* A controller's devices, in the order disks are listed. */
static const char *vmx_buses[] = { "scsi", "sata", "ide", "nvme" };

static void
vmx_free(struct vmx *vmx)
{
	size_t i;

	for (i = 0; i < vmx->n; i++) {
		free(vmx->kv[i].key);
		free(vmx->kv[i].value);
	}
	free(vmx->kv);
}

/* The value of key (lower-case), the last one given; NULL if absent. */
static const char *
vmx_get(const struct vmx *vmx, const char *key)
{
	size_t i;

	for (i = vmx->n; i > 0; i--) {
		if (strcmp(vmx->kv[i - 1].key, key) == 0)
			return vmx->kv[i - 1].value;
	}
	return NULL;
}

static const char *
vmx_getf(const struct vmx *vmx, const char *fmt, ...) VI_PRINTF(2, 3);

static const char *
vmx_getf(const struct vmx *vmx, const char *fmt, ...)
{
	const char *v;
	va_list ap;
	char *key;

	va_start(ap, fmt);
	xvasprintf(&key, fmt, ap);
	va_end(ap);
	v = vmx_get(vmx, key);
	free(key);
	return v;
}

/* VMware's booleans: TRUE/FALSE in any case; absent is false. */
static int
vmx_true(const char *v)
{
	return v != NULL && (strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0);
}

static int
vmx_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo |XX escapes; -1 if one decodes to a NUL, which no value can hold. */
static int
vmx_unescape(const char *p, size_t len, char **out)
{
	char *s = xmalloc(len + 1), *o = s;
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (p[i] == '|' && i + 2 < len && (hi = vmx_hex(p[i + 1])) >=
		    0 && (lo = vmx_hex(p[i + 2])) >= 0) {
			if (hi == 0 && lo == 0) {
				free(s);
				return -1;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = p[i];
	}
	*o = '\0';
	*out = s;
	return 0;
}

/* One line; 1 when blank or a comment, 0 when a pair was added, -1. */
static int
vmx_line(struct vmx *vmx, const char *p, const char *end, unsigned lineno,
    char **cause)
{
	const char *key, *v, *vend;
	char *value;
	size_t klen, i;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (p == end || *p == '#')
		return 1;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		cause_set(cause, "line %u holds a NUL byte", lineno);
		return -1;
	}
	key = p;
	while (p < end && *p != '=' && *p != ' ' && *p != '\t')
		p++;
	klen = (size_t)(p - key);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (klen == 0 || p == end || *p != '=') {
		cause_set(cause, "line %u is not of the form key = \"value\"",
		    lineno);
		return -1;
	}
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '"') {
		v = ++p;
		if ((vend = memchr(p, '"', (size_t)(end - p))) == NULL) {
			cause_set(cause, "line %u: the value of %.*s has no "
			    "closing quote", lineno, (int)klen, key);
			return -1;
		}
		p = vend + 1;
	} else {
		/* Hand-written files leave simple values unquoted. */
		v = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		vend = p;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p != '#') {
		cause_set(cause, "line %u: text after the value of %.*s: quote "
		    "it as |22 inside a value", lineno, (int)klen, key);
		return -1;
	}
	if (vmx_unescape(v, (size_t)(vend - v), &value) != 0) {
		cause_set(cause, "line %u: the value of %.*s holds a NUL byte "
		    "(|00)", lineno, (int)klen, key);
		return -1;
	}
	vmx->kv = xappend(vmx->kv, &vmx->n, sizeof *vmx->kv);
	vmx->kv[vmx->n - 1].key = xstrndup(key, klen);
	for (i = 0; i < klen; i++) {
		vmx->kv[vmx->n - 1].key[i] = (char)tolower((unsigned char)
		    vmx->kv[vmx->n - 1].key[i]);
	}
	vmx->kv[vmx->n - 1].value = value;
	return 0;
}

/* Convert every value from the file's .encoding to UTF-8. */
static int
vmx_recode(struct vmx *vmx, const char *enc, char **cause)
{
	iconv_t cd;
	char *encoding;
	size_t i;
	int rc = -1;

	if (enc == NULL || strcasecmp(enc, "UTF-8") == 0 ||
	    strcasecmp(enc, "utf8") == 0)
		return 0;
	/* enc is the .encoding line's value, which is recoded too. */
	encoding = xstrdup(enc);
	if ((cd = iconv_open("UTF-8", encoding)) == (iconv_t)-1) {
		cause_set(cause, ".encoding \"%s\" is a character set this "
		    "system cannot convert: convert the file to UTF-8 first",
		    encoding);
		free(encoding);
		return -1;
	}
	for (i = 0; i < vmx->n; i++) {
		char *in = vmx->kv[i].value, *inp = in, *out, *outp;
		size_t inleft = strlen(in), outleft = inleft * 4 + 1;

		outp = out = xmalloc(outleft);
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &inp, &inleft, &outp, &outleft) == (size_t)-1) {
			cause_set(cause, "the value of %s is not valid %s: fix "
			    "its .encoding line", vmx->kv[i].key, encoding);
			free(out);
			goto out;
		}
		*outp = '\0';
		free(in);
		vmx->kv[i].value = out;
	}
	rc = 0;
out:
	iconv_close(cd);
	free(encoding);
	return rc;
}

/* "56 4d 1a 2b ... 3a 01" (uuid.bios) as 564d1a2b-3c4d-...; 0 if it is. */
static int
vmx_uuid(const char *v, char out[37])
{
	char hex[33];
	size_t n = 0, i, o = 0;

	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '-')
			continue;
		if (!isxdigit((unsigned char)*v) || n == 32)
			return -1;
		hex[n++] = (char)tolower((unsigned char)*v);
	}
	if (n != 32)
		return -1;
	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
	return 0;
}

/* A decimal number without sign, spaces or overflow. */
static int
vmx_number(const char *v, unsigned long long max, unsigned long long *out)
{
	unsigned long long n;
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Disk names as libvirt's ESX driver gives them: 0 a, 25 z, 26 aa. */
static char *
vmx_disk_name(const char *prefix, unsigned idx)
{
	char buf[16], *s;
	size_t i = sizeof buf - 1;

	buf[i] = '\0';
	for (;;) {
		buf[--i] = (char)('a' + idx % 26);
		if (idx < 26)
			break;
		idx = idx / 26 - 1;
	}
	xasprintf(&s, "%s%s", prefix, buf + i);
	return s;
}

struct vmx_dev {
	size_t		 bus;		/* index into vmx_buses */
	unsigned	 ctrl;
	unsigned	 unit;
};

static int
vmx_dev_cmp(const void *a, const void *b)
{
	const struct vmx_dev *x = a, *y = b;

	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->ctrl != y->ctrl)
		return x->ctrl < y->ctrl ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return 0;
}

/* "scsi0:1.present" -> bus, controller, unit; -1 if not such a key. */
static int
vmx_dev_key(const char *key, struct vmx_dev *dev)
{
	unsigned long ctrl, unit;
	const char *p;
	char *end;
	size_t i, len;

	for (i = 0; i < sizeof vmx_buses / sizeof *vmx_buses; i++) {
		len = strlen(vmx_buses[i]);
		if (strncmp(key, vmx_buses[i], len) == 0)
			break;
	}
	if (i == sizeof vmx_buses / sizeof *vmx_buses)
		return -1;
	p = key + len;
	if (*p < '0' || *p > '9')
		return -1;
	ctrl = strtoul(p, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9' || ctrl > 99)
		return -1;
	unit = strtoul(end + 1, &end, 10);
	if (strcmp(end, ".present") != 0 || unit > 999)
		return -1;
	dev->bus = i;
	dev->ctrl = (unsigned)ctrl;
	dev->unit = (unsigned)unit;
	return 0;
}

static int
vmx_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* Is this device a disk (not a CD-ROM, floppy or passthrough)? */
static int
vmx_is_disk(const char *type, const char *file)
{
	if (type == NULL)
		return file == NULL || !vmx_ends_with(file, ".iso");
	return strcasecmp(type, "disk") == 0 ||
	    strcasecmp(type, "scsi-hardDisk") == 0 ||
	    strcasecmp(type, "ata-hardDisk") == 0 ||
	    strcasecmp(type, "plainDisk") == 0 ||
	    strcasecmp(type, "rawDisk") == 0;
}

/*
 * The guest disk name libvirt's ESX driver gives a disk at bus (scsi, sata,
 * ide, nvme), controller and unit, so a VM read from its .vmx or its OVF
 * shows the names it shows through vpx://.  NULL for an impossible unit.
 */
char *
vmx_target(const char *bus, unsigned ctrl, unsigned unit)
{
	char *s;

	if (strcmp(bus, "scsi") == 0) {
		/* 15 units a controller; unit 7 is the controller's own. */
		if (unit == 7 || unit > 15)
			return NULL;
		return vmx_disk_name("sd", ctrl * 15 + (unit < 7 ? unit :
		    unit - 1));
	}
	if (strcmp(bus, "sata") == 0)
		return unit < 30 ? vmx_disk_name("sd", ctrl * 30 + unit) : NULL;
	if (strcmp(bus, "ide") == 0)	/* master and slave, two channels */
		return unit < 2 ? vmx_disk_name("hd", ctrl * 2 + unit) : NULL;
	if (strcmp(bus, "nvme") == 0) {	/* one namespace a disk */
		xasprintf(&s, "nvme%un%u", ctrl, unit + 1);
		return s;
	}
	return NULL;
}

/* "/vmfs/volumes/datastore1/web01/web01.vmdk": datastore1. */
static char *
vmx_datastore(const char *path)
{
	static const char prefix[] = "/vmfs/volumes/";
	const char *p, *slash;

	if (strncmp(path, prefix, sizeof prefix - 1) != 0)
		return NULL;
	p = path + sizeof prefix - 1;
	if ((slash = strchr(p, '/')) == NULL || slash == p)
		return NULL;
	return xstrndup(p, (size_t)(slash - p));
}

static void
vmx_disks(struct vm *vm, const struct vmx *vmx)
{
	struct vmx_dev *devs = NULL, d;
	size_t i, n = 0;

	for (i = 0; i < vmx->n; i++) {
		if (vmx_dev_key(vmx->kv[i].key, &d) != 0 ||
		    !vmx_true(vmx_get(vmx, vmx->kv[i].key)))
			continue;
		/* Once, however often the key is repeated. */
		for (size_t j = 0; j < n; j++) {
			if (vmx_dev_cmp(&devs[j], &d) == 0)
				goto next;
		}
		devs = xappend(devs, &n, sizeof *devs);
		devs[n - 1] = d;
	next:
		;
	}
	if (n > 1)
		qsort(devs, n, sizeof *devs, vmx_dev_cmp);

	for (i = 0; i < n; i++) {
		const char *bus = vmx_buses[devs[i].bus], *ctrl, *type, *file;
		struct disk *disk;

		/* A device on a controller switched off is not there. */
		ctrl = vmx_getf(vmx, "%s%u.present", bus, devs[i].ctrl);
		if (ctrl != NULL && !vmx_true(ctrl))
			continue;
		type = vmx_getf(vmx, "%s%u:%u.devicetype", bus, devs[i].ctrl,
		    devs[i].unit);
		file = vmx_getf(vmx, "%s%u:%u.filename", bus, devs[i].ctrl,
		    devs[i].unit);
		if (!vmx_is_disk(type, file))
			continue;
		disk = vm_add_disk(vm);
		disk->bus = xstrdup(bus);
		disk->target = vmx_target(bus, devs[i].ctrl, devs[i].unit);
		if (file == NULL || *file == '\0') {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
			    "%s%u:%u has no fileName: give it its .vmdk, or "
			    "remove it", bus, devs[i].ctrl, devs[i].unit);
			continue;
		}
		disk->path = xstrdup(file);
		disk->datastore = vmx_datastore(file);
		if (vmx_ends_with(file, ".vmdk"))
			disk->format = DISK_FORMAT_VMDK;
	}
	free(devs);
}

static void
vmx_nics(struct vm *vm, const struct vmx *vmx)
{
	unsigned long *ids = NULL, id;
	size_t i, j, n = 0;
	char *end;

	for (i = 0; i < vmx->n; i++) {
		const char *k = vmx->kv[i].key;

		if (strncmp(k, "ethernet", 8) != 0 || k[8] < '0' || k[8] > '9')
			continue;
		id = strtoul(k + 8, &end, 10);
		if (strcmp(end, ".present") != 0 || id > 99 ||
		    !vmx_true(vmx_get(vmx, k)))
			continue;
		for (j = 0; j < n && ids[j] != id; j++)
			;
		if (j < n)
			continue;
		ids = xappend(ids, &n, sizeof *ids);
		ids[n - 1] = id;
	}
	/* In ethernetN order, which is the guest's PCI order too. */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			id = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = id;
		}
	}

	for (i = 0; i < n; i++) {
		const char *net, *dev, *atype, *mac;
		struct nic *nic = vm_add_nic(vm);

		nic->kind = NIC_BRIDGE;		/* ESX port groups */
		net = vmx_getf(vmx, "ethernet%lu.networkname", ids[i]);
		if (net == NULL)
			net = vmx_getf(vmx, "ethernet%lu.vnet", ids[i]);
		/* Workstation has no port groups: nat, bridged, hostonly. */
		if (net == NULL)
			net = vmx_getf(vmx, "ethernet%lu.connectiontype",
			    ids[i]);
		if (net != NULL)
			nic->network = xstrdup(net);
		if ((dev = vmx_getf(vmx, "ethernet%lu.virtualdev", ids[i])) !=
		    NULL) {
			nic->model = xstrdup(dev);
			for (end = nic->model; *end != '\0'; end++)
				*end = (char)tolower((unsigned char)*end);
		}
		atype = vmx_getf(vmx, "ethernet%lu.addresstype", ids[i]);
		if (atype != NULL && strcasecmp(atype, "static") == 0)
			mac = vmx_getf(vmx, "ethernet%lu.address", ids[i]);
		else {
			mac = vmx_getf(vmx, "ethernet%lu.generatedaddress",
			    ids[i]);
			if (mac == NULL)
				mac = vmx_getf(vmx, "ethernet%lu.address",
				    ids[i]);
		}
		if (mac == NULL || mac_normalize(mac, nic->mac) != 0)
			nic->mac[0] = '\0';
	}
	free(ids);
}

static struct vm *
vmx_read_vm(const struct vmx *vmx, char **cause)
{
	const char *name, *v;
	unsigned long long num;
	struct vm *vm;

	if ((name = vmx_get(vmx, "displayname")) == NULL || *name == '\0') {
		cause_set(cause, "the .vmx has no displayName: it is not a "
		    "virtual machine's configuration");
		return NULL;
	}
	vm = vm_new(name);
	vm->detailed = 1;

	if ((v = vmx_get(vmx, "memsize")) != NULL) {
		if (vmx_number(v, 16ULL << 20, &num) != 0) {
			cause_set(cause, "memsize \"%s\" is not a size in MiB",
			    v);
			goto fail;
		}
		vm->memory = (uint64_t)num << 20;
	}
	if ((v = vmx_get(vmx, "numvcpus")) != NULL) {
		if (vmx_number(v, 65536, &num) != 0 || num == 0) {
			cause_set(cause, "numvcpus \"%s\" is not a CPU count",
			    v);
			goto fail;
		}
		vm->vcpus = (unsigned)num;
	} else
		vm->vcpus = 1;		/* VMware's default */
	v = vmx_get(vmx, "firmware");
	vm->firmware = v != NULL && strcasecmp(v, "efi") == 0 ?
	    VM_FIRMWARE_UEFI : VM_FIRMWARE_BIOS;
	if ((v = vmx_get(vmx, "uuid.bios")) == NULL || vmx_uuid(v, vm->uuid) !=
	    0)
		vm->uuid[0] = '\0';
	if ((v = vmx_get(vmx, "guestos")) != NULL && *v != '\0')
		vm->os = xstrdup(v);

	vmx_disks(vm, vmx);
	vmx_nics(vm, vmx);
	if (vm->ndisks == 0)
		vm_add_problem(vm, PROBLEM_NO_DISKS, "'%s' has no disks: there "
		    "is nothing to convert", vm->name);
	return vm;

fail:
	cause_prefix(cause, "'%s'", vm->name);
	vm_free(vm);
	return NULL;
}

/*
 * Parse len bytes of .vmx.  Returns the VM (disk paths as the file gives
 * them, relative to the .vmx or absolute), or NULL with a cause naming the
 * bad line.
 */
struct vm *
vmx_parse(const char *buf, size_t len, char **cause)
{
	struct vmx vmx = { NULL, 0 };
	const char *p = buf, *end = buf + len, *nl;
	unsigned lineno = 0;
	struct vm *vm = NULL;

	if (len == 0) {
		cause_set(cause, "the .vmx is empty");
		return NULL;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (vmx_line(&vmx, p, nl, lineno, cause) < 0) {
			cause_prefix(cause, "the .vmx is malformed");
			goto out;
		}
		if (vmx.n > VMX_MAX_SETTINGS) {
			cause_set(cause, "the .vmx has more than %d settings: it "
			    "is not a virtual machine's configuration",
			    VMX_MAX_SETTINGS);
			goto out;
		}
		p = nl + (nl < end ? 1 : 0);
	}
	if (vmx_recode(&vmx, vmx_get(&vmx, ".encoding"), cause) != 0)
		goto out;
	vm = vmx_read_vm(&vmx, cause);
out:
	vmx_free(&vmx);
	return vm;
}
