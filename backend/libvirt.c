/*
 * libvirt.c: libvirt sources (vCenter, ESXi, Xen, KVM, the test driver).
 *
 * libvirt prints warnings and errors on stderr by default, which would land
 * on the curses screen; here they go to a log file and to the caller's cause
 * instead.  Credentials come through the auth callback, from a password
 * file or a prompt on the terminal, never from argv.
 *
 * Listing is cheap and comes first: one ListAllDomains per power state, so
 * no per-VM round trip (virsh list does a GetState per VM, 0.8 s for 500 on
 * ESX).  Details (the domain XML) are read afterwards, only when asked, on
 * the listing's handles or by UUID on extra connections: never by name in a
 * loop, which is quadratic on ESX.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"

static void
libvirt_quiet(void *opaque, virErrorPtr err)
{
	/* Errors reach the user through cause, never through stderr. */
	(void)opaque;
	(void)err;
}

/*
 * Call once, before any thread touches libvirt.  logfile, if not NULL, gets
 * libvirt's own warnings (LIBVIRT_LOG_OUTPUTS in the environment wins).
 */
void
libvirt_init(const char *logfile)
{
	char *outputs;

	if (getenv("LIBVIRT_LOG_OUTPUTS") == NULL) {
		if (logfile != NULL)
			xasprintf(&outputs, "3:file:%s", logfile);
		else
			outputs = xstrdup("4:file:/dev/null");
		setenv("LIBVIRT_LOG_OUTPUTS", outputs, 1);
		free(outputs);
	}
	virSetErrorFunc(NULL, libvirt_quiet);
	if (virInitialize() != 0)
		fatalx("libvirt failed to initialise");
}

const char *
libvirt_last_error(void)
{
	const char *msg = virGetLastErrorMessage();

	return msg != NULL ? msg : "unknown libvirt error";
}

/*
 * Did the last connection fail because the server refused the credentials?
 * libvirt's ESX driver passes vSphere's fault on as an internal error:
 * "Login failure" (vcsim), "incorrect user name or password" (vCenter).
 */
static int
libvirt_refused(void)
{
	virErrorPtr err = virGetLastError();

	if (err == NULL)
		return 0;
	if (err->code == VIR_ERR_AUTH_FAILED)
		return 1;
	return err->message != NULL &&
	    (strstr(err->message, "Login failure") != NULL ||
	    strstr(err->message, "incorrect user name or password") != NULL);
}

/*
 * Credentials for one operation (a listing, its details on several
 * connections): asked or read once, shared by every connection under a
 * lock, so --connections 8 never prompts eight times, and wiped at the end.
 */
struct libvirt_auth {
	pthread_mutex_t	 lock;
	const char	*password_file;
	char		*password;
	char		*user;
	char		*error;		/* why the last callback gave up */
};

static void
libvirt_auth_init(struct libvirt_auth *auth, const char *password_file)
{
	memset(auth, 0, sizeof *auth);
	pthread_mutex_init(&auth->lock, NULL);
	auth->password_file = password_file;
}

static void
libvirt_auth_wipe(struct libvirt_auth *auth)
{
	if (auth->password != NULL) {
		explicit_bzero(auth->password, strlen(auth->password));
		free(auth->password);
	}
	free(auth->user);
	free(auth->error);
	pthread_mutex_destroy(&auth->lock);
}

static char *
read_password_file(const char *path, char **cause)
{
	char buf[4096], *nl;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cause_set(cause, "cannot read the password file %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (secret_file_check("password file", path, fd, cause) != 0) {
		close(fd);
		return NULL;
	}
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	/* virt-v2v wants no trailing newline; editors add one: drop one. */
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (nl != NULL && nl > buf && nl[-1] == '\r')
		nl[-1] = '\0';
	if (buf[0] == '\0') {
		cause_set(cause, "the password file %s is empty", path);
		return NULL;
	}
	nl = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return nl;
}

static volatile int libvirt_terminal = 1;

/*
 * May libvirt's credentials be asked on /dev/tty?  The console says no: its
 * screen owns the terminal and sources are read on worker threads, so a
 * prompt would be drawn over the screen and the keys typed for it shared
 * with the console's own loop.
 */
void
libvirt_use_terminal(int yes)
{
	libvirt_terminal = yes;
}

/* Ask on the controlling terminal, without echo.  NULL without one. */
static char *
prompt_tty(const char *prompt, int echo)
{
	struct termios old, raw;
	char buf[1024], *answer;
	FILE *tty;
	size_t n;
	int answered;

	if (!libvirt_terminal || (tty = fopen("/dev/tty", "r+e")) == NULL)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	if (!echo && tcgetattr(fileno(tty), &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &raw);
	} else
		echo = 1;
	answered = fgets(buf, sizeof buf, tty) != NULL;
	if (!echo) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	fclose(tty);
	if (!answered)
		return NULL;	/* end of input: no answer, not an empty one */
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	answer = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return answer;
}

