/*
 * Unit tests: v2vlog.c over virt-v2v 2.2.0 output recorded on this
 * project's machine with the remote job's stream shape (`virt-v2v
 * --machine-readable ... >>log 2>&1`, tests/unit/data/v2v/README): the
 * phases in order, disks, percentages, warnings and error text of each log;
 * the same result whatever the size of the pieces fed; the change bits;
 * over-long lines; bytes no terminal should see; garbage.
 */
#include <stdlib.h>

#include "unit.h"

#define MAXSTEPS	64
#define FEED(l, s)	v2vlog_feed((l), (s), strlen(s))

/* What a front end would have seen while a log was fed. */
struct trace {
	char		*phases[MAXSTEPS];	/* each new phase */
	size_t		 nphases;
	int		 percents[MAXSTEPS]; /* each new v2vlog_percent */
	size_t		 npercents;
	int		 bits;		/* every bit returned */
};

/* The parser's state before a call, to hold the returned bits against. */
struct snap {
	char		*phase;
	double		 elapsed;
	unsigned	 disk;
	unsigned	 ndisks;
	int		 percent;
	int		 copied;
	char		*error;
	size_t		 nwarnings;
};

static void
snap_take(struct snap *s, const struct v2vlog *l)
{
	s->phase = xstrdup(l->phase);
	s->elapsed = l->elapsed;
	s->disk = l->disk;
	s->ndisks = l->ndisks;
	s->percent = l->percent;
	s->copied = l->copied;
	s->error = l->error != NULL ? xstrdup(l->error) : NULL;
	s->nwarnings = l->nwarnings;
}

/*
 * After one call: every change is reported by its bit, and when exact
 * (one line per call at most) every bit stands for a change.
 */
static void
snap_check(struct snap *s, const struct v2vlog *l, int bits, int exact)
{
	int phase, disk, pct, warn, err;

	phase = strcmp(s->phase, l->phase) != 0 || s->elapsed != l->elapsed;
	disk = s->disk != l->disk || s->ndisks != l->ndisks;
	pct = s->percent != l->percent || s->copied != l->copied;
	warn = s->nwarnings != l->nwarnings;
	err = !str_eq(s->error, l->error);
	if (phase)
		CHECK(bits & V2VLOG_PHASE);
	if (disk)
		CHECK(bits & V2VLOG_DISK);
	if (pct)
		CHECK(bits & V2VLOG_PERCENT);
	if (warn)
		CHECK(bits & V2VLOG_WARNING);
	if (err)
		CHECK(bits & V2VLOG_ERROR);
	if (exact) {
		CHECK(!(bits & V2VLOG_PHASE) || phase);
		CHECK(!(bits & V2VLOG_DISK) || disk);
		CHECK(!(bits & V2VLOG_PERCENT) || pct);
		CHECK(!(bits & V2VLOG_WARNING) || warn);
		CHECK(!(bits & V2VLOG_ERROR) || err);
	}
	CHECK((bits & ~(V2VLOG_PHASE | V2VLOG_DISK | V2VLOG_PERCENT |
	    V2VLOG_WARNING | V2VLOG_ERROR)) == 0);
	free(s->phase);
	free(s->error);
}

static void
trace_note(struct trace *t, const struct v2vlog *l, int bits)
{
	int pct = v2vlog_percent(l);

	t->bits |= bits;
	if ((bits & V2VLOG_PHASE) && t->nphases < MAXSTEPS &&
	    (t->nphases == 0 ||
	    strcmp(t->phases[t->nphases - 1], l->phase) != 0))
		t->phases[t->nphases++] = xstrdup(l->phase);
	if ((bits & (V2VLOG_PERCENT | V2VLOG_DISK)) && t->npercents <
	    MAXSTEPS && (t->npercents == 0 ||
	    t->percents[t->npercents - 1] != pct))
		t->percents[t->npercents++] = pct;
}

static void
trace_free(struct trace *t)
{
	size_t i;

	for (i = 0; i < t->nphases; i++)
		free(t->phases[i]);
}

/*
 * Feed buf in pieces of chunk bytes (0: one line at a time, each piece
 * ending at a \n or \r), then end it.
 */
