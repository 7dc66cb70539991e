# Integration: proxy upload over SFTP to the lab's real sshd (this machine,
# so the proxy's files are checked on disk): an OVA arrives with the same
# sha256 and a second upload is skipped; the sshd serving the copy killed
# mid-way leaves a .part that the next upload continues; a corrupted .part
# is caught by the checksum and copied again; a server that stops answering
# is detected, not waited on; a libvirt XML and two disks with hostile names
# arrive byte-exact, the rewritten XML points at them, and nothing runs;
# wrong sources are clear errors.
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen sha256sum ps xmllint getent dd
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME" "$VI_TMP/src"
vimp() { "$VI_BIN" "$@"; }
jobs_dir=$VI_TMP/jobs
src=$VI_TMP/src

lab_sshd_up
vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
	--key "$VI_LAB_SSH_KEY" --job-dir "$jobs_dir" >/dev/null || fail "proxy add" "failed"

# The sshd processes serving connections: children of the listener.
sessions() { ps -o pid= --ppid "$VI_LAB_SSHD_PID" | tr -d ' '; }
# size_at_least FILE BYTES
size_at_least() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }
MiB=1048576

# --- an OVA, then the same OVA again ---------------------------------------------
head -c $((64 * MiB)) /dev/urandom >"$src/appliance.ova"
want=$(sum "$src/appliance.ova")
up=$jobs_dir/uploads
vimp proxy upload lab "ova:$src/appliance.ova" --accept-host-key "$fp" --json \
	>"$VI_TMP/o.json" 2>"$VI_TMP/err"; rc=$?
cat "$VI_TMP/err"
if [ $rc = 0 ] && [ "$(sum "$up/appliance.ova" 2>/dev/null)" = "$want" ] &&
	[ "$(jq -r '.files[0] | "\(.remote) \(.sha256) \(.bytes) \(.sent) \(.skipped) \(.resumed)"' "$VI_TMP/o.json")" = \
		"$up/appliance.ova $want $((64 * MiB)) $((64 * MiB)) false false" ] &&
	[ ! -e "$up/appliance.ova.part" ]; then
	pass "a 64 MiB OVA arrives in JOB_DIR/uploads with the same sha256"
	echo "64 MiB: $(jq -r '.files[0].seconds' "$VI_TMP/o.json") s," \
		"$(jq -r '.files[0] | .bytes / 1000000 / .seconds | floor' "$VI_TMP/o.json") MB/s (checksums included)"
else
	cat "$VI_TMP/o.json"
	fail "OVA upload" "rc $rc"
fi
perm=$(stat -c %a "$up" "$up/appliance.ova" 2>/dev/null | tr '\n' ' ')
[ "$perm" = "700 600 " ] && pass "the uploads folder is 0700 and the file 0600" ||
	fail "remote modes" "got '$perm'"

vimp proxy upload lab "ova:$src/appliance.ova" >"$VI_TMP/o" 2>"$VI_TMP/err"; rc=$?
if [ $rc = 0 ] && [ "$(cat "$VI_TMP/o")" = "$up/appliance.ova" ] &&
	grep -q 'already there' "$VI_TMP/err" && [ "$(sum "$up/appliance.ova")" = "$want" ]; then
	pass "a second upload of the same file is skipped, and prints the remote path"
else
	cat "$VI_TMP/o" "$VI_TMP/err"
	fail "second upload" "rc $rc"
fi
vimp proxy upload lab "ova:$src/appliance.ova" --json | jq -e '.files[0] | .skipped and .sent == 0' >/dev/null &&
	pass "--json says skipped, 0 bytes sent" || fail "skip json" "not skipped"

# --- the connection killed mid-copy, then continued ----------------------------
head -c $((256 * MiB)) /dev/urandom >"$src/big.ova"
big=$(sum "$src/big.ova")
dir=$VI_TMP/resume
"$VI_BIN" proxy upload lab "ova:$src/big.ova" --to "$dir" >"$VI_TMP/o" 2>"$VI_TMP/err" &
upid=$!
hit=
if wait_for 600 size_at_least "$dir/big.ova.part" $((32 * MiB)); then
	for p in $(sessions); do kill -KILL "$p" && hit="$hit $p"; done
fi
wait $upid
rc=$?
cat "$VI_TMP/err"
part=$(stat -c %s "$dir/big.ova.part" 2>/dev/null || echo 0)
if [ -n "$hit" ] && [ $rc = 1 ] && grep -q 'broke' "$VI_TMP/err" &&
	grep -q 'run the same upload again to continue' "$VI_TMP/err" &&
	[ "$part" -gt 0 ] && [ "$part" -lt $((256 * MiB)) ] && [ ! -e "$dir/big.ova" ]; then
	pass "sshd killed mid-copy: a clear error, and the .part ($part bytes) is kept"
else
	fail "killed mid-copy" "rc $rc, sshd sessions killed: '$hit', .part $part bytes"