static int
libvirt_auth_answer(struct libvirt_auth *auth, virConnectCredentialPtr cred)
{
	switch (cred->type) {
	case VIR_CRED_PASSPHRASE:
	case VIR_CRED_NOECHOPROMPT:
		if (auth->password == NULL && auth->password_file != NULL)
			auth->password = read_password_file(auth->password_file,
			    &auth->error);
		else if (auth->password == NULL)
			auth->password = prompt_tty(cred->prompt != NULL ?
			    cred->prompt : "Password: ", 0);
		if (auth->password == NULL) {
			if (auth->password_file == NULL && !libvirt_terminal)
				cause_set(&auth->error, "a password is needed and "
				    "the console never asks for one: give the "
				    "source a password file (mode 0600)");
			else if (auth->password_file == NULL)
				cause_set(&auth->error, "a password is needed and "
				    "there is no terminal to ask on: give "
				    "--password-file FILE");
			return -1;
		}
		cred->result = xstrdup(auth->password);
		break;
	case VIR_CRED_AUTHNAME:
	case VIR_CRED_USERNAME:
	case VIR_CRED_ECHOPROMPT:
		if (cred->defresult != NULL)
			cred->result = xstrdup(cred->defresult);
		else {
			if (auth->user == NULL)
				auth->user = prompt_tty(cred->prompt != NULL ?
				    cred->prompt : "User: ", 1);
			if (auth->user == NULL) {
				cause_set(&auth->error, "a user name is needed: "
				    "put it in the URI (vpx://USER@host/...)");
				return -1;
			}
			cred->result = xstrdup(auth->user);
		}
		break;
	default:
		cause_set(&auth->error, "libvirt asked for a kind of credential "
		    "virt-import does not know (%d)", cred->type);
		return -1;
	}
	cred->resultlen = (unsigned int)strlen(cred->result);
	return 0;
}

static int
libvirt_auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *data)
{
	struct libvirt_auth *auth = data;
	unsigned int i;
	int rc = 0;

	pthread_mutex_lock(&auth->lock);
	for (i = 0; i < ncred && rc == 0; i++)
		rc = libvirt_auth_answer(auth, &cred[i]);
	pthread_mutex_unlock(&auth->lock);
	return rc;
}

/* Open uri read-only with the operation's credentials. */
static virConnectPtr
libvirt_open(const char *uri, struct libvirt_auth *state, char **cause)
{
	static int types[] = {
		VIR_CRED_AUTHNAME, VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
		VIR_CRED_NOECHOPROMPT, VIR_CRED_ECHOPROMPT,
	};
	virConnectAuth auth = { types, sizeof types / sizeof *types,
	    libvirt_auth_cb, state };
	virConnectPtr conn;

	conn = virConnectOpenAuth(uri, &auth, VIR_CONNECT_RO);
	if (conn == NULL) {
		pthread_mutex_lock(&state->lock);
		if (state->error != NULL)
			cause_set(cause, "cannot connect to %s: %s", uri,
			    state->error);
		else if (libvirt_refused() && state->password_file != NULL)
			cause_set(cause, "cannot connect to %s: %s: the server "
			    "refused the user name or password: check the user "
			    "in the URI and fix the password in %s (its first "
			    "line is the password)", uri, libvirt_last_error(),
			    state->password_file);
		else if (libvirt_refused())
			cause_set(cause, "cannot connect to %s: %s: the server "
			    "refused the user name or password: check the user "
			    "in the URI and the password", uri,
			    libvirt_last_error());
		else
			cause_set(cause, "cannot connect to %s: %s", uri,
			    libvirt_last_error());
		pthread_mutex_unlock(&state->lock);
	}
	return conn;
}

static const struct {
	unsigned int	 flag;
	enum vm_power	 power;
} power_lists[] = {
	{ VIR_CONNECT_LIST_DOMAINS_RUNNING, VM_POWER_RUNNING },
	{ VIR_CONNECT_LIST_DOMAINS_PAUSED, VM_POWER_PAUSED },
	{ VIR_CONNECT_LIST_DOMAINS_SHUTOFF, VM_POWER_OFF },
	{ VIR_CONNECT_LIST_DOMAINS_OTHER, VM_POWER_UNKNOWN },
};

