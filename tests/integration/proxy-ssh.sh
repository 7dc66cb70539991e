# Integration: saved proxies and SSH to the lab's real sshd (this machine, so
# its virt-v2v is the proxy's): host keys (unknown, accepted by fingerprint,
# a wrong fingerprint, a changed key), log-in failures, `proxy check`, and
# argv words reaching the remote command byte for byte, never as code.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen ssh-agent ssh-add setsid od
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
store=$HOME/.config/virt-import
kh=$store/known_hosts

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
agent_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	"$VI_LAB" down >/dev/null 2>&1
}
trap cleanup EXIT
eval "$("$VI_LAB" env)"
hostpub=$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub
fp=$(ssh-keygen -lf "$hostpub" | awk '{print $2}')
echo "lab host key: $fp"

# --- the store ------------------------------------------------------------
check "proxy add" vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" \
	--user "$VI_LAB_SSH_USER" --key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 3
if [ "$(stat -c %a "$store/proxies.json")" = 600 ] &&
	vimp proxy list --json >"$VI_TMP/l.json" &&
	[ "$(jq -r '.proxies[0] | "\(.name) \(.port) \(.max_jobs) \(.job_dir)"' "$VI_TMP/l.json")" = \
		"lab $VI_LAB_SSH_PORT 3 $VI_TMP/jobs" ]; then
	pass "proxies.json is 0600 and lists what was saved"
else
	cat "$VI_TMP/l.json"
	fail "proxy list --json" "wrong content or mode"
fi
vimp proxy add lab 127.0.0.2 >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'exists: remove it first or use --replace' "$VI_TMP/o" &&
	pass "a second add of the same name is refused" || fail "duplicate add" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy add bad 'h;reboot' >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'is not a host name' "$VI_TMP/o" &&
	pass "a host with shell characters is refused" || fail "bad host" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy add bad h --port 70000 >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 2 ] && pass "--port 70000 is a usage error" || fail "bad port" "rc $rc"
vimp proxy add bad h --job-dir relative >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'absolute path' "$VI_TMP/o" &&
	pass "a relative job directory is refused" || fail "relative job dir" "rc $rc"
[ "$(vimp proxy list --json | jq '.proxies | length')" = 1 ] &&
	pass "refused adds left the store alone" || fail "store after refusals" "changed"
pids=()
for i in 1 2 3 4 5 6 7 8; do
	vimp proxy add "par$i" "host$i.example" --port "$((2200 + i))" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
[ "$(vimp proxy list --json | jq -c '[.proxies[].name] | sort')" = \
	'["lab","par1","par2","par3","par4","par5","par6","par7","par8"]' ] &&
	pass "8 concurrent proxy adds all kept" || fail "concurrent adds" "$(vimp proxy list)"
for i in 1 2 3 4 5 6 7 8; do vimp proxy remove "par$i"; done

# --- host keys ----------------------------------------------------------------
vimp proxy check lab >"$VI_TMP/o" 2>&1; rc=$?
cat "$VI_TMP/o"
if [ $rc = 1 ] && grep -qF "fingerprint $fp" "$VI_TMP/o" &&
	grep -qF -- "--accept-host-key $fp" "$VI_TMP/o" && grep -q 'not a known host' "$VI_TMP/o"; then
	pass "unknown host key refused, with the fingerprint ssh-keygen -lf shows"
else
	fail "unknown host key" "rc $rc"
fi
[ ! -e "$kh" ] && pass "nothing written for an unknown key" || fail "unknown key" "$kh was written"

wrong="SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
vimp proxy check lab --accept-host-key "$wrong" >"$VI_TMP/o" 2>&1; rc=$?
if [ $rc = 1 ] && grep -qF "not the $wrong you accepted" "$VI_TMP/o" && [ ! -e "$kh" ]; then
	pass "a wrong fingerprint is refused and nothing is written"
else
	cat "$VI_TMP/o"
	fail "wrong fingerprint" "rc $rc"
fi

vimp proxy check lab --accept-host-key "$fp" --json >"$VI_TMP/c.json" 2>"$VI_TMP/err"; rc=$?
read -r ktype kdata _ <"$hostpub"
if [ $rc = 0 ] && [ -f "$kh" ] &&
	grep -qxF "[$VI_LAB_SSH_HOST]:$VI_LAB_SSH_PORT $ktype $kdata" "$kh"; then
	pass "the right fingerprint is accepted and the key written to our known_hosts"
else
	cat "$VI_TMP/err"; cat "$kh" 2>/dev/null
	fail "accept host key" "rc $rc"
fi
vimp proxy check lab --json >"$VI_TMP/c2.json" 2>"$VI_TMP/err" && [ "$(jq -r .host_key "$VI_TMP/c2.json")" = "$fp" ] &&
	pass "the accepted key is known on the next connection" || fail "known key" "$(cat "$VI_TMP/err")"

