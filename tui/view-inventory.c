/*
 * view-inventory.c: the source's VMs on the left, the VMs to import on the
 * right, and one VM's configuration below when asked.  The left pane shows
 * the inventory through an index (filtered, sorted) that is rebuilt only
 * when the inventory, the filter or the order changes; marks are kept by
 * inventory position, which a read in parts never reorders.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "tui.h"

#define DETAILS_ROWS	9

enum inv_sort {
	SORT_NAME,
	SORT_STATE,
	SORT_SIZE,
	SORT_MEMORY,
	SORT_OS,
	SORT_COUNT
};
static const char *sort_names[] = { "name", "state", "size", "memory", "OS" };

struct inv_view {
	struct widget_list	 left;
	struct widget_list	 right;
	int			 focus;		/* 0 left, 1 right */
	int			 details;
	char			*filter;
	enum inv_sort		 sort;
	int			 reverse;

	/* The index: positions in tui->inv shown, in order. */
	size_t			*index;
	size_t			 nindex;
	unsigned char		*marks;		/* per inventory position */
	size_t			 nmarks;
	const struct inventory	*built_inv;	/* what the index is of */
	size_t			 built_n;
	unsigned		 built_details;
	int			 stale;

	int			 list_h;	/* rows of the lists */
	int			 left_w;
};

static struct inv_view *
inv_view(struct tui *tui)
{
	struct inv_view *v = tui->vdata[2];

	if (v == NULL)
		v = tui->vdata[2] = xcalloc(1, sizeof *v);
	return v;
}

static void inv_index(struct tui *, struct inv_view *);

/* The view's state with its index up to date. */
static struct inv_view *
inv_ready(struct tui *tui)
{
	struct inv_view *v = inv_view(tui);

	inv_index(tui, v);
	return v;
}

static unsigned
inv_detailed(const struct inventory *inv)
{
	size_t i;
	unsigned n = 0;

	for (i = 0; i < inv->nvms; i++)
		n += inv->vms[i]->detailed != 0;
	return n;
}

static const struct inventory *sort_inv;
static enum inv_sort sort_key;
static int sort_rev;

static const char *
vm_os(const struct vm *vm)
{
	return vm->os != NULL ? vm->os : "";
}

static int
inv_cmp(const void *a, const void *b)
{
	const struct vm *x = sort_inv->vms[*(const size_t *)a];
	const struct vm *y = sort_inv->vms[*(const size_t *)b];
	uint64_t p, q;
	int c = 0;

	switch (sort_key) {
	case SORT_NAME:
		break;
	case SORT_STATE:
		c = (int)x->power - (int)y->power;
		break;
	case SORT_SIZE:
	case SORT_MEMORY:
		p = sort_key == SORT_SIZE ? vm_capacity(x) : x->memory;
		q = sort_key == SORT_SIZE ? vm_capacity(y) : y->memory;
		/* Largest first reads better for sizes. */
		c = p < q ? 1 : p > q ? -1 : 0;
		break;
	case SORT_OS:
		c = strcasecmp(vm_os(x), vm_os(y));
		break;
	case SORT_COUNT:
		break;
	}
	if (c == 0)
		c = strcmp(x->name, y->name);
	if (c == 0)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return sort_rev ? -c : c;
}

static int
inv_match(const struct vm *vm, const char *filter)
{
	size_t i;

	if (filter == NULL || *filter == '\0')
		return 1;
	if (strcasestr(vm->name, filter) != NULL ||
	    strcasestr(vm_os(vm), filter) != NULL ||
	    strcasestr(vm_power_name(vm->power), filter) != NULL)
		return 1;
	for (i = 0; i < vm->nproblems; i++) {
		if (strcasestr(problem_code_name(vm->problems[i].code),
		    filter) != NULL)
			return 1;
	}
	return 0;
}

