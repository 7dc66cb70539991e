/*
 * Unit tests: the theme parser (every error it gives, partial themes,
 * garbage bytes, over-long lines), colour degradation from 256 colours to
 * 16 and 8, the shipped themes (complete, compiled in unchanged,
 * readable at every colour depth), user themes from a temporary
 * XDG_CONFIG_HOME, and virt-import-themes(5) against the element list.
 * No terminal: the parser and loader never call curses.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "tui.h"

/* The bytes of $VI_TOP/REL, NUL-terminated; NULL fails the case. */
static char *
top_file(const char *rel, size_t *len)
{
	const char *top = getenv("VI_TOP");
	char *path, *buf;
	FILE *f;
	long n;

	xasprintf(&path, "%s/%s", top != NULL ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0) {
		unit_fail(__FILE__, __LINE__, path);
		if (f != NULL)
			fclose(f);
		free(path);
		return NULL;
	}
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	free(path);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static struct theme *
parse(const char *text, char **cause)
{
	return theme_parse(text, strlen(text), "t.theme", cause);
}

/* Every byte of a message is printable ASCII: it cannot drive a terminal. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	}
	return 1;
}

static void
test_elements(void)
{
	int el, other;

	for (el = 0; el < EL_COUNT; el++) {
		CHECK(theme_element_name(el) != NULL);
		CHECK(theme_element_help(el) != NULL);
		CHECK(theme_element(theme_element_name(el)) == el);
		for (other = 0; other < el; other++)
			CHECK(strcmp(theme_element_name(el),
			    theme_element_name(other)) != 0);
	}
	CHECK_STR(theme_element_name(EL_SELECTION), "selection");
	CHECK_STR(theme_element_name(EL_SELECTION_BLUR), "selection-inactive");
	CHECK(theme_element("Selection") == -1);
	CHECK(theme_element("") == -1);
	CHECK(theme_element_name(EL_COUNT) == NULL);
}

static void
test_parse(void)
{
	struct theme *t;
	char *cause = NULL;

	t = parse("# a comment\n"
	    "\n"
	    "color selection black cyan bold   # trailing comment\n"
	    "mono selection reverse\n"
	    "\tcolour  header\t231/bright-white 24/blue bold underline\r\n"
	    "color ok green\n"
	    "color error 9 default\n"
	    "mono error bold normal blink\n"
	    "color dim 244/default default dim italic standout\n"
	    "set colors yes", &cause);
	CHECK(t != NULL);
	CHECK(cause == NULL);
	if (t == NULL)
		goto out;
	CHECK(t->colours == 1);
	CHECK(t->colour_line[EL_SELECTION] == 3);
	CHECK(t->colour[EL_SELECTION].fg == 0);
	CHECK(t->colour[EL_SELECTION].bg == 6);
	CHECK(t->colour[EL_SELECTION].fg_low == THEME_NEAREST);
	CHECK(t->colour[EL_SELECTION].attr == THEME_BOLD);
	CHECK(t->mono_line[EL_SELECTION] == 4);
	CHECK(t->mono[EL_SELECTION].attr == THEME_REVERSE);
	CHECK(t->colour[EL_HEADER].fg == 231);
	CHECK(t->colour[EL_HEADER].fg_low == 15);
	CHECK(t->colour[EL_HEADER].bg == 24);
	CHECK(t->colour[EL_HEADER].bg_low == 4);
	CHECK(t->colour[EL_HEADER].attr == (THEME_BOLD | THEME_UNDERLINE));
	/* The background may be left out: the default's. */
	CHECK(t->colour[EL_OK].fg == 2);
	CHECK(t->colour[EL_OK].bg == THEME_DEFAULT);
	CHECK(t->colour[EL_OK].attr == 0);
	CHECK(t->colour[EL_ERROR].fg == 9);
	CHECK(t->mono[EL_ERROR].attr == (THEME_BOLD | THEME_BLINK));
	CHECK(t->colour[EL_DIM].fg == 244);
	CHECK(t->colour[EL_DIM].fg_low == THEME_DEFAULT);
	CHECK(t->colour[EL_DIM].attr == (THEME_DIM | THEME_ITALIC |
	    THEME_STANDOUT));
	/* Partial: what the file does not set is unset, not guessed. */
	CHECK(t->colour_line[EL_COLUMNS] == 0);
	CHECK(t->mono_line[EL_HEADER] == 0);
	CHECK(t->colour[EL_COLUMNS].fg == THEME_DEFAULT);
	CHECK_STR(t->origin, "t.theme");
out:
	theme_free(t);

	/* Nothing at all is a theme that sets nothing. */
	t = theme_parse("", 0, "empty", &cause);
	CHECK(t != NULL && t->colours == 1);
	theme_free(t);
	t = parse("\xef\xbb\xbfset colors no\n", &cause);
	CHECK(t != NULL && t->colours == 0);
	theme_free(t);
	t = parse("  # only comments\n\n\t\n", &cause);
	CHECK(t != NULL);
	theme_free(t);
	free(cause);
}

