#!/usr/bin/python3
"""Drive pxsim with Debian's python3-proxmoxer, unchanged; print TAP.

usage: proxmoxer_check.py HOST:PORT USER TOKEN_NAME TOKEN_VALUE PASSWORD

Run it with /usr/bin/python3: Debian's modules live there, and another
python3 earlier in PATH may not have them.

proxmoxer.tools.Tasks.blocking_status appeared in proxmoxer 2.0; Debian 12
ships 1.2.0, which lacks proxmoxer.tools.  When the module is missing, a
stand-in with the same contract (poll /nodes/{node}/tasks/{upid}/status
until status is "stopped", return that status, None on timeout) is used,
and a TAP comment says so.
"""
import sys
import time

try:
    from proxmoxer import ProxmoxAPI
    from proxmoxer.core import ResourceException
except ImportError as exc:
    print("1..0 # SKIP python3-proxmoxer not installed (%s)" % exc)
    sys.exit(0)

try:
    from proxmoxer.tools import Tasks
    HAVE_TOOLS = True
except ImportError:
    HAVE_TOOLS = False

    class Tasks:
        """proxmoxer 2.x's Tasks.blocking_status, for proxmoxer 1.x."""

        @staticmethod
        def decode_upid(upid):
            parts = upid.split(":")
            return {"upid": upid, "node": parts[1], "type": parts[5],
                    "id": parts[6], "user": parts[7]}

        @staticmethod
        def blocking_status(prox, task_id, timeout=300, polling_interval=1):
            node = Tasks.decode_upid(task_id)["node"]
            start = time.monotonic()
            while True:
                data = prox.nodes(node).tasks(task_id).status.get()
                if data["status"] == "stopped":
                    return data
                if time.monotonic() - start > timeout:
                    return None
                time.sleep(polling_interval)

n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name), flush=True)
    if not cond and diag is not None:
        print("#   %s" % str(diag).replace("\n", "\n#   "))
    return cond


