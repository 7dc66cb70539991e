# Integration: the import engine (virt-import run / jobs / log / cancel) on
# the lab's real sshd, with tests/lab/v2v-replay standing in for virt-v2v
# on the proxy (it prints a recorded real virt-v2v log at a steady rate):
# pre-flight and the exact commands of a dry run, largest VMs first, the
# per-proxy limit, virt-v2v's own error text on failure, the lock on a VM
# being imported, cancel from a second process, kill -9 of the driving
# virt-import then recovery by `jobs --follow` with every log byte read
# once, and the uploads and remote folders removed afterwards.
# Real conversions are in tests/conversion/.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
jobs_dir=$VI_TMP/jobs
failure_log=$VI_TOP/tests/unit/data/v2v/missing-disk.log
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd --libvirtd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd and libvirtd did not start"
	finish
fi
lab_down_at_exit
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')

# virt-v2v on the proxy is the replay tool, found through the proxy's PATH.
mkdir -p "$VI_TMP/bin"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
addproxy() { # NAME MAXJOBS LOG RATE RC
	vimp proxy add "$1" "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" --max-jobs "$2" --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$3" --env "V2V_REPLAY_RATE=$4" --env "V2V_REPLAY_RC=$5" \
		--env "V2V_REPLAY_PIDFILE=$VI_TMP/replay.pids" >/dev/null
}
addproxy lab 2 "$failure_log" 40 1
vimp proxy check lab --accept-host-key "$fp" >/dev/null 2>&1

# --- the source: three libvirt XML guests of different sizes ---------------
src=$VI_TMP/src
mkdir -p "$src" "$VI_TMP/out"
guest() { lab_guest "$src" "$@"; } # FILE NAME MIB MAC
guest small small 8 52:54:00:00:00:01
guest big big 40 52:54:00:00:00:02
guest mid "mid 'q' \$(touch $VI_TMP/pwned)" 20 52:54:00:00:00:03
plan() { # FILE VM...
	local f=$1; shift
	jq -n --arg src "dir:$src" --arg out "$VI_TMP/out" --args '{
		version: 1,
		source: { spec: $src },
		proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "qcow2", networks: [ { from: "prod", to: "default", type: "network" } ] },
		vms: [ $ARGS.positional[] | { name: ., target: gsub("[^A-Za-z0-9._-]"; "-") } ]
	}' "$@" >"$f"
}
plan "$VI_TMP/all.json" small big "mid 'q' \$(touch $VI_TMP/pwned)"

# --- dry run: pre-flight and the exact commands ----------------------------
if vimp run "$VI_TMP/all.json" --dry-run --json >"$VI_TMP/dry.json" 2>"$VI_TMP/dry.err" &&
	[ "$(jq -r '.ok' "$VI_TMP/dry.json")" = true ] &&
	[ "$(jq -r '.commands | length' "$VI_TMP/dry.json")" = 3 ]; then
	pass "dry run: pre-flight passes and shows three commands"
else
	cat "$VI_TMP/dry.err" "$VI_TMP/dry.json"
	fail "dry run" "not ok"
fi
want="mid 'q' \$(touch $VI_TMP/pwned)"
if jq -e --arg w "$want" --arg xml "$jobs_dir/uploads/JOB/mid.xml" '.commands[] | select(.vm == $w) | .argv |
	(index("-on") as $i | .[$i + 1] == ($w | gsub("[^A-Za-z0-9._-]"; "-"))) and .[length - 1] == $xml and .[length - 2] == "--"' \
	"$VI_TMP/dry.json" >/dev/null &&
	jq -e '.commands[] | select(.vm == "big") | .argv | (index("--network") != null) and (index("--machine-readable") != null) and (index("-of") as $i | .[$i + 1] == "qcow2")' \
	"$VI_TMP/dry.json" >/dev/null; then
	pass "the dry run's argv: the target as one word, the copied XML after --, mapping, format and --machine-readable"
else
	jq '.commands' "$VI_TMP/dry.json"
	fail "dry-run argv" "unexpected"
fi
[ -z "$(ls -A "$state/jobs" 2>/dev/null)" ] && pass "a dry run queues nothing" ||
	fail "dry run" "jobs were queued"

# --- a batch: largest first, at most 2 at once, virt-v2v's error text ------
rc=0
vimp run "$VI_TMP/all.json" >"$VI_TMP/run.out" 2>"$VI_TMP/run.err" || rc=$?
first=$(grep -m1 ': preparing' "$VI_TMP/run.err" | sed 's/^[^ ]* [^ ]* //; s/: preparing.*//')
if [ "$rc" = 1 ] && [ "$first" = big ]; then
	pass "the batch ends (exit 1: every job failed) and the largest VM started first"
