# Integration: `virt-import list` and `inspect` against real libvirt drivers
# (the test driver with the demo inventory, the lab's libvirtd over its unix
# socket and over SSH), the JSON form, and saved providers.
. "$VI_TOP/tests/lib.sh"
need_cmd virsh jq
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }

# --- the demo (test driver) -------------------------------------------
want=$(grep -c '<domain ' "$VI_TOP/backend/demo-node.xml")
if vimp list demo --json >"$VI_TMP/l.json" 2>"$VI_TMP/err" &&
	[ "$(jq '.vms | length' "$VI_TMP/l.json")" = "$want" ] &&
	[ "$(jq -r '.version' "$VI_TMP/l.json")" = 1 ] &&
	[ "$(jq '[.vms[] | select(.detailed)] | length' "$VI_TMP/l.json")" = 0 ]; then
	pass "list demo --json: $want VMs, names first, no details"
else
	cat "$VI_TMP/err" "$VI_TMP/l.json"
	fail "list demo --json" "wrong VM count or shape"
fi
# Power states come from the bulk listing and match virsh's.
for vm in web01 db01 "O'Brien's desktop"; do
	ours=$(jq -r --arg n "$vm" '.vms[] | select(.name == $n) | .power' "$VI_TMP/l.json")
	theirs=$(virsh -c "test://$VI_TOP/backend/demo-node.xml" domstate "$vm" 2>/dev/null | head -1)
	case "$theirs:$ours" in
	"running:running" | "shut off:shutoff" | "paused:paused") pass "power of '$vm' is $ours" ;;
	*) fail "power of '$vm'" "virsh says '$theirs', we say '$ours'" ;;
	esac
done
if vimp list demo --details --json >"$VI_TMP/d.json" 2>"$VI_TMP/err" &&
	[ "$(jq '[.vms[] | select(.detailed)] | length' "$VI_TMP/d.json")" = "$want" ]; then
	pass "list --details reads every VM's configuration"
else
	cat "$VI_TMP/err"
	fail "list --details" "not every VM is detailed"
fi
n=$(jq '[.vms[] | select(.problems[].code == "duplicate-mac")] | length' "$VI_TMP/d.json")
[ "$n" = 2 ] && pass "the duplicate MAC of web03 and web03-clone is flagged" ||
	fail "duplicate MAC flagged" "$n VMs flagged"
[ "$(jq -r '.vms[] | select(.name == "$(reboot)") | .name' "$VI_TMP/d.json")" = '$(reboot)' ] &&
	pass "hostile name kept byte-exact in JSON" || fail "hostile name in JSON" "not found"
# Details on 4 connections give the same answer as on one.
vimp list demo --details --connections 4 --json >"$VI_TMP/d4.json" 2>"$VI_TMP/err"
# (the demo's node file is a new temporary file each run: compare the VMs)
if [ "$(jq -c .vms "$VI_TMP/d.json")" = "$(jq -c .vms "$VI_TMP/d4.json")" ] &&
	[ "$(jq -r .source.provider "$VI_TMP/d4.json")" = demo ]; then
	pass "details on 4 connections equal details on 1"
else
	diff "$VI_TMP/d.json" "$VI_TMP/d4.json" | head -20
	fail "details on 4 connections" "differ from 1 connection"
fi
if vimp inspect demo web01 --json >"$VI_TMP/i.json" 2>"$VI_TMP/err" &&
	[ "$(jq -r '.vm.disks[0].datastore' "$VI_TMP/i.json")" = datastore1 ] &&
	[ "$(jq -r '.vm.nics[0].network' "$VI_TMP/i.json")" = "VM Network" ] &&
	[ "$(jq -r '.vm.memory_bytes' "$VI_TMP/i.json")" = 4294967296 ]; then
	pass "inspect demo web01 --json"
else
	cat "$VI_TMP/err" "$VI_TMP/i.json"
	fail "inspect demo web01 --json" "wrong content"
fi
vimp inspect demo 'no such vm' >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "has no VM named 'no such vm'.*virt-import list" "$VI_TMP/o" &&
	pass "inspect of a missing VM says what to do" || fail "inspect missing VM" "rc $rc: $(cat "$VI_TMP/o")"
# Text output cannot drive the terminal, whatever the names hold.
vimp list demo --details >"$VI_TMP/t" 2>&1
if grep -q '^NAME ' "$VI_TMP/t" && ! LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177]')" "$VI_TMP/t" &&
	grep -q 'dépôt-ü' "$VI_TMP/t"; then
	pass "text list: table, UTF-8 names kept, no control characters"
else
	cat "$VI_TMP/t"
	fail "text list" "bad table"
fi
vimp list 'http://vc/sdk' >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "is not a source virt-import knows" "$VI_TMP/o" &&
	pass "unknown URI scheme refused with the accepted forms" || fail "unknown scheme" "rc $rc"
vimp list demo --connections 0 >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 2 ] && pass "bad --connections is a usage error" || fail "bad --connections" "rc $rc"

# --- saved providers ------------------------------------------------------
printf 'secret-pw' >"$VI_TMP/pw"
chmod 644 "$VI_TMP/pw"
vimp provider add lab-demo "test://$VI_TOP/backend/demo-node.xml" --password-file "$VI_TMP/pw" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "chmod 600" "$VI_TMP/o" && pass "a world-readable password file is refused" ||
	fail "world-readable password file" "rc $rc: $(cat "$VI_TMP/o")"
