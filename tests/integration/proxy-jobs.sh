# Integration: remote jobs on the lab's real sshd that outlive the SSH
# connection: hostile arguments arrive byte-exact, secrets travel by SFTP
# and never show in ps or in any file afterwards, ten jobs followed on one
# session, the connection killed or the server SIGSTOPped mid-job (the log
# still read exactly once), virt-import itself killed and restarted,
# cancel of a whole process group, a job whose leader vanished.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen ss sha256sum
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
jobs_dir=$VI_TMP/jobs
state=$HOME/.local/state/virt-import/jobs

lab_sshd_up
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" >/dev/null || fail "proxy add" "failed"

# The sshd processes serving connections: children of the listener.
sessions() { ps -o pid= --ppid "$VI_LAB_SSHD_PID" | tr -d ' '; }
alive() { starttime "$1" >/dev/null; }
lines() { i=1; while [ $i -le "$1" ]; do echo "line $i"; i=$((i + 1)); done; }
# A job printing N numbered lines, one every 0.2 s.
counter='i=1; while [ $i -le "$1" ]; do echo "line $i"; i=$((i + 1)); sleep 0.2; done'

# --- hostile words, byte for byte, executing nothing ----------------------
nl='
'
id=$(vimp proxy job start lab --accept-host-key "$fp" -- printf '%s\000' 'a b' "q'uote\"s" \
	"\$(touch $VI_TMP/pwned)" "line1${nl}line2" ';reboot' '*' "\`id\`" '' '-n' 2>"$VI_TMP/err")
if [ -n "$id" ] && vimp proxy job follow "$id" >"$VI_TMP/hostile.out" 2>>"$VI_TMP/err" &&
	printf '%s\000' 'a b' "q'uote\"s" "\$(touch $VI_TMP/pwned)" "line1${nl}line2" ';reboot' '*' \
		"\`id\`" '' '-n' | cmp -s - "$VI_TMP/hostile.out" && [ ! -e "$VI_TMP/pwned" ]; then
	pass "hostile job arguments arrive byte-exact and execute nothing"
else
	cat "$VI_TMP/err"
	od -c "$VI_TMP/hostile.out" | head
	fail "hostile arguments" "bytes differ or something ran"
fi
if [ -n "$id" ] && [ "$(vimp proxy job list --json | jq -r --arg id "$id" '.jobs[] | select(.id == $id) | "\(.state) \(.rc)"')" = "done 0" ]; then
	pass "the job's record says done, rc 0"
else
	vimp proxy job list
	fail "job record" "not done 0"
fi
perm=$(stat -c %a "$jobs_dir/$id" "$jobs_dir/$id/log" 2>/dev/null | tr '\n' ' ')
[ "$perm" = "700 600 " ] && pass "the remote job folder is 0700 and its log 0600" ||
	fail "remote modes" "got '$perm'"

# --- secrets ----------------------------------------------------------------
secret="S3cr3t-'\"\$(touch $VI_TMP/pwned2)-$$-$RANDOM"
printf '%s' "$secret" >"$VI_TMP/pw"
chmod 600 "$VI_TMP/pw"
want=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
id=$(vimp proxy job start lab --secret pw="$VI_TMP/pw" -- \
	sh -c 'stat -c %a "$1"; sleep 2; sha256sum <"$1"' sh '{secret:pw}' 2>"$VI_TMP/err")
seen=0
for _ in 1 2 3 4 5 6 7 8; do
	for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$secret" && { seen=1; echo "in $f"; }
	done
	sleep 0.2
done
out=$(vimp proxy job follow "$id" 2>>"$VI_TMP/err")
if [ -n "$id" ] && [ "$out" = "600${nl}$want  -" ] && [ $seen = 0 ]; then
	pass "the secret reaches the job as a 0600 file, never in any process's argv or environment"
else
	cat "$VI_TMP/err"
	fail "secret" "out '$out', seen in ps: $seen"
fi
if [ -n "$id" ] && [ ! -e "$jobs_dir/$id/secrets" ] && ! grep -rqF -- "$secret" "$jobs_dir" "$HOME" &&
	[ ! -e "$VI_TMP/pwned2" ]; then
	pass "after the job no file on the proxy or here holds the secret"
