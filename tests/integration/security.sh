# Integration: the claims of docs/security.md that no other test checks,
# end to end through `virt-import run` on the lab (its sshd as the proxy,
# its libvirtd and the vCenter simulator as sources), with a stand-in
# virt-v2v on the proxy that records the words and the password file it was
# given, then replays a recorded real log (tests/lab/v2v-replay):
# password files others can read are refused; the vCenter password is in no
# process's argv or environment during a run, reaches virt-v2v only as a
# 0600 file, is in no log, record, output or libvirt debug log, and leaves
# the proxy after success, failure and cancel; what reaches the proxy; the
# modes of our folders; hostile VM names (quotes, $(), backquotes, ';', a
# leading dash) imported end to end run nothing and arrive as one word;
# a hostile target is refused; names and logs with escape sequences never
# reach the terminal raw (command line, `log`, the console); the console
# asks for no password over its screen.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
need_cmd jq ssh-keygen perl virsh
# The lab's cache (the vcsim build) stays the user's; the rest is ours.
export VI_LAB_CACHE="${VI_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virt-import-lab}"
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID LIBVIRT_LOG_OUTPUTS LIBVIRT_DEBUG LIBVIRT_DEFAULT_URI
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
config=$HOME/.config/virt-import
jobs_dir=$VI_TMP/jobs
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log
# Any injected "touch $PWNED" would make this file, here or on the proxy.
export PWNED="$VI_TMP/pwned"
# Control bytes: C0 (ESC, BEL...) but tab and newline, DEL, and the UTF-8
# C1 controls (8-bit CSI U+009B and friends).
raw_controls() { LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$@"; }
nl=$(printf '\nx')
nl=${nl%x}

export VI_LAB_DIR="$VI_TMP/lab"
t0=$(date +%s)
if ! VI_LAB_VCSIM_VMS=2 "$VI_LAB" up --sshd --libvirtd --vcsim >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd, libvirtd and vCenter simulator did not start"
	finish
fi
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	tui_stop
	"$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"
}
trap cleanup EXIT
echo "lab up in $(($(date +%s) - t0)) s"
eval "$("$VI_LAB" env)"
unset LIBVIRT_AUTH_FILE
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
pw=$VI_LAB_VMWARE_PASSWORD_FILE
secret=$(cat "$pw")
secret_sha=$(sha256sum <"$pw" | cut -d' ' -f1)
# A proxy --env value: virt-v2v's environment gets it, no command line.
envmark=envmark-$$-$RANDOM$RANDOM

# virt-v2v on the proxy: record the words (NUL-separated) and, for -ip, the
# password file's mode, its folder's mode and its sha256; then replay.
mkdir -p "$VI_TMP/bin" "$VI_TMP/rec" "$VI_TMP/out"
cat >"$VI_TMP/bin/virt-v2v" <<'SH'
#!/bin/sh
out=$V2V_RECORD/$$
for a; do printf '%s\0' "$a"; done >"$out.argv"
printf '%s\n' "${V2V_MARK:-}" >"$out.env"
prev=
for a; do
	if [ "$prev" = -ip ]; then
		stat -c %a "$a" >"$out.ip"
		stat -c %a "$(dirname "$a")" >>"$out.ip"
		sha256sum <"$a" | cut -d' ' -f1 >>"$out.ip"
	fi
	prev=$a
done
exec "$V2V_REPLAY" "$@"
SH
chmod 755 "$VI_TMP/bin/virt-v2v"
addproxy() { # LOG RATE RC
	vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" --max-jobs 2 --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY=$VI_TOP/tests/lab/v2v-replay" --env "V2V_RECORD=$VI_TMP/rec" \
		--env "V2V_REPLAY_LOG=$1" --env "V2V_REPLAY_RATE=$2" --env "V2V_REPLAY_RC=$3" \
		--env "PWNED=$PWNED" --env "V2V_MARK=$envmark" >/dev/null
}
addproxy "$success_log" 3 0
vimp proxy check lab --accept-host-key "$fp" >"$VI_TMP/check.out" 2>&1 || cat "$VI_TMP/check.out"

