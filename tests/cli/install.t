#!/bin/sh
# make install / uninstall into a DESTDIR, the shell completions (bash,
# zsh, fish: syntax, and what they offer, with no network call), the
# completion cache of node names and VMIDs, and make deb: its Depends,
# the package extracted into a scratch root, px version and man from it.
# lintian runs on the package when installed (scripts/deps installs it;
# about 15 s); PX_TEST_LINTIAN=0 skips it.
. "$(dirname "$0")/lib.sh"
sim_start --pbs 127.0.0.1:0
mk() { make -s --no-print-directory -C "$top" B="$build" "$@"; }
root=$T/root
usr=$root/usr/local

# --- make install
run mk install PREFIX=/usr/local DESTDIR="$root"
is "$rc" 0 "make install PREFIX=/usr/local DESTDIR=...: exit 0"
ok $([ -x "$usr/bin/px" ] && echo 0 || echo 1) "the binary"
n=$(px --list | wc -l)
links=0
for c in $(px --list); do [ "$(readlink "$usr/bin/px$c")" = px ] && links=$((links + 1)); done
is "$links" "$n" "a pxNAME link to px for each of the $n commands"
ok $([ -f "$usr/share/man/man1/pxls.1.gz" ] && [ -f "$usr/share/man/man5/px.conf.5.gz" ] && [ -f "$usr/share/man/man1/pxcompletion.1.gz" ] && echo 0 || echo 1) "the man pages, gzipped, in man1 and man5"
is "$(ls "$usr/share/man/man1" | wc -l)" "$(ls "$top"/man/*.1 | wc -l)" "every page of section 1"
bc=$usr/share/bash-completion/completions
ok $([ -f "$bc/px" ] && [ "$(readlink "$bc/pxls")" = px ] && [ -f "$usr/share/zsh/vendor-completions/_px" ] && [ -f "$usr/share/fish/vendor_completions.d/px.fish" ] && echo 0 || echo 1) "the completions where bash, zsh and fish look (bash's under every pxNAME too)"
is "$(stat -c %a "$bc/px" "$usr/share/zsh/vendor-completions/_px" | sort -u)" 644 "readable by all"

# --- the scripts
bash -n "$bc/px"; ok $? "bash -n: the bash script parses"
if command -v zsh >/dev/null; then
	zsh -n "$usr/share/zsh/vendor-completions/_px"; ok $? "zsh -n: the zsh script parses"
	like "$(head -1 "$usr/share/zsh/vendor-completions/_px")" '^#compdef px pxaccess .*pxls ' "#compdef names px and the links"
else
	ok 0 "# SKIP zsh is not installed"; ok 0 "# SKIP zsh is not installed"