/* Rebuild the index if the inventory changed since it was built. */
static void
inv_index(struct tui *tui, struct inv_view *v)
{
	const struct inventory *inv = tui->inv;
	size_t i, keep = (size_t)-1;

	if (!v->stale && v->built_inv == inv && v->built_n == inv->nvms &&
	    v->built_details == inv_detailed(inv))
		return;
	if (v->nindex > 0 && v->left.cursor < v->nindex)
		keep = v->index[v->left.cursor];
	if (v->built_inv != inv) {
		free(v->marks);
		v->marks = NULL;
		v->nmarks = 0;
		v->left.cursor = v->left.top = 0;
		keep = (size_t)-1;
	}
	if (v->nmarks < inv->nvms) {
		v->marks = xreallocarray(v->marks, inv->nvms + 1, 1);
		memset(v->marks + v->nmarks, 0, inv->nvms + 1 - v->nmarks);
		v->nmarks = inv->nvms;
	}
	free(v->index);
	v->index = xcalloc(inv->nvms + 1, sizeof *v->index);
	v->nindex = 0;
	for (i = 0; i < inv->nvms; i++) {
		if (inv_match(inv->vms[i], v->filter))
			v->index[v->nindex++] = i;
	}
	sort_inv = inv;
	sort_key = v->sort;
	sort_rev = v->reverse;
	qsort(v->index, v->nindex, sizeof *v->index, inv_cmp);
	/* The cursor stays on its VM. */
	if (keep != (size_t)-1) {
		for (i = 0; i < v->nindex; i++) {
			if (v->index[i] == keep) {
				v->left.cursor = i;
				break;
			}
		}
	}
	v->built_inv = inv;
	v->built_n = inv->nvms;
	v->built_details = inv_detailed(inv);
	v->stale = 0;
}

static const char *
plan_vm_key(const struct vm *vm)
{
	return vm->origin != NULL ? vm->origin : vm->name;
}

static const struct vm *
inv_vm_of_item(const struct tui *tui, const struct plan_item *it)
{
	size_t i;

	for (i = 0; i < tui->inv->nvms; i++) {
		if (strcmp(plan_vm_key(tui->inv->vms[i]), it->vm) == 0)
			return tui->inv->vms[i];
	}
	return NULL;
}

/* ------------------------------------------------------------ drawing */

struct inv_col {
	const char	*title;
	int		 width;
	int		 prio;		/* dropped from the lowest up */
	int		 right;		/* align right */
};
enum { C_STATE, C_OS, C_CPU, C_MEM, C_DISKS, C_SIZE, C_PROB, C_NCOLS };
static const struct inv_col inv_cols[C_NCOLS] = {
	{ "STATE", 8, 6, 0 },
	{ "OS", 12, 2, 0 },
	{ "CPU", 4, 3, 1 },
	{ "MEMORY", 8, 4, 1 },
	{ "DISKS", 6, 1, 1 },
	{ "SIZE", 8, 5, 1 },
	{ "!", 2, 7, 0 },
};

/* Which columns fit beside a name of at least min_name columns. */
static void
inv_layout(int width, int min_name, int *show, int *name_w)
{
	int used, c, lowest, k;

	for (c = 0; c < C_NCOLS; c++)
		show[c] = 1;
	for (;;) {
		used = 1;
		for (c = 0; c < C_NCOLS; c++)
			used += show[c] ? inv_cols[c].width + 1 : 0;
		if (width - used >= min_name)
			break;
		lowest = -1;
		for (k = 0; k < C_NCOLS; k++) {
			if (show[k] && (lowest == -1 ||
			    inv_cols[k].prio < inv_cols[lowest].prio))
				lowest = k;
		}
		if (lowest == -1)
			break;
		show[lowest] = 0;
	}
	*name_w = width - used;
	if (*name_w < 1)
		*name_w = 1;
}

static int
inv_cell(int y, int x, int c, const char *s, int attr)
{
	char *t;

	if (inv_cols[c].right) {
		xasprintf(&t, "%*s ", inv_cols[c].width, s);
		draw_text(y, x, inv_cols[c].width + 1, t, attr);
		free(t);
	} else {
		draw_text(y, x, inv_cols[c].width, s, attr);
		draw_text(y, x + inv_cols[c].width, 1, " ", attr);
	}
	return inv_cols[c].width + 1;
}