# A shut-off VM of the vCenter simulator.
vm=$(awk -F'\t' '$3 == "DC0_C0_H0" { print $1; exit }' "$VI_LAB_VCSIM_MANIFEST")
LIBVIRT_AUTH_FILE=$VI_LAB_LIBVIRT_AUTH_FILE virsh -q -c "$VI_LAB_VPX_URI" destroy "$vm" >/dev/null 2>&1
vplan() { # FILE PASSWORD_FILE
	jq -n --arg src "$VI_LAB_VPX_URI" --arg pw "$2" --arg out "$VI_TMP/out" --arg vm "$vm" '{
		version: 1, source: { spec: $src, password_file: $pw }, proxy: "lab",
		destination: { type: "local", directory: $out }, debug: true,
		defaults: { format: "raw", unmapped: { to: "br0", type: "bridge" } },
		vms: [ { name: $vm, target: "vc-vm" } ] }' >"$1"
}
last_id() { vimp jobs --json | jq -r '[.[]] | last | .id'; }

# --- 1. password files others can read are refused -----------------------
cp "$pw" "$VI_TMP/open-pw"
chmod 644 "$VI_TMP/open-pw"
vplan "$VI_TMP/open.json" "$VI_TMP/open-pw"
rc=0
vimp run "$VI_TMP/open.json" >"$VI_TMP/open.out" 2>&1 || rc=$?
if [ $rc = 1 ] && grep -q "FAIL  credentials.*can be read by other users: run 'chmod 600 $VI_TMP/open-pw' first" "$VI_TMP/open.out" &&
	[ -z "$(ls -A "$state/jobs" 2>/dev/null)" ]; then
	pass "run: a password file others can read fails pre-flight with the chmod command; nothing queued"
else
	cat "$VI_TMP/open.out"
	fail "open password file (run)" "rc $rc"
fi
rc=0
vimp list "$VI_LAB_VPX_URI" --password-file "$VI_TMP/open-pw" >"$VI_TMP/open.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "can be read by other users: run 'chmod 600" "$VI_TMP/open.out" &&
	pass "list --password-file: a file others can read is refused before libvirt gets the password" ||
	fail "open password file (list)" "rc $rc: $(cat "$VI_TMP/open.out")"
rc=0
vimp proxy job start lab --secret pw="$VI_TMP/open-pw" -- true >"$VI_TMP/open.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "can be read by other users" "$VI_TMP/open.out" && [ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ] &&
	pass "proxy job start --secret: a file others can read is refused, nothing sent" ||
	fail "open password file (secret)" "rc $rc: $(cat "$VI_TMP/open.out")"

cp "$VI_LAB_SSH_KEY" "$VI_TMP/open-key"
chmod 640 "$VI_TMP/open-key"
vimp proxy add openkey "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_TMP/open-key" >/dev/null
rc=0
vimp proxy check openkey >"$VI_TMP/open.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "key file $VI_TMP/open-key can be read by other users: run 'chmod 600" "$VI_TMP/open.out" &&
	pass "an SSH key file the group can read is refused, with the chmod command (as OpenSSH does)" ||
	fail "open key file" "rc $rc: $(cat "$VI_TMP/open.out")"
vimp proxy remove openkey >/dev/null

# --- TLS: the vCenter's certificate is checked unless the URI says no_verify=1
rc=0
vimp list "${VI_LAB_VPX_URI%%\?no_verify=1}" --password-file "$pw" >"$VI_TMP/tls.out" 2>&1 || rc=$?
if [ "$VI_LAB_VPX_URI" != "${VI_LAB_VPX_URI%%\?no_verify=1}" ] && [ $rc = 1 ] &&
	grep -qi 'certificate' "$VI_TMP/tls.out"; then
	pass "TLS: without no_verify=1 the simulator's self-signed certificate is refused"
else
	cat "$VI_TMP/tls.out"
	fail "TLS verification" "rc $rc for $VI_LAB_VPX_URI without no_verify=1"
fi

