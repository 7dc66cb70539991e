# Integration: `virt-import list` and `inspect` against a simulated vCenter
# and ESXi (the lab's vcsim behind libvirt's ESX driver): credentials from a
# password file only, the inventory matching the simulator's, details on a
# pool of connections, the duplicate MAC, a hostile VM name end to end.
. "$VI_TOP/tests/lib.sh"
need_cmd jq
# The lab's build of vcsim is cached in the real home, not the test's.
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME="" XDG_CACHE_HOME=""
mkdir -p "$HOME"
export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --vcsim >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up --vcsim" "the simulators did not start"
	finish
fi
trap '"$VI_LAB" down >/dev/null 2>&1' EXIT
eval "$("$VI_LAB" env)"
unset LIBVIRT_AUTH_FILE
pw=$VI_LAB_VMWARE_PASSWORD_FILE
vimp() { "$VI_BIN" "$@"; }

# The simulator's own inventory, for the hosts each URI names.
awk -F'\t' '$3 == "DC0_C0_H0" { print $2, $4 }' "$VI_LAB_VCSIM_MANIFEST" | sort >"$VI_TMP/want-vpx"
awk -F'\t' '{ print $2, $4 }' "$VI_LAB_VCSIM_ESX_MANIFEST" | sort >"$VI_TMP/want-esx"
power() { sed 's/poweredOn/running/; s/poweredOff/shutoff/; s/suspended/paused/'; }

for kind in vpx esx; do
	if [ $kind = vpx ]; then uri=$VI_LAB_VPX_URI; else uri=$VI_LAB_ESX_URI; fi
	if vimp list "$uri" --password-file "$pw" --json >"$VI_TMP/$kind.json" 2>"$VI_TMP/err"; then
		jq -r '.vms[] | "\(.uuid) \(.power)"' "$VI_TMP/$kind.json" | sort >"$VI_TMP/got"
		if diff <(power <"$VI_TMP/want-$kind") "$VI_TMP/got"; then
			pass "$kind: list shows the simulator's VMs with their power states"
		else
			fail "$kind: list" "VMs or states differ from the simulator (diff above)"
		fi
	else
		cat "$VI_TMP/err"
		fail "$kind: list" "failed"
	fi
	if vimp list "$uri" --password-file "$pw" --details --connections 3 --json >"$VI_TMP/$kind-d.json" 2>"$VI_TMP/err" &&
		[ "$(jq '[.vms[] | select(.detailed and (.disks | length) > 0)] | length' "$VI_TMP/$kind-d.json")" = \
		"$(jq '.vms | length' "$VI_TMP/$kind.json")" ]; then
		pass "$kind: --details on 3 connections reads every VM's disks"
	else
		cat "$VI_TMP/err"
		fail "$kind: --details" "not every VM detailed"
	fi
	vimp list "$uri" --password-file "$pw" --details --json >"$VI_TMP/$kind-d1.json" 2>/dev/null
	[ "$(jq -c .vms "$VI_TMP/$kind-d.json")" = "$(jq -c .vms "$VI_TMP/$kind-d1.json")" ] &&
		pass "$kind: 3 connections give what 1 gives" || fail "$kind: connections" "results differ"
	# Disk capacities: what the VMDK descriptors in the simulator's
	# datastore say (extent sectors x 512), for every disk of every VM.
	if [ $kind = vpx ]; then ds=$VI_LAB_VCSIM_DATASTORE_DIR; else ds=$VI_LAB_VCSIM_ESX_DATASTORE_DIR; fi
	bad=0 n=0
	while IFS=$'\t' read -r dpath cap; do
		rel=${dpath#\[*\] }
		want=$(awk '$1 == "RW" { s += $2 } END { print s * 512 }' "$ds/$rel" 2>/dev/null)
		n=$((n + 1))
		if [ "$cap" != "$want" ] || [ "$want" = 0 ]; then
			echo "$dpath: capacity $cap, descriptor says $want"
			bad=1
		fi
	done < <(jq -r '.vms[].disks[] | [.path, (.capacity_bytes | tostring)] | @tsv' "$VI_TMP/$kind-d.json")
	[ $bad = 0 ] && [ $n -gt 0 ] && pass "$kind: the capacity of all $n disks matches their VMDK descriptors" ||
		fail "$kind: disk capacity" "wrong or unknown capacities (above)"
done

n=$(jq '[.vms[] | select(any(.problems[]; .code == "duplicate-mac"))] | length' "$VI_TMP/vpx-d.json")
[ "$n" -ge 2 ] && pass "vpx: vcsim's shared MAC is flagged on $n VMs" || fail "vpx: duplicate MAC" "$n flagged"
hostile=$(jq -r '.vms[] | select(.name | startswith("web/01")) | .name' "$VI_TMP/vpx.json")
case "$hostile" in
'web/01 "O'"'"'Brien" $(reboot) & '*) pass "vpx: the hostile name arrives byte-exact" ;;
*) fail "vpx: hostile name" "got '$hostile'" ;;
esac
if vimp inspect "$VI_LAB_VPX_URI" "$hostile" --password-file "$pw" --json >"$VI_TMP/h.json" 2>"$VI_TMP/err" &&
	[ "$(jq -r .vm.name "$VI_TMP/h.json")" = "$hostile" ] &&
	[ "$(jq -r .vm.power "$VI_TMP/h.json")" = shutoff ] &&
	[ "$(jq '.vm.disks | length' "$VI_TMP/h.json")" = 2 ]; then
	pass "vpx: inspect the hostile-named VM by its exact name"