static void
inv_draw_left(struct tui *tui, struct inv_view *v, int y, int width)
{
	const struct inventory *inv = tui->inv;
	const struct vm *vm;
	int show[C_NCOLS], name_w, x, row, base, attr, c;
	char buf[32], *title;
	size_t i, k;
	uint64_t size;

	inv_layout(width, 18, show, &name_w);
	if (tui->loading)
		xasprintf(&title, "%s %s  %zu VM%s, %u read", tui->source_label,
		    screen_glyph("\u2026", "..."), inv->nvms,
		    inv->nvms == 1 ? "" : "s", inv_detailed(inv));
	else
		xasprintf(&title, "%s  %zu VM%s", tui->source_label,
		    inv->nvms, inv->nvms == 1 ? "" : "s");
	if (v->filter != NULL) {
		char *t = title;

		xasprintf(&title, "%s  /%s: %zu", t, v->filter, v->nindex);
		free(t);
	}
	draw_text(y, 0, width, title, screen_attr(v->focus == 0 ? EL_TITLE :
	    EL_TITLE_BLUR));
	free(title);
	if (v->nindex > 0) {
		char pos[48];
		int pw;

		snprintf(pos, sizeof pos, " %zu/%zu ", v->left.cursor + 1,
		    v->nindex);
		pw = draw_width(pos);
		if (pw < width / 3)
			draw_text(y, width - pw, pw, pos, screen_attr(
			    v->focus == 0 ? EL_TITLE : EL_TITLE_BLUR));
	}

	x = 0;
	base = screen_attr(EL_COLUMNS);
	x += draw_text(y + 1, x, 1, " ", base);
	x += draw_text(y + 1, x, name_w, "NAME", base);
	for (c = 0; c < C_NCOLS; c++) {
		if (show[c])
			x += inv_cell(y + 1, x, c, inv_cols[c].title, base);
	}
	draw_text(y + 1, x, width - x, "", base);

	widget_list_clamp(&v->left, v->nindex, v->list_h);
	for (row = 0; row < v->list_h; row++) {
		k = v->left.top + (size_t)row;
		if (k >= v->nindex) {
			draw_text(y + 2 + row, 0, width, "",
			    screen_attr(EL_DEFAULT));
			continue;
		}
		i = v->index[k];
		vm = inv->vms[i];
		if (k == v->left.cursor)
			base = screen_attr(v->focus == 0 ? EL_SELECTION :
			    EL_SELECTION_BLUR);
		else if (v->marks[i])
			base = screen_attr(EL_MARKED);
		else
			base = screen_attr(EL_DEFAULT);
		x = 0;
		x += draw_text(y + 2 + row, x, 1, v->marks[i] ?
		    screen_glyph("\u25cf", "*") : (plan_find(tui->plan,
		    plan_vm_key(vm)) != NULL ? screen_glyph("\u2192", ">") :
		    " "), base);
		x += draw_text(y + 2 + row, x, name_w - 1, vm->name, base);
		x += draw_text(y + 2 + row, x, 1, " ", base);
		for (c = 0; c < C_NCOLS; c++) {
			if (!show[c])
				continue;
			attr = base;
			buf[0] = '\0';
			switch (c) {
			case C_STATE:
				snprintf(buf, sizeof buf, "%s",
				    vm_power_name(vm->power));
				if (k != v->left.cursor)
					attr = screen_attr(vm->power ==
					    VM_POWER_RUNNING ?
					    EL_STATE_RUNNING : EL_STATE_OFF);
				break;
			case C_OS:
				snprintf(buf, sizeof buf, "%s", vm->detailed ?
				    vm_os(vm) : "");
				break;
			case C_CPU:
				if (vm->detailed)
					snprintf(buf, sizeof buf, "%u",
					    vm->vcpus);
				break;
			case C_MEM:
				if (vm->detailed)
					size_human(vm->memory, buf, sizeof buf);
				break;
			case C_DISKS:
				if (vm->detailed)
					snprintf(buf, sizeof buf, "%zu",
					    vm->ndisks);
				break;
			case C_SIZE:
				size = vm_capacity(vm);
				if (vm->detailed && size > 0)
					size_human(size, buf, sizeof buf);
				break;
			case C_PROB:
				if (vm->nproblems > 0) {
					snprintf(buf, sizeof buf, "%s",
					    screen_glyph("\u26a0", "!"));
					if (k != v->left.cursor)
						attr = screen_attr(EL_PROBLEM);
				} else if (!vm->detailed)
					snprintf(buf, sizeof buf, "%s",
					    screen_glyph("\u2026", "."));
				break;
			}
			x += inv_cell(y + 2 + row, x, c, buf, attr);
		}
		draw_text(y + 2 + row, x, width - x, "", base);
	}
	if (v->nindex == 0) {
		const char *msg = tui->loading ? "Reading the source ..." :
		    tui->load_error != NULL ? "The source could not be read: "
		    "see the status line." : v->filter != NULL ?
		    "No VM matches the filter: / with nothing clears it." :
		    tui->source == NULL ? "No source: pick one in view 1 or "
		    "type :open SOURCE." : "This source has no VMs.";

		draw_text(y + 2, 1, width - 1, msg, screen_attr(EL_DIM));
	}
}

