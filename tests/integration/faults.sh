# Integration: faults injected into real batches of `virt-import run`, on
# the lab's real sshd with tests/lab/v2v-replay standing in for virt-v2v
# (it writes the output disk and domain XML a local conversion writes).
# Each case checks the outcome (the job's recorded state), that nothing is
# lost or left half-written (records parse, no temporary files in the
# state folder, every log byte read once, no partial disk, upload or
# remote job folder left unless kept on purpose and said so), and that
# the message says what happened and what to do:
#   - the SSH connection dropped, and the proxy's sshd hung, mid-job;
#   - virt-import killed mid-batch (jobs converting and queued), then
#     `jobs --follow` and a second `run` of the same plan;
#   - the proxy's upload folder and virt-v2v's temporary folder full
#     (a small tmpfs in the lab's mount namespace);
#   - the destination folder too small (pre-flight);
#   - unknown and changed host keys of the proxy;
#   - a corrupt (manifest mismatch) and a truncated OVA.
# The lower-level forms of these are in proxy-jobs.sh, proxy-upload.sh,
# proxy-ssh.sh, engine.sh and cli-files.sh; a wrong vCenter password in a
# run is in faults-vcsim.sh.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl nsenter mount umount tar sha256sum
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
jobs_dir=$VI_TMP/jobs
out=$VI_TMP/out
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log

lab_sshd_up

mkdir -p "$VI_TMP/bin" "$out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
# addproxy MAXJOBS RATE [ENV...]: the proxy "lab", virt-v2v replaying a
# successful conversion at RATE lines a second and writing a 4 MiB disk.
addproxy() {
	local max=$1 rate=$2 e=()
	shift 2
	for v in "$@"; do e+=(--env "$v"); done
	vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" --max-jobs "$max" --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$success_log" --env "V2V_REPLAY_RATE=$rate" \
		--env "V2V_REPLAY_OUTPUT=4" --env "V2V_REPLAY_PIDFILE=$VI_TMP/replay.pids" "${e[@]}" >/dev/null
}
addproxy 2 4
vimp proxy check lab --accept-host-key "$fp" >/dev/null 2>&1

