#!/usr/bin/env bash
# bench/history.sh: start-up with N finished jobs in the history.
#
#   bench/history.sh [N]      N finished jobs (default 10000)
#
# Two real jobs are run first through a saved local proxy (`proxy add
# --local`: this machine over virt-import's own sshd -i) with
# tests/lab/v2v-replay as virt-v2v, to have the engine write its records:
#   done    the recorded log of a real conversion (libvirtxml-qcow2.log),
#           held until the bench has laid what virt-v2v would leave in the
#           output folder (a domain XML and an empty 1 GiB qcow2), so the
#           read-back succeeds: result and output disks recorded
#   failed  the recorded log of a failed one (missing-disk.log, status 1):
#           virt-v2v's error recorded
# Their folders ($XDG_STATE_HOME/virt-import/jobs/ID/{import.json,job.json,
# log}) are then copied N times, 9 done for 1 failed, in runs of 100 jobs
# a day apart, with new ids (time + 48 bits, unique), runs, VM names and
# times; every other byte is the engine's (runs/RUN.json too).
#
# Measured on that state folder and on an empty one:
#   first screen  `virt-import` (the console, in a private tmux server,
#                 120x40) from its start until its first screen shows
#   jobs listed   from pressing 4 until the Jobs view's title counts all N
#                 (earlier runs are read on a worker thread)
#   console MiB   the console's peak RSS (VmHWM) once they are listed
#   jobs s/MiB    `virt-import jobs` (the CLI table of all of them) wall
#                 seconds and peak RSS
#   grep s        the baseline: `grep -h '"state"' jobs/*/import.json`,
#                 the quickest look at every job's state by hand
# VI_BENCH_KEEP=DIR keeps a copy of the two template folders in DIR.
# Times are wall-clock on this machine, polled every 20 ms (the screen)
# and the best of VI_BENCH_TRIES (default 3); nothing here is a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VI_BENCH_BIN:-$top/build/virt-import}
n=${1:-10000}
tries=${VI_BENCH_TRIES:-3}
tmp=$(mktemp -d /tmp/vi-bench.XXXXXX)
sock=$tmp/tmux.sock
cleanup() {
	[ -n "${run:-}" ] && kill -9 "$run" 2>/dev/null
	tmux -S "$sock" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export HOME=$tmp/home XDG_CONFIG_HOME="" XDG_STATE_HOME="" TZ=UTC
unset SSH_AUTH_SOCK TMUX
state=$HOME/.local/state/virt-import
mkdir -p "$HOME" "$tmp/bin" "$tmp/src" "$tmp/out" "$tmp/jobs"
ln -s "$top/tests/lab/v2v-replay" "$tmp/bin/virt-v2v"
data=$top/tests/unit/data/v2v

# wait_until SECONDS CMD...: poll CMD every 0.1 s; 1 on timeout.
wait_until() {
	local tries_=$(($1 * 10))
	shift
	while [ "$tries_" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries_=$((tries_ - 1))
	done
	return 1
}

# --- the two template jobs -------------------------------------------------
# tmpl NAME LOG RC: one job of VM hist-NAME through proxy p-NAME, held.
tmpl() {
	local s=$1
	set -- "hist-$s" "$2" "$3"
	"$bin" proxy add "p-$s" --local --job-dir "$tmp/jobs" \
		--env "PATH=$tmp/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$data/$2" --env "V2V_REPLAY_RATE=50" \
		--env "V2V_REPLAY_RC=$3" --env "V2V_REPLAY_HOLD=$tmp/hold-$s" >/dev/null
	truncate -s 8M "$tmp/src/$1.img"
	cat >"$tmp/src/$1.xml" <<XML
<domain type='kvm'><name>$1</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$tmp/src/$1.img'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
XML
	jq -n --arg src "xml:$tmp/src/$1.xml" --arg out "$tmp/out" --arg vm "$1" '{
		version: 1, source: { spec: $src }, proxy: ("p-" + ($vm | ltrimstr("hist-"))),
		destination: { type: "local", directory: $out },
		defaults: { format: "qcow2" }, vms: [ { name: $vm } ] }' >"$tmp/$s.json"
	"$bin" run "$tmp/$s.json" >"$tmp/$s.out" 2>"$tmp/$s.err" &
	run=$!
	if ! wait_until 600 sh -c "grep -qs '\"state\": *\"converting\"' '$state'/jobs/*/import.json"; then
		cat "$tmp/$s.err" >&2
		exit 1
	fi
}
tmpl done libvirtxml-qcow2.log 0
cat >"$tmp/out/hist-done.xml" <<XML
<domain type='kvm'><name>hist-done</name><memory unit='KiB'>524288</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$tmp/out/hist-done-sda'/><target dev='sda' bus='virtio'/></disk>
</devices></domain>
XML
qemu-img create -q -f qcow2 "$tmp/out/hist-done-sda" 1G
touch "$tmp/hold-done"
wait "$run" || { cat "$tmp/done.err" >&2; exit 1; }
tmpl failed missing-disk.log 1
touch "$tmp/hold-failed"
wait "$run" && { echo "history.sh: the failed template succeeded" >&2; exit 1; }
run=
for s in done failed; do
	id=$(grep -l "\"vm\": *\"hist-$s\"" "$state"/jobs/*/import.json | head -n1)
	id=$(basename "$(dirname "$id")")
	grep -q "\"state\": *\"$s\"" "$state/jobs/$id/import.json" || {
		echo "history.sh: template job $id is not $s" >&2
		cat "$state/jobs/$id/import.json" >&2
		exit 1
	}
	mv "$state/jobs/$id" "$tmp/tmpl-$s"
	echo "$id" >"$tmp/tmpl-$s.id"
done
run0=$(jq -r .run "$tmp/tmpl-done/import.json")
mv "$state/runs/$run0.json" "$tmp/tmpl-run.json"
rm -rf "$state/runs" "$state/jobs" "$state/active"
keep=${VI_BENCH_KEEP:-}
[ -z "$keep" ] || cp -r "$tmp/tmpl-done" "$tmp/tmpl-failed" "$keep"/
mkdir -p "$state/jobs" "$state/runs"
[ -z "$(ls "$tmp/jobs" | grep -vx uploads)" ] || echo "  (left on the proxy: $(ls "$tmp/jobs"))"

# --- N copies ---------------------------------------------------------------
perl - "$n" "$tmp" "$state" <<'PERL'
use strict;
use warnings;
my ($n, $tmp, $state) = @ARGV;
sub slurp { local $/; open(my $f, '<:raw', $_[0]) or die "$_[0]: $!\n"; my $t = <$f>; close($f); $t }
sub spew { open(my $f, '>:raw', $_[0]) or die "$_[0]: $!\n"; print $f $_[1]; close($f) or die "$_[0]: $!\n" }
my %t;
for my $s (qw(done failed)) {
	my $id = slurp("$tmp/tmpl-$s.id"); chomp $id;
	$t{$s} = { id => $id, map { $_ => slurp("$tmp/tmpl-$s/$_") } qw(import.json job.json log) };
	$t{$s}{run} = $1 if $t{$s}{'import.json'} =~ /"run":\s*"([^"]+)"/;
	($t{$s}{c0}) = $t{$s}{'import.json'} =~ /"created":\s*(\d+)/;
}
my $plan = slurp("$tmp/tmpl-run.json");
my $run0 = $t{done}{run};
my $t0 = time() - int($n / 100 + 1) * 86400;
my %seen;
sub stamp { my @g = gmtime($_[0]); sprintf("%04d%02d%02d-%02d%02d%02d", $g[5] + 1900, $g[4] + 1, @g[3, 2, 1, 0]) }
my $run;
for my $i (0 .. $n - 1) {
	my $s = $i % 10 == 9 ? 'failed' : 'done';
	my $tp = $t{$s};
	my $created = $t0 + int($i / 100) * 86400 + $i % 100;
	my $id;
	do { $id = stamp($created) . '-' . join('', map { sprintf '%02x', int(rand(256)) } 1 .. 6) } while $seen{$id}++;
	if ($i % 100 == 0) {
		$run = stamp($created) . '-' . join('', map { sprintf '%02x', int(rand(256)) } 1 .. 6);
		my $p = $plan;
		spew("$state/runs/$run.json", $p);
	}
	my $vm = sprintf("vm%05d", $i + 1);
	mkdir("$state/jobs/$id", 0700) or die "$id: $!\n";
	for my $f (qw(import.json job.json)) {
		my $x = $tp->{$f};
		$x =~ s/\Q$tp->{id}\E/$id/g;
		$x =~ s/\Q$tp->{run}\E/$run/g;
		# The VM's name, wherever it appears (target, files, plan).
		$x =~ s/hist-$s/$vm/g;
		# Times: moved by as much as the job's creation.
		$x =~ s/("(?:created|started|ended)":\s*)(\d+)/$1 . ($2 - $tp->{c0} + $created)/ge;
		spew("$state/jobs/$id/$f", $x);
	}
	spew("$state/jobs/$id/log", $tp->{log});
}
PERL
chmod -R go-rwx "$state"
got=$("$bin" jobs --json | jq 'length')
[ "$got" = "$n" ] || { echo "history.sh: virt-import jobs lists $got jobs, not $n" >&2; exit 1; }
"$bin" jobs --json | jq -e '[.[] | .state] | (map(select(. == "done")) | length) > 0' >/dev/null

# --- measures ----------------------------------------------------------------
tmx() { tmux -S "$sock" "$@"; }
now() { date +%s.%N; }
# upto TEXT: poll the screen every 20 ms until TEXT shows (120 s at most).
upto() {
	local k=6000
	while [ "$k" -gt 0 ]; do
		tmx capture-pane -p -t c 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.02
		k=$((k - 1))
	done
	echo "history.sh: '$1' did not show:" >&2
	tmx capture-pane -p -t c >&2
	return 1
}
cat >"$tmp/console.sh" <<RUN
#!/bin/sh
TERM=xterm-256color LANG=C.UTF-8 HOME='$HOME' XDG_STATE_HOME= XDG_CONFIG_HOME= TZ=UTC
export TERM LANG HOME XDG_STATE_HOME XDG_CONFIG_HOME TZ
exec '$bin' 2>'$tmp/console.err'
RUN
tmx -f /dev/null new-session -d -s idle -x 120 -y 40 "sleep 100000"
tmx set-option -g status off >/dev/null

# measure LABEL WANT: print one row; WANT is the Jobs view's title text.
measure() {
	local i first=999 listed=999 a b mib=0 p js=999 jm=0 gs=999 w m
	for i in $(seq 1 "$tries"); do
		a=$(now)
		tmx new-session -d -s c -x 120 -y 40 "sh $tmp/console.sh"
		upto "? helps"
		b=$(now)
		first=$(echo "$b $a $first" | awk '{ d = $1 - $2; print d < $3 ? d : $3 }')
		a=$(now)
		tmx send-keys -t c 4
		upto "$2"
		b=$(now)
		listed=$(echo "$b $a $listed" | awk '{ d = $1 - $2; print d < $3 ? d : $3 }')
		p=$(tmx display-message -p -t c '#{pane_pid}')
		m=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status")
		[ "$m" -gt "$mib" ] && mib=$m
		tmx send-keys -t c q
		wait_until 30 sh -c "! tmux -S '$sock' has-session -t c 2>/dev/null" || tmx kill-session -t c
		/usr/bin/time -f '%e %M' -o "$tmp/jobs.time" "$bin" jobs >/dev/null 2>&1
		read -r w m <"$tmp/jobs.time"
		js=$(echo "$w $js" | awk '{ print $1 < $2 ? $1 : $2 }')
		[ "$m" -gt "$jm" ] && jm=$m
		a=$(now)
		grep -h '"state"' "$state"/jobs/*/import.json >/dev/null 2>&1 || true
		b=$(now)
		gs=$(echo "$b $a $gs" | awk '{ d = $1 - $2; print d < $3 ? d : $3 }')
	done
	printf '%-16s %8.2f %8.2f %8d %8.2f %8d %8.2f  %s\n' "$1" "$first" "$listed" \
		"$((mib / 1024))" "$js" "$((jm / 1024))" "$gs" "$(cut -d' ' -f1 /proc/loadavg)"
}
printf '%-16s %8s %8s %8s %8s %8s %8s  %s\n' "history" "first s" "listed s" "con MiB" \
	"jobs s" "jobs MiB" "grep s" "load"
measure "$n jobs" "$n from earlier runs"
mv "$state/jobs" "$tmp/jobs-full"
mkdir "$state/jobs"
measure "empty" "No jobs: add VMs"
echo "  ($(du -sh "$tmp/jobs-full" | cut -f1) on disk; template records $(wc -c <"$tmp/tmpl-done/import.json") and $(wc -c <"$tmp/tmpl-failed/import.json") bytes, logs $(wc -c <"$tmp/tmpl-done/log") and $(wc -c <"$tmp/tmpl-failed/log"))"
