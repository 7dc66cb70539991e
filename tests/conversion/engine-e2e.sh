#!/usr/bin/env bash
# Conversion tier: real imports through virt-import run, with real virt-v2v
# on the lab's proxy (its sshd on 127.0.0.1) and the lab's libvirtd:
#   (b) libvirt XML + disk, copied to the proxy, into a libvirt pool; the
#       defined VM then starts under qemu;
#   (c) a KVM domain of the lab libvirtd via qemu+ssh, into a folder, while
#       the SSH connection is killed and virt-import itself is killed -9:
#       `virt-import jobs --follow` carries the job on to done and its log
#       is read exactly once;
#   (a) a VMware-style OVA (tests/lab/guest-ova), into a folder;
#   (d) a vCenter VM of the simulator whose flat VMDK is the lab guest.
# Each conversion costs 1.5-3 minutes here (TCG).
set -u
top=${VI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib.sh"
need_cmd virt-v2v jq ssh-keygen qemu-img virsh
: "${VI_LAB:=$top/tests/lab/lab}"
# The lab's cache (guest image, vcsim) stays the user's; the rest is ours.
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME="" XDG_CACHE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd --libvirtd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd and libvirtd did not start"
	finish
fi
lab_down_at_exit
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 1 \
	--env LIBGUESTFS_BACKEND=direct --env LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
	--env "VIRT_V2V_TMPDIR=$VI_TMP/v2vtmp" >/dev/null
mkdir -p "$VI_TMP/v2vtmp" "$VI_TMP/out"
vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/check.out" 2>&1 ||
	{ cat "$VI_TMP/check.out"; fail "proxy check" "the lab proxy is not fit"; }
image=$("$top/tests/lab/guest-image" </dev/null 2>"$VI_TMP/image.err" | tail -n 1)
[ -f "$image" ] || { cat "$VI_TMP/image.err"; fail "guest image" "none"; finish; }
lv() { virsh -q -c "$VI_LAB_LIBVIRT_URI" "$@"; }

# show JOB: its record and log, when something went wrong.
show() {
	vimp jobs --json | jq --arg id "$1" '.[] | select(.id == $id) | del(.plan)'
	tr '\r' '\n' <"$state/jobs/$1/log" | tail -n 40
}
last_id() { vimp jobs --json | jq -r --arg vm "$1" '[.[] | select(.vm == $vm)] | last | .id'; }

# --- (b) libvirt XML + disk -> libvirt pool, then boot it --------------------
"$top/tests/lab/guest-image" --libvirtxml "$VI_TMP/in-b" --name lab-xml </dev/null \
	>/dev/null 2>>"$VI_TMP/image.err"
jq -n --arg src "xml:$VI_TMP/in-b/guest.xml" --arg uri "$VI_LAB_LIBVIRT_URI" --arg pool "$VI_LAB_POOL" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "libvirt", uri: $uri, pool: $pool },
	defaults: { format: "qcow2", networks: [ { from: "default", to: "lab-net", type: "network" } ] },
	vms: [ { name: "lab-xml", target: "lab-xml-kvm" } ] }' >"$VI_TMP/b.json"
t0=$(date +%s)
rc=0
vimp run "$VI_TMP/b.json" >"$VI_TMP/b.out" 2>"$VI_TMP/b.err" || rc=$?
echo "(b) xml -> libvirt: exit $rc after $(($(date +%s) - t0)) s"
id=$(last_id lab-xml)
if [ "$rc" = 0 ] && grep -q "done lab-xml -> lab-xml-kvm" "$VI_TMP/b.out"; then
	pass "(b) libvirt XML + disk imported into a libvirt pool"
else
	cat "$VI_TMP/b.err" "$VI_TMP/b.out"; show "$id"
	fail "(b) import" "exit $rc"
fi
vsz=$(vimp jobs --json | jq -r --arg id "$id" '.[] | select(.id == $id) | .output_disks[0].virtual_size')
[ "$vsz" = "$(stat -c %s "$image")" ] &&
	pass "(b) the disk's size is read back from the pool: $vsz bytes, the source's" ||
	fail "(b) read back" "virtual size '$vsz'"
