#!/bin/sh
# px reconcile run|converge: a state file from a file, a directory and a
# git repository (git init, commit, file:// URL), the clone removed.
. "$(dirname "$0")/lib.sh"
command -v git >/dev/null || skip_all "git is not installed"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }

px state export --family groups -o "$T/state.ini"
printf '\n[group from-file]\ncomment = file\n' >>"$T/state.ini"

# --- a file
run px reconcile run --source "$T/state.ini"
is "$rc" 2 "file: run shows drift (exit 2)"
like "$out" '^\+ \[group from-file\]' "file: the new group"
simctl DELETE log >/dev/null
run px reconcile converge --source "$T/state.ini" -n
is "$rc" 0 "file: converge -n exit 0"
is "$(writes)" 0 "file: -n sends nothing"
run px reconcile converge --source "$T/state.ini" -y
is "$rc" 0 "file: converge exit 0"
run px reconcile run --source "$T/state.ini"
is "$rc" 0 "file: no drift afterwards"
run px reconcile run -y --source "$T/state.ini"
is "$rc" 2 "run takes no -y"
run px reconcile run --source "$T/state.ini" --path x.ini
is "$rc" 2 "--path with a file source: usage error"

# --- a directory
mkdir -p "$T/dir/env"
px state export --family groups -o "$T/dir/state.ini"
printf '\n[group from-dir]\n' >>"$T/dir/state.ini"
cp "$T/dir/state.ini" "$T/dir/env/prod.ini"
run px reconcile run --source "$T/dir"
is "$rc" 2 "directory: state.ini by default, drift"
like "$out" 'from-dir' "directory: the new group"
run px reconcile run --source "$T/dir" --path env/prod.ini
is "$rc" 2 "directory: --path"
run px reconcile run --source "$T/dir" --path ../state.ini
is "$rc" 2 "--path outside the source: usage error"
run px reconcile converge --source "$T/dir" --path env/prod.ini -y
is "$rc" 0 "directory: converge exit 0"

# --- a git repository
repo="$T/repo"
mkdir -p "$repo"
px state export --family groups -o "$repo/state.ini"
printf '\n[group from-git]\ncomment = git\n' >>"$repo/state.ini"
(cd "$repo" && git init -q && git add state.ini &&
	git -c user.name=t -c user.email=t@example.com commit -qm state) ||
	echo "Bail out! git repo"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
run px reconcile run --source "file://$repo"
is "$rc" 2 "git: run shows drift"
like "$out" 'from-git' "git: the new group"
is "$(ls -A "$TMPDIR" | wc -l)" 0 "git: the clone is removed"
run px reconcile converge --source "file://$repo" -y
is "$rc" 0 "git: converge exit 0"
run px reconcile run --source "file://$repo"
is "$rc" 0 "git: no drift afterwards"
run px reconcile run --source "file://$T/nosuchrepo"
is "$rc" 1 "git: a clone that fails: exit 1"
like "$err" "git clone of the source failed" "says so"
is "$(ls -A "$TMPDIR" | wc -l)" 0 "git: nothing left behind after a failure"
printf '[pool x\n' >"$repo/bad.ini"
(cd "$repo" && git add bad.ini && git -c user.name=t -c user.email=t@example.com commit -qm bad)
run px reconcile run --source "file://$repo" --path bad.ini
is "$rc" 3 "git: a malformed file: exit 3"
like "$err" 'bad.ini:1:' "names the line"
is "$(ls -A "$TMPDIR" | wc -l)" 0 "git: nothing left behind after an error"
unset TMPDIR

run px reconcile
is "$rc" 2 "no verb: usage"
run px reconcile run
is "$rc" 2 "no --source: usage"

# --- converge --interactive: a terminal asks for each delete
px state export --family groups -o "$T/ia.ini"
printf '\n[group ia-a]\n\n[group ia-b]\n' >>"$T/ia.ini"
px state apply -y "$T/ia.ini" >/dev/null 2>&1
px state export --family groups -o "$T/ia.ini"
grep -v '^\[group ia-' "$T/ia.ini" >"$T/ia2.ini"
run px reconcile converge --source "$T/ia2.ini" --interactive --prune </dev/null
is "$rc" 2 "converge --interactive without a terminal: usage error"
like "$err" "needs a terminal" "says so"
run px reconcile run --source "$T/ia2.ini" --interactive
is "$rc" 2 "run --interactive: usage error (it is converge's)"
/usr/bin/python3 - "$T/ia2.ini" >"$T/pty.out" 2>&1 <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp("px", ["px", "reconcile", "converge", "--source", sys.argv[1],
                     "--interactive", "--prune"])
buf = b""
answers = {b"ia-a": b"n\n", b"ia-b": b"y\n"}
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
    for k in list(answers):
        if (b"[group " + k + b"]? [y/N]") in buf:
            os.write(fd, answers.pop(k))
_, st = os.waitpid(pid, 0)
sys.stdout.write(buf.decode(errors="replace"))
print("EXIT", os.WEXITSTATUS(st))
PY
pty=$(cat "$T/pty.out")
like "$pty" 'delete \[group ia-a\]\? \[y/N\]' "converge --interactive asks for ia-a"
like "$pty" 'delete \[group ia-b\]\? \[y/N\]' "and for ia-b"
groups=$(px access groups -f tsv -H -c groupid 2>/dev/null || px group list -f tsv -H -c groupid)
like "$groups" '^ia-a$' "the declined delete was not made"
unlike "$groups" '^ia-b$' "the confirmed one was"

done_testing
