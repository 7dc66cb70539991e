/*
 * readers.c: file sources read into inventories.
 *
 *	ova_read	an .ova (a tar), an .ovf file, or a folder with one .ovf
 *	vmx_read	a VMware .vmx and the disks beside it
 *	xmlfile_read	a libvirt domain XML file and its local disks
 *	export_read	an oVirt export domain: one VM per OVF
 *	dir_read	a folder of all of the above
 *
 * The parsers (ovf.c, vmx.c, domxml.c, tar.c, manifest.c) are pure; this is
 * where files are opened.  Names found inside files stay data: a tar member
 * is only ever compared with the names the OVF uses and read through the
 * archive, never extracted or opened as a path, and a disk file named by an
 * OVF is opened below the OVF's folder only when its name is relative and
 * has no "..".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

#define READERS_MAX_OVF		(16 * 1024 * 1024)
#define READERS_MAX_MF		(1024 * 1024)
#define READERS_MAX_VMX		(1024 * 1024)
#define READERS_MAX_XML		(16 * 1024 * 1024)
#define READERS_HEADER		(64 * 1024)
#define READERS_CHUNK		(1024 * 1024)

static int
readers_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* The folder part of a path: "." for a bare name. */
static char *
readers_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static char *
readers_join(const char *dir, const char *name)
{
	char *s;

	if (name[0] == '/')
		return xstrdup(name);
	xasprintf(&s, "%s/%s", dir, name);
	return s;
}

static int
readers_pread(int fd, void *buf, size_t len, uint64_t off)
{
	if (pread_full(fd, buf, len, off) == 0)
		return 0;
	if (errno == 0)
		errno = EIO;	/* a short file is an I/O error here */
	return -1;
}

/* A whole regular file of at most max bytes, NUL-terminated. */
static char *
readers_file(const char *path, size_t max, size_t *len, char **cause)
{
	struct stat st;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) <
	    0) {
		cause_set(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s is not a file", path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		cause_set(cause, "%s is %" PRIu64 " bytes, more than such a "
		    "file ever is (%zu): check that it is the right file", path,
		    (uint64_t)st.st_size, max);
		close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	buf = xmalloc(*len + 1);
	if (readers_pread(fd, buf, *len, 0) != 0) {
		cause_set(cause, "cannot read %s: %s", path, strerror(errno));
		free(buf);
		close(fd);
		return NULL;
	}
	buf[*len] = '\0';
	close(fd);
	return buf;
}

static struct inventory *
readers_one(struct vm *vm)
{
	struct inventory *inv = inventory_new();

	inventory_add(inv, vm);
	return inv;
}

static const char *
readers_algo(enum sha_algo algo)
{
	return algo == SHA_1 ? "SHA1" : "SHA256";
}

/* Is file one of the VM's disks?  For the wording of a bad checksum. */
static int
readers_is_disk(const struct vm *vm, const char *file)
{
	size_t i;

	for (i = 0; vm != NULL && i < vm->ndisks; i++) {
		if (vm->disks[i].path != NULL && (strcmp(vm->disks[i].path,
		    file) == 0 || (readers_ends_with(vm->disks[i].path, file) &&
		    strlen(vm->disks[i].path) > strlen(file) &&
		    vm->disks[i].path[strlen(vm->disks[i].path) -
		    strlen(file) - 1] == '/')))
			return 1;
	}
	return 0;
}

/*
 * Stream size bytes of fd from off through the manifest's algorithm and
 * compare.  0 if they match, 1 if not, -1 with a cause on a read error.
 */
static int
readers_digest(int fd, uint64_t off, uint64_t size,
    const struct manifest_entry *m, char **cause)
{
	unsigned char *buf = xmalloc(READERS_CHUNK);
	char hex[65];
	struct sha_ctx ctx;
	size_t want;

	sha_init(&ctx, m->algo);
	while (size > 0) {
		want = size < READERS_CHUNK ? (size_t)size : READERS_CHUNK;
		if (readers_pread(fd, buf, want, off) != 0) {
			cause_set(cause, "cannot read '%s' at byte %" PRIu64
			    ": %s", m->file, off, strerror(errno));
			free(buf);
			return -1;
		}
		sha_update(&ctx, buf, want);
		off += want;
		size -= want;
	}
	free(buf);
	sha_final(&ctx, hex);
	return strcmp(hex, m->digest) == 0 ? 0 : 1;
}