if lv dumpxml lab-xml-kvm >"$VI_TMP/b.xml" 2>&1; then
	# The lab has neither working KVM nor /dev/vhost-vsock: TCG, and the
	# vsock virt-v2v adds goes.
	sed -i "s/<domain type='kvm'/<domain type='qemu'/" "$VI_TMP/b.xml"
	perl -0pi -e 's#<vsock\b[^>]*/>##g; s#<vsock\b.*?</vsock>##gs' "$VI_TMP/b.xml"
	lv define "$VI_TMP/b.xml" >/dev/null && lv start lab-xml-kvm >/dev/null 2>"$VI_TMP/start.err"
	sleep 5
	if [ "$(lv domstate lab-xml-kvm 2>/dev/null)" = running ]; then
		pass "(b) the imported VM starts under qemu"
	else
		cat "$VI_TMP/start.err"
		fail "(b) start" "state '$(lv domstate lab-xml-kvm 2>&1)'"
	fi
	lv destroy lab-xml-kvm >/dev/null 2>&1
else
	cat "$VI_TMP/b.xml"
	fail "(b) defined" "no domain lab-xml-kvm at the destination"
fi
[ -z "$(ls -A "$VI_TMP/jobs/uploads" 2>/dev/null)" ] && [ ! -e "$VI_TMP/jobs/$id" ] &&
	pass "(b) the uploaded copies and the remote job folder are gone" ||
	fail "(b) leftovers" "$(ls -R "$VI_TMP/jobs" | head)"

# --- (c) qemu+ssh from the lab libvirtd, with the connection and virt-import
#         killed mid-conversion --------------------------------------------
cp --sparse=always "$image" "$VI_LAB_POOL_DIR/lab-kvm-src.img"
sed -e "s#<domain type='kvm'>#<domain type='qemu'>#" -e "s#$VI_TMP/in-b/guest-disk.img#$VI_LAB_POOL_DIR/lab-kvm-src.img#" \
	-e "s#<name>lab-xml</name>#<name>lab-kvm</name>#" -e "s#network='default'#network='lab-net'#" \
	"$VI_TMP/in-b/guest.xml" >"$VI_TMP/c-src.xml"
lv define "$VI_TMP/c-src.xml" >/dev/null || fail "(c) define source" "virsh define failed"
jq -n --arg src "$VI_LAB_QEMU_SSH_URI" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	defaults: { format: "raw", networks: [ { from: "lab-net", to: "br0", type: "bridge" } ] },
	vms: [ { name: "lab-kvm", target: "lab-kvm-new" } ] }' >"$VI_TMP/c.json"
t0=$(date +%s)
"$VI_BIN" run "$VI_TMP/c.json" >"$VI_TMP/c.out" 2>"$VI_TMP/c.err" &
driver=$!
wait_for 3000 grep -q 'converting.*Converting' "$VI_TMP/c.err"
id=$(last_id lab-kvm)
# Kill every sshd serving a connection (the engine reconnects), then the
# driving virt-import itself.
for s in $(ps -o pid= --ppid "$VI_LAB_SSHD_PID"); do kill "$s" 2>/dev/null; done
sleep 3
kill -9 "$driver"
wait "$driver" 2>/dev/null
rc=0
vimp jobs --follow >"$VI_TMP/c2.out" 2>"$VI_TMP/c2.err" || rc=$?
echo "(c) qemu+ssh -> local, interrupted: $(($(date +%s) - t0)) s"
st=$(vimp jobs --json | jq -r --arg id "$id" '.[] | select(.id == $id) | .state')
if [ "$st" = done ] && [ -f "$VI_TMP/out/lab-kvm-new.xml" ] && [ -f "$VI_TMP/out/lab-kvm-new-sda" ]; then
	pass "(c) a qemu+ssh KVM domain imported to a folder, through a killed connection and a killed virt-import"
else
	cat "$VI_TMP/c.err" "$VI_TMP/c2.err"; show "$id"
	fail "(c) import" "state '$st'"
fi
# Each status line once: nothing read twice after the reconnects.
dups=$(tr '\r' '\n' <"$state/jobs/$id/log" | grep -E '^\[ *[0-9]+\.[0-9]\] ' | sort | uniq -d)
grep -q 'Finishing off' "$state/jobs/$id/log" && [ -z "$dups" ] &&
	pass "(c) its log is complete and no line came twice" ||
	fail "(c) log" "duplicates: $dups"

