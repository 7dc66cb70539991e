/*
 * v2vargv.c: the exact virt-v2v command for one plan item.  A pure
 * function: plan, VM and the proxy-side paths in, argv out, or a cause that
 * says why virt-v2v would do the wrong thing with it.
 *
 * Every name reaches virt-v2v as one argv word (rjob quotes each word for
 * the remote shell), so quotes, spaces, $() and newlines are data.  What is
 * left is how virt-v2v itself reads its words (v2v/v2v.ml, libguestfs-common
 * mltools/getopt-c.c, virt-v2v 2.2 to 2.10):
 * - Options are parsed by glibc getopt_long_only with argument permutation,
 *   so "--" ends the options: the one positional word (VM name or file)
 *   comes after it and may start with '-'.  An option's argument is always
 *   the next word, whatever it starts with.
 * - --network/--bridge IN:OUT split at the FIRST ':' (String.split), and an
 *   empty side makes it the default mapping: IN may not hold a ':' (that NIC
 *   is mapped by its MAC instead), OUT may; the default is written ":OUT".
 * - --mac matches ^(MAC):(network|bridge|ip):(.*)$ without DOTALL, so a
 *   line break in OUT would cut it short: refused.
 * - -oo KEY=VALUE splits at the first '=': a path may hold '='.
 * - -o rhv-upload documents "-of raw" and no "-oa preallocated" (it always
 *   creates sparse disks), and trusts the engine's certificate only with
 *   rhv-verifypeer: we pass the CA and ask for the check.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

#define V2V_SHOW	80		/* bytes of a name in a message */

struct v2v_av {
	char		**v;
	size_t		  n;
};

static void
v2v_add(struct v2v_av *av, const char *s)
{
	av->v = xappend(av->v, &av->n, sizeof *av->v);
	av->v[av->n - 1] = xstrdup(s);
}

static void VI_PRINTF(2, 3)
v2v_addf(struct v2v_av *av, const char *fmt, ...)
{
	va_list ap;

	av->v = xappend(av->v, &av->n, sizeof *av->v);
	va_start(ap, fmt);
	xvasprintf(&av->v[av->n - 1], fmt, ap);
	va_end(ap);
}

static int
v2v_has(const struct v2v_av *av, const char *opt, const char *arg)
{
	size_t i;

	for (i = 0; i + 1 < av->n; i++) {
		if (strcmp(av->v[i], opt) == 0 &&
		    strcmp(av->v[i + 1], arg) == 0)
			return 1;
	}
	return 0;
}

/*
 * A name fit for a one-line message: control characters become '?' and a
 * long name is cut.  The argv keeps every byte; only messages are tidied.
 */
static const char *
v2v_show(const char *s, char buf[V2V_SHOW])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < V2V_SHOW - 4; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' :
		    s[i];
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

void
v2v_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* NAME=VALUE with a NAME env(1) and a shell take as a variable. */
static int
v2v_env_ok(const char *w)
{
	const char *p = w;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	    *p == '_'))
		return 0;
	for (p++; *p != '='; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	}
	return 1;
}

static int
v2v_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

enum v2v_input {
	V2V_IN_NONE,
	V2V_IN_LIBVIRT,
	V2V_IN_OVA,
	V2V_IN_OVF,		/* -i ova given the folder of the .ovf */
	V2V_IN_XML,
	V2V_IN_VMX,
};

/* What virt-v2v input reads a file, by its name as dir_read() chose it. */
static enum v2v_input
v2v_input_of(const char *file)
{
	if (file == NULL)
		return V2V_IN_NONE;
	if (v2v_suffix(file, ".ova"))
		return V2V_IN_OVA;
	if (v2v_suffix(file, ".ovf"))
		return V2V_IN_OVF;
	if (v2v_suffix(file, ".xml"))
		return V2V_IN_XML;
	if (v2v_suffix(file, ".vmx"))
		return V2V_IN_VMX;
	return V2V_IN_NONE;
}

/* The folder holding path ("." for a bare name). */
static char *
v2v_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * The input options into av and the positional word into *arg.  *input
 * says which input it is (-on depends on it).
 */
static int
v2v_input(const struct plan *plan, const struct vm *vm,
    const struct v2v_where *where, struct v2v_av *av, char **arg,
    enum v2v_input *input, char **cause)
{
	const struct source *src = plan->source;
	const char *file = NULL;
	char *path = NULL, n1[V2V_SHOW], n2[V2V_SHOW];

