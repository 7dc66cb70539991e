# Console tier: quitting while pre-flight waits on proxies that do not
# answer.  Three saved proxies point at the lab's sshd, whose listener is
# SIGSTOPped: the kernel queues each connection, nobody greets it, so each
# probe's connect waits for its timeout.  q during that pre-flight ends the
# console after the probe under way, saying on stderr what it waits for,
# and the other two proxies are never connected to (the listener's accept
# queue holds one connection, not three).  No clock is read: the queue
# says how many connections were made.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
need_cmd ss ssh-keygen
export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
vimp() { "$VI_BIN" "$@"; }

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
eval "$("$VI_LAB" env)"
trap 'kill -CONT "$VI_LAB_SSHD_PID" 2>/dev/null; tui_stop; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')

for p in p1 p2 p3; do
	vimp proxy add "$p" "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$VI_TMP/jobs" >/dev/null
done
vimp proxy check p1 --accept-host-key "$fp" >"$VI_TMP/check" 2>&1 || cat "$VI_TMP/check"
src=$VI_TMP/src
lab_guest "$src" a vm-a 8

# queued: connections waiting in the lab sshd's accept queue (its Recv-Q).
queued() { ss -Hltn "sport = :$VI_LAB_SSH_PORT" | awk '{ n += $2 } END { print n + 0 }'; }

cd "$VI_TMP"
tui_start 80 24 console dir:src
tui_wait "1 VM. Space marks" >/dev/null || fail inventory "the folder's VM was not read"
tui_keys g Space Enter
tui_wait "1 VM added" >/dev/null || fail add "the VM was not added"
tui_keys 3
tui_wait "Import plan" >/dev/null || fail plan "view 3 did not show the plan"
tui_keys g Down Enter
tui_wait "The folder on the proxy" >/dev/null
tui_keys "$VI_TMP/out" Enter
tui_wait "Directory (proxy's)" >/dev/null || fail dir "the destination folder was not set"

kill -STOP "$VI_LAB_SSHD_PID"
tui_keys p
if wait_for 300 sh -c '[ "$(ss -Hltn "sport = :$1" | awk "{ n += \$2 } END { print n + 0 }")" -ge 1 ]' sh "$VI_LAB_SSH_PORT"; then
	pass "pre-flight's first probe waits on the proxy that does not answer"
else
	fail probe-waits "no connection reached the stopped sshd"
fi
tui_keys q
# The probe under way ends at its connect timeout (15 s).
wait_for 600 test -f "$TUI_D/rc"
n=$(queued)
kill -CONT "$VI_LAB_SSHD_PID"
if [ -f "$TUI_D/rc" ] && [ "$(cat "$TUI_D/rc")" = 0 ] &&
	grep -qx "virt-import: waiting for 1 check under way to stop (a source listing, a proxy check or pre-flight: at most the step each is in)" "$TUI_D/stderr" &&
	[ "$(wc -l <"$TUI_D/stderr")" = 1 ]; then
	pass "q during pre-flight: the console ends, saying on stderr what it waits for"
else
	cat "$TUI_D/stderr" 2>/dev/null
	fail quit "rc $(cat "$TUI_D/rc" 2>/dev/null)"
fi
if [ "$n" = 1 ]; then
	pass "the quitting console stopped pre-flight: the two other proxies were never connected to"
else
	fail quit-stops "$n connections reached the stopped sshd, not 1"
fi
finish
