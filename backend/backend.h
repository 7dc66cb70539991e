/*
 * backend.h: the one header of virt-import's backend.
 *
 * The backend knows sources, inventories, plans, proxies and jobs.  It never
 * includes curses and never prints: front ends (tui/, cli/) render what it
 * returns.  Sections follow the files, and every function carries its file's
 * prefix.
 *
 * Conventions (docs/architecture.md):
 * - Allocation: x-functions (xmalloc.c) never return NULL; running out of
 *   memory aborts with a message.  Every *_new() has a *_free() that accepts
 *   NULL.
 * - Errors: a call that can fail for a reason the user must hear returns -1
 *   (or NULL) and, when its `char **cause` is not NULL, stores there an
 *   allocated message the caller frees.  A message names what failed and says
 *   what to do; it does not end with a full stop or a newline.
 * - Strings in structs are owned by the struct and freed with it.
 */
#ifndef VI_BACKEND_H
#define VI_BACKEND_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define VI_VERSION "0.1.0"

#define VI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define VI_NORETURN __attribute__((noreturn))

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) VI_PRINTF(2, 3);
int xvasprintf(char **, const char *, va_list) VI_PRINTF(2, 0);
void fatalx(const char *, ...) VI_PRINTF(1, 2) VI_NORETURN;
void *xappend(void *, size_t *, size_t);

/* cause.c */
void cause_set(char **, const char *, ...) VI_PRINTF(2, 3);
void cause_prefix(char **, const char *, ...) VI_PRINTF(2, 3);

/* util.c */
#define STR_DISTANCE_MAX 64
size_t str_distance(const char *, const char *, size_t);
int name_valid(const char *, const char *, char **);
int secret_file_check(const char *, const char *, int, char **);
int mac_normalize(const char *, char[18]);
int uuid_valid(const char *);
const char *size_human(uint64_t, char *, size_t);
int str_eq(const char *, const char *);
char *path_state_dir(char **);
char *path_config_dir(char **);
int path_inside(const char *);
int pread_full(int, void *, size_t, uint64_t);

/* embedded.c: files compiled into the binary (scripts/embed). */
const char *embedded_find(const char *, size_t *);
const char *embedded_path(size_t);

/* vm.c: one virtual machine as a source describes it. */
enum vm_power {
	VM_POWER_UNKNOWN,
	VM_POWER_OFF,
	VM_POWER_RUNNING,
	VM_POWER_PAUSED,
	VM_POWER_SUSPENDED,
};

enum vm_firmware {
	VM_FIRMWARE_UNKNOWN,
	VM_FIRMWARE_BIOS,
	VM_FIRMWARE_UEFI,
};

enum disk_format {
	DISK_FORMAT_UNKNOWN,
	DISK_FORMAT_RAW,
	DISK_FORMAT_QCOW2,
	DISK_FORMAT_VMDK,
	DISK_FORMAT_VHD,
	DISK_FORMAT_VDI,
};

enum disk_alloc {
	DISK_ALLOC_SPARSE,
	DISK_ALLOC_PREALLOCATED,
};

struct disk {
	char		*path;		/* as the source names it */
	char		*datastore;	/* VMware datastore or pool; may be NULL */
	char		*target;	/* guest device: sda, vda, xvda, hda */
	char		*bus;		/* scsi, sata, ide, virtio, xen, ... */
	enum disk_format format;
	uint64_t	 capacity;	/* bytes; 0 when unknown */
	uint64_t	 allocation;	/* bytes in use; 0 when unknown */
};

enum nic_kind {
	NIC_NETWORK,	/* a libvirt network or a VMware port group */
	NIC_BRIDGE,	/* a host bridge (OVA NICs arrive as these) */
};

struct nic {
	char		 mac[18];	/* aa:bb:cc:dd:ee:ff, or "" when unset */
	enum nic_kind	 kind;
	char		*network;	/* network, bridge or port group */
	char		*model;		/* e1000, vmxnet3, virtio, ... */
};

enum problem_code {
	PROBLEM_RUNNING,	/* must be shut off before conversion */
	PROBLEM_DUPLICATE_MAC,	/* a MAC another VM of the inventory has */
	PROBLEM_UNSUPPORTED_DISK,
	PROBLEM_SNAPSHOTS,	/* only the current state is converted */
	PROBLEM_NO_DISKS,
	PROBLEM_UNREADABLE,	/* its configuration could not be read */
	PROBLEM_DUPLICATE_NAME,	/* another VM of the source has its name */
};

struct problem {
	enum problem_code code;
	char		*text;		/* what is wrong and what to do */
};

struct vm {
	char		*name;
	char		 uuid[37];	/* "" when unknown */
	enum vm_power	 power;
	uint64_t	 memory;	/* bytes */
	unsigned	 vcpus;
	enum vm_firmware firmware;
	char		*arch;		/* x86_64, i686, ...; NULL unknown */
	char		*os;		/* the source's OS hint; NULL unknown */
	char		*origin;	/* its file within a dir: source */
	unsigned	 snapshots;
	int		 detailed;	/* configuration read, not just listed */

	struct disk	*disks;
	size_t		 ndisks;
	struct nic	*nics;
	size_t		 nnics;
	struct problem	*problems;
	size_t		 nproblems;
};

