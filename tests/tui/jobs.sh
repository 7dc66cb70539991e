# Console tier: the jobs view (4) and the log viewer.
#
# First without a proxy, on job records of "earlier runs" written here
# with fixed times and the clock fixed (VIRT_IMPORT_CLOCK, TZ=UTC), so the
# screens are exact: the empty state, the history at 80x24 and after a
# resize, a failed job's details, its log with a search; a retry queues a
# new job, which is cancelled.
#
# Then live, on the lab's sshd with tests/lab/v2v-replay as virt-v2v: the
# console drives the jobs two 'virt-import run' processes queue; the
# percentages move, a running job is cancelled after the confirmation, a
# failed one shows virt-v2v's error and is retried, and the log viewer
# follows a conversion, searches it and stops and resumes following.
# Live screens change with every run: they are checked with grep.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl
. "$VI_TOP/tests/tui/tmux.lib"

export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME="" TZ=UTC
export VIRT_IMPORT_CLOCK=1767268800	# 2026-01-01 12:00:00 UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID
trap tui_stop EXIT

# jobs_expect NAME: tui_expect with this run's temporary folder (in the
# log's path, the last word of its line) masked.
jobs_expect() {
	_want="$VI_TOP/tests/tui/screens/$1"
	tui_screen | sed "s|$VI_TMP[^ ]*|<tmp>|g" >"$VI_TMP/screen.$1"
	if [ "${VI_UPDATE_SCREENS:-}" = 1 ]; then
		cp "$VI_TMP/screen.$1" "$_want"
		pass "$1 (screen rewritten)"
	elif diff -u "$_want" "$VI_TMP/screen.$1"; then
		pass "$1"
	else
		fail "$1" "the screen differs from tests/tui/screens/$1 (diff above)"
	fi
}
state=$HOME/.local/state/virt-import
failure_log=$VI_TOP/tests/unit/data/v2v/missing-disk.log
success_log=$VI_TOP/tests/unit/data/v2v/two-disks.log

# --- no jobs at all ----------------------------------------------------------
tui_start 80 24 --demo
tui_wait "? helps" >/dev/null
tui_keys 4
if tui_wait "No jobs: add VMs (2), plan them (3), Start."; then
	tui_expect jobs-empty
else
	fail jobs-empty "no hint on an empty jobs view"
fi
tui_keys q
tui_exit quit-empty
tui_stop

# --- earlier runs: records written as the engine writes them -----------------
# record ID VM STATE CREATED STARTED ENDED PHASE ERROR [EXTRA-JQ]
record() {
	mkdir -p "$state/jobs/$1"
	jq -n --arg id "$1" --arg vm "$2" --arg st "$3" --argjson c "$4" \
		--argjson s "$5" --argjson e "$6" --arg ph "$7" --arg err "$8" \
		--arg src "dir:/srv/vms" --arg out "/srv/out" '{
		version: 1, id: $id, run: "20260101-100000-000000000000",
		source: "/srv/vms", vm: $vm, target: $vm, proxy: "lab",
		proxies: ["lab"], state: $st, phase: $ph, disk: 1, disks: 2,
		percent: 40, created: $c, started: $s, ended: $e,
		error: (if $err == "" then null else $err end), warnings: [],
		host_limit: 0, size: 21474836480,
		command: ("virt-v2v -i libvirtxml " + $vm + ".xml -o local -os /out"),
		remote: true, cancel: false, output_disks: [], result: null,
		plan: { version: 1, source: { spec: $src }, proxy: "lab",
			destination: { type: "local", directory: $out },
			vms: [ { name: $vm } ] } }'"${9:+ | $9}" >"$state/jobs/$1/import.json"
}
t0=1767261600	# 10:00
record 20260101-100000-aaaaaaaaaaa1 web01 done $t0 $((t0 + 5)) $((t0 + 905)) Done "" \
	'.disk = 2 | .percent = 100 | .result = "/srv/out/web01.xml written, 2 disks read back"
	 | .output_disks = [ { path: "/srv/out/web01-sda", format: "qcow2", virtual_size: 10737418240, actual_size: 2147483648 },
	                     { path: "/srv/out/web01-sdb", format: "qcow2", virtual_size: 10737418240, actual_size: 1073741824 } ]'
record 20260101-101000-aaaaaaaaaaa2 db01 failed $((t0 + 600)) $((t0 + 605)) $((t0 + 640)) \
	"Setting up the source" "nbdkit did not start up.  There may be errors printed by nbdkit above.

