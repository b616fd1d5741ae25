#!/bin/sh
# pxtop's ISO library (I): u uploads a local file made by the test and w
# downloads from a URL with a checksum, each to the storage under the
# cursor, queued with its preview, confirmed, sent through the gate
# (audited), followed in the queue, and listed by the library read
# again; and what is refused before anything is sent: a directory, a
# FIFO, a missing file, a name PVE would rewrite, a bad checksum, an
# URL that names no file; a wrong checksum fails the download's task.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
command -v sha256sum >/dev/null || skip_all "sha256sum is not installed"
sim_start --guests 10
isos() { px storage content pve1 local --content iso -f tsv -H -c volid; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }

# the file to upload: 300 KB of random bytes
head -c 300000 /dev/urandom >"$T/pxtop-up.iso"
mkdir -p "$T/adir.iso"
mkfifo "$T/fifo.iso"
# the download's fixture on pxsim's simulated internet
mkdir -p "$SIM_DIR/internet/example.org"
head -c 120000 /dev/urandom >"$SIM_DIR/internet/example.org/pxtop-dl.iso"
sum=$(sha256sum "$SIM_DIR/internet/example.org/pxtop-dl.iso" | cut -d' ' -f1)
cp "$SIM_DIR/internet/example.org/pxtop-dl.iso" "$SIM_DIR/internet/example.org/pxtop-bad.iso"

sock="px-topisox-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t t -p; }
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t t "$@"; }
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 170 -y 40 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"
keys I; wait_for '^iso +debian-12' 200; ok $? "I shows the ISO library"
like "$(screen | tail -1)" "u upload +w download URL" "the footer lists u and w"
keys g