struct vm *vm_new(const char *);
void vm_free(struct vm *);
struct disk *vm_add_disk(struct vm *);
struct nic *vm_add_nic(struct vm *);
void vm_add_problem(struct vm *, enum problem_code, const char *, ...)
    VI_PRINTF(3, 4);
int vm_has_problem(const struct vm *, enum problem_code);
uint64_t vm_capacity(const struct vm *);
const char *vm_power_name(enum vm_power);
const char *vm_firmware_name(enum vm_firmware);
const char *disk_format_name(enum disk_format);
enum disk_format disk_format_parse(const char *);
const char *problem_code_name(enum problem_code);
const char *vm_power_token(enum vm_power);

/* inventory.c: the VMs one source holds. */
struct inventory {
	struct vm	**vms;
	size_t		  nvms;
};

struct inventory *inventory_new(void);
void inventory_free(struct inventory *);
struct vm *inventory_add(struct inventory *, struct vm *);
struct vm *inventory_find(const struct inventory *, const char *);
size_t inventory_check_macs(struct inventory *);
void inventory_sort(struct inventory *);
size_t inventory_check_names(struct inventory *);

/* source.c: where VMs come from. */
enum source_kind {
	SOURCE_LIBVIRT,		/* vpx://, esx://, xen+ssh://, qemu..., test:// */
	SOURCE_OVA,		/* ova:PATH, a tar or an OVF directory */
	SOURCE_VMX,		/* vmx:PATH */
	SOURCE_XML,		/* xml:PATH, libvirt domain XML + disks */
	SOURCE_DIR,		/* dir:PATH, scanned for all of the above */
	SOURCE_EXPORT,		/* export:PATH, an oVirt export domain */
	SOURCE_PROVIDER,	/* a saved provider's name, to resolve */
};

struct source {
	enum source_kind kind;
	char		*name;		/* provider name; NULL if unsaved */
	char		*location;	/* URI or path */
	char		*password_file;	/* credentials reference, never a secret */
	unsigned	 connections;	/* for details; 0: one */
	int		 verify;	/* check OVA manifests while reading */
};

struct source *source_parse(const char *, char **);
void source_free(struct source *);
const char *source_kind_name(enum source_kind);
int source_is_vmware(const struct source *);
int source_resolve(struct source *, char **);
struct inventory *source_read(struct source *, int, char **);
struct vm *source_inspect(struct source *, const char *, char **);
int source_read_each(struct source *, int (*)(void *, struct inventory *),
    void *, char **);

/* store.c: small state files, locked and replaced atomically. */
struct json_object;
char *store_path(const char *, char **);
int store_lock(const char *, char **);
int store_unchanged(const char *, const char *, int, int, char **);
char *store_read(const char *, char **, char **);
char *store_read_path(const char *, size_t, char **);
int store_write(const char *, const char *, char **);
int store_write_path(const char *, const char *, char **);
struct json_object *store_parse(const char *, int, const char *,
    struct json_object **, char **);

/* provider.c: saved sources. */
struct provider {
	char		*name;
	char		*spec;		/* as source_parse() takes it */
	char		*password_file;	/* a path, never the password */
	unsigned	 connections;
};
struct provider *provider_parse(const char *, size_t *, char **);
struct provider *provider_load(size_t *, char **);
void provider_list_free(struct provider *, size_t);
int provider_same(const struct provider *, const struct provider *);
int provider_add(const struct provider *, int, const struct provider *,
    char **);
int provider_remove(const char *, char **);
struct source *provider_source(const char *, char **);

/* proxy.c: a host that runs virt-v2v, reached over SSH. */
struct proxy {
	char		*name;
	char		*host;
	unsigned	 port;		/* 22 by default */
	char		*user;
	char		*key_file;	/* NULL: ssh-agent */
	char		*ssh_alias;	/* a ~/.ssh/config Host; may be NULL */
	char		*job_dir;	/* remote directory for job dirs */
	unsigned	 max_jobs;	/* concurrent conversions */
	char		*known_hosts;	/* NULL: ours (ssh.c) */
	char	       **env;		/* NAME=VALUE for virt-v2v there:
					   VIRT_V2V_TMPDIR, VIRTIO_WIN, ... */
	size_t		 nenv;
	int		 local;		/* this machine, no SSH */
};

struct proxy *proxy_new(const char *);
struct proxy *proxy_new_local(void);
void proxy_free(struct proxy *);
int proxy_validate(const struct proxy *, char **);
int proxy_env_valid(const char *, char **);
void proxy_add_env(struct proxy *, const char *);

/* localproxy.c: this machine as the proxy "local", over sshd -i. */
char *localproxy_prepare(struct proxy *, char **);
char *localproxy_log(char **);

/* proxystore.c: saved proxies ($XDG_CONFIG_HOME/virt-import/proxies.json). */
struct proxy **proxy_parse(const char *, size_t *, char **);
struct proxy **proxy_load(size_t *, char **);
void proxy_list_free(struct proxy **, size_t);
int proxy_same(const struct proxy *, const struct proxy *);
int proxy_add(const struct proxy *, int, const struct proxy *, char **);
int proxy_remove(const char *, char **);
struct proxy *proxy_find(const char *, char **);