static const struct {
	const char	*text;
	const char	*want;
} bad[] = {
	{ "colr selection red", "t.theme:1: unknown command 'colr' (did you "
	    "mean 'color'?): a line is 'color ELEMENT FOREGROUND [BACKGROUND] "
	    "[ATTRIBUTE...]', 'mono ELEMENT ATTRIBUTE...' or 'set colors "
	    "yes|no'" },
	{ "frobnicate", "unknown command 'frobnicate': a line is" },
	{ "color", "t.theme:1: 'color' needs an element and a colour: write "
	    "color ELEMENT FOREGROUND" },
	{ "colour", "'colour' needs an element and a colour: write colour "
	    "ELEMENT" },
	{ "color selcetion red", "t.theme:1: unknown element 'selcetion' "
	    "(did you mean 'selection'?): known elements are default, header, "
	    "tab, tab-current, columns, selection, selection-inactive," },
	{ "color Selection red", "did you mean 'selection'?" },
	{ "color zzzzzzzz red", "unknown element 'zzzzzzzz': known" },
	{ "color selection", "color selection: no colour: write color "
	    "selection FOREGROUND [BACKGROUND] [ATTRIBUTE...]" },
	{ "color selection bold", "color selection: 'bold' is an attribute, "
	    "and the foreground colour comes first" },
	{ "color selection red bold blue", "'blue' is a colour after the "
	    "attributes" },
	{ "color selection red blue green", "'green' is a third colour" },
	{ "color selection 256", "colour 256 is out of range: use 0 to 255" },
	{ "color selection 99999999999999999999999", "is out of range" },
	{ "color selection blu", "unknown colour or attribute 'blu' (did you "
	    "mean 'blue'?): colours are default, black," },
	{ "color selection red bolt", "(did you mean 'bold'?)" },
	{ "color selection brigth-red", "(did you mean 'bright-red'?)" },
	{ "color selection 12x", "unknown colour '12x'" },
	{ "color selection -1", "unknown colour or attribute '-1'" },
	{ "color selection 153/", "'153/': after the '/' comes the colour for "
	    "terminals of fewer than 256 colours: write default, a name or 0 "
	    "to 15 after '153/'" },
	{ "color selection 153/100", "after the '/' comes" },
	{ "color selection 153/cyan/red", "after the '/' comes" },
	{ "color selection /red", "'/red': no colour before the '/'" },
	{ "color selection 300/red", "the colour is out of range before" },
	{ "color selection red\ncolor selection blue", "t.theme:2: color "
	    "selection: already set on line 1: keep one of the two lines" },
	{ "mono", "'mono' needs an element and attributes" },
	{ "mono selection", "mono selection: no attribute: write mono "
	    "selection ATTRIBUTE... (normal for none)" },
	{ "mono selection red", "mono selection: 'red' is a colour: mono "
	    "looks are for terminals without colour" },
	{ "mono selection bols", "unknown attribute 'bols' (did you mean "
	    "'bold'?)" },
	{ "mono selectio bold", "unknown element 'selectio' (did you mean "
	    "'selection'?)" },
	{ "mono selection bold\n\n# x\nmono selection reverse",
	    "t.theme:4: mono selection: already set on line 1" },
	{ "set", "'set' needs a setting" },
	{ "set color no", "unknown setting 'color' (did you mean 'colors'?)" },
	{ "set colors", "set colors takes yes or no" },
	{ "set colours maybe", "set colours takes yes or no" },
	{ "set colors no extra", "set colors takes yes or no" },
	{ "set colors no\nset colors yes", "t.theme:2: set colors: already "
	    "set on line 1" },
	{ "color \x1b[31m red", "unknown element '?[31m'" },
	{ "color selection \xc3\xa9", "unknown colour or attribute '?" "?'" },
	{ "mono selection bold bold bold bold bold bold bold bold bold bold "
	    "bold bold bold bold bold", "more than 16 words" },
};

