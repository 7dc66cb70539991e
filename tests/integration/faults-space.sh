# Integration: full folders in a `virt-import run`, on the lab's real sshd
# (the proxy) with tests/lab/v2v-replay as virt-v2v.  Small tmpfs mounts
# in the lab's mount namespace (`lab exec`, where the proxy's sshd and
# everything it runs see them) stand for full disks:
#   - virt-v2v's temporary folder (VIRT_V2V_TMPDIR) too small: pre-flight
#     warns, naming it and what to do;
#   - the proxy's job folder filling during an upload: the job fails with
#     a message naming the folder and what to do, and no .part (nor
#     anything else) is left on the proxy; the same by hand with
#     `proxy upload --to`, whose advice is another --to folder;
#   - the destination folder smaller than the VM: pre-flight refuses,
#     nothing starts.
# The destination filling during a real conversion is in
# tests/conversion/ (it needs virt-v2v's own writes).
. "$VI_TOP/tests/lib.sh"
need_cmd jq ssh-keygen perl qemu-img fallocate
[ "$(id -u)" = 0 ] || { echo "the lab's mount namespace (for tmpfs) needs root"; exit 77; }
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
mkdir -p "$HOME"
vimp() { "$VI_BIN" "$@"; }
state=$HOME/.local/state/virt-import
success_log=$VI_TOP/tests/unit/data/v2v/libvirtxml-qcow2.log

lab_sshd_up
# inlab CMD...: CMD as the proxy sees the files (inside the lab namespace).
inlab() { "$VI_LAB" exec "$@"; }
# small DIR MIB: a tmpfs of MIB MiB over DIR, for the proxy only.
small() { mkdir -p "$1" && inlab mount -t tmpfs -o "size=$2m,mode=0755" tmpfs "$1"; }

mkdir -p "$VI_TMP/bin"
ln -s "$VI_TOP/tests/lab/v2v-replay" "$VI_TMP/bin/virt-v2v"
# addproxy JOBDIR [ENV...]
addproxy() {
	local jd=$1 e=()
	shift
	for v in "$@"; do e+=(--env "$v"); done
	vimp proxy add lab "$VI_LAB_SSH_HOST" --port "$VI_LAB_SSH_PORT" --user "$VI_LAB_SSH_USER" \
		--key "$VI_LAB_SSH_KEY" --job-dir "$jd" --max-jobs 2 --replace \
		--env "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--env "V2V_REPLAY_LOG=$success_log" --env "V2V_REPLAY_RATE=50" --env "V2V_REPLAY_OUTPUT=4" "${e[@]}" >/dev/null
}
src=$VI_TMP/src
# plan FILE DEST VM: one VM of the dir: source into folder DEST.
plan() {
	jq -n --arg src "dir:$src" --arg out "$2" --arg vm "$3" '{
		version: 1, source: { spec: $src }, proxy: "lab",
		destination: { type: "local", directory: $out },
		defaults: { unmapped: { to: "default", type: "network" } },
		vms: [ { name: $vm, target: ("new-" + $vm) } ] }' >"$1"
}
njobs() { vimp jobs --json | jq length; }

# --- virt-v2v's temporary folder too small ------------------------------------------
small "$VI_TMP/v2vtmp" 16
addproxy "$VI_TMP/jobs" "VIRT_V2V_TMPDIR=$VI_TMP/v2vtmp"
vimp proxy check lab --accept-host-key "$fp" >/dev/null 2>&1
lab_guest "$src" a vm-a 8
mkdir -p "$VI_TMP/out"
plan "$VI_TMP/tmp.json" "$VI_TMP/out" vm-a
vimp run "$VI_TMP/tmp.json" --dry-run >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e"
if [ $rc = 0 ] && grep -q "^warn  proxy .*only 16 MiB free in $VI_TMP/v2vtmp: virt-v2v needs about 2 GiB there: free some space there, or point VIRT_V2V_TMPDIR at a bigger folder" "$VI_TMP/e"; then
	pass "pre-flight warns that the proxy's VIRT_V2V_TMPDIR is small, naming it and what to do"
else
	fail "temporary folder" "rc $rc"