	*arg = NULL;
	*input = V2V_IN_NONE;
	switch (src->kind) {
	case SOURCE_PROVIDER:
		cause_set(cause, "the plan's source '%s' is a provider's name "
		    "not looked up yet: resolve it first",
		    v2v_show(src->location, n1));
		return -1;
	case SOURCE_LIBVIRT:
		if (strncmp(src->location, "test:", 5) == 0) {
			cause_set(cause, "%s is libvirt's test driver: its VMs "
			    "have no disks virt-v2v could copy: import from a "
			    "real source", v2v_show(src->location, n1));
			return -1;
		}
		if (src->password_file != NULL && where->source_password ==
		    NULL) {
			cause_set(cause, "the source's password file has no "
			    "copy on the proxy: virt-v2v would ask for the "
			    "password and fail: send the password file with "
			    "the job");
			return -1;
		}
		v2v_add(av, "-i");
		v2v_add(av, "libvirt");
		v2v_add(av, "-ic");
		v2v_add(av, src->location);
		if (where->source_password != NULL) {
			v2v_add(av, "-ip");
			v2v_add(av, where->source_password);
		}
		*input = V2V_IN_LIBVIRT;
		*arg = xstrdup(vm->name);
		return 0;
	case SOURCE_OVA:
		*input = V2V_IN_OVA;
		break;
	case SOURCE_XML:
		*input = V2V_IN_XML;
		break;
	case SOURCE_VMX:
		*input = V2V_IN_VMX;
		break;
	case SOURCE_DIR:
		if (vm->origin == NULL) {
			cause_set(cause, "VM '%s' has no file in folder %s: "
			    "read the folder again", v2v_show(vm->name, n1),
			    v2v_show(src->location, n2));
			return -1;
		}
		file = vm->origin;
		if ((*input = v2v_input_of(file)) == V2V_IN_NONE) {
			cause_set(cause, "VM '%s' comes from %s, which is not "
			    "an .ova, .ovf, .vmx or libvirt .xml file virt-v2v "
			    "reads", v2v_show(vm->name, n1),
			    v2v_show(file, n2));
			return -1;
		}
		break;
	case SOURCE_EXPORT:
		/*
		 * virt-v2v has no input for an oVirt export domain: its OVF
		 * input wants VMware's layout (Envelope/VirtualSystem), not
		 * oVirt's.  Only a file made from the VM (where->input) can
		 * be converted.
		 */
		if ((*input = v2v_input_of(where->input)) == V2V_IN_NONE ||
		    *input == V2V_IN_OVF) {
			cause_set(cause, "VM '%s' is in an oVirt export "
			    "domain, which virt-v2v cannot read: export it "
			    "from oVirt as an OVA and import that (ova:PATH)",
			    v2v_show(vm->name, n1));
			return -1;
		}
		break;
	}

	if (where->input != NULL)
		path = xstrdup(where->input);
	else if (file != NULL)
		xasprintf(&path, "%s/%s", src->location, file);
	else
		path = xstrdup(src->location);
	switch (*input) {
	case V2V_IN_OVF:
		/*
		 * -i ova takes a folder and looks for its one .ovf (in
		 * subfolders too: "more than one .ovf file" if there are
		 * two): give it the folder this .ovf is in.
		 */
		if (v2v_suffix(path, ".ovf")) {
			*arg = v2v_dirname(path);
			free(path);
		} else
			*arg = path;
		v2v_add(av, "-i");
		v2v_add(av, "ova");
		break;
	case V2V_IN_OVA:
		v2v_add(av, "-i");
		v2v_add(av, "ova");
		*arg = path;
		break;
	case V2V_IN_XML:
		v2v_add(av, "-i");
		v2v_add(av, "libvirtxml");
		*arg = path;
		break;
	case V2V_IN_VMX:
		v2v_add(av, "-i");
		v2v_add(av, "vmx");
		*arg = path;
		break;
	default:
		free(path);
		break;
	}
	return 0;
}