chmod 600 "$VI_TMP/pw"
check "provider add" "$VI_BIN" provider add lab-demo "test://$VI_TOP/backend/demo-node.xml" --password-file "$VI_TMP/pw" --connections 2
f=$HOME/.config/virt-import/providers.json
if [ "$(stat -c %a "$f")" = 600 ] && ! grep -q secret-pw "$f" &&
	[ "$(jq -r '.providers[0].password_file' "$f")" = "$VI_TMP/pw" ]; then
	pass "providers.json is 0600 and holds the password file's path, not the password"
else
	fail "providers.json" "mode $(stat -c %a "$f") or content wrong"
fi
vimp provider add lab-demo test:///default >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q -- "--replace" "$VI_TMP/o" && pass "adding an existing name needs --replace" ||
	fail "existing provider name" "rc $rc"
n=$(vimp list lab-demo --json | jq '.vms | length')
[ "$n" = "$want" ] && [ "$(vimp list lab-demo --json | jq -r .source.provider)" = lab-demo ] &&
	pass "list through a saved provider" || fail "list through a provider" "$n VMs"
vimp provider add demo test:///default >"$VI_TMP/o" 2>&1
grep -q "built-in demo" "$VI_TMP/o" && pass "the name 'demo' is reserved" || fail "demo reserved" "$(cat "$VI_TMP/o")"
vimp provider add 'bad name' test:///default >"$VI_TMP/o" 2>&1
grep -q "position 4" "$VI_TMP/o" && pass "a bad provider name is refused with its position" || fail "bad name" "$(cat "$VI_TMP/o")"
vimp list nosuch >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "provider add nosuch SOURCE" "$VI_TMP/o" && pass "an unknown provider says how to save one" ||
	fail "unknown provider" "rc $rc: $(cat "$VI_TMP/o")"
# Two writers at once lose nothing: the store is locked and replaced atomically.
for i in 1 2 3 4 5 6 7 8; do vimp provider add "p$i" test:///default & done; wait
n=$(vimp provider list --json | jq '.providers | length')
[ "$n" = 9 ] && pass "8 concurrent provider adds all kept" || fail "concurrent adds" "$n providers"
check "provider remove" "$VI_BIN" provider remove p3
vimp provider remove p3 >"$VI_TMP/o" 2>&1 && fail "remove twice" "succeeded" || pass "removing a missing provider fails"
echo '{ "version": 1, "providers": [' >"$f"
vimp list lab-demo >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "is damaged: fix it or move it away" "$VI_TMP/o" && pass "a damaged providers.json is reported, not overwritten" ||
	fail "damaged providers.json" "rc $rc: $(cat "$VI_TMP/o")"
vimp provider add x test:///default >/dev/null 2>&1
grep -q '"providers": \[$' "$f" && pass "a damaged store is left as it was" || fail "damaged store kept" "it was rewritten"

# --- the lab's libvirtd: unix socket and SSH ------------------------------
export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --libvirtd --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab did not start"
	finish
fi
trap '"$VI_LAB" down >/dev/null 2>&1' EXIT
eval "$("$VI_LAB" env)"
for uri in "$VI_LAB_LIBVIRT_URI" "$VI_LAB_QEMU_SSH_URI" "$VI_LAB_QEMU_LIBSSH_URI"; do
	scheme=${uri%%://*}
	if vimp list "$uri" --details --json >"$VI_TMP/q.json" 2>"$VI_TMP/err" &&
		[ "$(jq '[.vms[].name] | sort' -c "$VI_TMP/q.json")" = '["lab-src1","lab-src2"]' ] &&
		[ "$(jq -r '.vms[] | select(.name == "lab-src2") | .disks | length' "$VI_TMP/q.json")" = 2 ] &&
		[ "$(jq -r '.vms[] | select(.name == "lab-src2") | .disks[0].capacity_bytes' "$VI_TMP/q.json")" != null ]; then
		pass "list --details over $scheme (disk sizes from the real libvirtd)"
	else
		cat "$VI_TMP/err" "$VI_TMP/q.json"
		fail "list --details over $scheme" "wrong inventory"
	fi
done
virsh -q -c "$VI_LAB_LIBVIRT_URI" start lab-src1 >/dev/null 2>&1
if [ "$(vimp list "$VI_LAB_LIBVIRT_URI" --json | jq -r '.vms[] | select(.name == "lab-src1") | .problems[0].code')" = running ]; then
	pass "a running lab VM is flagged: shut it down first"
else
	fail "running VM flagged" "no running problem"
fi
virsh -q -c "$VI_LAB_LIBVIRT_URI" destroy lab-src1 >/dev/null 2>&1
if vimp inspect "$VI_LAB_LIBVIRT_URI" lab-src2 >"$VI_TMP/o" 2>&1 && grep -q '^NIC 2: .*lab-net2' "$VI_TMP/o"; then
	pass "inspect over the unix socket"
else
	cat "$VI_TMP/o"
	fail "inspect over the unix socket" "wrong output"
fi
# libvirt's own errors reach the user as one line, never its log spam.
vimp list 'qemu+unix:///system?socket=/nonexistent/sock' >"$VI_TMP/o" 2>&1; rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$VI_TMP/o")" = 1 ] && grep -q 'cannot connect to' "$VI_TMP/o"; then
	pass "connection failure: one line with libvirt's reason"
else
	cat "$VI_TMP/o"
	fail "connection failure" "rc $rc"
fi
"$VI_LAB" down >/dev/null 2>&1
trap - EXIT
finish