static void
test_errors(void)
{
	struct theme *t;
	char *cause, line[2048], *big;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		t = parse(bad[i].text, &cause);
		CHECK(t == NULL);
		CHECK_CAUSE(bad[i].text, cause, bad[i].want);
		if (cause != NULL)
			CHECK(printable(cause));
		theme_free(t);
		free(cause);
	}

	/* A NUL byte, counted by length. */
	cause = NULL;
	t = theme_parse("mono ok bold\ncolor sel\0ection red\n", 33, "t.theme",
	    &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("nul", cause, "t.theme:2: a NUL byte: a theme is a text "
	    "file");
	free(cause);

	/* A line just under and over the limit. */
	memset(line, ' ', sizeof line);
	memcpy(line, "mono ok bold", 12);
	cause = NULL;
	t = theme_parse(line, THEME_MAX_LINE, "t.theme", &cause);
	CHECK(t != NULL && t->mono[EL_OK].attr == THEME_BOLD);
	theme_free(t);
	t = theme_parse(line, THEME_MAX_LINE + 1, "t.theme", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("long line", cause, "t.theme:1: the line is longer than "
	    "1024 bytes");
	free(cause);

	/* A long word is cut in the message. */
	memset(line, 'x', 1000);
	memcpy(line, "color ", 6);
	line[1000] = '\0';
	cause = NULL;
	t = parse(line, &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("long word", cause, "unknown element 'xxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxx...': known");
	CHECK(cause != NULL && strlen(cause) < 600);
	free(cause);

	/* More than THEME_MAX_SIZE bytes, even of good lines. */
	big = xmalloc(THEME_MAX_SIZE + 2);
	memset(big, '\n', THEME_MAX_SIZE + 1);
	cause = NULL;
	t = theme_parse(big, THEME_MAX_SIZE, "t.theme", &cause);
	CHECK(t != NULL);
	theme_free(t);
	t = theme_parse(big, THEME_MAX_SIZE + 1, "t.theme", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("big", cause, "t.theme: larger than 64 KiB");
	free(cause);
	free(big);
}

/* A small deterministic generator, so a failure can be replayed. */
static unsigned long rng_state = 12345;

static unsigned
rng(unsigned n)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng_state >> 33) % n);
}

/* Append to a buffer of 4096 bytes (the lines are far shorter). */
static void add(char *, size_t *, const char *, ...) VI_PRINTF(3, 4);

