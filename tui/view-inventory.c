/*
 * view-inventory.c: the source's VMs, one a row.
 */
#include <curses.h>

#include "tui.h"

#define COL_STATE 10
#define COL_VCPU 5
#define COL_MEM 10

static void
view_inventory_scroll(struct tui *tui, int height)
{
	if (height <= 0)
		return;
	if (tui->cursor < tui->top)
		tui->top = tui->cursor;
	else if (tui->cursor >= tui->top + (size_t)height)
		tui->top = tui->cursor - (size_t)height + 1;
}

static void
view_inventory_row(const struct vm *vm, int y, int cols, int name_w,
    int selected)
{
	char mem[16];
	int x = 0, base, attr;

	base = selected ? screen_attr(EL_SELECTION) : screen_attr(EL_DEFAULT);
	x += draw_text(y, x, 1, " ", base);
	x += draw_text(y, x, name_w, vm->name, base);
	attr = selected ? base : screen_attr(vm->power == VM_POWER_RUNNING ?
	    EL_STATE_RUNNING : EL_STATE_OFF);
	x += draw_text(y, x, COL_STATE, vm_power_name(vm->power), attr);
	x += draw_textf(y, x, COL_VCPU, base, "%4u ", vm->vcpus);
	x += draw_textf(y, x, COL_MEM, base, "%9s ",
	    size_human(vm->memory, mem, sizeof mem));
	attr = selected ? base : screen_attr(EL_PROBLEM);
	if (vm->nproblems > 0)
		draw_text(y, x, cols - x, vm->problems[0].text, attr);
	else
		draw_text(y, x, cols - x, "", base);
}

void
view_inventory_draw(struct tui *tui, int rows, int cols)
{
	struct inventory *inv = tui->inv;
	int y, list_h, name_w;
	size_t i;

	draw_textf(0, 0, cols, screen_attr(EL_HEADER),
	    " virt-import  %s  %zu VM%s", tui->source_label, inv->nvms,
	    inv->nvms == 1 ? "" : "s");
	name_w = cols / 3;
	if (name_w < 16)
		name_w = 16;
	y = 1;
	{
		int x = 0, a = screen_attr(EL_COLUMNS);

		x += draw_text(y, x, 1, " ", a);
		x += draw_text(y, x, name_w, "NAME", a);
		x += draw_text(y, x, COL_STATE, "STATE", a);
		x += draw_text(y, x, COL_VCPU, "VCPU ", a);
		x += draw_text(y, x, COL_MEM, "   MEMORY ", a);
		draw_text(y, x, cols - x, "PROBLEMS", a);
	}
	list_h = rows - 4;
	view_inventory_scroll(tui, list_h);
	for (i = tui->top; i < inv->nvms && (int)(i - tui->top) < list_h; i++)
		view_inventory_row(inv->vms[i], 2 + (int)(i - tui->top), cols,
		    name_w, i == tui->cursor);
	if (inv->nvms == 0)
		draw_text(2, 1, cols - 1, "This source has no VMs.",
		    screen_attr(EL_DEFAULT));
	else {
		const struct vm *vm = inv->vms[tui->cursor];

		draw_textf(rows - 2, 0, cols, screen_attr(EL_COLUMNS),
		    " %zu/%zu  %s  %s", tui->cursor + 1, inv->nvms, vm->name,
		    vm->uuid);
	}
	draw_text(rows - 1, 0, cols, tui->status != NULL ? tui->status : "",
	    screen_attr(tui->status_error ? EL_ERROR : EL_STATUS));
}

static int
key_down(struct tui *tui)
{
	if (tui->cursor + 1 < tui->inv->nvms)
		tui->cursor++;
	return TUI_REDRAW;
}

static int
key_up(struct tui *tui)
{
	if (tui->cursor > 0)
		tui->cursor--;
	return TUI_REDRAW;
}

static int
key_page(struct tui *tui, int dir)
{
	int rows = getmaxy(stdscr) - 4;
	size_t step = rows > 1 ? (size_t)rows - 1 : 1;

	if (dir < 0)
		tui->cursor = tui->cursor > step ? tui->cursor - step : 0;
	else if (tui->inv->nvms > 0) {
		tui->cursor += step;
		if (tui->cursor >= tui->inv->nvms)
			tui->cursor = tui->inv->nvms - 1;
	}
	return TUI_REDRAW;
}

static int key_pgdown(struct tui *tui) { return key_page(tui, 1); }
static int key_pgup(struct tui *tui) { return key_page(tui, -1); }

static int
key_home(struct tui *tui)
{
	tui->cursor = 0;
	return TUI_REDRAW;
}

static int
key_end(struct tui *tui)
{
	if (tui->inv->nvms > 0)
		tui->cursor = tui->inv->nvms - 1;
	return TUI_REDRAW;
}

static int
key_help(struct tui *tui)
{
	tui->show_help = 1;
	return TUI_REDRAW;
}

static int
key_quit(struct tui *tui)
{
	return TUI_QUIT;
}

/* The help screen is generated from this table. */
const struct tui_key view_inventory_keys[] = {
	{ KEY_DOWN, "Down", "next VM", key_down },
	{ 'j', "j", "next VM", key_down },
	{ KEY_UP, "Up", "previous VM", key_up },
	{ 'k', "k", "previous VM", key_up },
	{ KEY_NPAGE, "PgDn", "next page", key_pgdown },
	{ KEY_PPAGE, "PgUp", "previous page", key_pgup },
	{ KEY_HOME, "Home", "first VM", key_home },
	{ 'g', "g", "first VM", key_home },
	{ KEY_END, "End", "last VM", key_end },
	{ 'G', "G", "last VM", key_end },
	{ '?', "?", "this help", key_help },
	{ 'q', "q", "quit", key_quit },
	{ 0, NULL, NULL, NULL }
};