static struct v2vlog *
feed(const char *buf, size_t len, size_t chunk, struct trace *t)
{
	struct v2vlog *l = v2vlog_new();
	struct snap s;
	size_t off, n;
	int bits;

	if (t != NULL)
		memset(t, 0, sizeof *t);
	for (off = 0; off < len; off += n) {
		if (chunk == 0) {
			for (n = 0; off + n < len; n++) {
				if (buf[off + n] == '\n' ||
				    buf[off + n] == '\r') {
					n++;
					break;
				}
			}
		} else
			n = len - off < chunk ? len - off : chunk;
		snap_take(&s, l);
		bits = v2vlog_feed(l, buf + off, n);
		snap_check(&s, l, bits, chunk == 0 || chunk == 1);
		if (t != NULL)
			trace_note(t, l, bits);
	}
	snap_take(&s, l);
	bits = v2vlog_end(l);
	snap_check(&s, l, bits, 1);
	if (t != NULL)
		trace_note(t, l, bits);
	return l;
}

/* Everything the parser found, as one string to compare. */
static char *
state(const struct v2vlog *l)
{
	char *s, *w;
	size_t i;

	xasprintf(&s, "phase=%s|elapsed=%.1f|disk=%u/%u|percent=%d|"
	    "copied=%d|job=%d|error=%s|", l->phase, l->elapsed, l->disk,
	    l->ndisks, l->percent, l->copied, v2vlog_percent(l),
	    l->error != NULL ? l->error : "(none)");
	for (i = 0; i < l->nwarnings; i++) {
		xasprintf(&w, "%swarning=%s|", s, l->warnings[i]);
		free(s);
		s = w;
	}
	return s;
}

/*
 * Safe to show: valid UTF-8 (no overlongs, surrogates or C1 controls), no
 * control character but, where nl allows it, a newline.
 */