static int
v2v_output(const struct plan *plan, const struct plan_item *it,
    const struct vm *vm, const struct v2v_where *where, struct v2v_av *av,
    char **cause)
{
	const struct destination *d = &plan->dest;
	const char *os, *other;
	char n1[V2V_SHOW], n2[V2V_SHOW], n3[V2V_SHOW];
	size_t i;

	os = plan_item_storage(plan, it, 0);
	for (i = 1; i < vm->ndisks; i++) {
		other = plan_item_storage(plan, it, i);
		if (str_eq(os, other))
			continue;
		cause_set(cause, "VM '%s': disk 1 goes to '%s' and disk %zu to "
		    "'%s': virt-v2v writes all disks of a VM to one place: "
		    "choose the same storage for every disk",
		    v2v_show(vm->name, n1), v2v_show(os != NULL ? os : "(none)",
		    n2), i + 1, v2v_show(other != NULL ? other : "(none)", n3));
		return -1;
	}
	if (os == NULL || *os == '\0') {
		switch (d->kind) {
		case OUTPUT_LOCAL:
			other = "output folder";
			break;
		case OUTPUT_LIBVIRT:
			other = "storage pool";
			break;
		case OUTPUT_OVIRT_UPLOAD:
			other = "storage domain";
			break;
		default:
			other = "export domain";
			break;
		}
		cause_set(cause, "VM '%s': the plan names no %s: choose one",
		    v2v_show(vm->name, n1), other);
		return -1;
	}
	if (it->format != DISK_FORMAT_RAW && it->format != DISK_FORMAT_QCOW2) {
		cause_set(cause, "VM '%s': virt-v2v writes raw or qcow2 disks, "
		    "not %s: choose raw or qcow2", v2v_show(vm->name, n1),
		    disk_format_name(it->format));
		return -1;
	}

	v2v_add(av, "-o");
	switch (d->kind) {
	case OUTPUT_LOCAL:
		v2v_add(av, "local");
		break;
	case OUTPUT_LIBVIRT:
		v2v_add(av, "libvirt");
		if (d->uri != NULL) {
			v2v_add(av, "-oc");
			v2v_add(av, d->uri);
		}
		break;
	case OUTPUT_OVIRT_UPLOAD:
		if (it->format != DISK_FORMAT_RAW) {
			cause_set(cause, "VM '%s': oVirt upload takes raw "
			    "disks only (virt-v2v: \"you must use -of raw\"): "
			    "choose raw; oVirt makes them thin itself",
			    v2v_show(vm->name, n1));
			return -1;
		}
		if (it->alloc == DISK_ALLOC_PREALLOCATED) {
			cause_set(cause, "VM '%s': oVirt upload creates sparse "
			    "disks only (virt-v2v: \"you cannot use -oa "
			    "preallocated\"): choose sparse, or preallocate in "
			    "oVirt afterwards", v2v_show(vm->name, n1));
			return -1;
		}
		if (d->uri == NULL) {
			cause_set(cause, "the plan names no oVirt engine: give "
			    "https://ENGINE/ovirt-engine/api");
			return -1;
		}
		if (where->dest_password == NULL) {
			cause_set(cause, "the oVirt password file has no copy "
			    "on the proxy: send it with the job");
			return -1;
		}
		if (where->dest_ca == NULL) {
			cause_set(cause, "the oVirt engine's CA certificate "
			    "has no copy on the proxy: without it virt-v2v "
			    "would send the password to an engine it did not "
			    "check: send the CA file with the job");
			return -1;
		}
		v2v_add(av, "rhv-upload");
		v2v_add(av, "-oc");
		v2v_add(av, d->uri);
		v2v_add(av, "-op");
		v2v_add(av, where->dest_password);
		v2v_add(av, "-oo");
		v2v_addf(av, "rhv-cafile=%s", where->dest_ca);
		v2v_add(av, "-oo");
		v2v_add(av, "rhv-verifypeer=true");
		if (d->cluster != NULL) {
			v2v_add(av, "-oo");
			v2v_addf(av, "rhv-cluster=%s", d->cluster);
		}
		break;
	case OUTPUT_OVIRT_EXPORT:
		v2v_add(av, "rhv");
		break;
	}
	v2v_add(av, "-os");
	v2v_add(av, os);
	v2v_add(av, "-of");
	v2v_add(av, it->format == DISK_FORMAT_QCOW2 ? "qcow2" : "raw");
	v2v_add(av, "-oa");
	v2v_add(av, it->alloc == DISK_ALLOC_PREALLOCATED ? "preallocated" :
	    "sparse");
	return 0;
}

/* --mac MAC:KIND:OUT, once per MAC; 1 when the MAC was given already. */
static int
v2v_mac(struct v2v_av *av, const struct vm *vm, const char *mac,
    enum nic_kind kind, const char *out, char **cause)
{
	char *word, norm[18], n1[V2V_SHOW], n2[V2V_SHOW], n3[V2V_SHOW];
	size_t i, len;

