/*
 * widget.c: the console's few widgets, drawn over plain curses windows
 * (no form or menu library): a cursor over a list, one line of text being
 * typed, and modal boxes that ask a question.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "tui.h"

#define EDIT_MAX	4096		/* bytes of one typed line */

/* ---------------------------------------------------------------- list */

/* Keep the cursor inside n rows and on a screen of height rows. */
void
widget_list_clamp(struct widget_list *l, size_t n, int height)
{
	if (n == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= n)
		l->cursor = n - 1;
	if (height <= 0)
		return;
	if (l->cursor < l->top)
		l->top = l->cursor;
	else if (l->cursor >= l->top + (size_t)height)
		l->top = l->cursor - (size_t)height + 1;
	if (l->top + (size_t)height > n)
		l->top = n > (size_t)height ? n - (size_t)height : 0;
}

/*
 * Move the cursor for a movement key: returns 1 if key was one (the
 * caller redraws), 0 if not.
 */
int
widget_list_key(struct widget_list *l, size_t n, int height, int key)
{
	size_t page = height > 1 ? (size_t)height - 1 : 1;

	switch (key) {
	case KEY_DOWN:
	case 'j':
		if (l->cursor + 1 < n)
			l->cursor++;
		break;
	case KEY_UP:
	case 'k':
		if (l->cursor > 0)
			l->cursor--;
		break;
	case KEY_NPAGE:
	case 'F' & 0x1f:
		l->cursor += page;
		break;
	case KEY_PPAGE:
	case 'B' & 0x1f:
		l->cursor = l->cursor > page ? l->cursor - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		l->cursor = 0;
		break;
	case KEY_END:
	case 'G':
		l->cursor = n > 0 ? n - 1 : 0;
		break;
	default:
		return 0;
	}
	widget_list_clamp(l, n, height);
	return 1;
}

/* ---------------------------------------------------------------- edit */

struct widget_edit *
widget_edit_new(const char *text)
{
	struct widget_edit *e;

	e = xcalloc(1, sizeof *e);
	e->len = strlen(text);
	if (e->len > EDIT_MAX)
		e->len = EDIT_MAX;
	e->cap = e->len + 64;
	e->buf = xmalloc(e->cap);
	memcpy(e->buf, text, e->len);
	e->buf[e->len] = '\0';
	e->pos = e->len;
	return e;
}

void
widget_edit_free(struct widget_edit *e)
{
	if (e == NULL)
		return;
	/* The line may have held a password. */
	explicit_bzero(e->buf, e->cap);
	free(e->buf);
	free(e);
}

/* Bytes of the UTF-8 character before / at pos. */
static size_t
edit_prev(const struct widget_edit *e, size_t pos)
{
	size_t p = pos;

	if (p == 0)
		return 0;
	p--;
	while (p > 0 && ((unsigned char)e->buf[p] & 0xc0) == 0x80)
		p--;
	return pos - p;
}

static size_t
edit_next(const struct widget_edit *e, size_t pos)
{
	size_t p = pos;

	if (p >= e->len)
		return 0;
	p++;
	while (p < e->len && ((unsigned char)e->buf[p] & 0xc0) == 0x80)
		p++;
	return p - pos;
}

static void
edit_delete(struct widget_edit *e, size_t at, size_t n)
{
	memmove(e->buf + at, e->buf + at + n, e->len - at - n + 1);
	e->len -= n;
}

static void
edit_insert(struct widget_edit *e, const char *s, size_t n)
{
	if (e->len + n > EDIT_MAX)
		return;
	if (e->len + n + 1 > e->cap) {
		char *nb;

		e->cap = (e->len + n + 1) * 2;
		nb = xmalloc(e->cap);
		memcpy(nb, e->buf, e->len + 1);
		explicit_bzero(e->buf, e->len);
		free(e->buf);
		e->buf = nb;
	}
	memmove(e->buf + e->pos + n, e->buf + e->pos, e->len - e->pos + 1);
	memcpy(e->buf + e->pos, s, n);
	e->len += n;
	e->pos += n;
}

/*
 * Feed a key: returns EDIT_DONE on Enter, EDIT_CANCEL on Esc or C-c, 0
 * otherwise.  Keys are Emacs-like (C-a C-e C-k C-u C-w) with the arrows.
 * getch() gives UTF-8 text a byte at a time: bytes >= 0x80 go in as they
 * come and make whole characters again in the buffer.
 */