/* ssh.c: SSH sessions to proxies (libssh 0.10), one exec channel a command. */
#define SSHC_OUTPUT_MAX	(1024 * 1024)	/* kept of stdout and of stderr */
#define SSHC_CONNECT_TIMEOUT 15		/* s, connect and log-in */
struct sshc;
struct sshc_result {
	char		*out;		/* NUL-terminated, may hold NULs */
	size_t		 out_len;
	char		*err;
	size_t		 err_len;
	int		 truncated;	/* more than SSHC_OUTPUT_MAX came */
	int		 status;	/* exit status, -1 when killed */
	char		*signal;	/* the signal's name when killed */
};
/*
 * A host key sshc_connect refused, as data, so that a front end asks about
 * exactly the key that was refused (sshc_refusal, per thread).
 */
enum hostkey_state {
	HOSTKEY_OTHER,		/* no host key was refused */
	HOSTKEY_UNKNOWN,	/* not in known_hosts: may be accepted */
	HOSTKEY_CHANGED		/* differs from known_hosts: never */
};
struct hostkey_refusal {
	enum hostkey_state state;
	char		*fingerprint;	/* SHA256:... */
	char		*type;		/* ssh-ed25519, ... */
	char		*host;		/* host:port as connected to */
};
struct sshc *sshc_connect(const struct proxy *, const char *, char **);
enum hostkey_state sshc_refusal(struct hostkey_refusal *);
void hostkey_refusal_clear(struct hostkey_refusal *);
void sshc_close(struct sshc *);
int sshc_dropped(void);
int sshc_lost(struct sshc *);
void sshc_use_terminal(int);
int sshc_fd(const struct sshc *);
const char *sshc_fingerprint(const struct sshc *);
void *sshc_session(struct sshc *);
const char *sshc_where(const struct sshc *);
char *sshc_known_hosts_path(const struct proxy *, char **);
char *sshc_quote(const char *, size_t, char **);
char *sshc_command(const char *const *, char **);
int sshc_run(struct sshc *, const char *const *, unsigned,
    struct sshc_result *, char **);
void sshc_result_free(struct sshc_result *);
char *sshc_base64(const unsigned char *, size_t);


/*
 * upload.c: files to a proxy over SFTP: NAME.part, renamed to NAME once the
 * proxy's sha256sum matches ours; a .part left behind is continued.
 */
#define UPLOAD_TIMEOUT	60		/* s the proxy may stay silent */
struct upload_progress {
	void		(*fn)(void *, const char *, uint64_t, uint64_t);
	void		*arg;		/* fn(arg, local file, done, total) */
	unsigned	 timeout;	/* s; 0: UPLOAD_TIMEOUT */
	const char	*room;		/* how to get a folder with room, for
					   "full"; NULL: a job folder */
};
struct upload_result {
	char		*local;
	char		*remote;
	uint64_t	 size;
	uint64_t	 sent;		/* bytes that crossed the network */
	uint64_t	 resumed_at;	/* size of the .part continued */
	uint64_t	 msec;		/* how long it took */
	char		 sha256[65];	/* of the file, as both ends saw it */
	int		 resumed;	/* a .part was continued */
	int		 restarted;	/* ... failed the check: copied again */
	int		 skipped;	/* already there with the same sha256 */
};
int upload_file(struct sshc *, const char *, const char *, const char *,
    struct upload_progress *, struct upload_result *, char **);
int upload_source(struct sshc *, const char *, const char *,
    struct upload_progress *, struct upload_result **, size_t *, char **);
void upload_result_clear(struct upload_result *);
void upload_results_free(struct upload_result *, size_t);
int upload_parse_sum(const char *, char[65], char **);
char **upload_names(const char *const *, size_t, char **);
void upload_names_free(char **, size_t);
char *upload_xml_rewrite(const char *, size_t, const char *const *,
    const char *const *, size_t, size_t *, char **);

/*
 * sshmux.c: many commands at once on one SSH session, stepped from the
 * caller's poll() loop.  done is called exactly once per command (error
 * NULL: it ran and ended with status/signal); callbacks may start commands
 * but must not free the engine.
 */
struct sshm;
struct sshm_chan;
struct sshm_exit {
	const char	*error;		/* the session failed: why */
	int		 status;	/* exit status, -1 when killed */
	const char	*signal;	/* the signal's name when killed */
};
struct sshm_ops {
	void	(*data)(void *, int, const char *, size_t); /* stream 0/1 */
	void	(*done)(void *, const struct sshm_exit *);
};
struct sshm *sshm_new(struct sshc *, unsigned);
void sshm_free(struct sshm *);
struct sshc *sshm_sshc(struct sshm *);
struct sshm_chan *sshm_exec(struct sshm *, const char *const *,
    const struct sshm_ops *, void *, char **);
void sshm_abandon(struct sshm_chan *);
int sshm_fd(const struct sshm *);
short sshm_events(const struct sshm *);
int sshm_timeout(const struct sshm *);
int sshm_step(struct sshm *, int);
int sshm_run(struct sshm *);
int sshm_dead(const struct sshm *);
const char *sshm_error(const struct sshm *);
size_t sshm_count(const struct sshm *);

