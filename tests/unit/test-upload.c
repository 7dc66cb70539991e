/*
 * Unit tests: the pure parts of upload.c.  The domain XML rewritten so its
 * disks point at their copies on the proxy (hostile paths kept byte for
 * byte, everything else read back the same, what cannot be uploaded
 * refused), the names files get there (last component, collisions), and
 * sha256sum's output.
 */
#include <stdlib.h>

#include "unit.h"

static const char two_disks[] =
    "<domain type='kvm'>\n"
    "  <name>web &amp; \"db\" $(reboot)</name>\n"
    "  <uuid>1b4e28ba-2fa1-11d2-883f-0016d3cca427</uuid>\n"
    "  <memory unit='MiB'>2048</memory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os><type arch='x86_64'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='/vms/a disk &apos;q&quot;uote&apos; "
    "$(touch x).qcow2'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk device='disk'>\n"
    "      <source file='/vms/two&#10;lines &amp; &lt;b&gt;.raw'/>\n"
    "      <target dev='sdb' bus='scsi'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <source file='/isos/install.iso'/>\n"
    "      <target dev='hdc' bus='ide'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:12:34:56'/>\n"
    "      <source network='default'/>\n"
    "      <model type='virtio'/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n";

static const char *const from[] = {
	"/vms/a disk 'q\"uote' $(touch x).qcow2",
	"/vms/two\nlines & <b>.raw",
};

static char *
rewrite(const char *xml, const char *const *to, size_t n, char **cause)
{
	size_t len = 0;
	char *out;

	out = upload_xml_rewrite(xml, strlen(xml), from, to, n, &len, cause);
	CHECK(out == NULL || len == strlen(out));
	return out;
}

static void
test_rewrite_points_disks_at_copies(void)
{
	static const char *const to[] = {
		"/var/tmp/virt-import/uploads/a disk 'q\"uote' $(touch x).qcow2",
		"/up/two\nlines & <b>.raw",
	};
	struct vm *before, *after;
	char *cause = NULL, *out;
	size_t i;

	out = rewrite(two_disks, to, 2, &cause);
	CHECK(out != NULL);
	CHECK(cause == NULL);
	if (out == NULL)
		return;
	before = domxml_parse(two_disks, strlen(two_disks), NULL);
	after = domxml_parse(out, strlen(out), &cause);
	CHECK(before != NULL && after != NULL);
	if (before != NULL && after != NULL) {
		CHECK(after->ndisks == 2);
		for (i = 0; i < 2 && i < after->ndisks; i++)
			CHECK_STR(after->disks[i].path, to[i]);
		CHECK_STR(after->name, before->name);
		CHECK_STR(after->uuid, before->uuid);
		CHECK(after->memory == before->memory);
		CHECK(after->vcpus == before->vcpus);
		CHECK(after->disks[0].format == DISK_FORMAT_QCOW2);
		CHECK_STR(after->disks[1].target, "sdb");
		CHECK(after->nnics == 1 && strcmp(after->nics[0].mac,
		    "52:54:00:12:34:56") == 0);
	}
	/* The CD-ROM is not converted, so not copied: left as it was. */
	CHECK(strstr(out, "/isos/install.iso") != NULL);
	/* Metacharacters arrive escaped, never as markup. */
	CHECK(strstr(out, "<b>") == NULL);
	vm_free(before);
	vm_free(after);
	free(out);
}

static void
test_rewrite_twice_is_stable(void)
{
	static const char *const to[] = { "/u/1.qcow2", "/u/2.raw" };
	static const char *const back[] = { "/u/1.qcow2", "/u/2.raw" };
	char *one, *two;
	size_t len = 0;

	one = rewrite(two_disks, to, 2, NULL);
	CHECK(one != NULL);
	if (one == NULL)
		return;
	two = upload_xml_rewrite(one, strlen(one), back, back, 2, &len, NULL);
	CHECK(two != NULL);
	CHECK_STR(one, two);
	free(one);
	free(two);
}