int
widget_edit_key(struct widget_edit *e, int key)
{
	size_t n;
	char c;

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return EDIT_DONE;
	case 27:
	case 'C' & 0x1f:
		return EDIT_CANCEL;
	case KEY_LEFT:
	case 'B' & 0x1f:
		e->pos -= edit_prev(e, e->pos);
		break;
	case KEY_RIGHT:
	case 'F' & 0x1f:
		e->pos += edit_next(e, e->pos);
		break;
	case KEY_HOME:
	case 'A' & 0x1f:
		e->pos = 0;
		break;
	case KEY_END:
	case 'E' & 0x1f:
		e->pos = e->len;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 'H' & 0x1f:
		if ((n = edit_prev(e, e->pos)) > 0) {
			e->pos -= n;
			edit_delete(e, e->pos, n);
		}
		break;
	case KEY_DC:
	case 'D' & 0x1f:
		if ((n = edit_next(e, e->pos)) > 0)
			edit_delete(e, e->pos, n);
		break;
	case 'K' & 0x1f:
		e->buf[e->pos] = '\0';
		e->len = e->pos;
		break;
	case 'U' & 0x1f:
		edit_delete(e, 0, e->pos);
		e->pos = 0;
		break;
	case 'W' & 0x1f:
		n = e->pos;
		while (n > 0 && e->buf[n - 1] == ' ')
			n--;
		while (n > 0 && e->buf[n - 1] != ' ')
			n--;
		edit_delete(e, n, e->pos - n);
		e->pos = n;
		break;
	default:
		if (key >= 0x20 && key <= 0xff && key != 0x7f) {
			c = (char)key;
			edit_insert(e, &c, 1);
		}
		break;
	}
	return 0;
}

/*
 * Draw the line in width columns at (y, x), scrolled so the cursor shows,
 * with the cursor as a reversed cell.  A secret shows one '*' a character.
 */
void
widget_edit_draw(const struct widget_edit *e, int y, int x, int width,
    int attr)
{
	char *shown;
	size_t i, n, start, cur;
	int w, cw;

	if (width <= 1)
		return;
	if (e->secret) {
		shown = xmalloc(e->len + 1);
		for (i = n = cur = 0; i < e->len; i += edit_next(e, i)) {
			if (i == e->pos)
				cur = n;
			shown[n++] = '*';
		}
		if (e->pos >= e->len)
			cur = n;
		shown[n] = '\0';
	} else {
		shown = xstrdup(e->buf);
		cur = e->pos;
	}
	/* Start far enough right that the cursor fits. */
	start = 0;
	for (;;) {
		char save = shown[cur];

		shown[cur] = '\0';
		w = draw_width(shown + start);
		shown[cur] = save;
		if (w < width || start >= cur)
			break;
		start++;
		while (start < cur && ((unsigned char)shown[start] & 0xc0) ==
		    0x80)
			start++;
	}
	{
		char save = shown[cur];

		shown[cur] = '\0';
		cw = draw_width(shown + start);
		shown[cur] = save;
	}
	draw_text(y, x, width, shown + start, attr);
	/* The cursor cell. */
	if (cw < width) {
		char one[8] = " ";

		if (shown[cur] != '\0') {
			n = e->secret ? 1 : edit_next(e, cur);
			if (n == 0 || n >= sizeof one)
				n = 1;
			memcpy(one, shown + cur, n);
			one[n] = '\0';
		}
		draw_text(y, x + cw, 1, one, attr ^ A_REVERSE);
	}
	explicit_bzero(shown, strlen(shown));
	free(shown);
}

/* --------------------------------------------------------------- prompt */

void
widget_prompt_free(struct widget_prompt *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->title);
	free(p->text);
	widget_edit_free(p->edit);
	for (i = 0; i < p->nchoices; i++)
		free(p->choices[i]);
	free(p->choices);
	if (p->arg_free != NULL)
		p->arg_free(p->arg);
	free(p);
}

/*
 * Show a modal box: kind TEXT asks for a line (value: what is typed first),
 * CONFIRM for y or n.  done gets the answer, or NULL when the user backs
 * out; arg goes with it and arg_free frees it afterwards.  A box already
 * showing is replaced (its done never runs, its arg is freed).
 */
void
widget_prompt(struct tui *tui, enum prompt_kind kind, const char *title,
    const char *text, const char *value,
    int (*done)(struct tui *, void *, const char *), void *arg,
    void (*arg_free)(void *))
{
	struct widget_prompt *p;

	widget_prompt_free(tui->prompt);
	p = xcalloc(1, sizeof *p);
	p->kind = kind;
	p->title = xstrdup(title);
	p->text = xstrdup(text);
	if (kind == PROMPT_TEXT)
		p->edit = widget_edit_new(value != NULL ? value : "");
	p->done = done;
	p->arg = arg;
	p->arg_free = arg_free;
	tui->prompt = p;
}

/* A box with a list to pick from, the cursor on choice cur. */
void
widget_prompt_choices(struct tui *tui, const char *title, const char *text,
    const char *const *choices, size_t n, size_t cur,
    int (*done)(struct tui *, void *, const char *), void *arg,
    void (*arg_free)(void *))
{
	struct widget_prompt *p;
	size_t i;

	widget_prompt(tui, PROMPT_CHOICE, title, text, NULL, done, arg,
	    arg_free);
	p = tui->prompt;
	p->choices = xcalloc(n + 1, sizeof *p->choices);
	for (i = 0; i < n; i++)
		p->choices[i] = xstrdup(choices[i]);
	p->nchoices = n;
	p->list.cursor = cur < n ? cur : 0;
}

/* The box's answer ends it: the box goes before done runs (done may open
   another). */
