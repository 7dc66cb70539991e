/*
 * theme-load.c: where themes come from.  The built-in ones are the files
 * of themes/ compiled in (scripts/embed); a user's live in
 * $XDG_CONFIG_HOME/virt-import/themes (~/.config/virt-import/themes) and
 * win over a built-in one of the same name; a theme that sets only some
 * elements takes the rest from the theme named default.  Reading is
 * bounded and never waits on a FIFO; nothing here touches the terminal.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* What --theme or theme_choose asked for, or NULL. */
static char *theme_choice;

/*
 * The text of a file, at most THEME_MAX_SIZE bytes: NULL with the cause
 * otherwise.  O_NONBLOCK so a FIFO in the folder cannot hang the console.
 */
static char *
theme_read(const char *path, size_t *len, char **cause)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		cause_set(cause, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s is not a file: a theme is a text file",
		    path);
		close(fd);
		return NULL;
	}
	if (st.st_size > THEME_MAX_SIZE) {
		cause_set(cause, "%s: larger than %d KiB: a theme is one short "
		    "line per element", path, THEME_MAX_SIZE / 1024);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cause_set(cause, "cannot read %s: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
}

/* The theme in the file at path, as written: nothing inherited. */
struct theme *
theme_load_file(const char *path, char **cause)
{
	struct theme *t;
	size_t len;
	char *text;

	if ((text = theme_read(path, &len, cause)) == NULL)
		return NULL;
	t = theme_parse(text, len, path, cause);
	free(text);
	if (t != NULL)
		t->name = xstrdup(path);
	return t;
}

/* Is the file at path a good theme?  For "virt-import theme check". */
int
theme_check_file(const char *path, char **cause)
{
	struct theme *t;

	if ((t = theme_load_file(path, cause)) == NULL)
		return -1;
	theme_free(t);
	return 0;
}

/*
 * $XDG_CONFIG_HOME/virt-import/themes, or ~/.config/virt-import/themes.
 * Unlike path_config_dir it creates nothing: reading a theme should not.
 */
char *
theme_user_dir(char **cause)
{
	const char *base = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *dir;

	if (base != NULL && base[0] == '/')
		xasprintf(&dir, "%s/virt-import/themes", base);
	else if (home != NULL && home[0] == '/')
		xasprintf(&dir, "%s/.config/virt-import/themes", home);
	else {
		cause_set(cause, "neither XDG_CONFIG_HOME nor HOME is set to "
		    "an absolute path: set HOME");
		return NULL;
	}
	return dir;
}

/* A theme's name is a file name in the themes folder: no path tricks. */
static int
theme_name_valid(const char *name)
{
	size_t i;

	if (!isalnum((unsigned char)name[0]) || strlen(name) > THEME_NAME_MAX)
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_' && name[i] != '.')
			return 0;
	}
	return 1;
}

/*
 * The built-in theme of that name, parsed; NULL with *found 0 when there is
 * none.
 */
static struct theme *
theme_builtin(const char *name, int *found, char **cause)
{
	struct theme *t;
	const char *text;
	size_t len;
	char *path;

	xasprintf(&path, "themes/%s.theme", name);
	if ((text = embedded_find(path, &len)) == NULL) {
		free(path);
		*found = 0;
		return NULL;
	}
	*found = 1;
	t = theme_parse(text, len, path, cause);
	free(path);
	if (t != NULL) {
		free(t->origin);
		t->origin = xstrdup("built-in");
	}
	return t;
}

static int
theme_info_cmp(const void *a, const void *b)
{
	return strcmp(((const struct theme_info *)a)->name,
	    ((const struct theme_info *)b)->name);
}

static struct theme_info *
theme_info_find(struct theme_info *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	}
	return NULL;
}

/*
 * The themes there are, built in and the user's, sorted by name; a
 * user's file of a built-in theme's name is one entry with both.
 */
