/*
 * ssh.c: an SSH session to a proxy (libssh 0.10) and commands run on it.
 *
 * Host keys live in our own known_hosts ($XDG_CONFIG_HOME/virt-import/
 * known_hosts, or the file the proxy names), never in ~/.ssh: an unknown key
 * is accepted only when the user gives its fingerprint, and a changed key is
 * never accepted.  Remote commands are argv arrays; every word is quoted for
 * the remote shell, so names from sources cannot become code there.  libssh
 * 0.10 has no keepalive, so a command fails when the proxy sends nothing for
 * its timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "backend.h"

struct sshc {
	ssh_session	 session;
	char		*name;		/* the proxy's */
	char		*where;		/* user@host:port, for messages */
	char		*fingerprint;	/* SHA256:... of the host key */
};

char *
sshc_base64(const unsigned char *in, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out, *o;
	size_t i;
	unsigned v;

	/* Unpadded, as OpenSSH prints fingerprints. */
	out = o = xmalloc(len / 3 * 4 + 5);
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
		*o++ = tab[v & 63];
	}
	if (len - i == 1) {
		v = (unsigned)in[i] << 16;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

/* One word for a POSIX shell: 'it'\''s'.  A NUL cannot pass a shell. */
char *
sshc_quote(const char *s, size_t len, char **cause)
{
	char *out, *o;
	size_t i;

	if (memchr(s, '\0', len) != NULL) {
		cause_set(cause, "an argument holds a NUL byte, which no "
		    "remote command can receive");
		return NULL;
	}
	out = o = xmalloc(len * 4 + 3);
	*o++ = '\'';
	for (i = 0; i < len; i++) {
		if (s[i] == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = s[i];
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* The remote command line of an argv: every word quoted, none trusted. */
char *
sshc_command(const char *const *argv, char **cause)
{
	char *line = NULL, *word, *next;
	size_t i;

	if (argv == NULL || argv[0] == NULL) {
		cause_set(cause, "no command to run");
		return NULL;
	}
	for (i = 0; argv[i] != NULL; i++) {
		word = sshc_quote(argv[i], strlen(argv[i]), cause);
		if (word == NULL) {
			free(line);
			return NULL;
		}
		if (line == NULL)
			line = word;
		else {
			xasprintf(&next, "%s %s", line, word);
			free(line);
			free(word);
			line = next;
		}
	}
	return line;
}

char *
sshc_known_hosts_path(const struct proxy *p, char **cause)
{
	char *dir, *path;

	if (p->known_hosts != NULL)
		return xstrdup(p->known_hosts);
	if ((dir = path_config_dir(cause)) == NULL)
		return NULL;
	xasprintf(&path, "%s/known_hosts", dir);
	free(dir);
	return path;
}

/*
 * The host key the last sshc_connect of this thread refused, as data for
 * a front end that asks about it (sshc_refusal).  Fixed arrays: worker
 * threads end without anyone freeing what they hold.
 */
static _Thread_local struct {
	enum hostkey_state state;
	char		fingerprint[96];
	char		type[48];
	char		host[320];
} sshc_refused;

/*
 * The last sshc_connect of this thread failed for want of a connection
 * (none made, or it dropped during the log-in), not because the proxy
 * refused us: trying again later may work.
 */
static _Thread_local int sshc_was_dropped;

int
sshc_dropped(void)
{
	return sshc_was_dropped;
}

/* The session has been lost (dropped, or shut down by a watchdog). */
int
sshc_lost(struct sshc *c)
{
	return c == NULL || !ssh_is_connected(c->session) ||
	    (ssh_get_status(c->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

void
hostkey_refusal_clear(struct hostkey_refusal *r)
{
	free(r->fingerprint);
	free(r->type);
	free(r->host);
	memset(r, 0, sizeof *r);
}

/* Copy this thread's last refusal to r; returns its state. */
enum hostkey_state
sshc_refusal(struct hostkey_refusal *r)
{
	memset(r, 0, sizeof *r);
	r->state = sshc_refused.state;
	if (r->state == HOSTKEY_OTHER)
		return r->state;
	r->fingerprint = xstrdup(sshc_refused.fingerprint);
	r->type = xstrdup(sshc_refused.type);
	r->host = xstrdup(sshc_refused.host);
	return r->state;
}

static void
sshc_refuse(enum hostkey_state state, const char *fp, const char *type,
    const char *host, unsigned port)
{
	sshc_refused.state = state;
	snprintf(sshc_refused.fingerprint, sizeof sshc_refused.fingerprint,
	    "%s", fp);
	snprintf(sshc_refused.type, sizeof sshc_refused.type, "%s", type);
	snprintf(sshc_refused.host, sizeof sshc_refused.host, "%s:%u", host,
	    port);
}

/* 0 while a full-screen console owns the terminal (sshc_use_terminal). */
static volatile int sshc_terminal = 1;

/*
 * May log-in ask for a passphrase or password on /dev/tty?  The console
 * says no: its screen owns the terminal and sessions open on worker
 * threads, so a key needs ssh-agent or no passphrase there.
 */
void
sshc_use_terminal(int yes)
{
	sshc_terminal = yes;
}

/* Read a secret from /dev/tty without echo; -1 when there is no terminal. */
static int
sshc_tty_read(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	size_t n = 0;
	ssize_t got;
	char c;
	int fd, rc = -1;

	if (!sshc_terminal)
		return -1;
	if (len == 0 || (fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		close(fd);
		return -1;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		goto out;
	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (c == '\n' || c == '\r') {
			rc = 0;
			break;
		}
		if (n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
out:
	(void)write(fd, "\n", 1);
	tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	if (rc != 0)
		explicit_bzero(buf, len);
	return rc;
}

/* libssh's passphrase callback for an encrypted key file. */
static int
sshc_passphrase(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *arg)
{
	const char *file = arg;
	char *msg;
	int rc;

	xasprintf(&msg, "Passphrase for %s: ", file);
	rc = sshc_tty_read(msg, buf, len);
	free(msg);
	return rc;
}

/* FILE:LINE of the entry for host:port in a known_hosts file, or FILE. */
static char *
sshc_known_line(const char *file, const char *host, unsigned port)
{
	char *want, *line = NULL, *where = NULL, *field, *tok, *save;
	size_t cap = 0;
	unsigned n = 0;
	FILE *f;

	if (port == 22)
		want = xstrdup(host);
	else
		xasprintf(&want, "[%s]:%u", host, port);
	if ((f = fopen(file, "r")) != NULL) {
		while (where == NULL && getline(&line, &cap, f) != -1) {
			n++;
			field = line + strspn(line, " \t");
			field[strcspn(field, " \t\r\n")] = '\0';
			for (tok = strtok_r(field, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (strcmp(tok, want) == 0) {
					xasprintf(&where, "%s:%u", file, n);
					break;
				}
			}
		}
		fclose(f);
	}
	free(line);
	free(want);
	return where != NULL ? where : xstrdup(file);
}

/* Compare the host key with our known_hosts; accept it only when told. */
static int
sshc_check_host(struct sshc *c, const struct proxy *p, const char *khfile,
    const char *host, unsigned port, const char *accept, char **cause)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	const char *type;
	char *b64, *where, *dir;
	enum ssh_known_hosts_e state;

	if (ssh_get_server_publickey(c->session, &key) != SSH_OK ||
	    ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0) {
		cause_set(cause, "cannot read the host key of %s: %s", c->where,
		    ssh_get_error(c->session));
		ssh_key_free(key);
		return -1;
	}
	b64 = sshc_base64(hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	xasprintf(&c->fingerprint, "SHA256:%s", b64);
	free(b64);
	type = ssh_key_type_to_char(ssh_key_type(key));
	if (type == NULL)
		type = "unknown";
	ssh_key_free(key);

	state = ssh_session_is_known_server(c->session);
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		sshc_refuse(HOSTKEY_CHANGED, c->fingerprint, type, host, port);
		where = sshc_known_line(khfile, host, port);
		if (port == 22)
			xasprintf(&dir, "%s", host);
		else
			xasprintf(&dir, "[%s]:%u", host, port);
		cause_set(cause, "the host key of %s has CHANGED (now %s %s, "
		    "not the key in %s): this can be a man-in-the-middle "
		    "attack, so nothing was sent; if the proxy was "
		    "reinstalled, check the new key on it and remove the old "
		    "one from %s (ssh-keygen -R '%s' -f '%s'), then accept the "
		    "new one with --accept-host-key %s",
		    c->where, type, c->fingerprint, khfile, where, dir, khfile,
		    c->fingerprint);
		free(dir);
		free(where);
		return -1;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		break;
	default:
		cause_set(cause, "cannot check the host key of %s against %s: "
		    "%s", c->where, khfile, ssh_get_error(c->session));
		return -1;
	}
	if (accept == NULL) {
		sshc_refuse(HOSTKEY_UNKNOWN, c->fingerprint, type, host, port);
		cause_set(cause, "%s is not a known host: its %s key has the "
		    "fingerprint %s; compare it with 'ssh-keygen -lf' of the "
		    "host key on the proxy, then accept it with "
		    "--accept-host-key %s", c->where, type, c->fingerprint,
		    c->fingerprint);
		return -1;
	}
	if (strcmp(accept, c->fingerprint) != 0) {
		cause_set(cause, "the host key of %s is %s %s, not the %s you "
		    "accepted: nothing was written; check the key on the proxy",
		    c->where, type, c->fingerprint, accept);
		return -1;
	}
	/* Our own file's directory; a file the proxy names is the user's. */
	if (p->known_hosts == NULL) {
		if ((dir = path_config_dir(cause)) == NULL)
			return -1;
		free(dir);
	}
	if (ssh_session_update_known_hosts(c->session) != SSH_OK) {
		cause_set(cause, "cannot write the host key of %s to %s: %s",
		    c->where, khfile, ssh_get_error(c->session));
		return -1;
	}
	return 0;
}

static void
sshc_cat(char *buf, const char *s, size_t size)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

static int
sshc_auth(struct sshc *c, const struct proxy *p, char **cause)
{
	ssh_key key = NULL;
	char pw[512], *msg, tried[256] = "";
	int rc, methods;

	rc = ssh_userauth_none(c->session, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (rc == SSH_AUTH_ERROR)
		goto broken;
	methods = ssh_userauth_list(c->session, NULL);

	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) &&
	    getenv("SSH_AUTH_SOCK") != NULL) {
		sshc_cat(tried, "ssh-agent", sizeof tried);
		rc = ssh_userauth_agent(c->session, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
		if (rc == SSH_AUTH_ERROR && !ssh_is_connected(c->session))
			goto broken;
	}
	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && p->key_file != NULL) {
		if (*tried != '\0')
			sshc_cat(tried, ", ", sizeof tried);
		sshc_cat(tried, "the key file", sizeof tried);
		if (access(p->key_file, R_OK) != 0) {
			cause_set(cause, "cannot read the key file %s of proxy "
			    "'%s': %s", p->key_file, p->name, strerror(errno));
			return -1;
		}
		if (secret_file_check("key file", p->key_file, -1,
		    cause) != 0) {
			cause_prefix(cause, "proxy '%s'", p->name);
			return -1;
		}
		if (ssh_pki_import_privkey_file(p->key_file, NULL,
		    sshc_passphrase, p->key_file, &key) != SSH_OK) {
			cause_set(cause, "cannot use the key file %s of proxy "
			    "'%s': it is not a private key, or it needs a "
			    "passphrase and there is no terminal to ask (load "
			    "it into ssh-agent instead)", p->key_file, p->name);
			return -1;
		}
		rc = ssh_userauth_publickey(c->session, NULL, key);
		ssh_key_free(key);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
		if (rc == SSH_AUTH_ERROR)
			goto broken;
	}
	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && p->ssh_alias != NULL) {
		/* The alias's IdentityFile lines, from ssh_config. */
		if (*tried != '\0')
			sshc_cat(tried, ", ", sizeof tried);
		sshc_cat(tried, "the alias's identities", sizeof tried);
		rc = ssh_userauth_publickey_auto(c->session, NULL, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
		if (rc == SSH_AUTH_ERROR)
			goto broken;
	}
	if ((methods & SSH_AUTH_METHOD_PASSWORD) && sshc_terminal &&
	    isatty(STDIN_FILENO)) {
		xasprintf(&msg, "Password for %s: ", c->where);
		rc = sshc_tty_read(msg, pw, sizeof pw);
		free(msg);
		if (rc == 0) {
			if (*tried != '\0')
				sshc_cat(tried, ", ", sizeof tried);
			sshc_cat(tried, "a password", sizeof tried);
			rc = ssh_userauth_password(c->session, NULL, pw);
			explicit_bzero(pw, sizeof pw);
			if (rc == SSH_AUTH_SUCCESS)
				return 0;
			if (rc == SSH_AUTH_ERROR)
				goto broken;
		}
	}
	cause_set(cause, "%s did not let us log in (tried: %s): add our "
	    "public key to the user's authorized_keys on the proxy, load the "
	    "key into ssh-agent, or give it with --key FILE", c->where,
	    *tried != '\0' ? tried : "nothing the proxy accepts");
	return -1;

broken:
	cause_set(cause, "logging in to %s failed: %s", c->where,
	    ssh_get_error(c->session));
	return -1;
}

/*
 * Connect to a proxy, check its host key (accepting an unknown one only
 * when accept is its exact fingerprint) and log in.
 */
struct sshc *
sshc_connect(const struct proxy *p, const char *accept, char **cause)
{
	struct sshc *c;
	struct proxy *lp = NULL;
	char *kh, *host = NULL, *user = NULL, *pcmd = NULL;
	unsigned port = p->port;
	long timeout = SSHC_CONNECT_TIMEOUT;
	int off = 0, on = 1, connected = 0;

	sshc_refused.state = HOSTKEY_OTHER;
	sshc_was_dropped = 0;
	if (proxy_validate(p, cause) != 0)
		return NULL;
	if (p->local) {
		/* This machine: sshd -i of our own (localproxy.c). */
		lp = proxy_new_local();
		free(lp->name);
		lp->name = xstrdup(p->name);
		if ((pcmd = localproxy_prepare(lp, cause)) == NULL) {
			proxy_free(lp);
			return NULL;
		}
		p = lp;
	}
	if ((kh = sshc_known_hosts_path(p, cause)) == NULL) {
		free(pcmd);
		proxy_free(lp);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(p->name);
	if ((c->session = ssh_new()) == NULL)
		fatalx("ssh_new: out of memory");
	if (p->ssh_alias != NULL) {
		/* The alias's HostName, Port, User, IdentityFile. */
		ssh_options_set(c->session, SSH_OPTIONS_HOST, p->ssh_alias);
		if (ssh_options_parse_config(c->session, NULL) != 0) {
			cause_set(cause, "proxy '%s': cannot read the ssh "
			    "configuration for '%s'", p->name, p->ssh_alias);
			goto fail;
		}
		if (p->host != NULL)
			ssh_options_set(c->session, SSH_OPTIONS_HOST, p->host);
		if (p->port != 22)
			ssh_options_set(c->session, SSH_OPTIONS_PORT, &port);
	} else {
		ssh_options_set(c->session, SSH_OPTIONS_PROCESS_CONFIG, &off);
		ssh_options_set(c->session, SSH_OPTIONS_HOST, p->host);
		ssh_options_set(c->session, SSH_OPTIONS_PORT, &port);
	}
	if (p->user != NULL)
		ssh_options_set(c->session, SSH_OPTIONS_USER, p->user);
	ssh_options_set(c->session, SSH_OPTIONS_KNOWNHOSTS, kh);
	ssh_options_set(c->session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	if (pcmd != NULL)
		ssh_options_set(c->session, SSH_OPTIONS_PROXYCOMMAND, pcmd);
	else
		ssh_options_set(c->session, SSH_OPTIONS_NODELAY, &on);
	/* A stalled server must not hold the connect and log-in forever. */
	ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_get(c->session, SSH_OPTIONS_HOST, &host);
	ssh_options_get(c->session, SSH_OPTIONS_USER, &user);
	ssh_options_get_port(c->session, &port);
	xasprintf(&c->where, "proxy '%s' (%s@%s:%u)", p->name,
	    user != NULL ? user : "?", host != NULL ? host : "?", port);

	if (ssh_connect(c->session) != SSH_OK) {
		cause_set(cause, "cannot connect to %s: %s: check the host and "
		    "port, and that sshd runs there", c->where,
		    ssh_get_error(c->session));
		sshc_was_dropped = 1;
		goto fail;
	}
	connected = 1;
	if (sshc_check_host(c, p, kh, host != NULL ? host : "", port, accept,
	    cause) != 0)
		goto fail;
	if (sshc_auth(c, p, cause) != 0)
		goto fail;
	ssh_string_free_char(host);
	ssh_string_free_char(user);
	free(kh);
	free(pcmd);
	proxy_free(lp);
	return c;

fail:
	if (connected && sshc_refused.state == HOSTKEY_OTHER && sshc_lost(c))
		sshc_was_dropped = 1;
	ssh_string_free_char(host);
	ssh_string_free_char(user);
	free(kh);
	free(pcmd);
	proxy_free(lp);
	sshc_close(c);
	return NULL;
}

void
sshc_close(struct sshc *c)
{
	if (c == NULL)
		return;
	if (c->session != NULL) {
		if (ssh_is_connected(c->session))
			ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	free(c->name);
	free(c->where);
	free(c->fingerprint);
	free(c);
}

/* The socket, for a caller's poll() loop. */
int
sshc_fd(const struct sshc *c)
{
	return ssh_get_fd(c->session);
}

const char *
sshc_fingerprint(const struct sshc *c)
{
	return c->fingerprint;
}

/* The libssh session (an ssh_session), for SFTP and the channel engine. */
void *
sshc_session(struct sshc *c)
{
	return c->session;
}

/* "proxy 'NAME' (user@host:port)", for messages. */
const char *
sshc_where(const struct sshc *c)
{
	return c->where;
}

void
sshc_result_free(struct sshc_result *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	free(r->signal);
	memset(r, 0, sizeof *r);
}

/* Append to a bounded buffer; what passes the bound is dropped. */
static void
sshc_keep(char **buf, size_t *len, const char *data, size_t n, int *trunc)
{
	if (*len + n > SSHC_OUTPUT_MAX) {
		*trunc = 1;
		n = SSHC_OUTPUT_MAX - *len;
	}
	*buf = xreallocarray(*buf, *len + n + 1, 1);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* What sshc_run collects from its command. */
struct sshc_collect {
	struct sshc_result	*r;
	int			 ended;
	char			*error;
};

static void
sshc_collect_data(void *arg, int stream, const char *buf, size_t n)
{
	struct sshc_collect *k = arg;
	struct sshc_result *r = k->r;

	if (stream == 0)
		sshc_keep(&r->out, &r->out_len, buf, n, &r->truncated);
	else
		sshc_keep(&r->err, &r->err_len, buf, n, &r->truncated);
}

static void
sshc_collect_done(void *arg, const struct sshm_exit *e)
{
	struct sshc_collect *k = arg;

	k->ended = 1;
	if (e->error != NULL) {
		k->error = xstrdup(e->error);
		return;
	}
	k->r->status = e->status;
	if (e->signal != NULL)
		k->r->signal = xstrdup(e->signal);
}

/*
 * Run argv on the proxy and collect its output and exit status.  0 when the
 * command ran (whatever its status); -1 when the connection failed or the
 * proxy sent nothing for timeout seconds.
 */
int
sshc_run(struct sshc *c, const char *const *argv, unsigned timeout,
    struct sshc_result *r, char **cause)
{
	static const struct sshm_ops ops = {
		sshc_collect_data, sshc_collect_done
	};
	struct sshc_collect k;
	struct sshm *m;

	memset(r, 0, sizeof *r);
	memset(&k, 0, sizeof k);
	k.r = r;
	r->out = xstrdup("");
	r->err = xstrdup("");
	m = sshm_new(c, timeout);
	if (sshm_exec(m, argv, &ops, &k, cause) == NULL) {
		sshm_free(m);
		sshc_result_free(r);
		return -1;
	}
	sshm_run(m);
	if (!k.ended)
		k.error = xstrdup(sshm_error(m) != NULL ? sshm_error(m) :
		    "the command did not end");
	sshm_free(m);
	if (k.error != NULL) {
		cause_set(cause, "%s", k.error);
		free(k.error);
		sshc_result_free(r);
		return -1;
	}
	return 0;
}