	if (strchr(out, '\n') != NULL) {
		cause_set(cause, "VM '%s': the NIC %s would go to a network "
		    "whose name holds a line break, which virt-v2v's --mac "
		    "cannot take: rename the network", v2v_show(vm->name, n1),
		    v2v_show(mac, n2));
		return -1;
	}
	if (mac_normalize(mac, norm) != 0) {
		cause_set(cause, "VM '%s': '%s' is not a MAC address",
		    v2v_show(vm->name, n1), v2v_show(mac, n2));
		return -1;
	}
	xasprintf(&word, "%s:%s:%s", norm, kind == NIC_BRIDGE ? "bridge" :
	    "network", out);
	if (v2v_has(av, "--mac", word)) {
		free(word);
		return 1;
	}
	len = strlen(norm);
	for (i = 0; i + 1 < av->n; i++) {
		if (strcmp(av->v[i], "--mac") != 0 ||
		    strncmp(av->v[i + 1], norm, len) != 0 ||
		    strncmp(av->v[i + 1] + len, ":ip:", 4) == 0)
			continue;
		cause_set(cause, "VM '%s': two NICs share MAC %s but would go "
		    "to '%s' and '%s': give each NIC its own MAC at the "
		    "source, or map both alike", v2v_show(vm->name, n1), norm,
		    v2v_show(av->v[i + 1] + len + 1, n2),
		    v2v_show(word + len + 1, n3));
		free(word);
		return -1;
	}
	v2v_add(av, "--mac");
	av->v = xappend(av->v, &av->n, sizeof *av->v);
	av->v[av->n - 1] = word;
	return 0;
}

/* The NIC's own entry in the item (by MAC) that says where it goes. */
static const struct nicmap *
v2v_nicmap(const struct plan_item *it, const char *mac)
{
	char norm[18];
	size_t i;

	if (mac[0] == '\0' || mac_normalize(mac, norm) != 0)
		return NULL;
	for (i = 0; i < it->nnics; i++) {
		if (it->nics[i].to != NULL &&
		    strcmp(it->nics[i].mac, norm) == 0)
			return &it->nics[i];
	}
	return NULL;
}

static int
v2v_networks(const struct plan *plan, const struct plan_item *it,
    const struct vm *vm, struct v2v_av *av, char **cause)
{
	const struct nicmap *nm;
	const struct netmap *m;
	const struct nic *nic;
	const char *to, *opt, *name;
	enum nic_kind to_kind;
	char *word, norm[18], n1[V2V_SHOW], n2[V2V_SHOW], n3[V2V_SHOW];
	size_t i, j;
	int by_name;

	/* The item's per-MAC choices: they win over any network mapping. */
	for (i = 0; i < it->nnics; i++) {
		nm = &it->nics[i];
		for (j = 0; j < i; j++) {
			if (strcmp(it->nics[j].mac, nm->mac) == 0) {
				cause_set(cause, "VM '%s': MAC %s has two "
				    "entries: merge them",
				    v2v_show(vm->name, n1),
				    v2v_show(nm->mac, n2));
				return -1;
			}
		}
		if (nm->to != NULL && v2v_mac(av, vm, nm->mac, nm->to_kind,
		    nm->to, cause) < 0)
			return -1;
		if (nm->ip != NULL) {
			if (mac_normalize(nm->mac, norm) != 0) {
				cause_set(cause, "VM '%s': '%s' is not a MAC "
				    "address", v2v_show(vm->name, n1),
				    v2v_show(nm->mac, n2));
				return -1;
			}
			if (strchr(nm->ip, '\n') != NULL) {
				cause_set(cause, "VM '%s': the static address "
				    "of NIC %s holds a line break",
				    v2v_show(vm->name, n1), norm);
				return -1;
			}
			v2v_add(av, "--mac");
			v2v_addf(av, "%s:ip:%s", norm, nm->ip);
		}
	}

	for (i = 0; i < vm->nnics; i++) {
		nic = &vm->nics[i];
		if (v2v_nicmap(it, nic->mac) != NULL)
			continue;
		name = nic->network != NULL ? nic->network : "";
		m = *name != '\0' ? plan_network_for(plan, it, name) : NULL;
		if (m != NULL) {
			to = m->to;
			to_kind = m->to_kind;
			/* IN:OUT splits at the first ':'; "" is the default. */
			by_name = strchr(name, ':') == NULL;
		} else if (plan->default_network != NULL) {
			to = plan->default_network;
			to_kind = plan->default_kind;
			by_name = 1;
		} else
			continue;	/* unmapped: pre-flight's to judge */

		/*
		 * --network maps source networks to networks and --bridge
		 * bridges to bridges: anything else goes by the NIC's MAC.
		 */
		if (by_name && to_kind == nic->kind) {
			opt =
			    nic->kind == NIC_BRIDGE ? "--bridge" : "--network";
			if (m != NULL)
				xasprintf(&word, "%s:%s", name, to);
			else
				xasprintf(&word, ":%s", to);
			if (!v2v_has(av, opt, word)) {
				v2v_add(av, opt);
				v2v_add(av, word);
			}
			free(word);
			continue;
		}
		if (nic->mac[0] == '\0') {
			cause_set(cause, "VM '%s': NIC %zu (%s '%s') must go "
			    "to %s '%s', which virt-v2v can only do by the "
			    "NIC's MAC, and it has none: give the NIC a MAC at "
			    "the source", v2v_show(vm->name, n1), i + 1,
			    nic->kind == NIC_BRIDGE ? "bridge" : "network",
			    v2v_show(name, n2),
			    to_kind == NIC_BRIDGE ? "bridge" : "network",
			    v2v_show(to, n3));
			return -1;
		}
		if (v2v_mac(av, vm, nic->mac, to_kind, to, cause) < 0)
			return -1;
	}
	return 0;
}