If the messages above are not sufficient to diagnose the problem then add the 'virt-v2v -v -x' options and examine the debugging output carefully."
cp "$failure_log" "$state/jobs/20260101-101000-aaaaaaaaaaa2/log"
record 20260101-102000-aaaaaaaaaaa3 'mail $(reboot)' cancelled $((t0 + 1200)) $((t0 + 1205)) $((t0 + 1260)) \
	Cancelling ""

tui_start 80 24 --demo
tui_wait "? helps" >/dev/null
tui_keys 4
if tui_wait "3 from earlier runs"; then
	tui_expect jobs-history
else
	fail jobs-history "the jobs of earlier runs are not listed"
fi
if tui_screen | grep -qF 'mail $(reboot)'; then
	pass history-hostile-name
else
	fail history-hostile-name "the VM named 'mail \$(reboot)' is not shown as text"
fi
tui_resize 120 30
if tui_wait "RATE" && [ "$(tui_screen | wc -l)" -eq 30 ]; then
	tui_expect jobs-history-wide
else
	fail jobs-history-wide "at 120 columns the table did not show every column"
fi
tui_resize 80 24
tui_wait "3/3" >/dev/null
# The failed job (second newest), its facts: the error and what to do.
tui_keys g j i
if tui_wait "error   nbdkit did not start up."; then
	jobs_expect jobs-details
else
	fail jobs-details "i did not show the failed job's error"
fi
tui_keys i
# Its log: what the local copy holds, then a search.
tui_keys Enter
if tui_wait "db01  job 20260101-101000-aaaaaaaaaaa2"; then
	tui_expect jobs-log
else
	fail jobs-log "Enter did not open the log of the job"
fi
tui_keys / nbdkit Enter
if tui_wait "'nbdkit' at line 3." && tui_screen | grep -q 'paused: G follows'; then
	pass log-search
else
	fail log-search "/nbdkit did not find line 3"
fi
tui_keys n
tui_wait "'nbdkit' at line 4." && tui_keys n && tui_wait "'nbdkit' at line 5." &&
	tui_keys n && tui_wait "'nbdkit' at line 3 (the search went round the end)." &&
	tui_keys N && tui_wait "'nbdkit' at line 5 (the search went round the end)." &&
	pass log-search-next || fail log-search-next "n did not go to the next match and round"
tui_keys / zzzz-nowhere Enter
tui_wait "'zzzz-nowhere' is not in the log" && pass log-search-missing ||
	fail log-search-missing "a search for missing text did not say so"
tui_keys Escape
tui_wait "3 from earlier runs" && pass log-back-esc || fail log-back-esc "Esc did not go back to the jobs"
tui_keys Enter
tui_wait "db01  job 20260101-101000-aaaaaaaaaaa2" >/dev/null
tui_keys 4
tui_wait "3 from earlier runs" && pass log-back-4 || fail log-back-4 "4 did not go back to the jobs"
# c on an ended job says so; R on the done one refuses, on the failed one
# asks, then queues a new job (no proxy 'lab' exists: it waits), which c
# cancels after asking.
tui_keys c
tui_wait "has already ended: failed" && pass cancel-ended || fail cancel-ended "c on an ended job"
tui_keys j R
tui_wait "VM 'web01' was done: the VM is at" && pass retry-done-refused || fail retry-done-refused "R on a done job"
tui_keys k R
if tui_wait "Retry job" && tui_keys y && tui_wait "Queued VM 'db01' again: job 2" &&
	tui_wait "0 running  1 queued"; then
	pass retry-queues
else
	fail retry-queues "R then y did not queue a new job"
fi
new=$(ls "$state/active" 2>/dev/null | head -n1)
if [ -n "$new" ] && jq -e '.vm == "db01" and .state == "queued" and (.plan.vms[0].name == "db01")' \
	"$state/jobs/$new/import.json" >/dev/null; then
	pass retry-record
else
	fail retry-record "no queued record for db01 with its plan"
fi
tui_keys c
if tui_wait "Cancel job" && tui_keys y && tui_wait "Cancelling VM 'db01' (job $new)" &&
	tui_wait "0 running  0 queued  1 ended"; then
	pass cancel-queued
else
	fail cancel-queued "c then y did not cancel the queued retry"
fi
tui_keys q
tui_exit quit-history
tui_stop
rm -rf "$state"

# --- live: the console drives what 'virt-import run' queues ----------------
export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
trap 'tui_stop; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
mkdir -p "$VI_TMP/bin" "$VI_TMP/src" "$VI_TMP/out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
addproxy() { # NAME LOG RATE RC
	"$VI_BIN" proxy add "$1" "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 2 --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$2" --env "V2V_REPLAY_RATE=$3" --env "V2V_REPLAY_RC=$4" >/dev/null &&
	"$VI_BIN" proxy check "$1" --accept-host-key "$fp" >/dev/null 2>&1
}
addproxy lab "$success_log" 2 0 && addproxy slow "$success_log" 1 0 &&
	addproxy bad "$failure_log" 10 1 || fail proxies "the lab's proxies could not be added"
