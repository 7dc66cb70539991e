#!/usr/bin/env bash
# The libvirt test-driver node files of the lab: realistic.xml opens in
# virsh, lists every domain it defines in the state it says, dumpxml of
# each is well-formed XML naming the same domain, the awkward cases are
# really there (duplicate MAC, quotes, $(...), non-ASCII, UEFI, Xen); the
# console's embedded demo inventory opens too; gen-node N writes N domains
# that virsh lists, deterministically and fast.
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

need_cmd virsh xmllint awk

nodes=$VI_TOP/tests/lab/nodes
real=$nodes/realistic.xml
uri="test://$real"
export LC_ALL=C.UTF-8

check "realistic.xml is well-formed XML" xmllint --noout "$real"

# The domain names the file defines, one per line (xmllint decodes them).
want=$(xmllint --xpath '/node/domain/name/text()' "$real" 2>/dev/null | sed 's/&apos;/'"'"'/g; s/&amp;/\&/g')
nwant=$(printf '%s\n' "$want" | grep -c .)
if [ "$nwant" -ge 12 ]; then
	pass "realistic.xml defines $nwant domains"
else
	fail "realistic.xml defines at least 12 domains" "it defines $nwant"
fi

got=$(virsh -q -c "$uri" list --all --name 2>&1 | sed '/^$/d') || true
if [ "$(printf '%s\n' "$want" | sort)" = "$(printf '%s\n' "$got" | sort)" ]; then
	pass "virsh list --all lists exactly the $nwant domains of realistic.xml"
else
	diff <(printf '%s\n' "$want" | sort) <(printf '%s\n' "$got" | sort) || true
	fail "virsh list --all lists exactly the domains of realistic.xml" "lists differ"
fi

# dumpxml of every domain, by name (names with blanks, quotes, $(...)).
bad=''
while IFS= read -r name; do
	[ -n "$name" ] || continue
	if ! xml=$(virsh -c "$uri" dumpxml "$name" 2>&1); then
		bad="$bad [$name: dumpxml failed: $xml]"
		continue
	fi
	if ! printf '%s\n' "$xml" | xmllint --noout - 2>/dev/null; then
		bad="$bad [$name: not well-formed]"
		continue
	fi
	n=$(printf '%s\n' "$xml" | xmllint --xpath 'string(/domain/name)' - 2>/dev/null)
	[ "$n" = "$name" ] || bad="$bad [$name: dumpxml names '$n']"
done <<<"$want"
if [ -z "$bad" ]; then
	pass "dumpxml of each of the $nwant domains is well-formed and names it"
else
	fail "dumpxml of each domain is well-formed and names it" "$bad"
fi

# States: the test driver runs a domain unless <test:runstate> says
# otherwise (5 shut off, 3 paused).
state() { virsh -c "$uri" domstate "$1" 2>&1; }
expect_state() {
	local s
	s=$(state "$1")
	if [ "$s" = "$2" ]; then pass "domain '$1' is $2"; else fail "domain '$1' is $2" "it is '$s'"; fi
}
expect_state web01 running
expect_state web03-clone "shut off"
expect_state "O'Brien's desktop" paused
# shellcheck disable=SC2016 # the literal name
expect_state '$(reboot)' "shut off"
expect_state 'dépôt-ü' running
expect_state 'Finance App (prod)' running
nrun=$(virsh -q -c "$uri" list --state-running --name | grep -c .)
noff=$(virsh -q -c "$uri" list --state-shutoff --name | grep -c .)
if [ "$nrun" -ge 3 ] && [ "$noff" -ge 3 ]; then
	pass "running ($nrun) and shut-off ($noff) domains both present"
else
	fail "running and shut-off domains both present" "running $nrun, shut off $noff"
fi

# The duplicate-MAC case is real: two domains, one MAC.
macs=$(for d in web03 web03-clone; do virsh -q -c "$uri" domiflist "$d" | awk '{print $NF}'; done | sort -u)
if [ "$(printf '%s\n' "$macs" | grep -c .)" -eq 1 ] && [ -n "$macs" ]; then
	pass "web03 and web03-clone share the MAC $macs"
else
	fail "web03 and web03-clone share one MAC" "MACs: $(tr '\n' ' ' <<<"$macs")"
fi
all_macs=$(while IFS= read -r d; do
	virsh -c "$uri" dumpxml "$d" | xmllint --xpath '//interface/mac/@address' - 2>/dev/null | tr ' ' '\n'
done <<<"$want" | grep -c address=) || true
uniq_macs=$(while IFS= read -r d; do
	virsh -c "$uri" dumpxml "$d" | xmllint --xpath '//interface/mac/@address' - 2>/dev/null | tr ' ' '\n'
done <<<"$want" | grep address= | sort -u | grep -c .) || true
if [ "$all_macs" -eq $((uniq_macs + 1)) ]; then
	pass "exactly one MAC is duplicated across the inventory ($all_macs NICs)"