/* rjob.c: remote jobs on a proxy that outlive the SSH connection. */
enum rjob_state {
	RJOB_RUNNING,
	RJOB_DONE,		/* exit status 0 */
	RJOB_FAILED,		/* another exit status */
	RJOB_CANCELLED,
	RJOB_LOST		/* gone without an exit status */
};
struct rjob {
	char		*id;
	char		*proxy;		/* the proxy's name */
	char		*dir;		/* the job's folder on the proxy */
	char		*command;	/* as run, quoted (paths, no secrets) */
	int64_t		 pid;		/* of the leader, on the proxy */
	char		*starttime;	/* its /proc start time */
	char		*mode;		/* "setsid" or "systemd-run" */
	enum rjob_state	 state;
	int		 rc;
	char		*error;
	int64_t		 created;
	int64_t		 ended;
	uint64_t	 log_read;	/* bytes of the log copied here */
};
struct rjob_secret {
	const char	*name;		/* file name under secrets/ */
	const char	*data;
	size_t		 len;
};
struct rjob_follow;
struct rjob_follow_ops {
	void	(*log)(void *, struct rjob *, const char *, size_t);
	void	(*end)(void *, struct rjob *, int, const char *);
};
const char *rjob_state_name(enum rjob_state);
char *rjob_new_id(void);
int rjob_id_valid(const char *);
char *rjob_remote_dir(const struct proxy *, const char *);
char *rjob_secret_path(const char *, const char *);
int rjob_secret_name_valid(const char *, char **);
char *rjob_log_path(const char *, char **);
struct rjob *rjob_start(struct sshc *, const struct proxy *, const char *,
    const char *const *, const struct rjob_secret *, size_t,
    const char *const *, char **);
int rjob_save(const struct rjob *, char **);
struct rjob *rjob_load(const char *, char **);
struct rjob **rjob_list(size_t *, char **);
void rjob_list_free(struct rjob **, size_t);
void rjob_free(struct rjob *);
struct rjob_follow *rjob_follow_start(struct sshm *, struct rjob *, unsigned,
    const struct rjob_follow_ops *, void *, char **);
void rjob_follow_free(struct rjob_follow *);
int rjob_cancel(struct sshc *, struct rjob *, char **);
int rjob_remove(struct sshc *, struct rjob *, char **);

/* probe.c: what a proxy can convert, from commands run on it. */
enum probe_level {
	PROBE_OK,
	PROBE_WARN,
	PROBE_FAIL
};
struct probe_item {
	char		*name;		/* "nbdcopy", or a source/output kind */
	enum probe_level level;
	char		*text;		/* what was found, or what to do */
};
struct probe {
	char		*fingerprint;	/* of the proxy's host key */
	char		*version;	/* NULL: no virt-v2v */
	char	       **caps;		/* --machine-readable tokens */
	size_t		 ncaps;
	char		*nbdcopy;	/* paths, NULL when absent */
	char		*nbdkit;
	int		 curl_plugin;
	int		 vddk_plugin;
	char		*job_dir;
	int64_t		 job_free;	/* bytes, -1 unknown */
	char		*tmp_dir;
	int64_t		 tmp_free;
	double		 load[3];	/* -1 unknown */
	long		 uid;		/* -1 unknown */
	int		 sudo;		/* 1 without password, 0 with, -1 none */
	struct probe_item *checks;	/* one line per capability */
	size_t		 nchecks;
	struct probe_item *verdicts;	/* one per source and output kind */
	size_t		 nverdicts;
};
#define PROBE_TMP_MIN	(2LL * 1024 * 1024 * 1024)
int probe_parse_caps(const char *, char ***, size_t *, char **);
int probe_has(const struct probe *, const char *);
char *probe_parse_version(const char *);
int64_t probe_parse_df(const char *, char **);
int probe_parse_loadavg(const char *, double[3], char **);
long probe_parse_uid(const char *, char **);
int probe_parse_sudo(int, const char *);
char *probe_parse_command_v(const char *, const char *);
char *probe_parse_plugindir(const char *);
int probe_parse_has_line(const char *, const char *);
struct probe *probe_new(void);
void probe_judge(struct probe *);
struct probe *probe_run(const struct proxy *, const char *, char **);
void probe_free(struct probe *);

/* plan.c: what to import, where, and how. */
enum output_kind {
	OUTPUT_LOCAL,		/* -o local -os DIR */
	OUTPUT_LIBVIRT,		/* -o libvirt -oc URI -os POOL */
	OUTPUT_OVIRT_UPLOAD,	/* -o rhv-upload: engine API + data domain */
	OUTPUT_OVIRT_EXPORT,	/* -o rhv -os nfs:...: export domain */
};

struct netmap {
	char		*from;		/* source network, bridge or port group */
	char		*to;		/* destination network or bridge */
	enum nic_kind	 to_kind;
};

/* One NIC chosen by its MAC: wins over the network mappings (--mac). */
struct nicmap {
	char		 mac[18];	/* aa:bb:cc:dd:ee:ff */
	char		*to;		/* network or bridge; NULL with ip */
	enum nic_kind	 to_kind;
	char		*ip;		/* "ADDR,GW,LEN[,NS,...]": static IP
					   set in a Windows guest; NULL */
};

