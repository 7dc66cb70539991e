#!/usr/bin/env bash
# bench/console.sh: what the console costs while it follows N conversions,
# against what an admin would otherwise run to follow them.
#
#   bench/console.sh [N...]       N jobs at once (default: 10 50 100; for
#                                 500 give VI_BENCH_RATE=0.03, so that the
#                                 jobs outlast the windows: see
#                                 docs/benchmarks.md)
#
# For each N: N VMs (libvirt XML, files already on the proxy: "on_proxy",
# no upload) are imported through the lab's sshd on this machine, spread
# over N/64 (rounded up) saved proxies on that sshd (64 jobs each at most), queued in
# waves of VI_BENCH_WAVE (default 10) VMs, each wave by a `virt-import run`
# of its own once the one before converts (the first one drives them all;
# the others are stopped before anything is measured), with
# tests/lab/v2v-replay as virt-v2v: each job prints the recorded
# log of a real two-disk conversion (tests/unit/data/v2v/two-disks.log) at
# VI_BENCH_RATE (default 0.08) lines a second, held (V2V_REPLAY_HOLD) until
# all N are converting, so that every window below sees N jobs printing.
# Then, one window of VI_BENCH_WINDOW seconds (default 30) each:
#
#   console-watch   `virt-import` (the console, in a private tmux server,
#                   120x40, on view 4 Jobs) while `virt-import run` drives:
#                   the console reads the records the driver replaces
#   console-drive   the same console once `virt-import run` is killed (-9):
#                   it takes the lock over and follows every log itself over
#                   SSH, parses it and saves the records
#   watch-jobs      `watch -n1 virt-import jobs` (in the tmux server too):
#                   one `virt-import jobs` a second
#   ssh-tail        N `ssh proxy tail -f JOBDIR/log`, one per conversion
#
# Columns: CPU% of one core over the window (utime+stime from
# /proc/PID/stat; for watch-jobs with its reaped children; for ssh-tail
# summed over the N clients) and peak RSS in MiB (VmHWM; summed over the
# ssh clients; for watch-jobs watch's own plus one `virt-import jobs`
# measured with /usr/bin/time).  Only the following side is measured: the
# proxy's side (sshd, the followers' shells, the replays) runs on this
# machine too and is not counted.  The load average is printed with each
# row.  Nothing here is a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VI_BENCH_BIN:-$top/build/virt-import}
win=${VI_BENCH_WINDOW:-30}
rate=${VI_BENCH_RATE:-0.08}
wave=${VI_BENCH_WAVE:-10}
log=$top/tests/unit/data/v2v/two-disks.log
tmp=$(mktemp -d /tmp/vi-bench.XXXXXX)
sock=$tmp/tmux.sock
pids=()
# stop_jobs: kill -9 the remote jobs (leader and replay, one process group)
# whose pid file (PID STARTTIME) still names them, so `lab down` does not
# wait 10 s for each leader that traps SIGTERM.
stop_jobs() {
	local f p s
	for f in "$tmp"/n*/jobs/*/pid; do
		[ -f "$f" ] && read -r p s <"$f" || continue
		[ "$(awk '{ print $22 }' "/proc/$p/stat" 2>/dev/null)" = "$s" ] &&
			kill -9 -- "-$p" 2>/dev/null || true
	done
}
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	stop_jobs
	tmux -S "$sock" kill-server 2>/dev/null || true
	VI_LAB_DIR=$tmp/lab "$top/tests/lab/lab" down >/dev/null 2>&1 || true
	# A start script the killed driver had under way may have launched a
	# job while the lab went down.
	stop_jobs
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export VI_LAB_DIR=$tmp/lab
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export XDG_CONFIG_HOME="" XDG_STATE_HOME="" TZ=UTC
unset SSH_AUTH_SOCK TMUX
hz=$(getconf CLK_TCK)
"$top/tests/lab/lab" up --sshd >"$tmp/up" 2>&1 || { cat "$tmp/up"; exit 1; }
eval "$("$top/tests/lab/lab" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
mkdir -p "$tmp/bin"
ln -s "$top/tests/lab/v2v-replay" "$tmp/bin/virt-v2v"

# cpu [-c] PID...: utime+stime (-c: and of reaped children) in clock ticks,
# summed over the processes.
cpu() {
	local f='$12 + $13' p
	[ "$1" = -c ] && { f='$12 + $13 + $14 + $15'; shift; }
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		awk "{ sub(/.*\\) /, \"\"); s += $f } END { print s + 0 }"
}
# hwm PID...: VmHWM in KiB, summed.
hwm() {
	local p s=0 v
	for p in "$@"; do
		v=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
# window PID...: CPU% of one core over $win seconds (-c: with children).
window() {
	local c0 c1 t0 t1
	c0=$(cpu "$@")
	t0=$(date +%s.%N)
	sleep "$win"
	c1=$(cpu "$@")
	t1=$(date +%s.%N)
	echo "$c0 $c1 $t0 $t1" | awk -v hz="$hz" '{ printf "%.1f\n", ($2 - $1) / hz / ($4 - $3) * 100 }'
}
# tails_up K: at least K of the tail clients printed something.
tails_up() { [ "$(find "$d" -maxdepth 1 -name 'tail.*' -size +0 | wc -l)" -ge "$1" ]; }
# caught_up FILE: every job's local log is at least as long as its remote
# log was when FILE ("ID SIZE" lines) was written.
caught_up() {
	local id size now
	while read -r id size; do
		now=$(stat -c %s "$state/jobs/$id/log" 2>/dev/null || echo 0)
		[ "$now" -ge "$size" ] || return 1
	done <"$1"
}
# pane_proc SESSION: the PID of the program the pane runs (sh execs it).
pane_proc() {
	local p
	p=$(tmx display-message -p -t "$1" '#{pane_pid}')
	while case $(cat "/proc/$p/comm") in sh | bash | dash) true ;; *) false ;; esac; do
		p=$(ps -o pid= --ppid "$p" | head -n1 | tr -d ' ')
	done
	echo "$p"
}
load() { cut -d' ' -f1 /proc/loadavg; }
row() { printf '%-14s %5s %8s %8s %7s  %s\n' "$@"; }
tmx() { tmux -S "$sock" "$@"; }
screen() { tmx capture-pane -p -t "$1"; }
# wait_until SECONDS CMD...: poll CMD each half second; 1 once SECONDS
# have passed (by the clock: a CMD that is slow under load, as caught_up's
# 500 stats are, does not stretch the wait).
wait_until() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5
	done
}

row "" jobs "CPU %" "MiB" "load" "what"
tmx -f /dev/null new-session -d -s idle -x 120 -y 40 "sleep 100000"
tmx set-option -g status off >/dev/null
for n in "${@:-10 50 100}"; do
for n in $n; do
	d=$tmp/n$n
	export HOME=$d/home
	state=$HOME/.local/state/virt-import
	mkdir -p "$HOME" "$d/src" "$d/out" "$d/jobs"
	hold=$d/hold
	for k in $(seq 1 $(((n + 63) / 64))); do
		"$bin" proxy add "p$k" "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" \
			--user "$VI_LAB_SSH_USER" --key "$VI_LAB_SSH_KEY" --job-dir "$d/jobs" \
			--max-jobs 64 --env "PATH=$tmp/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
			--env "V2V_REPLAY_LOG=$log" --env "V2V_REPLAY_RATE=$rate" \
			--env "V2V_REPLAY_HOLD=$hold" >/dev/null
	done
	"$bin" proxy check p1 --accept-host-key "$fp" >/dev/null 2>&1 || true
	for i in $(seq 1 "$n"); do
		: >"$d/src/vm$i.img"
		cat >"$d/src/vm$i.xml" <<XML
<domain type='kvm'><name>vm$i</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$d/src/vm$i.img'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
XML
		truncate -s 1M "$d/src/vm$i.img"
	done
	# plan FILE FIRST LAST: the plan of VMs FIRST..LAST.
	plan() {
		jq -n --arg src "dir:$d/src" --arg out "$d/out" --argjson a "$2" --argjson b "$3" '{
			version: 1, source: { spec: $src, on_proxy: true }, proxy: "any",
			destination: { type: "local", directory: $out },
			vms: [ range($a; $b + 1) | { name: "vm\(.)" } ] }' >"$1"
	}
	# count STATE: jobs in that state.
	count() { cat "$state"/jobs/*/import.json 2>/dev/null | grep -c "\"state\": *\"$1\"" || true; }
	# converting K: K jobs are converting, or one failed.
	converting() { [ "$(count converting)" -ge "$1" ] || [ "$(count failed)" -gt 0 ]; }

	# The driver with the first wave, then each wave queued by a
	# `virt-import run` of its own once the one before converts (the
	# driver starts them; at most $wave jobs start at once).
	t0=$(date +%s)
	runs=()
	for first in $(seq 1 "$wave" "$n"); do
		last=$((first + wave - 1))
		[ "$last" -le "$n" ] || last=$n
		plan "$d/plan-$first.json" "$first" "$last"
		"$bin" run "$d/plan-$first.json" >"$d/run-$first.out" 2>"$d/run-$first.err" &
		runs+=($!)
		pids+=($!)
		if ! wait_until 3600 converting "$last" || [ "$(count failed)" -gt 0 ]; then
			echo "console.sh: not all of jobs 1..$last started converting:" >&2
			grep -h '"error"' "$state"/jobs/*/import.json | sort | uniq -c >&2
			exit 1
		fi
	done
	run=${runs[0]}
	# The other runs only watch: they go before anything is measured.
	for p in "${runs[@]:1}"; do kill -9 "$p"; wait "$p" 2>/dev/null || true; done
	started=$(($(date +%s) - t0))

	# The console, watching (run holds engine.lock), on view 4.
	cat >"$d/console.sh" <<RUN
#!/bin/sh
TERM=xterm-256color LANG=C.UTF-8 HOME='$HOME' XDG_STATE_HOME= XDG_CONFIG_HOME= TZ=UTC
export TERM LANG HOME XDG_STATE_HOME XDG_CONFIG_HOME TZ
exec '$bin' 2>'$d/console.err'
RUN
	tmx new-session -d -s "c$n" -x 120 -y 40 "sh $d/console.sh"
	con=$(pane_proc "c$n")
	pids+=("$con")
	wait_until 30 sh -c "tmux -S '$sock' capture-pane -p -t c$n | grep -qF '? helps'" || true
	tmx send-keys -t "c$n" 4
	if ! wait_until 120 sh -c "tmux -S '$sock' capture-pane -p -t c$n | grep -qF 'Jobs  $n running'"; then
		echo "console.sh: the console does not show $n running jobs:" >&2
		screen "c$n" >&2
		exit 1
	fi
	touch "$hold"
	sleep 5
	l=$(load)
	pct=$(window "$con")
	row console-watch "$n" "$pct" "$(($(hwm "$con") / 1024))" "$l" "$n started in ${started}s"

	# The console drives once run is gone.
	kill -9 "$run"
	wait "$run" 2>/dev/null || true
	if ! wait_until 60 sh -c "! flock -n '$state/engine.lock' true"; then
		echo "console.sh: the console did not take the jobs over" >&2
		exit 1
	fi
	# Every follower reconnected: each local copy of a log has caught up
	# with what its remote log held after the take-over.
	(cd "$d/jobs" && stat -c '%n %s' */log | sed 's|/log | |') >"$d/sizes"
	wait_until 600 caught_up "$d/sizes" || echo "  (the console did not catch up with every log)"
	l=$(load)
	pct=$(window "$con")
	row console-drive "$n" "$pct" "$(($(hwm "$con") / 1024))" "$l" ""

	# watch -n1 virt-import jobs.
	cat >"$d/watch.sh" <<RUN
