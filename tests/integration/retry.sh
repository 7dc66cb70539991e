# Integration: `virt-import retry` on the lab's real sshd with
# tests/lab/v2v-replay as virt-v2v: a batch whose conversions fail names
# its failed jobs and the retry command; once the cause is fixed (here the
# proxy's virt-v2v succeeds), retry imports the VM with the plan its job
# had (a hostile name included), the old job stays as it ended, and a job
# whose VM was imported since, a done job, an unknown one and a bad option
# are refused, each saying why, without stopping the others.  A job whose
# start cannot reach the proxy (its sshd SIGSTOPped: the connect times out)
# waits and starts again by itself once the proxy answers.  A dry run of a
# plan whose VM is in a running job answers as the run would: locked.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
jobs_dir=$VI_TMP/jobs
out=$VI_TMP/out
failure_log=$VI_TOP/tests/unit/data/v2v/missing-disk.log
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log

lab_sshd_up

mkdir -p "$VI_TMP/bin" "$out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
addproxy() { # LOG RC [ENV...]
	local log=$1 rc=$2 e=()
	shift 2
	for v in "$@"; do e+=(--env "$v"); done
	vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" --max-jobs 2 --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$log" --env "V2V_REPLAY_RATE=100" --env "V2V_REPLAY_RC=$rc" \
		--env "V2V_REPLAY_OUTPUT=4" "${e[@]}" >/dev/null
}
addproxy "$failure_log" 1
vimp proxy check lab --accept-host-key "$fp" >/dev/null 2>&1

src=$VI_TMP/src
hostile="b 'q' \$(touch $VI_TMP/pwned)"
lab_guest "$src" a vm-a 8 52:54:00:00:00:01
lab_guest "$src" b "$hostile" 8 52:54:00:00:00:02
lab_guest "$src" c vm-c 8 52:54:00:00:00:03
lab_guest "$src" d vm-d 8 52:54:00:00:00:04
plan() { # FILE VM...
	local f=$1
	shift
	jq -n --arg src "dir:$src" --arg out "$out" --args '{
		version: 1, source: { spec: $src }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "raw", unmapped: { to: "default", type: "network" } },
		vms: [ $ARGS.positional[] | { name: ., target: ("new-" + gsub("[^A-Za-z0-9._-]"; "-")) } ]
	}' "$@" >"$f"
}
job_of() { vimp jobs --json | jq -r --arg vm "$1" '[.[] | select(.vm == $vm)] | last | .id'; }
state_of() { vimp jobs --json | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }

# --- a batch that fails names its failed jobs and the command --------------
plan "$VI_TMP/ab.json" vm-a "$hostile" vm-d
rc=0
vimp run "$VI_TMP/ab.json" >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
a_old=$(job_of vm-a)
b_old=$(job_of "$hostile")
d_old=$(job_of vm-d)
again=$(sed -n "s/^once the cause is fixed, 'virt-import retry\(.*\)' queues the VMs that did not make it again$/\1/p" "$VI_TMP/e")
if [ $rc = 1 ] && [ -n "$a_old" ] && [ -n "$b_old" ] &&
	[ "$(printf '%s\n' $again | sort)" = "$(printf '%s\n' "$a_old" "$b_old" "$d_old" | sort)" ]; then
	pass "a failed batch names its failed jobs in the retry command it prints"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "retry hint" "rc $rc, hint '$again'"
fi

# --- the cause fixed: retry imports the VM with its job's plan -------------
addproxy "$success_log" 0
rc=0
vimp retry "$a_old" >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
a_new=$(job_of vm-a)
if [ $rc = 0 ] && [ "$a_new" != "$a_old" ] && grep -qx "$a_new done vm-a -> new-vm-a" "$VI_TMP/o" &&
	grep -qx "queued $a_new for VM 'vm-a' (again, after $a_old)" "$VI_TMP/e" &&
	[ "$(state_of "$a_old")" = failed ] && [ -f "$out/new-vm-a.xml" ]; then
	pass "retry queues the VM again as a new job and imports it; the old job stays failed"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "retry" "rc $rc, new '$a_new'"
fi

# --- refused: imported since, done, unknown; the others go on ---------------
rc=0
vimp retry "$a_old" >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
if [ $rc = 1 ] && grep -q "VM 'vm-a' was imported since, by job $a_new: it is at the destination; to import it again, remove it there and add it to a new plan" "$VI_TMP/e" &&
	[ "$(job_of vm-a)" = "$a_new" ]; then
	pass "retry of a job whose VM was imported since: refused, naming the job that did it"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "retry imported since" "rc $rc"
