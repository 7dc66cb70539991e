/* Unit tests: allocation helpers, the cause convention, util.c. */
#include <stdlib.h>

#include "unit.h"

static void
test_xappend_grows(void)
{
	int *a = NULL;
	size_t n = 0, i;

	for (i = 0; i < 1000; i++) {
		a = xappend(a, &n, sizeof *a);
		CHECK(a[n - 1] == 0);	/* new items arrive zeroed */
		a[n - 1] = (int)i;
	}
	CHECK(n == 1000);
	for (i = 0; i < 1000; i++)
		CHECK(a[i] == (int)i);
	free(a);
}

static void
test_cause_prefix_chain(void)
{
	char *cause = NULL;

	cause_set(&cause, "no storage pool chosen: pick one");
	cause_prefix(&cause, "disk %d", 2);
	cause_prefix(&cause, "plan %s", "web01");
	CHECK_STR(cause, "plan web01: disk 2: no storage pool chosen: pick one");
	cause_set(&cause, "replaced");
	CHECK_STR(cause, "replaced");
	free(cause);
	cause_set(NULL, "ignored");	/* callers may not want a cause */
	cause_prefix(NULL, "ignored");
}

static void
test_name_valid(void)
{
	char *cause = NULL;

	CHECK(name_valid("proxy name", "proxy-1.lab_a", NULL) == 0);
	CHECK(name_valid("proxy name", "", &cause) == -1);
	CHECK(strstr(cause, "empty") != NULL);
	CHECK(name_valid("proxy name", "-rf", &cause) == -1);
	CHECK(name_valid("proxy name", ".hidden", &cause) == -1);
	CHECK(name_valid("proxy name", "a b", &cause) == -1);
	CHECK(strstr(cause, "position 2") != NULL);
	CHECK(name_valid("proxy name", "x$(reboot)", &cause) == -1);
	CHECK(name_valid("proxy name", "x'y", &cause) == -1);
	CHECK(name_valid("proxy name", "d\xc3\xa9p\xc3\xb4t", &cause) == -1);
	CHECK(name_valid("proxy name", "a\nb", &cause) == -1);
	CHECK(name_valid("proxy name", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    &cause) == -1);
	CHECK(strstr(cause, "64") != NULL);
	free(cause);
}

static void
test_mac_normalize(void)
{
	char mac[18];

	CHECK(mac_normalize("00:0C:29:33:34:38", mac) == 0);
	CHECK_STR(mac, "00:0c:29:33:34:38");
	CHECK(mac_normalize("52-54-00-aB-cD-eF", mac) == 0);
	CHECK_STR(mac, "52:54:00:ab:cd:ef");
	CHECK(mac_normalize("52:54:00:ab:cd", mac) == -1);
	CHECK(mac_normalize("52:54:00:ab:cd:ef:01", mac) == -1);
	CHECK(mac_normalize("52:54-00:ab:cd:ef", mac) == -1);
	CHECK(mac_normalize("525:4:00:ab:cd:ef", mac) == -1);
	CHECK(mac_normalize("52:54:00:ab:cd:eg", mac) == -1);
	CHECK(mac_normalize("", mac) == -1);
}

static void
test_uuid_valid(void)
{
	CHECK(uuid_valid("4dea22b3-1d52-d8f3-2516-782e98ab3fa0"));
	CHECK(!uuid_valid("4dea22b31d52d8f32516782e98ab3fa0"));
	CHECK(!uuid_valid("4dea22b3-1d52-d8f3-2516-782e98ab3fa"));
	CHECK(!uuid_valid("4dea22b3-1d52-d8f3-2516-782e98ab3fag"));
}

static void
test_size_human(void)
{
	char b[32];

	CHECK_STR(size_human(0, b, sizeof b), "0 B");
	CHECK_STR(size_human(1023, b, sizeof b), "1023 B");
	CHECK_STR(size_human(1536, b, sizeof b), "1.5 KiB");
	CHECK_STR(size_human(1073741824ULL, b, sizeof b), "1.0 GiB");
	CHECK_STR(size_human(40ULL << 30, b, sizeof b), "40 GiB");
	CHECK_STR(size_human(3ULL << 40, b, sizeof b), "3.0 TiB");
}

static void
test_embedded_demo(void)
{
	size_t size = 0;
	const char *text = embedded_find("backend/demo-node.xml", &size);

	CHECK(text != NULL);
	CHECK(size > 0 && text[size] == '\0');
	CHECK(strstr(text, "<node") != NULL);
	CHECK(embedded_find("no/such/file", NULL) == NULL);
}

int
main(void)
{
	RUN(test_xappend_grows);
	RUN(test_cause_prefix_chain);
	RUN(test_name_valid);
	RUN(test_mac_normalize);
	RUN(test_uuid_valid);
	RUN(test_size_human);
	RUN(test_embedded_demo);
	return unit_done();
}