static void
add(char *buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, 4096 - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

static int
looks_equal(const struct theme_look *a, const struct theme_look *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->fg_low == b->fg_low &&
	    a->bg_low == b->bg_low && a->attr == b->attr;
}

static void
check_roundtrip(const struct theme *t)
{
	struct theme *again;
	char *text, *cause = NULL;
	int el;

	text = theme_format(t);
	again = theme_parse(text, strlen(text), "format", &cause);
	CHECK(again != NULL);
	if (again == NULL) {
		fprintf(stderr, "%s\n%s\n", cause, text);
		free(cause);
		free(text);
		return;
	}
	CHECK(again->colours == t->colours);
	for (el = 0; el < EL_COUNT; el++) {
		/* format writes every element, so each is set now. */
		CHECK(again->colour_line[el] != 0 && again->mono_line[el] != 0);
		CHECK(looks_equal(&again->colour[el], &t->colour[el]));
		CHECK(looks_equal(&again->mono[el], &t->mono[el]));
	}
	theme_free(again);
	free(text);
}

/*
 * Garbage never crashes the parser, and what it says about it is
 * printable; lines of real words in random order either parse, and then
 * survive theme_format and a second parse, or give a message.
 */
static void
test_garbage(void)
{
	static const char *const vocab[] = {
		"color", "mono", "set", "colors", "yes", "no", "selection",
		"header", "dim", "red", "bright-cyan", "default", "153/cyan",
		"24/default", "255", "256", "bold", "reverse", "normal", "#",
		"\n", "\n", "\n", " ", "\t", "/", "\r", "\xff", "-"
	};
	struct theme *t;
	char buf[4096], *cause;
	size_t len, i, nv = sizeof vocab / sizeof vocab[0], w;
	const char *name;
	int round, parsed = 0, line, j, el;

	for (round = 0; round < 3000; round++) {
		len = 0;
		if (round % 2 == 0) {
			len = rng(sizeof buf);
			for (i = 0; i < len; i++)
				buf[i] = (char)rng(256);
		} else if (round % 4 == 1) {
			while (len < 200) {
				i = rng((unsigned)nv);
				w = strlen(vocab[i]);
				memcpy(buf + len, vocab[i], w);
				len += w;
				buf[len++] = rng(3) == 0 ? '\n' : ' ';
			}
		} else {
			/*
			 * Lines of the right shape, now and then a wrong
			 * word: colours from vocab[9..15], attributes from
			 * vocab[16..18].
			 */
			for (line = 0; line < 3; line++) {
				el = (round / 4 + line * 11) % EL_COUNT;
				name = theme_element_name(el);
				if (rng(8) == 0)
					add(buf, &len, "%s %s",
					    vocab[rng((unsigned)nv)], name);
				else if (rng(2) == 0) {
					add(buf, &len, "color %s %s", name,
					    vocab[9 + rng(6 + (rng(10) == 0))]);
					if (rng(2) == 0)
						add(buf, &len, " %s",
						    vocab[9 + rng(6)]);
				} else
					add(buf, &len, "mono %s %s", name,
					    vocab[16 + rng(3)]);
				for (j = rng(3); j > 0; j--)
					add(buf, &len, " %s", rng(20) == 0 ?
					    vocab[rng((unsigned)nv)] :
					    vocab[16 + rng(3)]);
				buf[len++] = '\n';
			}
		}
		cause = NULL;
		t = theme_parse(buf, len, "g.theme", &cause);
		CHECK((t == NULL) == (cause != NULL));
		if (cause != NULL) {
			CHECK(printable(cause));
			CHECK(strncmp(cause, "g.theme", 7) == 0);
		}
		if (t != NULL) {
			parsed++;
			check_roundtrip(t);
		}
		theme_free(t);
		free(cause);
	}
	/* Make sure the word salad reaches the good path sometimes. */
	CHECK(parsed > 10);
}

static void
test_degrade(void)
{
	int c, n, bold, got;

	/* 256 colours: as written. */
	for (c = 0; c < 256; c++)
		CHECK(theme_degrade(c, 256, NULL) == c);
	/* Fewer: always one the terminal has. */
	for (c = 0; c < 256; c++) {
		bold = 0;
		got = theme_degrade(c, 16, &bold);
		CHECK(got >= 0 && got < 16 && !bold);
		got = theme_degrade(c, 88, &bold);
		CHECK(got >= 0 && got < 16 && !bold);
		got = theme_degrade(c, 8, &bold);
		CHECK(got >= 0 && got < 8);
		CHECK(bold == (c >= 8 && c < 16));
	}
	CHECK(theme_degrade(THEME_DEFAULT, 8, NULL) == THEME_DEFAULT);
	CHECK(theme_degrade(3, 0, NULL) == THEME_DEFAULT);

	/* The cube's corners and the grey ramp, by the xterm palette. */
	CHECK(theme_degrade(16, 16, NULL) == 0);	/* 000000 */
	CHECK(theme_degrade(196, 16, NULL) == 9);	/* ff0000 */
	CHECK(theme_degrade(196, 8, NULL) == 1);
	CHECK(theme_degrade(46, 16, NULL) == 10);	/* 00ff00 */
	CHECK(theme_degrade(46, 8, NULL) == 2);
	CHECK(theme_degrade(21, 16, NULL) == 4);	/* 0000ff */
	CHECK(theme_degrade(226, 16, NULL) == 11);	/* ffff00 */
	CHECK(theme_degrade(201, 16, NULL) == 13);	/* ff00ff */
	CHECK(theme_degrade(51, 16, NULL) == 14);	/* 00ffff */
	CHECK(theme_degrade(231, 16, NULL) == 15);	/* ffffff */
	CHECK(theme_degrade(231, 8, NULL) == 7);
	CHECK(theme_degrade(160, 8, NULL) == 1);	/* d70000 */
	CHECK(theme_degrade(28, 8, NULL) == 2);		/* 008700 */
	CHECK(theme_degrade(232, 8, NULL) == 0);	/* 080808 */
	CHECK(theme_degrade(244, 16, NULL) == 8);	/* 808080 */
	CHECK(theme_degrade(244, 8, NULL) == 7);
	CHECK(theme_degrade(236, 8, NULL) == 0);	/* 303030 */
	CHECK(theme_degrade(255, 16, NULL) == 7);	/* eeeeee */

	/* 8 colours: bright-X is X with bold; basic colours stay. */
	for (c = 8; c < 16; c++) {
		bold = 0;
		CHECK(theme_degrade(c, 8, &bold) == c - 8 && bold);
	}
	for (n = 8; n <= 256; n *= 2) {
		for (c = 0; c < 8; c++) {
			bold = 0;
			CHECK(theme_degrade(c, n, &bold) == c && !bold);
		}
	}
}

static void
test_resolve(void)
{
	struct theme_look l;
	struct theme *t;
	char *cause = NULL;

	t = parse("color default white black\n"
	    "color selection black 153/cyan bold\n"
	    "color ok bright-red\n"
	    "mono ok underline\n"
	    "color warning 236 235\n"
	    "mono warning bold\n"
	    "color error 196 196\n"
	    "color dim 244/default default\n", &cause);
	CHECK(t != NULL);
	if (t == NULL) {
		free(cause);
		return;
	}
	l = theme_resolve(t, EL_SELECTION, 256);
	CHECK(l.fg == 0 && l.bg == 153 && l.attr == THEME_BOLD);
	l = theme_resolve(t, EL_SELECTION, 16);
	CHECK(l.fg == 0 && l.bg == 6 && l.attr == THEME_BOLD);
	l = theme_resolve(t, EL_SELECTION, 8);
	CHECK(l.fg == 0 && l.bg == 6);

	/* "default" is the default element's colour. */
	l = theme_resolve(t, EL_OK, 256);
	CHECK(l.fg == 9 && l.bg == 0 && l.attr == 0);
	l = theme_resolve(t, EL_OK, 8);
	CHECK(l.fg == 1 && l.bg == 0 && l.attr == THEME_BOLD);
	l = theme_resolve(t, EL_DEFAULT, 8);
	CHECK(l.fg == 7 && l.bg == 0);
	/* An element the theme does not set is the default element's look. */
	l = theme_resolve(t, EL_COLUMNS, 256);
	CHECK(l.fg == 7 && l.bg == 0 && l.attr == 0);
	/* The fallback after '/' wins under 256 colours, even "default". */
	l = theme_resolve(t, EL_DIM, 16);
	CHECK(l.fg == 7 && l.bg == 0);
	l = theme_resolve(t, EL_DIM, 256);
	CHECK(l.fg == 244);

	/* Two greys that become one black: the mono look instead. */
	l = theme_resolve(t, EL_WARNING, 256);
	CHECK(l.fg == 236 && l.bg == 235);
	l = theme_resolve(t, EL_WARNING, 8);
	CHECK(l.fg == THEME_DEFAULT && l.bg == THEME_DEFAULT &&
	    l.attr == THEME_BOLD);
	/* ... but what the theme itself made one colour stays. */
	l = theme_resolve(t, EL_ERROR, 8);
	CHECK(l.fg == 1 && l.bg == 1);

	/* No colours: the mono looks. */
	l = theme_resolve(t, EL_OK, 0);
	CHECK(l.fg == THEME_DEFAULT && l.bg == THEME_DEFAULT &&
	    l.attr == THEME_UNDERLINE);
	t->colours = 0;
	l = theme_resolve(t, EL_OK, 256);
	CHECK(l.fg == THEME_DEFAULT && l.attr == THEME_UNDERLINE);
	theme_free(t);
}

/* A private config folder for user themes; the caller removes it. */
static char *
xdg_setup(void)
{
	char *dir, *themes;

	dir = unit_tmp_path("theme-xdg");
	mkdir(dir, 0700);
	xasprintf(&themes, "%s/virt-import", dir);
	mkdir(themes, 0700);
	free(themes);
	xasprintf(&themes, "%s/virt-import/themes", dir);
	mkdir(themes, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);
	free(dir);
	return themes;
}

#define MONO_MARK (THEME_BLINK | THEME_ITALIC | THEME_STANDOUT | THEME_DIM)

static void
test_shipped(void)
{
	static const char *const must[] = { "default", "light", "mono" };
	struct theme_info *list;
	struct theme *t, *raw;
	const char *text;
	char *cause = NULL, *rel, *file, *empty;
	size_t n, i, j, len, flen;
	int el, depth, found;
	static const int depths[] = { 0, 8, 16, 88, 256 };
	struct theme_look l;

	/* No user themes: only the built-in ones. */
	empty = unit_tmp_path("theme-empty");
	setenv("XDG_CONFIG_HOME", empty, 1);
	list = theme_list(&n, &cause);
	CHECK(list != NULL);
	for (i = 0; i < sizeof must / sizeof must[0]; i++) {
		for (found = 0, j = 0; j < n; j++)
			found |= strcmp(list[j].name, must[i]) == 0;
		CHECK(found);
	}
	for (i = 0; i < n; i++) {
		CHECK(list[i].builtin && list[i].path == NULL);
		if (i > 0)
			CHECK(strcmp(list[i - 1].name, list[i].name) < 0);

		/* Compiled in from the very file in the tree. */
		xasprintf(&rel, "themes/%s.theme", list[i].name);
		text = embedded_find(rel, &len);
		file = top_file(rel, &flen);
		CHECK(text != NULL && file != NULL && len == flen &&
		    memcmp(text, file, len) == 0);
		raw = theme_parse(file, flen, rel, &cause);
		CHECK(raw != NULL);
		if (cause != NULL) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			cause = NULL;
		}
		free(file);
		free(rel);

		/* default and mono set every element themselves. */
		for (el = 0; raw != NULL && el < EL_COUNT; el++) {
			if (strcmp(list[i].name, "default") == 0)
				CHECK(raw->colour_line[el] != 0);
			if (strcmp(list[i].name, "default") == 0 ||
			    strcmp(list[i].name, "mono") == 0)
				CHECK(raw->mono_line[el] != 0);
		}
		if (raw != NULL && strcmp(list[i].name, "mono") == 0)
			CHECK(raw->colours == 0);
		theme_free(raw);

		t = theme_load(list[i].name, &cause);
		CHECK(t != NULL);
		if (t == NULL) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		CHECK_STR(t->name, list[i].name);
		CHECK_STR(t->origin, "built-in");
		check_roundtrip(t);
		/*
		 * Readable at every depth: no element's two colours become
		 * one, and none drops to its mono look for that reason (the
		 * mono looks are marked to tell).  The mono look of the
		 * selection and of errors stands out.
		 */
		CHECK(t->mono[EL_SELECTION].attr & THEME_REVERSE);
		CHECK(t->mono[EL_ERROR].attr != 0);
		for (el = 0; el < EL_COUNT; el++)
			t->mono[el].attr = MONO_MARK;
		for (depth = 0; depth < 5; depth++) {
			for (el = 0; el < EL_COUNT; el++) {
				l = theme_resolve(t, el, depths[depth]);
				if (depths[depth] == 0 || !t->colours) {
					CHECK(l.attr == MONO_MARK);
					continue;
				}
				CHECK(l.fg != l.bg || l.fg == THEME_DEFAULT);
				CHECK(l.attr != MONO_MARK);
				CHECK(l.fg < depths[depth] &&
				    l.bg < depths[depth]);
			}
		}
		theme_free(t);
	}
	theme_list_free(list, n);
	unsetenv("XDG_CONFIG_HOME");
	free(empty);
}