else
	fail "secret left" "secrets/ or a copy remains"
fi
vimp proxy job start lab --secret pw="$VI_TMP/nope" -- true >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "cannot read the secret file $VI_TMP/nope" "$VI_TMP/o" &&
	pass "a missing secret file is named" || fail "missing secret" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy job start lab -- cat '{secret:x}' >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'no --secret x=FILE was given' "$VI_TMP/o" &&
	pass "a {secret:KEY} without --secret is refused" || fail "unknown secret" "rc $rc: $(cat "$VI_TMP/o")"

# --- ten jobs followed on one session ----------------------------------------
ids=()
for n in 1 2 3 4 5 6 7 8 9 10; do
	ids+=("$(vimp proxy job start lab -- sh -c "$counter" sh $((10 + n)))")
done
"$VI_BIN" proxy job follow "${ids[@]}" >"$VI_TMP/ten.out" 2>"$VI_TMP/ten.err" &
fpid=$!
conns=0 max=0
while kill -0 $fpid 2>/dev/null; do
	conns=$(ss -Htnp state established "( dport = :$VI_LAB_SSH_PORT )" 2>/dev/null | grep -c "pid=$fpid,")
	[ "$conns" -gt "$max" ] && max=$conns
	sleep 0.2
done
wait $fpid
rc=$?
bad=0
n=0
for i in "${ids[@]}"; do
	n=$((n + 1))
	lines $((10 + n)) | cmp -s - "$state/$i/log" || { echo "log of $i differs"; bad=1; }
	grep -qx "$i done 0" "$VI_TMP/ten.out" || { echo "no 'done 0' for $i"; bad=1; }
done
if [ $rc = 0 ] && [ $bad = 0 ] && [ "$max" = 1 ]; then
	pass "ten jobs followed at once on one SSH session, every log complete"
else
	cat "$VI_TMP/ten.err"
	fail "ten jobs" "rc $rc, bad $bad, at most $max connections"
fi

# --- the connection killed, or the server stopped, mid-job -------------------
# midjob SIGNAL TIMEOUT WANT LABEL: follow a 30-line job, send SIGNAL to the
# sshd serving it after 1.5 s; the follow must say WANT, reconnect, and copy
# every line exactly once.
midjob() {
	local sig=$1 timeout=$2 want=$3 label=$4 id fpid rc hit= p
	id=$(vimp proxy job start lab -- sh -c "$counter" sh 30)
	"$VI_BIN" proxy job follow "$id" --timeout "$timeout" >"$VI_TMP/mid.out" 2>"$VI_TMP/mid.err" &
	fpid=$!
	sleep 1.5
	for p in $(sessions); do kill "-$sig" "$p" && hit="$hit $p"; done
	wait $fpid
	rc=$?
	[ "$sig" = STOP ] && for p in $hit; do kill -KILL "$p"; kill -CONT "$p"; done 2>/dev/null
	if [ -n "$hit" ] && [ $rc = 0 ] && lines 30 | cmp -s - "$VI_TMP/mid.out" &&
		lines 30 | cmp -s - "$state/$id/log" && grep -q -- "$want" "$VI_TMP/mid.err" &&
		grep -q 'reconnected' "$VI_TMP/mid.err"; then
		pass "$label"
	else
		cat "$VI_TMP/mid.err"
		diff <(lines 30) "$VI_TMP/mid.out" | head
		fail "$label" "rc $rc, sshd sessions signalled: '$hit'"
	fi
}
midjob KILL 4 'broke' "sshd killed mid-job: reconnected, the job finished, its log read exactly once"
midjob STOP 3 'stopped answering: nothing came for 3 seconds' \
	"a SIGSTOPped server is detected, not waited on: reconnected and the log read exactly once"

# --- virt-import killed and restarted ---------------------------------------
id=$(vimp proxy job start lab -- sh -c "$counter" sh 25)
"$VI_BIN" proxy job follow "$id" >"$VI_TMP/k1.out" 2>&1 &
fpid=$!
sleep 1
vimp proxy job follow "$id" >/dev/null 2>"$VI_TMP/two.err"
rc=$?
[ $rc = 1 ] && grep -q 'is being followed by another virt-import' "$VI_TMP/two.err" &&
	pass "a second follow of the same job is refused while the first runs" ||
	fail "two followers" "rc $rc: $(cat "$VI_TMP/two.err")"