static void
readers_bad_digest(const struct vm *vm, const struct manifest_entry *m,
    char **cause)
{
	cause_set(cause, "corrupt OVA: the %s checksum of %s'%s' does not "
	    "match the manifest: download or export it again",
	    readers_algo(m->algo), readers_is_disk(vm, m->file) ? "disk " : "",
	    m->file);
}

/*
 * The member that name means when the member from names it: the package's
 * names are relative to the descriptor (or manifest), which is usually at
 * the top of the archive but sometimes in a folder of it.
 */
static const struct tar_entry *
readers_member(const struct tar_entry *e, size_t n, const char *from,
    const char *name)
{
	const char *slash = strrchr(from, '/');
	size_t i, plen = slash != NULL ? (size_t)(slash - from) + 1 : 0;

	for (i = 0; i < n; i++) {
		if ((e[i].type == '0' || e[i].type == '7') &&
		    strncmp(e[i].name, from, plen) == 0 &&
		    strcmp(e[i].name + plen, name) == 0)
			return &e[i];
	}
	return NULL;
}

/* Check every digest of a tar's manifest against its members. */
static int
readers_verify_tar(int fd, const struct tar_entry *e, size_t n,
    const struct tar_entry *mf, const struct vm *vm, char **cause)
{
	struct manifest_entry *m;
	const struct tar_entry *t;
	size_t nm, i;
	char *buf;
	int rc = 0;

	if (mf->size > READERS_MAX_MF) {
		cause_set(cause, "the manifest '%s' is %" PRIu64 " bytes, more "
		    "than any manifest is: the OVA is damaged", mf->name,
		    mf->size);
		return -1;
	}
	buf = xmalloc((size_t)mf->size + 1);
	if (readers_pread(fd, buf, (size_t)mf->size, mf->offset) != 0) {
		cause_set(cause, "cannot read the manifest '%s': %s", mf->name,
		    strerror(errno));
		free(buf);
		return -1;
	}
	m = manifest_parse(buf, (size_t)mf->size, &nm, cause);
	free(buf);
	if (m == NULL) {
		cause_prefix(cause, "%s", mf->name);
		return -1;
	}
	for (i = 0; i < nm && rc == 0; i++) {
		if ((t = readers_member(e, n, mf->name, m[i].file)) ==
		    NULL) {
			cause_set(cause, "corrupt OVA: the manifest lists "
			    "'%s', which is not in the archive: download or "
			    "export it again", m[i].file);
			rc = -1;
		} else if ((rc = readers_digest(fd, t->offset, t->size, &m[i],
		    cause)) == 1) {
			readers_bad_digest(vm, &m[i], cause);
			rc = -1;
		}
	}
	manifest_free(m, nm);
	return rc;
}

/* What the member's own header says, where the OVF left gaps. */
static void
readers_probe_member(int fd, const struct tar_entry *t, struct disk *disk)
{
	unsigned char *buf;
	enum disk_format format;
	uint64_t vsize;
	size_t want = t->size < READERS_HEADER ? (size_t)t->size :
	    READERS_HEADER;

	if (disk->allocation == 0)
		disk->allocation = t->size;
	if (want == 0)
		return;
	buf = xmalloc(want);
	if (readers_pread(fd, buf, want, t->offset) == 0 &&
	    diskimg_probe_header(buf, want, t->size, &format, &vsize) == 0 &&
	    format != DISK_FORMAT_RAW && format != DISK_FORMAT_UNKNOWN) {
		if (disk->format == DISK_FORMAT_UNKNOWN)
			disk->format = format;
		if (disk->capacity == 0)
			disk->capacity = vsize;
	}
	free(buf);
}

