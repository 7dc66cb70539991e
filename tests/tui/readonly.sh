# Console tier: `virt-import console --read-only` (k9s's read-only flag)
# beside a `virt-import run` that drives a job on the lab's sshd, with
# tests/lab/v2v-replay as virt-v2v held silent until the test lets it go.
# The header says read-only; the keys that change saved sources, proxies
# or jobs (add, edit, delete; cancel, retry; start) are refused, saying
# so, and change nothing; the console shows the job live, does not take
# the jobs over when their driver is killed (`virt-import jobs` still
# says nobody drives them), shows the job done once `jobs --follow`
# carries it on, and quits without asking.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
need_cmd jq ssh-keygen perl
export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
vimp() { "$VI_BIN" "$@"; }

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
driver=
trap '[ -z "$driver" ] || kill -9 "$driver" 2>/dev/null; tui_stop; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')

mkdir -p "$VI_TMP/bin" "$VI_TMP/out"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" --max-jobs 2 \
	--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "V2V_REPLAY_LOG=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log" \
	--env "V2V_REPLAY_RATE=100" --env "V2V_REPLAY_OUTPUT=4" \
	--env "V2V_REPLAY_HOLD=$VI_TMP/go" >/dev/null
vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/check" 2>&1 || cat "$VI_TMP/check"
src=$VI_TMP/src
lab_guest "$src" a vm-a 8
lab_guest "$src" b vm-b 8
vimp provider add folder "dir:$src" >/dev/null
jq -n --arg src "dir:$src" --arg out "$VI_TMP/out" '{
	version: 1, source: { spec: $src }, proxy: "lab",
	destination: { type: "local", directory: $out },
	vms: [ { name: "vm-a", target: "new-vm-a" } ] }' >"$VI_TMP/plan.json"
"$VI_BIN" run "$VI_TMP/plan.json" >"$VI_TMP/run.out" 2>"$VI_TMP/run.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/run.err" || fail run "the job did not start converting"
id=$(vimp jobs --json | jq -r 'last | .id')
saved() { vimp provider list --json | jq -c '.providers | map(.name)'; vimp proxy list --json | jq -c '.proxies | map(.name)'; }
before=$(saved)

tui_start 100 30 console --read-only
if tui_wait "Enter opens a source, Tab goes to the proxies, ? helps." &&
	tui_screen | head -n 1 | grep -q "read-only *$" && screen_has "Enter opens it (read-only: no edits)."; then
	pass "the header says read-only, and the hints offer no edits"
else
	fail header "no read-only mark, or hints that offer edits"
fi

# Saved sources and proxies: add, edit, delete refused; nothing changed.
refused=0
for k in a e d DC; do
	tui_keys "$k"
	name=$k
	[ "$k" = DC ] && name=Del
	if tui_wait "This console is read-only (--read-only): $name (" >/dev/null &&
		! screen_has "Enter: OK   Esc: cancel"; then
		refused=$((refused + 1))
	fi
	tui_keys C-l
done
[ $refused = 4 ] && [ "$(saved)" = "$before" ] &&
	pass "view 1: add, edit and delete (d, Del) are refused, saying so; nothing saved changed" ||
	fail sources-refused "$refused of 4 refused; saved now $(saved), before $before"

# The job, live; cancel and retry refused.
tui_keys 4
if tui_wait "vm-a" >/dev/null && row_has vm-a converting; then
	pass "view 4 shows the job that another virt-import drives"
else
	fail jobs-live "$(row vm-a)"
fi
goto vm-a
tui_keys c
tui_wait "This console is read-only (--read-only): c (cancel the job" >/dev/null &&
	! screen_has "Cancel job" && [ ! -e "$HOME/.local/state/virt-import/jobs/$id/cancel" ] &&
	[ "$(vimp jobs --json | jq -r --arg id "$id" '.[] | select(.id == $id) | .state')" = converting ] &&
	pass "c is refused: no question, no cancel request, the job converts on" ||
	fail cancel-refused "$(tui_screen | tail -n 1)"
tui_keys R
tui_wait "This console is read-only (--read-only): R (" >/dev/null && [ "$(vimp jobs --json | jq length)" = 1 ] &&
	pass "R is refused: no job queued" || fail retry-refused "$(tui_screen | tail -n 1)"

# The plan: S refused.
tui_keys 1
tui_wait "Enter opens a source" >/dev/null
tui_keys Enter
tui_wait "2 VMs. Space marks" >/dev/null
tui_keys g Down Space Enter
tui_wait "1 VM added" >/dev/null
tui_keys 3 S
tui_wait "This console is read-only (--read-only): S (start the import" >/dev/null &&
	! screen_has "Start 1 import" && [ "$(vimp jobs --json | jq length)" = 1 ] &&
	pass "S is refused in the plan: nothing asked, nothing queued" || fail start-refused "$(tui_screen | tail -n 1)"

# The driver killed: the read-only console does not take the jobs over.
# A negative check, so a wait: 2 s are eight of the console's ticks, each
# of which would take the lock over.
kill -9 "$driver"
wait "$driver" 2>/dev/null
driver=
sleep 2
vimp jobs >/dev/null 2>"$VI_TMP/jobs.err"
grep -q "no virt-import drives it" "$VI_TMP/jobs.err" &&
	pass "its driver killed, the read-only console does not take the job over" ||
	fail no-takeover "$(cat "$VI_TMP/jobs.err")"
: >"$VI_TMP/go"
vimp jobs --follow >"$VI_TMP/follow.out" 2>&1
tui_keys 4
if wait_for 100 sh -c 'tmux -S "$1" capture-pane -p | awk -v vm=vm-a "NR > 3 && \$1 == vm" | grep -q done' sh "$TMUX_SOCK"; then
	pass "carried on by 'jobs --follow', the job shows done in the read-only console"
else
	fail done-shown "$(row vm-a)"
fi
tui_keys q
tui_exit "q quits the read-only console without asking, exit 0, nothing on stderr"
finish