else
	cat "$VI_TMP/run.err" "$VI_TMP/run.out"
	fail "batch" "rc $rc, first '$first'"
fi
# Concurrency: replay each state line, counting jobs between preparing and
# their end.
max=$(awk '$2 ~ /^[0-9]/ && / preparing/ && !(($2) in on) {on[$2] = 1; n++; if (n > m) m = n}
	$2 ~ /^[0-9]/ && / (failed|done|cancelled)$/ && (($2) in on) {delete on[$2]; n--}
	END {print m + 0}' "$VI_TMP/run.err")
[ "$max" -le 2 ] && [ "$max" -ge 1 ] && pass "never more than the proxy's 2 conversions at once ($max)" ||
	fail "limit" "$max at once"
want_err=$(grep -m1 '^virt-v2v: error:' "$failure_log" | sed 's/^virt-v2v: error: //')
if [ "$(jq -r '[.[] | select(.state == "failed")] | length' <(vimp jobs --json))" = 3 ] &&
	jq -e --arg w "$want_err" 'all(.[]; .error | contains($w))' <(vimp jobs --json) >/dev/null; then
	pass "each failed job shows virt-v2v's own error text"
else
	vimp jobs --json | jq '.[] | {vm, state, error}'
	fail "error text" "want '$want_err'"
fi
id=$(vimp jobs --json | jq -r '.[0].id')
if cmp -s <(vimp log "$id" 2>/dev/null) <(tr '\r' '\n' <"$failure_log"); then
	pass "a job's full log is kept and reads back byte for byte"
else
	fail "log" "differs from the recorded log"
fi
left=$(find "$jobs_dir" -mindepth 1 -maxdepth 2 ! -name uploads 2>/dev/null | head -5)
[ -z "$left" ] && [ -z "$(ls -A "$state/active")" ] &&
	pass "after the batch: no remote job folder, no upload, no job left active" ||
	fail "leftovers" "$left $(ls "$state/active")"
[ ! -e "$VI_TMP/pwned" ] && pass "the hostile VM name ran nothing" || fail "hostile" "ran"

# --- the per-source-host limit: two VMs of one libvirt host, limit 1 --------
jq -n --arg src "$VI_LAB_QEMU_SSH_URI" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	defaults: { networks: [ { from: "lab-net", to: "default", type: "network" },
	                        { from: "lab-net2", to: "default", type: "network" } ],
	            unmapped: { to: "default", type: "network" } },
	limits: { per_source_host: 1 },
	vms: [ { name: "lab-src1" }, { name: "lab-src2" } ] }' >"$VI_TMP/host.json"
rc=0
vimp run "$VI_TMP/host.json" >"$VI_TMP/host.out" 2>"$VI_TMP/host.err" || rc=$?
max=$(awk '$2 ~ /^[0-9]/ && / preparing/ && !(($2) in on) {on[$2] = 1; n++; if (n > m) m = n}
	$2 ~ /^[0-9]/ && / (failed|done|cancelled)$/ && (($2) in on) {delete on[$2]; n--}
	END {print m + 0}' "$VI_TMP/host.err")
if [ "$rc" = 1 ] && [ "$max" = 1 ] && [ "$(grep -c ' failed$' "$VI_TMP/host.err")" = 2 ]; then
	pass "two VMs of one source host with a limit of 1: one at a time, though the proxy takes 2"
else
	cat "$VI_TMP/host.err" "$VI_TMP/host.out"
	fail "host limit" "rc $rc, $max at once"
fi

# --- lock, cancel from another process, kill -9 and recovery ----------------
addproxy lab 1 "$success_log" 3 0
: >"$VI_TMP/replay.pids"
plan "$VI_TMP/two.json" big small
"$VI_BIN" run "$VI_TMP/two.json" >"$VI_TMP/run2.out" 2>"$VI_TMP/run2.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/run2.err"
if vimp run "$VI_TMP/two.json" >/dev/null 2>"$VI_TMP/lock.err"; then
	fail "lock" "the same VMs were queued twice"
elif grep -q 'locked' "$VI_TMP/lock.err"; then
	pass "a VM being imported is locked: a second run of it is refused"
else
	cat "$VI_TMP/lock.err"
	fail "lock" "no lock message"
fi
small_id=$(vimp jobs --json | jq -r '[.[] | select(.vm == "small")] | last | .id')
if vimp cancel "$small_id" >"$VI_TMP/cancel.out" 2>&1 &&
	grep -q "$small_id cancelled" "$VI_TMP/cancel.out"; then
	pass "a queued job is cancelled from a second virt-import"
else
	cat "$VI_TMP/cancel.out"
	fail "cancel queued" "not cancelled"
fi
kill -9 "$driver"
wait "$driver" 2>/dev/null
big_id=$(vimp jobs --json | jq -r '[.[] | select(.vm == "big")] | last | .id')
vimp jobs >"$VI_TMP/jobs.out" 2>"$VI_TMP/jobs.err"
grep -q "no virt-import drives" "$VI_TMP/jobs.err" &&
	pass "after kill -9, 'jobs' says nothing drives the job and how to carry it on" ||
	fail "orphan" "$(cat "$VI_TMP/jobs.err")"
pid=$(head -n1 "$VI_TMP/replay.pids")
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
	pass "the conversion runs on while no virt-import is there" ||
	fail "detached" "replay $pid is gone"
rc=0
vimp jobs --follow >"$VI_TMP/follow.out" 2>"$VI_TMP/follow.err" || rc=$?
if cmp -s "$state/jobs/$big_id/log" "$success_log"; then
	pass "restarted, 'jobs --follow' reattached: the log was read exactly once, nothing lost"
else
	cmp "$state/jobs/$big_id/log" "$success_log"
	fail "recovery log" "the local log differs from what the job printed"
fi
# The replay wrote no disks, so reading back the result must fail, saying so.
st=$(vimp jobs --json | jq -r --arg id "$big_id" '.[] | select(.id == $id) | "\(.state) \(.error)"')
case $st in
"failed "*big.xml*) pass "the job was carried to its end: the result is read back and its absence reported" ;;
*) cat "$VI_TMP/follow.err"; fail "recovery end" "$st" ;;
esac

