#!/usr/bin/env bash
# bench/convert.sh: one real conversion of the lab guest (libvirt XML + its
# 430 MiB disk, to a folder as qcow2), run by hand and through virt-import.
#
#   by hand       virt-v2v -i libvirtxml guest.xml -o local -os DIR -of qcow2
#                 on this machine, the input already here
#   virt-import   virt-import run PLAN with the lab's sshd as the proxy (on
#                 this machine too): the disk copied to the proxy over SFTP
#                 and checked, pre-flight, the remote job, the log followed
#                 and parsed, the result read back
# Columns: wall seconds of each, and their ratio.  Conversions under TCG
# vary by +-30% from run to run here; nothing here is a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VI_BENCH_BIN:-$top/build/virt-import}
tmp=$(mktemp -d /var/tmp/vi-bench.XXXXXX)
export VI_LAB_DIR=$tmp/lab
trap '"$top/tests/lab/lab" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME=$tmp/home XDG_CONFIG_HOME="" XDG_STATE_HOME=""
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
unset SSH_AUTH_SOCK
mkdir -p "$HOME" "$tmp/out1" "$tmp/out2" "$tmp/jobs"
"$top/tests/lab/guest-image" --libvirtxml "$tmp/in" --name lab-bench </dev/null >/dev/null 2>"$tmp/img.err" ||
	{ cat "$tmp/img.err"; exit 1; }

t0=$(date +%s.%N)
virt-v2v -i libvirtxml "$tmp/in/guest.xml" -o local -os "$tmp/out1" -of qcow2 -on by-hand \
	</dev/null >"$tmp/hand.log" 2>&1 || { tail "$tmp/hand.log"; exit 1; }
hand=$(echo "$(date +%s.%N) - $t0" | bc)

"$top/tests/lab/lab" up --sshd >"$tmp/up" 2>&1 || { cat "$tmp/up"; exit 1; }
eval "$("$top/tests/lab/lab" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
"$bin" proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$tmp/jobs" \
	--env LIBGUESTFS_BACKEND=direct --env LIBGUESTFS_BACKEND_SETTINGS=force_tcg >/dev/null
"$bin" proxy check lab --accept-host-key "$fp" >/dev/null 2>&1 || true
jq -n --arg src "xml:$tmp/in/guest.xml" --arg out "$tmp/out2" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	defaults: { format: "qcow2", unmapped: { to: "default", type: "network" } },
	vms: [ { name: "lab-bench", target: "via-vi" } ] }' >"$tmp/plan.json"
t0=$(date +%s.%N)
"$bin" run "$tmp/plan.json" >"$tmp/vi.out" 2>"$tmp/vi.err" || { cat "$tmp/vi.err" "$tmp/vi.out"; exit 1; }
vi=$(echo "$(date +%s.%N) - $t0" | bc)
printf '%-14s %10s\n' "" "wall s"
printf '%-14s %10.1f\n' "by hand" "$hand" "virt-import" "$vi"
printf '%-14s %10.2f\n' "ratio" "$(echo "$vi / $hand" | bc -l)"