static struct inventory *
readers_ova_tar(int fd, int verify, char **cause)
{
	const struct tar_entry *ovf = NULL, *mf = NULL, *t;
	struct tar_entry *e;
	struct vm *vm = NULL;
	size_t n, i, novf = 0, nmf = 0;
	char *buf, *base;

	if ((e = tar_index(fd, &n, cause)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (e[i].type != '0' && e[i].type != '7')
			continue;
		if (readers_ends_with(e[i].name, ".ovf")) {
			if (novf++ == 0)
				ovf = &e[i];
		} else if (readers_ends_with(e[i].name, ".mf")) {
			if (nmf++ == 0)
				mf = &e[i];
		}
	}
	if (novf != 1) {
		if (novf == 0)
			cause_set(cause, "the OVA holds no .ovf descriptor: it "
			    "is not an OVA, or its export failed");
		else
			cause_set(cause, "the OVA holds %zu .ovf descriptors: "
			    "an OVA describes one VM, export each on its own",
			    novf);
		goto out;
	}
	/* The manifest that goes with the descriptor, if several. */
	if (nmf > 1) {
		base = xstrndup(ovf->name, strlen(ovf->name) - 4);
		for (i = 0; i < n; i++) {
			if ((e[i].type == '0' || e[i].type == '7') &&
			    strncmp(e[i].name, base, strlen(base)) == 0 &&
			    strcasecmp(e[i].name + strlen(base), ".mf") == 0) {
				mf = &e[i];
				break;
			}
		}
		free(base);
	}
	if (ovf->size > READERS_MAX_OVF) {
		cause_set(cause, "the descriptor '%s' is %" PRIu64 " bytes, "
		    "more than any OVF is: the OVA is damaged", ovf->name,
		    ovf->size);
		goto out;
	}
	buf = xmalloc((size_t)ovf->size + 1);
	if (readers_pread(fd, buf, (size_t)ovf->size, ovf->offset) != 0) {
		cause_set(cause, "cannot read '%s': %s", ovf->name,
		    strerror(errno));
		free(buf);
		goto out;
	}
	vm = ovf_parse(buf, (size_t)ovf->size, cause);
	free(buf);
	if (vm == NULL) {
		cause_prefix(cause, "%s", ovf->name);
		goto out;
	}

	for (i = 0; i < vm->ndisks; i++) {
		struct disk *d = &vm->disks[i];

		if (d->path == NULL || !path_inside(d->path))
			continue;	/* ovf_parse said why */
		if ((t = readers_member(e, n, ovf->name, d->path)) ==
		    NULL) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
			    "file '%s' is not in the OVA: the export is "
			    "incomplete, export it again", d->path);
			continue;
		}
		readers_probe_member(fd, t, d);
	}
	if (verify && mf != NULL && readers_verify_tar(fd, e, n, mf, vm,
	    cause) != 0) {
		vm_free(vm);
		vm = NULL;
	}
out:
	tar_entries_free(e, n);
	return vm != NULL ? readers_one(vm) : NULL;
}

