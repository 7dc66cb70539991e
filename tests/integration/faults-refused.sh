# Integration: faults that must stop a `virt-import run` before anything
# starts, or stop its job before anything is copied, on the lab's real sshd
# with tests/lab/v2v-replay as virt-v2v: an unknown and a changed host key
# of the proxy (the message gives the fingerprint, the ssh-keygen -R
# command, and following it works), an OVA whose disk does not match its
# manifest and a truncated OVA (the message says to copy it again, and
# nothing is left on the proxy).  proxy-ssh.sh has the same keys for
# `proxy check`, cli-files.sh the same OVAs for `list`.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl tar
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
kh=$HOME/.config/virt-import/known_hosts
jobs_dir=$VI_TMP/jobs
out=$VI_TMP/out
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log
ova=$VI_TOP/tests/unit/data/ova

lab_sshd_up

mkdir -p "$VI_TMP/bin" "$out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" --max-jobs 2 \
	--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "V2V_REPLAY_LOG=$success_log" --env "V2V_REPLAY_RATE=50" --env "V2V_REPLAY_OUTPUT=4" >/dev/null

src=$VI_TMP/src
lab_guest "$src" a vm-a 8 52:54:00:00:00:01
# plan FILE SPEC VM: one VM of source SPEC into $out.
plan() {
	jq -n --arg src "$2" --arg out "$out" --arg vm "$3" '{
		version: 1, source: { spec: $src }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "raw", unmapped: { to: "default", type: "network" } },
		vms: [ { name: $vm, target: "new-vm" } ] }' >"$1"
}
njobs() { vimp jobs --json | jq length; }
# untouched: no job queued, nothing on the proxy, nothing at the destination.
untouched() {
	[ "$(njobs)" = 0 ] && [ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ] && [ -z "$(ls -A "$out")" ]
}
plan "$VI_TMP/a.json" "dir:$src" vm-a

# --- an unknown host key --------------------------------------------------------
vimp run "$VI_TMP/a.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e"
if [ $rc = 1 ] && grep -q "^FAIL  proxy .*is not a known host: its ssh-ed25519 key has the fingerprint $fp; compare it with 'ssh-keygen -lf' of the host key on the proxy, then accept it with --accept-host-key $fp" "$VI_TMP/e" &&
	grep -q 'nothing was started' "$VI_TMP/e" && untouched && [ ! -e "$kh" ]; then
	pass "run with an unknown proxy host key: refused, the fingerprint and --accept-host-key given, nothing started or trusted"
else
	fail "unknown host key" "rc $rc"
fi
vimp run "$VI_TMP/a.json" --accept-host-key "$fp" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
if [ $rc = 0 ] && [ "$(vimp jobs --json | jq -r '.[0].state')" = "done" ] && [ -s "$out/new-vm.xml" ]; then
	pass "the same run with the --accept-host-key it gave: done"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "accepted key" "rc $rc"
fi
rm -f "$out"/*

# --- a changed host key ---------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$VI_TMP/impostor"
read -r itype idata _ <"$VI_TMP/impostor.pub"
printf '[%s]:%s %s %s\n' "$VI_LAB_SSH_HOST" "$VI_LAB_SSH_PORT" "$itype" "$idata" >"$kh"
n0=$(njobs)
vimp run "$VI_TMP/a.json" --accept-host-key "$fp" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e"
cmdline=$(grep -o "ssh-keygen -R '[^']*' -f '[^']*'" "$VI_TMP/e" | head -1)
if [ $rc = 1 ] && grep -q "^FAIL  proxy .*has CHANGED (now ssh-ed25519 $fp.*man-in-the-middle attack, so nothing was sent" "$VI_TMP/e" &&
	grep -qF "remove the old one from $kh:1 (ssh-keygen -R '[$VI_LAB_SSH_HOST]:$VI_LAB_SSH_PORT' -f '$kh')" "$VI_TMP/e" &&
	grep -q 'nothing was started' "$VI_TMP/e" && [ "$(njobs)" = "$n0" ] &&
	[ -z "$(ls -A "$out")" ] && [ -z "$(find "$jobs_dir" -mindepth 1 ! -name uploads)" ]; then
	pass "run with a changed proxy host key: refused even with --accept-host-key, naming the ssh-keygen -R command; nothing started"
else
	fail "changed host key" "rc $rc"
fi
# What it says to do works: remove the old key, accept the new one.
if [ -n "$cmdline" ] && eval "$cmdline" >/dev/null 2>&1 &&
	vimp run "$VI_TMP/a.json" --accept-host-key "$fp" >"$VI_TMP/o" 2>"$VI_TMP/e" &&
	[ "$(vimp jobs --json | jq -r 'last | .state')" = "done" ]; then
	pass "doing what the message says (its ssh-keygen -R, then --accept-host-key) makes the run work"
else
	cat "$VI_TMP/e"
	fail "following the advice" "'$cmdline'"
fi
rm -f "$out"/*

# --- a corrupt and a truncated OVA ----------------------------------------------
n0=$(njobs)
plan "$VI_TMP/bad.json" "ova:$ova/bad-digest.ova" web01
vimp run "$VI_TMP/bad.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e" "$VI_TMP/o"
id=$(vimp jobs --json | jq -r 'last | .id')
err=$(vimp jobs --json | jq -r 'last | "\(.state) \(.error)"')
if [ $rc = 1 ] && [ "$(njobs)" = $((n0 + 1)) ] &&
	case $err in "failed "*"does not match the manifest: download or export it again"*) true ;; *) false ;; esac &&
	grep -q "error: .*does not match the manifest: download or export it again" "$VI_TMP/o" &&
	[ -z "$(find "$jobs_dir" -mindepth 1 ! -name uploads)" ] && [ -z "$(ls -A "$out")" ] &&
	[ ! -s "$state/jobs/$id/log" ] && [ -z "$(ls -A "$state/active")" ]; then
	pass "an OVA whose disk does not match its manifest: the job fails before the copy, saying to get it again; nothing on the proxy"
else
	fail "corrupt OVA" "rc $rc: $err"
fi
plan "$VI_TMP/trunc.json" "ova:$ova/truncated.ova" web01
n0=$(njobs)
vimp run "$VI_TMP/trunc.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e" "$VI_TMP/o"
if [ $rc = 1 ] && grep -q '^FAIL .*copy it again' "$VI_TMP/e" && grep -q 'nothing was started' "$VI_TMP/e" &&
	[ "$(njobs)" = "$n0" ] && [ -z "$(find "$jobs_dir" -mindepth 1 ! -name uploads)" ] && [ -z "$(ls -A "$out")" ]; then
	pass "a truncated OVA: pre-flight refuses it, saying to copy it again; nothing started"
else
	fail "truncated OVA" "rc $rc"
fi
finish