static void
flag_power(struct vm *vm)
{
	if (vm->power == VM_POWER_RUNNING || vm->power == VM_POWER_PAUSED ||
	    vm->power == VM_POWER_SUSPENDED)
		vm_add_problem(vm, PROBLEM_RUNNING, "'%s' is %s: shut it down "
		    "before converting it", vm->name, vm_power_name(vm->power));
}

static enum vm_power
libvirt_power(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return VM_POWER_RUNNING;
	case VIR_DOMAIN_PAUSED:
		return VM_POWER_PAUSED;
	case VIR_DOMAIN_PMSUSPENDED:
		return VM_POWER_SUSPENDED;
	case VIR_DOMAIN_SHUTOFF:
	case VIR_DOMAIN_CRASHED:
	case VIR_DOMAIN_SHUTDOWN:
		return VM_POWER_OFF;
	default:
		return VM_POWER_UNKNOWN;
	}
}

static struct vm *
vm_from_handle(virDomainPtr dom, enum vm_power power)
{
	const char *name = virDomainGetName(dom);
	struct vm *vm = vm_new(name != NULL ? name : "");

	if (virDomainGetUUIDString(dom, vm->uuid) != 0)
		vm->uuid[0] = '\0';
	vm->power = power;
	return vm;
}

/*
 * The names, UUIDs and power states of every domain: one bulk call per
 * state.  A driver that cannot filter by state gets one GetState per VM.
 */
static struct inventory *
libvirt_list_conn(virConnectPtr conn, const char *uri, char **cause)
{
	virDomainPtr *doms = NULL;
	struct inventory *inv;
	size_t k;
	int i, n, st, reason;

	inv = inventory_new();
	for (k = 0; k < sizeof power_lists / sizeof *power_lists; k++) {
		n = virConnectListAllDomains(conn, &doms, power_lists[k].flag);
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			inventory_add(inv, vm_from_handle(doms[i],
			    power_lists[k].power));
			virDomainFree(doms[i]);
		}
		free(doms);
		doms = NULL;
	}
	if (k == sizeof power_lists / sizeof *power_lists)
		goto done;

	/* No state filters here: list everything, ask each its state. */
	inventory_free(inv);
	inv = inventory_new();
	if ((n = virConnectListAllDomains(conn, &doms, 0)) < 0) {
		cause_set(cause, "cannot list the VMs of %s: %s", uri,
		    libvirt_last_error());
		inventory_free(inv);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		st = VIR_DOMAIN_NOSTATE;
		virDomainGetState(doms[i], &st, &reason, 0);
		inventory_add(inv, vm_from_handle(doms[i], libvirt_power(st)));
		virDomainFree(doms[i]);
	}
	free(doms);
done:
	for (k = 0; k < inv->nvms; k++)
		flag_power(inv->vms[k]);
	inventory_sort(inv);
	return inv;
}

struct inventory *
libvirt_list(const char *uri, const char *password_file, char **cause)
{
	struct libvirt_auth auth;
	struct inventory *inv = NULL;
	virConnectPtr conn;

	libvirt_auth_init(&auth, password_file);
	if ((conn = libvirt_open(uri, &auth, cause)) != NULL) {
		inv = libvirt_list_conn(conn, uri, cause);
		virConnectClose(conn);
	}
	libvirt_auth_wipe(&auth);
	return inv;
}

/*
 * A disk's virtual size and allocation.  A storage volume with the disk's
 * path answers for drivers that manage their storage (QEMU pools, the test
 * driver, ESX datastores: "[datastore] dir/disk.vmdk"); otherwise the QEMU
 * driver reads the image itself.  The test driver is not asked for block
 * info, because it answers with a fixed made-up size (unknown is better
 * than wrong), nor is ESX, which has no such call.
 *
 * ESX: the volume's size comes from a datastore search for the VMDK with
 * disk details, which a real host always fills in.  libvirt 9.0 reads them
 * unchecked (a server that leaves them out crashes StorageVolGetInfo; stock
 * vcsim 0.24 did, see tests/lab/vcsim-fixer).
 */
static void
libvirt_disk_size(virDomainPtr dom, struct disk *d)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	virStorageVolPtr vol;
	virStorageVolInfo vi;
	virDomainBlockInfo bi;
	const char *type = virConnectGetType(conn);

	if (type == NULL)
		return;
	if (d->path != NULL &&
	    (vol = virStorageVolLookupByPath(conn, d->path)) != NULL) {
		if (virStorageVolGetInfo(vol, &vi) == 0) {
			d->capacity = vi.capacity;
			d->allocation = vi.allocation;
		}
		virStorageVolFree(vol);
		if (d->capacity != 0)
			return;
	}
	if (strcasecmp(type, "TEST") == 0 || strcasecmp(type, "ESX") == 0 ||
	    d->target == NULL)
		return;
	if (virDomainGetBlockInfo(dom, d->target, &bi, 0) == 0) {
		d->capacity = bi.capacity;
		d->allocation = bi.allocation;
	}
}

