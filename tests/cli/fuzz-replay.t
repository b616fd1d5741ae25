#!/bin/sh
# Every fuzz harness (tests/fuzz/NAME.c, built as a plain program with
# tests/fuzz/replay.c) over its corpus in tests/fuzz/corpus/NAME: the
# seeds and every input that once crashed it stay regression tests, run
# by make check (and under ASan/UBSan by make asan), without clang.
. "$(dirname "$0")/lib.sh"
for h in json upid ws conf state simhttp knownhosts mcp; do
	bin="$build/fuzz/$h"
	dir="$top/tests/fuzz/corpus/$h"
	n=$(ls "$dir" | wc -l)
	ok $([ -x "$bin" ] && [ "$n" -gt 0 ] && echo 0 || echo 1) "$h: the harness is built and has a corpus ($n inputs)"
	run "$bin" "$dir"/*
	is "$rc" 0 "$h: every input of its corpus runs clean"
	is "$out" "$n inputs" "$h: all $n of them"
done
# the replay itself: a harness that finds something wrong stops it
run "$build/fuzz/upid" "$T/no-such-file"
is "$rc" 2 "a file it cannot read: exit 2"
printf 'x' >"$T/one"
run "$build/fuzz/mcp" "$T/one" "$T/one"
is "$out" "2 inputs" "each file is one input"
done_testing