# --- 2. a vCenter import: where the password goes --------------------------
vplan "$VI_TMP/vc.json" "$pw"
LIBVIRT_DEBUG=1 LIBVIRT_LOG_OUTPUTS="1:file:$VI_TMP/libvirt-debug.log" \
	"$VI_BIN" run "$VI_TMP/vc.json" >"$VI_TMP/vc.out" 2>"$VI_TMP/vc.err" &
driver=$!
samples=0 seen=0 envseen=0 listing=
while kill -0 "$driver" 2>/dev/null; do
	for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$secret" && { seen=1; echo "password in $f"; }
	done
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$envmark" && { envseen=1; echo "--env value in $f"; }
	done
	# What the job's folder on the proxy holds while it converts.
	if [ -z "$listing" ] && [ -n "$(find "$jobs_dir" -path '*/secrets/*' 2>/dev/null)" ] &&
		[ -n "$(find "$jobs_dir" -maxdepth 2 -name pid 2>/dev/null)" ] &&
		[ -n "$(find "$jobs_dir" -maxdepth 2 -name log 2>/dev/null)" ]; then
		listing=$(cd "$jobs_dir" && find . -mindepth 1 -printf '%m %P\n' | sed -E 's| [0-9]{8}-[0-9]{6}-[0-9a-f]{12}| ID|' | sort)
	fi
	samples=$((samples + 1))
	sleep 0.1
done
rc=0
wait "$driver" || rc=$?
id=$(last_id)
echo "vCenter run: exit $rc, $samples samples; the proxy's folder held:"
echo "$listing"
if grep -q ': converting' "$VI_TMP/vc.err" && [ $samples -ge 3 ] && [ $seen = 0 ]; then
	pass "no process's argv or environment held the password during a run ($samples looks at every process: virt-import, ssh, sshd, the job's shell, virt-v2v)"
else
	cat "$VI_TMP/vc.err"
	fail "password in argv" "seen $seen, $samples samples"