struct plan_item {
	char		*vm;		/* the source VM's name */
	char		*target;	/* name at the destination */
	char		*proxy;		/* NULL: the plan's */
	char		*storage;	/* NULL: the destination's */
	char	       **disk_storage;	/* per disk (source order); an entry
					   NULL or past the end: storage */
	size_t		 ndisk_storage;
	enum disk_format format;
	enum disk_alloc	 alloc;
	uint64_t	 bandwidth;	/* bits/s; 0: the plan's */
	struct netmap	*netmaps;
	size_t		 nnetmaps;
	struct nicmap	*nics;
	size_t		 nnics;
	int		 locked;	/* a job is converting it */
};

/*
 * Where converted VMs go, as the proxy sees it (virt-v2v runs there): the
 * directory, the libvirt URI and the NFS export are the proxy's.  Files
 * named here (CA, password) are read on this machine and reach the proxy
 * as job secrets.
 */
struct destination {
	enum output_kind kind;
	char		*uri;		/* libvirt URI (-oc) or engine API URL */
	char		*storage;	/* directory, pool, storage domain, or
					   HOST:/PATH or a mounted folder
					   (export domain, as -o rhv -os
					   takes it) */
	char		*cluster;	/* oVirt cluster */
	char		*ca_file;	/* oVirt engine CA (PEM), local path */
	char		*password_file;	/* oVirt engine password, local path */
};

#define PLAN_VERSION	1		/* of the JSON form, virt-import-plan(5) */
#define PLAN_VMWARE_HOST_LIMIT 20	/* transfers an ESXi host handles */

struct plan {
	struct source	*source;
	int		 source_on_proxy; /* paths are the proxy's: no upload */
	char		*proxy;		/* proxy name, or "any" */
	struct destination dest;
	struct netmap	*netmaps;	/* defaults for every item */
	size_t		 nnetmaps;
	char		*default_network; /* for unmapped NICs; NULL: error */
	enum nic_kind	 default_kind;
	enum disk_format format;
	enum disk_alloc	 alloc;
	uint64_t	 bandwidth;	/* bits/s per conversion; 0 unlimited */
	unsigned	 host_limit;	/* conversions at once per source host;
					   0: PLAN_VMWARE_HOST_LIMIT for VMware,
					   no limit otherwise */
	int		 debug;		/* virt-v2v -v -x */
	struct plan_item *items;
	size_t		 nitems;
};

struct plan *plan_new(void);
void plan_free(struct plan *);
struct plan_item *plan_add(struct plan *, const char *, char **);
struct plan_item *plan_find(struct plan *, const char *);
void plan_remove(struct plan *, size_t);
void plan_map(struct netmap **, size_t *, const char *, const char *,
    enum nic_kind);
const struct netmap *plan_network_for(const struct plan *,
    const struct plan_item *, const char *);
int plan_lock(struct plan_item *, char **);
void plan_unlock(struct plan_item *);
const char *output_kind_name(enum output_kind);
int output_kind_parse(const char *, enum output_kind *);
const char *plan_item_storage(const struct plan *, const struct plan_item *,
    size_t);

/* planjson.c: plans as JSON files (docs/virt-import-plan.5). */
#define PLANJSON_MAX	(16 * 1024 * 1024)	/* bytes of a plan file */
struct plan *planjson_parse(const char *, size_t, char **);
struct plan *planjson_read(const char *, char **);
struct json_object *planjson_plan(const struct plan *);
char *planjson_string(const struct plan *);

/*
 * v2vargv.c: the exact virt-v2v command for one plan item, a pure function.
 * Words that stand for files on the proxy come in through v2v_where; the
 * argv never holds a secret, only the paths of files that do.
 */
struct v2v_where {
	const char	*input;		/* OVA/XML/VMX/disk path on the proxy;
					   NULL: the plan's source path */
	const char	*source_password; /* -ip PATH, or NULL */
	const char	*dest_password;	/* -op PATH (oVirt upload) */
	const char	*dest_ca;	/* -oo rhv-cafile=PATH */
	const char	*const *env;	/* NAME=VALUE words put before
					   virt-v2v with env(1); may be NULL */
};
char **v2v_argv(const struct plan *, const struct plan_item *,
    const struct vm *, const struct v2v_where *, char **);
void v2v_argv_free(char **);

/*
 * v2vlog.c: virt-v2v's output (stdout and stderr in one stream, with
 * --machine-readable JSON lines) turned into progress, a pure parser fed
 * bytes as they come.  Lines end at \n or \r (nbdcopy redraws its bar).
 */
#define V2VLOG_PHASE	0x01		/* what v2vlog_feed() reports changed */
#define V2VLOG_DISK	0x02
#define V2VLOG_PERCENT	0x04
#define V2VLOG_WARNING	0x08
#define V2VLOG_ERROR	0x10
struct v2vlog {
	char		*phase;		/* the last status line, "" none */
	double		 elapsed;	/* s, from its [ NNN.N] stamp */
	unsigned	 disk;		/* being copied, 1-based; 0 not yet */
	unsigned	 ndisks;
	int		 percent;	/* of that disk; -1 unknown */
	char		*error;		/* virt-v2v's own error text; NULL */
	char	       **warnings;
	size_t		 nwarnings;
	int		 copied;	/* "Creating output metadata" seen */
	char		*helper;	/* the first error nbdkit or nbdcopy
					   printed (virt-v2v's own may only
					   say "see earlier"); NULL */
	/* private */
	char		*line;
	size_t		 len;
	size_t		 cap;
	int		 in_error;	/* continuation lines of the error */
	int		 skip;		/* the rest of an over-long line */
};
struct v2vlog *v2vlog_new(void);
void v2vlog_free(struct v2vlog *);
int v2vlog_feed(struct v2vlog *, const char *, size_t);
int v2vlog_end(struct v2vlog *);
int v2vlog_percent(const struct v2vlog *);
char *v2vlog_error_text(const struct v2vlog *);

