# Integration: `virt-import list` and `inspect` on file sources (OVA, OVF
# folder, VMX, libvirt XML, a folder of all of them, an oVirt export domain),
# through the real binary, with broken and hostile files.
. "$VI_TOP/tests/lib.sh"
need_cmd jq
export HOME="$VI_TMP/home" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
mkdir -p "$HOME"
d=$VI_TOP/tests/unit/data
vimp() { "$VI_BIN" "$@"; }

# expect_json NAME JQ-TEST ARGS...: the command succeeds and JQ-TEST holds.
expect_json() {
	_name=$1 _test=$2; shift 2
	if vimp "$@" --json >"$VI_TMP/o.json" 2>"$VI_TMP/err" &&
		jq -e "$_test" "$VI_TMP/o.json" >/dev/null; then
		pass "$_name"
	else
		cat "$VI_TMP/err" "$VI_TMP/o.json" 2>/dev/null
		fail "$_name" "expected: $_test"
	fi
}
# expect_error NAME TEXT ARGS...: the command fails with one line holding TEXT.
expect_error() {
	_name=$1 _text=$2; shift 2
	vimp "$@" >"$VI_TMP/o" 2>&1; _rc=$?
	if [ $_rc = 1 ] && [ "$(wc -l <"$VI_TMP/o")" = 1 ] && grep -qF -- "$_text" "$VI_TMP/o"; then
		pass "$_name"
	else
		cat "$VI_TMP/o"
		fail "$_name" "exit $_rc, wanted one line with: $_text"
	fi
}

expect_json "ova: one detailed VM with its disks and NICs" \
	'.source.kind == "ova" and (.vms | length) == 1 and .vms[0].detailed and (.vms[0].disks | length) == 2 and (.vms[0].nics | length) > 0' \
	list "ova:$d/ova/web01.ova"
expect_json "ova --verify: the manifest matches" '(.vms | length) == 1' list "ova:$d/ova/web01.ova" --verify
expect_json "a bad digest goes unnoticed without --verify" '(.vms | length) == 1' list "ova:$d/ova/bad-digest.ova"
expect_error "--verify names the disk whose checksum is wrong" "does not match the manifest: download or export it again" \
	list "ova:$d/ova/bad-digest.ova" --verify
expect_error "a truncated OVA says to copy it again" "copy it again" list "ova:$d/ova/truncated.ova"
expect_error "a file that is no tar is refused" "ova" list "ova:$d/ova/not-a-tar.ova"
expect_error "a missing file is named" "$d/ova/nope.ova" list "ova:$d/ova/nope.ova"
expect_json "ovf folder" '(.vms | length) == 1 and .vms[0].detailed' list "ova:$d/ova/ovfdir"
expect_json "hostile OVA: the name comes back byte-exact in JSON" \
	'.vms[0].name | contains("$(reboot)") and contains("\n")' list "ova:$d/ova/hostile.ova"
vimp list "ova:$d/ova/hostile.ova" >"$VI_TMP/t" 2>&1
if [ "$(wc -l <"$VI_TMP/t")" = 2 ] && ! LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177]')" "$VI_TMP/t"; then
	pass "hostile OVA: the text table keeps it on one line, no control characters"
else
	cat -A "$VI_TMP/t"
	fail "hostile OVA in text" "newline or control characters reached the terminal"
fi
[ ! -e /tmp/pwned ] && [ ! -e "$HOME/pwned" ] && pass "nothing in a name was executed" || fail "name executed" "marker found"

expect_json "dir: every source in the folder, each with its file" \
	'([.vms[] | select(.origin == null)] | length) == 0 and ([.vms[].origin] | unique | length) == (.vms | length)' \
	list "dir:$d/dir"
expect_json "dir: the three web01s are flagged as duplicate names" \
	'[.vms[] | select(.name == "web01" and any(.problems[]; .code == "duplicate-name"))] | length == 3' \
	list "dir:$d/dir"
expect_json "dir: a broken file is listed as unreadable, the rest still read" \
	'[.vms[] | select(any(.problems[]; .code == "unreadable"))] | length >= 1' list "dir:$d/dir"
expect_error "inspect by an ambiguous name asks for the file" "name one by its file instead" \
	inspect "dir:$d/dir" web01
expect_json "inspect by file picks that VM" '.vm.origin == "vmware/web01.vmx" and .vm.name == "web01"' \
	inspect "dir:$d/dir" vmware/web01.vmx
mkdir -p "$VI_TMP/empty"
expect_error "a folder with no sources says to give the right one" "give the folder that holds them" \
	list "dir:$VI_TMP/empty"

expect_json "export domain: each VM's OVF read" \
	'.source.kind == "export" and ([.vms[] | select(.detailed)] | length) >= 1' list "export:$d/export"
expect_json "export domain: snapshots reported" \
	'[.vms[] | select(any(.problems[]; .code == "snapshots"))] | length >= 1' list "export:$d/export"
for f in "$d"/vmx/*.vmx; do
	case $(basename "$f") in bad-*) continue ;; esac
	expect_json "vmx: $(basename "$f")" '(.vms | length) == 1 and .vms[0].detailed' list "vmx:$f"
	break
done
expect_error "a malformed .vmx names the line" "line" list "vmx:$d/vmx/bad-no-equals.vmx"
expect_json "xml: libvirt domain XML with its disks probed" \
	'.vms[0].name == "db01" and (.vms[0].disks | length) == 3' list "xml:$d/dir/db01.xml"
expect_error "xml: not a domain" "not a libvirt domain" list "xml:$d/domxml/bad-not-domain.xml"
finish