guest() { lab_guest "$VI_TMP/src" "$1" "$1" "$2"; } # NAME MIB
plan() { # FILE PROXY VM
	jq -n --arg src "dir:$VI_TMP/src" --arg out "$VI_TMP/out" --arg p "$2" --arg vm "$3" '{
		version: 1, source: { spec: $src }, proxy: $p,
		destination: { type: "local", directory: $out },
		vms: [ { name: $vm } ] }' >"$1"
}
guest big 40
guest small 8
guest mid 20
plan "$VI_TMP/big.json" lab big
plan "$VI_TMP/small.json" slow small
plan "$VI_TMP/mid.json" bad mid

tui_start 80 24 --demo
tui_wait "? helps" >/dev/null
tui_keys 4
tui_wait "No jobs" >/dev/null
for p in big small mid; do
	"$VI_BIN" run "$VI_TMP/$p.json" >"$VI_TMP/run-$p.out" 2>"$VI_TMP/run-$p.err" &
	eval "run_$p=\$!"
done
if wait_for 600 row_has big converting && wait_for 600 row_has small converting; then
	pass live-rows
else
	cat "$VI_TMP"/run-*.err
	fail live-rows "the queued jobs did not show converting"
fi
# The percentages move (two disks: 0% to 100% in steps).
seen=""
for _i in $(seq 600); do
	pct=$(row big | grep -o '[0-9]*%' | head -n1)
	case " $seen " in *" $pct "*) ;; *) [ -n "$pct" ] && seen="$seen $pct" ;; esac
	[ "$(echo $seen | wc -w)" -ge 3 ] && break
	sleep 0.1
done
if [ "$(echo $seen | wc -w)" -ge 3 ]; then
	pass "live-progress ($seen)"
else
	fail live-progress "big's percentage did not move: '$seen'"
fi
# The log viewer follows big's conversion as it goes.
goto big
tui_keys Enter
tui_wait "big  job " >/dev/null
total() { tui_screen | sed -n 2p | awk '{print $NF}' | sed 's|.*/||'; }
first=$(total)
if wait_for 300 sh -c "[ \"\$(tmux -S '$TMUX_SOCK' capture-pane -p | sed -n 2p | awk '{print \$NF}' | sed 's|.*/||')\" -gt '${first:-0}' ]" &&
	screen_has following; then
	pass "log-follows (from $first lines)"
else
	fail log-follows "the log did not grow while following"
fi
tui_keys k
tui_wait "paused: G follows" >/dev/null && tui_keys G && tui_wait "following" >/dev/null &&
	pass log-pause-resume || fail log-pause-resume "k did not pause or G did not follow again"
tui_keys / "inspecting the source" Enter
tui_wait "'inspecting the source' at line" && screen_has "Inspecting the source" &&
	pass log-live-search || fail log-live-search "the search did not find virt-v2v's line"
tui_keys Escape
tui_wait "LAST MESSAGE" >/dev/null
# Cancel the slow one while it converts, after the confirmation.
goto small
tui_keys c
if tui_wait "Cancel job" && tui_keys n && tui_wait "LAST MESSAGE" && row_has small converting &&
	tui_keys c && tui_wait "Cancel job" && tui_keys y && wait_for 300 row_has small cancelled; then
	pass live-cancel
else
	row small
	fail live-cancel "n kept it, y should have cancelled it"
fi
# The failed one: virt-v2v's error, then a retry.
if wait_for 600 row_has mid failed && row_has mid "nbdkit did not"; then
	pass live-failed
else
	fail live-failed "mid did not fail with virt-v2v's error"
fi
goto mid
tui_keys i
tui_wait "error   nbdkit did not start up." && pass live-details || fail live-details "no error in the details"
tui_keys i R
if tui_wait "Retry job" && tui_keys y && tui_wait "Queued VM 'mid' again" &&
	wait_for 300 sh -c "[ \$(tmux -S '$TMUX_SOCK' capture-pane -p | awk 'NR > 3 && \$1 == \"mid\"' | wc -l) -eq 2 ]"; then
	pass live-retry
else
	fail live-retry "R did not queue mid again"
fi
wait_for 900 screen_has "0 running  0 queued" && pass live-settle || fail live-settle "jobs did not end"
[ "$(row mid | grep -c failed)" -eq 2 ] && pass live-retry-ran || fail live-retry-ran "$(row mid)"
tui_keys q
tui_exit quit-live
wait "$run_big" "$run_small" "$run_mid" 2>/dev/null
finish
