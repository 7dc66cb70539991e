/*
 * Unit tests: the proxy probe's parsers on output recorded on this project's
 * machine (tests/unit/data/probe/), the verdict rules, the remote quoting of
 * argv words, fingerprints' base64, and the proxies.json parser.
 */
#include <stdlib.h>

#include "unit.h"

static struct probe *
probe_recorded(void)
{
	struct probe *pr;
	char *text;
	size_t len;

	pr = probe_new();
	text = unit_fixture("probe", "machine-readable-2.2.0.txt", &len);
	CHECK(probe_parse_caps(text, &pr->caps, &pr->ncaps, NULL) == 0);
	free(text);
	text = unit_fixture("probe", "version-2.2.0.txt", &len);
	pr->version = probe_parse_version(text);
	free(text);
	text = unit_fixture("probe", "command-v.txt", &len);
	pr->nbdcopy = probe_parse_command_v(text, "nbdcopy");
	pr->nbdkit = probe_parse_command_v(text, "nbdkit");
	free(text);
	text = unit_fixture("probe", "nbdkit-plugins.txt", &len);
	pr->curl_plugin = probe_parse_has_line(text, "nbdkit-curl-plugin.so");
	pr->vddk_plugin = probe_parse_has_line(text, "nbdkit-vddk-plugin.so");
	free(text);
	pr->job_dir = xstrdup("/var/tmp/virt-import");
	pr->tmp_dir = xstrdup("/var/tmp");
	text = unit_fixture("probe", "df-var-tmp.txt", &len);
	pr->job_free = pr->tmp_free = probe_parse_df(text, NULL);
	free(text);
	return pr;
}

static const struct probe_item *
verdict(const struct probe *pr, const char *kind)
{
	size_t i;

	for (i = 0; i < pr->nverdicts; i++) {
		if (strcmp(pr->verdicts[i].name, kind) == 0)
			return &pr->verdicts[i];
	}
	return NULL;
}

static void
test_caps_recorded(void)
{
	struct probe *pr = probe_recorded();

	CHECK(pr->ncaps == 31);
	CHECK_STR(pr->caps[0], "virt-v2v");
	CHECK(probe_has(pr, "vcenter-https"));
	CHECK(probe_has(pr, "input:ova"));
	CHECK(probe_has(pr, "output:rhv-upload"));
	CHECK(probe_has(pr, "io/oo"));
	CHECK(!probe_has(pr, "output:ovirt"));	/* newer releases only */
	CHECK(!probe_has(pr, "input"));		/* whole tokens only */
	CHECK_STR(pr->version, "2.2.0");
	probe_free(pr);
}

static void
test_caps_broken(void)
{
	char **caps, *cause = NULL;
	size_t n;

	CHECK(probe_parse_caps("", &caps, &n, &cause) == -1);
	CHECK(caps == NULL && n == 0);
	CHECK(cause != NULL && strstr(cause, "too old") != NULL);
	free(cause);
	cause = NULL;
	/* An old virt-v2v prints its usage, not the list. */
	CHECK(probe_parse_caps("virt-v2v: unknown option\nusage\n", &caps, &n,
	    &cause) == -1);
	free(cause);
	CHECK(probe_parse_caps("  virt-v2v \r\n\n input:ova\n", &caps, &n,
	    NULL) == 0);
	CHECK(n == 2);
	CHECK_STR(caps[1], "input:ova");
	free(caps[0]);
	free(caps[1]);
	free(caps);
	CHECK(probe_parse_version("virt-v2v: command not found\n") == NULL);
	CHECK(probe_parse_version("virt-v2v \n") == NULL);
}

static void
test_df(void)
{
	char *text, *cause = NULL;
	size_t len;

	text = unit_fixture("probe", "df-var-tmp.txt", &len);
	CHECK(probe_parse_df(text, NULL) == 81181492LL * 1024);
	free(text);
	/* Spaces in the device and the mount point. */
	CHECK(probe_parse_df("Filesystem 1024-blocks Used Available Capacity "
	    "Mounted on\nmy dev 1 100 50 40 56% /mnt/a b\n", NULL) ==
	    40LL * 1024);
	CHECK(probe_parse_df("df: /nope: No such file or directory\n",
	    &cause) == -1);
	CHECK(cause != NULL);
	free(cause);
	CHECK(probe_parse_df("Filesystem 1024-blocks\n/dev/x 1 2 x 3%\n",
	    NULL) == -1);
}