# --- proxy check: virt-v2v's capabilities and the verdicts ---------------------
if command -v virt-v2v >/dev/null; then
	virt-v2v --machine-readable | jq -R . | jq -sc . >"$VI_TMP/want"
	jq -c .capabilities "$VI_TMP/c.json" >"$VI_TMP/got"
	if cmp -s "$VI_TMP/want" "$VI_TMP/got" &&
		[ "$(jq -r .virt_v2v_version "$VI_TMP/c.json")" = "$(virt-v2v --version | awk '{print $2}')" ]; then
		pass "proxy check reports virt-v2v's own capabilities and version"
	else
		diff "$VI_TMP/want" "$VI_TMP/got"
		fail "capabilities" "differ from virt-v2v --machine-readable"
	fi
	# The verdicts follow from the tools this machine has.
	if command -v nbdcopy >/dev/null && command -v nbdkit >/dev/null; then want=ok; else want=no; fi
	for kind in ova vmx libvirtxml xen output:local output:rhv-upload; do
		got=$(jq -r --arg k "$kind" '.verdicts[] | select(.name == $k) | .level' "$VI_TMP/c.json")
		case "$got" in
		"$want" | warning) pass "verdict for $kind: $got" ;;
		*) fail "verdict for $kind" "'$got', want $want" ;;
		esac
	done
	nbd=$(jq -r '.checks[] | select(.name == "nbdcopy") | .text' "$VI_TMP/c.json")
	if here=$(command -v nbdcopy); then want=$here; else want="not found: install libnbd-bin"; fi
	case "$nbd" in
	"$want"*) pass "nbdcopy: '$nbd', as command -v finds it here" ;;
	*) fail "nbdcopy check" "'$nbd', want '$want'" ;;
	esac
	vimp proxy check lab >"$VI_TMP/t" 2>&1
	if grep -q '^can convert:$' "$VI_TMP/t" && grep -Eq '^  (ok|no|warning) +ova ' "$VI_TMP/t" &&
		grep -Eq '^  ok +capability +input:ova$' "$VI_TMP/t" && grep -Eq 'temp space +/' "$VI_TMP/t"; then
		pass "text check: a line per capability and a verdict per kind"
	else
		cat "$VI_TMP/t"
		fail "text check" "missing lines"
	fi
else
	skip "proxy check capabilities" "virt-v2v is not installed here (scripts/install-deps)"
fi

# --- argv words reach the remote command as data --------------------------
flag=$VI_TMP/pwned
args=("it's" "\"dq\"" "\$(touch $flag)" "\`touch $flag\`" "$(printf 'two\nlines')" \
	" lead and trail " "" '*' '$HOME' 'a\b' ';touch '"$flag" '|| true' "ünï‹›" "-n" "--")
printf '%s\0' "${args[@]}" >"$VI_TMP/want.bin"
vimp proxy run lab -- printf '%s\0' "${args[@]}" >"$VI_TMP/got.bin" 2>"$VI_TMP/err"; rc=$?
if [ $rc = 0 ] && cmp -s "$VI_TMP/want.bin" "$VI_TMP/got.bin"; then
	pass "hostile argv words arrive byte for byte"
else
	cat "$VI_TMP/err"; od -c "$VI_TMP/got.bin" | head -20
	fail "hostile argv" "rc $rc, bytes differ"
fi
[ ! -e "$flag" ] && pass "no word ran as code on the proxy" || fail "quoting" "$flag was created"
vimp proxy run lab -- sh -c 'printf out; printf err >&2; exit 7' >"$VI_TMP/o" 2>"$VI_TMP/e"; rc=$?
[ $rc = 7 ] && [ "$(cat "$VI_TMP/o")" = out ] && [ "$(cat "$VI_TMP/e")" = err ] &&
	pass "stdout, stderr and the exit status come back apart" || fail "run status" "rc $rc"
vimp proxy run lab -- head -c 3000000 /dev/zero >"$VI_TMP/o" 2>"$VI_TMP/e"; rc=$?
[ $rc = 0 ] && [ "$(stat -c %s "$VI_TMP/o")" = 1048576 ] && grep -q 'cut at 1048576' "$VI_TMP/e" &&
	pass "output is bounded at 1 MiB and says so" || fail "bounded output" "rc $rc, $(stat -c %s "$VI_TMP/o") bytes"

# --- log-in failures ----------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C other -f "$VI_TMP/other_key"
check "proxy add with a key the proxy does not know" vimp proxy add lab-other "$VI_LAB_SSH_HOST" \
	--port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" --key "$VI_TMP/other_key"
setsid -w "$VI_BIN" proxy check lab-other >"$VI_TMP/o" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q 'did not let us log in (tried: the key file)' "$VI_TMP/o" &&
	grep -q 'authorized_keys' "$VI_TMP/o"; then
	pass "a wrong user key is a clear log-in error"
else
	cat "$VI_TMP/o"
	fail "wrong user key" "rc $rc"