# --- refused before anything is sent
simctl DELETE log >/dev/null
# from the library (a refusal of the preview leaves the queue on screen)
# (the waits are long for a loaded machine under ASan: keys typed before
# the prompt is open would go to the view as commands)
# The library is opened from another view (2) and read in full before
# u or w: its rows come one storage at a time, and the cursor's row
# decides where a file goes.
library() {
	keys 2
	i=0
	while screen | grep -q '^ISO library' && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	keys I
	i=0
	while [ $i -lt 200 ]; do
		screen >"$T/screen"
		grep -q '^ISO library:' "$T/screen" &&
		    ! grep -q '^ISO library:.*loading' "$T/screen" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
prompt() { library; keys "$1"; wait_for "^$2" 150; keys -l "$3"; keys Enter; }
prompt u 'upload file: _' "$T/adir.iso"
wait_for 'refused: upload: .*adir.iso is a directory' 50; ok $? "a directory is refused with a clear status line"
prompt u 'upload file: _' "$T/fifo.iso"
wait_for 'refused: upload: .*fifo.iso is not a regular file' 50; ok $? "a FIFO is refused (and pxtop does not hang on it)"
prompt u 'upload file: _' "$T/nothere.iso"
wait_for 'refused: upload: .*nothere.iso: No such file' 50; ok $? "a missing file is refused"
prompt u 'upload file: _' "$T/bad name.iso"
wait_for 'refused: .*nothing queued' 30; ok $? "a name PVE would rewrite is refused"
prompt u 'upload file: _' "$T/notes.txt"
wait_for 'refused: .*nothing queued' 30; ok $? "an extension PVE takes for no content is refused"
prompt w 'download URL \[ALG:HEX\]: _' "https://example.org/pxtop-dl.iso sha256:xyz"
wait_for 'refused: .*checksum.*nothing queued|refused: .*sha256.*nothing queued' 30; ok $? "a malformed checksum is refused"
prompt w 'download URL \[ALG:HEX\]: _' "https://example.org/"
wait_for 'refused: .*nothing queued' 30; ok $? "an URL that names no file is refused"
is "$(writes)" 0 "nothing was sent for any of them"
keys c; sleep 0.3

# --- upload
prompt u 'upload file: _' "$T/pxtop-up.iso"
wait_for 'upload of pxtop-up.iso to local on pve1 queued' 50; ok $? "u queues the upload to the storage under the cursor"
wait_for 'upload local +ready +ok' 100; ok $? "previewed: the storage takes it" || screen | sed 's/^/#   | /'
keys y; wait_for 'Run 1 operation'; keys y
wait_for 'upload local +ok ' 100; ok $? "the upload ends OK in the queue" || screen | sed 's/^/#   | /'
like "$(isos)" "local:iso/pxtop-up.iso" "pxsim lists it"
cmp -s "$T/pxtop-up.iso" "$SIM_DIR/storage/local/pve1/iso/pxtop-up.iso"; ok $? "pxsim's copy is the file, byte for byte"
is "$(sim_log | grep -c '^POST /api2/json/nodes/pve1/storage/local/upload')" 1 "one POST .../upload"
like "$(px audit log -j)" '"action":"upload","target":"storage/local","params":"POST /nodes/pve1/storage/local/upload content=iso \(multipart: filename=pxtop-up.iso, 300000 bytes\)","decision":"task".*"result":"OK"' "the audit log has the upload and its end"
keys I; wait_for '^iso +pxtop-up.iso +local +pve1 ' 100; ok $? "the library lists it"

# --- ~/ is the home directory, @STORAGE picks the storage
head -c 1000 /dev/urandom >"$HOME/pxtop-home.iso"
prompt u 'upload file: _' "~/pxtop-home.iso @nas"
wait_for 'upload of pxtop-home.iso to nas on pve1 queued' 50; ok $? "@nas picks the storage"
wait_for 'upload nas +ready +ok' 100; ok $? "previewed"
keys y; wait_for 'Run 1 operation'; keys y
wait_for 'upload nas +ok ' 100; ok $? "the upload from ~/ ends OK" || screen | sed 's/^/#   | /'
like "$(px storage content pve1 nas --content iso -f tsv -H -c volid)" "nas:iso/pxtop-home.iso" "pxsim lists it on nas"

# --- download with a checksum (@local: w takes @STORAGE too)
prompt w 'download URL \[ALG:HEX\]: _' "https://example.org/pxtop-dl.iso sha256:$sum @local"
wait_for 'download of pxtop-dl.iso to local on pve1 queued' 150; ok $? "w queues the download"
wait_for 'download-url local +ready +ok' 100; ok $? "previewed: a checksum, nothing to warn about" || screen | sed 's/^/#   | /'
keys y; wait_for 'Run 1 operation'; keys y
wait_for 'download-url local +ok ' 100; ok $? "the download's task ends OK in the queue" || screen | sed 's/^/#   | /'
like "$(isos)" "local:iso/pxtop-dl.iso" "pxsim lists it"
like "$(sim_log | grep '^POST /api2/json/nodes/pve1/storage/local/download-url')" "download-url" "POST .../download-url"
keys I; wait_for '^iso +pxtop-dl.iso +local +pve1 ' 100; ok $? "the library lists it"

# --- a wrong checksum: the task fails, nothing added
prompt w 'download URL \[ALG:HEX\]: _' "https://example.org/pxtop-bad.iso sha256:$(printf '%064d' 0) @local"
wait_for 'download-url local +ready' 100
keys y; wait_for 'Run 1 operation'; keys y
wait_for 'download-url local +failed ' 100; ok $? "a wrong checksum fails the download" || screen | sed 's/^/#   | /'
unlike "$(isos)" "pxtop-bad.iso" "and nothing is added"

# --- an unverified download: a warning in the preview
prompt w 'download URL \[ALG:HEX\]: _' "http://example.org/pxtop-dl.iso @local"
wait_for 'download-url local +ready +Warning UnverifiedDownload' 100; ok $? "http:// without a checksum: a warning in the preview" || screen | sed 's/^/#   | /'
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
done_testing