/* Check the digests of an OVF folder's manifest against its files. */
static int
readers_verify_dir(const char *dir, const char *mfpath, const struct vm *vm,
    char **cause)
{
	struct manifest_entry *m;
	struct stat st;
	size_t len, nm, i;
	char *buf, *path;
	int fd, rc = 0;

	if ((buf = readers_file(mfpath, READERS_MAX_MF, &len, cause)) == NULL)
		return -1;
	m = manifest_parse(buf, len, &nm, cause);
	free(buf);
	if (m == NULL) {
		cause_prefix(cause, "%s", mfpath);
		return -1;
	}
	for (i = 0; i < nm && rc == 0; i++) {
		if (!path_inside(m[i].file)) {
			cause_set(cause, "the manifest lists '%s', which is "
			    "not a file of the package: export it again",
			    m[i].file);
			rc = -1;
			break;
		}
		path = readers_join(dir, m[i].file);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			cause_set(cause, "corrupt OVF package: the manifest "
			    "lists '%s', which is missing: copy it next to the "
			    ".ovf", m[i].file);
			rc = -1;
		} else if ((rc = readers_digest(fd, 0, (uint64_t)st.st_size,
		    &m[i], cause)) == 1) {
			readers_bad_digest(vm, &m[i], cause);
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	manifest_free(m, nm);
	return rc;
}

/* Read a descriptor file whole and parse it; the cause names the file. */
static struct vm *
readers_parse_file(const char *path, size_t max,
    struct vm *(*parse)(const char *, size_t, char **), char **cause)
{
	struct vm *vm;
	size_t len;
	char *buf;

	if ((buf = readers_file(path, max, &len, cause)) == NULL)
		return NULL;
	vm = parse(buf, len, cause);
	free(buf);
	if (vm == NULL)
		cause_prefix(cause, "%s", path);
	return vm;
}

/* An .ovf file and the files beside it. */
static struct inventory *
readers_ova_ovf(const char *path, int verify, char **cause)
{
	struct disk probed;
	struct vm *vm;
	struct stat st;
	size_t i;
	char *dir, *full, *mf;

	if ((vm = readers_parse_file(path, READERS_MAX_OVF, ovf_parse,
	    cause)) == NULL)
		return NULL;
	dir = readers_dirname(path);
	for (i = 0; i < vm->ndisks; i++) {
		struct disk *d = &vm->disks[i];
		char *why = NULL;

		if (d->path == NULL || !path_inside(d->path))
			continue;	/* ovf_parse said why */
		full = readers_join(dir, d->path);
		memset(&probed, 0, sizeof probed);
		if (stat(full, &st) != 0)
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
			    "file '%s' is missing: copy it next to the .ovf",
			    d->path);
		else if (diskimg_probe(full, &probed, &why) != 0) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "%s", why);
			free(why);
		} else {
			/* The OVF's sizes first; the file fills gaps. */
			if (d->format == DISK_FORMAT_UNKNOWN ||
			    probed.format != DISK_FORMAT_RAW)
				d->format = probed.format;
			if (d->capacity == 0)
				d->capacity = probed.capacity;
			if (d->allocation == 0)
				d->allocation = probed.allocation;
		}
		free(d->path);
		d->path = full;
	}
	if (verify) {
		xasprintf(&mf, "%.*s.mf", (int)(strlen(path) -
		    (readers_ends_with(path, ".ovf") ? 4 : 0)), path);
		if (stat(mf, &st) == 0 && readers_verify_dir(dir, mf, vm,
		    cause) != 0) {
			cause_prefix(cause, "%s", path);
			vm_free(vm);
			vm = NULL;
		}
		free(mf);
	}
	free(dir);
	return vm != NULL ? readers_one(vm) : NULL;
}

/* The one .ovf of a folder. */
static char **readers_list(const char *, size_t *, char **);
static void readers_list_free(char **, size_t);

static char *
readers_find_ovf(const char *dir, char **cause)
{
	char **names, *found = NULL;
	size_t i, count, n = 0;

	if ((names = readers_list(dir, &count, cause)) == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		if (!readers_ends_with(names[i], ".ovf"))
			continue;
		if (n++ == 0)
			found = readers_join(dir, names[i]);
	}
	readers_list_free(names, count);
	if (n == 1)
		return found;
	free(found);
	if (n == 0)
		cause_set(cause, "folder %s holds no .ovf descriptor: give an "
		    ".ova, an .ovf, or the folder of an OVF export", dir);
	else
		cause_set(cause, "folder %s holds %zu .ovf descriptors: give "
		    "the path of one of them, or read the folder as dir:", dir,
		    n);
	return NULL;
}

/* Does the file start with '<' (after a BOM and blanks)? */
static int
readers_looks_xml(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i < n && p[i] == '<';
}

/*
 * An OVA: a tar file, an .ovf file, or a folder holding one .ovf and its
 * disks.  With verify, every digest of the manifest (if the package has
 * one) is checked by reading the files whole; a mismatch fails the read.
 * Disk capacities come from the OVF, and from the images' headers where
 * the OVF gives none.
 */