fi
ipf=$(ls "$VI_TMP"/rec/*.ip 2>/dev/null | head -n 1)
argvf=${ipf%.ip}.argv
if [ -n "$ipf" ] && [ "$(cat "$ipf")" = "600${nl}700${nl}$secret_sha" ] && ! grep -qF -- "$secret" "$argvf" &&
	tr '\0' '\n' <"$argvf" | grep -qx -- -v && tr '\0' '\n' <"$argvf" | grep -qx -- -x; then
	pass "virt-v2v (run with -v -x) got the password only as -ip FILE: 0600, in a 0700 folder, the same bytes"
else
	cat "$ipf" 2>/dev/null
	fail "password file on the proxy" "no -ip record or wrong mode/content"
fi
envf=${ipf%.ip}.env
if [ -n "$ipf" ] && [ "$(cat "$envf" 2>/dev/null)" = "$envmark" ] && [ $envseen = 0 ] && [ $samples -ge 3 ]; then
	pass "a proxy's --env value reached virt-v2v's environment and no process's command line ($samples looks)"
else
	fail "--env on the command line" "seen $envseen; virt-v2v got '$(cat "$envf" 2>/dev/null)'"
fi
want="600 ID/env
600 ID/secrets/source-password
700 ID
700 ID/secrets
700 ID/work"
got=$(printf '%s\n' "$listing" | grep -v -e ' ID/pid$' -e ' ID/log$' -e ' ID/start.err$')
if [ "$got" = "$want" ] && printf '%s\n' "$listing" | grep -qx '600 ID/log' &&
	printf '%s\n' "$listing" | grep -qx '600 ID/pid'; then
	pass "what reached the proxy: a 0700 job folder with the log, pid, work/, env and secrets/source-password (0600), nothing else"
else
	fail "proxy folder" "unexpected: $got"
fi
left=$(grep -rlF -- "$secret" "$jobs_dir" 2>/dev/null)
[ -z "$left" ] && [ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ] &&
	pass "after the run the proxy holds no copy of the password and no job folder" ||
	fail "password left on the proxy" "$left $(ls -A "$jobs_dir")"
cmd=$(jq -r .command "$state/jobs/$id/job.json" 2>/dev/null)
case $cmd in
*"'-ip' '$jobs_dir/$id/secrets/source-password'"*) ok=1 ;;
*) ok=0 ;;
esac
if [ $ok = 1 ] && [ -s "$VI_TMP/libvirt-debug.log" ] &&
	! grep -rqF -- "$secret" "$state" "$config" "$VI_TMP/vc.out" "$VI_TMP/vc.err" "$VI_TMP/libvirt-debug.log" &&
	! vimp log "$id" 2>&1 | grep -qF -- "$secret"; then
	pass "the password is in no record, job log, libvirt.log or output here, nor in libvirt's debug log (LIBVIRT_DEBUG=1); the command names its path"
else
	grep -rlF -- "$secret" "$state" "$config" "$VI_TMP/vc.out" "$VI_TMP/vc.err" "$VI_TMP/libvirt-debug.log"
	echo "command: $cmd"
	fail "password at rest" "found, or no -ip path in the command"
fi
bad=$(find "$state" "$config" \( -type d ! -perm 700 \) -o \( -type f -perm /077 ! -name known_hosts \) 2>/dev/null)
if [ -z "$bad" ] && [ -d "$state/jobs/$id" ] && [ -f "$config/proxies.json" ]; then
	pass "state and config: every folder 0700, every file 0600 (known_hosts holds public keys only)"
else
	find "$state" "$config" -printf '%m %p\n'
	fail "modes" "$bad"
fi

# --- 3. failure and cancel: the secret leaves the proxy too -----------------
printf 'virt-v2v: error: \033]2;PWNED-TITLE\007\033[31m\302\233 bad disk\nIf reporting bugs, run virt-v2v with debugging enabled\n' >"$VI_TMP/esc.log"
addproxy "$VI_TMP/esc.log" 3 1
rc=0
vimp run "$VI_TMP/vc.json" >"$VI_TMP/fail.out" 2>"$VI_TMP/fail.err" || rc=$?
id=$(last_id)
if [ $rc = 1 ] && [ "$(vimp jobs --json | jq -r --arg id "$id" '.[] | select(.id == $id) | .state')" = failed ] &&
	[ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ] && ! grep -rqF -- "$secret" "$jobs_dir" "$state"; then
	pass "a failed conversion: no secret, no job folder left on the proxy"
else
	cat "$VI_TMP/fail.err"
	fail "secret after failure" "rc $rc: $(ls -A "$jobs_dir")"
fi
vimp log "$id" >"$VI_TMP/log.out" 2>&1
vimp jobs >>"$VI_TMP/log.out" 2>&1
if grep -q 'bad disk' "$VI_TMP/log.out" && ! raw_controls "$VI_TMP/log.out" "$VI_TMP/fail.err"; then
	pass "a log with escape sequences and C1 controls: 'log', 'jobs' and run's lines print them as '?'"
else
	cat -A "$VI_TMP/log.out" | head -20
	fail "log escapes" "raw control bytes reached the output"
fi
addproxy "$success_log" 1 0
"$VI_BIN" run "$VI_TMP/vc.json" >"$VI_TMP/cancel.out" 2>"$VI_TMP/cancel.err" &
driver=$!
wait_for 600 grep -q ': converting' "$VI_TMP/cancel.err"
id=$(last_id)
had=$(find "$jobs_dir/$id/secrets" -type f 2>/dev/null | wc -l)
vimp cancel "$id" >"$VI_TMP/cancel2.out" 2>&1
wait "$driver"
if [ "$had" = 1 ] && grep -q "$id cancelled" "$VI_TMP/cancel2.out" &&
	[ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ] && ! grep -rqF -- "$secret" "$jobs_dir" "$state"; then
	pass "a cancelled conversion: its secret and folder are removed from the proxy"
else
	cat "$VI_TMP/cancel.err" "$VI_TMP/cancel2.out"
	fail "secret after cancel" "had $had secret(s); left: $(ls -A "$jobs_dir")"
fi

# --- 4. hostile VM names ----------------------------------------------------
n1="q'uote \$(touch \$PWNED) \`touch \$PWNED\`; touch \$PWNED | x"
n2="-leading dash \$(touch \$PWNED) \"dq\""
xmlesc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
i=0
for n in "$n1" "$n2"; do
	i=$((i + 1))
	esc=$(printf '%s' "$n" | xmlesc | sed 's/[|&\\]/\\&/g')
	virsh -q -c "$VI_LAB_LIBVIRT_URI" dumpxml lab-src1 | sed -e "s|<name>lab-src1</name>|<name>$esc</name>|" \
		-e "s|<uuid>.*</uuid>|<uuid>6c5e1a2e-0b8e-4c1f-9d7e-1a5b0000010$i</uuid>|" \
		-e "s|52:54:00:1a:b0:01|52:54:00:1a:b1:0$i|" >"$VI_TMP/hostile$i.xml"
	virsh -q -c "$VI_LAB_LIBVIRT_URI" define "$VI_TMP/hostile$i.xml" >/dev/null
done
hplan() { # FILE TARGETS(yes|no) NAME [NAME] (jq would take a leading '-' for an option)
	jq -n --arg src "$VI_LAB_QEMU_SSH_URI" --arg out "$VI_TMP/out" --arg t "$2" \
		--arg a "$3" --arg b "${4-}" '{
		version: 1, source: { spec: $src }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { networks: [ { from: "lab-net", to: "default", type: "network" } ] },
		vms: [ [$a, $b] | map(select(. != "")) | to_entries[] |
			if $t == "yes" then { name: .value, target: "hostile-\(.key)" } else { name: .value } end ] }' >"$1"
}
hplan "$VI_TMP/notarget.json" no "$n1"
njobs=$(vimp jobs --json | jq length)
rc=0
vimp run "$VI_TMP/notarget.json" >"$VI_TMP/nt.out" 2>&1 || rc=$?
if [ $rc = 1 ] && grep -q "^FAIL  name .*target name 'q'uote.*has the character ''' at position 2" "$VI_TMP/nt.out" &&
	[ "$(vimp jobs --json | jq length)" = "$njobs" ]; then
	pass "a hostile VM name as its own target: refused by pre-flight (letters, digits, '.', '_', '-'), nothing queued"
else
	cat "$VI_TMP/nt.out"
	fail "hostile target" "rc $rc"
fi
rm -f "$VI_TMP"/rec/*
addproxy "$success_log" 8 0
hplan "$VI_TMP/hostile.json" yes "$n1" "$n2"
rc=0
vimp run "$VI_TMP/hostile.json" >"$VI_TMP/h.out" 2>"$VI_TMP/h.err" || rc=$?
n=$(grep -c ': converting' "$VI_TMP/h.err")
if [ "$n" -ge 2 ] && [ ! -e "$PWNED" ] && [ -z "$(ls -A "$jobs_dir" 2>/dev/null)" ]; then
	pass "two VMs named with quotes, \$(), backquotes, ';', '|' and a leading dash imported end to end: nothing ran, here or on the proxy"
else
	cat "$VI_TMP/h.err"
	fail "hostile run" "rc $rc, $n converting, pwned: $(ls "$PWNED" 2>&1)"
fi
got=0
for f in "$VI_TMP"/rec/*.argv; do
	[ -f "$f" ] || continue
	last=$(tr '\0' '\n' <"$f" | tail -n 2)
	[ "$last" = "--${nl}$n1" ] || [ "$last" = "--${nl}$n2" ] && got=$((got + 1))
done
[ $got = 2 ] && pass "virt-v2v on the proxy received each name byte for byte as one word after --" ||
	fail "hostile argv" "$got of 2 names arrived whole"
q1="'--' '$(printf '%s' "$n1" | sed "s/'/'\\\\''/g")'"
q2="'--' '$n2'"
cmds=$(for d in "$state"/jobs/*/job.json; do jq -r .command "$d"; done)
if printf '%s\n' "$cmds" | grep -qF -- "$q1" && printf '%s\n' "$cmds" | grep -qF -- "$q2"; then
	pass "each job's recorded command shows the name single-quoted ('\\'' for a quote) after --"
