#!/usr/bin/python3
"""soak.py BUILD [N] -- px against a faulty pxsim, N commands (default
20,000; make soak SOAK_N=...).  Not part of make check.

pxsim answers with every fault mode it has -- 500, 503 and 429 (not
handled), drop, malformed, truncated and badtail (handled, then the
answer is spoilt), hang (never answered) and lost (handled, never
answered) -- at 10 % of requests in all, with latency (2 ms plus up to
20 ms of jitter), and a node taken offline and back now and then.  px
runs a mix of reads and writes (set, start, stop, snapshot create and
delete; some through a read-only profile).  After every
write the faults are lifted and the cluster is read straight from the
API to check:

- the exit status is one of px(1)'s table (no crash, no signal);
- no command outlives the profile's timeout times its attempts;
- no change was applied twice (pxsim's request log: at most one
  successful write request per command);
- exit 0 means the change is there; a refusal (exit 2-6, 8-10) changed
  nothing; 1, 7 and 11 (failed, unavailable, outcome unknown) may go
  either way and are counted.

The reads include px ls -A over both profiles (sim and ro, one pxsim),
whose answers are read on several threads.  SOAK_GUESTS=N (make soak
SOAK_GUESTS=3000) gives pxsim N guests: a listing is then big enough
(over 256 KiB) to be read on two threads while it arrives, faults and
all.

Prints a summary (with how many faults of each mode pxsim injected)
and exits 1 on any violation.

Most of a command's time is spent waiting (a hang waits out the 3 s
timeout, a 429 or 503 its Retry-After), so the commands are split
between SOAK_JOBS shards run side by side (default twice the CPUs; make
soak SOAK_JOBS=...).  Each shard is this script run with SOAK_JOBS=1 on
its share, with its own pxsim, data directory and seed (SOAK_SEED * 1000
+ shard + 1; SOAK_SEED defaults to 1, and seeds pxsim's faults too).
The summary adds the shards up; a shard's problem, or a shard that ends
without a summary, fails the run, and each problem names the SOAK_SEED,
SOAK_JOBS=1 and SOAK_N that run that shard again alone.
"""
import collections
import http.client
import json
import os
import pickle
import random
import shutil
import signal
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
TIMEOUT, RETRIES = 3, 2
LIMIT = TIMEOUT * (RETRIES + 1) + 10
FAULTS = ["500", "503", "429", "drop", "malformed", "truncated", "hang",
          "lost", "badtail"]
RATE = 0.10 / len(FAULTS)
COUNT = 10 ** 9
seed = int(os.environ.get("SOAK_SEED", "1"))
jobs = max(1, min(total, int(os.environ.get("SOAK_JOBS") or
                              2 * (os.cpu_count() or 1))))
summary = os.environ.get("SOAK_SUMMARY")   # set for a shard: pickle here
tag = f"soak: shard {os.environ['SOAK_SHARD']}:" if summary else "soak:"
# a TERM (from the parent, or make) still stops pxsim and removes tmp
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def report(res, shards=1):
    """Print the summary of res; the exit status: 1 on any problem."""
    spent = res["spent"]
    codes, either, ro_other = res["codes"], res["either"], res["ro_other"]
    sample, bad = res["sample"], res["bad"]
    print(f"soak: {res['total']} commands in {res['took']:.0f} s, slowest "
          f"{res['slowest']:.1f} s (limit {LIMIT} s)")
    print(f"soak: time in px {spent['px']:.0f} s (commands that waited "
          f"out a {TIMEOUT} s timeout: "
          f"{spent['px, waiting out a timeout']:.0f} s), in the checks "
          f"{spent['checks']:.0f} s" +
          (f", summed over {shards} shards" if shards > 1 else ""))
    inj = res["injected"]
    print(f"soak: faults injected: {sum(inj.values())} (" + ", ".join(
        f"{m}: {inj[m]}" for m in FAULTS) + ")")
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
    return 1 if bad else 0


