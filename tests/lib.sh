# Shared helpers for the shell tests under tests/*/.  Sourced, not run.
#
# Protocol (see docs/testing.md): a test prints one line per case,
#   PASS name | FAIL name: reason | SKIP name: reason
# and anything else it prints is log, kept and shown when a case fails.
# tests/run sets VI_TOP, VI_BUILD, VI_BIN, VI_TMP and VI_LAB before it runs us.

: "${VI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VI_BUILD:=$VI_TOP/build}"
: "${VI_BIN:=$VI_BUILD/virt-import}"
: "${VI_LAB:=$VI_TOP/tests/lab/lab}"
if [ -z "${VI_TMP:-}" ]; then
	VI_TMP=$(mktemp -d /tmp/vi-test.XXXXXX)
	trap 'rm -rf "$VI_TMP"' EXIT
fi

vi_failed=0

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; vi_failed=1; }
skip() { printf 'SKIP %s: %s\n' "$1" "$2"; }

# check NAME CMD...: PASS when CMD succeeds, FAIL with its output otherwise.
check() {
	_name=$1; shift
	if _out=$("$@" 2>&1); then
		pass "$_name"
	else
		printf '%s\n' "$_out"
		fail "$_name" "command failed: $*"
	fi
}

# need_cmd CMD...: exit 77 (the whole script skipped) when a command is missing.
need_cmd() {
	for _c in "$@"; do
		if ! command -v "$_c" >/dev/null 2>&1; then
			echo "missing command: $_c (run scripts/install-deps)"
			exit 77
		fi
	done
}

# wait_for TENTHS CMD...: poll CMD every 0.1 s until it succeeds; give up
# after TENTHS tries.  Tests wait on a condition, never on a fixed sleep.
wait_for() {
	_n=$1; shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# starttime PID: field 22 of /proc/PID/stat; fails for a gone PID or a zombie.
starttime() {
	local line rest
	read -r line 2>/dev/null </proc/"$1"/stat || return 1
	rest=${line##*) }
	# shellcheck disable=SC2086
	set -- $rest
	[ "$1" != Z ] && [ "$1" != X ] || return 1
	printf '%s\n' "${20}"
}

# lab_down_at_exit: when the script ends, bring down the lab in VI_LAB_DIR
# and, if lib.sh made VI_TMP itself, remove it as its own trap would have.
lab_down_at_exit() {
	_own_tmp=0
	[ -z "$(trap -p EXIT)" ] || _own_tmp=1
	trap '"$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"
		[ "$_own_tmp" -eq 0 ] || rm -rf "$VI_TMP"' EXIT
}

# lab_sshd_up: the lab's sshd up in $VI_TMP/lab (brought down at exit), its
# variables exported, and fp the SHA256 fingerprint of its host key; the
# script ends, failed, if it cannot start.
lab_sshd_up() {
	export VI_LAB_DIR="$VI_TMP/lab"
	if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
		cat "$VI_TMP/up"
		fail "lab up" "the lab's sshd did not start"
		finish
	fi
	lab_down_at_exit
	eval "$("$VI_LAB" env)"
	fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
}

# finish: the script's exit status from what it reported.  A sanitizer
# report in any output the script kept (a command expected to fail can
# still leak or overflow) fails it too.
finish() {
	local hits
	if [ -n "${VI_TMP:-}" ] && [ -d "$VI_TMP" ]; then
		hits=$(grep -rlIE --exclude-dir=lab --exclude-dir=.cache 'ERROR: (Address|Leak)Sanitizer|runtime error: ' "$VI_TMP" 2>/dev/null | head -5)
		if [ -n "$hits" ]; then
			for f in $hits; do
				echo "--- sanitizer report in $f"
				grep -A25 -E 'ERROR: (Address|Leak)Sanitizer|runtime error: ' "$f" | head -60
			done
			fail "sanitizer" "reports in: $(echo $hits)"
		fi
	fi
	exit "$vi_failed"
}

# lab_guest DIR FILE NAME MIB [MAC [NETWORK]]: a libvirt XML guest for a
# dir: source, DIR/FILE.xml over a sparse DIR/FILE.img of MIB MiB, with one
# virtio NIC on NETWORK (default "prod") when MAC is given.  NAME goes in as
# it is: tests give hostile names to check they stay data.
lab_guest() {
	local dir=$1 file=$2 name=$3 mib=$4 mac=${5:-} net=${6:-prod} nic=""
	mkdir -p "$dir"
	truncate -s "${mib}M" "$dir/$file.img"
	if [ -n "$mac" ]; then
		nic="    <interface type='network'>
      <mac address='$mac'/>
      <source network='$net'/>
      <model type='virtio'/>
    </interface>
"
	fi
	cat >"$dir/$file.xml" <<XML
<domain type='kvm'>
  <name>$name</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$dir/$file.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
${nic}  </devices>
</domain>
XML
}
