# Console tier: two consoles at once on one state folder, with a third
# virt-import (the command line) beside them.
#
# - Saved sources changed elsewhere (the command line, the other console)
#   show in both consoles without a key, but never under an open form; an
#   edit of a source changed meanwhile is refused rather than saved over it.
# - Jobs queued by 'virt-import run' are driven by the first console and
#   shown live by the second; the first says when its connection to the
#   proxy drops and comes back; a cancel asked in the second is carried
#   out by the first.
# - The first console quits while a job converts: the second takes over
#   and finishes it, with every byte of the log read once.
# - Two batches of one VM that arrive together: the queue's lock lets one
#   in and refuses the other, saying which job has the VM.
# At the end the state folder holds no half-written file.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen flock
. "$VI_TOP/tests/tui/tmux.lib"

export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME="" TZ=UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID
state=$HOME/.local/state/virt-import
success_log=$VI_TOP/tests/unit/data/v2v/two-disks.log

stop_all() {
	tui_use A; tui_stop
	tui_use B; tui_stop
}
export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
trap 'stop_all; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
mkdir -p "$VI_TMP/bin" "$VI_TMP/src" "$VI_TMP/out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
addproxy() { # NAME RATE
	"$VI_BIN" proxy add "$1" "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 4 \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$success_log" --env "V2V_REPLAY_RATE=$2" >/dev/null &&
		"$VI_BIN" proxy check "$1" --accept-host-key "$fp" >/dev/null 2>&1 ||
		fail proxy "the lab's proxy $1 could not be added"
}
# 'one' converts slowly (72 s), so it is still converting when A quits.
addproxy lab 1
addproxy slow 0.5
for g in one two three; do lab_guest "$VI_TMP/src" "$g" "$g" 8; done
"$VI_BIN" provider add lab-dir "dir:$VI_TMP/src" >/dev/null || fail provider "provider add"
plan() { # FILE VM PROXY
	jq -n --arg src "dir:$VI_TMP/src" --arg out "$VI_TMP/out" --arg vm "$2" --arg p "$3" '{
		version: 1, source: { spec: $src }, proxy: $p,
		destination: { type: "local", directory: $out },
		vms: [ { name: $vm } ] }' >"$1"
}
plan "$VI_TMP/one.json" one slow
plan "$VI_TMP/two.json" two lab
plan "$VI_TMP/three.json" three lab

# on NAME CMD...: CMD with console NAME's screen.
on() { tui_use "$1"; shift; "$@"; }

# --- both consoles on the saved sources ----------------------------------
# A is wide enough for the status line's longest messages.
tui_use A
tui_start 200 30
tui_wait "lab-dir" >/dev/null
tui_use B
tui_start 100 30
if tui_wait "lab-dir" && on A tui_wait "lab-dir"; then
	pass both-open
else
	fail both-open "the second console did not open beside the first"
fi

# A third virt-import saves a source: both consoles show it, no key typed.
"$VI_BIN" provider add elsewhere "dir:$VI_TMP/out" >/dev/null
if wait_for 100 on A screen_has elsewhere && wait_for 100 on B screen_has elsewhere &&
	on B screen_has "changed by another virt-import"; then
	pass saved-change-shows
else
	on A tui_screen
	fail saved-change-shows "a source saved by the command line did not show in both consoles"
fi
# A form open in A is left alone; the lists catch up once it closes.  That
# A did not read them again is a negative: it is checked once A has had
# more than its one-second look since B saw the change.
on A tui_keys Tab a
on A tui_wait "Add a proxy" >/dev/null || on A tui_wait "Name" >/dev/null
"$VI_BIN" provider remove elsewhere >/dev/null
if wait_for 100 sh -c "! tmux -S '$VI_TMP/tmux-B.sock' capture-pane -p | grep -qF elsewhere" &&
	sleep 1.5 && on A screen_has "Known hosts" && ! on A screen_has "changed by another"; then
	pass saved-change-not-under-form
else
	on A tui_screen
	fail saved-change-not-under-form "B did not drop the source, or A's form was closed"
fi
on A tui_keys Escape
if wait_for 100 sh -c "! tmux -S '$VI_TMP/tmux-A.sock' capture-pane -p | grep -qF elsewhere"; then
	pass saved-change-after-form
else
	on A tui_screen
	fail saved-change-after-form "A still lists the removed source after its form closed"
fi

# An edit in A of a source the command line changed meanwhile is refused,
# and the other change stays.
on A tui_keys Tab e
on A tui_wait "Edit source 'lab-dir'" >/dev/null
"$VI_BIN" provider add lab-dir "dir:$VI_TMP/out" --replace >/dev/null
on A tui_keys s
if on A tui_wait "source 'lab-dir' was changed by another virt-import while you edited it, so nothing was saved" &&
	"$VI_BIN" provider list --json | jq -e --arg s "dir:$VI_TMP/out" '.providers[] | select(.name == "lab-dir") | .source == $s' >/dev/null; then
	pass edit-conflict-refused
else
	"$VI_BIN" provider list
	fail edit-conflict-refused "A's save went over the command line's change"
fi
on A tui_keys Escape
"$VI_BIN" provider add lab-dir "dir:$VI_TMP/src" --replace >/dev/null

# --- jobs: A drives, B watches ---------------------------------------------
on A tui_keys 4
on B tui_keys 4
on A tui_wait "No jobs" >/dev/null
on B tui_wait "No jobs" >/dev/null
"$VI_BIN" run "$VI_TMP/one.json" >"$VI_TMP/run-one.out" 2>"$VI_TMP/run-one.err" &
run_one=$!
"$VI_BIN" run "$VI_TMP/two.json" >"$VI_TMP/run-two.out" 2>"$VI_TMP/run-two.err" &
run_two=$!
if wait_for 600 on A row_has one converting && wait_for 600 on A row_has two converting &&
	wait_for 100 on B row_has one converting && wait_for 100 on B row_has two converting; then
	pass jobs-in-both
