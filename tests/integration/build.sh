# Integration: configure's messages for a missing library, and what
# `make install` puts where.  Runs on copies in VI_TMP; the tree is untouched.
. "$VI_TOP/tests/lib.sh"
need_cmd pkg-config make

mkdir -p "$VI_TMP/conf"
cp "$VI_TOP/configure" "$VI_TOP/Makefile.in" "$VI_TMP/conf/"
cd "$VI_TMP/conf"

# No .pc files at all: configure stops at the first library and names the
# Debian package that provides it.
if PKG_CONFIG_LIBDIR=/nonexistent ./configure >out 2>&1; then
	fail configure-missing-lib "configure succeeded with no libraries"
elif grep -q "library 'ncursesw' not found.*apt-get install libncurses-dev" out; then
	pass configure-missing-lib
else
	cat out
	fail configure-missing-lib "the message does not name the Debian package"
fi
[ ! -f Makefile ] && pass configure-no-makefile-on-error ||
	fail configure-no-makefile-on-error "a Makefile was written after a failure"

# Only libssh missing: a private pkg-config dir with every .pc but libssh's.
mkdir -p pc
for m in ncursesw libvirt libxml-2.0 json-c; do
	f=$(pkg-config --variable=pcfiledir "$m")/$m.pc
	cp "$f" pc/
done
if PKG_CONFIG_LIBDIR="$PWD/pc" ./configure >out 2>&1; then
	fail configure-missing-libssh "configure succeeded without libssh"
elif grep -q "library 'libssh' not found.*libssh-dev" out; then
	pass configure-missing-libssh
else
	cat out
	fail configure-missing-libssh "wrong message"
fi

if ./configure --bogus >out 2>&1; then
	fail configure-bad-option "an unknown option was accepted"
else
	grep -q "unknown option '--bogus'" out && pass configure-bad-option ||
		fail configure-bad-option "no clear message: $(cat out)"
fi

# make install into a DESTDIR, from the tree's own build.
cd "$VI_TOP"
if make -s install DESTDIR="$VI_TMP/root" PREFIX=/usr >"$VI_TMP/inst" 2>&1; then
	ok=1
	for f in usr/bin/virt-import usr/share/man/man1/virt-import.1 \
	    usr/share/man/man5/virt-import-plan.5; do
		[ -f "$VI_TMP/root/$f" ] || { echo "missing $f"; ok=0; }
	done
	[ -x "$VI_TMP/root/usr/bin/virt-import" ] || ok=0
	"$VI_TMP/root/usr/bin/virt-import" version | grep -q '^virt-import ' || ok=0
	[ $ok = 1 ] && pass make-install || fail make-install "files missing under DESTDIR"
else
	cat "$VI_TMP/inst"
	fail make-install "make install failed"
fi

# The command line's usage errors and the console's refusal without a tty.
"$VI_BIN" frobnicate >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 2 ] && grep -q "run 'virt-import help'" "$VI_TMP/o" && pass cli-usage-error ||
	fail cli-usage-error "rc $rc: $(cat "$VI_TMP/o")"
"$VI_BIN" --demo </dev/null >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "needs a terminal" "$VI_TMP/o" && pass console-needs-tty ||
	fail console-needs-tty "rc $rc: $(cat "$VI_TMP/o")"
"$VI_BIN" console 'http://x/sdk' </dev/null >"$VI_TMP/o" 2>&1; rc=$?
[ $rc = 1 ] && pass console-bad-source-no-tty || fail console-bad-source-no-tty "rc $rc"
finish
