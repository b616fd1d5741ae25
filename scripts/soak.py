#!/usr/bin/python3
"""soak.py BUILD [N] -- px against a faulty pxsim, N commands (default
20,000; make soak SOAK_N=...).  Not part of make check.

pxsim answers with every fault mode it has -- 500, 503 and 429 (not
handled), drop, malformed, truncated and badtail (handled, then the
answer is spoilt), hang (never answered) -- at 10 % of requests in all,
with latency and jitter, and a node taken offline and back now and
then.  px runs a mix of reads and writes (set, start, stop, snapshot
create and delete; some through a read-only profile).  After every
write the faults are lifted and the cluster is read straight from the
API to check:

- the exit status is one of px(1)'s table (no crash, no signal);
- no command outlives the profile's timeout times its attempts;
- no change was applied twice (pxsim's request log: at most one
  successful write request per command);
- exit 0 means the change is there; a refusal (exit 2-6, 8-10) changed
  nothing; 1, 7 and 11 (failed, unavailable, outcome unknown) may go
  either way and are counted.

Prints a summary and exits 1 on any violation.
"""
import collections
import http.client
import json
import os
import random
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

build = os.path.abspath(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
px = os.path.join(build, "px")
pxsim = os.path.join(build, "bin", "pxsim")
tmp = tempfile.mkdtemp(prefix="px-soak.")
TIMEOUT, RETRIES = 3, 2
FAULTS = ["500", "503", "429", "drop", "malformed", "truncated", "hang",
          "badtail"]
RATE = 0.10 / len(FAULTS)
rnd = random.Random(int(os.environ.get("SOAK_SEED", "1")))

sim = subprocess.Popen([pxsim, "-l", "127.0.0.1:0", "-d", tmp + "/sim",
                        "--pidfile", tmp + "/sim.pid", "--task-seconds",
                        "0", "--seed", "7"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        if os.path.exists(tmp + "/sim.pid") and \
                os.path.getsize(tmp + "/sim.pid") > 0:
            break
        time.sleep(0.05)
    conf = subprocess.run([pxsim, "-d", tmp + "/sim", "--print-config"],
                          check=True, capture_output=True,
                          text=True).stdout
    cfg = dict(l.split(" = ", 1) for l in conf.splitlines() if " = " in l)
    prof = conf[conf.index("[profile sim]"):]
    prof += f"timeout = {TIMEOUT}\nretries = {RETRIES}\n"
    ro = prof.replace("[profile sim]", "[profile ro]") + "read_only = yes\n"
    with open(tmp + "/px.conf", "w") as f:
        f.write("[px]\nprofile = sim\n\n" + prof + "\n" + ro)
    os.chmod(tmp + "/px.conf", 0o600)
    env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=tmp + "/data",
               XDG_CONFIG_HOME=tmp + "/cfg", PX_CONFIG=tmp + "/px.conf",
               NO_COLOR="1")
    host, port = cfg["url"][8:].split(":")
    auth = (f"PVEAPIToken={cfg['user']}!{cfg['token_id']}="
            f"{cfg['token_secret']}")
    ctx = ssl._create_unverified_context()

    def api(method, path, form=None):
        c = http.client.HTTPSConnection(host, int(port), context=ctx,
                                        timeout=30)
        body = urllib.parse.urlencode(form) if form else None
        hdr = {"Authorization": auth}
        if body:
            hdr["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=hdr)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, (json.loads(data) if data[:1] in b"{[" else None)

    def faults(on):
        api("DELETE", "/_sim/fault")
        if on:
            for m in FAULTS:
                api("POST", "/_sim/fault", {"mode": m, "rate": str(RATE),
                                            "prefix": "/api2/json"})

    def guests():
        _, d = api("GET", "/api2/json/cluster/resources?type=vm")
        return {g["vmid"]: g for g in d["data"]}

    def config(g):
        _, d = api("GET", f"/api2/json/nodes/{g['node']}/{g['type']}/"
                   f"{g['vmid']}/config")
        return d["data"]

    def snaps(g):
        _, d = api("GET", f"/api2/json/nodes/{g['node']}/{g['type']}/"
                   f"{g['vmid']}/snapshot")
        return {s["name"] for s in d["data"] if s["name"] != "current"}

    def applied(suffix):
        """Successful write requests in the log whose path ends so."""
        _, d = api("GET", "/_sim/log")
        n = 0
        for e in d["data"]:
            if e["method"] != "GET" and e["path"].endswith(suffix) and \
                    200 <= e["status"] < 300:
                n += 1
        return n

    faults(False)
    gs = guests()
    pool = sorted(v for v, g in gs.items()
                  if g["node"] in ("pve1", "pve2") and not g.get("template"))
    reads = [["ls", "guests"], ["ls", "nodes"], ["ls", "storage"],
             ["ls", "tasks"], ["cluster", "status"], ["tasks"],
             ["ls", "guests", "-f", "json"], ["find", "100"],
             ["config", "{v}"], ["snapshot", "list", "{v}"],
             ["status", "{v}"], ["ls", "backups"]]
    codes = collections.Counter()
    sample = {}
    ro_other = collections.Counter()
    either = collections.Counter()
    bad = []
    slowest = 0.0
    limit = TIMEOUT * (RETRIES + 1) + 10
    faults(True)
    spent = collections.Counter()
    t_start = time.monotonic()
    for i in range(total):
        if i % 250 == 125:
            api("POST", "/_sim/offline", {"node": "pve3", "offline": "1"})
        elif i % 250 == 0:
            api("POST", "/_sim/offline", {"node": "pve3", "offline": "0"})
        v = rnd.choice(pool)
        write = rnd.random() < 0.3
        prof = "ro" if write and rnd.random() < 0.05 else "sim"
        if write:
            kind = rnd.choice(["set", "start", "stop", "snap", "snapdel"])
            faults(False)
            g = guests()[v]
            before_cfg, before_snaps = config(g), snaps(g)
            api("DELETE", "/_sim/log")
            faults(True)
            base = g["type"] == "qemu" and "qemu" or "lxc"
            if kind == "set":
                val = f"soak-{i}"
                argv = ["set", str(v), f"description={val}"]
                suffix = f"/{base}/{v}/config"
            elif kind in ("start", "stop"):
                argv = [kind, str(v)]
                suffix = f"/{v}/status/{kind}"
            elif kind == "snap":
                name = f"soak{i}"
                argv = ["snapshot", "create", str(v), name]
                suffix = f"/{v}/snapshot"
            else:
                if not before_snaps:
                    kind, name = "snap", f"soak{i}"
                    argv = ["snapshot", "create", str(v), name]
                    suffix = f"/{v}/snapshot"
                else:
                    name = sorted(before_snaps)[0]
                    argv = ["snapshot", "delete", str(v), name]
                    suffix = f"/{v}/snapshot/{name}"
            argv = [px, "-p", prof] + argv + ["-y"]
        else:
            argv = [px] + [a.replace("{v}", str(v))
                           for a in rnd.choice(reads)]
        what = " ".join(argv[1:])
        t0 = time.monotonic()
        try:
            r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=limit + 60)
            rc, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired as x:
            # killed: counted as a signal and as too slow below
            rc, err = -9, x.stderr or b""
        wall = time.monotonic() - t0
        slowest = max(slowest, wall)
        spent["px"] += wall
        if wall >= TIMEOUT:
            spent["px, waiting out a timeout"] += wall
        codes[rc] += 1
        if rc != 0 and rc not in sample:
            sample[rc] = f"{what}: {err.strip()[-200:]}"
        if rc < 0 or rc > 11:
            bad.append(f"{what}: exit {rc}: {err[-300:]!r}")
        if wall > limit:
            bad.append(f"{what}: took {wall:.1f} s (limit {limit} s)")
        if not write:
            continue
        faults(False)
        n = applied(suffix)
        g = guests()[v]
        if kind == "set":
            done = config(g).get("description") == val
            same = config(g).get("description") == \
                before_cfg.get("description")
        elif kind == "start":
            done = g["status"] == "running"
        elif kind == "stop":
            done = g["status"] == "stopped"
        elif kind == "snap":
            done = name in snaps(g)
        else:
            done = name not in snaps(g)
        if n > 1:
            bad.append(f"{what}: applied {n} times")
        if rc == 0 and not done:
            bad.append(f"{what}: exit 0 but the change is not there")
        if rc in (2, 3, 4, 5, 6, 8, 9, 10) and n > 0:
            bad.append(f"{what}: refused (exit {rc}) but a write was "
                       f"applied")
        if rc in (2, 3, 4, 5, 6, 8, 9, 10) and kind == "set" and not same:
            bad.append(f"{what}: refused (exit {rc}) but changed")
        # the gate refuses (8) once px has found the guest; a fault
        # before that fails the command first: either way nothing sent
        if prof == "ro" and (rc == 0 or n > 0):
            bad.append(f"{what}: read-only profile: exit {rc}, {n} "
                       f"write(s) accepted")
        if prof == "ro" and rc != 8:
            ro_other[rc] += 1
        if rc in (1, 7, 11):
            either[(rc, "write accepted" if n else "no write accepted")] += 1
            if n and rc != 11 and os.environ.get("SOAK_VERBOSE"):
                print(f"soak: applied, exit {rc}: {what}: "
                      f"{err.strip()[-300:]}")
        faults(True)
        if (i + 1) % 1000 == 0:
            print(f"soak: {i + 1} commands, {len(bad)} problems",
                  flush=True)
    took = time.monotonic() - t_start
    faults(False)
    print(f"soak: {total} commands in {took:.0f} s, slowest "
          f"{slowest:.1f} s (limit {limit} s)")
    print(f"soak: time in px {spent['px']:.0f} s (commands that waited "
          f"out a {TIMEOUT} s timeout: "
          f"{spent['px, waiting out a timeout']:.0f} s), in the checks "
          f"{took - spent['px']:.0f} s")
    print("soak: exit statuses: " + ", ".join(
        f"{k}: {codes[k]}" for k in sorted(codes)))
    print("soak: writes that failed either way: " + (", ".join(
        f"exit {k[0]} {k[1]}: {n}" for k, n in sorted(either.items()))
        or "none"))
    if ro_other:
        print("soak: read-only writes that failed before the gate: " +
              ", ".join(f"exit {k}: {n}" for k, n in sorted(ro_other.items())))
    for k in sorted(sample):
        print(f"soak: e.g. exit {k}: {sample[k]}")
    for b in bad[:50]:
        print("soak: PROBLEM: " + b)
    print(f"soak: {len(bad)} problems")
    sys.exit(1 if bad else 0)
finally:
    sim.terminate()
    sim.wait()
    shutil.rmtree(tmp, ignore_errors=True)
