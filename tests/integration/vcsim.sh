#!/usr/bin/env bash
# The lab's simulated VMware (lab up --vcsim): govmomi's vcsim as a vCenter
# and as an ESXi, behind vcsim-fixer, with .vmx files from vcsim-vmxgen.
# Through libvirt's ESX driver (virsh, credentials from LIBVIRT_AUTH_FILE):
# vpx:// and esx:// list the VMs the simulator has; every VM's dumpxml is
# well-formed and has the name, UUID, memory, vCPUs, firmware, disks and
# NICs its .vmx declares; the lab's cases are there (UEFI, SATA and IDE
# second disks, a hostile name, a static MAC, the duplicate MAC all vcsim
# VMs share, running/paused/shut-off); the datastore pool shows its mount
# path (a fixer fix); a wrong password is refused; the password is in no
# command line; down leaves no process, listener or datastore behind.
# Also checks the recorded domain XML in tests/unit/data/domxml/vpx-*.xml
# against what the lab produces now (VI_UPDATE_FIXTURES=1 records it
# afresh), and measures list/dumpxml with 500 VMs (VI_VCSIM_BENCH_VMS;
# 0 skips; times are printed, never judged).
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

need_cmd virsh xmllint curl flock setsid od
export LC_ALL=C.UTF-8
export VI_LAB_DIR="$VI_TMP/lab"
export VI_LAB_VCSIM_VMS=4
fixtures=$VI_TOP/tests/unit/data/domxml
lab_down_at_exit

ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; }
secs() { local d=$(($(ms) - $1)); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

listening() { grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") 00000000:0000 0A " /proc/net/tcp; }

# vsphere_name NAME: a name as the API reports it, unescaped the way
# libvirt does (%2f -> '/', %25 -> '%').
vsphere_name() {
	local s=${1//\\/\\\\}
	printf '%b' "${s//%/\\x}"
}

# vmx_get FILE KEY: the value of KEY in a .vmx (quotes removed).
vmx_get() {
	awk -v k="$2" 'BEGIN { k = tolower(k) }
	{ line = $0; eq = index(line, "=")
	  if (!eq) next
	  key = substr(line, 1, eq - 1); gsub(/[ \t]+$/, "", key)
	  if (tolower(key) != k) next
	  v = substr(line, eq + 1); sub(/^[ \t]*"/, "", v); sub(/"[ \t]*$/, "", v)
	  print v; exit }' "$1"
}

xp() { xmllint --xpath "$1" "$2" 2>/dev/null || true; }

# check_domain XML VMX NAME UUID: dumpxml agrees with the .vmx; prints
# what differs, succeeds when nothing does.
check_domain() {
	local x=$1 vmx=$2 name=$3 uuid=$4 bad=0 dir k v bus n i want got mem
	dir=$(basename "$(dirname "$vmx")")
	[ "$(xp 'string(/domain/name)' "$x")" = "$name" ] || { echo "name is '$(xp 'string(/domain/name)' "$x")', want '$name'"; bad=1; }
	[ "$(xp 'string(/domain/uuid)' "$x")" = "$uuid" ] || { echo "uuid is '$(xp 'string(/domain/uuid)' "$x")', want '$uuid'"; bad=1; }
	mem=$(vmx_get "$vmx" memSize)
	[ "$(xp 'string(/domain/memory)' "$x")" = "$((mem * 1024))" ] || { echo "memory differs from memSize $mem"; bad=1; }
	[ "$(xp 'string(/domain/vcpu)' "$x")" = "$(vmx_get "$vmx" numvcpus)" ] || { echo "vcpu differs from numvcpus"; bad=1; }
	if [ "$(vmx_get "$vmx" firmware)" = efi ]; then
		[ "$(xp 'string(/domain/os/@firmware)' "$x")" = efi ] || { echo "firmware efi missing"; bad=1; }
	else
		[ -z "$(xp 'string(/domain/os/@firmware)' "$x")" ] || { echo "unexpected firmware"; bad=1; }
	fi
	# Disks: every .vmdk the .vmx attaches, on its bus.
	want=$(grep -E '^(scsi|sata|ide)[0-9]+:[0-9]+\.fileName = ".*\.vmdk"' "$vmx" |
		sed -E 's/^([a-z]+)[0-9]+:[0-9]+\.fileName = "(.*)"$/\1 [LocalDS_0] '"$dir"'\/\2/' | sort)
	got=''
	n=$(xp "count(/domain/devices/disk[@device='disk'])" "$x")
	for ((i = 1; i <= ${n:-0}; i++)); do
		got+="$(xp "string(/domain/devices/disk[@device='disk'][$i]/target/@bus)" "$x") $(xp "string(/domain/devices/disk[@device='disk'][$i]/source/@file)" "$x")"$'\n'
	done
	got=$(printf '%s' "$got" | sort)
	[ "$got" = "$want" ] || { printf 'disks differ:\n want: %s\n got:  %s\n' "$want" "$got"; bad=1; }
	# NICs: MAC, kind, model and network of every present ethernetN.
	want=''
	while read -r k; do
		v=$(vmx_get "$vmx" "$k.generatedAddress")
		[ -n "$v" ] || v=$(vmx_get "$vmx" "$k.address")
		if [ -n "$(vmx_get "$vmx" "$k.dvs.switchId")" ]; then
			bus="vds $(vmx_get "$vmx" "$k.dvs.portgroupId")"
		else
			bus="bridge $(vmx_get "$vmx" "$k.networkName")"
		fi
		want+="$v $bus $(vmx_get "$vmx" "$k.virtualDev")"$'\n'
	done < <(grep -oE '^ethernet[0-9]+\.present = "TRUE"' "$vmx" | cut -d. -f1)
	want=$(printf '%s' "$want" | sort)
	got=''
	n=$(xp 'count(/domain/devices/interface)' "$x")
	for ((i = 1; i <= ${n:-0}; i++)); do
		k="/domain/devices/interface[$i]"
		got+="$(xp "string($k/mac/@address)" "$x") $(xp "string($k/@type)" "$x") $(xp "string($k/source/@bridge)" "$x")$(xp "string($k/source/@portgroupid)" "$x") $(xp "string($k/model/@type)" "$x")"$'\n'
	done
	got=$(printf '%s' "$got" | sort)
	[ "$got" = "$want" ] || { printf 'NICs differ:\n want: %s\n got:  %s\n' "$want" "$got"; bad=1; }
	return "$bad"
}

# fixture_name NAME: tests/unit/data/domxml/vpx-<NAME>.xml, unsafe bytes as _.
fixture_name() { printf 'vpx-%s.xml' "$(printf '%s' "$1" | LC_ALL=C sed 's/[^A-Za-z0-9_-]/_/g')"; }

# The CD-ROM's device name carries a Go pointer of the vcsim process.
normalize() { sed -E 's/cdrom--([0-9]+)-[0-9]+/cdrom--\1-N/g' "$1"; }

# ---------------------------------------------------------------- up

t0=$(ms)
if ! "$VI_LAB" up --vcsim >"$VI_TMP/up.log" 2>&1; then
	cat "$VI_TMP/up.log"
	fail "lab up --vcsim" "it failed (see the log above)"
	finish
fi
cat "$VI_TMP/up.log"
echo "lab up --vcsim with $VI_LAB_VCSIM_VMS VMs per host: $(secs "$t0") s"
pass "lab up --vcsim"
if ! envs=$("$VI_LAB" env) || ! eval "$envs"; then
	fail "lab env" "it failed"
	finish
fi
missing=''
for v in VI_LAB_VPX_URI VI_LAB_ESX_URI VI_LAB_VMWARE_USER VI_LAB_VMWARE_PASSWORD_FILE \
	VI_LAB_LIBVIRT_AUTH_FILE VI_LAB_VCSIM_DATASTORE_DIR VI_LAB_VCSIM_ESX_DATASTORE_DIR \
	VI_LAB_VCSIM_MANIFEST VI_LAB_VCSIM_ESX_MANIFEST; do
	[ -n "${!v:-}" ] || missing+=" $v"
done
if [ -z "$missing" ] && [ -d "$VI_LAB_VCSIM_DATASTORE_DIR" ] && [ -d "$VI_LAB_VCSIM_ESX_DATASTORE_DIR" ]; then
	pass "lab env exports the VMware variables"
else
	printf '%s\n' "$envs"
	fail "lab env exports the VMware variables" "missing or empty:$missing"
fi
pw=$(cat "$VI_LAB_VMWARE_PASSWORD_FILE")
if [ "$(stat -c %a "$VI_LAB_VMWARE_PASSWORD_FILE")" = 600 ] &&
	[ "$(stat -c %a "$VI_LAB_LIBVIRT_AUTH_FILE")" = 600 ] &&
	[ "$(tail -c 1 "$VI_LAB_VMWARE_PASSWORD_FILE" | od -An -c | tr -d ' ')" != '\n' ] && [ ${#pw} -ge 16 ]; then
	pass "password and auth files are 0600, the password has no trailing newline"
else
	ls -l "$VI_LAB_VMWARE_PASSWORD_FILE" "$VI_LAB_LIBVIRT_AUTH_FILE"
	fail "password and auth files are 0600, the password has no trailing newline" "modes or contents wrong"
fi
leak=''
for p in /proc/[0-9]*/cmdline; do
	if tr '\0' ' ' 2>/dev/null <"$p" | grep -qF -- "$pw"; then
		leak+=" ${p#/proc/}"
	fi
done
if [ -z "$leak" ]; then
	pass "the VMware password is on no process's command line"
else
	fail "the VMware password is on no process's command line" "found in:$leak"
fi
export LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE

# ---------------------------------------------------------------- per URI

# for_uri LABEL URI MANIFEST HOST: the checks that both endpoints share.
for_uri() {
	local label=$1 uri=$2 man=$3 host=$4 out want got name uuid hst vmx x n bad s
	local -a names=() uuids=() vmxs=()
	while IFS=$'\t' read -r name uuid hst _ vmx; do
		[ "$hst" = "$host" ] || continue
		names+=("$(vsphere_name "$name")")
		uuids+=("$uuid")
		vmxs+=("$vmx")
	done <"$man"
	want=$(printf '%s\n' "${names[@]}" | sort)
	t0=$(ms)
	if out=$(virsh -q -c "$uri" list --all --name 2>"$VI_TMP/$label-list.err"); then
		echo "$label: virsh list --all --name: $(secs "$t0") s"
		got=$(printf '%s\n' "$out" | sed '/^$/d' | sort)
		if [ "$got" = "$want" ] && [ "${#names[@]}" -eq "$VI_LAB_VCSIM_VMS" ]; then
			pass "$label: list --all shows the $VI_LAB_VCSIM_VMS VMs of $host"
		else
			diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") || true
			fail "$label: list --all shows the $VI_LAB_VCSIM_VMS VMs of $host" "the lists differ"
		fi
	else
		grep -v 'warning :' "$VI_TMP/$label-list.err" | tail -n 20
		fail "$label: list --all shows the $VI_LAB_VCSIM_VMS VMs of $host" "virsh list failed"
	fi
	out=$(virsh -q -c "$uri" list --all 2>/dev/null || true)
	bad=''
	for s in running paused 'shut off'; do
		grep -q "  $s\$" <<<"$out" || bad+=" '$s'"
	done
	if [ -z "$bad" ]; then
		pass "$label: VMs are running, paused and shut off"
	else
		printf '%s\n' "$out"
		fail "$label: VMs are running, paused and shut off" "no VM is$bad"
	fi

	# Every VM: dumpxml (by name, as a user would) against its .vmx.
	mkdir -p "$VI_TMP/$label"
	bad=0
	for ((n = 0; n < ${#names[@]}; n++)); do
		x="$VI_TMP/$label/$n.xml"
		if ! virsh -q -c "$uri" dumpxml "${names[n]}" >"$x" 2>"$x.err"; then
			grep -v 'warning :' "$x.err" | tail -n 5
			echo "dumpxml of '${names[n]}' failed"
			bad=1
			continue
		fi
		if ! xmllint --noout "$x"; then
			echo "dumpxml of '${names[n]}' is not well-formed"
			bad=1
			continue
		fi
		if ! out=$(check_domain "$x" "${vmxs[n]}" "${names[n]}" "${uuids[n]}"); then
			printf "'%s' (%s):\n%s\n" "${names[n]}" "${vmxs[n]}" "$out"
			bad=1
		fi
	done
	if [ "$bad" -eq 0 ]; then
		pass "$label: dumpxml of each VM is well-formed and matches its .vmx (disks, NICs, memory, vCPUs, firmware)"
	else
		fail "$label: dumpxml of each VM is well-formed and matches its .vmx (disks, NICs, memory, vCPUs, firmware)" "see above"
	fi

	# The lab's cases, as libvirt shows them.
	local efi=0 sata=0 ide=0 hostile=0 static=0 f
	for f in "$VI_TMP/$label"/*.xml; do
		[ "$(xp 'string(/domain/os/@firmware)' "$f")" != efi ] || efi=$((efi + 1))
		[ "$(xp "count(/domain/devices/disk[@device='disk'][target/@bus='sata'])" "$f")" = 0 ] || sata=$((sata + 1))
		[ "$(xp "count(/domain/devices/disk[@device='disk'][target/@bus='ide'])" "$f")" = 0 ] || ide=$((ide + 1))
		[ "$(xp 'string(/domain/name)' "$f")" != "web/01 \"O'Brien\" \$(reboot) & <ünï> 100%" ] || hostile=$((hostile + 1))
		[ "$(xp "count(/domain/devices/interface/mac[@type='static'])" "$f")" = 0 ] || static=$((static + 1))
	done
	if [ "$efi" -eq 1 ] && [ "$sata" -eq 1 ] && [ "$ide" -eq 1 ] && [ "$hostile" -eq 1 ] && [ "$static" -eq 1 ]; then
		pass "$label: one UEFI VM, one with a SATA and one with an IDE second disk, one hostile name, one static MAC"
	else
		fail "$label: one UEFI VM, one with a SATA and one with an IDE second disk, one hostile name, one static MAC" \
			"efi=$efi sata=$sata ide=$ide hostile=$hostile static=$static"
	fi
	# The pool: libvirt hashes the mount path (added by the fixer) into its UUID.
	out=$(virsh -q -c "$uri" pool-dumpxml LocalDS_0 2>"$VI_TMP/$label-pool.err" || true)
	case "$label" in vpx) want=$VI_LAB_VCSIM_DATASTORE_DIR ;; *) want=$VI_LAB_VCSIM_ESX_DATASTORE_DIR ;; esac
	if [ "$(printf '%s' "$out" | xmllint --xpath 'string(/pool/target/path)' - 2>/dev/null)" = "$want" ]; then
		pass "$label: pool-dumpxml LocalDS_0 has the datastore's mount path"
	else
		printf '%s\n' "$out"
		grep -v 'warning :' "$VI_TMP/$label-pool.err" | tail -n 5
		fail "$label: pool-dumpxml LocalDS_0 has the datastore's mount path" "want $want"
	fi
	# Volume info: capacityKb and fileSize, which the fixer adds from the
	# descriptor (stock vcsim leaves them out and libvirt 9.0 crashes).
	vmdk=$(cd "$want" && ls -d -- */disk1.vmdk 2>/dev/null | head -n 1)
	sectors=$(awk '$1 == "RW" { s += $2 } END { print s + 0 }' "$want/$vmdk" 2>/dev/null)
	out=$(virsh -q -c "$uri" vol-info --bytes --pool LocalDS_0 "$vmdk" 2>"$VI_TMP/$label-vol.err")
	rc=$?
	if [ $rc = 0 ] && [ "$sectors" -gt 0 ] &&
		printf '%s\n' "$out" | grep -Eq "^Capacity: +$((sectors * 512)) bytes"; then
		pass "$label: vol-info on a VMDK gives the descriptor's capacity"
	else
		printf 'rc %s\n%s\n' "$rc" "$out"
		grep -v 'warning :' "$VI_TMP/$label-vol.err" | tail -n 5
		fail "$label: vol-info on a VMDK gives the descriptor's capacity" "want $((sectors * 512)) bytes ($vmdk)"
	fi
}

for_uri vpx "$VI_LAB_VPX_URI" "$VI_LAB_VCSIM_MANIFEST" DC0_C0_H0
for_uri esx "$VI_LAB_ESX_URI" "$VI_LAB_VCSIM_ESX_MANIFEST" localhost.localdomain

# The duplicate MAC: vcsim gives every VM's first NIC the same address.
dups=$(for f in "$VI_TMP"/vpx/*.xml; do xp '//interface/mac/@address' "$f" | grep -o '[0-9a-f:]\{17\}' | sort -u; done |
	sort | uniq -c | awk '$1 > 1 { print $2 " (" $1 " VMs)" }')
if [ -n "$dups" ]; then
	pass "vpx: a MAC address is shared by several VMs: $dups"
else
	fail "vpx: a MAC address is shared by several VMs" "every MAC is unique"
fi

# The hostile VM by UUID and by name: the same domain.
hname="web/01 \"O'Brien\" \$(reboot) & <ünï> 100%"
huuid=$(awk -F'\t' '$3 == "DC0_C0_H0" && $1 ~ /^web/ { print $2 }' "$VI_LAB_VCSIM_MANIFEST")
if [ -n "$huuid" ] && out=$(virsh -q -c "$VI_LAB_VPX_URI" domname "$huuid" 2>/dev/null) &&
	[ "$out" = "$hname" ] && [ "$(virsh -q -c "$VI_LAB_VPX_URI" domuuid "$hname" 2>/dev/null)" = "$huuid" ]; then
	pass "vpx: the hostile name resolves both ways (domname/domuuid)"
else
	fail "vpx: the hostile name resolves both ways (domname/domuuid)" "got '${out:-}' for $huuid"
fi

# A wrong password is refused (the simulator checks credentials).
sed 's/^password=.*/password=wrong-password/' "$VI_LAB_LIBVIRT_AUTH_FILE" >"$VI_TMP/bad-auth.conf"
chmod 600 "$VI_TMP/bad-auth.conf"
if LIBVIRT_AUTH_FILE=$VI_TMP/bad-auth.conf virsh -q -c "$VI_LAB_VPX_URI" list --all >"$VI_TMP/bad.out" 2>&1; then
	fail "a wrong password is refused" "virsh list succeeded"
elif grep -qi 'login\|auth' "$VI_TMP/bad.out"; then
	pass "a wrong password is refused"
else
	grep -v 'warning :' "$VI_TMP/bad.out" | tail -n 5
	fail "a wrong password is refused" "virsh failed for another reason"
fi

# The datastore's files come through the fixer over HTTPS (what virt-v2v
# downloads): the first VM's disk descriptor, byte for byte.
vmx0=$(awk -F'\t' '$3 == "DC0_C0_H0" { print $5; exit }' "$VI_LAB_VCSIM_MANIFEST")
rel=${vmx0#"$VI_LAB_VCSIM_DATASTORE_DIR"/}
port=$(sed -E 's|^vpx://[^@]*@127\.0\.0\.1:([0-9]+)/.*|\1|' <<<"$VI_LAB_VPX_URI")
if curl -skf -o "$VI_TMP/disk1.vmdk" "https://127.0.0.1:$port/folder/$(dirname "$rel")/disk1.vmdk?dcPath=DC0&dsName=LocalDS_0" &&
	cmp -s "$VI_TMP/disk1.vmdk" "$(dirname "$vmx0")/disk1.vmdk" && grep -q '^RW [0-9]* VMFS "disk1-flat.vmdk"' "$VI_TMP/disk1.vmdk"; then
	pass "the fixer passes datastore downloads through (a VMDK descriptor)"
else
	fail "the fixer passes datastore downloads through (a VMDK descriptor)" "download failed or differs"
fi

# The fixer could parse every SOAP answer it saw (none left unchanged).
if grep -q 'left a response unchanged' "$VI_LAB_DIR/log/vcsim-fixer.log"; then
	grep 'left a response unchanged' "$VI_LAB_DIR/log/vcsim-fixer.log" | head -n 5
	fail "the fixer could parse every SOAP answer" "it left some unchanged"
else
	pass "the fixer could parse every SOAP answer"
fi

# ---------------------------------------------------------------- fixtures

# Recorded real data for the domain-XML parser's unit tests: the UEFI VM,
# the SATA one and the hostile one of the vCenter.
mapfile -t rec < <(awk -F'\t' '$3 == "DC0_C0_H0" { print $1 }' "$VI_LAB_VCSIM_MANIFEST" | sed -n '2,4p')
bad=0
for name in "${rec[@]}"; do
	name=$(vsphere_name "$name")
	f=$fixtures/$(fixture_name "$name")
	virsh -q -c "$VI_LAB_VPX_URI" dumpxml "$name" >"$VI_TMP/rec.xml" 2>/dev/null || { echo "dumpxml '$name' failed"; bad=1; continue; }
	if [ "${VI_UPDATE_FIXTURES:-}" = 1 ]; then
		cp "$VI_TMP/rec.xml" "$f"
		echo "recorded $f"
	elif [ ! -f "$f" ]; then
		echo "missing $f (record it: VI_UPDATE_FIXTURES=1 tests/run --tier integration)"
		bad=1
	elif ! diff -u <(normalize "$f") <(normalize "$VI_TMP/rec.xml"); then
		echo "$f differs from what the lab produces now (VI_UPDATE_FIXTURES=1 records it afresh)"
		bad=1
	fi
done
if [ "$bad" -eq 0 ] && [ ${#rec[@]} -eq 3 ]; then
	pass "recorded vpx domain XML (tests/unit/data/domxml/vpx-*.xml) matches the lab"
else
	fail "recorded vpx domain XML (tests/unit/data/domxml/vpx-*.xml) matches the lab" "see above"
fi

# ---------------------------------------------------------------- down

down_check() {
	local bad=0 f pid st p
	for f in vcsim-vpx vcsim-esx vcsim-fixer; do
		read -r pid st <"$VI_TMP/pids/$f" || continue
		if [ "$(starttime "$pid" || true)" = "$st" ]; then
			echo "$f (pid $pid) is still running"
			bad=1
		fi
	done
	for p in $ports; do
		if listening "$p"; then
			echo "something still listens on 127.0.0.1:$p"
			bad=1
		fi
	done
	for f in "$VI_LAB_VCSIM_DATASTORE_DIR" "$VI_LAB_VCSIM_ESX_DATASTORE_DIR"; do
		if [ -e "$f" ]; then
			echo "datastore $f is still there"
			bad=1
		fi
	done
	for f in /proc/[0-9]*/cmdline; do
		p=${f#/proc/}
		p=${p%/cmdline}
		[ "$p" != "$$" ] || continue
		if tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$VI_LAB_DIR/" && starttime "$p" >/dev/null; then
			echo "process $p names the lab directory: $(tr '\0' ' ' <"$f")"
			bad=1
		fi
	done
	return "$bad"
}

mkdir -p "$VI_TMP/pids"
cp "$VI_LAB_DIR"/pids/vcsim-* "$VI_TMP/pids/"
ports="$(cat "$VI_LAB_DIR"/vcsim/vcsim-*.port) $(awk '{ print $2 }' "$VI_LAB_DIR/vcsim/ports")"
t0=$(ms)
if "$VI_LAB" down >"$VI_TMP/down.log" 2>&1; then
	echo "lab down: $(secs "$t0") s"
	pass "lab down"
else
	cat "$VI_TMP/down.log"
	fail "lab down" "it reported something left behind"
fi
if out=$(down_check); then
	pass "down leaves no simulator, fixer, listener or datastore behind"
else
	printf '%s\n' "$out"
	fail "down leaves no simulator, fixer, listener or datastore behind" "$(head -n 1 <<<"$out")"
fi

# ---------------------------------------------------------------- scale

bench=${VI_VCSIM_BENCH_VMS:-500}
if [ "$bench" -gt 0 ]; then
	export VI_LAB_DIR="$VI_TMP/lab-bench" VI_LAB_VCSIM_VMS=$bench
	t0=$(ms)
	if "$VI_LAB" up --vcsim >"$VI_TMP/bench-up.log" 2>&1 && eval "$("$VI_LAB" env)"; then
		echo "bench: lab up --vcsim with $bench VMs per host: $(secs "$t0") s"
		export LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE
		t0=$(ms)
		n=$(virsh -q -c "$VI_LAB_VPX_URI" list --all 2>"$VI_TMP/bench-list.err" | grep -c . || true)
		[ "$n" -gt 0 ] || grep -v 'warning :' "$VI_TMP/bench-list.err" | tail -n 5
		echo "bench: virsh list --all ($n VMs): $(secs "$t0") s"
		t0=$(ms)
		virsh -q -c "$VI_LAB_VPX_URI" list --all --name >/dev/null 2>&1 || true
		echo "bench: virsh list --all --name: $(secs "$t0") s"
		# One virsh, one connection, every VM by UUID (a lookup by name
		# scans all names: quadratic over a loop).
		awk -F'\t' '$3 == "DC0_C0_H0" { print "dumpxml " $2 }' "$VI_LAB_VCSIM_MANIFEST" >"$VI_TMP/bench.cmds"
		t0=$(ms)
		virsh -q -c "$VI_LAB_VPX_URI" <"$VI_TMP/bench.cmds" >"$VI_TMP/bench.xml" 2>/dev/null || true
		d=$(grep -c '^</domain>' "$VI_TMP/bench.xml" || true)
		echo "bench: dumpxml of all $d VMs by UUID in one virsh: $(secs "$t0") s"
		if [ "$n" -eq "$bench" ] && [ "$d" -eq "$bench" ]; then
			pass "bench: $bench VMs listed and dumped through vpx://"
		else
			fail "bench: $bench VMs listed and dumped through vpx://" "listed $n, dumped $d"
		fi
	else
		cat "$VI_TMP/bench-up.log"
		fail "bench: $bench VMs listed and dumped through vpx://" "lab up failed"
	fi
	t0=$(ms)
	if "$VI_LAB" down >"$VI_TMP/bench-down.log" 2>&1; then
		echo "bench: lab down: $(secs "$t0") s"
	else
		cat "$VI_TMP/bench-down.log"
		fail "bench: lab down" "it failed"
	fi
	export VI_LAB_DIR="$VI_TMP/lab"
fi

finish