static int
displayable(const char *s, int nl)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp;
	size_t i, k, len;

	for (i = 0; u[i] != '\0'; i += len) {
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && !(nl && u[i] == '\n')) ||
			    u[i] == 0x7f)
				return 0;
			len = 1;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			len = 2;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			len = 3;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			len = 4;
			cp = u[i] & 0x07;
		} else
			return 0;
		for (k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (cp < 0xa0 || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

static void
check_displayable(const struct v2vlog *l)
{
	size_t i;

	CHECK(displayable(l->phase, 0));
	CHECK(l->error == NULL || displayable(l->error, 1));
	for (i = 0; i < l->nwarnings; i++)
		CHECK(displayable(l->warnings[i], 1));
}

/* What one recorded log must give. */
struct expect {
	const char	*file;
	const char	*const *phases;		/* NULL-terminated */
	const int	*percents;		/* v2vlog_percent, -2 ends */
	double		 elapsed;
	unsigned	 disk;
	unsigned	 ndisks;
	int		 percent;
	int		 copied;
	const char	*error;
	const char	*const *warnings;	/* NULL-terminated */
};

/*
 * The log fed one byte at a time gives the expected steps and result, and
 * every other way of cutting it gives the same result.
 */
static void
check_log(const struct expect *e)
{
	static const size_t chunks[] = { 0, 2, 3, 5, 7, 13, 64, 100, 4096 };
	struct v2vlog *l, *l2;
	struct trace t;
	char *buf, *want, *got;
	size_t len, i, n;

	buf = unit_fixture("v2v", e->file, &len);
	CHECK(len > 0);
	l = feed(buf, len, 1, &t);

	for (n = 0; e->phases[n] != NULL; n++)
		;
	CHECK(t.nphases == n);
	for (i = 0; i < n && i < t.nphases; i++)
		CHECK_STR(t.phases[i], e->phases[i]);
	for (n = 0; e->percents[n] != -2; n++)
		;
	CHECK(t.npercents == n);
	for (i = 0; i < n && i < t.npercents; i++) {
		if (t.percents[i] != e->percents[i]) {
			fprintf(stderr, "  %s: step %zu: percent %d, "
			    "expected %d\n", e->file, i, t.percents[i],
			    e->percents[i]);
			CHECK(t.percents[i] == e->percents[i]);
		}
	}

	CHECK(l->elapsed == e->elapsed);
	CHECK(l->disk == e->disk);
	CHECK(l->ndisks == e->ndisks);
	CHECK(l->percent == e->percent);
	CHECK(l->copied == e->copied);
	CHECK(v2vlog_percent(l) == (e->copied ? 100 :
	    t.npercents > 0 ? t.percents[t.npercents - 1] : -1));
	CHECK_STR(l->error, e->error);
	CHECK(((t.bits & V2VLOG_ERROR) != 0) == (e->error != NULL));
	for (n = 0; e->warnings[n] != NULL; n++)
		;
	CHECK(l->nwarnings == n);
	for (i = 0; i < n && i < l->nwarnings; i++)
		CHECK_STR(l->warnings[i], e->warnings[i]);
	CHECK(((t.bits & V2VLOG_WARNING) != 0) == (n > 0));
	check_displayable(l);
	trace_free(&t);

	/* Any cut, down to one line per call and up to the whole log. */
	want = state(l);
	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		l2 = feed(buf, len, chunks[i], NULL);
		got = state(l2);
		if (strcmp(got, want) != 0) {
			fprintf(stderr, "  %s: pieces of %zu bytes\n",
			    e->file, chunks[i]);
			CHECK_STR(got, want);
		}
		free(got);
		v2vlog_free(l2);
	}
	l2 = feed(buf, len, len, NULL);
	got = state(l2);
	CHECK_STR(got, want);
	free(got);
	v2vlog_free(l2);

	free(want);
	v2vlog_free(l);
	free(buf);
}

static const char *const no_warnings[] = { NULL };
static const int no_percents[] = { -2 };
static const char grub_warning[] =
    "could not determine a way to update the configuration of Grub2";
static const char boilerplate[] = "If reporting bugs, run virt-v2v";

static void
test_libvirtxml_qcow2(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirtxml "
		    "/var/tmp/v2vlog-rec/in1/guest.xml",
		"Opening the source",
		"Inspecting the source",
		"Checking for sufficient free disk space in the guest",
		"Converting 12.15 to run on KVM",
		"Mapping filesystem data to avoid copying unused and blank "
		    "areas",
		"Closing the overlay",
		"Assigning disks to buses",
		"Checking if the guest needs BIOS or UEFI to boot",
		"Setting up the destination: -o disk -os "
		    "/var/tmp/v2vlog-rec/out1",
		"Copying disk 1/1",
		"Creating output metadata",
		"Finishing off",
		NULL
	};
	static const int percents[] = { 0, 29, 59, 89, 100, -2 };
	static const char *const warnings[] = { grub_warning, NULL };
	struct expect e = {
		"libvirtxml-qcow2.log", phases, percents, 148.2, 1, 1, 100, 1,
		NULL, warnings
	};

	check_log(&e);
}

/* An OVA as ESXi exports it, its NIC's bridge mapped (no warning). */
static void
test_ova_raw(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i ova /var/tmp/v2vlog-rec/lab-ova.ova",
		"Opening the source",
		"Inspecting the source",
		"Checking for sufficient free disk space in the guest",
		"Converting 12.15 to run on KVM",
		"Mapping filesystem data to avoid copying unused and blank "
		    "areas",
		"Closing the overlay",
		"Assigning disks to buses",
		"Checking if the guest needs BIOS or UEFI to boot",
		"Setting up the destination: -o disk -os "
		    "/var/tmp/v2vlog-rec/out2",
		"Copying disk 1/1",
		"Creating output metadata",
		"Finishing off",
		NULL
	};
	static const int percents[] = { 0, 29, 59, 89, 100, -2 };
	static const char *const warnings[] = { grub_warning, NULL };
	struct expect e = {
		"ova-raw.log", phases, percents, 274.4, 1, 1, 100, 1,
		NULL, warnings
	};

	check_log(&e);
}

/*
 * From the simulated vCenter: libvirt's ESX driver prints 55 lines of
 * `warning : esxVI_..._Deserialize: Unexpected '...' property` into the
 * stream; they are noise, not virt-v2v's warnings.
 */