fi

# --- the job folder fills during the upload ---------------------------------------------
# A qcow2 whose file is 32 MiB but holds almost nothing: pre-flight counts
# what it holds, the upload copies every byte of it into 24 MiB.
small "$VI_TMP/jobs-small" 24
addproxy "$VI_TMP/jobs-small"
qemu-img create -q -f qcow2 -o preallocation=metadata "$src/b.img" 32M
lab_guest "$VI_TMP/x" b vm-b 1
sed "s|type='raw'|type='qcow2'|; s|$VI_TMP/x/b.img|$src/b.img|" "$VI_TMP/x/b.xml" >"$src/b.xml"
plan "$VI_TMP/up.json" "$VI_TMP/out" vm-b
vimp run "$VI_TMP/up.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e" "$VI_TMP/o"
err=$(vimp jobs --json | jq -r 'last | "\(.state) \(.error)"')
left=$(inlab find "$VI_TMP/jobs-small" -mindepth 1 ! -name uploads 2>&1)
want="the proxy's folder $VI_TMP/jobs-small/uploads/[0-9a-f-]* is full ([0-9.]* [KMG]*i*B free of 24 MiB, [0-9.]* MiB more to copy), so the partial copy is removed to give the space back: free space there, or give the proxy a job folder with room (proxy add --job-dir)"
if [ $rc = 1 ] && [ "${err%% *}" = failed ] && printf '%s\n' "$err" | grep -q "$want" &&
	grep -q "error: .*$want" "$VI_TMP/o" && [ -z "$left" ] &&
	[ -z "$(ls -A "$state/active")" ] && [ -z "$(ls -A "$VI_TMP/out")" ]; then
	pass "the proxy's folder full during the upload: the job fails naming the folder and what to do; no .part or job folder left"
else
	echo "left on the proxy: $left"
	fail "upload folder full" "rc $rc: $err"
fi

# --- `proxy upload --to` a folder that fills: the advice is --to, not --job-dir -----------
vimp proxy upload lab "xml:$src/b.xml" --to "$VI_TMP/jobs-small/by-hand" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e"
want="the proxy's folder $VI_TMP/jobs-small/by-hand is full ([0-9.]* [KMG]*i*B free of 24 MiB, [0-9.]* MiB more to copy), so the partial copy is removed to give the space back: free space there, or copy to a folder with room (--to DIR)"
if [ $rc = 1 ] && grep -q "$want" "$VI_TMP/e" && [ -z "$(inlab find "$VI_TMP/jobs-small/by-hand" -name '*.part')" ]; then
	pass "proxy upload --to a folder that fills: names the folder and says to choose another with --to; no .part left"
else
	fail "proxy upload --to full" "rc $rc"
fi
inlab rmdir "$VI_TMP/jobs-small/by-hand"

# --- the destination smaller than the VM ---------------------------------------------------
small "$VI_TMP/dest" 8
fallocate -l 24M "$src/c.img"
lab_guest "$VI_TMP/x" c vm-c 1
sed "s|$VI_TMP/x/c.img|$src/c.img|" "$VI_TMP/x/c.xml" >"$src/c.xml"
plan "$VI_TMP/dest.json" "$VI_TMP/dest" vm-c
n0=$(njobs)
vimp run "$VI_TMP/dest.json" >"$VI_TMP/o" 2>"$VI_TMP/e"
rc=$?
cat "$VI_TMP/e"
if [ $rc = 1 ] && grep -q "^FAIL  storage .*folder '$VI_TMP/dest' has 8.0 MiB free but the 1 VM going there needs about 24 MiB (vm-c 24 MiB): free 16 MiB more there, or send some VMs to another folder" "$VI_TMP/e" &&
	grep -q 'nothing was started' "$VI_TMP/e" && [ "$(njobs)" = "$n0" ] &&
	[ -z "$(inlab find "$VI_TMP/dest" "$VI_TMP/jobs-small" -mindepth 1 ! -name uploads)" ]; then
	pass "a destination folder with less free space than the VM: pre-flight refuses, nothing starts"
else
	fail "destination full" "rc $rc"
fi
finish
