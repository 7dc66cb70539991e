# Console tier: the Plan view (3) end to end.  A folder of libvirt XML
# guests is read, two VMs are added in view 2, and in view 3 the plan is
# built through its form: a local directory as destination (a relative
# path refused with the parser's reason), the source network mapped, the
# proxy chosen, a target name that clashes refused (Esc keeps the old
# one).  Pre-flight runs against the lab's sshd, with tests/lab/v2v-replay
# as virt-v2v on the proxy: first with the plan incomplete (FAIL inline,
# Start refused), then passing; Start asks, queues both VMs (they leave
# the plan, the console shows the jobs view) and the jobs run to the end,
# as 'virt-import jobs' reads them.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
need_cmd jq ssh-keygen
# The console runs with HOME=$VI_TMP (tmux.lib): the CLI here too.
export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
vimp() { "$VI_BIN" "$@"; }

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
lab_down_at_exit
trap 'tui_stop; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')

# virt-v2v on the proxy is the replay tool, found through the proxy's PATH.
mkdir -p "$VI_TMP/bin" "$VI_TMP/jobs" "$VI_TMP/out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 2 \
	--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "V2V_REPLAY_LOG=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log" \
	--env "V2V_REPLAY_RATE=0" --env "V2V_REPLAY_RC=0" \
	--env "V2V_REPLAY_PIDFILE=$VI_TMP/replay.pids" >/dev/null
if vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/check" 2>&1; then
	pass "the lab proxy is saved and checked"
else
	cat "$VI_TMP/check"
	fail proxy-check "the lab proxy did not pass its check"
fi

# --- the source: two libvirt XML guests on network 'prod' ------------------
src=$VI_TMP/src
mkdir -p "$src"
guest() { lab_guest "$src" "$1" "$1" "$2" "$3"; } # NAME MIB MAC
guest alpha 8 52:54:00:00:01:01
guest beta 16 52:54:00:00:01:02

# Screens hold the output folder's path: it is shown as $TMP.
plan_expect() {
	tui_screen | sed "s|$VI_TMP|\$TMP|g" >"$VI_TMP/screen.$1"
	if [ "${VI_UPDATE_SCREENS:-}" = 1 ]; then
		cp "$VI_TMP/screen.$1" "$VI_TOP/tests/tui/screens/$1"
		pass "$1 (screen rewritten)"
	elif diff -u "$VI_TOP/tests/tui/screens/$1" "$VI_TMP/screen.$1"; then
		pass "$1"
	else
		fail "$1" "the screen differs from tests/tui/screens/$1 (diff above)"
	fi
}

# tui_wait_long TEXT: as tui_wait, for work over SSH (a minute at most).
tui_wait_long() {
	wait_for 600 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p | grep -qF -- \"\$1\"" sh "$1"
	tui_wait "$1"
}

# A relative source path keeps the title line the same in every run.
cd "$VI_TMP"
tui_start 80 24 console dir:src
tui_wait "2 VMs. Space marks" >/dev/null || fail inventory "the folder's VMs were not read"

# Empty plan: view 3 says what to do.
tui_keys 3
tui_wait "No VMs to import: press 2" && plan_expect plan-empty ||
	fail plan-empty "an empty plan does not say what to do"

tui_keys 2
tui_wait "2 VMs. Space marks" >/dev/null
tui_keys g Space Space Enter
tui_wait "2 VMs added; 2 to import" >/dev/null || fail add "the two VMs were not added"
tui_keys 3
tui_wait "Import plan  2 VMs" && plan_expect plan-new || fail plan-new "view 3 did not show the plan"

# Pre-flight on an incomplete plan: the parser's reason, inline; Start refused.
tui_keys p
if tui_wait "FAIL plan" && tui_wait "1 problem: fix the lines marked FAIL"; then
	pass "pre-flight of an incomplete plan fails inline, saying what is missing"
else
	fail preflight-incomplete "no FAIL line for the missing directory"