static void
test_vcsim_vpx(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirt -ic vpx://administrator%40"
		    "vsphere.local@127.0.0.1:39329/DC0/DC0_C0/DC0_C0_H0?"
		    "no_verify=1 DC0_C0_RP0_VM0",
		"Opening the source",
		"Inspecting the source",
		"Checking for sufficient free disk space in the guest",
		"Converting 12.15 to run on KVM",
		"Mapping filesystem data to avoid copying unused and blank "
		    "areas",
		"Closing the overlay",
		"Assigning disks to buses",
		"Checking if the guest needs BIOS or UEFI to boot",
		"Setting up the destination: -o disk -os "
		    "/var/tmp/v2vlog-rec/out7",
		"Copying disk 1/1",
		"Creating output metadata",
		"Finishing off",
		NULL
	};
	static const int percents[] = { 0, 29, 59, 89, 100, -2 };
	static const char *const warnings[] = { grub_warning, NULL };
	struct expect e = {
		"vcsim-vpx.log", phases, percents, 185.2, 1, 1, 100, 1,
		NULL, warnings
	};
	char *buf;
	size_t len, n = 0;
	const char *p;

	check_log(&e);
	buf = unit_fixture("v2v", e.file, &len);
	for (p = buf; (p = strstr(p, "warning : esxVI_")) != NULL; p++)
		n++;
	CHECK(n == 55);
	free(buf);
}

/* Two disks: the job's percent is half a disk's. */
static void
test_two_disks(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirtxml "
		    "/var/tmp/v2vlog-rec/in5/guest.xml",
		"Opening the source",
		"Inspecting the source",
		"Checking for sufficient free disk space in the guest",
		"Converting 12.15 to run on KVM",
		"Mapping filesystem data to avoid copying unused and blank "
		    "areas",
		"Closing the overlay",
		"Assigning disks to buses",
		"Checking if the guest needs BIOS or UEFI to boot",
		"Setting up the destination: -o disk -os "
		    "/var/tmp/v2vlog-rec/out5",
		"Copying disk 1/2",
		"Copying disk 2/2",
		"Creating output metadata",
		"Finishing off",
		NULL
	};
	/* Disk 1 at 0, 29, 59, 89, 100%; the blank disk 2 at 0 and 100%. */
	static const int percents[] = { 0, 14, 29, 44, 50, 100, -2 };
	static const char *const warnings[] = { grub_warning, NULL };
	struct expect e = {
		"two-disks.log", phases, percents, 255.8, 2, 2, 100, 1,
		NULL, warnings
	};

	check_log(&e);
}

/* A manifest line virt-v2v cannot read (a warning), then a bad digest. */
static void
test_ova_bad_manifest(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i ova "
		    "/var/tmp/v2vlog-rec/lab-ova-bad-manifest.ova",
		NULL
	};
	static const char *const warnings[] = {
		"unable to parse line from manifest file: \"this line is not a "
		    "digest\"",
		NULL
	};
	struct expect e = {
		"ova-bad-manifest.log", phases, no_percents, 0.0, 0, 0, -1, 0,
		"-i ova: corrupt OVA: checksum of disk lab-ova-disk1.vmdk does "
		"not match manifest (actual = 6e468cd8ac7979d71c3cb5ebb511dfa1"
		"a02dacb3d15277f3dfbe7db9c4a6e6f8, expected = sha256)", warnings
	};

	check_log(&e);
}

/* An error of three paragraphs: a blank line does not end it. */
static void
test_blank_disk(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirtxml "
		    "/var/tmp/v2vlog-rec/in6/guest.xml",
		"Opening the source",
		"Inspecting the source",
		NULL
	};
	struct expect e = {
		"blank-disk.log", phases, no_percents, 18.7, 0, 0, -1, 0,
		"inspection could not detect the source guest (or physical "
		"machine).\n\nAssuming that you are running virt-v2v/virt-p2v "
		"on a source which is supported (and not, for example, a blank "
		"disk), then this should not happen.\n\nNo root device found "
		"in this operating system image.", no_warnings
	};

	check_log(&e);
}

static void
test_missing_disk(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirtxml "
		    "/var/tmp/v2vlog-rec/in3/guest.xml",
		NULL
	};
	struct expect e = {
		"missing-disk.log", phases, no_percents, 0.0, 0, 0, -1, 0,
		"nbdkit did not start up.  There may be errors printed by "
		"nbdkit above.\n\nIf the messages above are not sufficient "
		"to diagnose the problem then add the \xe2\x80\x98virt-v2v -v "
		"-x\xe2\x80\x99 options and examine the debugging output "
		"carefully.", no_warnings
	};

	check_log(&e);
}