else
	fail "exactly one MAC is duplicated across the inventory" "$all_macs NICs, $uniq_macs distinct MACs"
fi

# Hypervisor kinds, firmware, disks as a migration admin sees them.
types=$(xmllint --xpath '/node/domain/@type' "$real" | tr ' ' '\n' | sort -u | tr '\n' ' ')
case "$types" in
*"type=\"kvm\""*"type=\"vmware\""*"type=\"xen\""*) pass "VMware, Xen and KVM domains present ($types)" ;;
*) fail "VMware, Xen and KVM domains present" "types: $types" ;;
esac
if virsh -c "$uri" dumpxml kvm-uefi-win2019 | grep -q "<os firmware='efi'>"; then
	pass "kvm-uefi-win2019 is a UEFI guest"
else
	fail "kvm-uefi-win2019 is a UEFI guest" "no firmware='efi' in its dumpxml"
fi
if virsh -q -c "$uri" domblklist db01 | grep -q '\[datastore2\] db01/db01_1.vmdk'; then
	pass "db01's disks have datastore paths"
else
	fail "db01's disks have datastore paths" "$(virsh -q -c "$uri" domblklist db01 2>&1 | tr '\n' ' ')"
fi
if virsh -q -c "$uri" domblklist xen-mail01 | grep -q '^ *xvda *'; then
	pass "xen-mail01 has xvd disks"
else
	fail "xen-mail01 has xvd disks" "$(virsh -q -c "$uri" domblklist xen-mail01 2>&1 | tr '\n' ' ')"
fi
nets=$(virsh -q -c "$uri" net-list --all --name)
pools=$(virsh -q -c "$uri" pool-list --all --name | sed 's/[[:space:]]*$//')
if grep -qx 'VM Network' <<<"$nets" && grep -qx DMZ <<<"$nets" &&
	grep -qx datastore1 <<<"$pools" && grep -qx datastore2 <<<"$pools"; then
	pass "networks VM Network, DMZ and pools datastore1, datastore2 exist"
else
	fail "networks VM Network, DMZ and pools datastore1, datastore2 exist" "nets: $(tr '\n' ' ' <<<"$nets"); pools: $(tr '\n' ' ' <<<"$pools")"
fi

# The console's embedded demo inventory.
demo=$VI_TOP/backend/demo-node.xml
if [ -f "$demo" ] && n=$(virsh -q -c "test://$demo" list --all --name 2>&1 | grep -c .) && [ "$n" -ge 12 ]; then
	pass "backend/demo-node.xml opens and lists $n domains"
else
	fail "backend/demo-node.xml opens and lists at least 12 domains" "${n:-missing}"
fi

# gen-node: N domains, listed by virsh, the same file each time, fast.
gen=$nodes/gen-node
t0=${EPOCHREALTIME/./}
"$gen" 1000 "$VI_TMP/n1000.xml"
t1=${EPOCHREALTIME/./}
check "gen-node 1000 writes well-formed XML" xmllint --noout "$VI_TMP/n1000.xml"
n=$(virsh -q -c "test://$VI_TMP/n1000.xml" list --all --name 2>&1 | grep -c .) || true
if [ "$n" -eq 1000 ]; then
	pass "virsh lists the 1000 domains gen-node 1000 wrote ($(((t1 - t0) / 1000)) ms to write)"
else
	fail "virsh lists the 1000 domains gen-node 1000 wrote" "it lists $n"
fi
n=$(virsh -q -c "test://$VI_TMP/n1000.xml" list --state-shutoff --name | grep -c .) || true
if [ "$n" -gt 100 ] && [ "$n" -lt 500 ]; then
	pass "gen-node mixes states ($n of 1000 shut off)"
else
	fail "gen-node mixes states" "$n of 1000 shut off"
fi
"$gen" 1000 >"$VI_TMP/n1000b.xml"
check "gen-node is deterministic" cmp "$VI_TMP/n1000.xml" "$VI_TMP/n1000b.xml"
"$gen" 50 "$VI_TMP/n50v.xml" --volumes
nv=$(virsh -q -c "test://$VI_TMP/n50v.xml" vol-list datastore1 2>&1 | grep -c vmdk) || true
if [ "$nv" -gt 0 ]; then
	pass "gen-node --volumes lists disks as pool volumes ($nv in datastore1)"
else
	fail "gen-node --volumes lists disks as pool volumes" "none in datastore1"
fi
t0=${EPOCHREALTIME/./}
"$gen" 20000 "$VI_TMP/n20000.xml"
t1=${EPOCHREALTIME/./}
ms=$(((t1 - t0) / 1000))
n=$(grep -c '^  <domain ' "$VI_TMP/n20000.xml") || true
# The time is reported, never judged: tests do not fail on wall-clock time.
if [ "$n" -eq 20000 ]; then
	pass "gen-node 20000 writes 20000 domains (took $ms ms)"
else
	fail "gen-node 20000 writes 20000 domains" "$n domains in $ms ms"
fi

finish
