# Integration: the "local" proxy, this machine reached through an sshd -i
# of virt-import's own (no listening server, no host-key prompt, no change
# to the host's sshd): check it, run a command, and a whole import through
# the engine with tests/lab/v2v-replay as virt-v2v; no sshd is left behind.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen
[ -x /usr/sbin/sshd ] || { skip local-proxy "no /usr/sbin/sshd (openssh-server)"; finish; }
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
lp=$HOME/.local/state/virt-import/local-proxy

# sshd -i processes started for us, by their parent: none may outlive a run.
our_sshd() {
	local pid
	for pid in $(pgrep -x sshd 2>/dev/null); do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$lp/sshd_config" &&
			echo "$pid"
	done
	return 0
}

# --- check: built in, its own host key, nothing to accept --------------------
if vimp proxy check local --json >"$VI_TMP/check.json" 2>"$VI_TMP/check.err"; then
	pass "proxy check local works with no setup and no host-key prompt"
else
	cat "$VI_TMP/check.err"
	fail "check local" "failed"
fi
want=$(ssh-keygen -lf "$lp/known_hosts" | awk '{print $2}')
[ -n "$want" ] && [ "$(jq -r '.host_key' "$VI_TMP/check.json")" = "$want" ] &&
	pass "the host key is the one virt-import made (its known_hosts entry)" ||
	fail "host key" "check says $(jq -r '.host_key' "$VI_TMP/check.json"), known_hosts $want"
bad=$(find "$lp" -type f \( -perm /077 \) ! -name sshd.log)
[ -z "$bad" ] && [ "$(stat -c %a "$lp")" = 700 ] &&
	pass "the local proxy's keys and configuration are private (0700 folder, 0600 files)" ||
	fail "modes" "$bad $(stat -c %a "$lp")"
if grep -q '^PasswordAuthentication no' "$lp/sshd_config" &&
	grep -q '^restrict ' "$lp/authorized_keys"; then
	pass "its sshd takes only our key, with no forwarding"
else
	fail "sshd config" "password logins or forwarding allowed"
fi

# --- a command: runs as this user, a hostile argument stays one word --------
out=$(vimp proxy run local -- printf '%s|' "a b" '$(touch '"$VI_TMP"'/pwned)' 2>"$VI_TMP/run.err")
if [ "$out" = "a b|\$(touch $VI_TMP/pwned)|" ] && [ ! -e "$VI_TMP/pwned" ]; then
	pass "proxy run local passes each argument as one word"
else
	cat "$VI_TMP/run.err"
	fail "run local" "got '$out'"
fi

# --- saved local proxies: --local takes no host, keeps env and limits -------
if ! vimp proxy add here --local somehost >/dev/null 2>"$VI_TMP/add.err" &&
	grep -q 'give no HOST' "$VI_TMP/add.err"; then
	pass "proxy add --local with a host says what to leave out"
else
	cat "$VI_TMP/add.err"
	fail "add --local HOST" "accepted or no clear message"
fi
mkdir -p "$VI_TMP/bin"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
jobs_dir=$VI_TMP/jobs
vimp proxy add here --local --job-dir "$jobs_dir" --max-jobs 1 \
	--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "V2V_REPLAY_LOG=$VI_TOP/tests/unit/data/v2v/missing-disk.log" \
	--env "V2V_REPLAY_RATE=400" --env "V2V_REPLAY_RC=1" >/dev/null
if [ "$(vimp proxy list --json | jq -r '.proxies[] | select(.name == "here") | "\(.local) \(.max_jobs) \(.env | length)"')" = "true 1 4" ]; then
	pass "a saved local proxy keeps --local, its job limit and environment"
else
	vimp proxy list --json
	fail "saved local" "not as added"
fi

# --- an import through the engine on the local proxy ------------------------
# The replayed virt-v2v fails as the recorded one did (a real conversion on
# this proxy is the demo's, tests/conversion/): upload, start, follow, the
# error text and the clean-up all cross the local sshd.
src=$VI_TMP/src
mkdir -p "$src" "$VI_TMP/out"
lab_guest "$src" web web 8
jq -n --arg src "dir:$src" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "here",
	destination: { type: "local", directory: $out },
	defaults: { format: "qcow2" }, vms: [ { name: "web" } ] }' >"$VI_TMP/plan.json"
rc=0
vimp run "$VI_TMP/plan.json" >"$VI_TMP/imp.out" 2>"$VI_TMP/imp.err" || rc=$?
want_err=$(grep -m1 '^virt-v2v: error:' "$VI_TOP/tests/unit/data/v2v/missing-disk.log" | sed 's/^virt-v2v: error: //')
if [ "$rc" = 1 ] && grep -q 'Copying web.img to the proxy' "$VI_TMP/imp.err" &&
	vimp jobs --json | jq -e --arg w "$want_err" '.[0] | .state == "failed" and (.error | contains($w))' >/dev/null; then
	pass "an import on the local proxy: disk uploaded, virt-v2v run and followed to its own error"
else
	cat "$VI_TMP/imp.err" "$VI_TMP/imp.out"
	fail "import on local" "rc $rc"
fi
id=$(vimp jobs --json | jq -r '.[0].id')
if cmp -s <(vimp log "$id" 2>/dev/null) <(tr '\r' '\n' <"$VI_TOP/tests/unit/data/v2v/missing-disk.log"); then
	pass "its log is kept whole"
else
	fail "log" "differs from the replayed log"
fi
[ -z "$(find "$jobs_dir" -mindepth 1 -maxdepth 2 ! -name uploads 2>/dev/null)" ] &&
	pass "no job folder is left on the local proxy" ||
	fail "leftovers" "$(ls -R "$jobs_dir")"
if wait_for 50 test -z "$(our_sshd)"; then
	pass "no sshd -i of ours outlives the run"
else
	fail "sshd left" "$(our_sshd)"
fi
[ ! -s "$lp/sshd.log" ] && pass "sshd logged no error" ||
	{ cat "$lp/sshd.log"; fail "sshd.log" "errors above"; }

# --- first use by several processes at once -----------------------------------
# Each finds no keys yet; they must agree on one set (before the lock, one
# process's host key beside another's known_hosts was refused as CHANGED).
n=0
for round in 1 2 3; do
	home=$VI_TMP/race$round
	mkdir -p "$home"
	pids=""
	for i in 1 2 3 4 5 6; do
		HOME=$home "$VI_BIN" proxy check local >"$home/out$i" 2>&1 &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p" || n=$((n + 1)); done
done
if [ $n = 0 ]; then
	pass "six first uses at once agree on one host key (three rounds)"
else
	grep -h "virt-import:" "$VI_TMP"/race*/out* | sort | uniq -c | head -n 5
	fail "first uses at once" "$n of 18 checks failed"
fi
finish