fi
secret="pass-$$-$RANDOM word"
cp "$VI_LAB_SSH_KEY" "$VI_TMP/enc_key"
chmod 600 "$VI_TMP/enc_key"
ssh-keygen -q -p -N "$secret" -f "$VI_TMP/enc_key" >/dev/null
check "proxy add with a passphrase-protected key" vimp proxy add lab-enc "$VI_LAB_SSH_HOST" \
	--port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" --key "$VI_TMP/enc_key"
# No terminal (setsid): no prompt, no hang, a message that says what to do.
setsid -w "$VI_BIN" proxy run lab-enc -- true >"$VI_TMP/o" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q 'needs a passphrase and there is no terminal' "$VI_TMP/o" &&
	grep -q 'ssh-agent' "$VI_TMP/o"; then
	pass "an encrypted key without a terminal: a clear error, no prompt"
else
	cat "$VI_TMP/o"
	fail "encrypted key without a terminal" "rc $rc"
fi
# Through ssh-agent: the passphrase goes to ssh-add by SSH_ASKPASS, and no
# process shows it while we run.
eval "$(ssh-agent -s)" >/dev/null
agent_pid=$SSH_AGENT_PID
printf '#!/bin/sh\ncat %s\n' "$VI_TMP/secret" >"$VI_TMP/askpass"
printf '%s\n' "$secret" >"$VI_TMP/secret"
chmod 700 "$VI_TMP/askpass"
chmod 600 "$VI_TMP/secret"
if SSH_ASKPASS="$VI_TMP/askpass" SSH_ASKPASS_REQUIRE=force setsid -w ssh-add "$VI_TMP/enc_key" </dev/null >/dev/null 2>&1; then
	rm -f "$VI_TMP/secret"
	if setsid -w "$VI_BIN" proxy run lab-enc -- ps -eo args >"$VI_TMP/ps" 2>"$VI_TMP/err" &&
		grep -q 'proxy run lab-enc -- ps -eo args' "$VI_TMP/ps" && ! grep -qF "$secret" "$VI_TMP/ps"; then
		pass "ssh-agent log-in works and no process shows the passphrase"
	else
		cat "$VI_TMP/err"
		fail "agent log-in" "failed, or the passphrase is visible"
	fi
else
	fail "ssh-add" "could not load the key into the agent"
fi
kill "$agent_pid" 2>/dev/null
agent_pid=
unset SSH_AUTH_SOCK SSH_AGENT_PID

# --- a changed host key -------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$VI_TMP/impostor"
read -r itype idata _ <"$VI_TMP/impostor.pub"
printf '[%s]:%s %s %s\n' "$VI_LAB_SSH_HOST" "$VI_LAB_SSH_PORT" "$itype" "$idata" >"$kh"
cp "$kh" "$VI_TMP/kh.before"
vimp proxy check lab >"$VI_TMP/o" 2>&1; rc=$?
cat "$VI_TMP/o"
if [ $rc = 1 ] && grep -q 'has CHANGED' "$VI_TMP/o" && grep -q 'man-in-the-middle' "$VI_TMP/o" &&
	grep -qF "remove the old one from $kh:1" "$VI_TMP/o" && grep -qF "$fp" "$VI_TMP/o"; then
	pass "a changed host key is refused, naming FILE:LINE of the old key"
else
	fail "changed host key" "rc $rc"
fi
vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/o" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q 'has CHANGED' "$VI_TMP/o" && cmp -s "$kh" "$VI_TMP/kh.before"; then
	pass "--accept-host-key cannot override a changed key"
else
	cat "$VI_TMP/o"
	fail "changed key with --accept-host-key" "rc $rc"
fi

# --- a known_hosts file the proxy names -----------------------------------------
check "proxy add --known-hosts" vimp proxy add lab-kh "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" \
	--user "$VI_LAB_SSH_USER" --key "$VI_LAB_SSH_KEY" --known-hosts "$VI_TMP/kh2"
if vimp proxy run lab-kh --accept-host-key "$fp" -- true 2>"$VI_TMP/err" &&
	grep -qxF "[$VI_LAB_SSH_HOST]:$VI_LAB_SSH_PORT $ktype $kdata" "$VI_TMP/kh2" &&
	cmp -s "$kh" "$VI_TMP/kh.before"; then
	pass "--known-hosts: the key goes to the proxy's own file, ours untouched"
else
	cat "$VI_TMP/err"
	fail "--known-hosts" "key not in $VI_TMP/kh2, or ours changed"
fi
check "remove lab-kh" vimp proxy remove lab-kh

# --- remove -------------------------------------------------------------------
check "proxy remove" vimp proxy remove lab-other
vimp proxy remove lab-other >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "no proxy named 'lab-other'" "$VI_TMP/o" &&
	pass "removing a missing proxy says so" || fail "remove missing" "rc $rc"
[ "$(vimp proxy list --json | jq -c '[.proxies[].name]')" = '["lab","lab-enc"]' ] &&
	pass "remove kept the others" || fail "remove" "$(vimp proxy list --json)"

"$VI_LAB" down >/dev/null 2>&1
trap - EXIT
finish