else
	cat "$VI_TMP/err"
	fail "vpx: inspect hostile" "wrong answer"
fi
[ ! -e /tmp/pwned ] && pass "nothing in a VM name was executed" || fail "name executed" "/tmp/pwned exists"

# Credentials: only from a file or a terminal; a wrong one is one clear line.
setsid "$VI_BIN" list "$VI_LAB_VPX_URI" </dev/null >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "give --password-file FILE" "$VI_TMP/o" &&
	pass "no password and no terminal: says to give --password-file" || fail "no password" "rc $rc: $(cat "$VI_TMP/o")"
# On a terminal the password is asked once per command, whatever the number
# of connections, and never echoed.
if command -v tmux >/dev/null 2>&1; then
	sock=$VI_TMP/tmux.sock
	printf '%s\n' "$VI_BIN" list "$VI_LAB_VPX_URI" --details --connections 4 >"$VI_TMP/args"
	cat >"$VI_TMP/prompt.sh" <<RUN
#!/bin/sh
set --
while IFS= read -r a; do set -- "\$@" "\$a"; done <"$VI_TMP/args"
"\$@" >"$VI_TMP/prompt.out" 2>&1
echo \$? >"$VI_TMP/prompt.rc"
exec sleep 600
RUN
	tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 30 "sh $VI_TMP/prompt.sh"
	if wait_for 100 sh -c "tmux -S '$sock' capture-pane -p | grep -qi password"; then
		tmux -S "$sock" send-keys -l "$(cat "$pw")"
		tmux -S "$sock" send-keys Enter
		wait_for 300 test -s "$VI_TMP/prompt.rc"
		screen=$(tmux -S "$sock" capture-pane -p)
		prompts=$(printf '%s\n' "$screen" | grep -ci password)
		if [ "$(cat "$VI_TMP/prompt.rc" 2>/dev/null)" = 0 ] && [ "$prompts" = 1 ] &&
			! printf '%s\n' "$screen" | grep -qF -- "$(cat "$pw")" &&
			[ "$(grep -c . "$VI_TMP/prompt.out")" -gt 1 ]; then
			pass "on a terminal: one password prompt for 4 connections, not echoed"
		else
			printf '%s\n' "$screen"
			cat "$VI_TMP/prompt.out" 2>/dev/null
			fail "password prompt" "rc $(cat "$VI_TMP/prompt.rc" 2>/dev/null), $prompts prompts"
		fi
	else
		tmux -S "$sock" capture-pane -p
		fail "password prompt" "no password prompt appeared"
	fi
	tmux -S "$sock" kill-server 2>/dev/null || true
fi
printf 'wrong-password' >"$VI_TMP/bad"
chmod 600 "$VI_TMP/bad"
vimp list "$VI_LAB_VPX_URI" --password-file "$VI_TMP/bad" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$VI_TMP/o")" = 1 ] && grep -q "cannot connect" "$VI_TMP/o" &&
	pass "a wrong password is one line naming the connection" || fail "wrong password" "rc $rc: $(cat "$VI_TMP/o")"
vimp list "$VI_LAB_VPX_URI" --password-file "$VI_TMP/missing" >"$VI_TMP/o" 2>&1
grep -q "cannot read the password file" "$VI_TMP/o" && pass "a missing password file is named" ||
	fail "missing password file" "$(cat "$VI_TMP/o")"
secret=$(cat "$pw")
if grep -rqF -- "$secret" "$HOME" 2>/dev/null; then
	fail "password kept out of files" "the password is in a file under HOME"
else
	pass "the password appears in no file virt-import wrote"
fi
# Saved as a provider, a vCenter is named, its password file referenced.
check "provider add for the vCenter" "$VI_BIN" provider add vc-lab "$VI_LAB_VPX_URI" --password-file "$pw" --connections 2
n=$(vimp list vc-lab --json 2>/dev/null | jq '.vms | length')
[ "$n" = "$(wc -l <"$VI_TMP/want-vpx")" ] && pass "list through the saved vCenter provider" ||
	fail "list vc-lab" "$n VMs"
"$VI_LAB" down >/dev/null 2>&1
trap - EXIT
finish
