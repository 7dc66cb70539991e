# tests/fuzz/run.sh NAME: one libFuzzer target of the fuzz tier.  Replays the
# kept regression inputs (tests/fuzz/regress/NAME/), then fuzzes for
# VI_FUZZ_SECONDS (default 20) from a seed corpus of the recorded real data
# that tests/fuzz/NAME.seeds lists.  A crash, leak, timeout or sanitizer
# report fails, with the input saved to keep as a regression.
. "$VI_TOP/tests/lib.sh"
name=$1
bin=$VI_TOP/build-fuzz/tests/fuzz/fuzz-$name
secs=${VI_FUZZ_SECONDS:-20}
if [ ! -x "$bin" ]; then
	if grep -q '^FUZZCC = $' "$VI_TOP/Makefile" 2>/dev/null; then
		skip "fuzz-$name" "no clang with libFuzzer here (apt-get install clang libclang-rt-14-dev, then ./configure)"
	else
		fail "fuzz-$name" "$bin is not built: make fuzz"
	fi
	finish
fi

corpus=$VI_TMP/corpus
mkdir -p "$corpus"
n=0
while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	while IFS= read -r -d '' f; do
		cp -- "$f" "$corpus/seed-$n"
		n=$((n + 1))
	done < <(find "$VI_TOP/$dir" -type f -size -1024k -print0)
done <"$VI_TOP/tests/fuzz/$name.seeds"
[ "$n" -gt 0 ] || fail "fuzz-$name seeds" "no seed files in $(tr '\n' ' ' <"$VI_TOP/tests/fuzz/$name.seeds")"

reg=$VI_TOP/tests/fuzz/regress/$name
if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
	if "$bin" -runs=1 "$reg"/* >"$VI_TMP/regress.log" 2>&1; then
		pass "fuzz-$name: the $(ls "$reg" | wc -l) kept inputs that once crashed it run clean"
	else
		tail -30 "$VI_TMP/regress.log"
		fail "fuzz-$name regressions" "a kept input fails again (log above)"
	fi
fi

if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$VI_TMP/" -print_final_stats=1 "$corpus" \
	>"$VI_TMP/fuzz.log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$VI_TMP/fuzz.log")
	pass "fuzz-$name: $n seeds, ${runs:-?} inputs in ${secs} s, no crash, leak or sanitizer report"
else
	tail -40 "$VI_TMP/fuzz.log"
	art=$(ls "$VI_TMP"/crash-* "$VI_TMP"/leak-* "$VI_TMP"/timeout-* "$VI_TMP"/oom-* 2>/dev/null | head -1)
	if [ -n "$art" ]; then
		mkdir -p "$VI_TOP/tests/logs/fuzz-$name"
		cp -- "$art" "$VI_TOP/tests/logs/fuzz-$name/"
	fi
	fail "fuzz-$name" "libFuzzer found an input that fails (log above; input in tests/logs/fuzz-$name/: fix the parser, then keep the input in tests/fuzz/regress/$name/)"
fi
finish