fi
tui_keys S
tui_wait "Not started: pre-flight found 1 problem" && pass "Start refused while pre-flight fails" ||
	fail start-refused "S did not refuse with a failing pre-flight"

# Destination: a relative folder is refused with the reason, then set.
tui_keys g Down Enter
tui_wait "The folder on the proxy" >/dev/null
tui_keys out Enter
if tui_wait "Not changed: 'out' is not an absolute path" && plan_expect plan-dir-refused; then :; else
	fail dir-refused "a relative directory was not refused"
fi
tui_keys C-u "$VI_TMP/out" Enter
tui_wait "Directory (proxy's)   \$TMP/out" >/dev/null || tui_screen | grep -qF "$VI_TMP/out" ||
	fail dir-set "the directory was not set"

# The proxy (a choice of the saved ones) and the network mapping.
tui_keys Tab Down Down Enter
tui_wait "The proxy that runs virt-v2v" >/dev/null
tui_keys Down Enter
tui_wait "Proxy                 lab" >/dev/null && pass "the proxy is chosen from the saved ones" ||
	fail proxy-choice "the plan's proxy is not lab"
tui_keys Tab Enter
tui_wait "Where NICs on this source network go" >/dev/null
tui_keys Enter
if tui_wait "NICs on prod go to network default"; then
	pass "network prod mapped to default"
else
	fail netmap "the mapping was not made"
fi

# One VM's own mapping: alpha's NICs on prod go to a bridge, beta keeps the
# batch's; :write shows it in the plan file; d gives alpha the batch's back.
# alpha's rows: name, storage, disk 1, format, allocation, proxy, network.
tui_keys Tab Down Down Down Down Down Down Enter
tui_wait "for this VM only" >/dev/null
tui_keys G Enter
tui_wait "bridge:NAME" >/dev/null
tui_keys C-u bridge:br-alpha Enter
if tui_wait "VM 'alpha': its NICs on prod go to bridge br-alpha" &&
	tui_screen | grep -q "network prod  *→ bridge br-alpha"; then
	pass "one VM's NICs are mapped for that VM only"
else
	fail vm-netmap "alpha's own mapping was not made"
fi
tui_keys : "write $VI_TMP/per-vm.json" Enter
if wait_for 50 test -s "$VI_TMP/per-vm.json" &&
	jq -e '(.vms[] | select(.target == "alpha") | .networks[0] | .from == "prod" and .to == "br-alpha" and .type == "bridge") and
		(.vms[] | select(.target == "beta") | .networks == null)' "$VI_TMP/per-vm.json" >/dev/null; then
	pass "the plan file holds alpha's own mapping, and none for beta"
else
	cat "$VI_TMP/per-vm.json"
	fail vm-netmap-json "the written plan does not hold alpha's mapping"
fi
tui_keys d
tui_wait "(the batch's)" >/dev/null && ! tui_screen | grep -q "br-alpha" &&
	pass "d gives the VM the batch's mapping back" ||
	fail vm-netmap-clear "alpha's mapping stayed"

# A target name that clashes: refused, said why; Esc keeps the old name.
tui_keys g Tab Tab Tab Down Down Down Down Down Down Down Enter
tui_wait "The VM's name at the destination" >/dev/null
tui_keys C-u alpha Enter
if tui_wait "VM 'alpha' is imported as 'alpha' already" && plan_expect plan-clash; then :; else
	fail clash "a clashing target name was not refused"
fi
tui_keys Escape
tui_wait_gone "Enter: OK   Esc: cancel" &&
tui_wait "Name at destination   beta" >/dev/null && pass "Esc keeps the old target name" ||
	fail clash-esc "the target changed after Esc"
plan_expect plan-filled
# Smaller and back: the form lays out again, the cursor on its field.
tui_resize 60 12
if tui_wait "Import plan  2 VMs" && tui_screen | grep -q "▸ Name at destinat" &&
	[ "$(tui_screen | wc -l)" -eq 12 ]; then
	tui_resize 80 24
	tui_wait "▸ Name at destination   beta" >/dev/null && pass "the form follows a resize" ||
		fail resize-back "the form did not come back at 80x24"