def shards():
    """Run jobs copies of this script, each on its share of the commands
    with its own pxsim and seed, and report them as one run."""
    d = tempfile.mkdtemp(prefix="px-soak-shards.")
    procs = []
    t0 = time.monotonic()
    try:
        for k in range(jobs):
            n = total // jobs + (k < total % jobs)
            s = seed * 1000 + k + 1
            env = dict(os.environ, SOAK_JOBS="1", SOAK_SEED=str(s),
                       SOAK_SHARD=str(k), SOAK_SUMMARY=f"{d}/{k}")
            procs.append((k, n, s, subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), build, str(n)],
                env=env)))
        res = dict(total=0, took=0.0, slowest=0.0,
                   spent=collections.Counter(), codes=collections.Counter(),
                   either=collections.Counter(),
                   ro_other=collections.Counter(), sample={}, bad=[],
                   injected=collections.Counter())
        lines = []
        for k, n, s, p in procs:
            rc = p.wait()
            again = f"SOAK_SEED={s} SOAK_JOBS=1 SOAK_N={n}"
            if rc != 0 or not os.path.exists(f"{d}/{k}"):
                res["bad"].append(f"shard {k} ({again}): ended with "
                                  f"status {rc}, no summary")
                continue
            with open(f"{d}/{k}", "rb") as f:
                r = pickle.load(f)
            lines.append(f"soak: shard {k} ({again}): {r['total']} "
                         f"commands in {r['took']:.0f} s, "
                         f"{len(r['bad'])} problems")
            res["total"] += r["total"]
            res["slowest"] = max(res["slowest"], r["slowest"])
            for key in ("spent", "codes", "either", "ro_other",
                        "injected"):
                res[key].update(r[key])
            for c, e in r["sample"].items():
                res["sample"].setdefault(c, e)
            res["bad"] += [f"shard {k} ({again}): {b}" for b in r["bad"]]
        res["took"] = time.monotonic() - t0
        print("\n".join(lines))
        return report(res, jobs)
    finally:
        for _, _, _, p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        shutil.rmtree(d, ignore_errors=True)


if jobs > 1:
    sys.exit(shards())

tmp = tempfile.mkdtemp(prefix="px-soak.")
rnd = random.Random(seed)
more = ["--guests", os.environ["SOAK_GUESTS"]] \
    if os.environ.get("SOAK_GUESTS") else []
sim = subprocess.Popen([pxsim, "-l", "127.0.0.1:0", "-d", tmp + "/sim",
                        "--pidfile", tmp + "/sim.pid", "--task-seconds",
                        "0", "--seed", str(seed), "--latency", "2:20"] +
                       more,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

    injected = collections.Counter()
    armed = [False]

    def faults(on):
        # each rule may fire COUNT times; what it has left says how
        # often it did
        if armed[0]:
            _, d = api("GET", "/_sim/fault")
            for f in d["data"]:
                injected[f["mode"]] += COUNT - f["count"]
        api("DELETE", "/_sim/fault")
        armed[0] = on
        if on:
            for m in FAULTS:
                api("POST", "/_sim/fault", {"mode": m, "rate": str(RATE),
                                            "prefix": "/api2/json",
                                            "count": str(COUNT)})

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
             ["status", "{v}"], ["ls", "backups"],
             ["ls", "guests", "-A"], ["ls", "guests", "-A", "-f", "json"]]
    codes = collections.Counter()
    sample = {}
    ro_other = collections.Counter()
    either = collections.Counter()
    bad = []
    slowest = 0.0
    limit = LIMIT
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
        if (i + 1) % 1000 == 0:
            print(f"{tag} {i + 1} commands, {len(bad)} problems",
                  flush=True)
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
    took = time.monotonic() - t_start
    faults(False)
    spent["checks"] = took - spent["px"]
    res = dict(total=total, took=took, slowest=slowest, spent=spent,
               codes=codes, either=either, ro_other=ro_other,
               sample=sample, bad=bad, injected=injected)
    if summary:
        with open(summary, "wb") as f:
            pickle.dump(res, f)
        sys.exit(0)
    sys.exit(report(res))
finally:
    sim.terminate()
    sim.wait()
    shutil.rmtree(tmp, ignore_errors=True)
