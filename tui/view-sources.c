/*
 * view-sources.c: the saved sources ("providers") on the left, the saved
 * proxies on the right, and below them what the cursor is on: a source's
 * location and credentials reference, a proxy's endpoint and its last
 * check.  Adding and editing go through a form drawn in place of the
 * lists: rows of "label  value", each typed in a prompt and checked by the
 * backend's own validators; s saves through the backend, Esc leaves with
 * nothing written.  Checks run on worker tasks; an unknown host key is
 * accepted only after the admin confirms the fingerprint shown, a changed
 * one never from here.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <curses.h>

#include "tui.h"

#define SRC_DETAILS_ROWS	9	/* at least, when lists are long */
#define SRC_MAX_CONNECTIONS	64	/* as provider add --connections */
#define SRC_MAX_JOBS		64	/* as proxy add --max-jobs */

enum { PANE_PROVIDERS, PANE_PROXIES };

enum form_kind {
	FORM_PROVIDER,
	FORM_PROXY
};

enum row_kind {
	ROW_FIELD,
	ROW_ENV,			/* one NAME=VALUE of a proxy */
	ROW_ENV_ADD,
	ROW_SAVE,
	ROW_CANCEL
};

struct form_row {
	enum row_kind		 kind;
	enum sources_field	 field;
	size_t			 env;		/* ROW_ENV: its index */
};

/* A provider or proxy being added or edited: a copy, saved only by s. */
struct src_form {
	enum form_kind		 kind;
	char			*orig;		/* name as saved; NULL: new */
	struct provider		 prov;
	struct proxy		*proxy;
	struct provider		 was_prov;	/* as saved when the edit */
	struct proxy		*was_proxy;	/* began; NULL: new */
	struct widget_list	 list;
	int			 list_h;
	char			*error;		/* the last refusal */
};

struct src_view {
	struct widget_list	 list[2];	/* providers, proxies */
	int			 focus;
	int			 list_h;
	int			 left_w;
	struct src_form		*form;		/* NULL: the lists show */
	char			*asking;	/* proxy whose host key is
						   being asked about */
};

struct form_field {
	enum sources_field	 field;
	const char		*label;
	const char		*help;		/* the prompt's question */
	const char		*unset;		/* shown when empty */
};

static const struct form_field provider_fields[] = {
	{ SF_NAME, "Name", "A name for this source, as :open NAME and "
	    "'virt-import list NAME' take it: letters, digits, '.', '_' or "
	    "'-'.",
	    "(required)" },
	{ SF_SPEC, "Source", "A URI (vpx://, esx://, xen+ssh://, "
	    "qemu+ssh://, test://) or ova:, vmx:, xml:, dir: or export: and a "
	    "PATH.", "(required)" },
	{ SF_PASSWORD_FILE, "Password file", "The absolute path of a file "
	    "(mode 0600) that holds the source's password. Only the path is "
	    "saved, never the password. Empty: none.", "(none)" },
	{ SF_CONNECTIONS, "Connections", "Connections at once while reading "
	    "the VMs' details, 1 to 64. Empty: one.", "(one)" },
};

static const struct form_field proxy_fields[] = {
	{ SF_NAME, "Name", "A name for this proxy, as plans name it: letters, "
	    "digits, '.', '_' or '-'.", "(required)" },
	{ SF_HOST, "Host", "The proxy's host name or address (empty with an "
	    "SSH alias: the alias's HostName).", "(none)" },
	{ SF_PORT, "Port", "The SSH port, 1 to 65535.", "22" },
	{ SF_USER, "User", "The user to log in as. Empty: yours, or the SSH "
	    "alias's.", "(yours)" },
	{ SF_KEY_FILE, "Key file", "A private key file to log in with. "
	    "Empty: ssh-agent.", "(ssh-agent)" },
	{ SF_SSH_ALIAS, "SSH alias", "A Host of ~/.ssh/config whose HostName, "
	    "Port, User and IdentityFile to use. Empty: none.", "(none)" },
	{ SF_JOB_DIR, "Job dir", "The absolute folder on the proxy where "
	    "jobs keep their files.", "(required)" },
	{ SF_MAX_JOBS, "Max jobs", "Conversions at once on this proxy, 1 to "
	    "64.", "2" },
	{ SF_KNOWN_HOSTS, "Known hosts", "A known_hosts file for this "
	    "proxy's host key. Empty: virt-import's own.",
	    "(virt-import's own)" },
};

#define NPROVIDER_FIELDS (sizeof provider_fields / sizeof *provider_fields)
#define NPROXY_FIELDS (sizeof proxy_fields / sizeof *proxy_fields)

static struct src_view *
src_view(struct tui *tui)
{
	struct src_view *v = tui->vdata[1];

	if (v == NULL)
		v = tui->vdata[1] = xcalloc(1, sizeof *v);
	return v;
}

/* Is an add or edit form open (saved lists must not change under it)? */
int
view_sources_editing(struct tui *tui)
{
	return tui->vdata[1] != NULL && src_view(tui)->form != NULL;
}

/* ------------------------------------------------ fields (pure, tested) */

static char *
src_dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

static void
src_replace(char **dst, const char *s)
{
	free(*dst);
	*dst = src_dup_or_null(s);
}