static void
inv_draw_right(struct tui *tui, struct inv_view *v, int y, int x0, int width)
{
	const struct plan_item *it;
	const struct vm *vm;
	char *title, *s;
	size_t k;
	int row, base;

	xasprintf(&title, "To import  %zu", tui->plan->nitems);
	draw_text(y, x0, width, title, screen_attr(v->focus == 1 ? EL_TITLE :
	    EL_TITLE_BLUR));
	free(title);
	draw_text(y + 1, x0, width, " VM -> NAME AT DESTINATION",
	    screen_attr(EL_COLUMNS));
	widget_list_clamp(&v->right, tui->plan->nitems, v->list_h);
	for (row = 0; row < v->list_h; row++) {
		k = v->right.top + (size_t)row;
		if (k >= tui->plan->nitems) {
			draw_text(y + 2 + row, x0, width, "",
			    screen_attr(EL_DEFAULT));
			continue;
		}
		it = &tui->plan->items[k];
		if (k == v->right.cursor)
			base = screen_attr(v->focus == 1 ? EL_SELECTION :
			    EL_SELECTION_BLUR);
		else
			base = screen_attr(EL_DEFAULT);
		vm = inv_vm_of_item(tui, it);
		if (strcmp(it->vm, it->target) == 0 || (vm != NULL &&
		    strcmp(vm->name, it->target) == 0))
			xasprintf(&s, " %s", it->target);
		else
			xasprintf(&s, " %s %s %s", vm != NULL ? vm->name :
			    it->vm, screen_glyph("\u2192", "->"), it->target);
		draw_text(y + 2 + row, x0, width, s, base);
		free(s);
	}
	if (tui->plan->nitems == 0) {
		draw_text(y + 2, x0 + 1, width - 1, "Nothing to import yet.",
		    screen_attr(EL_DIM));
		draw_text(y + 3, x0 + 1, width - 1, "Space marks, Enter adds.",
		    screen_attr(EL_DIM));
	}
}