fi
vimp proxy upload lab "ova:$src/big.ova" --to "$dir" --json >"$VI_TMP/o.json" 2>"$VI_TMP/err"; rc=$?
cat "$VI_TMP/err"
sent=$(jq -r '.files[0].sent' "$VI_TMP/o.json" 2>/dev/null)
if [ $rc = 0 ] && jq -e '.files[0] | .resumed and (.restarted | not)' "$VI_TMP/o.json" >/dev/null &&
	[ "$sent" = $((256 * MiB - part)) ] && [ "$(sum "$dir/big.ova")" = "$big" ] &&
	[ ! -e "$dir/big.ova.part" ]; then
	pass "the next upload continues the .part: $sent bytes sent, not $((256 * MiB)), same sha256"
	echo "256 MiB resumed: $(jq -r '.files[0].seconds' "$VI_TMP/o.json") s for $sent bytes"
else
	cat "$VI_TMP/o.json"
	fail "resume" "rc $rc, sent $sent after a .part of $part"
fi

# --- a corrupted .part: the checksum catches it, the copy starts over ----------
dir=$VI_TMP/corrupt
mkdir -m 700 "$dir"
head -c $((100 * MiB)) "$src/big.ova" >"$dir/big.ova.part"
printf 'CORRUPTED' | dd of="$dir/big.ova.part" bs=1 seek=$((50 * MiB)) conv=notrunc status=none
vimp proxy upload lab "ova:$src/big.ova" --to "$dir" --json >"$VI_TMP/o.json" 2>"$VI_TMP/err"; rc=$?
cat "$VI_TMP/err"
if [ $rc = 0 ] && jq -e '.files[0] | .resumed and .restarted' "$VI_TMP/o.json" >/dev/null &&
	[ "$(sum "$dir/big.ova")" = "$big" ] && [ ! -e "$dir/big.ova.part" ] &&
	grep -q 'did not match, copied again' "$VI_TMP/err"; then
	pass "a .part corrupted in the middle is caught by the sha256 and copied again"
else
	cat "$VI_TMP/o.json"
	fail "corrupted .part" "rc $rc"
fi

# --- a server that stops answering ---------------------------------------------
dir=$VI_TMP/stall
"$VI_BIN" proxy upload lab "ova:$src/big.ova" --to "$dir" --timeout 3 >"$VI_TMP/o" 2>"$VI_TMP/err" &
upid=$!
hit=
if wait_for 600 size_at_least "$dir/big.ova.part" $((32 * MiB)); then
	for p in $(sessions); do kill -STOP "$p" && hit="$hit $p"; done
fi
t0=$(date +%s)
wait $upid
rc=$?
echo "the upload ended $(($(date +%s) - t0)) s after SIGSTOP"
for p in $hit; do kill -KILL "$p"; kill -CONT "$p"; done 2>/dev/null
cat "$VI_TMP/err"
if [ -n "$hit" ] && [ $rc = 1 ] && grep -q 'stopped answering: nothing came for 3 seconds' "$VI_TMP/err" &&
	[ -s "$dir/big.ova.part" ]; then
	pass "a SIGSTOPped server is detected after --timeout, not waited on; the .part is kept"
else
	fail "stopped server" "rc $rc, sshd sessions stopped: '$hit'"
fi

# --- a libvirt XML and two disks with hostile names -----------------------------
rhome=$(getent passwd "$VI_LAB_SSH_USER" | cut -d: -f6)
tag=upload-$$-$RANDOM
nl='
'
vmdir="$src/vm dir"
mkdir -p "$vmdir"
d1="disk one 'q\"uote\$(touch pwned-$tag).img"
d2="two\`touch pwned2-$tag\`;${nl}line.raw"
head -c $((3 * MiB)) /dev/urandom >"$vmdir/$d1"
head -c $((2 * MiB + 17)) /dev/urandom >"$vmdir/$d2"
# An XML attribute: &, <, >, quotes and newlines as character references.
xattr() { jq -rn --arg s "$1" '$s | @html | gsub("\n"; "&#10;")'; }
# vmxml FILE DISK1 DISK2: a domain with two file disks and a CD-ROM.
vmxml() {
	cat >"$1" <<EOF
<domain type='kvm'>
  <name>up-vm</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file="$(xattr "$2")"/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file="$(xattr "$3")"/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/nonexistent/install.iso'/>
      <target dev='hdc' bus='ide'/>
    </disk>
  </devices>
</domain>
EOF
}
vmxml "$vmdir/up-vm.xml" "$vmdir/$d1" "$vmdir/$d2"
dir=$VI_TMP/xml
vimp proxy upload lab "xml:$vmdir/up-vm.xml" --to "$dir" --json >"$VI_TMP/o.json" 2>"$VI_TMP/err"; rc=$?
cat "$VI_TMP/err"
if [ $rc = 0 ] && cmp -s "$vmdir/$d1" "$dir/$d1" && cmp -s "$vmdir/$d2" "$dir/$d2" &&
	[ "$(jq -r '[.files[].remote] | length' "$VI_TMP/o.json")" = 3 ] &&
	[ "$(jq -r '.files[2].remote' "$VI_TMP/o.json")" = "$dir/up-vm.xml" ] &&
	[ "$(jq -r '.files[0].remote' "$VI_TMP/o.json")" = "$dir/$d1" ] &&
	[ "$(jq -r '.files[1].remote' "$VI_TMP/o.json")" = "$dir/$d2" ]; then
	pass "two disks named with spaces, quotes, \$(), backquotes and a newline arrive byte-exact"