/*
 * Read one domain's configuration into a new detailed vm that keeps what
 * the listing knew (power state).  On failure the listed vm gets a problem
 * and stays as it was.
 */
static struct vm *
libvirt_detail(virDomainPtr dom, struct vm *listed)
{
	struct vm *vm;
	char *xml, *cause = NULL;
	size_t i;
	int n;

	if ((xml = virDomainGetXMLDesc(dom, 0)) == NULL) {
		vm_add_problem(listed, PROBLEM_UNREADABLE, "cannot read the "
		    "configuration of '%s': %s", listed->name,
		    libvirt_last_error());
		return listed;
	}
	vm = domxml_parse(xml, strlen(xml), &cause);
	free(xml);
	if (vm == NULL) {
		vm_add_problem(listed, PROBLEM_UNREADABLE, "cannot read the "
		    "configuration of '%s': %s", listed->name, cause);
		free(cause);
		return listed;
	}
	vm->power = listed->power;
	flag_power(vm);
	for (i = 0; i < vm->ndisks; i++)
		libvirt_disk_size(dom, &vm->disks[i]);
	if ((n = virDomainSnapshotNum(dom, 0)) > 0) {
		vm->snapshots = (unsigned)n;
		vm_add_problem(vm, PROBLEM_SNAPSHOTS, "'%s' has %d snapshot%s: "
		    "only the current state is converted", vm->name, n,
		    n == 1 ? "" : "s");
	}
	vm_free(listed);
	return vm;
}

struct detail_work {
	virConnectPtr		 conn;		/* NULL: open one */
	const char		*uri;
	struct libvirt_auth	*auth;
	struct inventory	*inv;
	size_t			 first;		/* this worker's share: */
	size_t			 step;		/* first, first+step, ... */
	char			*error;
};

static void *
detail_worker(void *arg)
{
	struct detail_work *w = arg;
	virConnectPtr conn;
	virDomainPtr dom;
	struct vm *vm;
	size_t i;

	conn = w->conn;
	if (conn == NULL &&
	    (conn = libvirt_open(w->uri, w->auth, &w->error)) == NULL)
		return NULL;
	for (i = w->first; i < w->inv->nvms; i += w->step) {
		vm = w->inv->vms[i];
		if (vm->uuid[0] != '\0')
			dom = virDomainLookupByUUIDString(conn, vm->uuid);
		else
			dom = virDomainLookupByName(conn, vm->name);
		if (dom == NULL) {
			vm_add_problem(vm, PROBLEM_UNREADABLE, "'%s' "
			    "disappeared from the source while it was read: "
			    "list it again", vm->name);
			continue;
		}
		/* Each worker owns its indices: no lock needed. */
		w->inv->vms[i] = libvirt_detail(dom, vm);
		virDomainFree(dom);
	}
	if (w->conn == NULL)
		virConnectClose(conn);
	return NULL;
}

/*
 * Read the configuration of every VM of inv, on nconns connections at once
 * (worth it only for latency-bound sources such as vCenter: one connection
 * serialises its HTTP calls).  conn, when not NULL, serves as the first of
 * them: opening a connection can cost more than reading every VM.  Then
 * check MACs across the inventory.
 */
static int
libvirt_details_conn(virConnectPtr conn, const char *uri,
    struct libvirt_auth *auth, struct inventory *inv, unsigned nconns,
    char **cause)
{
	struct detail_work *work;
	pthread_t *threads;
	size_t i, n;
	int rc = 0;

	n = nconns == 0 ? 1 : nconns;
	if (n > inv->nvms)
		n = inv->nvms;
	if (n == 0)
		return 0;
	work = xcalloc(n, sizeof *work);
	threads = xcalloc(n, sizeof *threads);
	for (i = 0; i < n; i++) {
		work[i].conn = i == 0 ? conn : NULL;
		work[i].uri = uri;
		work[i].auth = auth;
		work[i].inv = inv;
		work[i].first = i;
		work[i].step = n;
	}
	for (i = 1; i < n; i++) {
		if (pthread_create(&threads[i], NULL, detail_worker,
		    &work[i]) != 0)
			fatalx("pthread_create: %s", strerror(errno));
	}
	detail_worker(&work[0]);
	for (i = 1; i < n; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < n; i++) {
		if (work[i].error != NULL && rc == 0) {
			cause_set(cause, "%s", work[i].error);
			rc = -1;
		}
		free(work[i].error);
	}
	free(work);
	free(threads);
	inventory_check_macs(inv);
	return rc;
}