else
	tui_resize 80 24
	fail resize "the form did not lay out at 60x12"
fi

# Pre-flight against the lab proxy: results inline, every check passed.
tui_keys p
if tui_wait_long "Every check passed: S starts the import"; then
	pass "pre-flight against the lab proxy passes, shown inline"
else
	fail preflight "pre-flight did not pass"
fi
tui_screen | grep -q "ok   proxy" && tui_screen | grep -q "ok   name" &&
	pass "each check's result is a line of the view" ||
	{ tui_keys G; tui_screen | grep -q "ok   proxy" && pass "each check's result is a line of the view" ||
		fail preflight-lines "no ok lines for proxy and name"; }

# Start: asked, queued, the plan emptied, the jobs view shown.
tui_keys S
tui_wait "Start 2 imports on lab?" && pass "Start asks before queueing" || fail start-confirm "no confirmation"
tui_keys y
if tui_wait "2 imports queued." && tui_screen | grep -q "3 Plan" &&
	[ "$(tui_screen | grep -c 'No VMs to import')" = 0 ]; then
	pass "Start queued the imports and showed the jobs"
else
	fail start "the imports were not queued"
fi
if [ "$(vimp jobs --json | jq -r 'length')" = 2 ] &&
	[ "$(vimp jobs --json | jq -r '[.[].vm] | sort | join(",")')" = "src/alpha.xml,src/beta.xml" ] ||
	[ "$(vimp jobs --json | jq -r '[.[].target] | sort | join(",")')" = "alpha,beta" ]; then
	pass "virt-import jobs lists the two queued jobs"
else
	vimp jobs --json | jq '.[] | {vm, target, state}'
	fail jobs "virt-import jobs does not list the two jobs"
fi
tui_keys 3
tui_wait "No VMs to import: press 2" && pass "the queued VMs left the plan" ||
	fail plan-emptied "the queued VMs are still in the plan"
# The replayed virt-v2v writes no disks: a job ends done, or failed only
# when reading its result back (virt-v2v itself succeeded).
ended() {
	[ "$("$VI_BIN" jobs --json | jq -r '[.[] | select(.state == "done" or .state == "failed")] | length')" = 2 ]
}
if wait_for 1200 ended &&
	vimp jobs --json | jq -e 'all(.[]; .proxy == "lab" and (.state == "done" or
		(.error | test("reading .*/out/(alpha|beta)\\.xml failed"))))' >/dev/null; then
	pass "both jobs ran virt-v2v to its end on the lab proxy"
else
	vimp jobs --json | jq '.[] | {vm, state, proxy, error}'
	fail jobs-ended "the jobs did not run to their end on lab"
fi

# A libvirt destination: its URI checked by the parser, its pools listed
# from the proxy on a task (virsh there, the test driver's URI) and one
# chosen with its free space.
tui_keys 3 g Enter
tui_wait "Where the converted VMs go" >/dev/null
tui_keys Down Enter
tui_wait "Output: libvirt" >/dev/null || fail libvirt-kind "the output did not become libvirt"
tui_keys Down Enter
tui_wait "The libvirt URI as the proxy reaches it" >/dev/null
tui_keys nonsense Enter
tui_wait "Not changed: 'nonsense' is not a libvirt URI" && pass "a bad libvirt URI is refused with the parser's reason" ||
	fail libvirt-uri "a bad URI was not refused"
tui_keys C-u test:///default Enter
if tui_wait_long "1 pool on lab: Enter on the pool chooses"; then
	pass "the destination's pools are listed from the proxy"
else
	fail pools "the pools were not listed"
fi
tui_keys Down Enter
tui_wait "default-pool  dir, free 100 GiB" || fail pool-choice "the pool is not offered with its free space"
tui_keys Enter
tui_wait "Storage pool          default-pool  (100 GiB free)" && plan_expect plan-libvirt ||
	fail pool-set "the pool was not chosen"
tui_keys q
tui_exit quit-clean
finish