struct inventory *
ova_read(const char *path, int verify, char **cause)
{
	struct inventory *inv;
	struct tar_entry te;
	unsigned char block[512];
	struct stat st;
	char *ovf, *why = NULL;
	ssize_t got;
	int fd;

	if (stat(path, &st) != 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		if ((ovf = readers_find_ovf(path, cause)) == NULL)
			return NULL;
		inv = readers_ova_ovf(ovf, verify, cause);
		free(ovf);
		return inv;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) <
	    0) {
		cause_set(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	got = pread(fd, block, sizeof block, 0);
	if (got == (ssize_t)sizeof block && tar_header_parse(block, &te,
	    &why) == 0)
		free(te.name);
	else if (got > 0 && (readers_ends_with(path, ".ovf") ||
	    (!readers_ends_with(path, ".ova") &&
	    readers_looks_xml(block, (size_t)got)))) {
		/* Not a tar but a descriptor, its disks beside it. */
		free(why);
		close(fd);
		return readers_ova_ovf(path, verify, cause);
	}
	free(why);
	/* A tar, or tar_index's word on why it is none. */
	inv = readers_ova_tar(fd, verify, cause);
	close(fd);
	if (inv == NULL)
		cause_prefix(cause, "%s", path);
	return inv;
}

/*
 * A .vmx and its disks: paths relative to the .vmx are resolved against
 * its folder, and each disk that is there is probed for its format and
 * sizes.
 */
struct inventory *
vmx_read(const char *path, char **cause)
{
	struct disk probed;
	struct stat st;
	struct vm *vm;
	size_t i;
	char *dir, *full;

	if ((vm = readers_parse_file(path, READERS_MAX_VMX, vmx_parse,
	    cause)) == NULL)
		return NULL;
	dir = readers_dirname(path);
	for (i = 0; i < vm->ndisks; i++) {
		struct disk *d = &vm->disks[i];
		char *why = NULL;

		if (d->path == NULL)
			continue;
		full = readers_join(dir, d->path);
		memset(&probed, 0, sizeof probed);
		if (stat(full, &st) != 0 && d->path[0] == '/') {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s: "
			    "%s is not on this machine: mount its datastore "
			    "there, or import the VM from ESXi or vCenter",
			    d->target != NULL ? d->target : "?", full);
		} else if (stat(full, &st) != 0) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s: "
			    "%s is missing: copy it next to the .vmx",
			    d->target != NULL ? d->target : "?", full);
		} else if (diskimg_probe(full, &probed, &why) != 0) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s: "
			    "%s", d->target != NULL ? d->target : "?", why);
			free(why);
		} else {
			d->format = probed.format;
			d->capacity = probed.capacity;
			d->allocation = probed.allocation;
		}
		free(d->path);
		d->path = full;
	}
	free(dir);
	return readers_one(vm);
}

/*
 * A libvirt domain XML file.  Local disks (absolute paths) are probed; the
 * format the file really has wins over the one the XML declares, and a
 * mismatch is flagged, since converting with the wrong format reads
 * garbage (or, for a qcow2 declared raw, someone else's backing file).
 */
struct inventory *
xmlfile_read(const char *path, char **cause)
{
	struct disk probed;
	struct stat st;
	struct vm *vm;
	size_t i;

	if ((vm = readers_parse_file(path, READERS_MAX_XML, domxml_parse,
	    cause)) == NULL)
		return NULL;
	for (i = 0; i < vm->ndisks; i++) {
		struct disk *d = &vm->disks[i];
		const char *dev = d->target != NULL ? d->target : "?";
		char *why = NULL;

		if (d->path == NULL || d->path[0] != '/')
			continue;	/* pools, network disks */
		memset(&probed, 0, sizeof probed);
		if (stat(d->path, &st) != 0)
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s: "
			    "%s is missing: copy the image there, or correct "
			    "the path in the XML", dev, d->path);
		else if (diskimg_probe(d->path, &probed, &why) != 0) {
			vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK, "disk %s: "
			    "%s", dev, why);
			free(why);
		} else {
			if (d->format != DISK_FORMAT_UNKNOWN &&
			    d->format != probed.format)
				vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK,
				    "disk %s: the XML says %s but %s is %s: "
				    "correct <driver type='%s'/>", dev,
				    disk_format_name(d->format), d->path,
				    disk_format_name(probed.format),
				    disk_format_name(probed.format));
			d->format = probed.format;
			d->capacity = probed.capacity;
			d->allocation = probed.allocation;
		}
	}
	return readers_one(vm);
}

/*
 * A VM that could not be read stays in the list under name, not detailed,
 * with a problem that says why (what, a prefix, may be NULL).
 */
static void
readers_unreadable(struct inventory *inv, const char *name, const char *what,
    const char *why)
{
	struct vm *vm = vm_new(name);

	if (why == NULL)
		why = "unknown error";
	if (what != NULL)
		vm_add_problem(vm, PROBLEM_UNREADABLE, "%s: %s", what, why);
	else
		vm_add_problem(vm, PROBLEM_UNREADABLE, "%s", why);
	inventory_add(inv, vm);
}