/* One VM's configuration, in rows rows from y. */
static void
inv_draw_details(struct tui *tui, const struct vm *vm, int y, int rows,
    int cols)
{
	char mem[16], cap[16], alloc[16], *s;
	int r = 1, w, d = screen_attr(EL_DEFAULT), dim = screen_attr(EL_DIM);
	size_t i;

	draw_hline(y, 0, cols, screen_attr(EL_BORDER));
	xasprintf(&s, " %s ", vm->name);
	w = draw_width(s);
	if (w > cols - 4)
		w = cols - 4;
	draw_text(y, 2, w, s, screen_attr(EL_TITLE));
	free(s);
	if (vm->uuid[0] != '\0' && 2 + w + 40 <= cols)
		draw_textf(y, 2 + w + 1, 38, dim, " %s ", vm->uuid);
	if (!vm->detailed) {
		draw_text(y + r, 1, cols - 1, "Its configuration is still "
		    "being read.", dim);
		return;
	}
	draw_textf(y + r++, 1, cols - 1, d, "%s  %u vCPU  %s  %s  %s  %s",
	    vm_power_name(vm->power), vm->vcpus,
	    size_human(vm->memory, mem, sizeof mem),
	    vm_firmware_name(vm->firmware), vm->arch != NULL ? vm->arch : "",
	    vm->os != NULL ? vm->os : "OS not known to the source");
	for (i = 0; i < vm->ndisks && r < rows; i++) {
		const struct disk *dk = &vm->disks[i];

		draw_textf(y + r++, 1, cols - 1, d, "disk %zu  %s  %s  %s, "
		    "%s used", i + 1, dk->path != NULL ? dk->path : "?",
		    disk_format_name(dk->format), dk->capacity > 0 ?
		    size_human(dk->capacity, cap, sizeof cap) : "size unknown",
		    dk->allocation > 0 ? size_human(dk->allocation, alloc,
		    sizeof alloc) : "?");
	}
	for (i = 0; i < vm->nnics && r < rows; i++) {
		const struct nic *n = &vm->nics[i];

		draw_textf(y + r++, 1, cols - 1, d, "nic %zu  %s  %s %s  %s",
		    i + 1, n->mac[0] != '\0' ? n->mac : "(no MAC)",
		    n->kind == NIC_BRIDGE ? "bridge" : "network",
		    n->network != NULL ? n->network : "?",
		    n->model != NULL ? n->model : "");
	}
	for (i = 0; i < vm->nproblems && r < rows; i++) {
		xasprintf(&s, "%s %s", screen_glyph("\u26a0", "!"),
		    vm->problems[i].text);
		draw_text(y + r++, 1, cols - 1, s, screen_attr(EL_PROBLEM));
		free(s);
	}
	if (vm->ndisks == 0 && vm->nnics == 0 && vm->nproblems == 0)
		draw_text(y + r, 1, cols - 1, "No disks, no NICs.", dim);
}

static void
view_inventory_draw(struct tui *tui, int y, int rows, int cols, int partial)
{
	struct inv_view *v = inv_ready(tui);
	int right_w, drows = 0, i;
	const struct vm *cur = NULL;

	inv_index(tui, v);
	if (v->details) {
		drows = DETAILS_ROWS;
		if (rows - drows < 6)
			drows = rows - 6;
		if (drows < 3)
			drows = 0;
	}
	v->list_h = rows - 2 - drows;
	v->left_w = cols * 64 / 100;
	right_w = cols - v->left_w - 1;
	inv_draw_left(tui, v, y, v->left_w);
	for (i = 0; i < rows - drows; i++)
		draw_text(y + i, v->left_w, 1, screen_vline(),
		    screen_attr(EL_BORDER));
	inv_draw_right(tui, v, y, v->left_w + 1, right_w);
	if (drows > 0) {
		if (v->focus == 0 && v->nindex > 0)
			cur = tui->inv->vms[v->index[v->left.cursor]];
		else if (v->focus == 1 && tui->plan->nitems > 0)
			cur = inv_vm_of_item(tui,
			    &tui->plan->items[v->right.cursor]);
		draw_fill(y + rows - drows, 0, drows, cols,
		    screen_attr(EL_DEFAULT));
		if (cur != NULL)
			inv_draw_details(tui, cur, y + rows - drows, drows,
			    cols);
		else
			draw_hline(y + rows - drows, 0, cols,
			    screen_attr(EL_BORDER));
	}
}

/* ------------------------------------------------------------- keys */

static size_t
inv_nmarked(struct tui *tui, struct inv_view *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nmarks && i < tui->inv->nvms; i++)
		n += v->marks[i] != 0;
	return n;
}

static int
inv_move(struct tui *tui, int key)
{
	struct inv_view *v = inv_ready(tui);

	if (v->focus == 0)
		widget_list_key(&v->left, v->nindex, v->list_h, key);
	else
		widget_list_key(&v->right, tui->plan->nitems, v->list_h, key);
	return TUI_REDRAW;
}


static int
key_tab(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	v->focus = !v->focus;
	return TUI_REDRAW;
}

static int
key_mark(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);
	size_t i;

	if (v->focus != 0 || v->nindex == 0)
		return TUI_REDRAW;
	i = v->index[v->left.cursor];
	v->marks[i] = !v->marks[i];
	widget_list_key(&v->left, v->nindex, v->list_h, KEY_DOWN);
	return TUI_REDRAW;
}

