#!/usr/bin/python3
# console-pty.py MODE OUTFILE -- CMD ARGS...: drive px console (or px node
# shell) on a pseudo-terminal as a user would: log in, run a command,
# resize the window, then leave by MODE: quit (Ctrl-] q), term (SIGTERM),
# hup (SIGHUP), drop (the console drops the connection).  Prints
# "raw yes|no", "size-before R C", "size-after R C", "rc N" and
# "restored yes|no" (the terminal's attributes after px exited equal
# those before it started); the session's output goes to OUTFILE.
# PTY_NOLOGIN=1: no login prompt (a node's shell).
import fcntl, os, re, select, signal, struct, subprocess, sys, termios, time

mode, outfile = sys.argv[1], sys.argv[2]
cmd = sys.argv[4:]
master, slave = os.openpty()
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
before = termios.tcgetattr(slave)

def child_setup():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                     preexec_fn=child_setup, close_fds=True)
seen = b""

def expect(rx, timeout=10):
    global seen
    end = time.time() + timeout
    while time.time() < end:
        m = re.search(rx.encode(), seen)
        if m:
            seen = seen[m.end():]
            return True
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                d = os.read(master, 4096)
            except OSError:
                break
            log.write(d)
            seen += d
    print("timeout waiting for %r" % rx)
    return False

def send(s):
    os.write(master, s.encode())

log = open(outfile, "wb")
nologin = os.environ.get("PTY_NOLOGIN")
ok = expect("# " if nologin else "login: ")
raw = termios.tcgetattr(slave)
print("raw", "yes" if not (raw[3] & termios.ICANON) and not (raw[3] & termios.ECHO) else "no")
if not nologin:
    send("root\r"); expect("Password: ")
    send("secret\r"); expect("# ")
send("stty size\r"); m = expect(r"24 80"); print("size-before", "24 80" if m else "?")
expect("# ")
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
time.sleep(0.3)
send("stty size\r"); m = expect(r"30 100"); print("size-after", "30 100" if m else "?")
expect("# ")
if mode == "quit":
    send("\x1d"); time.sleep(0.1); send("q")
elif mode == "term":
    p.send_signal(signal.SIGTERM)
elif mode == "hup":
    p.send_signal(signal.SIGHUP)
elif mode == "drop":
    send("drop\r")
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill(); rc = p.wait()
# the rest of the output
while True:
    r, _, _ = select.select([master], [], [], 0.2)
    if not r:
        break
    try:
        d = os.read(master, 4096)
    except OSError:
        break
    if not d:
        break
    log.write(d)
log.close()
after = termios.tcgetattr(slave)
print("rc", rc)
print("restored", "yes" if after == before else "no")
