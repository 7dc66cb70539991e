# Console tier: themes (virt-import-themes(5)).  The console starts with a
# built-in theme, a user's theme from ~/.config/virt-import/themes and a
# user's file in place of a built-in one; the colours really change (seen
# with capture-pane -e); NO_COLOR, a terminal of 8 colours and one without
# colour get what the man page says; a bad theme stops the console with a
# message; "virt-import theme list|check|show" from the command line.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
trap tui_stop EXIT

# User themes come from ~/.config (HOME is VI_TMP), not the caller's.
unset XDG_CONFIG_HOME VIRT_IMPORT_THEME
export HOME="$VI_TMP"
themes="$VI_TMP/.config/virt-import/themes"
mkdir -p "$themes"

# The screen with its attributes: every SGR sequence kept.
tui_sgr() { tmx capture-pane -e -p; }

# colour_params: the SGR parameters of the screen that set a colour other
# than the terminal's default (30-38, 40-48, 90-97, 100-107), one a line.
colour_params() {
	tui_sgr | grep -o "$(printf '\033')\[[0-9;]*m" | tr -d '\033[m' |
		tr ';' '\n' | grep -E '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}

# run_console NAME ARGS...: start the demo with ARGS, wait for it, call
# the check NAME_check, quit and expect a clean exit.
run_console() {
	_name=$1; shift
	tui_start 80 24 --demo "$@"
	if tui_wait "? helps" >"$VI_TMP/wait.log"; then
		"${_name}_check"
	else
		cat "$VI_TMP/wait.log" "$VI_TMP/stderr"
		fail "$_name" "the console did not start with $*"
	fi
	tui_keys q
	tui_exit "$_name-exit"
	tui_stop
}

# The default theme, on xterm-256color: the header is white on blue.
default_check() {
	if tui_sgr | head -1 | grep -q "$(printf '\033')\[44m" &&
	    [ -n "$(colour_params)" ]; then
		pass default-colours
	else
		tui_sgr | head -3 | cat -v
		fail default-colours "the default theme shows no blue header"
	fi
}
run_console default

# NO_COLOR set and not empty: attributes only, not one colour.
no_color_check() {
	if [ -z "$(colour_params)" ] &&
	    tui_sgr | grep -q "$(printf '\033')\[[0-9;]*7m"; then
		pass no-color
	else
		colour_params | sort | uniq -c
		fail no-color "colour sequences on the screen under NO_COLOR=1"
	fi
}
NO_COLOR=1 run_console no_color

# --theme mono: no colour even though the terminal has 256.
mono_check() {
	if [ -z "$(colour_params)" ] &&
	    tui_sgr | head -1 | grep -q "$(printf '\033')\[7m"; then
		pass theme-mono
	else
		tui_sgr | head -3 | cat -v
		fail theme-mono "--theme mono shows colours or no reverse header"
	fi
}
run_console mono --theme mono

# The light theme uses 256 colours where there are 256 ...
light_check() {
	if tui_sgr | head -1 | grep -q '48;5;24m'; then
		pass theme-light-256
	else
		tui_sgr | head -3 | cat -v
		fail theme-light-256 "no colour 24 behind the light header"
	fi
}
run_console light --theme=light

# ... and its fallbacks on a terminal of 8 colours.
light8_check() {
	if ! tui_sgr | grep -q '38;5;\|48;5;' &&
	    tui_sgr | head -1 | grep -q "$(printf '\033')\[[0-9;]*44m"; then
		pass theme-light-8
	else
		tui_sgr | head -3 | cat -v
		fail theme-light-8 "256-colour sequences, or no blue header, on TERM=xterm"
	fi
}
VI_TUI_TERM=xterm run_console light8 --theme light

# A terminal without colour: the mono looks.
vt100_check() {
	if [ -z "$(colour_params)" ]; then
		pass no-colour-terminal
	else
		fail no-colour-terminal "colours on TERM=vt100"
	fi
}
VI_TUI_TERM=vt100 run_console vt100 --theme light

# A user's theme, partial: its header, the default theme's rest.
cat >"$themes/loud.theme" <<'EOF'
# Only the header; everything else comes from the default theme.
color header 196 226 bold
EOF
loud_check() {
	if tui_sgr | head -1 | grep -q '38;5;196m' &&
	    tui_sgr | head -1 | grep -q '48;5;226m' &&
	    tui_sgr | grep -q "$(printf '\033')\[[0-9;]*46m"; then
		pass user-theme
	else
		tui_sgr | head -3 | cat -v
		fail user-theme "the user's header, or the default selection, is missing"
	fi
}
run_console loud --theme loud

# A user's default.theme replaces the built-in one, with no --theme.
printf 'color selection 201 default\n' >"$themes/default.theme"
override_check() {
	if tui_sgr | grep -q '38;5;201m'; then
		pass user-default
	else
		tui_sgr | head -5 | cat -v
		fail user-default "the user's default.theme is not used"
	fi
}
run_console override
rm -f "$themes/default.theme"

# A bad theme stops the console before it starts, saying why.
bad_name() {
	"$VI_BIN" console --demo --theme nope >"$VI_TMP/out" 2>"$VI_TMP/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "unknown theme 'nope': the themes are default, light, loud, mono" "$VI_TMP/err"; then
		pass bad-theme-name
	else
		cat "$VI_TMP/err"
		fail bad-theme-name "exit $rc, no clear message"
	fi
}
bad_name
VIRT_IMPORT_THEME=ligth "$VI_BIN" --demo >"$VI_TMP/out" 2>"$VI_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "VIRT_IMPORT_THEME: unknown theme 'ligth' (did you mean 'light'?)" "$VI_TMP/err"; then
	pass bad-theme-env
else
	cat "$VI_TMP/err"
	fail bad-theme-env "exit $rc, no clear message"
fi
printf 'color header white blue\ncolor selcetion black cyan\n' >"$themes/typo.theme"
"$VI_BIN" --theme typo >"$VI_TMP/out" 2>"$VI_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "$themes/typo.theme:2: unknown element 'selcetion' (did you mean 'selection'?)" "$VI_TMP/err"; then
	pass bad-theme-file
else
	cat "$VI_TMP/err"
	fail bad-theme-file "exit $rc, no file and line in the message"
fi
"$VI_BIN" console --demo --theme >"$VI_TMP/out" 2>"$VI_TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "usage: virt-import console" "$VI_TMP/err"; then
	pass theme-usage
else
	cat "$VI_TMP/err"
	fail theme-usage "--theme without a name: exit $rc"
fi

# theme list: built-in and the user's, the chosen one marked.
"$VI_BIN" theme list >"$VI_TMP/list" 2>&1
if grep -qE '^\* default +built-in$' "$VI_TMP/list" &&
    grep -qE '^  light +built-in$' "$VI_TMP/list" &&
    grep -qF "  loud                 $themes/loud.theme" "$VI_TMP/list"; then
	pass theme-list
else
	cat "$VI_TMP/list"
	fail theme-list "the built-in and user themes are not listed"
fi

# theme check: good files say ok, a bad one its line, status 1.
if "$VI_BIN" theme check "$VI_TOP"/themes/*.theme "$themes/loud.theme" >"$VI_TMP/out" 2>&1 &&
    [ "$(grep -c ': ok: ' "$VI_TMP/out")" -eq $(($(ls "$VI_TOP"/themes/*.theme | wc -l) + 1)) ]; then
	pass theme-check-good
else
	cat "$VI_TMP/out"
	fail theme-check-good "a shipped or user theme does not check"
fi
printf '# one mistake\nmono selection bold\ncolor error bold red\n' >"$VI_TMP/bad.theme"
"$VI_BIN" theme check "$VI_TMP/bad.theme" >"$VI_TMP/out" 2>"$VI_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "virt-import: $VI_TMP/bad.theme:3: color error: 'bold' is an attribute, and the foreground colour comes first" "$VI_TMP/err"; then
	pass theme-check-bad
else
	cat "$VI_TMP/err"
	fail theme-check-bad "exit $rc, no line and fix in the message"
fi
# Escape sequences in a file never reach the terminal through the message.
printf 'color \033]0;owned\007\033[31mheader red\r\n\377\n' >"$VI_TMP/evil.theme"
"$VI_BIN" theme check "$VI_TMP/evil.theme" >"$VI_TMP/out" 2>"$VI_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "evil.theme:1: unknown element '?]0;owned??[31mheader'" "$VI_TMP/err" &&
    ! LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177-\377]')" "$VI_TMP/err"; then
	pass theme-check-garbage
else
	cat -v "$VI_TMP/err"
	fail theme-check-garbage "exit $rc, or raw bytes in the message"
fi

# theme show: a complete theme file that checks again.
"$VI_BIN" theme show light >"$VI_TMP/shown.theme" 2>&1
n=$(grep -c '^color ' "$VI_TMP/shown.theme")
if "$VI_BIN" theme check "$VI_TMP/shown.theme" >"$VI_TMP/out" 2>&1 &&
    grep -q ": ok: $n of $n elements have a colour look, $n a mono look\$" "$VI_TMP/out" &&
    grep -q '^color header  *231/bright-white  *24/blue  *bold$' "$VI_TMP/shown.theme"; then
	pass theme-show
else
	cat "$VI_TMP/out"
	fail theme-show "theme show light is not a complete theme"
fi
finish