static int
key_mark_all(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);
	size_t k, on = 0;

	for (k = 0; k < v->nindex; k++)
		on += v->marks[v->index[k]] == 0;
	/* All marked already: the same key clears them. */
	for (k = 0; k < v->nindex; k++)
		v->marks[v->index[k]] = on > 0;
	tui_status(tui, 0, "%zu VM%s marked.", inv_nmarked(tui, v),
	    inv_nmarked(tui, v) == 1 ? "" : "s");
	return TUI_REDRAW;
}

/* Add one VM to the plan: 1 added, 0 already there, -1 refused. */
static int
inv_add_vm(struct tui *tui, const struct vm *vm, char **why)
{
	struct plan_item *it;

	if (plan_find(tui->plan, plan_vm_key(vm)) != NULL)
		return 0;
	if ((it = plan_add(tui->plan, plan_vm_key(vm), why)) == NULL)
		return -1;
	/* The name at the destination: the VM's, not its file's. */
	free(it->target);
	it->target = xstrdup(vm->name);
	return 1;
}

static int
key_add(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);
	size_t i, added = 0, had = 0, nm = inv_nmarked(tui, v);
	char *why = NULL;
	int r;

	if (v->focus == 1)
		return TUI_REDRAW;
	if (v->nindex == 0) {
		tui_status(tui, 1, "there is no VM to add here");
		return TUI_REDRAW;
	}
	for (i = 0; i < tui->inv->nvms; i++) {
		if (nm > 0 ? !v->marks[i] : i != v->index[v->left.cursor])
			continue;
		r = inv_add_vm(tui, tui->inv->vms[i], &why);
		if (r > 0)
			added++;
		else if (r == 0)
			had++;
		else {
			tui_status(tui, 1, "%s", why);
			free(why);
			return TUI_REDRAW;
		}
		v->marks[i] = 0;
	}
	preflight_free(tui->pf, tui->npf);
	tui->pf = NULL;
	tui->npf = 0;
	if (added == 0)
		tui_status(tui, 0, "Already in the import. 3 shows the plan.");
	else
		tui_status(tui, 0, "%zu VM%s added%s; %zu to import. Press 3 "
		    "to map networks and storage.", added, added == 1 ? "" :
		    "s", had > 0 ? " (others were already in)" : "",
		    tui->plan->nitems);
	return TUI_REDRAW;
}

static int
key_remove(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);
	char *vm;

	if (v->focus != 1 || tui->plan->nitems == 0)
		return TUI_REDRAW;
	vm = xstrdup(tui->plan->items[v->right.cursor].vm);
	plan_remove(tui->plan, v->right.cursor);
	preflight_free(tui->pf, tui->npf);
	tui->pf = NULL;
	tui->npf = 0;
	widget_list_clamp(&v->right, tui->plan->nitems, v->list_h);
	tui_status(tui, 0, "'%s' will not be imported.", vm);
	free(vm);
	return TUI_REDRAW;
}

static int
key_enter(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	if (v->focus == 1) {
		tui_show(tui, &view_plan);
		return TUI_REDRAW;
	}
	return key_add(tui);
}

static int
inv_filter_done(struct tui *tui, void *arg, const char *text)
{
	struct inv_view *v = inv_ready(tui);

	if (text == NULL)
		return TUI_REDRAW;
	free(v->filter);
	v->filter = *text != '\0' ? xstrdup(text) : NULL;
	v->stale = 1;
	inv_index(tui, v);
	v->left.cursor = v->left.top = 0;
	return TUI_REDRAW;
}

static int
key_filter(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	widget_prompt(tui, PROMPT_TEXT, "Filter", "Show the VMs whose name, "
	    "OS, state or problem holds this text (any case). Empty shows "
	    "all.", v->filter, inv_filter_done, NULL, NULL);
	return TUI_REDRAW;
}

static int
key_sort(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	v->sort = (v->sort + 1) % SORT_COUNT;
	v->stale = 1;
	inv_index(tui, v);
	tui_status(tui, 0, "Sorted by %s%s.", sort_names[v->sort],
	    v->reverse ? ", reversed" : "");
	return TUI_REDRAW;
}