fi
bcomp() {	# bcomp LINE: what bash's _px offers for LINE (cursor at the end)
	bash -c '
	. "$1"
	line=$2
	read -ra COMP_WORDS <<<"$line"
	[ "${line% }" != "$line" ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	_px
	[ ${#COMPREPLY[@]} -gt 0 ] && printf "%s\n" "${COMPREPLY[@]}"' sh "$bc/px" "$1" | sort | tr '\n' ' '
}
is "$(bash -c '. "$1"; complete -p px pxls pxstart' sh "$bc/px" | tr '\n' ' ')" "complete -o bashdefault -o default -F _px px complete -o bashdefault -o default -F _px pxls complete -o bashdefault -o default -F _px pxstart " "complete -p: _px for px and every pxNAME"
is "$(bcomp 'px st')" "start state status stop storage " "bash: px st<TAB>: the commands"
is "$(bash -c '. "$1"; COMP_WORDS=(px st); COMP_CWORD=1; _px; echo "${COMPREPLY[*]}"' sh "$bc/px")" "start state status stop storage" "the same from COMP_WORDS alone"
is "$(bcomp 'pxls g')" "guests " "bash: a pxNAME link: its verbs"
is "$(bcomp 'px pbs ls n')" "namespaces " "bash: a verb's sub-verbs"
is "$(bcomp 'px ls --ty')" "--type " "bash: options"
is "$(bcomp 'px pbs ls snapshots --type ')" "ct host vm " "bash: an option's choices"
is "$(bash -c '. "$1"; COMP_WORDS=(px ls --format = j); COMP_CWORD=4; COMP_LINE="px ls --format=j"; COMP_POINT=${#COMP_LINE}; _px; echo "${COMPREPLY[*]}"' sh "$bc/px")" "json jsonl" "bash: --format=j<TAB> (bash splits at =)"
is "$(bcomp 'px -p ')" "sim " "bash: -p: the PVE profiles of px.conf"
is "$(px completion complete -- px pbs -p '')" "sim	PBS profile" "-p of px pbs: the PBS profiles"
is "$(bcomp 'px help pbs')" "pbs " "px help: command names"
if command -v fish >/dev/null; then
	fish -n "$usr/share/fish/vendor_completions.d/px.fish"; ok $? "fish -n: the fish script parses"
	is "$(fish -c "source $usr/share/fish/vendor_completions.d/px.fish; complete -C 'px sto'" | cut -f1 | tr '\n' ' ')" "stop storage " "fish: complete -C 'px sto'"
	like "$(fish -c "source $usr/share/fish/vendor_completions.d/px.fish; complete -C 'px ls --ty'")" "^--type	only VMs or containers" "fish: options with their help"
else
	ok 0 "# SKIP fish is not installed"; ok 0 "# SKIP fish is not installed"; ok 0 "# SKIP fish is not installed"
fi

# --- node names and VMIDs: from what px ls read, never from the network
before=$(sim_log | wc -l)
is "$(px completion complete -- px start '')" "" "no VMIDs before px ls guests has run"
px ls guests >/dev/null && px ls nodes >/dev/null
guests=$(px ls guests -H -f tsv -c vmid | sort | tr '\n' ' ')
after=$(sim_log | wc -l)
is "$(bcomp 'px start ')" "$guests" "px start <TAB>: the VMIDs px ls guests listed"
like "$(px completion complete -- px start '')" "^[0-9]+	[^	]+$" "with the guests' names as descriptions"
is "$(bcomp 'px migrate 100 ')" "pve1 pve2 pve3 " "a node operand: the node names of px ls nodes"
is "$(sim_log | wc -l)" "$after" "completing sent no request"
is "$(stat -c %a "$XDG_DATA_HOME/px/complete/sim.vmid")" 600 "the cache is the user's alone"
px ls guests --node pve1 >/dev/null
touch -d '1 minute ago' "$XDG_DATA_HOME/px/complete/sim.vmid"
px ls guests --node pve1 >/dev/null
is "$(bcomp 'px start ')" "$guests" "a filtered list does not replace it"
touch -d '2 hours ago' "$XDG_DATA_HOME/px/complete/sim.vmid"
is "$(bcomp 'px start ')" "" "an hour later it is no longer offered"
printf '100\tx\n$(touch %s/pwned)\tbad\nbad;name\tx\n' "$T" >"$XDG_DATA_HOME/px/complete/sim.vmid"
is "$(bcomp 'px start ')" "100 " "a cached value that is not a plain word is never offered"
ok $([ ! -e "$T/pwned" ] && echo 0 || echo 1) "and nothing in it runs"
: "$before"
run px completion tcsh
is "$rc" 2 "px completion tcsh: usage error"

# --- make uninstall
run mk uninstall PREFIX=/usr/local DESTDIR="$root"
is "$rc" 0 "make uninstall: exit 0"
is "$(find "$root" ! -type d | wc -l)" 0 "it removes everything make install put there"

# --- make deb
run mk deb
is "$rc" 0 "make deb: exit 0"
deb=$(printf '%s\n' "$out" | tail -1)
ok $([ -f "$deb" ] && echo 0 || echo 1) "it builds $(basename "$deb")"
need=$(objdump -p "$build/px" | awk '$1 == "NEEDED" { print $2 }' | grep -v '^ld-linux' |
	while read -r l; do p=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64|64bit|x32/ { print $NF; exit }'); dpkg -S "$(readlink -f "$p")" 2>/dev/null || dpkg -S "$p"; done |
	sed 's/:.*//' | sort -u | tr '\n' ' ')
is "$(dpkg-deb -f "$deb" Depends | sed 's/ ([^)]*)//g; s/,//g' | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/^ //')" "$need" "Depends: exactly the packages of the libraries px links ($need)"
dr=$T/deb
dpkg -x "$deb" "$dr"; ok $? "dpkg -x into a scratch root"
like "$("$dr/usr/bin/px" version)" "^px [0-9]+\.[0-9]+\.[0-9]+ \(" "px version from the package"
like "$("$dr/usr/bin/pxls" --help)" "^usage: px ls " "a pxNAME link from the package"
like "$(MANWIDTH=80 man -M "$dr/usr/share/man" pxls 2>/dev/null | col -b)" "pxls — list nodes, guests" "man -M ROOT/usr/share/man pxls: the page from the package"
like "$(MANWIDTH=80 man -M "$dr/usr/share/man" 5 px.conf 2>/dev/null | col -b | head -5)" "PX.CONF\(5\)" "and section 5"
ok $([ -f "$dr/usr/share/bash-completion/completions/px" ] && [ -f "$dr/usr/share/doc/px/copyright" ] && echo 0 || echo 1) "with the completions and the copyright"
ok $([ -f "$dr/lib/systemd/system/px-daemon.service" ] && echo 0 || echo 1) "and the systemd unit"
# DEBIAN/md5sums: a line for every file the package installs (dpkg
# --verify and debsums read it), each sum right
ctl=$T/ctl
dpkg-deb -e "$deb" "$ctl"
is "$(cut -c35- "$ctl/md5sums" | LC_ALL=C sort | tr '\n' ' ')" "$(cd "$dr" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')" \
    "md5sums names every file, the unit under lib/ too"
(cd "$dr" && md5sum --quiet -c "$ctl/md5sums" >/dev/null 2>&1); is $? 0 "and each sum is right"
is "$(dpkg-deb -f "$deb" Installed-Size)" "$(du -skc "$dr/usr" "$dr/lib" | tail -1 | cut -f1)" "Installed-Size counts lib/ too"
if [ "${PX_TEST_LINTIAN-1}" != 0 ] && command -v lintian >/dev/null; then
	run lintian --tag-display-limit 0 "$deb"
	unlike "$out" "^[EW]: " "lintian: no error or warning"
fi
done_testing
