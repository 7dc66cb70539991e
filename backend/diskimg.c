/*
 * diskimg.c: the format and sizes of a disk image file, read from its
 * header.
 *
 * A file source names its disks but rarely their sizes (a .vmx says
 * nothing; domain XML only sometimes), and the plan needs the virtual size
 * (what the destination must hold) and the allocation (what copying reads).
 * The formats are told apart by their magic numbers, as qemu-img does:
 * qcow2, VMDK (sparse, stream-optimised, and text descriptors pointing at
 * extents), VHD, VDI; anything else is raw.  Only headers are read, never
 * the whole image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

#define DISKIMG_HEADER		(64 * 1024)
#define DISKIMG_DESCRIPTOR_MAX	(1024 * 1024)	/* a VMDK descriptor file */
#define DISKIMG_SECTOR		512

static uint64_t
diskimg_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
diskimg_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t
diskimg_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
diskimg_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/*
 * Walk the extent lines of a VMDK text descriptor,
 *	RW 83886080 VMFS "web01-flat.vmdk"
 *	RDONLY 4192256 SPARSE "web01-s001.vmdk"
 *	RW 2048 ZERO
 * adding their sizes (in sectors) to *sectors and calling fn with each
 * extent's file name.  Returns the number of extents, or -1 when a line that
 * starts like an extent is garbled or the sizes overflow.
 */
static int
diskimg_extents(const unsigned char *buf, size_t len, uint64_t *sectors,
    void (*fn)(const char *, void *), void *arg)
{
	static const char *access[] = { "RW ", "RDONLY ", "NOACCESS " };
	const char *p = (const char *)buf, *end = p + len, *nl, *q, *name;
	uint64_t v, total = 0;
	size_t i, alen;
	int count = 0;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (i = 0; i < sizeof access / sizeof *access; i++) {
			alen = strlen(access[i]);
			if ((size_t)(nl - p) >= alen &&
			    memcmp(p, access[i], alen) == 0)
				break;
		}
		if (i == sizeof access / sizeof *access)
			continue;
		q = p + alen;
		while (q < nl && *q == ' ')
			q++;
		if (q == nl || *q < '0' || *q > '9')
			return -1;
		for (v = 0; q < nl && *q >= '0' && *q <= '9'; q++) {
			if (v > (UINT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*q - '0');
		}
		if (q < nl && *q != ' ' && *q != '\r')
			return -1;
		if (v > UINT64_MAX / DISKIMG_SECTOR - total)
			return -1;
		total += v;
		count++;
		/* The type, then the file in quotes (ZERO has none). */
		if (fn != NULL && (name = memchr(q, '"', (size_t)(nl - q))) !=
		    NULL) {
			const char *close = memchr(name + 1, '"',
			    (size_t)(nl - name - 1));
			char *file;

			if (close != NULL) {
				file = xstrndup(name + 1, (size_t)(close -
				    name - 1));
				fn(file, arg);
				free(file);
			}
		}
	}
	*sectors = total;
	return count;
}

/* A VMDK text descriptor: "# Disk DescriptorFile", or text with createType. */
static int
diskimg_is_descriptor(const unsigned char *buf, size_t len)
{
	static const char head[] = "# Disk DescriptorFile";
	size_t i;

	if (len == 0)
		return 0;
	if (len >= sizeof head - 1 && memcmp(buf, head, sizeof head - 1) == 0)
		return 1;
	for (i = 0; i < len; i++) {
		if (buf[i] == '\0' || (buf[i] < ' ' && buf[i] != '\n' &&
		    buf[i] != '\r' && buf[i] != '\t'))
			return 0;
	}
	return memmem(buf, len, "\ncreateType=", 12) != NULL ||
	    memmem(buf, len, "\ncreateType =", 13) != NULL;
}

/*
 * A VHD footer (512 bytes, "conectix"): at the end of every VHD, and copied
 * at the start of dynamic ones.  The current size is at byte 48.
 */