static void
test_loadavg_uid_sudo(void)
{
	double load[3];
	char *text;
	size_t len;

	text = unit_fixture("probe", "loadavg.txt", &len);
	CHECK(probe_parse_loadavg(text, load, NULL) == 0);
	CHECK(load[0] > 1.05 && load[0] < 1.07);
	CHECK(load[2] > 1.38 && load[2] < 1.40);
	free(text);
	CHECK(probe_parse_loadavg("cat: /proc/loadavg: nope", load, NULL) ==
	    -1);
	CHECK(load[0] == -1);
	text = unit_fixture("probe", "id-u-root.txt", &len);
	CHECK(probe_parse_uid(text, NULL) == 0);
	free(text);
	CHECK(probe_parse_uid("1000\n", NULL) == 1000);
	CHECK(probe_parse_uid("1000\nextra\n", NULL) == -1);
	CHECK(probe_parse_uid("", NULL) == -1);
	text = unit_fixture("probe", "sudo-missing.txt", &len);
	CHECK(probe_parse_sudo(127, text) == -1);
	free(text);
	CHECK(probe_parse_sudo(0, "") == 1);
	CHECK(probe_parse_sudo(1, "sudo: a password is required\n") == 0);
}

static void
test_nbd_tools(void)
{
	char *text, *dir;
	size_t len;

	text = unit_fixture("probe", "command-v.txt", &len);
	dir = probe_parse_command_v(text, "nbdcopy");
	CHECK_STR(dir, "/usr/bin/nbdcopy");
	free(dir);
	CHECK(probe_parse_command_v(text, "copy") == NULL);
	CHECK(probe_parse_command_v(text, "nbd") == NULL);
	free(text);
	text = unit_fixture("probe", "nbdkit-dump-config.txt", &len);
	dir = probe_parse_plugindir(text);
	CHECK_STR(dir, "/usr/lib/x86_64-linux-gnu/nbdkit/plugins");
	free(dir);
	free(text);
	text = unit_fixture("probe", "nbdkit-plugins.txt", &len);
	CHECK(probe_parse_has_line(text, "nbdkit-curl-plugin.so"));
	CHECK(!probe_parse_has_line(text, "nbdkit-vddk-plugin.so"));
	CHECK(!probe_parse_has_line(text, "nbdkit-curl-plugin"));
	free(text);
}

static void
test_judge(void)
{
	struct probe *pr = probe_recorded();
	const struct probe_item *v;
	size_t i;

	probe_judge(pr);
	CHECK(pr->nverdicts == 11);
	CHECK((v = verdict(pr, "vpx")) != NULL && v->level == PROBE_OK);
	CHECK(v != NULL && strstr(v->text, "HTTPS") != NULL);
	CHECK((v = verdict(pr, "xen")) != NULL && v->level == PROBE_OK);
	CHECK((v = verdict(pr, "output:rhv-upload")) != NULL &&
	    v->level == PROBE_OK);

	/* No libnbd-bin: nothing converts, and the text says what to do. */
	free(pr->nbdcopy);
	pr->nbdcopy = NULL;
	probe_judge(pr);
	CHECK((v = verdict(pr, "ova")) != NULL && v->level == PROBE_FAIL);
	CHECK(v != NULL && strstr(v->text, "install libnbd-bin") != NULL);

	/* No curl plugin and no VDDK: VMware fails, OVA still works. */
	pr->nbdcopy = xstrdup("/usr/bin/nbdcopy");
	pr->curl_plugin = 0;
	probe_judge(pr);
	CHECK((v = verdict(pr, "esx")) != NULL && v->level == PROBE_FAIL);
	CHECK((v = verdict(pr, "ova")) != NULL && v->level == PROBE_OK);
	pr->vddk_plugin = 1;
	probe_judge(pr);
	CHECK((v = verdict(pr, "esx")) != NULL && v->level == PROBE_OK);

	/* Little temporary space: a warning, not a refusal. */
	pr->tmp_free = 1024LL * 1024 * 1024;
	probe_judge(pr);
	CHECK((v = verdict(pr, "vmx")) != NULL && v->level == PROBE_WARN);
	CHECK(v != NULL && strstr(v->text, "VIRT_V2V_TMPDIR") != NULL);

	/* A virt-v2v without an input: only that kind fails. */
	for (i = 0; i < pr->ncaps; i++) {
		if (strcmp(pr->caps[i], "input:vmx") == 0) {
			free(pr->caps[i]);
			pr->caps[i] = xstrdup("nothing");
		}
	}
	probe_judge(pr);
	CHECK((v = verdict(pr, "vmx")) != NULL && v->level == PROBE_FAIL);
	CHECK(v != NULL && strstr(v->text, "input:vmx") != NULL);
	CHECK((v = verdict(pr, "ova")) != NULL && v->level == PROBE_WARN);

	/* No virt-v2v at all. */
	free(pr->version);
	pr->version = NULL;
	probe_judge(pr);
	CHECK((v = verdict(pr, "libvirt")) != NULL && v->level == PROBE_FAIL);
	CHECK(v != NULL && strstr(v->text, "install virt-v2v") != NULL);
	probe_free(pr);
}