static void
test_user(void)
{
	struct theme_info *list;
	struct theme *t;
	char *themes, *path, *cause = NULL, *home;
	size_t n, i;
	int saw_extra = 0, saw_default = 0, saw_light = 0;

	themes = xdg_setup();
	xasprintf(&path, "%s/default.theme", themes);
	write_file(path, "color selection red blue\nmono columns bold\n");
	free(path);
	xasprintf(&path, "%s/extra.theme", themes);
	write_file(path, "color header green\n");
	free(path);
	xasprintf(&path, "%s/bad name.theme", themes);
	write_file(path, "color header green\n");
	free(path);
	xasprintf(&path, "%s/notes.txt", themes);
	write_file(path, "not a theme\n");
	free(path);
	xasprintf(&path, "%s/dir.theme", themes);
	mkdir(path, 0700);
	free(path);

	list = theme_list(&n, &cause);
	CHECK(list != NULL);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, "extra") == 0) {
			saw_extra = 1;
			CHECK(!list[i].builtin && list[i].path != NULL);
		} else if (strcmp(list[i].name, "default") == 0) {
			saw_default = 1;
			CHECK(list[i].builtin && list[i].path != NULL &&
			    strstr(list[i].path, "/default.theme") != NULL);
		} else if (strcmp(list[i].name, "light") == 0) {
			saw_light = 1;
			CHECK(list[i].builtin && list[i].path == NULL);
		} else
			CHECK(strcmp(list[i].name, "bad name") != 0 &&
			    strcmp(list[i].name, "dir") != 0 &&
			    strcmp(list[i].name, "notes") != 0);
	}
	CHECK(saw_extra && saw_default && saw_light);
	theme_list_free(list, n);

	/* The user's default wins; what it leaves out is built in. */
	t = theme_load("default", &cause);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK(strstr(t->origin, "/themes/default.theme") != NULL);
		CHECK(t->colour[EL_SELECTION].fg == 1);
		CHECK(t->colour[EL_SELECTION].bg == 4);
		CHECK(t->mono[EL_COLUMNS].attr == THEME_BOLD);
		CHECK(t->colour[EL_HEADER].fg == 7);	/* built in */
		CHECK(t->mono[EL_SELECTION].attr == THEME_REVERSE);
	}
	theme_free(t);

	/* Another user theme: its own, the user's default, then built in. */
	t = theme_load("extra", &cause);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_STR(t->name, "extra");
		CHECK(t->colour[EL_HEADER].fg == 2);
		CHECK(t->colour[EL_SELECTION].fg == 1);
		CHECK(t->colour[EL_COLUMNS].fg == 6);
		CHECK(t->mono[EL_COLUMNS].attr == THEME_BOLD);
	}
	theme_free(t);

	/* A path to a theme file. */
	xasprintf(&path, "%s/extra.theme", themes);
	t = theme_load(path, &cause);
	CHECK(t != NULL && t->colour[EL_HEADER].fg == 2 &&
	    t->colour[EL_SELECTION].fg == 1);
	if (t != NULL)
		CHECK_STR(t->name, path);
	theme_free(t);
	CHECK(theme_check_file(path, &cause) == 0);
	free(path);

	/* Errors name the file and the line. */
	xasprintf(&path, "%s/broken.theme", themes);
	write_file(path, "color header green\ncolor selcetion red\n");
	t = theme_load("broken", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("broken", cause, "/broken.theme:2: unknown element "
	    "'selcetion' (did you mean 'selection'?)");
	free(cause);
	cause = NULL;
	CHECK(theme_check_file(path, &cause) == -1);
	CHECK_CAUSE("check broken", cause, "/broken.theme:2: unknown element");
	free(cause);
	cause = NULL;
	free(path);

	/* A broken default breaks the themes that take from it. */
	xasprintf(&path, "%s/default.theme", themes);
	write_file(path, "color selection purple\n");
	t = theme_load("light", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("broken default", cause, "theme 'light' takes what it "
	    "does not set from the theme default: ");
	CHECK_CAUSE("broken default", cause, "/default.theme:1: unknown "
	    "colour or attribute 'purple'");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* Names: unknown, mistyped, or trying to leave the folder. */
	t = theme_load("nope", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("nope", cause, "unknown theme 'nope': the themes are "
	    "broken, default, extra, light, mono (your own go in ");
	CHECK_CAUSE("nope", cause, "/virt-import/themes as NAME.theme)");
	free(cause);
	cause = NULL;
	t = theme_load("ligth", &cause);
	CHECK_CAUSE("ligth", cause, "unknown theme 'ligth' (did you mean "
	    "'light'?)");
	free(cause);
	cause = NULL;
	t = theme_load(".hidden", &cause);
	CHECK_CAUSE(".hidden", cause, "theme name '.hidden': use letters, "
	    "digits");
	free(cause);
	cause = NULL;
	t = theme_load("a b\x1b", &cause);
	CHECK_CAUSE("a b", cause, "theme name 'a?b?'");
	free(cause);
	cause = NULL;
	t = theme_load("dir", &cause);
	CHECK(t == NULL);
	CHECK_CAUSE("dir", cause, "/dir.theme is not a file");
	free(cause);
	cause = NULL;
	t = theme_load("/nonexistent/x.theme", &cause);
	CHECK_CAUSE("missing", cause, "cannot read /nonexistent/x.theme: No "
	    "such file");
	free(cause);
	cause = NULL;

	/* A FIFO is refused at once, not waited on. */
	xasprintf(&path, "%s/fifo.theme", themes);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(theme_check_file(path, &cause) == -1);
	CHECK_CAUSE("fifo", cause, "fifo.theme is not a file");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* Bounded: a file over 64 KiB is not read. */
	xasprintf(&path, "%s/huge.theme", themes);
	CHECK(truncate(path, 0) == -1);
	write_file(path, "");
	CHECK(truncate(path, THEME_MAX_SIZE + 1) == 0);
	CHECK(theme_load("huge", &cause) == NULL);
	CHECK_CAUSE("huge", cause, "huge.theme: larger than 64 KiB");
	free(cause);
	cause = NULL;
	free(path);

	/* Without XDG_CONFIG_HOME (or with a relative one): ~/.config. */
	home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", "/home/someone", 1);
	unsetenv("XDG_CONFIG_HOME");
	path = theme_user_dir(&cause);
	CHECK_STR(path, "/home/someone/.config/virt-import/themes");
	free(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	path = theme_user_dir(&cause);
	CHECK_STR(path, "/home/someone/.config/virt-import/themes");
	free(path);
	unsetenv("HOME");
	unsetenv("XDG_CONFIG_HOME");
	CHECK(theme_user_dir(&cause) == NULL);
	CHECK_CAUSE("no home", cause, "set HOME");
	free(cause);
	cause = NULL;
	/* No folder to look in: still the built-in themes. */
	t = theme_load("light", &cause);
	CHECK(t != NULL);
	theme_free(t);
	list = theme_list(&n, &cause);
	CHECK(list != NULL && n >= 3);
	theme_list_free(list, n);
	t = theme_load("nope", &cause);
	CHECK_CAUSE("nope without HOME", cause, "unknown theme 'nope': the "
	    "themes are default, light, mono (your own go in "
	    "~/.config/virt-import/themes as NAME.theme)");
	free(cause);
	cause = NULL;
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	free(themes);
}

static void
test_choose(void)
{
	unsetenv("VIRT_IMPORT_THEME");
	theme_choose(NULL);
	CHECK_STR(theme_chosen(), "default");
	setenv("VIRT_IMPORT_THEME", "", 1);
	CHECK_STR(theme_chosen(), "default");
	setenv("VIRT_IMPORT_THEME", "light", 1);
	CHECK_STR(theme_chosen(), "light");
	theme_choose("mono");
	CHECK_STR(theme_chosen(), "mono");
	theme_choose(NULL);
	CHECK_STR(theme_chosen(), "light");
	unsetenv("VIRT_IMPORT_THEME");
}

/*
 * virt-import-themes(5) documents every element, and only elements there
 * are, in its ELEMENTS section (".It Li NAME").
 */
static void
test_manpage(void)
{
	char *man, *sec, *end, *p, *q, want[256], name[128];
	size_t len, n;
	int el;

	if ((man = top_file("docs/virt-import-themes.5", &len)) == NULL)
		return;
	sec = strstr(man, "\n.Sh ELEMENTS\n");
	CHECK(sec != NULL);
	if (sec == NULL) {
		free(man);
		return;
	}
	sec++;
	if ((end = strstr(sec + 1, "\n.Sh ")) != NULL)
		end[1] = '\0';
	for (el = 0; el < EL_COUNT; el++) {
		snprintf(want, sizeof want, "\n.It Li %s\n",
		    theme_element_name(el));
		if (strstr(sec, want) == NULL) {
			snprintf(name, sizeof name, "element %s is not in "
			    "docs/virt-import-themes.5",
			    theme_element_name(el));
			unit_fail(__FILE__, __LINE__, name);
		}
	}
	for (p = sec; (p = strstr(p, "\n.It Li ")) != NULL; p = q) {
		p += 8;
		q = strchr(p, '\n');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (q == NULL)
			q = p + n;
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		if (theme_element(name) < 0) {
			snprintf(want, sizeof want, "the man page documents "
			    "'%s', which is no element", name);
			unit_fail(__FILE__, __LINE__, want);
		}
	}
	free(man);
}

int
main(void)
{
	RUN(test_elements);
	RUN(test_parse);
	RUN(test_errors);
	RUN(test_garbage);
	RUN(test_degrade);
	RUN(test_resolve);
	RUN(test_shipped);
	RUN(test_user);
	RUN(test_choose);
	RUN(test_manpage);
	return unit_done();
}
