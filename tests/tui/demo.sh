# Console tier: the demo inventory at 80x24, help, resize below the minimum
# and back, hostile names drawn safely, a clean exit under the sanitizers.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
trap tui_stop EXIT

tui_start 80 24 --demo
if tui_wait "? helps"; then
	tui_expect demo-inventory
else
	fail demo-inventory "the console did not show the demo inventory"
fi

# Hostile names from the demo source are shown as text, never interpreted.
if tui_screen | grep -qF '$(reboot)'; then
	pass hostile-name-shown
else
	fail hostile-name-shown "the VM named '\$(reboot)' is not on the screen"
fi

tui_keys G
nvms=$(grep -c '<domain ' "$VI_TOP/backend/demo-node.xml")
tui_wait " $nvms/$nvms " && tui_expect demo-inventory-end
tui_keys '?'
tui_wait "Every view" && tui_expect demo-help
tui_keys Escape
tui_wait "? helps" && pass help-closes || fail help-closes "Esc did not leave help"

tui_resize 50 8
if tui_wait "Terminal too small: 50x8." && tui_wait "virt-import needs 60x10."; then
	pass resize-too-small
else
	fail resize-too-small "no size message below the minimum"
fi
tui_resize 100 30
if tui_wait "? helps" && [ "$(tui_screen | wc -l)" -eq 30 ]; then
	pass resize-back
else
	fail resize-back "the inventory did not come back at 100x30"
fi

tui_keys x
tui_wait "That key does nothing here" && pass unknown-key || fail unknown-key "no hint for an unbound key"
tui_resize 80 24
tui_wait "13 VMs" >/dev/null

# Mark two VMs, add them: the right pane lists them, the left marks them.
tui_keys g Space Space Enter
if tui_wait "2 VMs added; 2 to import" && tui_expect demo-added; then :; fi
# Tab to the right pane, take one out.
tui_keys Tab d
tui_wait "will not be imported" && tui_screen | grep -q 'To import  1' &&
	pass remove-item || fail remove-item "d in the right pane did not take the VM out"
tui_keys Tab
# Filter: only the web VMs, then clear it.
tui_keys /
tui_wait "Filter" && tui_keys web Enter
if tui_wait "/web: 4" && [ "$(tui_screen | grep -c ' web0')" -eq 4 ] &&
	! tui_screen | grep -q 'db01'; then
	pass filter
else
	fail filter "/web did not show exactly the four web VMs"
fi
tui_keys / C-u Enter
tui_wait "13 VMs" >/dev/null
# Sort by state, then by size (largest first).
tui_keys s
tui_wait "Sorted by state" && pass sort-state || fail sort-state "s did not sort by state"
tui_keys s
if tui_wait "Sorted by size" && [ "$(tui_screen | sed -n 4p | awk '{print $1}')" = db01 ]; then
	pass sort-size
else
	fail sort-size "sorted by size, db01 (660 GiB) is not first"
fi
tui_keys s s s
tui_wait "Sorted by name" >/dev/null
tui_keys g
# The hostile name's configuration, drawn as text.
tui_keys i
if tui_wait "nic 1  52:54:00:6b:03:01"; then
	tui_expect demo-details
else
	fail demo-details "i did not show the VM's configuration"
fi
tui_keys i
# The command line: an unknown command and a bad source say what to do.
tui_keys : nonsense Enter
tui_wait "unknown command 'nonsense': :help lists the commands" &&
	pass cmdline-unknown || fail cmdline-unknown "no error for an unknown command"
tui_keys : "open 'ova:/nonexistent/x.ova" Enter
tui_wait "quote is not closed" && pass cmdline-quote || fail cmdline-quote "no error for an open quote"
tui_keys : "open ova:/nonexistent/x.ova" Enter
tui_wait "/nonexistent/x.ova" && tui_screen | tail -1 | grep -q 'nonexistent' &&
	pass cmdline-open-bad || fail cmdline-open-bad "opening a missing OVA did not say why"
tui_keys q
tui_exit quit-clean
tui_stop

# Under LANG=C the terminal cannot show UTF-8: every byte of a non-ASCII
# name is drawn as '?', and no raw byte reaches the terminal.
VI_TUI_LANG=C tui_start 80 24 --demo
if tui_wait "? helps" && tui_screen | grep -qF 'd??p??t-??'; then
	if tui_screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
		fail ascii-fallback "raw non-ASCII bytes on a LANG=C screen"
	else
		pass ascii-fallback
	fi
else
	fail ascii-fallback "'dépôt-ü' is not shown as 'd??p??t-??' under LANG=C"
fi
tui_keys q
tui_exit quit-clean-lang-c
finish
