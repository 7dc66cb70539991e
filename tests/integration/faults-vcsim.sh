# Integration: a wrong vCenter password in a `virt-import run` (the lab's
# simulated vCenter, lab up --vcsim, and its sshd as the proxy, with
# tests/lab/v2v-replay as virt-v2v): pre-flight refuses before anything
# starts, the message names the password file and says to fix it, and the
# password is printed nowhere.  With the right file the same plan runs.
# cli-vmware.sh has the wrong password for `list`.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl virsh
# The lab's build of vcsim is cached in the real home, not the test's.
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME="" XDG_CACHE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
jobs_dir=$VI_TMP/jobs
out=$VI_TMP/out
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log

export VI_LAB_DIR="$VI_TMP/lab" VI_LAB_VCSIM_VMS=1
t0=$(date +%s)
if ! "$VI_LAB" up --sshd --vcsim >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd and vCenter simulator did not start"
	finish
fi
lab_down_at_exit
echo "lab up in $(($(date +%s) - t0)) s"
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
mkdir -p "$VI_TMP/bin" "$out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" \
	--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "V2V_REPLAY_LOG=$success_log" --env "V2V_REPLAY_RATE=50" --env "V2V_REPLAY_OUTPUT=4" >/dev/null
vimp proxy check lab --accept-host-key "$fp" >/dev/null 2>&1

vm=DC0_C0_RP0_VM0
LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE virsh -q -c "$VI_LAB_VPX_URI" destroy "$vm" >/dev/null 2>&1
# plan FILE PASSWORD-FILE
plan() {
	jq -n --arg src "$VI_LAB_VPX_URI" --arg pw "$2" --arg out "$out" --arg vm "$vm" '{
		version: 1, source: { spec: $src, password_file: $pw }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "raw", unmapped: { to: "default", type: "network" } },
		vms: [ { name: $vm, target: "new-vm" } ] }' >"$1"
}
wrong="wrong-'\$(touch $VI_TMP/pwned)-$$-$RANDOM"
printf '%s' "$wrong" >"$VI_TMP/bad-pw"
chmod 600 "$VI_TMP/bad-pw"
plan "$VI_TMP/bad.json" "$VI_TMP/bad-pw"
t0=$(date +%s)
vimp run "$VI_TMP/bad.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
echo "refused in $(($(date +%s) - t0)) s"
cat "$VI_TMP/e"
if [ $rc = 1 ] && grep -q "^FAIL  source .*could not be read from the source: cannot connect to .*the server refused the user name or password: check the user in the URI and fix the password in $VI_TMP/bad-pw" "$VI_TMP/e" &&
	grep -q 'nothing was started' "$VI_TMP/e" && [ "$(vimp jobs --json | jq length)" = 0 ] &&
	[ -z "$(ls -A "$out")" ] && [ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ]; then
	pass "a wrong vCenter password: pre-flight refuses, naming the password file to fix; nothing started"
else
	fail "wrong password" "rc $rc"
fi
if ! grep -rqF -- "$wrong" "$VI_TMP/o" "$VI_TMP/e" "$HOME" && [ ! -e "$VI_TMP/pwned" ]; then
	pass "the wrong password is in no output and no file of ours"
else
	fail "password shown" "it is printed or kept"
fi
plan "$VI_TMP/good.json" "$VI_LAB_VMWARE_PASSWORD_FILE"
if vimp run "$VI_TMP/good.json" >"$VI_TMP/o" 2>"$VI_TMP/e" &&
	[ "$(vimp jobs --json | jq -r '.[0].state')" = "done" ]; then
	pass "with the right password file the same plan runs to done"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "right password" "the run did not end done"
fi
finish