# --- cancel a running conversion: its process group stops, nothing is left -
addproxy lab 1 "$success_log" 2 0
: >"$VI_TMP/replay.pids"
plan "$VI_TMP/one.json" small
"$VI_BIN" run "$VI_TMP/one.json" >"$VI_TMP/run3.out" 2>"$VI_TMP/run3.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/run3.err"
id=$(vimp jobs --json | jq -r '[.[] | select(.vm == "small")] | last | .id')
pid=$(head -n1 "$VI_TMP/replay.pids")
vimp cancel "$id" >"$VI_TMP/cancel2.out" 2>&1
wait "$driver"
if grep -q "$id cancelled" "$VI_TMP/cancel2.out" && [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null &&
	[ ! -e "$jobs_dir/$id" ] && [ ! -e "$jobs_dir/uploads/$id" ]; then
	pass "cancel stops the running conversion and removes its remote folder and uploads"
else
	cat "$VI_TMP/cancel2.out" "$VI_TMP/run3.err"
	ls -la "$jobs_dir" "$jobs_dir/uploads" 2>&1
	fail "cancel running" "pid $pid"
fi

# --- bad input ---------------------------------------------------------------
printf '{"version": 1, "vms": [' >"$VI_TMP/broken.json"
if ! vimp run "$VI_TMP/broken.json" 2>"$VI_TMP/bad.err" && grep -q 'plan' "$VI_TMP/bad.err"; then
	pass "a broken plan file: refused, named"
else
	fail "broken plan" "$(cat "$VI_TMP/bad.err")"
fi
if ! vimp run "$VI_TMP/nope.json" 2>"$VI_TMP/bad.err" && grep -q 'cannot read plan' "$VI_TMP/bad.err"; then
	pass "a missing plan file: refused, named"
else
	fail "missing plan" "$(cat "$VI_TMP/bad.err")"
fi
plan "$VI_TMP/ghost.json" ghost
if ! vimp run "$VI_TMP/ghost.json" 2>"$VI_TMP/bad.err" && grep -q 'FAIL' "$VI_TMP/bad.err" &&
	grep -q ghost "$VI_TMP/bad.err"; then
	pass "a VM the source does not have fails pre-flight, named, and nothing starts"
else
	fail "unknown vm" "$(cat "$VI_TMP/bad.err")"
fi
vimp log 20991231-000000-000000000000 >/dev/null 2>"$VI_TMP/bad.err"
grep -q 'no import job' "$VI_TMP/bad.err" && pass "log of an unknown job: named" ||
	fail "unknown job" "$(cat "$VI_TMP/bad.err")"
vimp cancel "../../etc" >/dev/null 2>"$VI_TMP/bad.err"
grep -q 'not a job id' "$VI_TMP/bad.err" && pass "cancel of a bad id: refused" ||
	fail "bad id" "$(cat "$VI_TMP/bad.err")"
finish