# --- (a) a VMware-style OVA -> folder ----------------------------------------
ova=$("$top/tests/lab/guest-ova" "$VI_TMP/in-a" --name lab-ova 2>"$VI_TMP/ova.err" | tail -n 1)
jq -n --arg src "ova:$ova" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	defaults: { format: "qcow2", networks: [ { from: "VM Network", to: "br0", type: "bridge" } ] },
	vms: [ { name: "lab-ova", target: "lab-ova-kvm" } ] }' >"$VI_TMP/a.json"
t0=$(date +%s)
rc=0
vimp run "$VI_TMP/a.json" >"$VI_TMP/a.out" 2>"$VI_TMP/a.err" || rc=$?
echo "(a) ova -> local: exit $rc after $(($(date +%s) - t0)) s"
id=$(last_id lab-ova)
fmt=$(qemu-img info --output=json "$VI_TMP/out/lab-ova-kvm-sda" 2>/dev/null | jq -r .format)
if [ "$rc" = 0 ] && [ "$fmt" = qcow2 ] && grep -q "bridge='br0'\|<source bridge='br0'/>" "$VI_TMP/out/lab-ova-kvm.xml"; then
	pass "(a) a VMware-style OVA imported to a folder as qcow2, its NIC on the mapped bridge"
else
	cat "$VI_TMP/a.err" "$VI_TMP/a.out"; show "$id"
	fail "(a) import" "exit $rc, format '$fmt'"
fi

# --- (d) a vCenter VM of the simulator, its flat VMDK the lab guest ----------
if VI_LAB_VCSIM_VMS=1 "$VI_LAB" up --vcsim >"$VI_TMP/up-vcsim" 2>&1; then
	eval "$("$VI_LAB" env)"
	vm=DC0_C0_RP0_VM0
	LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE virsh -q -c "$VI_LAB_VPX_URI" destroy "$vm" >/dev/null 2>&1
	flat=$(find "$VI_LAB_VCSIM_DATASTORE_DIR" -path "*$vm*" -name '*-flat.vmdk' | head -n 1)
	desc=${flat%-flat.vmdk}.vmdk
	if [ -n "$flat" ] && [ -f "$desc" ]; then
		cp --sparse=always "$image" "$flat"
		sectors=$(($(stat -c %s "$image") / 512))
		sed -i -E "s/^RW [0-9]+ VMFS \"([^\"]*-flat.vmdk)\"/RW $sectors VMFS \"\\1\"/" "$desc"
	fi
	jq -n --arg src "$VI_LAB_VPX_URI" --arg pw "$VI_LAB_VMWARE_PASSWORD_FILE" --arg out "$VI_TMP/out" --arg vm "$vm" '{
		version: 1, source: { spec: $src, password_file: $pw }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { format: "raw", unmapped: { to: "br0", type: "bridge" } },
		vms: [ { name: $vm, target: "lab-vcsim-kvm" } ] }' >"$VI_TMP/d.json"
	t0=$(date +%s)
	rc=0
	vimp run "$VI_TMP/d.json" >"$VI_TMP/d.out" 2>"$VI_TMP/d.err" || rc=$?
	echo "(d) vpx -> local: exit $rc after $(($(date +%s) - t0)) s"
	id=$(last_id "$vm")
	if [ "$rc" = 0 ] && [ -f "$VI_TMP/out/lab-vcsim-kvm-sda" ] &&
		[ "$(stat -c %s "$VI_TMP/out/lab-vcsim-kvm-sda")" = "$(stat -c %s "$image")" ]; then
		pass "(d) a vCenter VM imported through the simulator, the password sent as a secret file"
	else
		cat "$VI_TMP/d.err" "$VI_TMP/d.out"; show "$id"
		fail "(d) import" "exit $rc"
	fi
	pwd_text=$(cat "$VI_LAB_VMWARE_PASSWORD_FILE")
	if grep -rqF -- "$pwd_text" "$state" "$VI_TMP/jobs" 2>/dev/null; then
		fail "(d) password" "the vCenter password is in a state or job file"
	else
		pass "(d) the vCenter password is in no job record, log or remote folder"
	fi
else
	cat "$VI_TMP/up-vcsim"
	fail "(d) lab up --vcsim" "the simulator did not start"
fi
finish