static void
test_bad_of(void)
{
	static const char *const phases[] = {
		"Setting up the source: -i libvirtxml "
		    "/var/tmp/v2vlog-rec/in1/guest.xml",
		"Opening the source",
		"Inspecting the source",
		"Checking for sufficient free disk space in the guest",
		"Converting 12.15 to run on KVM",
		"Mapping filesystem data to avoid copying unused and blank "
		    "areas",
		"Closing the overlay",
		"Assigning disks to buses",
		"Checking if the guest needs BIOS or UEFI to boot",
		"Setting up the destination: -o disk -os "
		    "/var/tmp/v2vlog-rec/out4",
		NULL
	};
	static const char *const warnings[] = { grub_warning, NULL };
	struct expect e = {
		"bad-of.log", phases, no_percents, 198.3, 0, 0, -1, 0,
		"libguestfs error: unsupported format "
		"\xe2\x80\x98qcow3\xe2\x80\x99", warnings
	};

	check_log(&e);
}

static void
test_bad_oa(void)
{
	static const char *const phases[] = { NULL };
	struct expect e = {
		"bad-oa.log", phases, no_percents, 0.0, 0, 0, -1, 0,
		"unknown -oa option: bogus", no_warnings
	};

	check_log(&e);
}

/*
 * Without the JSON events (virt-v2v run without --machine-readable) the
 * error comes from the human lines: the same text, up to the boilerplate.
 */
static void
test_human_only(void)
{
	static const char *const files[] = {
		"missing-disk.log", "bad-of.log", "bad-oa.log",
		"libvirtxml-qcow2.log", "ova-raw.log", "two-disks.log",
		"ova-bad-manifest.log", "blank-disk.log", "vcsim-vpx.log"
	};
	struct v2vlog *l, *h;
	char *buf, *plain, *p, *q, *end;
	size_t len, i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		buf = unit_fixture("v2v", files[i], &len);
		plain = xmalloc(len + 1);
		q = plain;
		for (p = buf; p < buf + len; p = end) {
			if ((end = memchr(p, '\n', (size_t)(buf + len - p))) ==
			    NULL)
				end = buf + len;
			else
				end++;
			if (*p != '{') {
				memcpy(q, p, (size_t)(end - p));
				q += end - p;
			}
		}
		*q = '\0';
		l = feed(buf, len, 4096, NULL);
		h = feed(plain, (size_t)(q - plain), 1, NULL);
		CHECK(strchr(plain, '{') == NULL);
		CHECK_STR(h->error, l->error);
		CHECK_STR(h->phase, l->phase);
		CHECK(h->nwarnings == l->nwarnings);
		if (h->nwarnings == l->nwarnings && h->nwarnings > 0)
			CHECK_STR(h->warnings[0], l->warnings[0]);
		CHECK(v2vlog_percent(h) == v2vlog_percent(l));
		CHECK(l->error == NULL ||
		    strstr(l->error, boilerplate) == NULL);
		v2vlog_free(h);
		v2vlog_free(l);
		free(plain);
		free(buf);
	}
}