/*
 * preflight.c: every reason a plan would fail, found before a byte is
 * copied.  The judge is pure: facts in, results out.  A check that finds
 * nothing wrong gives one OK result; one that does gives one result per
 * thing to fix (a NIC, a disk, a clash), each naming the VM.  Order: the
 * plan-wide checks ("plan", "credentials", "destination", then "storage"
 * per storage in order of first use), then each item in plan order with
 * "source", "power", "name", "network", "mac", "storage", "firmware",
 * "proxy".
 */
enum pf_level {
	PF_OK,
	PF_WARN,
	PF_FAIL
};
struct pf_result {
	char		*vm;		/* the source VM; NULL: the whole plan */
	char		*check;		/* "power", "name", "network", ... */
	enum pf_level	 level;
	char		*text;		/* what was found, or what to do */
};
struct pf_proxy {			/* one proxy as the plan would use it */
	const char	*name;
	const struct probe *probe;	/* NULL: could not be reached */
	const char	*error;		/* why not */
	unsigned	 max_jobs;	/* its conversions at once; 0 unknown */
};
struct pf_store {			/* a folder or pool, from a proxy */
	const char	*name;		/* as the plan names it */
	int		 usable;	/* 1 yes, 0 no (error says why), -1
					   not known (error says why) */
	const char	*error;
	int64_t		 free_bytes;	/* -1 unknown */
	const char	*const *names;	/* targets whose files are there */
	size_t		 nnames;
};
struct pf_dest {			/* the destination, seen from a proxy */
	int		 reached;	/* 1 inspected; 0 unusable (error says
					   why: FAIL for local and libvirt);
					   -1 not inspected (error says why) */
	const char	*error;
	const char	*const *names;	/* VM names already there */
	size_t		 nnames;
	int64_t		 free_bytes;	/* in plan->dest.storage when no
					   store names it; -1 unknown */
	int		 uefi;		/* 1 can boot UEFI, 0 not, -1 unknown */
	const char	*uefi_note;	/* what decided uefi; may be NULL */
	int		 kvm;		/* libvirt runs KVM guests: 1, 0 not,
					   -1 unknown; read when reached */
	const struct pf_store *stores;	/* per storage the plan names */
	size_t		 nstores;
};
struct pf_facts {
	const struct vm	*const *vms;	/* per plan item, NULL: not found */
	const char	*const *vm_errors; /* why not, per plan item */
	const struct pf_proxy *proxies;
	size_t		 nproxies;
	const struct pf_dest *dest;	/* NULL: not inspected */
	int		 source_password; /* readable: 1; by others too: -1 */
	int		 dest_password;
};
#define PF_TIMEOUT	60		/* s a proxy may stay silent */
struct pf_result *preflight_judge(const struct plan *, const struct pf_facts *,
    size_t *);
void preflight_free(struct pf_result *, size_t);
int preflight_failed(const struct pf_result *, size_t);
const char *pf_level_name(enum pf_level);

/*
 * pfgather.c: the facts preflight_judge needs, gathered from the source and
 * the proxies (blocking: SSH).  f->facts points into the struct.
 */
struct pf_gather {
	struct vm	**vms;		/* per plan item, NULL: not found */
	char		**vm_errors;
	struct probe	**probes;	/* per proxy name */
	char		**probe_errors;
	struct pf_proxy	*proxies;
	char		**names;
	size_t		 nproxies;
	struct pf_dest	*dest;		/* NULL: not inspected */
	struct pf_dest	 nodest;	/* what facts.dest says then */
	char		*dest_error;
	struct pf_facts	 facts;
	size_t		 nitems;
};
void pfgather_run(const struct plan *, const char *, int (*)(void *), void *,
    struct pf_gather *);
void pfgather_free(struct pf_gather *);
int pfgather_readable(const char *);
void pfgather_proxy_names(const struct plan *, char ***, size_t *);
struct pf_pool {				/* a libvirt pool to choose from */
	char		*name;
	char		*type;		/* "dir", ...; NULL unknown */
	int		 active;
	int64_t		 free_bytes;	/* -1 unknown */
	char		*error;		/* why its state is unknown */
};
int pfgather_pools(struct sshc *, const char *, struct pf_pool **, size_t *,
    char **);
void pfgather_pools_free(struct pf_pool *, size_t);
char **pfgather_parse_pool_names(const char *, size_t *);

/*
 * preflight-dest.c: the destination's facts, read on a proxy (virt-v2v
 * writes from there).  The pf_dest it returns owns what it points to.
 */
struct pf_dest *preflight_dest_read(struct sshc *, const struct plan *,
    char **);
