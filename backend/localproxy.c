/*
 * localproxy.c: "local", this machine as a proxy, with no setup.
 *
 * The engine speaks SSH to every proxy (exec channels, SFTP, jobs that
 * outlive the connection), so the local proxy is SSH too, without a
 * listening server or a change to the host: libssh starts OpenSSH's sshd in
 * inetd mode (`sshd -i`) as its ProxyCommand, with a configuration, host key
 * and client key of our own in $XDG_STATE_HOME/virt-import/local-proxy.
 * The host key is ours, so its known_hosts entry is written with it and no
 * fingerprint prompt is needed; sshd runs as the user who runs virt-import
 * and logs in only that user.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "backend.h"

#define LOCALPROXY_SSHD	"/usr/sbin/sshd"

/* OpenSSH's server, VIRT_IMPORT_SSHD overriding it (tests). */
static const char *
localproxy_sshd(void)
{
	const char *s = getenv("VIRT_IMPORT_SSHD");

	return s != NULL && *s != '\0' ? s : LOCALPROXY_SSHD;
}

/* Write an ed25519 key pair: path (0600) and its "TYPE BASE64" public. */
static int
localproxy_key(const char *path, char **pub, char **cause)
{
	ssh_key key = NULL;
	char *b64 = NULL, *priv = NULL, *text = NULL;
	int rc = -1;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK ||
	    ssh_pki_export_privkey_base64(key, NULL, NULL, NULL,
	    &priv) != SSH_OK ||
	    ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		cause_set(cause, "cannot make an SSH key for the local proxy "
		    "(libssh failed)");
		goto out;
	}
	xasprintf(&text, "%s", priv);
	if (store_write_path(path, text, cause) != 0)
		goto out;
	xasprintf(pub, "ssh-ed25519 %s", b64);
	rc = 0;
out:
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (priv != NULL) {
		explicit_bzero(priv, strlen(priv));
		ssh_string_free_char(priv);
	}
	ssh_string_free_char(b64);
	ssh_key_free(key);
	return rc;
}

