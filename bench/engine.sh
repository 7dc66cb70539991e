#!/usr/bin/env bash
# bench/engine.sh: what following many conversions costs on the machine
# that watches them.
#
#   bench/engine.sh [N]      N jobs at once (default 100)
#
# N VMs (libvirt XML, 1 MiB disks) are imported through the lab's sshd, with
# tests/lab/v2v-replay as virt-v2v on the proxy: each job prints the
# recorded log of a real two-disk conversion (tests/unit/data/v2v/
# two-disks.log) at 10 lines a second, so all N are "converting" at once
# for about the same time.  Side by side:
#   virt-import   one `virt-import run` driving all N (uploads, starts,
#                 follows every log, parses progress, reads back)
#   ssh-each      what an admin would otherwise run: one `ssh proxy
#                 virt-v2v ...` per VM, in parallel, watching its output
# Columns: wall seconds, CPU seconds (user+sys) and peak RSS (MiB, summed
# over the N ssh clients) of the watching side.  Nothing here is a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VI_BENCH_BIN:-$top/build/virt-import}
n=${1:-100}
tmp=$(mktemp -d /tmp/vi-bench.XXXXXX)
export VI_LAB_DIR=$tmp/lab
trap '"$top/tests/lab/lab" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME=$tmp/home XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK
mkdir -p "$HOME" "$tmp/bin" "$tmp/src" "$tmp/out" "$tmp/jobs"
"$top/tests/lab/lab" up --sshd >"$tmp/up" 2>&1 || { cat "$tmp/up"; exit 1; }
eval "$("$top/tests/lab/lab" env)"
log=$top/tests/unit/data/v2v/two-disks.log
ln -s "$top/tests/lab/v2v-replay" "$tmp/bin/virt-v2v"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
"$bin" proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$tmp/jobs" --max-jobs 64 \
	--env "PATH=$tmp/bin:/usr/sbin:/usr/bin:/sbin:/bin" --env "V2V_REPLAY_LOG=$log" \
	--env V2V_REPLAY_RATE=10 --env V2V_REPLAY_RC=0 >/dev/null
"$bin" proxy check lab --accept-host-key "$fp" >/dev/null 2>&1 || true
for i in $(seq 1 "$n"); do
	truncate -s 1M "$tmp/src/vm$i.img"
	cat >"$tmp/src/vm$i.xml" <<XML
<domain type='kvm'><name>vm$i</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$tmp/src/vm$i.img'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
XML
done
jq -n --arg src "dir:$tmp/src" --arg out "$tmp/out" --argjson n "$n" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	vms: [ range(1; $n + 1) | { name: "vm\(.)" } ] }' >"$tmp/plan.json"

# cpu PID: utime+stime of a process in seconds (it must still exist).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

row() { printf '%-14s %6s %8s %8s %8s\n' "$@"; }
row "" "jobs" "wall s" "CPU s" "MiB"

# virt-import: max-jobs 64 per proxy, so two proxies on the same sshd.
"$bin" proxy add lab2 "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$tmp/jobs" --max-jobs 64 \
	--env "PATH=$tmp/bin:/usr/sbin:/usr/bin:/sbin:/bin" --env "V2V_REPLAY_LOG=$log" \
	--env V2V_REPLAY_RATE=10 --env V2V_REPLAY_RC=0 >/dev/null
jq '.proxy = "any"' "$tmp/plan.json" >"$tmp/plan-any.json"
/usr/bin/time -f '%e %U %S %M' -o "$tmp/vi.time" "$bin" run "$tmp/plan-any.json" \
	>"$tmp/vi.out" 2>"$tmp/vi.err" || true
read -r w u s m < <(tail -n 1 "$tmp/vi.time")
row virt-import "$n" "$w" "$(echo "$u + $s" | bc)" "$((m / 1024))"
converting=$(grep -c ': converting' "$tmp/vi.err" || true)
echo "  ($(grep -c '^20.* failed' "$tmp/vi.out" || true) jobs failed at reading back: the replay writes no disks; $converting progress lines)"

# ssh-each: one ssh per VM, in parallel, each printing the replayed log.
cfg=$VI_LAB_SSH_CONFIG
start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$n"); do
	ssh -F "$cfg" -o BatchMode=yes lab env "PATH=$tmp/bin:/usr/bin:/bin" "V2V_REPLAY_LOG=$log" \
		V2V_REPLAY_RATE=10 virt-v2v -i libvirtxml "$tmp/src/vm$i.xml" >/dev/null 2>&1 &
	pids+=($!)
done
sleep 2
rss=0
for p in "${pids[@]}"; do
	r=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
	rss=$((rss + ${r:-0}))
done
# CPU of the ssh clients: from their children's accounting once they end.
t0=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($16 + $17) / hz }' /proc/$$/stat)
wait "${pids[@]}" || true
t1=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($16 + $17) / hz }' /proc/$$/stat)
end=$(date +%s.%N)
row ssh-each "$n" "$(echo "$end - $start" | bc | xargs printf '%.2f')" "$(echo "$t1 - $t0" | bc)" "$((rss / 1024))"
