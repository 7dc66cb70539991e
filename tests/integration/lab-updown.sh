#!/usr/bin/env bash
# The test lab goes up and down 10 times in a row with no process or mount
# left behind; each time its sshd answers (host key checked against the
# lab's known_hosts) and its libvirtd lists the lab's pools and networks.
# Also: qemu+ssh and qemu+libssh reach the lab libvirtd through the lab
# sshd, a running domain's QEMU does not survive down, up and down are
# idempotent, and a failing up stops what it started and says why.
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

need_cmd ssh virsh unshare nsenter setsid flock ssh-keygen ip perl
for b in /usr/sbin/sshd /usr/sbin/libvirtd /usr/bin/qemu-system-x86_64; do
	[ -x "$b" ] || { echo "missing $b (run scripts/install-deps)"; exit 77; }
done
if [ "$(id -u)" -ne 0 ]; then
	echo "the libvirtd part of the lab needs root"
	exit 77
fi

export VI_LAB_DIR="$VI_TMP/lab"
lab_down_at_exit

mountinfo_before=$(cat /proc/self/mountinfo)

# snapshot: what the lab runs now, found independently of its pid files:
# every live process in the holder's mount namespace, with start times.
# Sets ns_ino and procs ("PID:START ...").
snapshot() {
	local holder i path pid st
	holder=$(cut -d' ' -f1 "$VI_LAB_DIR/pids/holder")
	ns_ino=$(stat -L -c %i "/proc/$holder/ns/mnt")
	procs=''
	while read -r i path; do
		[ "$i" = "$ns_ino" ] || continue
		pid=${path#/proc/}
		pid=${pid%%/*}
		st=$(starttime "$pid") || continue
		procs="$procs $pid:$st"
	done < <(stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null)
}

# shellcheck disable=SC2317 # called through wait_for
gone() { ! starttime "$1" >/dev/null 2>&1; }

# more_in_ns N: more than N processes are in the lab namespace now.
# shellcheck disable=SC2317 # called through wait_for
more_in_ns() {
	[ "$(stat -L -c %i /proc/[0-9]*/ns/mnt 2>/dev/null | grep -cx "$ns_ino")" -gt "$1" ]
}

# left_behind: print what is left of the snapshot, in the namespace, in
# the mount table, or listening on the lab's port; succeed only if nothing.
left_behind() {
	local p pid st bad=0 i path hex cmd root
	for p in $procs; do
		pid=${p%%:*} st=${p#*:}
		if [ "$(starttime "$pid" || true)" = "$st" ]; then
			echo "process $pid is still alive: $(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline)"
			bad=1
		fi
	done
	while read -r i path; do
		[ "$i" = "$ns_ino" ] || continue
		pid=${path#/proc/}
		pid=${pid%%/*}
		# An inode number can be reused by another lab's new namespace:
		# count a process when it sees this lab's bind mount.
		root=$(awk '$5 == "/run/libvirt" { print $4; exit }' /proc/"$pid"/mountinfo 2>/dev/null) || continue
		case "$VI_LAB_DIR/run-libvirt" in
		*"$root")
			[ -n "$root" ] || continue
			echo "process $pid is still in the lab mount namespace"
			bad=1 ;;
		esac
	done < <(stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null)
	# Any live process that names the lab directory (servers, QEMU).
	for path in /proc/[0-9]*/cmdline; do
		pid=${path#/proc/}
		pid=${pid%/cmdline}
		if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ]; then continue; fi
		cmd=$(tr '\0' ' ' 2>/dev/null <"$path") || continue
		if [[ $cmd == *"$VI_LAB_DIR/"* ]] && starttime "$pid" >/dev/null; then
			echo "process $pid names the lab directory: $cmd"
			bad=1
		fi
	done
	if [ "$(cat /proc/self/mountinfo)" != "$mountinfo_before" ]; then
		echo "the host's mount table changed:"
		diff <(printf '%s\n' "$mountinfo_before") /proc/self/mountinfo || true
		bad=1
	fi
	if grep -qF "$VI_LAB_DIR" /proc/self/mountinfo; then
		echo "a mount of the lab directory is in the host's mount table"
		bad=1
	fi
	hex=$(printf '%04X' "$port")
	if grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A " /proc/net/tcp; then
		echo "something still listens on 127.0.0.1:$port"
		bad=1
	fi
	return "$bad"
}

ssh_opts() {
	ssh_opts=(-o StrictHostKeyChecking=yes -o UserKnownHostsFile="$VI_LAB_KNOWN_HOSTS"
		-o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10
		-i "$VI_LAB_SSH_KEY" -p "$VI_LAB_SSH_PORT" "$VI_LAB_SSH_USER@127.0.0.1")
}
# shellcheck disable=SC2029 # the command is meant to run on the lab host
ssh_lab() { ssh_opts; ssh "${ssh_opts[@]}" "$@" </dev/null; }

ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; }
up_times='' down_times=''

for cycle in 1 2 3 4 5 6 7 8 9 10; do
	c="cycle $cycle"
	t0=$(ms)
	if ! "$VI_LAB" up >"$VI_TMP/up.log" 2>&1; then
		cat "$VI_TMP/up.log"
		fail "$c: lab up" "exit status $?"
		break
	fi
	up_times="$up_times $(($(ms) - t0))"
	pass "$c: lab up"
	if ! envs=$("$VI_LAB" env); then
		fail "$c: lab env" "lab env failed"
		break
	fi
	eval "$envs"
	port=$VI_LAB_SSH_PORT
	snapshot

	if out=$(ssh_lab 'echo lab-ok' 2>&1) && [ "$out" = lab-ok ]; then
		pass "$c: sshd answers with the lab key and known_hosts"
	else
		printf '%s\n' "$out"
		fail "$c: sshd answers with the lab key and known_hosts" "ssh failed"
	fi

	# (virsh pads pool names with blanks)
	pools=$(virsh -q -c "$VI_LAB_LIBVIRT_URI" pool-list --name 2>&1 | sed 's/[[:space:]]*$//' || true)
	if printf '%s\n' "$pools" | grep -qx lab-pool && printf '%s\n' "$pools" | grep -qx lab-pool2; then
		pass "$c: pool-list shows lab-pool and lab-pool2"
	else
		printf '%s\n' "$pools"
		fail "$c: pool-list shows lab-pool and lab-pool2" "got: $(printf '%s ' "$pools" | tr '\n' ' ')"
	fi
	nets=$(virsh -q -c "$VI_LAB_LIBVIRT_URI" net-list --name 2>&1 || true)
	missing=''
	for n in $VI_LAB_NETWORKS; do
		printf '%s\n' "$nets" | grep -qx "$n" || missing="$missing $n"
	done
	if [ -z "$missing" ] && [ -n "$VI_LAB_NETWORKS" ]; then
		pass "$c: net-list shows the active networks $VI_LAB_NETWORKS"
	else
		printf '%s\n' "$nets"
		fail "$c: net-list shows the active networks" "missing:$missing"
	fi

	if [ "$cycle" -eq 1 ]; then
		# Once: the remote transports through the lab sshd, a second up
		# that changes nothing, and a running QEMU that down must stop.
		for u in "$VI_LAB_QEMU_SSH_URI" "$VI_LAB_QEMU_LIBSSH_URI"; do
			name="virsh -c ${u%%:*}:// list --all lists the lab domains"
			if out=$(virsh -q -c "$u" list --all --name </dev/null 2>&1) &&
				printf '%s\n' "$out" | grep -qx lab-src1 &&
				printf '%s\n' "$out" | grep -qx lab-src2; then
				pass "$name"
			else
				printf '%s\n' "$out"
				fail "$name" "lab-src1/lab-src2 not listed"
			fi
		done
		before=$(cat "$VI_LAB_DIR"/pids/*)
		if "$VI_LAB" up >"$VI_TMP/up2.log" 2>&1 && [ "$(cat "$VI_LAB_DIR"/pids/*)" = "$before" ]; then
			pass "up on a lab that is up keeps the same servers"
		else
			cat "$VI_TMP/up2.log"
			fail "up on a lab that is up keeps the same servers" "servers changed or up failed"
		fi
		if out=$(virsh -c "$VI_LAB_LIBVIRT_URI" start lab-src1 2>&1) &&
			[ "$(virsh -c "$VI_LAB_LIBVIRT_URI" domstate lab-src1 2>&1)" = running ]; then
			pass "a lab domain starts (QEMU, TCG)"
		else
			printf '%s\n' "$out"
			fail "a lab domain starts (QEMU, TCG)" "virsh start failed"
		fi
		# A session that is still open when the lab goes down.
		ssh_opts
		ssh "${ssh_opts[@]}" 'sleep 600' </dev/null >/dev/null 2>&1 &
		ssh_bg=$!
		n0=$(wc -w <<<"$procs")
		wait_for 100 more_in_ns "$n0" || echo "the ssh session did not show up in the namespace"
		snapshot
	fi

	t0=$(ms)
	if "$VI_LAB" down >"$VI_TMP/down.log" 2>&1; then
		down_times="$down_times $(($(ms) - t0))"
		pass "$c: lab down"
	else
		cat "$VI_TMP/down.log"
		fail "$c: lab down" "lab down reported something left behind"
	fi
	if [ "$cycle" -eq 1 ]; then
		# The ssh client of the session cut by down exits by itself.
		wait_for 100 gone "$ssh_bg" || echo "the ssh client of the cut session is still running"
	fi
	if out=$(left_behind); then
		pass "$c: no process, mount or listener left behind ($(wc -w <<<"$procs") processes were up)"
	else
		printf '%s\n' "$out"
		fail "$c: no process, mount or listener left behind" "$(printf '%s' "$out" | head -n 1)"
	fi
	if [ "$cycle" -eq 1 ]; then
		kill "$ssh_bg" 2>/dev/null || true
		wait "$ssh_bg" 2>/dev/null || true
		if "$VI_LAB" down >"$VI_TMP/down2.log" 2>&1; then
			pass "down on a lab that is down succeeds"
		else
			cat "$VI_TMP/down2.log"
			fail "down on a lab that is down succeeds" "it failed"
		fi
	fi
done

echo "lab up times (ms):$up_times"
echo "lab down times (ms):$down_times"

# A failing up: sshd cannot start; up must fail, say why, and stop the
# namespace holder and libvirtd it had already started.
if VI_LAB_SSHD=/bin/false "$VI_LAB" up >"$VI_TMP/fail.log" 2>&1; then
	fail "a failing up reports failure" "up with a broken sshd succeeded"
else
	pass "a failing up reports failure"
fi
cat "$VI_TMP/fail.log"
if grep -q 'sshd did not come up' "$VI_TMP/fail.log" && grep -q 'last lines of' "$VI_TMP/fail.log"; then
	pass "a failing up says what went wrong, with the log's tail"
else
	fail "a failing up says what went wrong, with the log's tail" "no reason in its output"
fi
if st=$("$VI_LAB" status 2>&1); then rc=0; else rc=$?; fi
if [ "$rc" -eq 3 ] && ! grep -q 'up (pid' <<<"$st"; then
	pass "a failing up stops what it started"
else
	printf '%s\n' "$st"
	fail "a failing up stops what it started" "status exit $rc"
fi
port=0 procs=''
ns_ino=$(cat "$VI_LAB_DIR/mntns" 2>/dev/null || echo none)
if out=$(left_behind); then
	pass "a failing up leaves no process or mount behind"
else
	printf '%s\n' "$out"
	fail "a failing up leaves no process or mount behind" "$(printf '%s' "$out" | head -n 1)"
fi

finish