def attempt(name, fn):
    """Run fn; a raised exception fails test name.  Returns fn's value."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 -- report any failure as TAP
        ok(False, name, "%s: %s" % (type(exc).__name__, exc))
        return None


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    host, user, token_name, token_value, password = argv[1:]
    if not HAVE_TOOLS:
        print("# proxmoxer %s has no proxmoxer.tools; using a stand-in "
              "for Tasks.blocking_status" % getattr(
                  sys.modules["proxmoxer"], "__version__", "?"))

    # Token login.
    tok = ProxmoxAPI(host, user=user, token_name=token_name,
                     token_value=token_value, verify_ssl=False, timeout=30)
    ver = attempt("token login: GET /version", lambda: tok.version.get())
    if ver is not None:
        ok(isinstance(ver, dict) and "version" in ver and "release" in ver,
           "token login: /version has version and release", ver)

    nodes = attempt("token login: list nodes", lambda: tok.nodes.get())
    if nodes is not None:
        ok(len(nodes) >= 1 and all("node" in x and "status" in x
                                   for x in nodes),
           "token login: /nodes lists nodes with node and status", nodes)

    res = attempt("token login: /cluster/resources",
                  lambda: tok.cluster.resources.get())
    if res is not None:
        kinds = {r.get("type") for r in res}
        ok({"node", "qemu", "storage"} <= kinds,
           "token login: /cluster/resources mixes node, qemu and storage "
           "rows", sorted(kinds))
    vms = attempt("token login: /cluster/resources?type=vm",
                  lambda: tok.cluster.resources.get(type="vm"))
    if vms is not None:
        ok(vms and all(r.get("type") in ("qemu", "lxc") for r in vms),
           "token login: type=vm lists only qemu and lxc rows")

    # A wrong token is a 401.
    bad = ProxmoxAPI(host, user=user, token_name=token_name,
                     token_value="00000000-0000-0000-0000-000000000000",
                     verify_ssl=False, timeout=30)
    try:
        bad.nodes.get()
        ok(False, "a wrong token secret is refused with 401")
    except ResourceException as exc:
        ok(exc.status_code == 401,
           "a wrong token secret is refused with 401", exc)

    # Password login: ticket, cookie, CSRF header on writes.
    pw = attempt("password login", lambda: ProxmoxAPI(
        host, user="root@pam", password=password, verify_ssl=False,
        timeout=30))
    if pw is not None:
        ticket, csrf = pw.get_tokens()
        ok(bool(ticket) and ticket.startswith("PVE:root@pam:") and
           bool(csrf), "password login: ticket and CSRF token", ticket)
        pn = attempt("password login: list nodes", lambda: pw.nodes.get())
        ok(pn is not None and len(pn) == len(nodes or []),
           "password login: same nodes as with the token")
    try:
        ProxmoxAPI(host, user="root@pam", password="wrong-password",
                   verify_ssl=False, timeout=30)
        ok(False, "a wrong password is refused")
    except Exception as exc:  # noqa: BLE001 -- AuthenticationError or 401
        ok("authenticate" in str(exc).lower() or "401" in str(exc),
           "a wrong password is refused", exc)

    # Start a stopped VM and follow the task.
    api = pw if pw is not None else tok
    cand = [r for r in (vms or []) if r.get("type") == "qemu" and
            r.get("status") == "stopped" and not r.get("template") and
            not r.get("lock") and r.get("node")]
    online = {x["node"] for x in (nodes or []) if x.get("status") == "online"}
    cand = [r for r in cand if r["node"] in online]
    if not ok(bool(cand), "a stopped qemu guest exists to start"):
        print("1..%d" % n)
        return 1
    vm = cand[0]
    node, vmid = vm["node"], vm["vmid"]
    upid = attempt("start VM %s on %s" % (vmid, node),
                   lambda: api.nodes(node).qemu(vmid).status.start.post())
    if upid is not None:
        ok(isinstance(upid, str) and upid.startswith("UPID:%s:" % node)
           and upid.endswith(":") and ":qmstart:%s:" % vmid in upid,
           "start returns a qmstart UPID", upid)
        st = attempt("blocking_status", lambda: Tasks.blocking_status(
            api, upid, timeout=60, polling_interval=0.2))
        ok(st is not None and st.get("status") == "stopped" and
           st.get("exitstatus") == "OK",
           "Tasks.blocking_status: the start task ends with exitstatus OK",
           st)
        cur = attempt("status/current",
                      lambda: api.nodes(node).qemu(vmid).status.current.get())
        ok(cur is not None and cur.get("status") == "running",
           "the VM is running after its start task", cur)
        log = attempt("task log", lambda: tok.nodes(node).tasks(upid).log.get())
        ok(isinstance(log, list) and log and
           all("n" in x and "t" in x for x in log) and
           log[-1]["t"] == "TASK OK",
           "the task log is [{n,t}] lines ending with TASK OK", log)
        part = attempt("task log with start/limit", lambda:
                       tok.nodes(node).tasks(upid).log.get(start=0, limit=1))
        ok(isinstance(part, list) and len(part) == 1 and part[0]["n"] == 1,
           "the task log honours start and limit", part)
        tl = attempt("task list", lambda: tok.nodes(node).tasks.get())
        ok(tl is not None and any(t.get("upid") == upid for t in tl),
           "the task shows up in /nodes/{node}/tasks")

        # Starting it again fails the way PVE fails.
        up2 = attempt("start the running VM again",
                      lambda: api.nodes(node).qemu(vmid).status.start.post())
        if up2 is not None:
            st2 = Tasks.blocking_status(api, up2, timeout=60,
                                        polling_interval=0.2)
            ok(st2 is not None and st2.get("exitstatus") ==
               "VM %s already running" % vmid,
               "starting a running VM ends with 'VM %s already running'"
               % vmid, st2)

    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