/* A line past the limit is cut, and the next line is read as usual. */
static void
test_long_lines(void)
{
	struct v2vlog *l;
	char *big;
	size_t n = 200 * 1024, i;
	int bits;

	big = xmalloc(n);
	memset(big, 'x', n);

	l = v2vlog_new();
	bits = FEED(l, "[   1.5] ");
	CHECK(bits == 0);
	for (i = 0; i < n; i += 1000)
		v2vlog_feed(l, big, n - i < 1000 ? n - i : 1000);
	CHECK(l->cap <= 64 * 1024);
	CHECK(l->skip);
	CHECK(l->elapsed == 1.5);
	CHECK(strlen(l->phase) == 16 * 1024);
	CHECK(l->phase[0] == 'x');
	bits = FEED(l, "\n[   2.0] Copying disk 1/2\n");
	CHECK(bits == (V2VLOG_PHASE | V2VLOG_DISK | V2VLOG_PERCENT));
	CHECK(!l->skip);
	CHECK_STR(l->phase, "Copying disk 1/2");
	CHECK(l->disk == 1 && l->ndisks == 2 && l->percent == 0);
	CHECK(v2vlog_percent(l) == 0);

	/* A bar whose \r never comes: memory stays bounded. */
	FEED(l, "\xe2\x96\x9d  50% [");
	for (i = 0; i < 20; i++)
		v2vlog_feed(l, big, n);
	CHECK(l->cap <= 64 * 1024 && l->len < 64 * 1024);
	CHECK(l->percent == 0);
	FEED(l, "\r");
	bits = FEED(l, "\xe2\x96\x9d  50% [****----]\r");
	CHECK(bits == V2VLOG_PERCENT);
	CHECK(l->percent == 50 && v2vlog_percent(l) == 25);

	/* An error line cut at the limit keeps the first part. */
	FEED(l, "virt-v2v: error: ");
	v2vlog_feed(l, big, n);
	FEED(l, "\n\nIf reporting bugs, run virt-v2v with debugging "
	    "enabled and include the complete output:\n");
	CHECK(l->error != NULL && strlen(l->error) == 16 * 1024);
	CHECK(l->error != NULL && strspn(l->error, "x") == 16 * 1024);
	CHECK(l->in_error == 0);

	/* A JSON event past the limit cannot be read whole: ignored. */
	FEED(l, "{ \"message\": \"");
	v2vlog_feed(l, big, n);
	bits = FEED(l, "\", \"type\": \"warning\" }\n");
	CHECK(bits == 0 && l->nwarnings == 0);
	v2vlog_free(l);
	free(big);
}

/* Bytes no terminal should see are replaced; colours are dropped. */
static void
test_control_bytes(void)
{
	static const char in[] =
	    "\x1b[1;34m[   3.0] Opening \x07the\x1b[0m \xff\xfe source\t\n"
	    "{ \"message\": \"a\\u0000b\\u001bc\\u009bd\\ne\", "
	    "\"type\": \"message\" }\n"
	    "{ \"message\": \"w\\u0000x \xc0\xaf \xed\\u00a0\\u0080\", "
	    "\"type\": \"warning\" }\n"
	    "virt-v2v: warning: \xe2\x80\x98quoted\xe2\x80\x99 \xf4\x90\x80"
	    "\x80 \xc2\x9b\n";
	struct v2vlog *l;
	struct trace t;

	l = feed(in, sizeof in - 1, 1, &t);
	CHECK(t.nphases == 2);
	if (t.nphases == 2) {
		CHECK_STR(t.phases[0], "Opening ?the ?? source");
		CHECK_STR(t.phases[1], "a?b?c?d e");
	}
	CHECK(l->elapsed == 3.0);
	CHECK(l->nwarnings == 2);
	if (l->nwarnings == 2) {
		CHECK_STR(l->warnings[0], "w?x ?? ?\xc2\xa0?");
		CHECK_STR(l->warnings[1],
		    "\xe2\x80\x98quoted\xe2\x80\x99 ???? ?");
	}
	check_displayable(l);
	trace_free(&t);
	v2vlog_free(l);
}

/*
 * What the JSON half decides: a human warning twin is not counted twice, a
 * multi-line JSON warning's twin is its first line, a JSON error is the
 * whole text, lines that do not parse are nothing.  The forms are virt-v2v
 * 2.2's (see the recorded logs); the messages are made up.
 */