static void
test_quote(void)
{
	const char *argv[] = { "printf", "%s\\0", "it's", "$(touch x)",
	    "`id`", "a\nb", " sp ", "", "\xc3\xa9", "''", NULL };
	const char *none[] = { NULL };
	char *s, *cause = NULL;

	s = sshc_quote("it's", 4, NULL);
	CHECK_STR(s, "'it'\\''s'");
	free(s);
	s = sshc_quote("", 0, NULL);
	CHECK_STR(s, "''");
	free(s);
	CHECK(sshc_quote("a\0b", 3, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "NUL") != NULL);
	free(cause);
	cause = NULL;
	s = sshc_command(argv, NULL);
	CHECK_STR(s, "'printf' '%s\\0' 'it'\\''s' '$(touch x)' '`id`' "
	    "'a\nb' ' sp ' '' '\xc3\xa9' ''\\'''\\'''");
	free(s);
	CHECK(sshc_command(none, &cause) == NULL);
	free(cause);
}

static void
test_base64(void)
{
	const unsigned char b[] = { 0xfb, 0xff, 0x00, 'M', 'a', 'n' };
	char *s;

	s = sshc_base64(b + 3, 3);
	CHECK_STR(s, "TWFu");
	free(s);
	s = sshc_base64(b + 3, 2);
	CHECK_STR(s, "TWE");		/* unpadded, as OpenSSH prints */
	free(s);
	s = sshc_base64(b + 3, 1);
	CHECK_STR(s, "TQ");
	free(s);
	s = sshc_base64(b, 3);
	CHECK_STR(s, "+/8A");
	free(s);
	s = sshc_base64(b, 0);
	CHECK_STR(s, "");
	free(s);
}

static void
test_proxy_parse(void)
{
	struct proxy **list;
	char *cause = NULL;
	size_t n;

	list = proxy_parse("{\"version\":1,\"proxies\":[{\"name\":\"p1\","
	    "\"host\":\"h.example\",\"port\":2222,\"user\":\"v2v\","
	    "\"key_file\":\"/k\",\"job_dir\":\"/srv/j\",\"max_jobs\":4,"
	    "\"known_hosts\":\"/kh\"},{\"name\":\"p2\",\"ssh_alias\":\"a\"}]}",
	    &n, &cause);
	CHECK(list != NULL && n == 2);
	if (list != NULL && n == 2) {
		CHECK_STR(list[0]->host, "h.example");
		CHECK(list[0]->port == 2222 && list[0]->max_jobs == 4);
		CHECK_STR(list[0]->known_hosts, "/kh");
		CHECK_STR(list[0]->job_dir, "/srv/j");
		CHECK(list[1]->port == 22 && list[1]->host == NULL);
		CHECK_STR(list[1]->job_dir, "/var/tmp/virt-import");
	}
	proxy_list_free(list, n);
	CHECK(proxy_parse("{\"version\":1,\"proxies\":[{\"name\":\"x\","
	    "\"host\":\"h\",\"port\":70000}]}", &n, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "port") != NULL);
	CHECK(proxy_parse("{\"version\":1,\"proxies\":[{\"name\":\"x\","
	    "\"host\":\"h;reboot\"}]}", &n, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "not a host name") != NULL);
	CHECK(proxy_parse("{\"version\":2,\"proxies\":[]}", &n, &cause) ==
	    NULL);
	CHECK(proxy_parse("{", &n, &cause) == NULL);
	free(cause);
	list = proxy_parse("{\"version\":1,\"proxies\":[]}", &n, NULL);
	CHECK(list != NULL && n == 0);
	proxy_list_free(list, n);
}

int
main(void)
{
	RUN(test_caps_recorded);
	RUN(test_caps_broken);
	RUN(test_df);
	RUN(test_loadavg_uid_sudo);
	RUN(test_nbd_tools);
	RUN(test_judge);
	RUN(test_quote);
	RUN(test_base64);
	RUN(test_proxy_parse);
	return unit_done();
}