int
libvirt_details(const char *uri, const char *password_file,
    struct inventory *inv, unsigned nconns, char **cause)
{
	struct libvirt_auth auth;
	int rc;

	libvirt_auth_init(&auth, password_file);
	rc = libvirt_details_conn(NULL, uri, &auth, inv, nconns, cause);
	libvirt_auth_wipe(&auth);
	return rc;
}

/* List a source and, with details, read every VM, on one first connection. */
struct inventory *
libvirt_read(const char *uri, const char *password_file, int details,
    unsigned nconns, char **cause)
{
	struct libvirt_auth auth;
	struct inventory *inv = NULL;
	virConnectPtr conn;

	libvirt_auth_init(&auth, password_file);
	if ((conn = libvirt_open(uri, &auth, cause)) == NULL)
		goto out;
	inv = libvirt_list_conn(conn, uri, cause);
	if (inv != NULL && details && libvirt_details_conn(conn, uri, &auth,
	    inv, nconns, cause) != 0) {
		inventory_free(inv);
		inv = NULL;
	}
	virConnectClose(conn);
out:
	libvirt_auth_wipe(&auth);
	return inv;
}

/*
 * The same read in parts, for a console that shows VMs as they come:
 * each(arg, part) gets first the list (names, UUIDs, states; detailed is 0)
 * and then the VMs again with their configuration, a few at a time.  Each
 * part is each's to keep.  each returns non-zero to stop the read there.
 */
int
libvirt_read_each(const char *uri, const char *password_file, unsigned nconns,
    int (*each)(void *, struct inventory *), void *arg, char **cause)
{
	struct libvirt_auth auth;
	struct inventory *all, *list, *part;
	virConnectPtr conn;
	size_t i, k, chunk = 10;
	int rc = -1;

	libvirt_auth_init(&auth, password_file);
	if ((conn = libvirt_open(uri, &auth, cause)) == NULL)
		goto out;
	if ((all = libvirt_list_conn(conn, uri, cause)) == NULL)
		goto close;
	list = inventory_new();
	for (i = 0; i < all->nvms; i++) {
		struct vm *vm = inventory_add(list, vm_new(all->vms[i]->name));

		memcpy(vm->uuid, all->vms[i]->uuid, sizeof vm->uuid);
		vm->power = all->vms[i]->power;
	}
	if (each(arg, list) != 0) {
		rc = 0;
		goto free;
	}
	for (i = 0; i < all->nvms; i += k) {
		part = inventory_new();
		for (k = 0; k < chunk && i + k < all->nvms; k++) {
			inventory_add(part, all->vms[i + k]);
			all->vms[i + k] = NULL;
		}
		if (libvirt_details_conn(conn, uri, &auth, part, nconns,
		    cause) != 0) {
			inventory_free(part);
			goto free;
		}
		if (each(arg, part) != 0)
			break;
		/* Small first, so the first screen fills at once. */
		if (chunk < 50)
			chunk *= 2;
	}
	rc = 0;
free:
	inventory_free(all);
close:
	virConnectClose(conn);
out:
	libvirt_auth_wipe(&auth);
	return rc;
}

/* One VM, by name, with its configuration. */
struct vm *
libvirt_inspect(const char *uri, const char *password_file, const char *name,
    char **cause)
{
	struct libvirt_auth auth;
	virConnectPtr conn;
	virDomainPtr dom;
	struct vm *vm;
	int st = VIR_DOMAIN_NOSTATE, reason;

	libvirt_auth_init(&auth, password_file);
	conn = libvirt_open(uri, &auth, cause);
	libvirt_auth_wipe(&auth);
	if (conn == NULL)
		return NULL;
	if ((dom = virDomainLookupByName(conn, name)) == NULL) {
		cause_set(cause, "%s has no VM named '%s': run 'virt-import "
		    "list' to see the names", uri, name);
		virConnectClose(conn);
		return NULL;
	}
	virDomainGetState(dom, &st, &reason, 0);
	vm = libvirt_detail(dom, vm_from_handle(dom, libvirt_power(st)));
	if (!vm->detailed) {
		cause_set(cause, "%s", vm->nproblems > 0 ?
		    vm->problems[vm->nproblems - 1].text : "cannot read it");
		vm_free(vm);
		vm = NULL;
	}
	virDomainFree(dom);
	virConnectClose(conn);
	return vm;
}