/* Move the VMs of from into to. */
static void
readers_take(struct inventory *to, struct inventory *from)
{
	size_t i;

	for (i = 0; i < from->nvms; i++)
		inventory_add(to, from->vms[i]);
	from->nvms = 0;
	inventory_free(from);
}

static int
readers_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's entries, sorted, without dot files; NULL with a cause. */
static char **
readers_list(const char *dir, size_t *n, char **cause)
{
	struct dirent *de;
	char **names = NULL;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		cause_set(cause, "cannot open folder %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xappend(names, n, sizeof *names);
		names[*n - 1] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof *names, readers_name_cmp);
	if (names == NULL)
		names = xcalloc(1, sizeof *names);
	return names;
}

static void
readers_list_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
readers_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * One VM per OVF of an oVirt export domain, <domain>/master/vms/<id>/
 * <id>.ovf, with its disks at <domain>/images/<group>/<image>.
 */
static void
readers_export_domain(struct inventory *inv, const char *domain)
{
	struct disk probed;
	struct stat st;
	struct vm *vm;
	size_t n, i, j, len;
	char **ids, *vms, *ovf, *buf, *img, *why;

	xasprintf(&vms, "%s/master/vms", domain);
	why = NULL;
	if ((ids = readers_list(vms, &n, &why)) == NULL) {
		readers_unreadable(inv, domain, NULL, why);
		free(why);
		free(vms);
		return;
	}
	for (i = 0; i < n; i++) {
		why = NULL;
		xasprintf(&ovf, "%s/%s", vms, ids[i]);
		if (!readers_is_dir(ovf)) {
			free(ovf);
			continue;
		}
		free(ovf);
		xasprintf(&ovf, "%s/%s/%s.ovf", vms, ids[i], ids[i]);
		buf = readers_file(ovf, READERS_MAX_OVF, &len, &why);
		vm = buf != NULL ? ovf_parse(buf, len, &why) : NULL;
		free(buf);
		free(ovf);
		if (vm == NULL) {
			readers_unreadable(inv, ids[i], "cannot read the OVF "
			    "of this VM", why);
			free(why);
			continue;
		}
		if (vm->uuid[0] == '\0' && uuid_valid(ids[i]))
			memcpy(vm->uuid, ids[i], sizeof vm->uuid);
		for (j = 0; j < vm->ndisks; j++) {
			struct disk *d = &vm->disks[j];

			if (d->path == NULL || !path_inside(d->path))
				continue;	/* ovf_parse said why */
			xasprintf(&img, "%s/images/%s", domain, d->path);
			memset(&probed, 0, sizeof probed);
			why = NULL;
			if (stat(img, &st) != 0)
				vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK,
				    "disk image %s is missing from the export "
				    "domain: export the VM again", d->path);
			else if (diskimg_probe(img, &probed, &why) != 0) {
				vm_add_problem(vm, PROBLEM_UNSUPPORTED_DISK,
				    "%s", why);
				free(why);
			} else {
				/* Exact sizes: the OVF rounds to GiB. */
				d->format = probed.format;
				d->capacity = probed.capacity;
				d->allocation = probed.allocation;
			}
			free(d->path);
			d->path = img;
		}
		inventory_add(inv, vm);
	}
	readers_list_free(ids, n);
	free(vms);
}

/*
 * An oVirt export domain: path is the domain's folder (it has master/vms)
 * or the folder it is mounted on (which holds <domain uuid>/master/vms).
 * A VM whose OVF cannot be read is listed under its id with a problem.
 */
struct inventory *
export_read(const char *path, char **cause)
{
	struct inventory *inv;
	size_t n, i, found = 0;
	char **names, *sub, *vms;

	xasprintf(&vms, "%s/master/vms", path);
	if (readers_is_dir(vms)) {
		free(vms);
		inv = inventory_new();
		readers_export_domain(inv, path);
		return inv;
	}
	free(vms);
	if ((names = readers_list(path, &n, cause)) == NULL)
		return NULL;
	inv = inventory_new();
	for (i = 0; i < n; i++) {
		if (!uuid_valid(names[i]))
			continue;
		xasprintf(&sub, "%s/%s", path, names[i]);
		xasprintf(&vms, "%s/master/vms", sub);
		if (readers_is_dir(vms)) {
			readers_export_domain(inv, sub);
			found++;
		}
		free(vms);
		free(sub);
	}
	readers_list_free(names, n);
	if (found == 0) {
		cause_set(cause, "%s is not an oVirt export domain: it has no "
		    "master/vms, nor a <uuid>/master/vms below it: give the "
		    "export domain's mount point or its <uuid> folder", path);
		inventory_free(inv);
		return NULL;
	}
	return inv;
}

