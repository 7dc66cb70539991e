# Console tier: a vCenter listing (the lab's vcsim, 300 VMs per host,
# through libvirt's ESX driver) fills the console as it comes: the list
# first, with a spinner and a count of VMs read, then the details in
# parts, the keys working meanwhile; at the end every VM is read.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
export VI_LAB_DIR="$VI_TMP/lab"
export VI_LAB_VCSIM_VMS=300
lab_down_at_exit
trap 'tui_stop; "$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"' EXIT

if ! "$VI_LAB" up --vcsim >"$VI_TMP/lab-up.log" 2>&1; then
	cat "$VI_TMP/lab-up.log"
	fail lab-up "the lab's vCenter simulator did not start"
	finish
fi
eval "$("$VI_LAB" env)"
total=$(awk -F'\t' '$3 == "DC0_C0_H0"' "$VI_LAB_VCSIM_MANIFEST" | wc -l)

# A saved provider with a password file: the console reads the file.
HOME=$VI_TMP XDG_CONFIG_HOME= "$VI_BIN" provider add vc "$VI_LAB_VPX_URI" \
	--password-file "$VI_LAB_VMWARE_PASSWORD_FILE" --connections 2 >/dev/null 2>"$VI_TMP/err" ||
	{ cat "$VI_TMP/err"; fail provider-add "could not save the provider"; }

tui_start 100 30 console vc
# Poll fast: the screen while reading must show the list with a part read.
seen_partial=0 seen_spinner=0
for _ in $(seq 1 600); do
	s=$(tui_screen)
	if printf '%s\n' "$s" | grep -qE "vc (…|\.\.\.)  $total VMs, [0-9]+ read"; then
		n=$(printf '%s\n' "$s" | sed -nE "s/.*$total VMs, ([0-9]+) read.*/\1/p" | head -1)
		[ "$n" -lt "$total" ] && seen_partial=1
		printf '%s\n' "$s" | tail -1 | grep -qE '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏|/\\-] *$|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ' && seen_spinner=1
	fi
	printf '%s\n' "$s" | grep -q "^$total VMs\. Space marks" && break
	sleep 0.05
done
[ $seen_partial = 1 ] && pass "first VMs shown before every detail is read" ||
	fail stream-partial "never saw the list with only part of the $total VMs read"
[ $seen_spinner = 1 ] && pass "spinner while reading" || fail stream-spinner "no spinner in the status line while reading"
if tui_wait "$total VMs. Space marks"; then
	pass "all $total VMs read"
else
	fail stream-done "the read did not end"
fi
# Every row has its details (no '…' left in the problems column).
tui_keys G
sleep 0.3
if tui_screen | sed -n '4,28p' | grep -qE '(…|\.) *│'; then
	fail stream-details "rows still waiting for details after the end"
else
	pass "every row detailed"
fi
tui_keys q
tui_exit quit-clean
# The password went to libvirt only: not on the screen, not in the log.
pw=$(cat "$VI_LAB_VMWARE_PASSWORD_FILE")
if grep -rqF -- "$pw" "$VI_TMP/.local" "$VI_TMP/stderr" 2>/dev/null; then
	fail password "the vCenter password was written to a state or log file"
else
	pass "no password in state or logs"
fi
finish