static int
diskimg_vhd(const unsigned char *p, size_t len, uint64_t *size)
{
	if (len < 512 || memcmp(p, "conectix", 8) != 0)
		return 0;
	*size = diskimg_be64(p + 48);
	return 1;
}

/*
 * Recognise an image from the first n bytes of a file of file_size bytes.
 * Sets *format and *virtual_size (in bytes) and returns 0; returns -1 when
 * the magic is one of a known format but the header is too short or its
 * sizes make no sense (*format then names the format, *virtual_size is 0).
 * For a VMDK text descriptor, buf must hold the whole descriptor.  Anything
 * unrecognised is raw, as big as the file.
 */
int
diskimg_probe_header(const unsigned char *buf, size_t n, uint64_t file_size,
    enum disk_format *format, uint64_t *virtual_size)
{
	uint64_t v;
	uint32_t version;
	int extents;

	*virtual_size = 0;
	if (n >= 4 && memcmp(buf, "QFI\xfb", 4) == 0) {
		/* qcow2: version at 4, size at 24, both big-endian. */
		*format = DISK_FORMAT_QCOW2;
		if (n < 32)
			return -1;
		version = diskimg_be32(buf + 4);
		if (version < 2)
			*format = DISK_FORMAT_UNKNOWN;	/* qcow version 1 */
		else if (version > 3)
			return -1;
		*virtual_size = diskimg_be64(buf + 24);
		return 0;
	}
	if (n >= 4 && memcmp(buf, "KDMV", 4) == 0) {
		/* VMDK sparse/streamOptimized: capacity in sectors at 12. */
		*format = DISK_FORMAT_VMDK;
		if (n < 20)
			return -1;
		v = diskimg_le64(buf + 12);
		if (v > UINT64_MAX / DISKIMG_SECTOR)
			return -1;
		*virtual_size = v * DISKIMG_SECTOR;
		return 0;
	}
	if (n >= 4 && memcmp(buf, "COWD", 4) == 0) {
		/* ESX 2 sparse VMDK: a 32-bit sector count at 12. */
		*format = DISK_FORMAT_VMDK;
		if (n < 16)
			return -1;
		*virtual_size = (uint64_t)diskimg_le32(buf + 12) *
		    DISKIMG_SECTOR;
		return 0;
	}
	if (n >= 68 && diskimg_le32(buf + 64) == 0xbeda107f) {
		/* VDI: after a 64-byte banner, cbDisk at 368. */
		*format = DISK_FORMAT_VDI;
		if (n < 376)
			return -1;
		*virtual_size = diskimg_le64(buf + 368);
		return 0;
	}
	if (diskimg_vhd(buf, n, &v)) {
		*format = DISK_FORMAT_VHD;
		*virtual_size = v;
		return 0;
	}
	if (file_size <= DISKIMG_DESCRIPTOR_MAX && n == file_size &&
	    diskimg_is_descriptor(buf, n)) {
		*format = DISK_FORMAT_VMDK;
		extents = diskimg_extents(buf, n, &v, NULL, NULL);
		if (extents <= 0)
			return -1;
		*virtual_size = v * DISKIMG_SECTOR;
		return 0;
	}
	*format = DISK_FORMAT_RAW;
	*virtual_size = file_size;
	return 0;
}

struct diskimg_alloc {
	const char	*dir;
	uint64_t	 bytes;
	char		*bad;		/* the first extent not found */
	int		 outside;	/* ... because it is not beside us */
};

/* Add the allocation of one extent file, next to its descriptor. */
static void
diskimg_extent_alloc(const char *file, void *arg)
{
	struct diskimg_alloc *a = arg;
	struct stat st;
	char *path;
	int outside;

	/* Extents live beside the descriptor; other names are not followed. */
	outside = *file == '\0' || strchr(file, '/') != NULL ||
	    strcmp(file, "..") == 0 || strcmp(file, ".") == 0;
	if (!outside) {
		xasprintf(&path, "%s/%s", a->dir, file);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			a->bytes += (uint64_t)st.st_blocks * 512;
			free(path);
			return;
		}
		free(path);
	}
	if (a->bad == NULL) {
		a->bad = xstrdup(file);
		a->outside = outside;
	}
}