else
	cat "$VI_TMP"/run-*.err
	on B tui_screen
	fail jobs-in-both "the jobs did not show converting in both consoles"
fi
# B moves with A: the last message B shows for 'one' changes while A drives
# (times left out: B counts the elapsed time itself).
notime() { sed -E 's/[0-9]+m[0-9]+s|[0-9]+s//g'; }
r0=$(on B row one | notime)
moved() { [ "$(on B row one | notime)" != "$r0" ]; }
if wait_for 300 moved; then
	pass watcher-follows
else
	fail watcher-follows "B's row for 'one' stayed at: $r0"
fi

# The connections A follows the jobs on drop (their sshd processes killed):
# A's status line says so and that the conversions go on, then that it is
# following again.
for p in $(ps -o pid= --ppid "$VI_LAB_SSHD_PID"); do kill -KILL "$p"; done
# The reconnect may come within a second: its message keeps the reason.
if wait_for 600 on A screen_has "reconnected, following its jobs again; no output was lost" &&
	on A screen_has "broke"; then
	pass connection-drop-shown
else
	on A tui_screen
	fail connection-drop-shown "A did not say the connection broke and came back"
fi

# The 'run' processes only watch (A drives): stopping them loses nothing,
# and leaves B the only one to take over from A below.
kill -TERM $run_one $run_two 2>/dev/null
wait $run_one $run_two 2>/dev/null

# Cancel 'two' in B: A, the driver, carries it out.
tui_use B
goto two
tui_keys c
if tui_wait "Cancel job" && tui_keys y && wait_for 300 row_has two cancelled &&
	wait_for 100 on A row_has two cancelled; then
	pass cancel-from-watcher
else
	on A row two
	fail cancel-from-watcher "a cancel asked in B was not carried out"
fi

# --- A quits while 'one' converts: B takes over and finishes it -------------
id_one=$("$VI_BIN" jobs --json | jq -r '.[] | select(.vm == "one") | .id')
if on A row_has one converting; then
	on A tui_keys q
	on A tui_wait "Jobs are under way" >/dev/null && on A tui_keys y
	on A tui_exit quit-driver
else
	fail quit-driver "'one' ended before the driver could quit: $(on A row one)"
fi
# The replay writes no disks, so the job ends failed in the read-back, the
# step after the conversion: B carried it through to the end.
if wait_for 900 on B row_has one failed &&
	"$VI_BIN" jobs --json | jq -e --arg id "$id_one" \
		'.[] | select(.id == $id) | .error | test("one.xml: No such file")' >/dev/null; then
	pass takeover-finishes
else
	on B tui_screen
	fail takeover-finishes "B did not carry the job A left to its end"
fi
# The local copy of the log is the replayed log, every byte once.
if cmp -s "$state/jobs/$id_one/log" "$success_log"; then
	pass takeover-log-once
else
	fail takeover-log-once "the job's log differs from what virt-v2v printed"
fi

# --- two batches of one VM at once: one gets it ------------------------------
# Hold the queue's lock while both arrive, so both pass pre-flight and wait
# at the same point; then let them go.
# holds_lock PID: PID has the queue's lock file open (waiting for it).
holds_lock() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'queue\.lock$'; }
exec 9>"$state/queue.lock"
flock 9
"$VI_BIN" run "$VI_TMP/three.json" >"$VI_TMP/r1.out" 2>"$VI_TMP/r1.err" 9>&- &
r1=$!
"$VI_BIN" run "$VI_TMP/three.json" >"$VI_TMP/r2.out" 2>"$VI_TMP/r2.err" 9>&- &
r2=$!
if wait_for 600 holds_lock $r1 && wait_for 600 holds_lock $r2 &&
	[ -z "$(ls "$state/active")" ]; then
	pass queue-waits-for-lock
else
	fail queue-waits-for-lock "the batches did not wait for the queue's lock: active $(ls "$state/active")"
fi
flock -u 9
exec 9>&-
wait $r1; rc1=$?
wait $r2; rc2=$?
njobs=$("$VI_BIN" jobs --json | jq '[.[] | select(.vm == "three")] | length')
# The one let in ran its job to the end (the replay's read-back failure,
# status 1); the other was refused before queueing anything.
nq=$(cat "$VI_TMP"/r1.err "$VI_TMP"/r2.err | grep -c "^queued .* for VM 'three'")
if [ "$njobs" = 1 ] && [ "$nq" = 1 ] && [ $rc1 = 1 ] && [ $rc2 = 1 ] &&
	cat "$VI_TMP"/r1.err "$VI_TMP"/r2.err | grep -q "VM 'three' (job .*) is locked: its job is importing it"; then
	pass one-vm-one-job
else
	cat "$VI_TMP"/r1.err "$VI_TMP"/r2.err
	fail one-vm-one-job "jobs for 'three': $njobs, exit statuses $rc1 and $rc2"
fi

# --- nothing half-written ----------------------------------------------------
wait_for 300 on B screen_has "0 running  0 queued" >/dev/null
left=$(find "$state" "$HOME/.config/virt-import" -name '*.tmp*' 2>/dev/null)
bad=0
for f in "$state"/jobs/*/import.json; do jq -e .id "$f" >/dev/null 2>&1 || bad=$((bad + 1)); done
if [ -z "$left" ] && [ $bad = 0 ] && [ -z "$(ls "$state/active")" ]; then
	pass state-whole
else
	fail state-whole "temporary files: '$left'; unreadable records: $bad; active: $(ls "$state/active")"
fi
on B tui_keys q
on B tui_exit quit-watcher
finish