else
	printf '%s\n' "$cmds" | grep -o "'--' .*"
	fail "recorded command" "want $q1 and $q2"
fi

# --- 5. names with escape sequences never reach the terminal raw -----------
tsrc=$VI_TMP/tsrc
mkdir -p "$tsrc"
truncate -s 1M "$tsrc/d.vmdk"
vmx() { # FILE DISPLAYNAME(printf format)
	printf '.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "14"\ndisplayName = "'"$2"'"\nmemSize = "512"\nnumvcpus = "1"\nguestOS = "other-64"\nscsi0.present = "TRUE"\nscsi0:0.present = "TRUE"\nscsi0:0.fileName = "d.vmdk"\nethernet0.present = "TRUE"\nethernet0.networkName = "net\033[2J\377"\nethernet0.virtualDev = "e1000\033[5m"\nethernet0.addressType = "static"\nethernet0.address = "00:50:56:00:00:0%s"\n' "$3" >"$tsrc/$1"
}
# Valid UTF-8 with C0 and C1 controls (a plan can name it), and invalid UTF-8.
vmx esc.vmx 'esc\033]2;PWNED-TITLE\007\033[31mred \302\233m end' 1
vmx raw.vmx 'raw \377\376 \033[31m end' 2
name=$(printf 'esc\033]2;PWNED-TITLE\007\033[31mred \302\233m end')
vimp list "dir:$tsrc" >"$VI_TMP/term.out" 2>&1
vimp inspect "dir:$tsrc" "$name" >>"$VI_TMP/term.out" 2>&1
vimp inspect "dir:$tsrc" "$(printf 'raw \377\376 \033[31m end')" >>"$VI_TMP/term.out" 2>&1
jq -n --arg src "dir:$tsrc" --arg out "$VI_TMP/out" --arg n "$name" '{ version: 1, source: { spec: $src },
	proxy: "lab", destination: { type: "local", directory: $out }, vms: [ { name: $n } ] }' >"$VI_TMP/esc.json"