static int
diskimg_read(int fd, unsigned char *buf, size_t len, size_t *got)
{
	ssize_t r;

	*got = 0;
	while (*got < len) {
		r = pread(fd, buf + *got, len - *got, (off_t)*got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

/*
 * Probe the image at path and set disk's format, capacity (virtual size)
 * and allocation (blocks in use; for a VMDK descriptor, those of its
 * extents).  Regular files and block devices only: opening never blocks and
 * a FIFO or a directory is refused.  Returns 0, or -1 with a cause and disk
 * untouched.
 */
int
diskimg_probe(const char *path, struct disk *disk, char **cause)
{
	unsigned char *buf, footer[512];
	enum disk_format format;
	uint64_t size, vsize, vhd, alloc;
	struct stat st;
	size_t want, got;
	off_t end;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) <
	    0) {
		cause_set(cause, "cannot open disk image %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		cause_set(cause, "cannot stat disk image %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (S_ISBLK(st.st_mode) && (end = lseek(fd, 0, SEEK_END)) >= 0)
		size = (uint64_t)end;
	else {
		cause_set(cause, "%s is not a disk image: it is neither a file "
		    "nor a block device", path);
		close(fd);
		return -1;
	}

	/* Descriptors are small text files: read them whole. */
	want = size <= DISKIMG_DESCRIPTOR_MAX ? (size_t)size : DISKIMG_HEADER;
	buf = xmalloc(want > 0 ? want : 1);
	if (diskimg_read(fd, buf, want, &got) != 0) {
		cause_set(cause, "cannot read disk image %s: %s", path,
		    strerror(errno));
		free(buf);
		close(fd);
		return -1;
	}
	if (diskimg_probe_header(buf, got, size, &format, &vsize) != 0) {
		cause_set(cause, "%s looks like a %s image but its %s is "
		    "damaged: check the file with qemu-img info", path,
		    format == DISK_FORMAT_UNKNOWN ? "qcow" :
		    disk_format_name(format), got == size &&
		    diskimg_is_descriptor(buf, got) ? "descriptor" : "header");
		free(buf);
		close(fd);
		return -1;
	}
	/* A fixed VHD has its footer only at the end. */
	if (format == DISK_FORMAT_RAW && size >= 1024 && pread(fd, footer,
	    sizeof footer, (off_t)(size - sizeof footer)) ==
	    (ssize_t)sizeof footer && diskimg_vhd(footer, sizeof footer,
	    &vhd)) {
		format = DISK_FORMAT_VHD;
		vsize = vhd;
	}
	alloc = S_ISREG(st.st_mode) ? (uint64_t)st.st_blocks * 512 : size;

	if (format == DISK_FORMAT_VMDK && got == size &&
	    diskimg_is_descriptor(buf, got)) {
		struct diskimg_alloc a;
		const char *slash = strrchr(path, '/');
		char *dir = slash != NULL ? xstrndup(path, (size_t)(slash -
		    path)) : xstrdup(".");
		uint64_t sectors;

		a.dir = *dir != '\0' ? dir : "/";
		a.bytes = 0;
		a.bad = NULL;
		a.outside = 0;
		diskimg_extents(buf, got, &sectors, diskimg_extent_alloc, &a);
		free(dir);
		if (a.bad != NULL) {
			if (a.outside)
				cause_set(cause, "%s is a VMDK descriptor "
				    "whose extent '%s' is not in its folder: "
				    "VMware keeps extents beside their "
				    "descriptor, fix the descriptor", path,
				    a.bad);
			else
				cause_set(cause, "%s is a VMDK descriptor but "
				    "its extent '%s' is missing: copy it next "
				    "to the descriptor", path, a.bad);
			free(a.bad);
			free(buf);
			close(fd);
			return -1;
		}
		alloc = a.bytes;
	}
	free(buf);
	close(fd);
	disk->format = format;
	disk->capacity = vsize;
	disk->allocation = alloc;
	return 0;
}