static int
prompt_finish(struct tui *tui, const char *answer)
{
	struct widget_prompt *p = tui->prompt;
	char *copy = answer != NULL ? xstrdup(answer) : NULL;
	int flags;

	tui->prompt = NULL;
	flags = p->done(tui, p->arg, copy);
	if (copy != NULL) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
	}
	widget_prompt_free(p);
	return flags | TUI_REDRAW;
}

int
widget_prompt_key(struct tui *tui, int key)
{
	struct widget_prompt *p = tui->prompt;
	int r;

	switch (p->kind) {
	case PROMPT_TEXT:
		if ((r = widget_edit_key(p->edit, key)) == EDIT_DONE)
			return prompt_finish(tui, p->edit->buf);
		if (r == EDIT_CANCEL)
			return prompt_finish(tui, NULL);
		return TUI_REDRAW;
	case PROMPT_CONFIRM:
		if (key == 'y' || key == 'Y')
			return prompt_finish(tui, "yes");
		if (key == 'n' || key == 'N' || key == 27 || key == 'q')
			return prompt_finish(tui, NULL);
		return TUI_REDRAW;
	case PROMPT_CHOICE:
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (p->nchoices == 0)
				return prompt_finish(tui, NULL);
			return prompt_finish(tui, p->choices[p->list.cursor]);
		}
		if (key == 27 || key == 'q')
			return prompt_finish(tui, NULL);
		widget_list_key(&p->list, p->nchoices, 10, key);
		return TUI_REDRAW;
	}
	return TUI_REDRAW;
}

/* Split text into lines of at most width columns, at spaces. */
static char **
prompt_wrap(const char *text, int width, size_t *n)
{
	char **lines = NULL, *line;
	const char *s = text, *end, *brk;

	*n = 0;
	while (*s != '\0') {
		end = s;
		brk = NULL;
		for (;;) {
			const char *next = end;

			if (*next == '\0' || *next == '\n')
				break;
			next++;
			while (((unsigned char)*next & 0xc0) == 0x80)
				next++;
			line = xstrndup(s, (size_t)(next - s));
			if (draw_width(line) > width) {
				free(line);
				break;
			}
			free(line);
			if (*end == ' ')
				brk = end;
			end = next;
		}
		if (*end != '\0' && *end != '\n' && brk != NULL)
			end = brk;
		if (end == s && *end != '\0' && *end != '\n')
			end++;	/* a character wider than the box */
		lines = xappend(lines, n, sizeof *lines);
		lines[*n - 1] = xstrndup(s, (size_t)(end - s));
		s = end;
		if (*s == ' ' || *s == '\n')
			s++;
	}
	return lines;
}

/* Text split at spaces into lines of at most width columns, for views. */
char **
widget_wrap(const char *text, int width, size_t *n)
{
	return prompt_wrap(text, width, n);
}

void
widget_prompt_draw(struct tui *tui, int rows, int cols)
{
	struct widget_prompt *p = tui->prompt;
	char **lines;
	size_t nlines, i;
	int w, h, y, x, listh = 0, body, attr;

	w = cols - 8;
	if (w > 72)
		w = 72;
	lines = prompt_wrap(p->text, w - 4, &nlines);
	if (p->kind == PROMPT_CHOICE) {
		listh = p->nchoices > 10 ? 10 : (int)p->nchoices;
		if (listh == 0)
			listh = 1;
	}
	body = (int)nlines + 1 + (p->kind == PROMPT_CHOICE ? listh : 1);
	h = body + 3;
	if (h > rows - 2) {
		h = rows - 2;
		body = h - 3;
	}
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	attr = screen_attr(EL_DEFAULT);
	draw_box(y, x, h, w, p->title, screen_attr(EL_BORDER));
	draw_fill(y + 1, x + 1, h - 2, w - 2, attr);
	for (i = 0; i < nlines && (int)i < body - 1; i++)
		draw_text(y + 1 + (int)i, x + 2, w - 4, lines[i], attr);
	switch (p->kind) {
	case PROMPT_TEXT:
		widget_edit_draw(p->edit, y + h - 3, x + 2, w - 4,
		    screen_attr(EL_FIELD_FOCUS));
		draw_text(y + h - 2, x + 2, w - 4, "Enter: OK   Esc: cancel",
		    screen_attr(EL_DIM));
		break;
	case PROMPT_CONFIRM:
		draw_text(y + h - 2, x + 2, w - 4, "y: yes   n or Esc: no",
		    screen_attr(EL_HELP_KEY));
		break;
	case PROMPT_CHOICE:
		widget_list_clamp(&p->list, p->nchoices, listh);
		for (i = 0; (int)i < listh && p->list.top + i < p->nchoices;
		    i++) {
			size_t k = p->list.top + i;

			draw_text(y + h - 2 - listh + (int)i, x + 2, w - 4,
			    p->choices[k], screen_attr(k == p->list.cursor ?
			    EL_SELECTION : EL_FIELD));
		}
		if (p->nchoices == 0)
			draw_text(y + h - 3, x + 2, w - 4, "(nothing to choose "
			    "from)", screen_attr(EL_DIM));
		break;
	}
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
}