#!/bin/sh
TERM=xterm-256color LANG=C.UTF-8 HOME='$HOME' XDG_STATE_HOME= XDG_CONFIG_HOME= TZ=UTC
export TERM LANG HOME XDG_STATE_HOME XDG_CONFIG_HOME TZ
exec watch -n1 '$bin' jobs
RUN
	tmx new-session -d -s "w$n" -x 120 -y 40 "sh $d/watch.sh"
	wpid=$(pane_proc "w$n")
	pids+=("$wpid")
	sleep 3
	l=$(load)
	pct=$(window -c "$wpid")
	/usr/bin/time -f '%M' -o "$d/jobs.time" "$bin" jobs >/dev/null 2>&1 || true
	row watch-jobs "$n" "$pct" "$((($(hwm "$wpid") + $(tail -n1 "$d/jobs.time")) / 1024))" "$l" ""
	kill "$wpid" 2>/dev/null || true

	# ssh-tail: one ssh per job's remote log, at most 16 connecting at once.
	tails=()
	for id in $(ls "$d/jobs"); do
		[ -e "$d/jobs/$id/log" ] || continue
		ssh -F "$VI_LAB_SSH_CONFIG" lab tail -n +1 -f "$d/jobs/$id/log" \
			>"$d/tail.$id" 2>&1 </dev/null &
		tails+=($!)
		pids+=($!)
		wait_until 120 tails_up $((${#tails[@]} - 16)) || true
	done
	wait_until 120 tails_up "${#tails[@]}" || true
	if [ "${#tails[@]}" -gt 0 ]; then
		sleep 3
		l=$(load)
		pct=$(window "${tails[@]}")
		row ssh-tail "$n" "$pct" "$(($(hwm "${tails[@]}") / 1024))" "$l" "${#tails[@]} clients"
		kill "${tails[@]}" 2>/dev/null || true
	else
		echo "  (no job's remote log was left to tail: the jobs ended)"
	fi

	still=$(cat "$state"/jobs/*/import.json | grep -c '"state": *"converting"' || true)
	[ "$still" -ge "$n" ] ||
		echo "  (only $still of $n jobs were still converting at the end: raise the windows' rate or shorten them)"
	tmx kill-session -t "c$n" 2>/dev/null || true
	tmx kill-session -t "w$n" 2>/dev/null || true
	kill -9 "$con" "$run" 2>/dev/null || true
	stop_jobs
	"$top/tests/lab/lab" down >/dev/null 2>&1 || true
	"$top/tests/lab/lab" up --sshd >"$tmp/up" 2>&1 || { cat "$tmp/up"; exit 1; }
	eval "$("$top/tests/lab/lab" env)"
	fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
	rm -rf "$d"
done
done
