#!/bin/sh
# The layer line holds: lib/ (the domain tier) never prints, prompts or
# exits.  Checked on the objects the build made, so that a call hidden in
# a macro counts too: no object of lib/*.c refers to stdout, stderr or
# stdin, to printf and friends that write to them, or to exit and
# abort.  lib/support/*.c (the command-support tier) may, and nothing
# else: allocation that cannot fail (xalloc.c) is there too.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1
forbidden='^(stdout|stderr|stdin|printf|vprintf|puts|putchar|perror|getchar|exit|_exit|_Exit|abort|err|errx|warn|warnx|px_warn|px_errx|px_die|px_report|px_usage|px_help_exit|px_progname)$'
bad=""
for c in lib/*.c; do	# the objects of today's sources, not stale ones
	f=$(basename "$c" .c)
	o="$PX_BUILD/lib/$f.o"
	[ -f "$o" ] || { bad="$bad $c: not built;"; continue; }
	syms=$(nm -u "$o" | awk '{print $2}' | sed 's/@.*//' | grep -E "$forbidden" | tr '\n' ' ')
	[ -n "$syms" ] && bad="$bad lib/$f.c: $syms;"
done
is "$bad" "" "no lib/*.c outside lib/support writes to stdout/stderr, reads stdin or exits"
ls "$PX_BUILD"/lib/support/*.o >/dev/null 2>&1; ok $? "the command-support tier is built"
xs=$(nm -u "$PX_BUILD"/lib/support/xalloc.o | awk '{print $2}' | sed 's/@.*//' | grep -E "$forbidden" | sort -u | tr '\n' ' ')
is "$xs" "exit stderr " "lib/support/xalloc.c reports running out of memory and exits"
hdr=$(grep -ln '#include "\(cli\|diag\|opt\|mutcli\|px\)\.h"' lib/*.c lib/*.h 2>/dev/null | tr '\n' ' ')
is "$hdr" "" "no lib/*.c or lib/*.h includes a header of lib/support"
# The check itself catches a library file that prints and exits.
tmp=$(mktemp -d)
printf '#include <stdio.h>\n#include <stdlib.h>\nvoid f(int x) { if (x) { fprintf(stderr, "x"); exit(1); } }\n' > "$tmp/bad.c"
${CC:-cc} -c -o "$tmp/bad.o" "$tmp/bad.c"
caught=$(nm -u "$tmp/bad.o" | awk '{print $2}' | sed 's/@.*//' | grep -E "$forbidden" | sort | tr '\n' ' ')
is "$caught" "exit stderr " "a file that writes to stderr and exits would be caught"
rm -rf "$tmp"
done_testing