/* A file of the local proxy's folder (made, 0700, as needed). */
static char *
localproxy_path(const char *file, char **cause)
{
	char *dir, *path;

	if ((dir = path_state_dir(cause)) == NULL)
		return NULL;
	xasprintf(&path, "%s/local-proxy", dir);
	free(dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		cause_set(cause, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	if (file != NULL) {
		dir = path;
		xasprintf(&path, "%s/%s", dir, file);
		free(dir);
	}
	return path;
}

/* Make the keys, authorized_keys, known_hosts and sshd_config once. */
static int
localproxy_files(char **cause)
{
	char *conf = NULL, *hk = NULL, *ck = NULL, *ak = NULL, *kh = NULL;
	char *hpub = NULL, *cpub = NULL, *text = NULL, *lock = NULL;
	int rc = -1, fd = -1;

	/*
	 * Under a lock: two makers at once (two consoles, or a check and a
	 * job in one) would each write a host key and a known_hosts, and a
	 * host key from one beside the known_hosts of the other is refused
	 * as a changed key.
	 */
	if ((lock = localproxy_path(".lock", cause)) == NULL)
		goto out;
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(fd, LOCK_EX) != 0) {
		cause_set(cause, "cannot lock %s: %s", lock, strerror(errno));
		goto out;
	}
	if ((conf = localproxy_path("sshd_config", cause)) == NULL ||
	    (hk = localproxy_path("host_key", cause)) == NULL ||
	    (ck = localproxy_path("client_key", cause)) == NULL ||
	    (ak = localproxy_path("authorized_keys", cause)) == NULL ||
	    (kh = localproxy_path("known_hosts", cause)) == NULL)
		goto out;
	/* The configuration is written last: it marks a complete set. */
	if (access(conf, R_OK) == 0 && access(hk, R_OK) == 0 &&
	    access(ck, R_OK) == 0 && access(ak, R_OK) == 0 &&
	    access(kh, R_OK) == 0) {
		rc = 0;
		goto out;
	}
	if (localproxy_key(hk, &hpub, cause) != 0 ||
	    localproxy_key(ck, &cpub, cause) != 0)
		goto out;
	/* Only our client key, and no forwarding of any kind. */
	xasprintf(&text, "restrict %s virt-import-local\n", cpub);
	if (store_write_path(ak, text, cause) != 0)
		goto out;
	free(text);
	xasprintf(&text, "localhost %s\n", hpub);
	if (store_write_path(kh, text, cause) != 0)
		goto out;
	free(text);
	/*
	 * The folder is ours and 0700, its files 0600.  StrictModes would
	 * also refuse a world-writable folder above it (a HOME under /tmp).
	 */
	xasprintf(&text,
	    "# virt-import's local proxy: sshd -i started by virt-import\n"
	    "HostKey %s\n"
	    "AuthorizedKeysFile %s\n"
	    "AuthenticationMethods publickey\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "PermitRootLogin prohibit-password\n"
	    "StrictModes no\n"
	    "PidFile none\n"
	    "MaxSessions 64\n"
	    "LogLevel ERROR\n"
	    "Subsystem sftp internal-sftp\n", hk, ak);
	if (store_write_path(conf, text, cause) != 0)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(lock);
	free(text);
	free(hpub);
	free(cpub);
	free(conf);
	free(hk);
	free(ck);
	free(ak);
	free(kh);
	return rc;
}

/*
 * Fill in how to reach the local proxy: user, key, known_hosts, and the
 * ProxyCommand for libssh (returned; free it).
 */
char *
localproxy_prepare(struct proxy *p, char **cause)
{
	struct passwd *pw;
	const char *sshd = localproxy_sshd();
	char *conf = NULL, *log = NULL, *qs = NULL, *qc = NULL, *ql = NULL;
	char *cmd = NULL;
	struct stat st;

	if (access(sshd, X_OK) != 0) {
		cause_set(cause, "the local proxy needs OpenSSH's server at %s "
		    "(apt-get install openssh-server): virt-import starts it "
		    "itself when needed, no service has to run", sshd);
		return NULL;
	}
	/* A root sshd wants its privilege separation folder, as systemd's
	 * ssh.service makes it (a run-time folder, gone at reboot). */
	if (geteuid() == 0 && stat("/run/sshd", &st) != 0) {
		if (mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
			cause_set(cause, "the local proxy needs /run/sshd: %s: "
			    "create it (mkdir -m 0755 /run/sshd)",
			    strerror(errno));
			return NULL;
		}
	}
	if ((pw = getpwuid(geteuid())) == NULL) {
		cause_set(cause, "the local proxy cannot tell who you are: "
		    "user %ld has no passwd entry", (long)geteuid());
		return NULL;
	}
	if (localproxy_files(cause) != 0)
		return NULL;
	free(p->user);
	p->user = xstrdup(pw->pw_name);
	free(p->key_file);
	free(p->known_hosts);
	if ((p->key_file = localproxy_path("client_key", cause)) == NULL ||
	    (p->known_hosts = localproxy_path("known_hosts", cause)) == NULL ||
	    (conf = localproxy_path("sshd_config", cause)) == NULL ||
	    (log = localproxy_path("sshd.log", cause)) == NULL)
		goto out;
	if ((qs = sshc_quote(sshd, strlen(sshd), cause)) == NULL ||
	    (qc = sshc_quote(conf, strlen(conf), cause)) == NULL ||
	    (ql = sshc_quote(log, strlen(log), cause)) == NULL)
		goto out;
	/* sshd's own messages go to a file, never onto the console. */
	xasprintf(&cmd, "exec %s -i -e -f %s 2>>%s", qs, qc, ql);
out:
	free(conf);
	free(log);
	free(qs);
	free(qc);
	free(ql);
	return cmd;
}

/* Where the local proxy's sshd writes, for messages. */
char *
localproxy_log(char **cause)
{
	return localproxy_path("sshd.log", cause);
}
