#!/usr/bin/env bash
# Conversion tier: the README's walk-through in the console, to the end.
# The demo, with the lab's guest image built, offers "lab-guest"; the test
# opens it in view 1, adds its VM in view 2, sets a destination folder and
# the proxy in view 3, runs pre-flight, starts, and watches the job in view
# 4 until a real virt-v2v conversion on a local proxy (this machine, over
# virt-import's own sshd -i) is done; then checks the converted disk and
# that the image the demo offered was not written.
set -eu
top=${VI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib.sh"
. "$top/tests/tui/tmux.lib"
need_cmd virt-v2v
need_cmd qemu-img
need_cmd jq
trap tui_stop EXIT

# The cached guest image (built once, about 5 minutes).
if ! img=$("$top/tests/lab/guest-image" </dev/null 2>"$VI_TMP/gi.err" | tail -n 1) || [ ! -f "$img" ]; then
	cat "$VI_TMP/gi.err"
	fail guest-image "the lab's guest image could not be built"
	finish
fi
export VI_LAB_CACHE=${img%/*}
sum_before=$(stat -c '%s %Y' "$img")

# tmux.lib makes HOME the test's own: the proxy saved here is private.  The
# built-in "local" proxy would do; this one adds what virt-v2v needs on this
# machine (TCG: the lab's /dev/kvm is not usable by qemu here).
export HOME=$VI_TMP
"$VI_BIN" proxy add here --local \
	--env "LIBGUESTFS_BACKEND=${LIBGUESTFS_BACKEND:-direct}" \
	--env "LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}" >/dev/null
mkdir -p "$VI_TMP/out"

# tui_wait_for N TEXT: as tui_wait, for N tenths of a second.
tui_wait_for() {
	local n=$1
	while [ "$n" -gt 0 ]; do
		tui_screen | grep -qF -- "$2" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "--- screen while waiting for '$2':"
	tui_screen
	return 1
}

tui_start 100 30 --demo
tui_wait "13 VMs" >/dev/null || fail demo "the demo did not open"

# 1: the lab guest is offered; Enter opens it.
tui_keys 1
if tui_wait "lab-guest" && tui_screen | grep -q "The demo's real guest"; then
	pass "the demo offers the lab guest in view 1"
else
	fail lab-guest "not offered"
fi
tui_keys Enter
tui_wait "1 VM. Space marks" && pass "lab-guest opens: its VM is listed" ||
	fail open "the lab guest's VM was not read"

# 2: add it.
tui_keys Enter
tui_wait "1 to import" >/dev/null || fail add "the VM was not added"

# 3: destination folder, proxy "here", pre-flight, Start.
tui_keys 3
tui_wait "Import plan  1 VM" >/dev/null || fail plan "view 3 did not show the plan"
tui_keys g Down Enter
tui_wait "The folder on the proxy" >/dev/null
tui_keys C-u "$VI_TMP/out" Enter
tui_wait "$VI_TMP/out" >/dev/null || fail dir "the destination folder was not set"
tui_keys Tab Down Down Enter
tui_wait "The proxy that runs virt-v2v" >/dev/null
# The choices: any saved proxy, here, local (the demo's, under the cursor).
tui_keys Up
tui_keys Enter
tui_wait "Proxy                 here" && pass "the local proxy is chosen in the plan" ||
	fail proxy "proxy 'here' not chosen"
# The guest's NIC is on "default": map it to the same.
tui_keys Tab Enter
tui_wait "Where NICs on this source network go" >/dev/null
tui_keys Enter
tui_wait "NICs on default go to network default" >/dev/null ||
	fail network "network default not mapped"
tui_keys p
if tui_wait_for 900 "Every check passed: S starts the import"; then
	pass "pre-flight passes on the local proxy"
else
	tui_keys G
	tui_screen
	fail preflight "pre-flight did not pass"
fi
tui_keys S
tui_wait "Start 1 import on here?" >/dev/null || tui_wait "Start 1 imports on here?" >/dev/null
tui_keys y
tui_wait "queued" >/dev/null
tui_keys 4

# 4: the live job, to the end (a real conversion: minutes under TCG).
t0=$(date +%s)
seen_pct=""
state=""
for _ in $(seq 1 1800); do
	id=$("$VI_BIN" jobs --json 2>/dev/null | jq -r '.[0].id // empty')
	state=$("$VI_BIN" jobs --json 2>/dev/null | jq -r '.[0].state // empty')
	if [ -z "$seen_pct" ] && tui_screen | grep -q "lab-guest.*[1-9][0-9]*%"; then
		seen_pct=yes
	fi
	case $state in done|failed|cancelled) break ;; esac
	sleep 0.5
done
echo "the conversion took $(($(date +%s) - t0)) s (information only)"
if [ "$state" = done ] && tui_wait "done"; then
	pass "the job ends done in view 4"
else
	tui_screen
	[ -n "${id:-}" ] && "$VI_BIN" log "$id" 2>/dev/null | tail -40
	fail job "state '$state'"
fi
[ -n "$seen_pct" ] && pass "view 4 showed the job's progress while it ran" ||
	fail progress "no percentage was seen in view 4"
disk=$(find "$VI_TMP/out" -maxdepth 1 -name 'lab-guest-sda' -o -maxdepth 1 -name 'lab-guest*' ! -name '*.xml' | head -1)
if [ -n "$disk" ] && qemu-img info --output=json "$disk" | jq -e '."virtual-size" > 0' >/dev/null; then
	pass "the converted disk is in the destination folder"
else
	ls -la "$VI_TMP/out"
	fail output "no converted disk"
fi
[ "$(stat -c '%s %Y' "$img")" = "$sum_before" ] &&
	pass "the demo's guest image was only read" || fail image "the cached image changed"

tui_keys q
tui_wait_for 20 "Quit" >/dev/null 2>&1 && tui_keys y
tui_exit "the console quits cleanly after the import"
finish
