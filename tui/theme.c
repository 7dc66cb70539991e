/*
 * theme.c: the theme file format (virt-import-themes(5)): one line per
 * semantic element, like tig's "color" lines,
 *
 *	color selection black cyan bold
 *	mono selection reverse
 *
 * and what a theme's colours become on a terminal of 256, 16 or 8 colours
 * or none.  theme_parse is a pure function over bytes and nothing here
 * touches the terminal, so the unit tests run it without curses; screen.c
 * turns the looks theme_resolve gives into curses attributes, and
 * theme-load.c finds the files.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define THEME_MAX_WORDS	16
#define THEME_SHOW_MAX	40	/* bytes of a bad word quoted in a message */

static const char *const theme_el_names[EL_COUNT] = {
#define X(e, n, h) [e] = n,
	TUI_ELEMENTS
#undef X
};

static const char *const theme_el_help[EL_COUNT] = {
#define X(e, n, h) [e] = h,
	TUI_ELEMENTS
#undef X
};

/* Colour names 0..15 (8..15 with "bright-"), then the attributes. */
static const char *const theme_colour_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char	*name;
	int		 bit;
} theme_attrs[] = {
	{ "normal", 0 },
	{ "bold", THEME_BOLD },
	{ "dim", THEME_DIM },
	{ "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE },
	{ "standout", THEME_STANDOUT },
	{ "italic", THEME_ITALIC },
	{ "blink", THEME_BLINK },
};
#define THEME_NATTRS (sizeof theme_attrs / sizeof theme_attrs[0])

/*
 * xterm's own colours 0..15 (XTerm-col.ad); 16..255 follow from the
 * 6x6x6 cube and the grey ramp.  Degrading a colour picks the nearest of
 * these by distance in RGB.
 */
static const unsigned char theme_base_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

struct theme_parser {
	const char	*file;
	unsigned	 line;
	struct theme	*t;
	char	       **cause;
};

static void theme_error(struct theme_parser *, const char *, ...)
    VI_PRINTF(2, 3);

static void
theme_error(struct theme_parser *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	cause_set(p->cause, "%s:%u: %s", p->file, p->line, msg);
	free(msg);
}

/*
 * A word from a file, fit to quote in a message: what is not printable
 * ASCII becomes '?' and a long word is cut, so a file of garbage cannot
 * drive the terminal through an error.
 */
const char *
theme_show(const char *w, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; w[i] != '\0' && n + 4 < size; i++) {
		if (i == THEME_SHOW_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = w[i] > 0x20 && w[i] < 0x7f ? w[i] : '?';
	}
	buf[n] = '\0';
	return buf;
}


/* The candidate nearest to w, if it is near enough to be a typo. */
static const char *
theme_suggest(const char *w, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, d, bestd = SIZE_MAX;

	for (i = 0; i < n; i++) {
		d = str_distance(w, cands[i], THEME_SHOW_MAX);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	if (best == NULL || bestd > 2 || bestd >= strlen(w))
		return NULL;
	return best;
}

/* " (did you mean 'x'?)" or "". */
char *
theme_did_you_mean(const char *w, const char *const *cands, size_t n)
{
	const char *best = theme_suggest(w, cands, n);
	char *s;

	if (best == NULL)
		return xstrdup("");
	xasprintf(&s, " (did you mean '%s'?)", best);
	return s;
}

/* "a, b, c". */
char *
theme_join(const char *const *words, size_t n)
{
	char *s = NULL, *tmp;
	size_t i;

	for (i = 0; i < n; i++) {
		xasprintf(&tmp, "%s%s%s", s != NULL ? s : "", s != NULL ?
		    ", " : "", words[i]);
		free(s);
		s = tmp;
	}
	return s != NULL ? s : xstrdup("");
}

int
theme_element(const char *name)
{
	int i;

	for (i = 0; i < EL_COUNT; i++) {
		if (strcmp(theme_el_names[i], name) == 0)
			return i;
	}
	return -1;
}

const char *
theme_element_name(enum tui_element el)
{
	return (unsigned)el < EL_COUNT ? theme_el_names[el] : NULL;
}

const char *
theme_element_help(enum tui_element el)
{
	return (unsigned)el < EL_COUNT ? theme_el_help[el] : NULL;
}

/* Every word a colour or an attribute may be, for suggestions. */
static const char *const theme_look_words[] = {
	"default", "black", "red", "green", "yellow", "blue", "magenta",
	"cyan", "white", "bright-black", "bright-red", "bright-green",
	"bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
	"bright-white", "normal", "bold", "dim", "underline", "reverse",
	"standout", "italic", "blink"
};

static const char theme_colours_help[] = "colours are default, black, "
    "red, green, yellow, blue, magenta, cyan, white, bright-black ... "
    "bright-white, or a number 0 to 255 with an optional fallback for "
    "fewer colours (153/cyan)";
static const char theme_attrs_help[] = "attributes are normal, bold, dim, "
    "underline, reverse, standout, italic, blink";

static int
theme_attr_word(const char *w)
{
	size_t i;

	for (i = 0; i < THEME_NATTRS; i++) {
		if (strcmp(theme_attrs[i].name, w) == 0)
			return theme_attrs[i].bit;
	}
	return -1;
}

/*
 * One colour word, without a fallback: 0 and *c, or -1 when w is not a
 * colour at all, or -2 for a number out of range.
 */
static int
theme_colour_one(const char *w, int *c)
{
	const char *name = w;
	size_t i;
	int v = 0, bright = 0;

	if (strcmp(w, "default") == 0) {
		*c = THEME_DEFAULT;
		return 0;
	}
	if (*w >= '0' && *w <= '9') {
		for (i = 0; w[i] != '\0'; i++) {
			if (w[i] < '0' || w[i] > '9')
				return -1;
			if (v <= 255)
				v = v * 10 + (w[i] - '0');
		}
		if (v > 255)
			return -2;
		*c = v;
		return 0;
	}
	if (strncmp(w, "bright-", 7) == 0) {
		name = w + 7;
		bright = 8;
	}
	for (i = 0; i < 8; i++) {
		if (strcmp(theme_colour_names[i], name) == 0) {
			*c = (int)i + bright;
			return 0;
		}
	}
	return -1;
}

/* Does w look like a colour (a name, a number, a fallback)? */
static int
theme_colour_like(const char *w)
{
	int c;

	return strchr(w, '/') != NULL || (*w >= '0' && *w <= '9') ||
	    theme_colour_one(w, &c) == 0;
}

/* "153/cyan": a colour and what terminals of fewer colours show. */
static int
theme_colour_word(struct theme_parser *p, const char *w, int *c, int *low)
{
	char buf[THEME_MAX_LINE + 1], show[64], show2[64];
	const char *slash;
	size_t n;
	int rc;

	*low = THEME_NEAREST;
	if ((slash = strchr(w, '/')) == NULL) {
		if ((rc = theme_colour_one(w, c)) == -2) {
			theme_error(p, "colour %s is out of range: use 0 to "
			    "255", theme_show(w, show, sizeof show));
			return -1;
		}
		if (rc != 0) {
			theme_error(p, "unknown colour '%s': %s",
			    theme_show(w, show, sizeof show),
			    theme_colours_help);
			return -1;
		}
		return 0;
	}
	n = (size_t)(slash - w);
	memcpy(buf, w, n);
	buf[n] = '\0';
	if ((rc = theme_colour_one(buf, c)) != 0) {
		theme_error(p, "'%s': %s before the '/': %s",
		    theme_show(w, show, sizeof show), rc == -2 ?
		    "the colour is out of range" : "no colour",
		    theme_colours_help);
		return -1;
	}
	if (theme_colour_one(slash + 1, low) != 0 || *low > 15) {
		theme_error(p, "'%s': after the '/' comes the colour for "
		    "terminals of fewer than 256 colours: write default, a "
		    "name or 0 to 15 after '%s/'",
		    theme_show(w, show, sizeof show),
		    theme_show(buf, show2, sizeof show2));
		return -1;
	}
	return 0;
}

static void
theme_unknown_look(struct theme_parser *p, const char *what, const char *w)
{
	char show[64], *dym;

	dym = theme_did_you_mean(w, theme_look_words,
	    sizeof theme_look_words / sizeof theme_look_words[0]);
	theme_error(p, "unknown %s '%s'%s: %s; %s", what,
	    theme_show(w, show, sizeof show), dym, theme_colours_help,
	    theme_attrs_help);
	free(dym);
}

/* The element a line names, or -1 with the error. */
static int
theme_line_element(struct theme_parser *p, const char *w)
{
	char show[64], *dym, *list;
	int el;

	if ((el = theme_element(w)) >= 0)
		return el;
	dym = theme_did_you_mean(w, theme_el_names, EL_COUNT);
	list = theme_join(theme_el_names, EL_COUNT);
	theme_error(p, "unknown element '%s'%s: known elements are %s",
	    theme_show(w, show, sizeof show), dym, list);
	free(list);
	free(dym);
	return -1;
}

static const char theme_colour_usage[] =
    "FOREGROUND [BACKGROUND] [ATTRIBUTE...]";

/* color ELEMENT FOREGROUND [BACKGROUND] [ATTRIBUTE...] */
static int
theme_line_colour(struct theme_parser *p, char **w, size_t n)
{
	struct theme_look look;
	char show[64];
	size_t i;
	int el, bit, ncol = 0, attrs = 0;

	if (n < 2) {
		theme_error(p, "'%s' needs an element and a colour: write "
		    "%s ELEMENT %s", w[0], w[0], theme_colour_usage);
		return -1;
	}
	if ((el = theme_line_element(p, w[1])) < 0)
		return -1;
	if (p->t->colour_line[el] != 0) {
		theme_error(p, "%s %s: already set on line %u: keep one of "
		    "the two lines", w[0], w[1], p->t->colour_line[el]);
		return -1;
	}
	if (n < 3) {
		theme_error(p, "%s %s: no colour: write %s %s %s", w[0], w[1],
		    w[0], w[1], theme_colour_usage);
		return -1;
	}
	look.fg = look.bg = THEME_DEFAULT;
	look.fg_low = look.bg_low = THEME_NEAREST;
	look.attr = 0;
	for (i = 2; i < n; i++) {
		theme_show(w[i], show, sizeof show);
		if ((bit = theme_attr_word(w[i])) >= 0) {
			if (ncol == 0) {
				theme_error(p, "%s %s: '%s' is an attribute, "
				    "and the foreground colour comes first: "
				    "write %s %s %s", w[0], w[1], show, w[0],
				    w[1], theme_colour_usage);
				return -1;
			}
			look.attr |= bit;
			attrs = 1;
			continue;
		}
		if (!theme_colour_like(w[i])) {
			theme_unknown_look(p, "colour or attribute", w[i]);
			return -1;
		}
		if (attrs) {
			theme_error(p, "%s %s: '%s' is a colour after the "
			    "attributes: write %s %s %s", w[0], w[1], show,
			    w[0], w[1], theme_colour_usage);
			return -1;
		}
		if (ncol == 2) {
			theme_error(p, "%s %s: '%s' is a third colour: an "
			    "element has a foreground and a background, then "
			    "attributes", w[0], w[1], show);
			return -1;
		}
		if (theme_colour_word(p, w[i], ncol == 0 ? &look.fg : &look.bg,
		    ncol == 0 ? &look.fg_low : &look.bg_low) != 0)
			return -1;
		ncol++;
	}
	p->t->colour[el] = look;
	p->t->colour_line[el] = p->line;
	return 0;
}

/* mono ELEMENT ATTRIBUTE... */
static int
theme_line_mono(struct theme_parser *p, char **w, size_t n)
{
	char show[64];
	size_t i;
	int el, bit, attr = 0;

	if (n < 2) {
		theme_error(p, "'mono' needs an element and attributes: write "
		    "mono ELEMENT ATTRIBUTE...");
		return -1;
	}
	if ((el = theme_line_element(p, w[1])) < 0)
		return -1;
	if (p->t->mono_line[el] != 0) {
		theme_error(p, "mono %s: already set on line %u: keep one of "
		    "the two lines", w[1], p->t->mono_line[el]);
		return -1;
	}
	if (n < 3) {
		theme_error(p, "mono %s: no attribute: write mono %s "
		    "ATTRIBUTE... (normal for none); %s", w[1], w[1],
		    theme_attrs_help);
		return -1;
	}
	for (i = 2; i < n; i++) {
		if ((bit = theme_attr_word(w[i])) >= 0) {
			attr |= bit;
			continue;
		}
		if (theme_colour_like(w[i])) {
			theme_error(p, "mono %s: '%s' is a colour: mono looks "
			    "are for terminals without colour and take only "
			    "attributes; %s", w[1], theme_show(w[i], show,
			    sizeof show), theme_attrs_help);
			return -1;
		}
		theme_unknown_look(p, "attribute", w[i]);
		return -1;
	}
	p->t->mono[el].fg = p->t->mono[el].bg = THEME_DEFAULT;
	p->t->mono[el].fg_low = p->t->mono[el].bg_low = THEME_NEAREST;
	p->t->mono[el].attr = attr;
	p->t->mono_line[el] = p->line;
	return 0;
}

/* set colors yes|no */
static int
theme_line_set(struct theme_parser *p, char **w, size_t n)
{
	static const char *const opts[] = { "colors", "colours" };
	char show[64], *dym;

	if (n < 2) {
		theme_error(p, "'set' needs a setting: write set colors yes "
		    "or set colors no");
		return -1;
	}
	if (strcmp(w[1], "colors") != 0 && strcmp(w[1], "colours") != 0) {
		dym = theme_did_you_mean(w[1], opts, 2);
		theme_error(p, "unknown setting '%s'%s: the one setting is "
		    "colors (set colors yes|no)", theme_show(w[1], show,
		    sizeof show), dym);
		free(dym);
		return -1;
	}
	if (p->t->colours_set != 0) {
		theme_error(p, "set %s: already set on line %u: keep one of "
		    "the two lines", w[1], (unsigned)p->t->colours_set);
		return -1;
	}
	if (n != 3 || (strcmp(w[2], "yes") != 0 && strcmp(w[2], "no") != 0)) {
		theme_error(p, "set %s takes yes or no: write set %s no for a "
		    "theme without colours", w[1], w[1]);
		return -1;
	}
	p->t->colours = strcmp(w[2], "yes") == 0;
	p->t->colours_set = (int)p->line;
	return 0;
}

static struct theme *
theme_new(void)
{
	struct theme *t = xcalloc(1, sizeof *t);
	int el;

	t->colours = 1;
	for (el = 0; el < EL_COUNT; el++) {
		t->colour[el].fg = t->colour[el].bg = THEME_DEFAULT;
		t->colour[el].fg_low = t->colour[el].bg_low = THEME_NEAREST;
		t->mono[el] = t->colour[el];
	}
	return t;
}

void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->origin);
	free(t);
}

