/*
 * tar.c: the member list of a tar archive (an OVA), read from its headers.
 *
 * An OVA is a tar of an OVF descriptor, a manifest and disk images that can
 * be hundreds of gigabytes, so the index is built from the 512-byte headers
 * alone: the walk seeks over member data and never reads it.  Members are
 * never extracted: their names are data, matched against the names the OVF
 * uses, and never become paths on this machine.
 *
 * Formats: POSIX ustar (with its name prefix), GNU (long names in 'L'
 * records, sizes past 8 GiB in base-256) and pax (path= and size= in 'x'
 * records).  Every header's checksum is verified.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

#define TAR_BLOCK	512
#define TAR_MAX_MEMBERS	100000		/* an OVA holds a handful */
#define TAR_MAX_EXTHDR	(1024 * 1024)	/* a long name or pax record set */

/* Header field offsets and lengths (POSIX.1-1988 ustar). */
#define TAR_NAME	0
#define TAR_NAME_LEN	100
#define TAR_SIZE	124
#define TAR_SIZE_LEN	12
#define TAR_CHKSUM	148
#define TAR_CHKSUM_LEN	8
#define TAR_TYPE	156
#define TAR_MAGIC	257
#define TAR_PREFIX	345
#define TAR_PREFIX_LEN	155

/* A field's bytes up to its first NUL, as a string. */
static char *
tar_field(const unsigned char *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] != '\0')
		n++;
	return xstrndup((const char *)p, n);
}

/*
 * A numeric field: octal digits, maybe after spaces and before a NUL or a
 * space; or, when the top bit of the first byte is set, a big-endian binary
 * number (GNU tar's base-256 for sizes past 8 GiB).  An empty field is 0.
 */
