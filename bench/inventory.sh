#!/usr/bin/env bash
# bench/inventory.sh: list + full details of N VMs, virt-import against the
# ways a user would otherwise get the same facts with virsh.
#
#   bench/inventory.sh [N...]        test driver (default: 1000 10000)
#   bench/inventory.sh --vcsim N...  the lab's simulated vCenter with N VMs
#                                    (default 500), a fresh lab for each N
#
# Columns: wall seconds and peak RSS (MiB) of
#   virt-import   virt-import list SOURCE --details --json (names first via
#                 bulk ListAllDomains, then GetXMLDesc on handles)
#   virsh-1       one virsh session: list --all, then dumpxml for each VM
#   virsh-each    a shell loop, one `virsh dumpxml NAME` process per VM, as
#                 admins script it; measured on a sample of VI_BENCH_SAMPLE
#                 (default 50) VMs and scaled
#                 to N (marked ~)
# Timings are wall-clock on this machine; nothing here is a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VI_BENCH_BIN:-$top/build/virt-import}
tmp=$(mktemp -d /tmp/vi-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME=$tmp LIBVIRT_LOG_OUTPUTS=4:file:/dev/null

# run LABEL CMD...: print "seconds rss_mib" of CMD (output discarded).
measure() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
		cat "$tmp/err" >&2
		return 1
	}
	awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$tmp/time"
}

row() { printf '%-28s %8s %10s %8s %10s %10s\n' "$@"; }

bench_uri() {
	local label=$1 uri=$2 pw=${3:-} n names sample each t
	local -a auth=()
	[ -n "$pw" ] && auth=(--password-file "$pw")
	n=$("$bin" list "$uri" "${auth[@]}" --json | jq '.vms | length')
	read -r vt vm < <(measure "$bin" list "$uri" "${auth[@]}" --details \
	    --connections "${VI_BENCH_CONNECTIONS:-1}" --json)
	"$bin" list "$uri" "${auth[@]}" --json | jq -r '.vms[].name' >"$tmp/names"
	{
		echo "list --all"
		sed "s/'/'\\\\''/g; s/.*/dumpxml '&'/" "$tmp/names"
	} >"$tmp/cmds"
	read -r st sm < <(measure sh -c "virsh -c '$uri' <'$tmp/cmds'")
	head -n "${VI_BENCH_SAMPLE:-50}" "$tmp/names" >"$tmp/sample"
	sample=$(wc -l <"$tmp/sample")
	read -r et em < <(measure sh -c "while IFS= read -r v; do virsh -c '$uri' dumpxml \"\$v\" >/dev/null || exit 1; done <'$tmp/sample'")
	each=$(awk -v t="$et" -v s="$sample" -v n="$n" 'BEGIN { printf "~%.0f", t / s * n }')
	row "$label ($n VMs)" "$vt" "$vm" "$st" "$sm" "$each"
}

row "source" "vi s" "vi MiB" "virsh-1 s" "virsh MiB" "virsh-each s"
if [ "${1:-}" = --vcsim ]; then
	shift
	export VI_LAB_DIR=$tmp/lab
	trap '"$top/tests/lab/lab" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	for n in "${@:-500}"; do
		export VI_LAB_VCSIM_VMS=$n
		"$top/tests/lab/lab" up --vcsim >"$tmp/up" 2>&1 || { cat "$tmp/up"; exit 1; }
		eval "$("$top/tests/lab/lab" env)"
		# virsh takes credentials only from an auth file; virt-import
		# from --password-file.
		export LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE
		bench_uri "vcsim vCenter" "$VI_LAB_VPX_URI" "$VI_LAB_VMWARE_PASSWORD_FILE"
		"$top/tests/lab/lab" down >"$tmp/down" 2>&1 || { cat "$tmp/down"; exit 1; }
	done
	exit 0
fi
for n in "${@:-1000 10000}"; do
	for k in $n; do
		"$top/tests/lab/nodes/gen-node" "$k" "$tmp/node-$k.xml"
		bench_uri "test driver" "test://$tmp/node-$k.xml"
	done
done
