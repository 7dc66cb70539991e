# Console tier: the demo inventory at 80x24, help, resize below the minimum
# and back, hostile names drawn safely, a clean exit under the sanitizers.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
trap tui_stop EXIT

tui_start 80 24 --demo
if tui_wait "Press ? for help"; then
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
tui_wait "this help" && tui_expect demo-help
tui_keys Escape
tui_wait "Press ? for help" && pass help-closes || fail help-closes "Esc did not leave help"

tui_resize 50 8
if tui_wait "Terminal too small: 50x8." && tui_wait "virt-import needs 60x10."; then
	pass resize-too-small
else
	fail resize-too-small "no size message below the minimum"
fi
tui_resize 100 30
if tui_wait "Press ? for help" && [ "$(tui_screen | wc -l)" -eq 30 ]; then
	pass resize-back
else
	fail resize-back "the inventory did not come back at 100x30"
fi

tui_keys x
tui_wait "That key does nothing here" && pass unknown-key || fail unknown-key "no hint for an unbound key"
tui_keys q
tui_exit quit-clean
tui_stop

# Under LANG=C the terminal cannot show UTF-8: every byte of a non-ASCII
# name is drawn as '?', and no raw byte reaches the terminal.
VI_TUI_LANG=C tui_start 80 24 --demo
if tui_wait "Press ? for help" && tui_screen | grep -qF 'd??p??t-??'; then
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