static void
test_json(void)
{
	static const char in[] =
	    "{ \"message\": \"one\\ntwo\", \"timestamp\": \"x\", "
	    "\"type\": \"warning\" }\n"
	    "virt-v2v: warning: one\n"
	    "two\n"
	    "{ \"message\": \"one\\ntwo\", \"type\": \"warning\" }\n"
	    "{ \"message\": \"Inspecting the source\", \"type\": \"info\" }\n"
	    "{ \"message\": \"Opening the source\", \"type\": \"message\" } x\n"
	    "{ \"message\": 1, \"type\": \"message\" }\n"
	    "{ \"message\": \"x\", \"type\": [] }\n"
	    "[ \"message\", \"type\" ]\n"
	    "{ \"message\": \"Opening\n"
	    "{\"type\":\"message\",\"message\":\"Copying disk 2/3\"}\n"
	    "{ \"message\": \"boom\\n\\nsecond paragraph\", "
	    "\"type\": \"error\" }\n"
	    "virt-v2v: error: boom\n"
	    "\n"
	    "second paragraph\n"
	    "virt-v2v: error: later\n"
	    "{ \"message\": \"later\", \"type\": \"error\" }\n";
	struct v2vlog *l;

	l = feed(in, sizeof in - 1, 1, NULL);
	CHECK(l->nwarnings == 1);
	if (l->nwarnings == 1)
		CHECK_STR(l->warnings[0], "one\ntwo");
	CHECK_STR(l->phase, "Copying disk 2/3");
	CHECK(l->elapsed == 0);
	CHECK(l->disk == 2 && l->ndisks == 3 && l->percent == 0);
	CHECK(v2vlog_percent(l) == 33);
	CHECK_STR(l->error, "boom\n\nsecond paragraph");
	v2vlog_free(l);

	/* Nesting deeper than json-c allows is refused, not a crash. */
	{
		char deep[4096];
		size_t i, n = 0;

		for (i = 0; i < 600; i++)
			n += (size_t)snprintf(deep + n, sizeof deep - n,
			    "{\"a\":");
		deep[n++] = '\n';
		l = feed(deep, n, 1, NULL);
		CHECK_STR(l->phase, "");
		v2vlog_free(l);
	}
}

/* The forms no recording here has: virt-v2v 1.x and a human-only error. */
static void
test_other_forms(void)
{
	static const char v1[] =
	    "[   5.0] Copying disk 1/2 to /tmp/out/guest-sda (raw)\n"
	    "    (0.00/100%)\r    (50.00/100%)\r    (100.00/100%)\n"
	    "[  20.0] Copying disk 2/2 to /tmp/out/guest-sdb (raw)\n"
	    "    (10.00/100%)\r    (1000.00/100%)\r    (12/100%)\r";
	static const char verbose[] =
	    "virt-v2v: error: something broke\n"
	    "more about it\n"
	    "libguestfs: closing guestfs handle 0x55d0 (state 2)\n"
	    "extra debugging output\n";
	struct v2vlog *l;
	struct trace t;

	l = feed(v1, sizeof v1 - 1, 1, &t);
	CHECK(l->disk == 2 && l->ndisks == 2);
	CHECK(l->percent == 12);
	CHECK(v2vlog_percent(l) == 56);
	/* Disk 2 at 0% is the job at 50%, as disk 1 at 100% was. */
	CHECK(t.npercents == 5);
	if (t.npercents == 5) {
		CHECK(t.percents[0] == 0 && t.percents[1] == 25);
		CHECK(t.percents[2] == 50 && t.percents[3] == 55);
		CHECK(t.percents[4] == 56);
	}
	CHECK_STR(l->phase, "Copying disk 2/2 to /tmp/out/guest-sdb (raw)");
	trace_free(&t);
	v2vlog_free(l);

	/* With -v there is no boilerplate: the error ends at other output. */
	l = feed(verbose, sizeof verbose - 1, 1, NULL);
	CHECK_STR(l->error, "something broke\nmore about it");
	v2vlog_free(l);

	/* The stream ends inside the error: v2vlog_end closes it. */
	l = v2vlog_new();
	CHECK(FEED(l, "virt-v2v: error: cut") == 0);
	CHECK(l->error == NULL);
	CHECK(v2vlog_end(l) == V2VLOG_ERROR);
	CHECK_STR(l->error, "cut");
	CHECK(v2vlog_end(l) == 0);
	v2vlog_free(l);

	/* Not status lines: a kernel's stamp, no text, no blank. */
	l = v2vlog_new();
	FEED(l, "[    0.000000] Linux version\n[   1.0]\n[1.0]x\n");
	CHECK_STR(l->phase, "");
	CHECK(l->elapsed == 0);
	v2vlog_free(l);
	v2vlog_free(NULL);
}