struct theme_info *
theme_list(size_t *np, char **cause)
{
	struct theme_info *list = NULL, *ti;
	struct dirent *de;
	struct stat st;
	const char *p;
	size_t i, n = 0, len;
	char *dir, *name, *path;
	DIR *d;

	for (i = 0; (p = embedded_path(i)) != NULL; i++) {
		len = strlen(p);
		if (strncmp(p, "themes/", 7) != 0 || len < 7 + 7 ||
		    strcmp(p + len - 6, ".theme") != 0)
			continue;
		list = xappend(list, &n, sizeof *list);
		list[n - 1].name = xstrndup(p + 7, len - 7 - 6);
		list[n - 1].path = NULL;
		list[n - 1].builtin = 1;
	}
	/* Without HOME there is no folder of one's own: the built-in ones. */
	if ((dir = theme_user_dir(NULL)) == NULL)
		goto done;
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT && errno != ENOTDIR) {
			cause_set(cause, "cannot read %s: %s", dir,
			    strerror(errno));
			free(dir);
			goto fail;
		}
	} else {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 6 || strcmp(de->d_name + len - 6,
			    ".theme") != 0)
				continue;
			name = xstrndup(de->d_name, len - 6);
			xasprintf(&path, "%s/%s", dir, de->d_name);
			if (!theme_name_valid(name) || stat(path, &st) != 0 ||
			    !S_ISREG(st.st_mode)) {
				free(name);
				free(path);
				continue;
			}
			if ((ti = theme_info_find(list, n, name)) != NULL)
				free(name);
			else {
				list = xappend(list, &n, sizeof *list);
				ti = &list[n - 1];
				ti->name = name;
				ti->builtin = 0;
			}
			ti->path = path;
		}
		closedir(d);
	}
	free(dir);
done:
	if (n > 0)
		qsort(list, n, sizeof *list, theme_info_cmp);
	*np = n;
	return list;
fail:
	theme_list_free(list, n);
	*np = 0;
	return NULL;
}

void
theme_list_free(struct theme_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].path);
	}
	free(list);
}

/* "unknown theme 'x': the themes are ...". */
static void
theme_unknown(const char *name, char **cause)
{
	struct theme_info *list;
	const char **names;
	char show[64], *all, *dym, *dir;
	size_t i, n;

	if ((list = theme_list(&n, NULL)) == NULL)
		n = 0;
	names = xcalloc(n + 1, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = list[i].name;
	all = theme_join(names, n);
	dym = theme_did_you_mean(name, names, n);
	dir = theme_user_dir(NULL);
	cause_set(cause, "unknown theme '%s'%s: the themes are %s (your own "
	    "go in %s as NAME.theme)", theme_show(name, show, sizeof show), dym,
	    all, dir != NULL ? dir : "~/.config/virt-import/themes");
	free(dir);
	free(dym);
	free(all);
	free(names);
	theme_list_free(list, n);
}

/*
 * The theme called name, complete: the user's file of that name, else the
 * built-in one; what it does not set comes from the theme named default
 * (which itself is completed from the built-in default).  A name with a '/'
 * is the path of a theme file.
 */
struct theme *
theme_load(const char *name, char **cause)
{
	struct theme *t = NULL, *base;
	struct stat st;
	char show[64], *dir, *path = NULL;
	int user = 0, found = 0;

	if (strchr(name, '/') != NULL) {
		if ((t = theme_load_file(name, cause)) == NULL)
			return NULL;
		user = 1;
	} else if (!theme_name_valid(name)) {
		cause_set(cause, "theme name '%s': use letters, digits, '-', "
		    "'_' and '.', or a path with a '/' to a theme file",
		    theme_show(name, show, sizeof show));
		return NULL;
	} else {
		if ((dir = theme_user_dir(NULL)) != NULL) {
			xasprintf(&path, "%s/%s.theme", dir, name);
			free(dir);
		}
		if (path != NULL && stat(path, &st) == 0) {
			t = theme_load_file(path, cause);
			free(path);
			if (t == NULL)
				return NULL;
			free(t->name);
			t->name = xstrdup(name);
			user = 1;
		} else {
			free(path);
			if ((t = theme_builtin(name, &found, cause)) == NULL) {
				if (!found)
					theme_unknown(name, cause);
				return NULL;
			}
			t->name = xstrdup(name);
		}
	}
	if (!user && strcmp(name, "default") == 0)
		return t;
	if (strcmp(name, "default") == 0)
		base = theme_builtin("default", &found, cause);
	else
		base = theme_load("default", cause);
	if (base == NULL) {
		if (strcmp(name, "default") != 0)
			cause_prefix(cause, "theme '%s' takes what it does not "
			    "set from the theme default", theme_show(name, show,
			    sizeof show));
		else if (!found)
			cause_set(cause, "no built-in theme default: this "
			    "virt-import was built without themes/");
		theme_free(t);
		return NULL;
	}
	theme_inherit(t, base);
	theme_free(base);
	return t;
}

/* The theme --theme chose; NULL forgets the choice. */
void
theme_choose(const char *name)
{
	free(theme_choice);
	theme_choice = name != NULL ? xstrdup(name) : NULL;
}

/* What screen_init(NULL) uses: --theme, $VIRT_IMPORT_THEME or default. */
const char *
theme_chosen(void)
{
	const char *env;

	if (theme_choice != NULL)
		return theme_choice;
	if ((env = getenv("VIRT_IMPORT_THEME")) != NULL && *env != '\0')
		return env;
	return "default";
}
