/* Unit tests: the console's pure parts (line editing, ':' word splitting). */
#include <stdlib.h>

#include <curses.h>

#include "unit.h"
#include "tui.h"

static void
type(struct widget_edit *e, const char *s)
{
	while (*s != '\0')
		widget_edit_key(e, (unsigned char)*s++);
}

/* UTF-8 arrives a byte at a time; editing moves by whole characters. */
static void
test_edit_utf8(void)
{
	struct widget_edit *e;

	e = widget_edit_new("");
	type(e, "d\xc3\xa9p\xc3\xb4t");
	CHECK_STR(e->buf, "d\xc3\xa9p\xc3\xb4t");
	widget_edit_key(e, KEY_BACKSPACE);
	widget_edit_key(e, KEY_BACKSPACE);
	CHECK_STR(e->buf, "d\xc3\xa9p");
	widget_edit_key(e, KEY_LEFT);
	widget_edit_key(e, KEY_LEFT);
	CHECK(e->pos == 1);
	widget_edit_key(e, KEY_DC);
	CHECK_STR(e->buf, "dp");
	widget_edit_key(e, 'A' & 0x1f);
	type(e, "x ");
	CHECK_STR(e->buf, "x dp");
	widget_edit_key(e, 'E' & 0x1f);
	widget_edit_key(e, 'W' & 0x1f);
	CHECK_STR(e->buf, "x ");
	widget_edit_key(e, 'U' & 0x1f);
	CHECK_STR(e->buf, "");
	CHECK(widget_edit_key(e, '\r') == EDIT_DONE);
	CHECK(widget_edit_key(e, 27) == EDIT_CANCEL);
	/* Control bytes never go in. */
	widget_edit_key(e, 0x01 + 0x10);
	widget_edit_key(e, KEY_F(5));
	CHECK_STR(e->buf, "");
	widget_edit_free(e);
}

static void
test_edit_limit(void)
{
	struct widget_edit *e;
	int i;

	e = widget_edit_new("");
	for (i = 0; i < 10000; i++)
		widget_edit_key(e, 'a');
	CHECK(e->len == 4096);
	CHECK(strlen(e->buf) == 4096);
	widget_edit_free(e);
}

static void
test_cmdline_split(void)
{
	char **argv, *cause = NULL;
	size_t argc;

	argv = cmdline_split("  open  'ova:/srv/my vm.ova'  ", &argc, &cause);
	CHECK(argv != NULL && argc == 2);
	CHECK_STR(argv[0], "open");
	CHECK_STR(argv[1], "ova:/srv/my vm.ova");
	CHECK(argv[2] == NULL);
	cmdline_free(argv, argc);

	argv = cmdline_split("write \"a \\\"b\\\"\" c\\ d $(reboot)", &argc,
	    &cause);
	CHECK(argv != NULL && argc == 4);
	CHECK_STR(argv[1], "a \"b\"");
	CHECK_STR(argv[2], "c d");
	CHECK_STR(argv[3], "$(reboot)");
	cmdline_free(argv, argc);

	argv = cmdline_split("", &argc, &cause);
	CHECK(argv != NULL && argc == 0);
	cmdline_free(argv, argc);

	CHECK(cmdline_split("open 'unclosed", &argc, &cause) == NULL);
	CHECK_CAUSE("unclosed quote", cause, "quote is not closed");
	free(cause);
}

int
main(void)
{
	RUN(test_edit_utf8);
	RUN(test_edit_limit);
	RUN(test_cmdline_split);
	return unit_done();
}