char **
v2v_argv(const struct plan *plan, const struct plan_item *it,
    const struct vm *vm, const struct v2v_where *where, char **cause)
{
	static const struct v2v_where none;
	struct v2v_av av = { NULL, 0 };
	enum v2v_input input;
	const char *target;
	uint64_t bandwidth;
	char *arg = NULL, n1[V2V_SHOW], n2[V2V_SHOW];
	size_t i;

	if (where == NULL)
		where = &none;
	if (vm == NULL) {
		cause_set(cause, "VM '%s' was not read from the source: read "
		    "it before converting", v2v_show(it->vm, n1));
		return NULL;
	}
	if (plan->source == NULL) {
		cause_set(cause, "the plan has no source: choose one");
		return NULL;
	}
	target = it->target != NULL ? it->target : vm->name;
	if (*target == '\0' || strchr(target, '/') != NULL) {
		cause_set(cause, "VM '%s': '%s' cannot be its name at the "
		    "destination: virt-v2v makes file names from it: choose a "
		    "name without '/'", v2v_show(vm->name, n1),
		    v2v_show(target, n2));
		return NULL;
	}

	if (where->env != NULL && where->env[0] != NULL) {
		v2v_add(&av, "env");
		for (i = 0; where->env[i] != NULL; i++) {
			if (!v2v_env_ok(where->env[i])) {
				cause_set(cause, "environment word '%s' is not "
				    "NAME=VALUE with NAME of letters, digits "
				    "and '_'", v2v_show(where->env[i], n1));
				goto fail;
			}
			v2v_add(&av, where->env[i]);
		}
	}
	v2v_add(&av, "virt-v2v");
	if (v2v_input(plan, vm, where, &av, &arg, &input, cause) != 0 ||
	    v2v_output(plan, it, vm, where, &av, cause) != 0)
		goto fail;
	if (arg == NULL) {
		cause_set(cause, "VM '%s': no input for virt-v2v",
		    v2v_show(vm->name, n1));
		goto fail;
	}
	/*
	 * virt-v2v names an OVA or VMX guest by its own reading of the file,
	 * which need not be ours: then the name is always given.
	 */
	if (input == V2V_IN_OVA || input == V2V_IN_OVF ||
	    input == V2V_IN_VMX || strcmp(target, vm->name) != 0) {
		v2v_add(&av, "-on");
		v2v_add(&av, target);
	}
	if (v2v_networks(plan, it, vm, &av, cause) != 0)
		goto fail;
	bandwidth = it->bandwidth != 0 ? it->bandwidth : plan->bandwidth;
	if (bandwidth != 0) {
		v2v_add(&av, "--bandwidth");
		v2v_addf(&av, "%" PRIu64, bandwidth);
	}
	if (plan->debug) {
		v2v_add(&av, "-v");
		v2v_add(&av, "-x");
	}
	v2v_add(&av, "--machine-readable");
	v2v_add(&av, "--");
	v2v_add(&av, arg);
	free(arg);
	av.v = xappend(av.v, &av.n, sizeof *av.v);	/* NULL-terminated */
	return av.v;

fail:
	free(arg);
	av.v = xappend(av.v, &av.n, sizeof *av.v);
	v2v_argv_free(av.v);
	return NULL;
}
