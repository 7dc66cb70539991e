#!/usr/bin/env bash
# Conversion tier: the destination fills up during a real conversion.  The
# lab guest (libvirt XML + disk) goes through `virt-import run`, with real
# virt-v2v on the lab's proxy, into a folder that is a 512 MiB tmpfs in
# the lab's mount namespace (`lab exec`): pre-flight passes, and once the
# job converts the test fills the tmpfs but for 1 MiB, so virt-v2v's copy
# fails for want of space.  The job must fail with virt-v2v's own error
# (not "failed"; virt-v2v only says "see earlier error messages", so the
# first error nbdkit or nbdcopy printed, and what to do, are added), its
# partial output must be removed (only the test's
# filler is left), and nothing stay on the proxy.  One conversion: it
# fails at the copy, after inspection and conversion (~1-3 minutes here).
set -u
top=${VI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib.sh"
need_cmd virt-v2v jq ssh-keygen qemu-img fallocate
[ "$(id -u)" = 0 ] || { echo "the lab's mount namespace (for tmpfs) needs root"; exit 77; }
: "${VI_LAB:=$top/tests/lab/lab}"
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME="" XDG_CACHE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import

lab_sshd_up
inlab() { "$VI_LAB" exec "$@"; }
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 1 \
	--env LIBGUESTFS_BACKEND=direct --env LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
	--env "VIRT_V2V_TMPDIR=$VI_TMP/v2vtmp" >/dev/null
mkdir -p "$VI_TMP/v2vtmp" "$VI_TMP/out"
inlab mount -t tmpfs -o size=512m,mode=0755 tmpfs "$VI_TMP/out"
vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/check.out" 2>&1 ||
	{ cat "$VI_TMP/check.out"; fail "proxy check" "the lab proxy is not fit"; }
image=$("$top/tests/lab/guest-image" </dev/null 2>"$VI_TMP/image.err" | tail -n 1)
[ -f "$image" ] || { cat "$VI_TMP/image.err"; fail "guest image" "none"; finish; }
"$top/tests/lab/guest-image" --libvirtxml "$VI_TMP/in" --name lab-full </dev/null \
	>/dev/null 2>>"$VI_TMP/image.err"
jq -n --arg src "xml:$VI_TMP/in/guest.xml" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	defaults: { format: "raw", unmapped: { to: "default", type: "network" } },
	vms: [ { name: "lab-full", target: "lab-full-kvm" } ] }' >"$VI_TMP/p.json"

t0=$(date +%s)
"$VI_BIN" run "$VI_TMP/p.json" >"$VI_TMP/r.out" 2>"$VI_TMP/r.err" &
driver=$!
if wait_for 3000 grep -q ': converting' "$VI_TMP/r.err"; then
	# Leave 1 MiB: the disk copy cannot fit.
	free=$(inlab df -P -k "$VI_TMP/out" | awk 'NR == 2 { print $4 }')
	inlab fallocate -l $(((free - 1024) * 1024)) "$VI_TMP/out/filler"
	inlab df -h "$VI_TMP/out"
fi
wait "$driver"
rc=$?
echo "run: exit $rc after $(($(date +%s) - t0)) s"
cat "$VI_TMP/r.err" "$VI_TMP/r.out"
id=$(vimp jobs --json | jq -r 'last | .id')
st=$(vimp jobs --json | jq -r 'last | .state')
err=$(vimp jobs --json | jq -r 'last | .error')
# virt-v2v's error line; its helpers may print into the same line first
# ("nbdkit: file.6: virt-v2v: error: ..."), so it is found anywhere.
v2v_err=$(tr '\r' '\n' <"$state/jobs/$id/log" | grep -m1 -o 'virt-v2v: error: .*' | sed 's/^virt-v2v: error: //')
echo "virt-v2v said: $v2v_err"
if [ $rc = 1 ] && [ "$st" = failed ] && [ -n "$v2v_err" ] && case $err in *"$v2v_err"*) true ;; *) false ;; esac &&
	grep -q "error: .*$(printf '%s' "$v2v_err" | head -c 40 | sed 's/[][\.*^$]/\\&/g')" "$VI_TMP/r.out" &&
	grep -q "error: .*No space left on device: a folder of the destination, or the proxy's temporary folder (VIRT_V2V_TMPDIR), is full: free space there, then import the VM again" "$VI_TMP/r.out"; then
	pass "the destination filled during the conversion: the job failed with virt-v2v's own error, the space error before it and what to do"
else
	tr '\r' '\n' <"$state/jobs/$id/log" | tail -n 30
	fail "destination full" "exit $rc, state $st, error '$err'"
fi
left=$(inlab find "$VI_TMP/out" -mindepth 1 ! -name filler)
remote=$(find "$VI_TMP/jobs" -mindepth 1 ! -name uploads 2>/dev/null; find "$VI_TMP/jobs/uploads" -mindepth 1 2>/dev/null)
if [ -z "$left" ] && [ -z "$remote" ] && [ -z "$(ls -A "$state/active")" ]; then
	pass "its partial output was removed, and nothing is left on the proxy"
else
	fail "leftovers" "destination: '$left', proxy: '$remote'"
fi
finish
