# Console tier: the Sources view (1) on the lab's real sshd.  The empty
# view says what to do; a source added through the form is saved (provider
# list shows it), a refused value says why; opening it reads its VMs; a
# proxy added through the form keeps its environment through an edit; its
# check asks about the unknown host key with the fingerprint ssh-keygen
# shows, accepts it only on yes and shows the probe; a changed key is
# refused with what to do on the command line; deletes ask first.
. "$VI_TOP/tests/lib.sh"
. "$VI_TOP/tests/tui/tmux.lib"
need_cmd jq ssh-keygen cmp

export VI_LAB_DIR="$VI_TMP/lab"
if ! "$VI_LAB" up --sshd >"$VI_TMP/up" 2>&1; then
	cat "$VI_TMP/up"
	fail "lab up" "the lab's sshd did not start"
	finish
fi
srcdir=$(mktemp -d /tmp/vis.XXXXXX)
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	tui_stop
	rm -rf "$srcdir"
	"$VI_LAB" down >>"$VI_TMP/final-down.log" 2>&1 || cat "$VI_TMP/final-down.log"
}
trap cleanup EXIT
eval "$("$VI_LAB" env)"
fp=$(ssh-keygen -lf "$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')

# The console's saved things are private to this test (tmux.lib gives the
# console HOME=$VI_TMP; the command line here uses the same).
export HOME="$VI_TMP" XDG_CONFIG_HOME="" XDG_STATE_HOME=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
vimp() { "$VI_BIN" "$@"; }
kh=$HOME/.config/virt-import/known_hosts

# Screens hold the source folder, the lab's port and its host key: fixed
# stand-ins of the same length keep the layout comparable.
src_expect() {
	tui_screen | sed -e "s|$srcdir|/tmp/vis.XXXXXX|g" \
		-e "s|$fp|SHA256:$(printf '%043d' 0 | tr 0 F)|g" \
		-e "s|:$VI_LAB_SSH_PORT|:PPPPP|g" >"$VI_TMP/screen.$1"
	if [ "${VI_UPDATE_SCREENS:-}" = 1 ]; then
		cp "$VI_TMP/screen.$1" "$VI_TOP/tests/tui/screens/$1"
		pass "$1 (screen rewritten)"
	elif diff -u "$VI_TOP/tests/tui/screens/$1" "$VI_TMP/screen.$1"; then
		pass "$1"
	else
		fail "$1" "the screen differs from tests/tui/screens/$1 (diff above)"
	fi
}

# A source of two libvirt XML guests.
guest() { lab_guest "$srcdir" "$1" "$1" 8 "$2"; } # NAME MAC
guest alpha 52:54:00:00:10:01
guest beta 52:54:00:00:10:02

# virt-v2v on the proxy: a real virt-v2v 2.2.0's answers to what a check
# asks, and a recorded conversion (v2v-replay) for anything else.
mkdir -p "$VI_TMP/bin"
cat >"$VI_TMP/bin/virt-v2v" <<SH
#!/bin/sh
case "\$*" in
--version) exec cat "$VI_TOP/tests/unit/data/probe/version-2.2.0.txt" ;;
--machine-readable) exec cat "$VI_TOP/tests/unit/data/probe/machine-readable-2.2.0.txt" ;;
esac
exec "$VI_TOP/tests/lab/v2v-replay" "\$@"
SH
chmod +x "$VI_TMP/bin/virt-v2v"

# --- empty ---------------------------------------------------------------
tui_start 80 24 console
tui_wait "? helps" >/dev/null
tui_keys 1
if tui_wait "No saved sources: press a to add one"; then
	src_expect sources-empty
else
	fail sources-empty "the empty view does not say what to do"
fi

# --- a source through the form ---------------------------------------------
tui_keys a
tui_wait "New source" >/dev/null
tui_keys Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l "lab dir" && tui_keys Enter
if tui_wait "character ' ' at position 4"; then
	pass form-name-refused
else
	fail form-name-refused "a name with a space was not refused with its cause"
fi
tui_keys C-u && tui_keys -l "lab-dir" && tui_keys Enter
tui_keys j j j Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l 99 && tui_keys Enter
if tui_wait "Connections takes a number from 1 to 64, not '99'"; then
	src_expect sources-form-refused
else
	fail sources-form-refused "99 connections were not refused with the range"