static void
test_rewrite_refuses(void)
{
	static const char *const to[] = { "/u/1", "/u/2" };
	static const struct {
		const char	*name;
		const char	*xml;
		const char	*want;
	} bad[] = {
		{ "block disk", "<domain><name>b</name><devices><disk "
		    "type='block' device='disk'><source dev='/dev/sdb'/><target "
		    "dev='vdc'/></disk></devices></domain>",
		    "disk vdc is of type 'block', not a file" },
		{ "no source", "<domain><name>b</name><devices><disk "
		    "type='file'><target dev='vdd'/></disk></devices></domain>",
		    "disk vdd has no source file" },
		{ "not copied", "<domain><name>b</name><devices><disk "
		    "type='file'><source file='/elsewhere.img'/><target "
		    "dev='vde'/></disk></devices></domain>",
		    "disk vde (/elsewhere.img) is not among the files copied" },
		{ "not a domain", "<network><name>n</name></network>",
		    "not a libvirt domain" },
		{ "malformed", "<domain><name>x</name>", "malformed" },
		{ "doctype", "<?xml version='1.0'?>\n<!DOCTYPE domain [ "
		    "<!ENTITY secret SYSTEM 'file:///etc/hostname'> ]>\n"
		    "<domain><name>&secret;</name></domain>", "DOCTYPE" },
		{ "empty", "", "empty" },
	};
	char *cause, *out;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		out = rewrite(bad[i].xml, to, 2, &cause);
		CHECK(out == NULL);
		CHECK_CAUSE(bad[i].name, cause, bad[i].want);
		free(out);
		free(cause);
	}
}

static void
test_names(void)
{
	static const char *const ok[] = {
		"/vms/a disk 'q\"uote' $(touch x).qcow2",
		"/vms/two\nlines & <b>.raw",
		"relative.ova",
		"/x/-n",
	};
	static const struct {
		const char	*a, *b;
		const char	*want;
	} bad[] = {
		{ "/a/disk.img", "/b/disk.img", "would collide as 'disk.img'" },
		{ "/a/disk.img", "/b/disk.img.part",
		    "would collide as 'disk.img.part'" },
		{ "/a/disk.img.part", "/b/disk.img",
		    "would collide as 'disk.img.part'" },
		{ "/a/dir/", "/b/x", "no usable file name ('')" },
		{ "/a/.", "/b/x", "no usable file name ('.')" },
		{ "/a/..", "/b/x", "no usable file name ('..')" },
	};
	const char *pair[2];
	char **names, *cause, *longname;
	size_t i;

	names = upload_names(ok, 4, NULL);
	CHECK(names != NULL);
	if (names != NULL) {
		CHECK_STR(names[0], "a disk 'q\"uote' $(touch x).qcow2");
		CHECK_STR(names[1], "two\nlines & <b>.raw");
		CHECK_STR(names[2], "relative.ova");
		CHECK_STR(names[3], "-n");
		CHECK(names[4] == NULL);
	}
	upload_names_free(names, 4);

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		pair[0] = bad[i].a;
		pair[1] = bad[i].b;
		CHECK(upload_names(pair, 2, &cause) == NULL);
		CHECK_CAUSE(bad[i].a, cause, bad[i].want);
		free(cause);
	}

	longname = xmalloc(300);
	memset(longname, 'x', 299);
	longname[0] = '/';
	longname[299] = '\0';
	pair[0] = longname;
	cause = NULL;
	CHECK(upload_names(pair, 1, &cause) == NULL);
	CHECK_CAUSE("long name", cause, "longer than 250 bytes");
	free(cause);
	free(longname);
}

static void
test_parse_sum(void)
{
	static const char hex[] =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	char got[65], *cause = NULL, *line;

	xasprintf(&line, "%s  /up/disk one.img\n", hex);
	CHECK(upload_parse_sum(line, got, NULL) == 0);
	CHECK_STR(got, hex);
	free(line);
	/* coreutils escapes a name with a newline or a backslash. */
	xasprintf(&line, "\\%s  /up/two\\nlines.raw\n", hex);
	memset(got, 0, sizeof got);
	CHECK(upload_parse_sum(line, got, NULL) == 0);
	CHECK_STR(got, hex);
	free(line);

	CHECK(upload_parse_sum("", got, &cause) == -1);
	CHECK_CAUSE("empty", cause, "printed no sha256");
	CHECK(upload_parse_sum("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934"
	    "CA495991B7852B855  x\n", got, NULL) == -1);
	CHECK(upload_parse_sum("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
	    "ca495991b7852b85  x\n", got, NULL) == -1);
	CHECK(upload_parse_sum("sha256sum: x: No such file or directory\n",
	    got, NULL) == -1);
	free(cause);
}

int
main(void)
{
	RUN(test_rewrite_points_disks_at_copies);
	RUN(test_rewrite_twice_is_stable);
	RUN(test_rewrite_refuses);
	RUN(test_names);
	RUN(test_parse_sum);
	return unit_done();
}