/* Random bytes, and random mixes of real lines, never crash. */
static void
test_garbage(void)
{
	static const char *const pieces[] = {
		"[  12.3] Copying disk ", "1/", "4294967297/1", "99999999",
		"\xe2\x96\x9d 100% [", "***", "---", "]", "    (", "100.00",
		"/100%)", "virt-v2v: error: ", "virt-v2v: warning: ",
		"If reporting bugs, run virt-v2v with debugging enabled", "{",
		"\"message\"", ":", "\"type\"", "\"error\"", "\"warning\"",
		"\"message\"", ",", "}", "\n", "\r", "\r\n", "\n\n", "\x1b[",
		"\x1b[31m", "\xff", "\xc3", "\x80", "\0", " ",
		"Creating output metadata"
	};
	static char buf[1 << 16];
	struct v2vlog *l, *l2;
	unsigned long seed = 1;
	size_t round, i, n, k;
	char *a, *b;

	for (round = 0; round < 40; round++) {
		n = 0;
		while (n < sizeof buf - 64) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			if (round % 2 == 0)
				buf[n++] = (char)(seed >> 33);
			else {
				k = (seed >> 33) % (sizeof pieces /
				    sizeof pieces[0]);
				i = strlen(pieces[k]);
				if (i == 0)
					i = 1;	/* the NUL piece */
				memcpy(buf + n, pieces[k], i);
				n += i;
			}
		}
		l = feed(buf, n, 1, NULL);
		l2 = feed(buf, n, 977, NULL);
		a = state(l);
		b = state(l2);
		CHECK_STR(a, b);
		check_displayable(l);
		CHECK(l->nwarnings <= 64);
		CHECK(l->error == NULL || strlen(l->error) <= 16 * 1024);
		CHECK(v2vlog_percent(l) >= -1 && v2vlog_percent(l) <= 100);
		CHECK(l->percent >= -1 && l->percent <= 100);
		CHECK(l->disk <= l->ndisks);
		free(a);
		free(b);
		v2vlog_free(l);
		v2vlog_free(l2);
	}
}

/*
 * virt-v2v's error may only say "see earlier error messages" (a full
 * destination) or "errors printed by nbdkit above" (a missing disk): the
 * text for the user adds the first error its helpers printed, and for a
 * full disk what to do.  Any chunking gives the same.
 */
static void
test_helper_errors(void)
{
	static const size_t chunks[] = { 1, 7, 4096 };
	static const char want[] = "nbdcopy command failed, see earlier "
	    "error messages (its helpers said first: nbdkit: file.0: error: "
	    "pwrite: No space left on device: a folder of the destination, or "
	    "the proxy's temporary folder (VIRT_V2V_TMPDIR), is full: free "
	    "space there, then import the VM again)";
	struct v2vlog *l;
	char *buf, *text;
	size_t len, i;

	buf = unit_fixture("v2v", "dest-full.log", &len);
	for (i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		l = feed(buf, len, chunks[i], NULL);
		v2vlog_end(l);
		CHECK_STR(l->error, "nbdcopy command failed, see earlier error "
		    "messages");
		CHECK_STR(l->helper, "nbdkit: file.0: error: pwrite: No space "
		    "left on device");
		text = v2vlog_error_text(l);
		CHECK_STR(text, want);
		free(text);
		v2vlog_free(l);
	}
	free(buf);

	buf = unit_fixture("v2v", "missing-disk.log", &len);
	l = feed(buf, len, 1, NULL);
	text = v2vlog_error_text(l);
	CHECK(strncmp(text, "nbdkit did not start up.", 24) == 0);
	CHECK(strstr(text, "(its helpers said first: nbdkit: error: realpath: "
	    "/var/tmp/v2vlog-rec/in3/guest-disk.img: No such file or "
	    "directory)") != NULL);
	free(text);
	v2vlog_free(l);
	free(buf);

	/* No helper error, or one the error already holds: as it is. */
	l = v2vlog_new();
	FEED(l, "virt-v2v: error: something\n");
	text = v2vlog_error_text(l);
	CHECK_STR(text, "something");
	free(text);
	v2vlog_free(l);
	l = v2vlog_new();
	CHECK(v2vlog_error_text(l) == NULL);
	v2vlog_free(l);
}

int
main(void)
{
	RUN(test_libvirtxml_qcow2);
	RUN(test_ova_raw);
	RUN(test_vcsim_vpx);
	RUN(test_two_disks);
	RUN(test_ova_bad_manifest);
	RUN(test_blank_disk);
	RUN(test_missing_disk);
	RUN(test_helper_errors);
	RUN(test_bad_of);
	RUN(test_bad_oa);
	RUN(test_human_only);
	RUN(test_long_lines);
	RUN(test_control_bytes);
	RUN(test_json);
	RUN(test_other_forms);
	RUN(test_garbage);
	return unit_done();
}