static int
tar_number(const unsigned char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		/* 0x80: positive; 0xff (or bit 6 set): negative. */
		if (p[0] & 0x40)
			return -1;
		v = p[0] & 0x3f;
		for (i = 1; i < len; i++) {
			if (v > UINT64_MAX >> 8)
				return -1;
			v = v << 8 | p[i];
		}
		*out = v;
		return 0;
	}
	while (i < len && p[i] == ' ')
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > UINT64_MAX >> 3)
			return -1;
		v = v << 3 | (uint64_t)(p[i] - '0');
	}
	for (; i < len; i++) {
		if (p[i] != '\0' && p[i] != ' ')
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * Parse one 512-byte header block into entry (offset is left 0: the caller
 * knows where the block was).  Returns 0 for a header, 1 for an all-zero
 * block (the end of the archive), -1 with a cause for a block that is not a
 * valid header.  'L' and 'x' headers come back as such: their data (a long
 * name, pax records) applies to the next header.
 */
int
tar_header_parse(const unsigned char *block, struct tar_entry *entry,
    char **cause)
{
	uint64_t stored, size;
	unsigned long usum = 0;
	long ssum = 0;
	size_t i;
	int ustar;

	for (i = 0; i < TAR_BLOCK && block[i] == 0; i++)
		;
	if (i == TAR_BLOCK)
		return 1;

	ustar = memcmp(block + TAR_MAGIC, "ustar", 5) == 0;
	if (tar_number(block + TAR_CHKSUM, TAR_CHKSUM_LEN, &stored) != 0) {
		cause_set(cause, "%s", ustar ? "the header's checksum field is "
		    "garbled" : "not a tar header");
		return -1;
	}
	/* The checksum field counts as spaces; old tars summed signed bytes. */
	for (i = 0; i < TAR_BLOCK; i++) {
		unsigned char c = i >= TAR_CHKSUM && i < TAR_CHKSUM +
		    TAR_CHKSUM_LEN ? ' ' : block[i];

		usum += c;
		ssum += (signed char)c;
	}
	if (stored != usum && (int64_t)stored != ssum) {
		if (!ustar)
			cause_set(cause, "not a tar header");
		else
			cause_set(cause, "bad header checksum (stored %" PRIu64
			    ", computed %lu)", stored, usum);
		return -1;
	}
	if (tar_number(block + TAR_SIZE, TAR_SIZE_LEN, &size) != 0) {
		cause_set(cause, "the header's size field is garbled");
		return -1;
	}

	memset(entry, 0, sizeof *entry);
	entry->size = size;
	entry->type = block[TAR_TYPE] == '\0' ? '0' : (char)block[TAR_TYPE];
	/* POSIX ustar ("ustar\0") splits long names into prefix/name; GNU
	 * ("ustar  \0") keeps other fields where the prefix would be. */
	if (memcmp(block + TAR_MAGIC, "ustar\0", 6) == 0 &&
	    block[TAR_PREFIX] != '\0') {
		char *prefix = tar_field(block + TAR_PREFIX, TAR_PREFIX_LEN);
		char *name = tar_field(block + TAR_NAME, TAR_NAME_LEN);

		xasprintf(&entry->name, "%s/%s", prefix, name);
		free(prefix);
		free(name);
	} else
		entry->name = tar_field(block + TAR_NAME, TAR_NAME_LEN);
	return 0;
}

void
tar_entries_free(struct tar_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(entries[i].name);
	free(entries);
}

/*
 * Pax extended header records, "LEN key=value\n" each, where LEN counts the
 * whole record.  path= names the next member; size= overrides its header's
 * size (pax writes it past 8 GiB).
 */
static int
tar_pax(const char *data, size_t len, char **path, uint64_t *size,
    int *has_size)
{
	size_t off = 0, reclen, klen;
	const char *rec, *eq, *value;
	char *end, *num;

	while (off < len) {
		rec = data + off;
		if (*rec == '\0')
			break;		/* padding after the last record */
		errno = 0;
		reclen = strtoul(rec, &end, 10);
		if (errno != 0 || end == rec || *end != ' ' || reclen < 5 ||
		    reclen > len - off || rec[reclen - 1] != '\n')
			return -1;
		value = end + 1;
		if ((eq = memchr(value, '=', reclen - (size_t)(value - rec))) ==
		    NULL)
			return -1;
		klen = (size_t)(eq - value);
		eq++;
		if (klen == 4 && memcmp(value, "path", 4) == 0) {
			free(*path);
			*path = xstrndup(eq, (size_t)(rec + reclen - 1 - eq));
		} else if (klen == 4 && memcmp(value, "size", 4) == 0) {
			num = xstrndup(eq, (size_t)(rec + reclen - 1 - eq));
			errno = 0;
			*size = strtoull(num, &end, 10);
			if (errno != 0 || end == num || *end != '\0' ||
			    *num < '0' || *num > '9') {
				free(num);
				return -1;
			}
			free(num);
			*has_size = 1;
		}
		off += reclen;
	}
	return 0;
}

/* The name for the index: data only, but without a leading "./". */
static void
tar_tidy_name(char **name)
{
	char *p = *name;
	size_t skip = 0;

	while (p[skip] == '.' && p[skip + 1] == '/')
		skip += 2;
	if (skip > 0 && p[skip] != '\0')
		memmove(p, p + skip, strlen(p + skip) + 1);
}

/*
 * Index the archive open on fd: every member's name, data offset, size and
 * type, in archive order.  Returns the entries (*n of them), or NULL with
 * a cause; an archive without members is an error too, since an OVA never
 * is one.  An archive that ends at a block
 * boundary without the two zero blocks is accepted; one that ends inside a
 * header or inside a member's data is truncated.
 */
struct tar_entry *
tar_index(int fd, size_t *n, char **cause)
{
	struct tar_entry *entries = NULL, e;
	unsigned char block[TAR_BLOCK];
	uint64_t pos = 0, end, data, pax_size = 0;
	char *long_name = NULL, *ext = NULL, *why = NULL;
	int has_pax_size = 0, rc;
	struct stat st;
	off_t seek;

	*n = 0;
	if (fstat(fd, &st) != 0) {
		cause_set(cause, "cannot stat the archive: %s",
		    strerror(errno));
		return NULL;
	}
	if (S_ISREG(st.st_mode))
		end = (uint64_t)st.st_size;
	else if ((seek = lseek(fd, 0, SEEK_END)) >= 0)
		end = (uint64_t)seek;
	else {
		cause_set(cause, "the archive is not a file that can be read "
		    "at random: copy it to a file");
		return NULL;
	}

	for (;;) {
		if (pos == end)
			break;
		if (pos == 0 && end < TAR_BLOCK) {
			cause_set(cause, "the file is %" PRIu64 " bytes, too "
			    "short for a tar archive, so not an OVA: check that "
			    "it was copied whole", end);
			goto fail;
		}
		if (end - pos < TAR_BLOCK) {
			cause_set(cause, "the OVA is truncated: it ends inside "
			    "the header at byte %" PRIu64 ": copy it again",
			    pos);
			goto fail;
		}
		if (pread_full(fd, block, sizeof block, pos) != 0) {
			cause_set(cause, "cannot read the archive at byte %"
			    PRIu64 ": %s", pos, errno != 0 ? strerror(errno) :
			    "unexpected end of file");
			goto fail;
		}
		if ((rc = tar_header_parse(block, &e, &why)) == 1)
			break;
		if (rc != 0) {
			if (pos == 0)
				cause_set(cause, "the file is not a tar "
				    "archive, so not an OVA (%s): check that "
				    "it was exported as an OVA, or give the "
				    "folder of an OVF export", why);
			else
				cause_set(cause, "the OVA is corrupt: the tar "
				    "header at byte %" PRIu64 " is damaged "
				    "(%s): copy or export it again", pos, why);
			free(why);
			goto fail;
		}
		if (has_pax_size && e.type != 'x' && e.type != 'g' &&
		    e.type != 'L' && e.type != 'K') {
			e.size = pax_size;
			has_pax_size = 0;
		}
		data = pos + TAR_BLOCK;
		if (e.size > end - data) {
			cause_set(cause, "the OVA is truncated: member '%s' "
			    "needs %" PRIu64 " bytes from byte %" PRIu64
			    " but the file ends at byte %" PRIu64 ": copy it "
			    "again", long_name != NULL ? long_name : e.name,
			    e.size, data, end);
			free(e.name);
			goto fail;
		}

		if (e.type == 'L' || e.type == 'x' || e.type == 'K') {
			if (e.size > TAR_MAX_EXTHDR) {
				cause_set(cause, "the OVA is corrupt: the "
				    "extended header at byte %" PRIu64 " "
				    "declares %" PRIu64 " bytes: export it "
				    "again", pos, e.size);
				free(e.name);
				goto fail;
			}
			ext = xmalloc((size_t)e.size + 1);
			if (pread_full(fd, ext, (size_t)e.size, data) != 0) {
				cause_set(cause, "cannot read the archive at "
				    "byte %" PRIu64 ": %s", data, errno != 0 ?
				    strerror(errno) : "unexpected end of file");
				free(e.name);
				goto fail;
			}
			ext[e.size] = '\0';
			if (e.type == 'L') {
				free(long_name);
				long_name = xstrdup(ext);
			} else if (e.type == 'x' && tar_pax(ext, (size_t)e.size,
			    &long_name, &pax_size, &has_pax_size) != 0) {
				cause_set(cause, "the OVA is corrupt: the pax "
				    "header at byte %" PRIu64 " is garbled: "
				    "export it again", pos);
				free(e.name);
				goto fail;
			}
			free(ext);
			ext = NULL;
			free(e.name);
		} else if (e.type != 'g') {
			if (*n == TAR_MAX_MEMBERS) {
				cause_set(cause, "the archive has more than %d "
				    "members: it is not an OVA",
				    TAR_MAX_MEMBERS);
				free(e.name);
				goto fail;
			}
			if (long_name != NULL) {
				free(e.name);
				e.name = long_name;
				long_name = NULL;
			}
			tar_tidy_name(&e.name);
			e.offset = data;
			entries = xappend(entries, n, sizeof *entries);
			entries[*n - 1] = e;
		} else
			free(e.name);

		/* Over the data, rounded up to whole blocks. */
		pos = data + e.size;
		if (pos % TAR_BLOCK != 0)
			pos += TAR_BLOCK - pos % TAR_BLOCK;
		if (pos > end)
			pos = end;
	}
	free(long_name);
	if (*n == 0) {
		cause_set(cause, "the archive holds no files, so it is not an "
		    "OVA: check that the export finished");
		return NULL;
	}
	return entries;

fail:
	free(ext);
	free(long_name);
	tar_entries_free(entries, *n);
	*n = 0;
	return NULL;
}