void preflight_dest_free(struct pf_dest *);
char **preflight_parse_lines(const char *, size_t *);
char **preflight_parse_files(const char *, size_t *);
int preflight_parse_pool_info(const char *, int *, int64_t *, char **);
int preflight_parse_pool_xml(const char *, size_t, char **, char **,
    char **);
int preflight_parse_domcaps(const char *, size_t, char **);
int preflight_parse_kvm(int, const char *);
char *preflight_parse_virsh_error(const char *);
char *preflight_parse_ovmf(const char *);
void preflight_strings_free(char **, size_t);

/* job.c: one conversion of one VM on one proxy. */
enum job_state {
	JOB_QUEUED,
	JOB_PREPARING,
	JOB_CONVERTING,
	JOB_FINISHING,
	JOB_DONE,
	JOB_FAILED,
	JOB_CANCELLED,
};

/* A disk the conversion wrote, as read back from the destination. */
struct job_disk {
	char		*path;		/* file or volume path */
	char		*format;	/* raw, qcow2 */
	uint64_t	 virtual_size;
	uint64_t	 actual_size;	/* bytes allocated */
};

#define JOB_VERSION	1

struct job {
	char		*id;
	char		*vm;
	char		*target;
	char		*proxy;		/* chosen proxy; NULL while queued */
	enum job_state	 state;
	char		*phase;		/* virt-v2v's last status line */
	unsigned	 disk;		/* disk being copied, 1-based; 0 none */
	unsigned	 ndisks;
	int		 percent;	/* of the current disk; -1 unknown */
	time_t		 created;
	time_t		 started;
	time_t		 ended;
	char		*error;		/* virt-v2v's own error text */

	char		*run;		/* the batch it was queued with */
	char		*source;	/* the source's location: with vm, what
					   a running job locks */
	char		*plan;		/* JSON: the plan with this VM only */
	char	       **proxies;	/* where it may run (plan: "any") */
	size_t		 nproxies;
	char		*source_host;	/* for the per-host limit; NULL none */
	unsigned	 host_limit;	/* 0: none */
	uint64_t	 size;		/* source bytes: the largest go first */
	char		*command;	/* virt-v2v's, quoted, no secrets */
	char	       **warnings;	/* virt-v2v's own */
	size_t		 nwarnings;
	struct job_disk	*disks;		/* read back after success */
	size_t		 ndisks_out;
	char		*result;	/* how the result was checked */
	int		 remote;	/* the remote job was started */
	int		 cancel;	/* cancel was asked for */
};

struct job *job_new(const char *, const char *, time_t);
void job_free(struct job *);
int job_set_state(struct job *, enum job_state, time_t, char **);
int job_is_final(enum job_state);
const char *job_state_name(enum job_state);
int job_state_parse(const char *, enum job_state *);
int job_overall_percent(const struct job *);
void job_add_warning(struct job *, const char *);
struct json_object *job_json(const struct job *);
struct job *job_parse(const char *, size_t, char **);

/* jobstore.c: conversion jobs kept in $XDG_STATE_HOME/virt-import. */
char *jobstore_path(const char *, const char *, int, char **);
int jobstore_save(const struct job *, char **);
struct job *jobstore_load(const char *, char **);
int jobstore_activate(const char *, int, char **);
char **jobstore_active(size_t *, char **);
char **jobstore_all(size_t *, char **);
struct job **jobstore_list(size_t *, char **);
void jobstore_list_free(struct job **, size_t);
int jobstore_driver_lock(char **);
int jobstore_queue_lock(char **);
int jobstore_request_cancel(const char *, char **);
int jobstore_cancel_requested(const char *);
int jobstore_save_plan(const char *, const char *, char **);

/* convert.c: the blocking steps of one conversion (worker threads). */
struct rjob *convert_start(const struct job *, const struct proxy *,
    struct upload_progress *, int *, char **);
int convert_finish(const struct job *, const struct proxy *,
    struct job_disk **, size_t *, char **, char **);
int convert_clean(const struct job *, const struct proxy *, int, int,
    char **);
int convert_parse_qemu_img(const char *, size_t, struct job_disk *, char **);
int convert_parse_vol_info(const char *, struct job_disk *, char **);
char *convert_upload_dir(const struct proxy *, const char *);

/*
 * engine.c: drives conversion jobs (one process at a time; others watch),
 * from the caller's poll() loop: engine_pollfds, engine_timeout,
 * engine_dispatch.  ops->changed hears of every change to a job;
 * ops->proxy (may be NULL) that following a proxy's jobs stopped (why, and
 * the seconds until it tries again) or works again (why NULL).
 */
#define ENGINE_START	0x1		/* start queued jobs, not only carry
					   on with started ones */
#define ENGINE_WATCH	0x2		/* only watch the records: never
					   drive, never take over */
struct engine;
struct pollfd;
struct engine_ops {
	void	(*changed)(void *, const struct job *);
	void	(*log)(void *, const struct job *, const char *, size_t);
	void	(*proxy)(void *, const char *, const char *, unsigned);
};
struct engine *engine_new(int, const struct engine_ops *, void *, char **);
void engine_free(struct engine *);
int engine_driving(const struct engine *);
int engine_queue(struct engine *, const struct plan *,
    const struct vm *const *, char ***, char **);