fi
rc=0
vimp retry "$a_new" >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
if [ $rc = 1 ] && grep -q "VM 'vm-a' was done: the VM is at the destination (job $a_new)" "$VI_TMP/e"; then
	pass "retry of a done job: refused, saying the VM is at the destination"
else
	cat "$VI_TMP/e"
	fail "retry done" "rc $rc"
fi
rc=0
vimp retry 20991231-000000-000000000000 "$b_old" --json >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
b_new=$(job_of "$hostile")
if [ $rc = 1 ] && grep -q "no import job '20991231-000000-000000000000'" "$VI_TMP/e" &&
	[ "$(jq -r 'length' "$VI_TMP/o")" = 1 ] &&
	[ "$(jq -r '.[0] | "\(.id) \(.state)"' "$VI_TMP/o")" = "$b_new done" ] &&
	[ "$(jq -r '.[0].vm' "$VI_TMP/o")" = "$hostile" ] && [ ! -e "$VI_TMP/pwned" ]; then
	pass "an unknown job is refused while the others are retried (JSON); the hostile name ran nothing"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "retry mixed" "rc $rc"
fi
rc=0
vimp retry --all >/dev/null 2>"$VI_TMP/e" || rc=$?
if [ $rc = 2 ] && grep -q "usage: virt-import retry JOB... \[--json\]" "$VI_TMP/e"; then
	pass "retry with an unknown option: usage"
else
	cat "$VI_TMP/e"
	fail "retry usage" "rc $rc"
fi

# --- a start that cannot reach the proxy waits and starts again ------------
# The proxy's sshd listener stopped: connections are accepted by the kernel
# but get no greeting, so the start's connect times out (15 s); once the
# job says it will start again, the listener goes on.
kill -STOP "$VI_LAB_SSHD_PID"
"$VI_BIN" retry "$d_old" >"$VI_TMP/rd.out" 2>"$VI_TMP/rd.err" &
driver=$!
wait_for 600 grep -q 'starting again in 5 s (try 2 of 4)' "$VI_TMP/rd.err"
kill -CONT "$VI_LAB_SSHD_PID"
rc=0
wait "$driver" || rc=$?
d_new=$(job_of vm-d)
if [ $rc = 0 ] && grep -q "vm-d: preparing on lab: cannot connect to proxy 'lab' .*: starting again in 5 s (try 2 of 4)" "$VI_TMP/rd.err" &&
	grep -qx "$d_new done vm-d -> new-vm-d" "$VI_TMP/rd.out" && [ -f "$out/new-vm-d.xml" ]; then
	pass "a start whose connection fails waits, says so, and starts again by itself: the job done"
else
	kill -CONT "$VI_LAB_SSHD_PID"
	cat "$VI_TMP/rd.err" "$VI_TMP/rd.out"
	fail "start again" "rc $rc"
fi

# --- a dry run of a plan whose VM is being imported: locked ----------------
addproxy "$success_log" 0 "V2V_REPLAY_HOLD=$VI_TMP/go"
plan "$VI_TMP/c.json" vm-c
"$VI_BIN" run "$VI_TMP/c.json" >"$VI_TMP/run.out" 2>"$VI_TMP/run.err" &
driver=$!
wait_for 300 grep -q ': converting' "$VI_TMP/run.err"
c_id=$(job_of vm-c)
rc=0
vimp run "$VI_TMP/c.json" --dry-run >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
if [ $rc = 1 ] && grep -q "VM 'vm-c' (job $c_id) is locked" "$VI_TMP/e" && [ ! -s "$VI_TMP/o" ]; then
	pass "a dry run of a plan whose VM is in a running job: locked, as the run would say"
else
	cat "$VI_TMP/e" "$VI_TMP/o"
	fail "dry-run lock" "rc $rc"
fi
rc=0
vimp retry "$a_old" "$c_id" >"$VI_TMP/o" 2>"$VI_TMP/e" || rc=$?
if [ $rc = 1 ] && grep -q "VM 'vm-c' is still converting (job $c_id): cancel it first" "$VI_TMP/e"; then
	pass "retry of a running job: refused, saying to cancel it first"
else
	cat "$VI_TMP/e"
	fail "retry running" "rc $rc"
fi
: >"$VI_TMP/go"
wait "$driver"
[ "$(state_of "$c_id")" = done ] && pass "the held job then ends done" ||
	fail "held job" "$(state_of "$c_id")"
[ -z "$(ls -A "$state/active")" ] && [ -z "$(find "$jobs_dir" -mindepth 1 -maxdepth 1 ! -name uploads)" ] &&
	pass "nothing left active, no job folder left on the proxy" ||
	fail "leftovers" "$(ls "$state/active") $(ls "$jobs_dir")"
finish