/* Is this XML file a libvirt domain?  Its first element says. */
static int
readers_is_domain(const char *path)
{
	unsigned char buf[4096];
	const char *p, *end;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) <
	    0)
		return 0;
	got = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (got <= 0)
		return 0;
	buf[got] = '\0';
	p = (const char *)buf;
	end = p + got;
	if (got >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		if (strncmp(p, "<?", 2) == 0)
			p = strstr(p, "?>");
		else if (strncmp(p, "<!--", 4) == 0)
			p = strstr(p, "-->");
		else
			break;
		if (p == NULL)
			return 0;
		p += 2;
	}
	return strncmp(p, "<domain", 7) == 0 && (p[7] == ' ' || p[7] == '>' ||
	    p[7] == '\t' || p[7] == '\r' || p[7] == '\n');
}

/* Read one file of a folder if it is a source; 1 if it was one. */
static int
readers_dir_file(struct inventory *inv, const char *path, const char *rel)
{
	struct inventory *got;
	char *why = NULL;
	size_t first = inv->nvms, i;

	if (readers_ends_with(rel, ".ova") || readers_ends_with(rel, ".ovf"))
		got = ova_read(path, 0, &why);
	else if (readers_ends_with(rel, ".vmx"))
		got = vmx_read(path, &why);
	else if (readers_ends_with(rel, ".xml") && readers_is_domain(path))
		got = xmlfile_read(path, &why);
	else
		return 0;
	if (got != NULL)
		readers_take(inv, got);
	else
		readers_unreadable(inv, rel, NULL, why);	/* names path */
	/* Names repeat across files; the file tells the VMs apart. */
	for (i = first; i < inv->nvms; i++)
		inv->vms[i]->origin = xstrdup(rel);
	free(why);
	return 1;
}

/*
 * Every source in a folder and in its subfolders (one level down, no
 * deeper): .ova files, .ovf files (each with the disks beside it), .vmx
 * files and libvirt domain .xml files.  Dot files are skipped, manifests
 * are not checked (that is for ova: sources).  A file that cannot be read
 * does not hide the others: it is listed under its name, relative to the
 * folder, with an unreadable problem that says why.  A folder with no
 * source at all is an error, most likely the wrong folder.
 */
struct inventory *
dir_read(const char *path, char **cause)
{
	struct inventory *inv;
	struct stat st;
	size_t n, i, m, j, found = 0;
	char **names, **subs, *full, *sub, *rel;

	if ((names = readers_list(path, &n, cause)) == NULL)
		return NULL;
	inv = inventory_new();
	for (i = 0; i < n; i++) {
		full = readers_join(path, names[i]);
		if (stat(full, &st) != 0) {
			free(full);
			continue;
		}
		if (S_ISREG(st.st_mode))
			found += readers_dir_file(inv, full, names[i]);
		else if (S_ISDIR(st.st_mode) && (subs = readers_list(full, &m,
		    NULL)) != NULL) {
			for (j = 0; j < m; j++) {
				sub = readers_join(full, subs[j]);
				xasprintf(&rel, "%s/%s", names[i], subs[j]);
				if (stat(sub, &st) == 0 &&
				    S_ISREG(st.st_mode))
					found += readers_dir_file(inv, sub,
					    rel);
				free(rel);
				free(sub);
			}
			readers_list_free(subs, m);
		}
		free(full);
	}
	readers_list_free(names, n);
	if (found == 0) {
		cause_set(cause, "%s holds no .ova, .ovf, .vmx or libvirt "
		    "domain .xml file, nor do its subfolders: give the folder "
		    "that holds them", path);
		inventory_free(inv);
		return NULL;
	}
	return inv;
}