static int
key_reverse(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	v->reverse = !v->reverse;
	v->stale = 1;
	inv_index(tui, v);
	tui_status(tui, 0, "Sorted by %s%s.", sort_names[v->sort],
	    v->reverse ? ", reversed" : "");
	return TUI_REDRAW;
}

static int
key_details(struct tui *tui)
{
	struct inv_view *v = inv_ready(tui);

	v->details = !v->details;
	return TUI_REDRAW;
}

static int
key_reload(struct tui *tui)
{
	struct source *src, *old = tui->source;
	char *label;

	if (old == NULL) {
		tui_status(tui, 1, "no source is open: pick one in view 1");
		return TUI_REDRAW;
	}
	if (tui->plan->nitems > 0) {
		tui_status(tui, 1, "reading the source again would drop the %zu "
		    "VMs to import: remove them first (Tab, d)",
		    tui->plan->nitems);
		return TUI_REDRAW;
	}
	src = xcalloc(1, sizeof *src);
	src->kind = old->kind;
	src->name = old->name != NULL ? xstrdup(old->name) : NULL;
	src->location = xstrdup(old->location);
	src->password_file = old->password_file != NULL ?
	    xstrdup(old->password_file) : NULL;
	src->connections = old->connections;
	src->verify = old->verify;
	label = xstrdup(tui->source_label);
	tui_open_source(tui, src, label);
	free(label);
	return TUI_REDRAW;
}

static int
view_inventory_mouse(struct tui *tui, int y, int x, int button)
{
	struct inv_view *v = inv_ready(tui);
	size_t row;

	if (button == TUI_MOUSE_WHEEL_UP || button == TUI_MOUSE_WHEEL_DOWN)
		return inv_move(tui, button == TUI_MOUSE_WHEEL_UP ? KEY_UP :
		    KEY_DOWN);
	if (y < 2 || y >= 2 + v->list_h)
		return 0;
	row = (size_t)(y - 2);
	if (x < v->left_w) {
		v->focus = 0;
		if (v->left.top + row < v->nindex)
			v->left.cursor = v->left.top + row;
		if (button == TUI_MOUSE_DOUBLE)
			return key_add(tui);
	} else {
		v->focus = 1;
		if (v->right.top + row < tui->plan->nitems)
			v->right.cursor = v->right.top + row;
	}
	return TUI_REDRAW;
}

static void
view_inventory_free(struct tui *tui)
{
	struct inv_view *v = tui->vdata[2];

	if (v == NULL)
		return;
	free(v->filter);
	free(v->index);
	free(v->marks);
	free(v);
	tui->vdata[2] = NULL;
}

static const struct tui_key view_inventory_keys[] = {
	TUI_CURSOR_KEYS("VM"),
	{ '\t', "Tab", "source VMs / VMs to import", key_tab },
	{ ' ', "Space", "mark or unmark the VM", key_mark },
	{ 'A', "A", "mark every VM shown (again: none)", key_mark_all },
	{ '\r', "Enter", "add the marked VMs (or this one) to the import",
	    key_enter },
	{ 'a', "a", "add the marked VMs (or this one) to the import",
	    key_add },
	{ 'd', "d", "take the VM out of the import (right pane)",
	    key_remove },
	{ KEY_DC, "Del", "take the VM out of the import (right pane)",
	    key_remove },
	{ '/', "/", "filter by name, OS, state or problem", key_filter },
	{ 's', "s", "sort by name, state, size, memory, OS", key_sort },
	{ 'S', "S", "reverse the order", key_reverse },
	{ 'i', "i", "show or hide the VM's configuration", key_details },
	{ 'r', "r", "read the source again", key_reload },
	{ 0, NULL, NULL, NULL }
};

const struct view view_inventory = {
	.name = "inventory",
	.title = "VMs",
	.fkey = 2,
	.keys = view_inventory_keys,
	.cursor = inv_move,
	.draw = view_inventory_draw,
	.mouse = view_inventory_mouse,
	.free = view_inventory_free,
};