/* A whole number from lo to max; "" is 0 when empty_ok. */
static int
src_number(const char *what, const char *s, unsigned lo, unsigned max,
    int empty_ok, unsigned *out, char **cause)
{
	unsigned long v;
	char *end;

	if (*s == '\0' && empty_ok) {
		*out = 0;
		return 0;
	}
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || v < lo || v > max) {
		cause_set(cause, "%s takes a number from %u to %u, not '%s'",
		    what, lo, max, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Set one field of a provider being edited from what was typed. */
int
sources_provider_set(struct provider *p, enum sources_field f,
    const char *value, char **cause)
{
	struct source *src;
	unsigned n;

	switch (f) {
	case SF_NAME:
		if (name_valid("source name", value, cause) != 0)
			return -1;
		src_replace(&p->name, value);
		return 0;
	case SF_SPEC:
		if ((src = source_parse(value, cause)) == NULL)
			return -1;
		if (src->kind == SOURCE_PROVIDER) {
			cause_set(cause, "'%s' is a name, not a source: give a "
			    "URI or ova:/vmx:/xml:/dir:/export: and a PATH",
			    value);
			source_free(src);
			return -1;
		}
		source_free(src);
		src_replace(&p->spec, value);
		return 0;
	case SF_PASSWORD_FILE:
		src_replace(&p->password_file, value);
		return 0;
	case SF_CONNECTIONS:
		if (src_number("Connections", value, 1, SRC_MAX_CONNECTIONS, 1,
		    &n, cause) != 0)
			return -1;
		p->connections = n;
		return 0;
	default:
		break;
	}
	cause_set(cause, "a source has no such field");
	return -1;
}

/* Set one field of a proxy being edited; its env entries stay. */
int
sources_proxy_set(struct proxy *p, enum sources_field f, const char *value,
    char **cause)
{
	unsigned n;

	switch (f) {
	case SF_NAME:
		if (name_valid("proxy name", value, cause) != 0)
			return -1;
		src_replace(&p->name, value);
		return 0;
	case SF_HOST:
		src_replace(&p->host, value);
		return 0;
	case SF_PORT:
		if (src_number("Port", value, 1, 65535, 0, &n, cause) != 0)
			return -1;
		p->port = n;
		return 0;
	case SF_USER:
		src_replace(&p->user, value);
		return 0;
	case SF_KEY_FILE:
		src_replace(&p->key_file, value);
		return 0;
	case SF_SSH_ALIAS:
		src_replace(&p->ssh_alias, value);
		return 0;
	case SF_JOB_DIR:
		if (*value != '/') {
			cause_set(cause, "the job directory must be an absolute "
			    "path on the proxy, not '%s'", value);
			return -1;
		}
		src_replace(&p->job_dir, value);
		return 0;
	case SF_MAX_JOBS:
		if (src_number("Max jobs", value, 1, SRC_MAX_JOBS, 0, &n,
		    cause) != 0)
			return -1;
		p->max_jobs = n;
		return 0;
	case SF_KNOWN_HOSTS:
		src_replace(&p->known_hosts, value);
		return 0;
	default:
		break;
	}
	cause_set(cause, "a proxy has no such field");
	return -1;
}

/*
 * Set env entry i (i == nenv: a new one) to NAME=VALUE; "" removes it.  An
 * entry of the same NAME elsewhere goes: a NAME is set once.
 */
int
sources_proxy_set_env(struct proxy *p, size_t i, const char *w,
    char **cause)
{
	size_t k, n;

	if (i > p->nenv) {
		cause_set(cause, "there is no environment entry %zu", i + 1);
		return -1;
	}
	if (*w == '\0') {
		if (i < p->nenv) {
			free(p->env[i]);
			memmove(&p->env[i], &p->env[i + 1],
			    (p->nenv - i - 1) * sizeof *p->env);
			p->nenv--;
		}
		return 0;
	}
	if (proxy_env_valid(w, cause) != 0)
		return -1;
	n = strcspn(w, "=");
	for (k = 0; k < p->nenv; k++) {
		if (k != i && strncmp(p->env[k], w, n + 1) == 0) {
			free(p->env[k]);
			memmove(&p->env[k], &p->env[k + 1],
			    (p->nenv - k - 1) * sizeof *p->env);
			p->nenv--;
			if (k < i)
				i--;
			k--;
		}
	}
	if (i == p->nenv) {
		p->env = xappend(p->env, &p->nenv, sizeof *p->env);
		p->env[i] = NULL;
	}
	free(p->env[i]);
	p->env[i] = xstrdup(w);
	return 0;
}

/* A deep copy: forms and checks work on their own. */
struct proxy *
sources_proxy_copy(const struct proxy *o)
{
	struct proxy *p;
	size_t i;

	p = proxy_new(o->name);
	p->host = o->host != NULL ? xstrdup(o->host) : NULL;
	p->port = o->port;
	p->user = o->user != NULL ? xstrdup(o->user) : NULL;
	p->key_file = o->key_file != NULL ? xstrdup(o->key_file) : NULL;
	p->ssh_alias = o->ssh_alias != NULL ? xstrdup(o->ssh_alias) : NULL;
	free(p->job_dir);
	p->job_dir = o->job_dir != NULL ? xstrdup(o->job_dir) : NULL;
	p->max_jobs = o->max_jobs;
	p->known_hosts = o->known_hosts != NULL ? xstrdup(o->known_hosts) :
	    NULL;
	for (i = 0; i < o->nenv; i++) {
		p->env = xappend(p->env, &p->nenv, sizeof *p->env);
		p->env[p->nenv - 1] = xstrdup(o->env[i]);
	}
	p->local = o->local;
	return p;
}

/* ------------------------------------------------------------- forms */

static void
form_free(struct src_form *f)
{
	if (f == NULL)
		return;
	free(f->orig);
	free(f->prov.name);
	free(f->prov.spec);
	free(f->prov.password_file);
	proxy_free(f->proxy);
	free(f->was_prov.name);
	free(f->was_prov.spec);
	free(f->was_prov.password_file);
	proxy_free(f->was_proxy);
	free(f->error);
	free(f);
}

static size_t
form_rows(const struct src_form *f, struct form_row *rows, size_t max)
{
	size_t n = 0, i, nf;

	nf = f->kind == FORM_PROVIDER ? NPROVIDER_FIELDS : NPROXY_FIELDS;
	for (i = 0; i < nf && n < max; i++) {
		rows[n].kind = ROW_FIELD;
		rows[n].field = f->kind == FORM_PROVIDER ?
		    provider_fields[i].field : proxy_fields[i].field;
		rows[n++].env = 0;
	}
	if (f->kind == FORM_PROXY) {
		for (i = 0; i < f->proxy->nenv && n < max; i++) {
			rows[n].kind = ROW_ENV;
			rows[n].field = SF_NAME;
			rows[n++].env = i;
		}
		if (n < max)
			rows[n++] = (struct form_row){ ROW_ENV_ADD, SF_NAME, 0 };
	}
	if (n < max)
		rows[n++] = (struct form_row){ ROW_SAVE, SF_NAME, 0 };
	if (n < max)
		rows[n++] = (struct form_row){ ROW_CANCEL, SF_NAME, 0 };
	return n;
}

static size_t
form_nrows(const struct src_form *f)
{
	return (f->kind == FORM_PROVIDER ? NPROVIDER_FIELDS : NPROXY_FIELDS) +
	    (f->kind == FORM_PROXY ? f->proxy->nenv + 1 : 0) + 2;
}

static const struct form_field *
form_field(const struct src_form *f, enum sources_field field)
{
	const struct form_field *t = f->kind == FORM_PROVIDER ?
	    provider_fields : proxy_fields;
	size_t i, n = f->kind == FORM_PROVIDER ? NPROVIDER_FIELDS :
	    NPROXY_FIELDS;

	for (i = 0; i < n; i++) {
		if (t[i].field == field)
			return &t[i];
	}
	return &t[0];
}

/* The field's value as text (allocated), "" when unset. */
static char *
form_value(const struct src_form *f, enum sources_field field)
{
	const struct provider *pv = &f->prov;
	const struct proxy *px = f->proxy;
	const char *s = NULL;
	char *out;

	switch (field) {
	case SF_NAME:
		s = f->kind == FORM_PROVIDER ? pv->name : px->name;
		break;
	case SF_SPEC:
		s = pv->spec;
		break;
	case SF_PASSWORD_FILE:
		s = pv->password_file;
		break;
	case SF_CONNECTIONS:
		if (pv->connections == 0)
			return xstrdup("");
		xasprintf(&out, "%u", pv->connections);
		return out;
	case SF_HOST:
		s = px->host;
		break;
	case SF_PORT:
		xasprintf(&out, "%u", px->port);
		return out;
	case SF_USER:
		s = px->user;
		break;
	case SF_KEY_FILE:
		s = px->key_file;
		break;
	case SF_SSH_ALIAS:
		s = px->ssh_alias;
		break;
	case SF_JOB_DIR:
		s = px->job_dir;
		break;
	case SF_MAX_JOBS:
		xasprintf(&out, "%u", px->max_jobs);
		return out;
	case SF_KNOWN_HOSTS:
		s = px->known_hosts;
		break;
	}
	return xstrdup(s != NULL ? s : "");
}

static void
form_open(struct tui *tui, enum form_kind kind, size_t i)
{
	struct src_view *v = src_view(tui);
	struct src_form *f;
	const struct provider *p;

	form_free(v->form);
	f = v->form = xcalloc(1, sizeof *f);
	f->kind = kind;
	if (kind == FORM_PROVIDER && i < tui->nproviders) {
		p = &tui->providers[i];
		f->orig = xstrdup(p->name);
		f->prov.name = xstrdup(p->name);
		f->prov.spec = xstrdup(p->spec);
		f->prov.password_file = p->password_file != NULL ?
		    xstrdup(p->password_file) : NULL;
		f->prov.connections = p->connections;
		f->was_prov.name = xstrdup(p->name);
		f->was_prov.spec = xstrdup(p->spec);
		f->was_prov.password_file = p->password_file != NULL ?
		    xstrdup(p->password_file) : NULL;
		f->was_prov.connections = p->connections;
	} else if (kind == FORM_PROXY && i < tui->nproxies) {
		f->proxy = sources_proxy_copy(tui->proxies[i].proxy);
		f->was_proxy = sources_proxy_copy(tui->proxies[i].proxy);
		f->orig = xstrdup(f->proxy->name);
	} else if (kind == FORM_PROXY) {
		f->proxy = proxy_new("");
		free(f->proxy->name);
		f->proxy->name = NULL;
	}
	tui_status(tui, 0, "Enter edits the field, s saves, Esc leaves "
	    "without saving.");
}

static void
form_close(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	form_free(v->form);
	v->form = NULL;
}

/* The row the cursor is on. */
static struct form_row
form_current(const struct src_form *f)
{
	struct form_row rows[128];
	size_t n = form_rows(f, rows, 128);

	if (f->list.cursor < n)
		return rows[f->list.cursor];
	return rows[n - 1];
}

struct field_edit {
	enum row_kind		 kind;
	enum sources_field	 field;
	size_t			 env;
};

static void field_prompt(struct tui *, const struct field_edit *,
    const char *, const char *);

static int
field_done(struct tui *tui, void *arg, const char *text)
{
	struct src_view *v = src_view(tui);
	struct field_edit *e = arg;
	struct src_form *f = v->form;
	char *cause = NULL;
	int rc;

	if (text == NULL || f == NULL)
		return TUI_REDRAW;
	if (e->kind == ROW_FIELD && f->kind == FORM_PROVIDER)
		rc = sources_provider_set(&f->prov, e->field, text, &cause);
	else if (e->kind == ROW_FIELD)
		rc = sources_proxy_set(f->proxy, e->field, text, &cause);
	else
		rc = sources_proxy_set_env(f->proxy, e->env, text, &cause);
	if (rc != 0) {
		/* Ask again with what was typed, and why it was refused. */
		tui_status(tui, 1, "%s", cause);
		field_prompt(tui, e, text, cause);
		free(cause);
		return TUI_REDRAW;
	}
	free(f->error);
	f->error = NULL;
	if (e->kind == ROW_ENV_ADD && *text != '\0')
		f->list.cursor++;
	widget_list_clamp(&f->list, form_nrows(f), f->list_h);
	tui_status(tui, 0, "Changed, not saved yet: s saves, Esc leaves "
	    "without saving.");
	return TUI_REDRAW;
}

static void
field_prompt(struct tui *tui, const struct field_edit *e, const char *value,
    const char *why)
{
	struct src_view *v = src_view(tui);
	struct field_edit *arg;
	const char *title, *help;
	char *text;

	if (e->kind == ROW_FIELD) {
		title = form_field(v->form, e->field)->label;
		help = form_field(v->form, e->field)->help;
	} else {
		title = "Environment";
		help = "NAME=VALUE for virt-v2v on the proxy, like "
		    "VIRT_V2V_TMPDIR=/srv/tmp. Empty removes it.";
	}
	if (why != NULL)
		xasprintf(&text, "%s. %s", why, help);
	else
		text = xstrdup(help);
	arg = xmalloc(sizeof *arg);
	*arg = *e;
	widget_prompt(tui, PROMPT_TEXT, title, text, value, field_done, arg,
	    free);
	free(text);
}

static int form_save(struct tui *);

static int
form_enter(struct tui *tui)
{
	struct src_form *f = src_view(tui)->form;
	struct form_row r = form_current(f);
	struct field_edit e = { r.kind, r.field, r.env };
	char *value;

	switch (r.kind) {
	case ROW_SAVE:
		return form_save(tui);
	case ROW_CANCEL:
		form_close(tui);
		tui_status(tui, 0, "Nothing was saved.");
		return TUI_REDRAW;
	case ROW_ENV_ADD:
		e.env = f->proxy->nenv;
		field_prompt(tui, &e, "", NULL);
		return TUI_REDRAW;
	case ROW_ENV:
		field_prompt(tui, &e, f->proxy->env[r.env], NULL);
		return TUI_REDRAW;
	case ROW_FIELD:
		value = form_value(f, r.field);
		field_prompt(tui, &e, value, NULL);
		free(value);
		return TUI_REDRAW;
	}
	return TUI_REDRAW;
}

static ssize_t
src_find_provider(struct tui *tui, const char *name)
{
	size_t i;

	for (i = 0; i < tui->nproviders; i++) {
		if (strcmp(tui->providers[i].name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t
src_find_proxy(struct tui *tui, const char *name)
{
	size_t i;

	for (i = 0; i < tui->nproxies; i++) {
		if (strcmp(tui->proxies[i].proxy->name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

/* The form refuses: say why in the form and on the status line. */
static int
form_refuse(struct tui *tui, char *cause)
{
	struct src_form *f = src_view(tui)->form;

	free(f->error);
	f->error = cause;
	tui_status(tui, 1, "Not saved: %s", cause);
	return TUI_REDRAW;
}

static int
form_save_provider(struct tui *tui, struct src_form *f)
{
	char *cause = NULL;
	int renamed;

	if (f->prov.name == NULL)
		return form_refuse(tui, xstrdup("the source has no name: "
		    "give it one (Name)"));
	if (f->prov.spec == NULL)
		return form_refuse(tui, xstrdup("the source has no location: "
		    "give a URI or a PATH (Source)"));
	renamed = f->orig == NULL || strcmp(f->orig, f->prov.name) != 0;
	if (renamed && src_find_provider(tui, f->prov.name) >= 0) {
		xasprintf(&cause, "a source named '%s' is saved already: "
		    "choose another name, or edit that one", f->prov.name);
		return form_refuse(tui, cause);
	}
	/* provider_add checks everything before it writes anything. */
	if (provider_add(&f->prov, !renamed, f->orig != NULL ? &f->was_prov :
	    NULL, &cause) != 0)
		return form_refuse(tui, cause);
	if (renamed && f->orig != NULL && provider_remove(f->orig,
	    &cause) != 0) {
		tui_status(tui, 1, "Saved as '%s', but the old '%s' stays: %s",
		    f->prov.name, f->orig, cause);
		free(cause);
	} else
		tui_status(tui, 0, "Source '%s' saved. Enter opens it.",
		    f->prov.name);
	return 0;
}

static int
form_save_proxy(struct tui *tui, struct src_form *f)
{
	char *cause = NULL;
	int renamed;

	if (f->proxy->name == NULL)
		return form_refuse(tui, xstrdup("the proxy has no name: give "
		    "it one (Name)"));
	if (proxy_validate(f->proxy, &cause) != 0)
		return form_refuse(tui, cause);
	renamed = f->orig == NULL || strcmp(f->orig, f->proxy->name) != 0;
	if (renamed && src_find_proxy(tui, f->proxy->name) >= 0) {
		xasprintf(&cause, "a proxy named '%s' is saved already: "
		    "choose another name, or edit that one", f->proxy->name);
		return form_refuse(tui, cause);
	}
	if (proxy_add(f->proxy, !renamed, f->was_proxy, &cause) != 0)
		return form_refuse(tui, cause);
	if (renamed && f->orig != NULL) {
		/* The plan follows its proxy to the new name. */
		if (tui->plan->proxy != NULL &&
		    strcmp(tui->plan->proxy, f->orig) == 0) {
			free(tui->plan->proxy);
			tui->plan->proxy = xstrdup(f->proxy->name);
		}
		if (proxy_remove(f->orig, &cause) != 0) {
			tui_status(tui, 1, "Saved as '%s', but the old '%s' "
			    "stays: %s", f->proxy->name, f->orig, cause);
			free(cause);
			return 0;
		}
	}
	tui_status(tui, 0, "Proxy '%s' saved. c checks it, p uses it for the "
	    "import.", f->proxy->name);
	return 0;
}

static int
form_save(struct tui *tui)
{
	struct src_view *v = src_view(tui);
	struct src_form *f = v->form;
	char *name;
	ssize_t i;
	int pane;

	if (f->kind == FORM_PROVIDER) {
		if (form_save_provider(tui, f) != 0)
			return TUI_REDRAW;
		name = xstrdup(f->prov.name);
		pane = PANE_PROVIDERS;
	} else {
		if (form_save_proxy(tui, f) != 0)
			return TUI_REDRAW;
		name = xstrdup(f->proxy->name);
		pane = PANE_PROXIES;
	}
	form_close(tui);
	tui_reload_saved(tui);
	i = pane == PANE_PROVIDERS ? src_find_provider(tui, name) :
	    src_find_proxy(tui, name);
	if (i >= 0)
		v->list[pane].cursor = (size_t)i;
	v->focus = pane;
	free(name);
	return TUI_REDRAW;
}

/* ------------------------------------------------------------ checks */

struct src_check {
	struct tui	*tui;
	struct proxy	*proxy;		/* a copy the worker owns */
	char		*accept;	/* the fingerprint confirmed, or NULL */
	struct probe	*probe;
	char		*cause;
	struct hostkey_refusal refusal;	/* the key refused, if one was */
};

static void
check_work(struct task *t, void *arg)
{
	struct src_check *c = arg;

	c->probe = probe_run(c->proxy, c->accept, &c->cause);
	/* On this thread, right after the connection that refused it. */
	if (c->probe == NULL)
		sshc_refusal(&c->refusal);
}

struct hostkey_ask {
	char		*proxy;
	char		*fingerprint;
};

static void
hostkey_ask_free(void *arg)
{
	struct hostkey_ask *a = arg;

	free(a->proxy);
	free(a->fingerprint);
	free(a);
}

static void check_start(struct tui *, struct tui_proxy *, const char *);

static int
hostkey_answer(struct tui *tui, void *arg, const char *answer)
{
	struct hostkey_ask *a = arg;
	struct src_view *v = src_view(tui);
	struct tui_proxy *tp;

	free(v->asking);
	v->asking = NULL;
	if ((tp = tui_proxy(tui, a->proxy)) == NULL)
		return TUI_REDRAW;
	if (answer == NULL) {
		free(tp->error);
		xasprintf(&tp->error, "The host key %s was not accepted: "
		    "nothing was written. c asks again.", a->fingerprint);
		tui_status(tui, 0, "Host key not accepted: nothing was "
		    "written.");
		return TUI_REDRAW;
	}
	check_start(tui, tp, a->fingerprint);
	return TUI_REDRAW;
}

/* host:port as known_hosts names it: "host" for 22, "[host]:port". */
static char *
src_known_hosts_pattern(const char *hostport)
{
	const char *colon = strrchr(hostport, ':');
	char *out;

	if (colon == NULL)
		return xstrdup(hostport);
	if (strcmp(colon + 1, "22") == 0)
		return xstrndup(hostport, (size_t)(colon - hostport));
	xasprintf(&out, "[%.*s]:%s", (int)(colon - hostport), hostport,
	    colon + 1);
	return out;
}

/* Why a check failed, and what to do; asks about an unknown host key. */
static void
check_failed(struct tui *tui, struct tui_proxy *tp, const char *cause,
    const struct hostkey_refusal *refusal)
{
	const struct hostkey_refusal r = *refusal;
	struct hostkey_ask *a;
	char *text, *kh, *pattern;

	free(tp->error);
	switch (r.state) {
	case HOSTKEY_UNKNOWN:
		xasprintf(&tp->error, "%s is not a known host yet: its %s key "
		    "has the fingerprint %s.", r.host, r.type, r.fingerprint);
		if (tui->read_only) {
			/* Accepting writes known_hosts: not from here. */
			tui_status(tui, 1, "Proxy '%s' is not a known host and "
			    "this console is read-only: compare the "
			    "fingerprint %s, then run 'virt-import proxy check "
			    "%s --accept-host-key %s'.", tp->proxy->name,
			    r.fingerprint, tp->proxy->name, r.fingerprint);
			break;
		}
		xasprintf(&text, "Proxy '%s' at %s is not a known host. Its %s "
		    "key has the fingerprint\n%s\nCompare it with "
		    "'ssh-keygen -lf' of the host key on the proxy. Accept "
		    "this key and check the proxy?", tp->proxy->name, r.host,
		    r.type, r.fingerprint);
		a = xcalloc(1, sizeof *a);
		a->proxy = xstrdup(tp->proxy->name);
		a->fingerprint = xstrdup(r.fingerprint);
		widget_prompt(tui, PROMPT_CONFIRM, "Unknown host key", text,
		    NULL, hostkey_answer, a, hostkey_ask_free);
		free(src_view(tui)->asking);
		src_view(tui)->asking = xstrdup(tp->proxy->name);
		free(text);
		tui_status(tui, 0, "Proxy '%s': compare the fingerprint with "
		    "the proxy's host key.", tp->proxy->name);
		break;
	case HOSTKEY_CHANGED:
		/* sshc's cause, said shorter, with the command line's fix. */
		kh = sshc_known_hosts_path(tp->proxy, NULL);
		pattern = src_known_hosts_pattern(r.host);
		xasprintf(&tp->error, "The host key of %s has CHANGED (now %s "
		    "%s): this can be a man-in-the-middle attack, so nothing "
		    "was sent. The console never accepts a changed key. If the "
		    "proxy was reinstalled, check its new key there, then on "
		    "the command line run \"ssh-keygen -R '%s' -f %s\" and "
		    "'virt-import proxy check %s'.", r.host, r.type,
		    r.fingerprint, pattern, kh != NULL ? kh : "KNOWN_HOSTS",
		    tp->proxy->name);
		free(pattern);
		free(kh);
		tui_status(tui, 1, "Proxy '%s': its host key has CHANGED: "
		    "refused (see below).", tp->proxy->name);
		break;
	case HOSTKEY_OTHER:
		tp->error = xstrdup(cause);
		tui_status(tui, 1, "%s", cause);
		break;
	}
}

static size_t
probe_problems(const struct probe *pr)
{
	size_t i, n = 0;

	for (i = 0; i < pr->nchecks; i++)
		n += pr->checks[i].level != PROBE_OK;
	return n;
}

static void
check_event(void *arg, int kind, void *data)
{
	struct src_check *c = arg;
	struct tui *tui = c->tui;
	struct tui_proxy *tp;
	size_t n;

	if (kind != TASK_END)
		return;
	/* Saved lists are read again after changes: find it by name. */
	if ((tp = tui_proxy(tui, c->proxy->name)) != NULL) {
		tp->checking = 0;
		probe_free(tp->probe);
		tp->probe = c->probe;
		c->probe = NULL;
		free(tp->error);
		tp->error = NULL;
		if (tp->probe == NULL)
			check_failed(tui, tp, c->cause != NULL ? c->cause :
			    "the check failed", &c->refusal);
		else {
			n = probe_problems(tp->probe);
			tui_status(tui, n > 0, "Proxy '%s': virt-v2v %s, %zu "
			    "problem%s.%s", tp->proxy->name,
			    tp->probe->version != NULL ? tp->probe->version :
			    "not found", n, n == 1 ? "" : "s", n > 0 ?
			    " See below." : " p uses it for the import.");
		}
	}
	proxy_free(c->proxy);
	probe_free(c->probe);
	hostkey_refusal_clear(&c->refusal);
	free(c->accept);
	free(c->cause);
	free(c);
}

static void
check_start(struct tui *tui, struct tui_proxy *tp, const char *accept)
{
	struct src_view *v = src_view(tui);
	struct src_check *c;
	char *cause = NULL;

	if (tp->checking) {
		tui_status(tui, 0, "Proxy '%s' is being checked.",
		    tp->proxy->name);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->tui = tui;
	c->proxy = sources_proxy_copy(tp->proxy);
	c->accept = accept != NULL ? xstrdup(accept) : NULL;
	if (task_run(tui->tasks, check_work, check_event, c, &cause) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		proxy_free(c->proxy);
		free(c->accept);
		free(c);
		return;
	}
	tp->checking = 1;
	free(tp->error);
	tp->error = NULL;
	if (v->asking != NULL && strcmp(v->asking, tp->proxy->name) == 0) {
		free(v->asking);
		v->asking = NULL;
	}
	tui_status(tui, 0, "Checking proxy '%s' ...", tp->proxy->name);
}

/* ------------------------------------------------------------ drawing */

static int
src_pane_attr(struct src_view *v, int pane, size_t k)
{
	if (k != v->list[pane].cursor)
		return screen_attr(EL_DEFAULT);
	return screen_attr(v->focus == pane ? EL_SELECTION : EL_SELECTION_BLUR);
}

/* Lines of wrapped text from (y, x), at most rows; returns rows used. */
static int
src_draw_wrapped(int y, int x, int width, int rows, const char *text,
    int attr)
{
	char **lines;
	size_t n, i;
	int used = 0;

	lines = widget_wrap(text, width, &n);
	for (i = 0; i < n; i++) {
		if (used < rows)
			draw_text(y + used++, x, width, lines[i], attr);
		free(lines[i]);
	}
	free(lines);
	return used;
}

static void
src_draw_providers(struct tui *tui, struct src_view *v, int y, int width)
{
	const struct provider *p;
	int row, name_w = width / 3, base;
	size_t k;
	char *title;

	xasprintf(&title, "Sources  %zu", tui->nproviders);
	draw_text(y, 0, width, title, screen_attr(v->focus == PANE_PROVIDERS ?
	    EL_TITLE : EL_TITLE_BLUR));
	free(title);
	draw_text(y + 1, 0, 1, " ", screen_attr(EL_COLUMNS));
	draw_text(y + 1, 1, name_w, "NAME", screen_attr(EL_COLUMNS));
	draw_text(y + 1, 1 + name_w, width - 1 - name_w, "SOURCE",
	    screen_attr(EL_COLUMNS));
	widget_list_clamp(&v->list[PANE_PROVIDERS], tui->nproviders,
	    v->list_h);
	for (row = 0; row < v->list_h; row++) {
		k = v->list[PANE_PROVIDERS].top + (size_t)row;
		if (k >= tui->nproviders) {
			draw_text(y + 2 + row, 0, width, "",
			    screen_attr(EL_DEFAULT));
			continue;
		}
		p = &tui->providers[k];
		base = src_pane_attr(v, PANE_PROVIDERS, k);
		draw_text(y + 2 + row, 0, 1, tui->source != NULL &&
		    tui->source->name != NULL && strcmp(tui->source->name,
		    p->name) == 0 ? screen_glyph("\u2192", ">") : " ", base);
		draw_text(y + 2 + row, 1, name_w - 1, p->name, base);
		draw_text(y + 2 + row, name_w, 1, " ", base);
		draw_text(y + 2 + row, 1 + name_w, width - 1 - name_w, p->spec,
		    base);
	}
	if (tui->nproviders == 0)
		src_draw_wrapped(y + 2, 1, width - 2, v->list_h, "No saved "
		    "sources: press a to add one, or :open SOURCE.",
		    screen_attr(EL_DIM));
}

/* A word for the proxy's state and its element. */
static const char *
src_proxy_state(const struct tui_proxy *tp, const char *asking, int *el)
{
	size_t i;
	int fail = 0;

	if (tp->checking) {
		*el = EL_DIM;
		return screen_utf8() ? "checking\u2026" : "checking...";
	}
	if (tp->probe == NULL && asking != NULL &&
	    strcmp(asking, tp->proxy->name) == 0) {
		*el = EL_WARNING;
		return "host key?";
	}
	if (tp->probe == NULL) {
		*el = tp->error != NULL ? EL_ERROR : EL_DIM;
		return tp->error != NULL ? "failed" : "-";
	}
	for (i = 0; i < tp->probe->nchecks; i++)
		fail |= tp->probe->checks[i].level == PROBE_FAIL;
	if (fail) {
		*el = EL_ERROR;
		return "problems";
	}
	if (probe_problems(tp->probe) > 0) {
		*el = EL_WARNING;
		return "warnings";
	}
	*el = EL_OK;
	return "ok";
}

static const char *
src_endpoint(const struct proxy *p, char *buf, size_t len)
{
	if (p->local) {
		snprintf(buf, len, "this machine");
		return buf;
	}
	snprintf(buf, len, "%s%s%s:%u", p->user != NULL ? p->user : "",
	    p->user != NULL ? "@" : "", p->host != NULL ? p->host :
	    p->ssh_alias != NULL ? p->ssh_alias : "?", p->port);
	return buf;
}

static void
src_draw_proxies(struct tui *tui, struct src_view *v, int y, int x0,
    int width)
{
	const struct tui_proxy *tp;
	int row, name_w, state_w = 11, base, el;
	const char *state;
	char *title, ep[320];
	size_t k;

	name_w = (width - state_w) * 2 / 5;
	if (tui->plan->proxy != NULL)
		xasprintf(&title, "Proxies  %zu  (import uses %s)",
		    tui->nproxies, tui->plan->proxy);
	else
		xasprintf(&title, "Proxies  %zu", tui->nproxies);
	draw_text(y, x0, width, title, screen_attr(v->focus == PANE_PROXIES ?
	    EL_TITLE : EL_TITLE_BLUR));
	free(title);
	draw_text(y + 1, x0, 1, " ", screen_attr(EL_COLUMNS));
	draw_text(y + 1, x0 + 1, name_w, "NAME", screen_attr(EL_COLUMNS));
	draw_text(y + 1, x0 + 1 + name_w, width - 1 - name_w - state_w,
	    "HOST", screen_attr(EL_COLUMNS));
	draw_text(y + 1, x0 + width - state_w, state_w, "CHECK",
	    screen_attr(EL_COLUMNS));
	widget_list_clamp(&v->list[PANE_PROXIES], tui->nproxies, v->list_h);
	for (row = 0; row < v->list_h; row++) {
		k = v->list[PANE_PROXIES].top + (size_t)row;
		if (k >= tui->nproxies) {
			draw_text(y + 2 + row, x0, width, "",
			    screen_attr(EL_DEFAULT));
			continue;
		}
		tp = &tui->proxies[k];
		base = src_pane_attr(v, PANE_PROXIES, k);
		draw_text(y + 2 + row, x0, 1, tui->plan->proxy != NULL &&
		    strcmp(tui->plan->proxy, tp->proxy->name) == 0 ?
		    screen_glyph("\u25cf", "*") : " ", base);
		draw_text(y + 2 + row, x0 + 1, name_w - 1, tp->proxy->name,
		    base);
		draw_text(y + 2 + row, x0 + name_w, 1, " ", base);
		draw_text(y + 2 + row, x0 + 1 + name_w, width - 1 - name_w -
		    state_w, src_endpoint(tp->proxy, ep, sizeof ep), base);
		state = src_proxy_state(tp, v->asking, &el);
		draw_text(y + 2 + row, x0 + width - state_w, state_w, state,
		    k == v->list[PANE_PROXIES].cursor ? base : screen_attr(el));
	}
	if (tui->nproxies == 0)
		src_draw_wrapped(y + 2, x0 + 1, width - 2, v->list_h, "No saved "
		    "proxies: Tab here and press a to add one.",
		    screen_attr(EL_DIM));
}

/* The title of the details area, on its line. */
static void
src_details_title(int y, int cols, const char *title)
{
	char *s;
	int w;

	draw_hline(y, 0, cols, screen_attr(EL_BORDER));
	xasprintf(&s, " %s ", title);
	w = draw_width(s);
	if (w > cols - 4)
		w = cols - 4;
	draw_text(y, 2, w, s, screen_attr(EL_TITLE));
	free(s);
}

static void
src_details_provider(const struct tui *tui, const struct provider *p, int y,
    int rows, int cols)
{
	struct source *src;
	int d = screen_attr(EL_DEFAULT), dim = screen_attr(EL_DIM), r = 1;

	src_details_title(y, cols, p->name);
	if (tui_builtin_provider(p) && r < rows)
		r += src_draw_wrapped(y + r, 1, cols - 2, rows - r, "The demo's "
		    "real guest: a small Debian VM that virt-v2v converts for "
		    "real on the local proxy.", screen_attr(EL_DIM));
	src = source_parse(p->spec, NULL);
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, d, "Source       %s (%s)",
		    p->spec, src != NULL ? source_kind_name(src->kind) : "?");
	source_free(src);
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, p->password_file != NULL ? d :
		    dim, "Password     %s", p->password_file != NULL ?
		    p->password_file : "none");
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, d, "Connections  %u",
		    p->connections != 0 ? p->connections : 1);
	if (r < rows)
		draw_text(y + r, 1, cols - 1, tui->read_only ? "Enter opens it "
		    "(read-only: no edits)." : "Enter opens it; e edits it, d "
		    "deletes it.", dim);
}

static int
src_level_attr(enum probe_level l)
{
	return screen_attr(l == PROBE_OK ? EL_OK : l == PROBE_WARN ?
	    EL_WARNING : EL_ERROR);
}

/* The kinds a probe says this proxy can read (out 0) or write (out 1). */
static char *
src_modes(const struct probe *pr, int out)
{
	char *s = xstrdup(""), *t;
	const char *name;
	size_t i;
	int is_out;

	for (i = 0; i < pr->nverdicts; i++) {
		name = pr->verdicts[i].name;
		is_out = strncmp(name, "output:", 7) == 0;
		if (is_out != out || pr->verdicts[i].level == PROBE_FAIL)
			continue;
		xasprintf(&t, "%s%s%s", s, *s != '\0' ? " " : "", is_out ?
		    name + 7 : name);
		free(s);
		s = t;
	}
	return s;
}

struct src_line {
	char		*text;
	int		 attr;
};

static void
src_line_add(struct src_line **lines, size_t *n, char *text, int attr)
{
	*lines = xappend(*lines, n, sizeof **lines);
	(*lines)[*n - 1].text = text;
	(*lines)[*n - 1].attr = attr;
}

static void
src_details_probe(const struct tui_proxy *tp, int y, int r, int rows,
    int cols)
{
	const struct probe *pr = tp->probe;
	const struct probe_item *it;
	struct src_line *lines = NULL;
	char *in, *out, *s, *t;
	size_t i, k, nlines = 0;
	int d = screen_attr(EL_DEFAULT);

	draw_textf(y + r++, 1, cols - 1, pr->version != NULL ? d :
	    screen_attr(EL_ERROR), "virt-v2v     %s", pr->version != NULL ?
	    pr->version : "not found: install virt-v2v on the proxy");
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, d, "Host key     %s",
		    pr->fingerprint);
	in = src_modes(pr, 0);
	out = src_modes(pr, 1);
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, *in != '\0' ? d :
		    screen_attr(EL_ERROR), "Input        %s", *in != '\0' ?
		    in : "none");
	if (r < rows)
		draw_textf(y + r++, 1, cols - 1, *out != '\0' ? d :
		    screen_attr(EL_ERROR), "Output       %s", *out != '\0' ?
		    out : "none");
	free(in);
	free(out);
	for (i = 0; i < pr->nchecks && r < rows; i++) {
		it = &pr->checks[i];
		if (strcmp(it->name, "temp space") == 0)
			draw_textf(y + r++, 1, cols - 1, src_level_attr(
			    it->level), "Temp space   %s", it->text);
	}
	/* Problems: the checks', then the verdicts' (kinds that fail for one
	   reason share a line). */
	for (i = 0; i < pr->nchecks; i++) {
		it = &pr->checks[i];
		if (it->level == PROBE_OK || strcmp(it->name, "temp space") == 0)
			continue;
		xasprintf(&s, "%s %s: %s", screen_glyph("\u26a0", "!"),
		    it->name, it->text);
		src_line_add(&lines, &nlines, s, src_level_attr(it->level));
	}
	for (i = 0; i < pr->nverdicts; i++) {
		it = &pr->verdicts[i];
		if (it->level == PROBE_OK)
			continue;
		for (k = 0; k < i; k++) {
			if (pr->verdicts[k].level == it->level &&
			    strcmp(pr->verdicts[k].text, it->text) == 0)
				break;
		}
		if (k < i)
			continue;
		s = xstrdup(it->name);
		for (k = i + 1; k < pr->nverdicts; k++) {
			if (pr->verdicts[k].level != it->level ||
			    strcmp(pr->verdicts[k].text, it->text) != 0)
				continue;
			xasprintf(&t, "%s, %s", s, pr->verdicts[k].name);
			free(s);
			s = t;
		}
		xasprintf(&t, "%s %s: %s", screen_glyph("\u26a0", "!"), s,
		    it->text);
		free(s);
		src_line_add(&lines, &nlines, t, src_level_attr(it->level));
	}
	for (i = 0; i < nlines; i++) {
		if (r < rows && (i + 1 == nlines || r + 1 < rows))
			draw_text(y + r++, 1, cols - 1, lines[i].text,
			    lines[i].attr);
		else if (r < rows) {
			draw_textf(y + r++, 1, cols - 1, screen_attr(EL_DIM),
			    "and %zu more: 'virt-import proxy check %s' lists "
			    "them", nlines - i, tp->proxy->name);
			r = rows;
		}
		free(lines[i].text);
	}
	free(lines);
}

static void
src_details_proxy(const struct tui *tui, const struct tui_proxy *tp, int y,
    int rows, int cols)
{
	const struct proxy *p = tp->proxy;
	int dim = screen_attr(EL_DIM), r = 1;
	char ep[320], *env, *t;
	size_t i;

	src_details_title(y, cols, p->name);
	/* Environment values can be long paths: their names say enough. */
	env = xstrdup("");
	for (i = 0; i < p->nenv; i++) {
		xasprintf(&t, "%s%s%.*s", env, i > 0 ? " " : "   env ",
		    (int)strcspn(p->env[i], "="), p->env[i]);
		free(env);
		env = t;
	}
	draw_textf(y + r++, 1, cols - 1, screen_attr(EL_DEFAULT),
	    "%s   %u at once in %s%s", src_endpoint(p, ep, sizeof ep),
	    p->max_jobs, p->job_dir, env);
	free(env);
	if (r >= rows)
		return;
	if (tp->checking)
		draw_text(y + r, 1, cols - 1, screen_utf8() ? "Checking\u2026 "
		    "(virt-v2v, nbdkit, space, load on the proxy)" :
		    "Checking... (virt-v2v, nbdkit, space, load on the proxy)",
		    dim);
	else if (tp->error != NULL)
		src_draw_wrapped(y + r, 1, cols - 2, rows - r, tp->error,
		    screen_attr(EL_ERROR));
	else if (tp->probe != NULL)
		src_details_probe(tp, y, r, rows, cols);
	else
		draw_text(y + r, 1, cols - 1, tui->read_only ? "Not checked "
		    "yet: c checks it, p uses it for the import." : "Not "
		    "checked yet: c checks it, p uses it for the import, e "
		    "edits, d deletes.", dim);
}

static void
src_draw_form(struct tui *tui, struct src_view *v, int y, int rows,
    int cols)
{
	struct src_form *f = v->form;
	struct form_row fr[128];
	const struct form_field *ff;
	size_t n, k;
	int row, label_w = 15, attr, used, hint_y;
	char *title, *value;
	const char *shown;

	if (f->kind == FORM_PROVIDER)
		xasprintf(&title, f->orig != NULL ? "Edit source '%s'" :
		    "New source%s", f->orig != NULL ? f->orig : "");
	else
		xasprintf(&title, f->orig != NULL ? "Edit proxy '%s'" :
		    "New proxy%s", f->orig != NULL ? f->orig : "");
	draw_text(y, 0, cols, title, screen_attr(EL_TITLE));
	free(title);
	draw_text(y + 1, 0, cols, " Enter edits the field   s saves   Esc "
	    "leaves without saving", screen_attr(EL_DIM));
	n = form_rows(f, fr, 128);
	f->list_h = rows - 2 - 4;
	if (f->list_h < 1)
		f->list_h = 1;
	widget_list_clamp(&f->list, n, f->list_h);
	for (row = 0; row < f->list_h; row++) {
		k = f->list.top + (size_t)row;
		draw_text(y + 2 + row, 0, cols, "", screen_attr(EL_DEFAULT));
		if (k >= n)
			continue;
		attr = screen_attr(k == f->list.cursor ? EL_FIELD_FOCUS :
		    EL_FIELD);
		switch (fr[k].kind) {
		case ROW_FIELD:
			ff = form_field(f, fr[k].field);
			draw_text(y + 2 + row, 1, label_w, ff->label,
			    screen_attr(EL_FIELD_LABEL));
			value = form_value(f, fr[k].field);
			shown = *value != '\0' ? value : ff->unset;
			draw_text(y + 2 + row, 1 + label_w, cols - 2 - label_w,
			    shown, *value == '\0' && k != f->list.cursor ?
			    screen_attr(EL_DIM) : attr);
			free(value);
			break;
		case ROW_ENV:
			draw_text(y + 2 + row, 1, label_w, "Environment",
			    screen_attr(EL_FIELD_LABEL));
			draw_text(y + 2 + row, 1 + label_w, cols - 2 - label_w,
			    f->proxy->env[fr[k].env], attr);
			break;
		case ROW_ENV_ADD:
			draw_text(y + 2 + row, 1, label_w, f->proxy->nenv == 0 ?
			    "Environment" : "", screen_attr(EL_FIELD_LABEL));
			draw_text(y + 2 + row, 1 + label_w, cols - 2 - label_w,
			    "+ add NAME=VALUE", k == f->list.cursor ? attr :
			    screen_attr(EL_DIM));
			break;
		case ROW_SAVE:
			draw_text(y + 2 + row, 1 + label_w, 10, "[ Save ]",
			    attr);
			break;
		case ROW_CANCEL:
			draw_text(y + 2 + row, 1 + label_w, 10, "[ Cancel ]",
			    attr);
			break;
		}
	}
	/* Below the rows: why the last save was refused, or the field's
	   help. */
	hint_y = y + 2 + f->list_h;
	draw_fill(hint_y, 0, 4, cols, screen_attr(EL_DEFAULT));
	if (f->error != NULL)
		used = src_draw_wrapped(hint_y, 1, cols - 2, 4, f->error,
		    screen_attr(EL_ERROR));
	else {
		struct form_row cur = form_current(f);

		used = 0;
		if (cur.kind == ROW_FIELD)
			used = src_draw_wrapped(hint_y, 1, cols - 2, 4,
			    form_field(f, cur.field)->help,
			    screen_attr(EL_DIM));
		else if (cur.kind == ROW_ENV || cur.kind == ROW_ENV_ADD)
			used = src_draw_wrapped(hint_y, 1, cols - 2, 4,
			    "NAME=VALUE for virt-v2v on the proxy, like "
			    "VIRT_V2V_TMPDIR=/srv/tmp. d removes the entry.",
			    screen_attr(EL_DIM));
	}
	(void)used;
}

static void
view_sources_draw(struct tui *tui, int y, int rows, int cols, int partial)
{
	struct src_view *v = src_view(tui);
	int drows = SRC_DETAILS_ROWS, right_w, i, pane;
	size_t n;

	if (v->form != NULL) {
		src_draw_form(tui, v, y, rows, cols);
		return;
	}
	/* The lists take what they need, the details the rest. */
	n = tui->nproviders > tui->nproxies ? tui->nproviders : tui->nproxies;
	v->list_h = n + 1 < 4 ? 4 : (int)n + 1;
	if (v->list_h > rows - 2 - drows)
		v->list_h = rows - 2 - drows;
	if (v->list_h < 4) {
		v->list_h = rows - 2 - 3;
		if (v->list_h < 1)
			v->list_h = 1;
	}
	drows = rows - 2 - v->list_h;
	if (drows < 3)
		drows = 0;
	v->left_w = cols / 2;
	right_w = cols - v->left_w - 1;
	src_draw_providers(tui, v, y, v->left_w);
	for (i = 0; i < rows - drows; i++)
		draw_text(y + i, v->left_w, 1, screen_vline(),
		    screen_attr(EL_BORDER));
	src_draw_proxies(tui, v, y, v->left_w + 1, right_w);
	if (drows == 0)
		return;
	draw_fill(y + rows - drows, 0, drows, cols, screen_attr(EL_DEFAULT));
	pane = v->focus;
	if (pane == PANE_PROVIDERS && tui->nproviders > 0)
		src_details_provider(tui, &tui->providers[v->list[pane].cursor],
		    y + rows - drows, drows, cols);
	else if (pane == PANE_PROXIES && tui->nproxies > 0)
		src_details_proxy(tui, &tui->proxies[v->list[pane].cursor],
		    y + rows - drows, drows, cols);
	else {
		draw_hline(y + rows - drows, 0, cols, screen_attr(EL_BORDER));
		/* The demo without its real guest says how to get one. */
		if (pane == PANE_PROVIDERS && tui_demo_note() != NULL &&
		    drows > 1)
			src_draw_wrapped(y + rows - drows + 1, 1, cols - 2,
			    drows - 1, tui_demo_note(), screen_attr(EL_DIM));
	}
}

/* ------------------------------------------------------------- keys */

static size_t
src_count(struct tui *tui, int pane)
{
	return pane == PANE_PROVIDERS ? tui->nproviders : tui->nproxies;
}

static int
src_move(struct tui *tui, int key)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		widget_list_key(&v->form->list, form_nrows(v->form),
		    v->form->list_h, key);
	else
		widget_list_key(&v->list[v->focus], src_count(tui, v->focus),
		    v->list_h, key);
	return TUI_REDRAW;
}


static void view_sources_enter(struct tui *);

static int
key_tab(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		return src_move(tui, KEY_DOWN);
	v->focus = !v->focus;
	view_sources_enter(tui);
	return TUI_REDRAW;
}

static int
open_answer(struct tui *tui, void *arg, const char *answer)
{
	struct source *src;
	char *cause = NULL;
	size_t i;

	if (answer == NULL) {
		tui_status(tui, 0, "The source stays as it was.");
		return TUI_REDRAW;
	}
	/*
	 * The backend's own resolution: spec, password file, options; the
	 * demo's lab guest is no saved provider, only a spec.
	 */
	src = NULL;
	for (i = 0; i < tui->nproviders; i++) {
		if (strcmp(tui->providers[i].name, arg) == 0 &&
		    tui_builtin_provider(&tui->providers[i])) {
			src = source_parse(tui->providers[i].spec, &cause);
			break;
		}
	}
	if (i == tui->nproviders)
		src = provider_source(arg, &cause);
	if (src == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	if (tui_open_source(tui, src, arg) == 0)
		tui_show(tui, &view_inventory);
	return TUI_REDRAW;
}

static int
key_open(struct tui *tui)
{
	struct src_view *v = src_view(tui);
	const char *name;
	char *text, *copy;
	int flags;

	if (v->form != NULL)
		return form_enter(tui);
	if (v->focus != PANE_PROVIDERS) {
		tui_status(tui, 1, "Only a source opens: Tab to the sources. "
		    "On a proxy, c checks it and p uses it.");
		return TUI_REDRAW;
	}
	if (tui->nproviders == 0) {
		tui_status(tui, 1, "No saved sources: press a to add one, or "
		    ":open SOURCE.");
		return TUI_REDRAW;
	}
	name = tui->providers[v->list[PANE_PROVIDERS].cursor].name;
	if (tui->plan->nitems > 0) {
		xasprintf(&text, "The %zu VM%s to import came from %s. Opening "
		    "'%s' takes %s out of the import. Open it?",
		    tui->plan->nitems, tui->plan->nitems == 1 ? "" : "s",
		    tui->source_label != NULL ? tui->source_label :
		    "the current source", name, tui->plan->nitems == 1 ?
		    "it" : "them");
		widget_prompt(tui, PROMPT_CONFIRM, "Open source", text, NULL,
		    open_answer, xstrdup(name), free);
		free(text);
		return TUI_REDRAW;
	}
	copy = xstrdup(name);
	flags = open_answer(tui, copy, "yes");
	free(copy);
	return flags;
}

static int
key_enter(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form == NULL && v->focus == PANE_PROXIES && tui->nproxies > 0) {
		check_start(tui, &tui->proxies[v->list[PANE_PROXIES].cursor],
		    NULL);
		return TUI_REDRAW;
	}
	return key_open(tui);
}

static int
key_add(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		return TUI_REDRAW;
	form_open(tui, v->focus == PANE_PROVIDERS ? FORM_PROVIDER : FORM_PROXY,
	    (size_t)-1);
	return TUI_REDRAW;
}

/* Built in, not saved: the local proxy, the demo's lab guest. */
static int
src_builtin(struct tui *tui, struct src_view *v)
{
	const struct proxy *p;

	if (v->focus == PANE_PROVIDERS) {
		if (!tui_builtin_provider(
		    &tui->providers[v->list[0].cursor]))
			return 0;
		tui_status(tui, 1, "'%s' is the demo's own source, not a saved "
		    "one: a adds a source of yours.",
		    tui->providers[v->list[0].cursor].name);
		return 1;
	}
	p = tui->proxies[v->list[1].cursor].proxy;
	if (!p->local || strcmp(p->name, "local") != 0)
		return 0;
	tui_status(tui, 1, "'local' is this machine, built in: to change its "
	    "settings save your own with 'virt-import proxy add NAME "
	    "--local'.");
	return 1;
}

static int
key_edit(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		return form_enter(tui);
	if (src_count(tui, v->focus) == 0) {
		tui_status(tui, 1, "Nothing to edit here: a adds one.");
		return TUI_REDRAW;
	}
	if (src_builtin(tui, v))
		return TUI_REDRAW;
	form_open(tui, v->focus == PANE_PROVIDERS ? FORM_PROVIDER : FORM_PROXY,
	    v->list[v->focus].cursor);
	return TUI_REDRAW;
}

struct src_delete {
	int		 pane;
	char		*name;
};

static void
delete_free(void *arg)
{
	struct src_delete *d = arg;

	free(d->name);
	free(d);
}

static int
delete_answer(struct tui *tui, void *arg, const char *answer)
{
	struct src_delete *d = arg;
	char *cause = NULL;
	int rc;

	if (answer == NULL) {
		tui_status(tui, 0, "Nothing was deleted.");
		return TUI_REDRAW;
	}
	if (d->pane == PANE_PROVIDERS)
		rc = provider_remove(d->name, &cause);
	else
		rc = proxy_remove(d->name, &cause);
	if (rc != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	if (d->pane == PANE_PROXIES && tui->plan->proxy != NULL &&
	    strcmp(tui->plan->proxy, d->name) == 0) {
		free(tui->plan->proxy);
		tui->plan->proxy = NULL;
		tui_status(tui, 0, "Proxy '%s' deleted; the import has no proxy "
		    "now: p on another picks one.", d->name);
	} else
		tui_status(tui, 0, "%s '%s' deleted.", d->pane ==
		    PANE_PROVIDERS ? "Source" : "Proxy", d->name);
	tui_reload_saved(tui);
	return TUI_REDRAW;
}

static int
key_delete(struct tui *tui)
{
	struct src_view *v = src_view(tui);
	struct src_form *f = v->form;
	struct src_delete *d;
	struct form_row r;
	char *text;

	if (f != NULL) {
		r = form_current(f);
		if (r.kind != ROW_ENV) {
			tui_status(tui, 1, "d removes an environment entry: "
			    "Enter edits this field.");
			return TUI_REDRAW;
		}
		sources_proxy_set_env(f->proxy, r.env, "", NULL);
		tui_status(tui, 0, "Entry removed, not saved yet: s saves, "
		    "Esc leaves without saving.");
		return TUI_REDRAW;
	}
	if (src_count(tui, v->focus) == 0) {
		tui_status(tui, 1, "Nothing to delete here.");
		return TUI_REDRAW;
	}
	if (src_builtin(tui, v))
		return TUI_REDRAW;
	d = xcalloc(1, sizeof *d);
	d->pane = v->focus;
	if (v->focus == PANE_PROVIDERS) {
		d->name = xstrdup(tui->providers[v->list[0].cursor].name);
		xasprintf(&text, "Delete the saved source '%s'? Its VMs and "
		    "its password file stay where they are.", d->name);
	} else {
		d->name = xstrdup(
		    tui->proxies[v->list[1].cursor].proxy->name);
		xasprintf(&text, "Delete the saved proxy '%s'?%s Its host key "
		    "stays in known_hosts.", d->name, tui->plan->proxy != NULL &&
		    strcmp(tui->plan->proxy, d->name) == 0 ? " The import "
		    "uses it: it will have no proxy." : "");
	}
	widget_prompt(tui, PROMPT_CONFIRM, "Delete", text, NULL,
	    delete_answer, d, delete_free);
	free(text);
	return TUI_REDRAW;
}

static int
key_check(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		return TUI_REDRAW;
	if (v->focus != PANE_PROXIES || tui->nproxies == 0) {
		tui_status(tui, 1, "c checks a proxy: Tab to the proxies%s.",
		    tui->nproxies == 0 ? " and add one with a" : "");
		return TUI_REDRAW;
	}
	check_start(tui, &tui->proxies[v->list[PANE_PROXIES].cursor], NULL);
	return TUI_REDRAW;
}

static int
key_pick(struct tui *tui)
{
	struct src_view *v = src_view(tui);
	const struct tui_proxy *tp;

	if (v->form != NULL)
		return TUI_REDRAW;
	if (v->focus != PANE_PROXIES || tui->nproxies == 0) {
		tui_status(tui, 1, "p picks a proxy: Tab to the proxies%s.",
		    tui->nproxies == 0 ? " and add one with a" : "");
		return TUI_REDRAW;
	}
	tp = &tui->proxies[v->list[PANE_PROXIES].cursor];
	free(tui->plan->proxy);
	tui->plan->proxy = xstrdup(tp->proxy->name);
	preflight_free(tui->pf, tui->npf);
	tui->pf = NULL;
	tui->npf = 0;
	tui_status(tui, 0, "The import runs on proxy '%s'.%s",
	    tp->proxy->name, tp->probe == NULL ? " c checks it first." : "");
	return TUI_REDRAW;
}

static int
key_save(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form == NULL) {
		tui_status(tui, 1, "s saves a form: a adds, e edits.");
		return TUI_REDRAW;
	}
	return form_save(tui);
}

static int
key_escape(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form == NULL)
		return TUI_REDRAW;
	form_close(tui);
	tui_status(tui, 0, "Nothing was saved.");
	return TUI_REDRAW;
}

static int
key_reload(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		return TUI_REDRAW;
	tui_reload_saved(tui);
	tui_status(tui, 0, "%zu source%s, %zu prox%s saved.", tui->nproviders,
	    tui->nproviders == 1 ? "" : "s", tui->nproxies,
	    tui->nproxies == 1 ? "y" : "ies");
	return TUI_REDRAW;
}

static int
view_sources_mouse(struct tui *tui, int y, int x, int button)
{
	struct src_view *v = src_view(tui);
	struct widget_list *l;
	size_t row, n;

	if (button == TUI_MOUSE_WHEEL_UP || button == TUI_MOUSE_WHEEL_DOWN)
		return src_move(tui, button == TUI_MOUSE_WHEEL_UP ? KEY_UP :
		    KEY_DOWN);
	if (v->form != NULL) {
		if (y < 2 || y >= 2 + v->form->list_h)
			return 0;
		row = v->form->list.top + (size_t)(y - 2);
		if (row >= form_nrows(v->form))
			return 0;
		v->form->list.cursor = row;
		return button == TUI_MOUSE_DOUBLE ? form_enter(tui) :
		    TUI_REDRAW;
	}
	if (y < 2 || y >= 2 + v->list_h)
		return 0;
	v->focus = x < v->left_w ? PANE_PROVIDERS : PANE_PROXIES;
	l = &v->list[v->focus];
	n = src_count(tui, v->focus);
	row = l->top + (size_t)(y - 2);
	if (row < n) {
		l->cursor = row;
		if (button == TUI_MOUSE_DOUBLE)
			return key_enter(tui);
	}
	return TUI_REDRAW;
}

static void
view_sources_enter(struct tui *tui)
{
	struct src_view *v = src_view(tui);

	if (v->form != NULL)
		tui_status(tui, 0, "Enter edits the field, s saves, Esc leaves "
		    "without saving.");
	else if (v->focus == PANE_PROVIDERS)
		tui_status(tui, 0, "Enter opens a source,%s Tab goes to the "
		    "proxies, ? helps.", tui->read_only ? "" : " a adds one,");
	else
		tui_status(tui, 0, "c checks a proxy, p uses it for the "
		    "import,%s ? helps.", tui->read_only ? "" : " a adds one,");
}

static void
view_sources_free(struct tui *tui)
{
	struct src_view *v = tui->vdata[1];

	if (v == NULL)
		return;
	form_free(v->form);
	free(v->asking);
	free(v);
	tui->vdata[1] = NULL;
}

static const struct tui_key view_sources_keys[] = {
	TUI_CURSOR_KEYS("row"),
	{ '\t', "Tab", "sources / proxies (in a form: next row)", key_tab },
	{ '\r', "Enter", "open the source, check the proxy; form: edit",
	    key_enter },
	{ 'o', "o", "open the source as the console's source", key_open },
	{ 'a', "a", "add a source or a proxy (a form)", key_add },
	{ 'e', "e", "edit the source or proxy (a form)", key_edit },
	{ 'd', "d", "delete it (asks first); form: drop the env entry",
	    key_delete },
	{ KEY_DC, "Del", "delete it (asks first); form: drop the env entry",
	    key_delete },
	{ 'c', "c", "check the proxy: virt-v2v, space, host key", key_check },
	{ 'p', "p", "use the proxy for the import", key_pick },
	{ 's', "s", "save the form", key_save },
	{ 27, "Esc", "leave the form without saving", key_escape },
	{ 'r', "r", "read the saved sources and proxies again", key_reload },
	{ 0, NULL, NULL, NULL }
};

const struct view view_sources = {
	.name = "sources",
	.title = "Sources",
	.fkey = 1,
	.keys = view_sources_keys,
	.cursor = src_move,
	.enter = view_sources_enter,
	.draw = view_sources_draw,
	.mouse = view_sources_mouse,
	.changes = (const int[]){ 'a', 'e', 'd', KEY_DC, 's', 0 },
	.free = view_sources_free,
};