sleep 1
kill -KILL $fpid
wait $fpid 2>/dev/null
vimp proxy job follow "$id" >"$VI_TMP/k2.out" 2>"$VI_TMP/k2.err"
rc=$?
if [ $rc = 0 ] && [ -s "$VI_TMP/k1.out" ] && lines 25 | cmp -s - "$VI_TMP/k2.out" &&
	lines 25 | cmp -s - "$state/$id/log"; then
	pass "virt-import killed mid-job: a new follow shows the whole log exactly once"
else
	cat "$VI_TMP/k2.err"
	fail "restart" "rc $rc"
fi

# --- cancel: the whole process group, partial output removed -----------------
printf 'x' >"$VI_TMP/pw1"
chmod 600 "$VI_TMP/pw1"
id=$(vimp proxy job start lab --secret s="$VI_TMP/pw1" -- sh -c \
	'echo partial >out.part; sleep 300 & echo $! >>"$1"; echo $$ >>"$1"; echo started; wait' sh "$VI_TMP/cancel.pids")
for _ in $(seq 50); do [ -s "$VI_TMP/cancel.pids" ] && [ "$(wc -l <"$VI_TMP/cancel.pids")" = 2 ] && break; sleep 0.1; done
vimp proxy job cancel "$id" >"$VI_TMP/c.out" 2>&1
rc=$?
left=
while read -r p; do alive "$p" && left="$left $p"; done <"$VI_TMP/cancel.pids"
st=$(vimp proxy job list --json | jq -r --arg id "$id" '.jobs[] | select(.id == $id) | .state')
if [ $rc = 0 ] && [ -z "$left" ] && [ "$st" = cancelled ] && [ ! -e "$jobs_dir/$id/work" ] &&
	[ ! -e "$jobs_dir/$id/secrets" ] && grep -qx started "$state/$id/log"; then
	pass "cancel stops the whole process group and removes the partial output and secrets"
else
	cat "$VI_TMP/c.out"
	ls -la "$jobs_dir/$id"
	fail "cancel" "rc $rc, state '$st', alive:$left"
fi
vimp proxy job cancel "$id" >"$VI_TMP/c.out" 2>&1
[ $? = 0 ] && grep -q 'already ended: cancelled' "$VI_TMP/c.out" &&
	pass "cancelling an ended job says so" || fail "cancel twice" "$(cat "$VI_TMP/c.out")"

# --- a job whose leader vanished (the proxy rebooted, someone killed it) -----
id=$(vimp proxy job start lab -- sleep 300)
read -r lpid _ <"$jobs_dir/$id/pid"
kill -KILL -- "-$lpid"
vimp proxy job follow "$id" --timeout 5 >/dev/null 2>"$VI_TMP/lost.err"
rc=$?
st=$(vimp proxy job list --json | jq -r --arg id "$id" '.jobs[] | select(.id == $id) | .state')
[ $rc = 1 ] && [ "$st" = lost ] && grep -q 'gone without an exit status' "$VI_TMP/lost.err" &&
	pass "a vanished job is reported lost, with why" || fail "lost job" "rc $rc, state $st: $(cat "$VI_TMP/lost.err")"

# --- remove, and bad ids ----------------------------------------------------
if vimp proxy job remove "$id" && [ ! -e "$jobs_dir/$id" ] && [ ! -e "$state/$id" ]; then
	pass "remove deletes the job's folder on the proxy and its record here"
else
	fail "remove" "something is left"
fi
vimp proxy job follow '../x' >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "'../x' is not a job id" "$VI_TMP/o" &&
	pass "a bad job id is refused" || fail "bad id" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy job follow 20200101-000000-000000000000 >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'there is no job' "$VI_TMP/o" &&
	pass "an unknown job id says how to list them" || fail "unknown id" "rc $rc: $(cat "$VI_TMP/o")"
finish