src=$VI_TMP/src
lab_guest "$src" a vm-a 8 52:54:00:00:00:01
lab_guest "$src" b vm-b 16 52:54:00:00:00:02
lab_guest "$src" c vm-c 24 52:54:00:00:00:03
lab_guest "$src" d vm-d 32 52:54:00:00:00:04
# plan FILE [DEST] VM...: a plan of the dir: source into folder DEST.
plan() {
	local f=$1 dest=$out
	shift
	case ${1:-} in /*) dest=$1; shift ;; esac
	jq -n --arg src "dir:$src" --arg out "$dest" --args '{
		version: 1, source: { spec: $src }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "raw", networks: [ { from: "prod", to: "default", type: "network" } ] },
		vms: [ $ARGS.positional[] | { name: ., target: ("new-" + .) } ] }' "$@" >"$f"
}
# The sshd processes serving connections: children of the listener.
sessions() { ps -o pid= --ppid "$VI_LAB_SSHD_PID" | tr -d ' '; }
# job_of VM: the id of the last job of VM.
job_of() { vimp jobs --json | jq -r --arg vm "$1" '[.[] | select(.vm == $vm)] | last | .id'; }
state_of() { vimp jobs --json | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }
log_has() { grep -q "$2" "$state/jobs/$1/log" 2>/dev/null; }

# intact: every record parses, no temporary file in the state folder, no
# job still marked active, no remote job folder or upload on the proxy.
intact() {
	local bad='' f
	for f in "$state"/jobs/*/import.json "$state"/jobs/*/job.json "$state"/runs/*.json; do
		[ -e "$f" ] || continue
		jq -e . "$f" >/dev/null 2>&1 || bad="$bad unparsable:$f"
	done
	f=$(find "$state" -name '*.tmp*' -o -name '.*.tmp' -o -name '*.part' | head -3)
	[ -z "$f" ] || bad="$bad temporary:$f"
	[ -z "$(ls -A "$state/active" 2>/dev/null)" ] || bad="$bad active:$(ls "$state/active")"
	f=$(find "$jobs_dir" -mindepth 1 -maxdepth 1 ! -name uploads 2>/dev/null | head -3)
	[ -z "$f" ] || bad="$bad remote-job:$f"
	f=$(find "$jobs_dir/uploads" -mindepth 1 2>/dev/null | head -3)
	[ -z "$f" ] || bad="$bad upload:$f"
	[ -z "$bad" ] && return 0
	echo "not intact:$bad"
	return 1
}
# done_whole ID VM: the job is done, its disk and XML there, its log the
# recorded one byte for byte (read exactly once).
done_whole() {
	[ "$(state_of "$1")" = "done" ] && [ -s "$out/new-$2.xml" ] && [ -e "$out/new-$2-sda" ] &&
		cmp -s "$state/jobs/$1/log" "$success_log"
}

# --- 1. the SSH connection dropped mid-job --------------------------------------
: >"$VI_TMP/replay.pids"
plan "$VI_TMP/p1.json" vm-a
"$VI_BIN" run "$VI_TMP/p1.json" >"$VI_TMP/r1.out" 2>"$VI_TMP/r1.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/r1.err"
id=$(job_of vm-a)
wait_for 300 log_has "$id" 'Inspecting the source'
hit=
for p in $(sessions); do kill -KILL "$p" && hit="$hit $p"; done
wait "$driver"
rc=$?
cat "$VI_TMP/r1.err"
if [ -n "$hit" ] && [ $rc = 0 ] && done_whole "$id" vm-a && intact &&
	grep -q "connection to proxy 'lab' .* broke: .*: reconnecting in [0-9]* s; its conversions go on there and no output is lost" "$VI_TMP/r1.err" &&
	grep -q "proxy 'lab': reconnected" "$VI_TMP/r1.err"; then
	pass "SSH dropped mid-run: said so, reconnected, the job done, its log read exactly once"
else
	cat "$VI_TMP/r1.out"
	fail "SSH dropped" "rc $rc, sessions killed: '$hit', state $(state_of "$id")"
fi

# --- 2. the proxy's sshd hung mid-job ----------------------------------------------
rm -f "$out"/new-*
plan "$VI_TMP/p2.json" vm-a
VIRT_IMPORT_IDLE_TIMEOUT=3 "$VI_BIN" run "$VI_TMP/p2.json" >"$VI_TMP/r2.out" 2>"$VI_TMP/r2.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/r2.err"
id=$(job_of vm-a)
wait_for 300 log_has "$id" 'Inspecting the source'
hit=
for p in $(sessions); do kill -STOP "$p" && hit="$hit $p"; done
wait_for 300 grep -q 'stopped answering' "$VI_TMP/r2.err"
# The hung sessions end (as a real hung server's would time out).
for p in $hit; do kill -KILL "$p"; kill -CONT "$p"; done 2>/dev/null
wait "$driver"
rc=$?
cat "$VI_TMP/r2.err"
if [ -n "$hit" ] && [ $rc = 0 ] && done_whole "$id" vm-a && intact &&
	grep -q "proxy 'lab' .*stopped answering: nothing came for 3 seconds.*: reconnecting in [0-9]* s; its conversions go on there" "$VI_TMP/r2.err" &&
	grep -q "proxy 'lab': reconnected" "$VI_TMP/r2.err"; then
	pass "the proxy hung mid-run: detected after the idle time, said so, reconnected, the job done, the log whole"
else
	cat "$VI_TMP/r2.out"
	fail "proxy hung" "rc $rc, sessions stopped: '$hit', state $(state_of "$id")"
fi

# --- 3. virt-import killed mid-batch, then carried on ----------------------------------
# Four VMs, two conversions at once: kill -9 while the two largest convert
# and two wait in the queue.
rm -f "$out"/new-*
addproxy 2 3
: >"$VI_TMP/replay.pids"
plan "$VI_TMP/p3.json" vm-a vm-b vm-c vm-d
"$VI_BIN" run "$VI_TMP/p3.json" >"$VI_TMP/r3.out" 2>"$VI_TMP/r3.err" &
driver=$!
converting() { [ "$(vimp jobs --json | jq '[.[] | select(.state == "converting")] | length')" = 2 ]; }
wait_for 600 converting
idd=$(job_of vm-d)
wait_for 300 log_has "$idd" 'Inspecting the source'
kill -KILL "$driver"
wait "$driver" 2>/dev/null
run3=$(vimp jobs --json | jq -r --arg id "$idd" '.[] | select(.id == $id) | .run')
batch() { vimp jobs --json | jq -c --arg r "$run3" '[.[] | select(.run == $r) | {vm, state}] | sort_by(.vm)'; }
before=$(batch)
echo "when killed: $before"
if [ "$before" = '[{"vm":"vm-a","state":"queued"},{"vm":"vm-b","state":"queued"},{"vm":"vm-c","state":"converting"},{"vm":"vm-d","state":"converting"}]' ]; then
	pass "killed mid-batch: two jobs converting, two queued, as recorded"
else
	fail "mid-batch" "$before"
fi
# The same plan again: refused before pre-flight, saying how to carry on.
njobs=$(vimp jobs --json | jq length)
vimp run "$VI_TMP/p3.json" >"$VI_TMP/r3b.out" 2>"$VI_TMP/r3b.err"
rc=$?
cat "$VI_TMP/r3b.err"
if [ $rc = 1 ] && grep -q "VMs 'vm-a' (job [0-9a-f-]*), 'vm-b' (job [0-9a-f-]*), 'vm-c' (job [0-9a-f-]*), 'vm-d' (job [0-9a-f-]*) are locked" "$VI_TMP/r3b.err" &&
	grep -q "nothing of this plan was queued" "$VI_TMP/r3b.err" &&
	grep -q "no virt-import drives them now .*'virt-import jobs --follow' carries them on" "$VI_TMP/r3b.err" &&
	! grep -q '^ok \|^FAIL ' "$VI_TMP/r3b.err" &&
	[ "$(batch)" = "$before" ] && [ "$(vimp jobs --json | jq length)" = "$njobs" ]; then
	pass "the same plan run again: refused before pre-flight, naming each VM's job and 'jobs --follow'; nothing queued or started"
else
	fail "run again" "rc $rc"
fi
vimp jobs >/dev/null 2>"$VI_TMP/r3c.err"
grep -q "4 jobs have not ended and no virt-import drives them: 'virt-import jobs --follow' carries them on" "$VI_TMP/r3c.err" &&
	pass "'jobs' says nobody drives the four and how to carry them on" || fail "jobs" "$(cat "$VI_TMP/r3c.err")"
vimp jobs --follow >"$VI_TMP/r3d.out" 2>"$VI_TMP/r3d.err"
rc=$?
cat "$VI_TMP/r3d.err"
bad=
for v in vm-a vm-b vm-c vm-d; do done_whole "$(job_of $v)" $v || bad="$bad $v:$(state_of "$(job_of $v)")"; done
if [ $rc = 0 ] && [ -z "$bad" ] && intact && [ "$(vimp jobs --json | jq length)" = "$njobs" ]; then
	pass "'jobs --follow' took over: the converting two followed from where they were, the queued two started, all four done, every log whole"
else
	fail "take over" "rc $rc, not done:$bad"
fi
# While a driver runs, a second run of a VM in its batch is refused too.
rm -f "$out"/new-*
plan "$VI_TMP/p3e.json" vm-a
"$VI_BIN" run "$VI_TMP/p3e.json" >"$VI_TMP/r3e.out" 2>"$VI_TMP/r3e.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/r3e.err"
vimp run "$VI_TMP/p3e.json" >/dev/null 2>"$VI_TMP/r3f.err"
rc=$?
wait "$driver"
if [ $rc = 1 ] && grep -q "VM 'vm-a' (job [0-9a-f-]*) is locked: its job is importing it" "$VI_TMP/r3f.err" &&
	grep -q "follow it with 'virt-import jobs --follow'" "$VI_TMP/r3f.err"; then
	pass "a VM whose job another virt-import drives: refused, saying how to follow it"
else
	fail "locked while driven" "rc $rc: $(cat "$VI_TMP/r3f.err")"
fi

finish