fi
tui_keys C-u 4 Enter
tui_keys k k Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l "dir:$srcdir" && tui_keys Enter
tui_wait "Changed, not saved yet" >/dev/null
# Esc on a form saves nothing.
tui_keys Escape
tui_wait "Nothing was saved." >/dev/null
if [ "$(vimp provider list --json | jq '.providers | length')" = 0 ]; then
	pass form-esc-saves-nothing
else
	fail form-esc-saves-nothing "Esc left a saved provider"
fi
tui_keys a Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l "lab-dir" && tui_keys Enter
tui_keys j Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l "dir:$srcdir" && tui_keys Enter
tui_keys j j Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l 4 && tui_keys Enter
tui_keys s
if tui_wait "Source 'lab-dir' saved" &&
	[ "$(vimp provider list --json | jq -r '.providers[] | "\(.name) \(.source) \(.connections)"')" = \
		"lab-dir dir:$srcdir 4" ]; then
	pass provider-saved
else
	vimp provider list --json
	fail provider-saved "provider list does not show what the form saved"
fi

# --- a proxy through the form, with an environment ----------------------------
tui_keys Tab a
tui_wait "New proxy" >/dev/null
field() { # MOVES... TEXT: go down MOVES rows, type TEXT over the value
	_t=$1; shift
	[ $# -gt 0 ] && tui_keys "$@"
	tui_keys Enter
	tui_wait "Enter: OK" >/dev/null
	tui_keys C-u && tui_keys -l "$_t" && tui_keys Enter
	tui_wait "Changed, not saved yet" >/dev/null
}
field lab
field "$VI_LAB_SSH_HOST" j
field "$VI_LAB_SSH_PORT" j
field "$VI_LAB_SSH_KEY" j j
field "PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin" j j j j j
tui_keys Enter
tui_wait "Enter: OK" >/dev/null && tui_keys -l "1BAD=x" && tui_keys Enter
if tui_wait "'1BAD=x' is not NAME=VALUE"; then
	pass form-env-refused
else
	fail form-env-refused "a bad environment entry was not refused with its cause"
fi
tui_keys C-u && tui_keys -l "V2V_REPLAY_RATE=40" && tui_keys Enter
tui_wait "V2V_REPLAY_RATE=40" >/dev/null
tui_keys s
if tui_wait "Proxy 'lab' saved" &&
	vimp proxy list --json >"$VI_TMP/px.json" &&
	[ "$(jq -r '.proxies[0] | "\(.name) \(.host) \(.port) \(.job_dir) \(.env | join(" "))"' "$VI_TMP/px.json")" = \
		"lab $VI_LAB_SSH_HOST $VI_LAB_SSH_PORT /var/tmp/virt-import PATH=$VI_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin V2V_REPLAY_RATE=40" ]; then
	pass proxy-saved
else
	cat "$VI_TMP/px.json"
	fail proxy-saved "proxy list does not show what the form saved"
fi
# Edit: max jobs 3; the environment stays.
tui_keys e
tui_wait "Edit proxy 'lab'" >/dev/null
field 3 g j j j j j j j
tui_keys s
tui_wait "Proxy 'lab' saved" >/dev/null
if vimp proxy list --json >"$VI_TMP/px.json" &&
	[ "$(jq -r '.proxies[0] | "\(.max_jobs) \(.env | length)"' "$VI_TMP/px.json")" = "3 2" ]; then
	pass proxy-edit-keeps-env
else
	cat "$VI_TMP/px.json"
	fail proxy-edit-keeps-env "the edit lost the environment or the change"
fi
if tui_wait "Not checked yet"; then
	src_expect sources-lists
else
	fail sources-lists "the proxy's details are not shown"
fi

# --- check: the unknown host key --------------------------------------------
tui_keys c
if tui_wait "Unknown host key" && tui_screen | grep -qF "$fp" &&
	tui_screen | grep -qF "127.0.0.1:$VI_LAB_SSH_PORT"; then
	src_expect sources-hostkey
else
	fail sources-hostkey "no prompt with the lab's fingerprint $fp"
fi
[ ! -e "$kh" ] && pass hostkey-nothing-written || fail hostkey-nothing-written "$kh written before yes"
tui_keys n
tui_wait "Host key not accepted" >/dev/null
[ ! -e "$kh" ] && pass hostkey-no-refuses || fail hostkey-no-refuses "$kh written after no"
tui_keys c
tui_wait "Unknown host key" >/dev/null
tui_keys y
read -r ktype kdata _ <"$VI_LAB_DIR/ssh/ssh_host_ed25519_key.pub"
if tui_wait "virt-v2v     2.2.0" && tui_wait "Host key     $fp" &&
	tui_screen | grep -q "Input        .*libvirtxml" &&
	tui_screen | grep -q "Output       .*local" &&
	tui_screen | grep -q "Temp space   /var/tmp: " &&
	grep -qxF "[$VI_LAB_SSH_HOST]:$VI_LAB_SSH_PORT $ktype $kdata" "$kh"; then
	pass probe-shown
else
	tui_screen
	fail probe-shown "yes did not accept the key and show the probe"
fi
tui_keys p
if tui_wait "The import runs on proxy 'lab'" && tui_screen | grep -q "(import uses lab)"; then
	pass proxy-picked
else
	fail proxy-picked "p did not make lab the import's proxy"
fi

# --- resize: wider, then back ------------------------------------------------------
# The panes split at half the width: wait for the split of the new size.
split_at() { # COLUMN
	tui_screen | grep -qE "^Sources  1 {$(($1 - 10))}│Proxies"
}
tui_keys Tab
tui_resize 100 30
if wait_for 50 split_at 50 && tui_wait "Connections  4" && [ "$(tui_screen | wc -l)" -eq 30 ]; then
	src_expect sources-wide
else
	tui_screen
	fail sources-wide "the view did not fill 100x30"
fi
tui_resize 80 24
wait_for 50 split_at 40 || fail resize-back "the view did not come back at 80x24"
tui_keys Tab

# --- a changed host key is refused --------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$VI_TMP/impostor"
read -r itype idata _ <"$VI_TMP/impostor.pub"
printf '[%s]:%s %s %s\n' "$VI_LAB_SSH_HOST" "$VI_LAB_SSH_PORT" "$itype" "$idata" >"$kh"
cp "$kh" "$VI_TMP/kh.before"
# Wrapped text, its lines joined again.
joined() { tui_screen | sed 's/^ //' | tr '\n' ' ' | tr -s ' '; }
tui_keys c
if tui_wait "its host key has CHANGED: refused" &&
	joined | grep -q "The console never accepts a changed key" &&
	! tui_screen | grep -q "Unknown host key" && cmp -s "$kh" "$VI_TMP/kh.before"; then
	pass changed-key-refused
else
	fail changed-key-refused "a changed key was not refused, or known_hosts changed"
fi
# What to do, on the command line.
if joined | grep -qF "run \"ssh-keygen -R '[$VI_LAB_SSH_HOST]:$VI_LAB_SSH_PORT' -f $kh\" and 'virt-import proxy check lab'"; then
	pass changed-key-says-what-to-do
else
	tui_screen
	fail changed-key-says-what-to-do "no ssh-keygen -R advice"
fi

# --- open the source ---------------------------------------------------------------
tui_keys Tab Enter
if tui_wait "lab-dir  2 VMs" && tui_screen | grep -q " alpha" && tui_screen | grep -q " beta"; then
	pass provider-opened
else
	fail provider-opened "Enter did not read the source into the VMs view"
fi
tui_keys 1

# --- deletes ask first --------------------------------------------------------------
tui_keys d
tui_wait "Delete the saved source 'lab-dir'?" >/dev/null
tui_keys n
tui_wait "Nothing was deleted." >/dev/null
[ "$(vimp provider list --json | jq '.providers | length')" = 1 ] &&
	pass delete-no-keeps || fail delete-no-keeps "n deleted the source"
tui_keys d
tui_wait "Delete the saved source 'lab-dir'?" >/dev/null
tui_keys y
if tui_wait "Source 'lab-dir' deleted." && tui_wait "No saved sources" &&
	[ "$(vimp provider list --json | jq '.providers | length')" = 0 ]; then
	pass delete-source
else
	fail delete-source "y did not delete the source"
fi
tui_keys Tab d
tui_wait "The import uses it" >/dev/null
tui_keys y
if tui_wait "the import has no proxy now" &&
	[ "$(vimp proxy list --json | jq '.proxies | length')" = 0 ]; then
	pass delete-proxy
else
	fail delete-proxy "y did not delete the proxy"
fi
tui_keys q
tui_exit quit-clean
finish