vimp run "$VI_TMP/esc.json" --dry-run >>"$VI_TMP/term.out" 2>&1
if [ "$(grep -c '^Name: ' "$VI_TMP/term.out")" = 2 ] && grep -q 'FAIL  name' "$VI_TMP/term.out" &&
	grep -q '^Name:      raw ?? ?\[31m end$' "$VI_TMP/term.out" && ! raw_controls "$VI_TMP/term.out"; then
	pass "list, inspect and run's pre-flight print names, networks and models with ESC, BEL, C1 controls and invalid UTF-8 as '?'"
else
	cat -A "$VI_TMP/term.out" | grep -n 'PWNED\|\^\[' | head
	fail "terminal escapes (command line)" "raw control bytes reached the output"
fi
# Control: the same bytes printed raw do set the pane's title.
tmx -f /dev/null new-session -d -s control -x 80 -y 10 "printf 'esc\\033]2;PWNED-TITLE\\007'; exec sleep 60"
wait_for 50 sh -c "tmux -S '$TMUX_SOCK' display -p -t control '#{pane_title}' | grep -q PWNED-TITLE"
control=$(tmx display -p -t control '#{pane_title}')
tmx kill-session -t control
tui_start 100 20 console "dir:$tsrc"
if tui_wait 'PWNED-TITLE' && [ "$control" = PWNED-TITLE ] &&
	[ "$(tmx display -p '#{pane_title}')" != PWNED-TITLE ] &&
	tui_screen | grep -qF 'esc?]2;PWNED-TITLE??[31mred'; then
	pass "the console draws the name's escape sequences as '?': the pane's title stays (printed raw, it changes)"
else
	tui_screen
	fail "terminal escapes (console)" "title '$(tmx display -p '#{pane_title}')', control '$control'"
fi
tui_keys q
wait_for 50 test -f "$VI_TMP/rc"
tui_stop
# The console never asks for a password on the terminal its screen owns:
# a vCenter without a password file says what to do on the status line.
tui_start 250 10 console "$VI_LAB_VPX_URI"
if tui_wait 'the console never asks for one: give the source a password file' &&
	! tui_screen | grep -qi "password for"; then
	pass "the console asks no password over its screen: a vCenter without a password file says to give one"
else
	tui_screen
	fail "console password prompt" "no message, or a prompt on the screen"
fi
tui_keys q
wait_for 50 test -f "$VI_TMP/rc"
tui_stop
finish