else
	cat "$VI_TMP/o.json"
	ls -la "$dir"
	fail "XML disks" "rc $rc"
fi
got1=$(xmllint --xpath 'string(//disk[target/@dev="vda"]/source/@file)' "$dir/up-vm.xml" 2>&1)
got2=$(xmllint --xpath 'string(//disk[target/@dev="vdb"]/source/@file)' "$dir/up-vm.xml" 2>&1)
cd_src=$(xmllint --xpath 'string(//disk[target/@dev="hdc"]/source/@file)' "$dir/up-vm.xml" 2>&1)
if [ "$got1" = "$dir/$d1" ] && [ "$got2" = "$dir/$d2" ] && [ "$cd_src" = /nonexistent/install.iso ] &&
	[ "$(xmllint --xpath 'string(/domain/name)' "$dir/up-vm.xml")" = up-vm ]; then
	pass "the remote XML's disks point at the uploaded copies (the CD-ROM left alone)"
else
	cat "$dir/up-vm.xml"
	fail "rewritten XML" "vda '$got1', vdb '$got2', hdc '$cd_src'"
fi
vimp inspect "xml:$dir/up-vm.xml" up-vm --json >"$VI_TMP/i.json" 2>"$VI_TMP/err"
if jq -e --arg a "$dir/$d1" --arg b "$dir/$d2" \
	'[.vm.disks[].path] == [$a, $b] and ([.vm.problems[].code] | index("unsupported-disk") | not)' \
	"$VI_TMP/i.json" >/dev/null; then
	pass "virt-import reads the remote XML as a VM whose disks are there"
else
	cat "$VI_TMP/err" "$VI_TMP/i.json"
	fail "inspect remote XML" "disks or problems wrong"
fi
ran=
for d in "$rhome" "$HOME" "$PWD" "$VI_TOP" "$dir" "$vmdir" "$src"; do
	for f in "pwned-$tag" "pwned2-$tag"; do [ -e "$d/$f" ] && ran="$ran $d/$f"; done
done
if [ -z "$ran" ]; then
	pass "no disk name ran as code, here or on the proxy"
else
	fail "hostile names" "created:$ran"
fi
vimp proxy upload lab "xml:$vmdir/up-vm.xml" --to "$dir" --json >"$VI_TMP/o.json" 2>"$VI_TMP/err"; rc=$?
[ $rc = 0 ] && jq -e '[.files[].skipped] == [true, true, true]' "$VI_TMP/o.json" >/dev/null &&
	pass "the same XML again: all three files already there" || fail "XML again" "rc $rc: $(cat "$VI_TMP/err")"

# --- clear errors -----------------------------------------------------------------
vimp proxy upload lab "ova:$src/missing.ova" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "cannot open $src/missing.ova: No such file or directory" "$VI_TMP/o" &&
	pass "a missing local file: exit 1, named" || fail "missing file" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy upload lab "vmx:$src/appliance.ova" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'give ova:PATH (an OVA file) or xml:PATH' "$VI_TMP/o" &&
	pass "a source upload cannot take: exit 1, the accepted forms named" || fail "bad spec" "rc $rc: $(cat "$VI_TMP/o")"
mkdir -p "$src/other"
cp "$vmdir/$d1" "$src/other/$d1"
vmxml "$src/clash.xml" "$vmdir/$d1" "$src/other/$d1"
vimp proxy upload lab "xml:$src/clash.xml" --to "$VI_TMP/clash" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'would collide' "$VI_TMP/o" && [ ! -e "$VI_TMP/clash" ] &&
	pass "two disks with one file name: refused before anything is copied" ||
	fail "name clash" "rc $rc: $(cat "$VI_TMP/o")"
vmxml "$src/gone.xml" "$vmdir/$d1" "$src/no-such-disk.img"
vimp proxy upload lab "xml:$src/gone.xml" --to "$VI_TMP/gone" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "cannot open $src/no-such-disk.img" "$VI_TMP/o" && [ ! -e "$VI_TMP/gone" ] &&
	pass "a disk file that is missing: refused before anything is copied" ||
	fail "missing disk" "rc $rc: $(cat "$VI_TMP/o")"
vimp proxy upload lab "ova:$src/appliance.ova" --to "$up/appliance.ova" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'is not a folder' "$VI_TMP/o" &&
	pass "--to a file on the proxy: refused" || fail "--to a file" "rc $rc: $(cat "$VI_TMP/o")"
head -c 1000 /dev/urandom >"$src/other.ova"
mkdir -p "$src/x"
cp "$src/other.ova" "$src/x/appliance.ova"
vimp proxy upload lab "ova:$src/x/appliance.ova" >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'already exists on the proxy and is not this file' "$VI_TMP/o" &&
	[ "$(sum "$up/appliance.ova")" = "$want" ] &&
	pass "another file of the same name is never replaced" || fail "no replace" "rc $rc: $(cat "$VI_TMP/o")"

finish