/*
 * Parse a theme from len bytes of text; file names it in messages
 * ("FILE:LINE: ...").  Any bytes are safe: a NUL, a line longer than
 * THEME_MAX_LINE or more than THEME_MAX_SIZE bytes is refused.
 */
struct theme *
theme_parse(const char *text, size_t len, const char *file, char **cause)
{
	static const char *const cmds[] = { "color", "colour", "mono", "set" };
	struct theme_parser p;
	char buf[THEME_MAX_LINE + 1], *w[THEME_MAX_WORDS + 1], *s, *dym, *save;
	char show[64];
	const char *nl;
	size_t pos = 0, n, nw;
	int rc;

	memset(&p, 0, sizeof p);
	p.file = file;
	p.cause = cause;
	if (len > THEME_MAX_SIZE) {
		cause_set(cause, "%s: larger than %d KiB: a theme is one short "
		    "line per element", file, THEME_MAX_SIZE / 1024);
		return NULL;
	}
	p.t = theme_new();
	p.t->origin = xstrdup(file);
	/* Editors may start a UTF-8 file with a byte order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		p.line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (n > THEME_MAX_LINE) {
			theme_error(&p, "the line is longer than %d bytes: a "
			    "theme line is one element's look", THEME_MAX_LINE);
			goto fail;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			theme_error(&p, "a NUL byte: a theme is a text file");
			goto fail;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + 1;
		if ((s = strchr(buf, '#')) != NULL)
			*s = '\0';
		nw = 0;
		for (s = strtok_r(buf, " \t\r\v\f", &save); s != NULL;
		    s = strtok_r(NULL, " \t\r\v\f", &save)) {
			if (nw == THEME_MAX_WORDS) {
				theme_error(&p, "more than %d words: a line "
				    "is one element's look", THEME_MAX_WORDS);
				goto fail;
			}
			w[nw++] = s;
		}
		if (nw == 0)
			continue;
		if (strcmp(w[0], "color") == 0 || strcmp(w[0], "colour") == 0)
			rc = theme_line_colour(&p, w, nw);
		else if (strcmp(w[0], "mono") == 0)
			rc = theme_line_mono(&p, w, nw);
		else if (strcmp(w[0], "set") == 0)
			rc = theme_line_set(&p, w, nw);
		else {
			dym = theme_did_you_mean(w[0], cmds, 4);
			theme_error(&p, "unknown command '%s'%s: a line is "
			    "'color ELEMENT %s', 'mono ELEMENT ATTRIBUTE...' "
			    "or 'set colors yes|no'", theme_show(w[0], show,
			    sizeof show), dym, theme_colour_usage);
			free(dym);
			rc = -1;
		}
		if (rc != 0)
			goto fail;
	}
	return p.t;
fail:
	theme_free(p.t);
	return NULL;
}

/* What t does not set comes from base. */
void
theme_inherit(struct theme *t, const struct theme *base)
{
	int el;

	for (el = 0; el < EL_COUNT; el++) {
		if (t->colour_line[el] == 0)
			t->colour[el] = base->colour[el];
		if (t->mono_line[el] == 0)
			t->mono[el] = base->mono[el];
	}
}

static void
theme_rgb(int c, int rgb[3])
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = theme_base_rgb[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[(c / 6) % 6];
		rgb[2] = level[c % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
}

/*
 * The nearest of colours 0..n-1 to c, by distance in RGB; a grey picks
 * among the greys (black, white, bright-black, bright-white), because the
 * nearest by distance alone may have a hue (a mid grey is nearer yellow
 * than white).
 */
static int
theme_nearest(int c, int n)
{
	int rgb[3], try[3], i, j, best = 0, grey;
	long d, bestd = -1;

	theme_rgb(c, rgb);
	grey = rgb[0] == rgb[1] && rgb[1] == rgb[2];
	for (i = 0; i < n; i++) {
		theme_rgb(i, try);
		if (grey && (try[0] != try[1] || try[1] != try[2]))
			continue;
		for (d = 0, j = 0; j < 3; j++)
			d += (long)(rgb[j] - try[j]) * (rgb[j] - try[j]);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/*
 * Colour c (0..255) on a terminal of ncolours: itself if it has it; 16..255
 * the nearest of the first 16 (or 8) colours; on 8 colours, a bright colour
 * 8..15 is its base colour with bold (*bold set), which such terminals show
 * bright.  THEME_DEFAULT stays.
 */
int
theme_degrade(int c, int ncolours, int *bold)
{
	if (c < 0 || c > 255 || ncolours < 8)
		return THEME_DEFAULT;
	if (ncolours >= 256 || c < 8 || (c < 16 && ncolours >= 16))
		return c;
	if (ncolours >= 16)
		return theme_nearest(c, 16);
	if (c >= 16)
		return theme_nearest(c, 8);
	if (bold != NULL)
		*bold = 1;
	return c - 8;
}

/* One colour of a look on a terminal of ncolours, before "default". */
static int
theme_pick(int c, int low, int ncolours, int *bold)
{
	if (ncolours < 256 && low != THEME_NEAREST)
		c = low;
	if (c == THEME_DEFAULT)
		return c;
	return theme_degrade(c, ncolours, bold);
}

static void
theme_pick_look(const struct theme *t, enum tui_element el, int ncolours,
    int *fg, int *bg, int *bold)
{
	const struct theme_look *l = &t->colour[el];
	const struct theme_look *d = &t->colour[EL_DEFAULT];

	*fg = theme_pick(l->fg, l->fg_low, ncolours, bold);
	*bg = theme_pick(l->bg, l->bg_low, ncolours, NULL);
	/* "default" in an element is the default element's colour. */
	if (*fg == THEME_DEFAULT && el != EL_DEFAULT)
		*fg = theme_pick(d->fg, d->fg_low, ncolours, bold);
	if (*bg == THEME_DEFAULT && el != EL_DEFAULT)
		*bg = theme_pick(d->bg, d->bg_low, ncolours, NULL);
}

/*
 * The look of el on a terminal of ncolours colours (0: none, or NO_COLOR):
 * fg and bg are THEME_DEFAULT (the terminal's own) or 0..ncolours-1.  When
 * degrading makes an element's two colours one, its text would vanish: it
 * takes its mono look instead.
 */
struct theme_look
theme_resolve(const struct theme *t, enum tui_element el, int ncolours)
{
	struct theme_look r;
	int fg, bg, fg256, bg256, bold = 0;

	r.fg = r.bg = THEME_DEFAULT;
	r.fg_low = r.bg_low = THEME_NEAREST;
	r.attr = t->mono[el].attr;
	if (ncolours < 8 || !t->colours)
		return r;
	theme_pick_look(t, el, ncolours, &fg, &bg, &bold);
	theme_pick_look(t, el, 256, &fg256, &bg256, NULL);
	if (fg == bg && fg != THEME_DEFAULT && fg256 != bg256)
		return r;
	r.fg = fg;
	r.bg = bg;
	r.attr = t->colour[el].attr | (bold ? THEME_BOLD : 0);
	return r;
}

/* A colour as a theme file writes it. */
static const char *
theme_colour_text(int c, char *buf, size_t size)
{
	if (c < 0)
		snprintf(buf, size, "default");
	else if (c < 8)
		snprintf(buf, size, "%s", theme_colour_names[c]);
	else if (c < 16)
		snprintf(buf, size, "bright-%s", theme_colour_names[c - 8]);
	else
		snprintf(buf, size, "%d", c);
	return buf;
}

static void
theme_look_text(int c, int low, char *buf, size_t size)
{
	char a[32], b[32];

	theme_colour_text(c, a, sizeof a);
	if (low == THEME_NEAREST)
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%s/%s", a, theme_colour_text(low, b,
		    sizeof b));
}

static char *
theme_attr_text(int attr, int mono)
{
	char *s = NULL, *tmp;
	size_t i;

	for (i = 1; i < THEME_NATTRS; i++) {
		if (!(attr & theme_attrs[i].bit))
			continue;
		xasprintf(&tmp, "%s%s%s", s != NULL ? s : "", s != NULL ?
		    " " : "", theme_attrs[i].name);
		free(s);
		s = tmp;
	}
	if (s == NULL)
		s = xstrdup(mono ? "normal" : "");
	return s;
}

/* s with control characters as '?', for a comment line. */
static char *
theme_clean(const char *s)
{
	char *c = xstrdup(s), *p;

	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return c;
}

/* Append a formatted line to *s, without trailing blanks. */
static void theme_append(char **, const char *, ...) VI_PRINTF(2, 3);

static void
theme_append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *line, *tmp;
	size_t n;

	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	xasprintf(&tmp, "%s%s\n", *s != NULL ? *s : "", line);
	free(line);
	free(*s);
	*s = tmp;
}

/*
 * t as a theme file: every element with its colour and mono look and what
 * it means, a starting point for a theme of one's own
 * ("virt-import theme show default >~/.config/virt-import/themes/mine.theme").
 */
char *
theme_format(const struct theme *t)
{
	char *s = NULL, *attr, *name, *origin, fg[64], bg[64];
	int el;

	name = theme_clean(t->name != NULL ? t->name : "");
	origin = theme_clean(t->origin != NULL ? t->origin : "");
	theme_append(&s, "# virt-import theme '%s' (%s): see "
	    "virt-import-themes(5)", name, origin);
	free(origin);
	free(name);
	theme_append(&s, "set colors %s", t->colours ? "yes" : "no");
	for (el = 0; el < EL_COUNT; el++) {
		theme_look_text(t->colour[el].fg, t->colour[el].fg_low, fg,
		    sizeof fg);
		theme_look_text(t->colour[el].bg, t->colour[el].bg_low, bg,
		    sizeof bg);
		theme_append(&s, "%s", "");
		theme_append(&s, "# %s", theme_el_help[el]);
		attr = theme_attr_text(t->colour[el].attr, 0);
		theme_append(&s, "color %-18s %-17s %-17s %s",
		    theme_el_names[el], fg, bg, attr);
		free(attr);
		attr = theme_attr_text(t->mono[el].attr, 1);
		theme_append(&s, "mono  %-18s %s", theme_el_names[el], attr);
		free(attr);
	}
	return s;
}