int engine_cancel(struct engine *, const char *, char **);
size_t engine_njobs(const struct engine *);
struct job *engine_job(const struct engine *, size_t);
const struct job *engine_find(const struct engine *, const char *);
int engine_settled(const struct engine *, const char *);
const char *engine_proxy_error(const struct engine *, const char *);
size_t engine_pollfds(struct engine *, struct pollfd *, size_t);
size_t engine_npollfds(const struct engine *);
int engine_timeout(const struct engine *);
void engine_dispatch(struct engine *, const struct pollfd *, size_t);
char *engine_source_host(const struct source *);
int engine_check_plan(const struct plan *, char **);

/* jobretry.c: a failed or cancelled job queued again, as a new job. */
int jobretry_check(const struct job *, char **);
int jobretry_queue(struct engine *, const char *, char **, char **);

/* domxml.c: libvirt domain XML, a pure parser (and its libxml2 helpers). */
struct _xmlNode;
struct vm *domxml_parse(const char *, size_t, char **);
int domxml_is(const struct _xmlNode *, const char *);
struct _xmlNode *domxml_child(const struct _xmlNode *, const char *);
char *domxml_attr(const struct _xmlNode *, const char *);

/* sha.c: SHA-1 and SHA-256 (FIPS 180-4), for OVA manifests. */
enum sha_algo { SHA_1, SHA_256 };
struct sha_ctx {
	enum sha_algo	 algo;
	uint32_t	 h[8];
	uint64_t	 len;		/* bytes hashed */
	unsigned char	 buf[64];
	size_t		 nbuf;
};
void sha_init(struct sha_ctx *, enum sha_algo);
void sha_update(struct sha_ctx *, const void *, size_t);
void sha_final(struct sha_ctx *, char *);	/* lower-case hex + NUL */
size_t sha_hex_len(enum sha_algo);

/* tar.c: ustar/GNU/pax headers, read without extracting. */
struct tar_entry {
	char		*name;
	uint64_t	 offset;	/* of the member's data in the archive */
	uint64_t	 size;
	char		 type;		/* '0' file, '5' directory, ... */
};
int tar_header_parse(const unsigned char *, struct tar_entry *, char **);
struct tar_entry *tar_index(int, size_t *, char **);
void tar_entries_free(struct tar_entry *, size_t);

/* ovf.c: OVF descriptors (VMware/VirtualBox exports, oVirt). */
struct vm *ovf_parse(const char *, size_t, char **);

/* manifest.c: OVA manifests (.mf): "SHA256(file)= hex" lines. */
struct manifest_entry {
	enum sha_algo	 algo;
	char		*file;
	char		*digest;	/* lower-case hex */
};
struct manifest_entry *manifest_parse(const char *, size_t, size_t *,
    char **);
void manifest_free(struct manifest_entry *, size_t);

/* vmx.c: VMware .vmx files. */
struct vm *vmx_parse(const char *, size_t, char **);
char *vmx_target(const char *, unsigned, unsigned);

/* diskimg.c: format and sizes of a disk image file, from its header. */
int diskimg_probe_header(const unsigned char *, size_t, uint64_t,
    enum disk_format *, uint64_t *);
int diskimg_probe(const char *, struct disk *, char **);

/* readers.c: sources on a path, each read into an inventory. */
struct inventory *ova_read(const char *, int, char **);
struct inventory *vmx_read(const char *, char **);
struct inventory *xmlfile_read(const char *, char **);
struct inventory *export_read(const char *, char **);
struct inventory *dir_read(const char *, char **);

/* vmjson.c: the stable JSON form of VMs and inventories (docs/json.md). */
#define VMJSON_VERSION 1
struct json_object;
struct json_object *vmjson_vm(const struct vm *);
struct json_object *vmjson_source(const struct source *);
struct json_object *vmjson_inventory(const struct source *,
    const struct inventory *);

/* libvirt.c: libvirt connections that never print to the terminal. */
void libvirt_init(const char *);
void libvirt_use_terminal(int);
const char *libvirt_last_error(void);
struct inventory *libvirt_list(const char *, const char *, char **);
int libvirt_details(const char *, const char *, struct inventory *,
    unsigned, char **);
struct inventory *libvirt_read(const char *, const char *, int, unsigned,
    char **);
struct vm *libvirt_inspect(const char *, const char *, const char *,
    char **);
int libvirt_read_each(const char *, const char *, unsigned,
    int (*)(void *, struct inventory *), void *, char **);

/*
 * task.c: blocking work on worker threads; events come back to the poll()
 * loop's thread through taskq_fd and taskq_dispatch.
 */
#define TASK_END	0		/* the last event of every task */
struct task;
struct taskq;
struct taskq *taskq_new(char **);
void taskq_free(struct taskq *);
int taskq_fd(const struct taskq *);
size_t taskq_dispatch(struct taskq *);
size_t taskq_running(struct taskq *);
struct task *task_run(struct taskq *, void (*)(struct task *, void *),
    void (*)(void *, int, void *), void *, char **);
void task_post(struct task *, int, void *);
void task_cancel(struct task *);
int task_cancelled(struct task *);

/* demo.c */
char *demo_uri(char **);
char *demo_guest(char **);

#endif
