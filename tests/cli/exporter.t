#!/bin/sh
# px exporter: the scrape parses with promtool (Prometheus' own parser
# and linter), its values are pxsim's state, label values are escaped
# as the text format says, and the HTTP server answers GET /metrics
# only, checks the bearer token, refuses to listen beyond loopback
# without one, and bounds what a client may send.
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || skip_all "promtool (Debian: prometheus) is not installed"
sim_start

# compare FILE PYTHON: run PYTHON with m (the metrics of FILE: name ->
# list of (labels dict, value)) and api(path) (pxsim's answer's data);
# it prints "ok" or what differs.
compare() {
	SIM_URL="$SIM_URL" SIM_AUTH="$SIM_AUTH" /usr/bin/python3 - "$1" "$2" <<'EOF'
import json, os, re, ssl, sys, urllib.request
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def api(path):
    rq = urllib.request.Request(os.environ["SIM_URL"] + "/api2/json" + path,
        headers={"Authorization": os.environ["SIM_AUTH"]})
    return json.load(urllib.request.urlopen(rq, context=ctx))["data"]
lab = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def unesc(v):
    return re.sub(r'\\(.)', lambda x: "\n" if x.group(1) == "n" else x.group(1), v)
m = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    head, val = line.rstrip("\n").rsplit(" ", 1)
    name, _, rest = head.partition("{")
    labels = {k: unesc(v) for k, v in lab.findall(rest)}
    m.setdefault(name, []).append((labels, float(val)))
def get(name, **want):
    for l, v in m.get(name, []):
        if all(l.get(k) == w for k, w in want.items()):
            return v
    return None
def info(name, **want):
    for l, v in m.get(name, []):
        if all(l.get(k) == w for k, w in want.items()):
            return l
    return None
bad = []
exec(sys.argv[2])
print("ok" if not bad else "; ".join(bad[:5]))
EOF
}

# --- one scrape, printed: promtool parses and lints it
run px exporter --once
is "$rc" 0 "--once: exit 0"
printf '%s\n' "$out" >"$T/m1"
pt=$(promtool check metrics <"$T/m1" 2>&1); prc=$?
is "$prc" 0 "--once: promtool check metrics accepts it (parse and lint)"
[ "$prc" -eq 0 ] || echo "#   $pt" | head -5
fams=$(grep -c '^# TYPE ' "$T/m1")
helps=$(grep -c '^# HELP ' "$T/m1")
is "$helps" "$fams" "every family has a HELP and a TYPE line"
ok $([ "$fams" -ge 40 ] && echo 0 || echo 1) "a metric set of $fams families"
for f in pve_up pve_cpu_usage_ratio pve_memory_usage_bytes pve_disk_usage_bytes \
	pve_uptime_seconds pve_storage_shared pve_guest_info pve_ha_state \
	pve_lock_state pve_replication_failed_syncs px_node_load1 \
	px_node_rootfs_used_bytes px_guest_status px_backup_newest_age_seconds \
	px_tasks_failed_last_hour px_ha_quorate px_scrape_duration_seconds \
	px_scrape_errors; do
	grep -q "^# TYPE $f " "$T/m1"; ok $? "family $f"
done
like "$(grep '^px_scrape_errors ' "$T/m1")" '^px_scrape_errors 0$' "no request of the scrape failed"

# --- values are pxsim's state
r=$(compare "$T/m1" '
for g in api("/cluster/resources?type=vm"):
    i = "%s/%d" % (g["type"], g["vmid"])
    if get("pve_up", id=i) != (1 if g["status"] == "running" else 0): bad.append(i + " up")
    if get("pve_memory_size_bytes", id=i) != g["maxmem"]: bad.append(i + " maxmem")
    if get("pve_cpu_usage_limit", id=i) != g["maxcpu"]: bad.append(i + " maxcpu")
    mem = get("pve_memory_usage_bytes", id=i)
    if g["status"] != "running" and mem != 0: bad.append(i + " mem of a stopped guest")
    if g["status"] == "running" and abs(mem - g["mem"]) > 0.1 * g["maxmem"]: bad.append(i + " mem %s vs %s" % (mem, g["mem"]))
    if get("px_guest_status", id=i, status=g["status"]) != 1: bad.append(i + " status")
    l = info("pve_guest_info", id=i)
    if l is None or l["name"] != g.get("name", "") or l["node"] != g["node"] or l["tags"] != g.get("tags", "") or l["pool"] != g.get("pool", "") or l["vmid"] != str(g["vmid"]) or l["type"] != g["type"]:
        bad.append(i + " info %r" % (l,))
    if g.get("lock") and get("pve_lock_state", id=i, state=g["lock"]) != 1: bad.append(i + " lock")
    if g.get("hastate") and get("pve_ha_state", id=i, state=g["hastate"]) != 1: bad.append(i + " hastate")
if len(m["pve_guest_info"]) != len(api("/cluster/resources?type=vm")): bad.append("guest count")
')
is "$r" ok "guests: up, memory, CPUs, status, lock, HA state and info labels are pxsim's"
r=$(compare "$T/m1" '
for n in api("/cluster/resources?type=node"):
    i = "node/" + n["node"]
    if get("pve_up", id=i) != 1: bad.append(i + " up")
    if abs(get("pve_uptime_seconds", id=i) - n["uptime"]) > 120: bad.append(i + " uptime")
    if get("pve_memory_size_bytes", id=i) != n["maxmem"]: bad.append(i + " maxmem")
    st = api("/nodes/%s/status" % n["node"])
    if get("px_node_rootfs_size_bytes", id=i) != st["rootfs"]["total"]: bad.append(i + " rootfs")
    if get("px_node_load15", id=i) is None: bad.append(i + " load")
for s in api("/cluster/resources?type=storage"):
    i = s["id"]
    if get("pve_disk_usage_bytes", id=i) != s["disk"]: bad.append(i + " used %s vs %s" % (get("pve_disk_usage_bytes", id=i), s["disk"]))
    if get("pve_disk_size_bytes", id=i) != s["maxdisk"]: bad.append(i + " total")
    if get("pve_storage_shared", id=i) != s.get("shared", 0): bad.append(i + " shared")
    if get("pve_up", id=i) != (1 if s["status"] == "available" else 0): bad.append(i + " active")
')
is "$r" ok "nodes (up, uptime, memory, rootfs, load) and storages (used, total, shared, active) are pxsim's"
r=$(compare "$T/m1" '
newest = {}
seen = set()
for s in api("/cluster/resources?type=storage"):
    if "backup" not in s.get("content", "").split(",") or (s.get("shared") and s["storage"] in seen): continue
    seen.add(s["storage"])
    for v in api("/nodes/%s/storage/%s/content?content=backup" % (s["node"], s["storage"])):
        if v.get("vmid"): newest[v["vmid"]] = max(newest.get(v["vmid"], 0), v["ctime"])
if not newest: bad.append("pxsim has no backups")
for g in api("/cluster/resources?type=vm"):
    i = "%s/%d" % (g["type"], g["vmid"])
    ts = get("px_backup_newest_timestamp_seconds", id=i)
    if ts != newest.get(g["vmid"]): bad.append(i + " newest %s vs %s" % (ts, newest.get(g["vmid"])))
    age = get("px_backup_newest_age_seconds", id=i)
    if g["vmid"] in newest and (age is None or age < 0): bad.append(i + " age")
    if g["vmid"] not in newest and not g.get("template") and age != float("inf"): bad.append(i + " no backup: age %s" % age)
for j in api("/cluster/replication"):
    if get("pve_replication_info", id=j["id"]) != 1: bad.append("replication " + j["id"])
    if get("pve_replication_failed_syncs", id=j["id"]) is None: bad.append("fail_count " + j["id"])
for h in api("/cluster/ha/status/current"):
    if h["type"] == "quorum" and get("px_ha_quorate") != h["quorate"]: bad.append("quorate")
    if h["type"] == "lrm" and info("px_ha_lrm_state", id="node/" + h["node"]) is None: bad.append("lrm " + h["node"])
')
is "$r" ok "backups (newest per guest, +Inf without one), replication and HA are pxsim's"

# --- a failed task of the last hour: a backup of a locked guest
locked=$(sim_api GET 'cluster/resources?type=vm' | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin)["data"]:
    if g.get("lock") and g["status"]:
        print(g["vmid"], g["node"]); break')
set -- $locked
sim_api POST "nodes/$2/vzdump" "vmid=$1&storage=nas" >/dev/null
sleep 1
run px exporter --once
printf '%s\n' "$out" >"$T/m2"
like "$(grep '^px_tasks_failed_last_hour' "$T/m2")" "^px_tasks_failed_last_hour\\{node=\"$2\",type=\"vzdump\"\\} [1-9]" "a failed vzdump counts in px_tasks_failed_last_hour"

# --- label values: quotes, backslashes, newlines escaped; the output still parses
sim_api PUT "nodes/pve1/qemu/100/config" 'name=we%22ird%5Cname&tags=t%22ag%5C1' >/dev/null
run px exporter --once
printf '%s\n' "$out" >"$T/m3"
promtool check metrics <"$T/m3" >/dev/null 2>&1
is "$?" 0 "a name with a quote and a backslash: promtool still accepts the output"
like "$(grep '^pve_guest_info{id="qemu/100"' "$T/m3")" 'name="we\\"ird\\\\name"' "the name's quote and backslash are escaped"
like "$(grep '^pve_guest_info{id="qemu/100"' "$T/m3")" 'tags="t\\"ag\\\\1"' "the tag's too"
r=$(compare "$T/m3" '
if info("pve_guest_info", id="qemu/100")["name"] != "we\"ird\\name": bad.append("name")
')
is "$r" ok "read back, the label is the name pxsim holds"
sim_api PUT "nodes/pve1/qemu/100/config" 'name=two%0Alines%1B%5B31m' >/dev/null
run px exporter --once
printf '%s\n' "$out" >"$T/m4"
promtool check metrics <"$T/m4" >/dev/null 2>&1
is "$?" 0 "a name with a newline and an escape sequence: promtool accepts the output"
like "$(grep '^pve_guest_info{id="qemu/100"' "$T/m4")" 'name="two lines\?\[31m"' "the newline and ESC do not reach the output raw"
is "$(grep -c "$(printf '\033')" "$T/m4")" 0 "no ESC byte anywhere"

# --- a request that fails: its metrics are missing, px_scrape_errors says so
simctl POST fault 'rate=1&mode=500&prefix=/cluster/ha' >/dev/null
run px exporter --once
is "$rc" 2 "--once with a failed request: exit 2"
like "$err" "1 request of the scrape failed.*cluster/ha" "and says which"
printf '%s\n' "$out" >"$T/m5"
like "$(grep '^px_scrape_errors ' "$T/m5")" '^px_scrape_errors 1$' "px_scrape_errors 1"
promtool check metrics <"$T/m5" >/dev/null 2>&1
is "$?" 0 "the rest still parses"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=503&prefix=/nodes/pve1/storage/nas' >/dev/null
run px exporter --once
printf '%s\n' "$out" >"$T/m5b"
is "$rc" 2 "a backup storage that fails: exit 2"
ok $(grep -q '^px_backup_newest_age_seconds.* +Inf$' "$T/m1" && echo 0 || echo 1) "with every storage answering, a guest without a backup is +Inf"
is "$(grep -c '^px_backup_newest_age_seconds.* +Inf$' "$T/m5b")" 0 "and no guest is called unbacked (+Inf) for it"
ok $(grep -q '^px_backup_newest_timestamp_seconds' "$T/m5b" && echo 0 || echo 1) "the other storages' backups are still there"
simctl DELETE fault >/dev/null
simctl POST offline 'node=pve3&offline=1' >/dev/null
simctl DELETE log >/dev/null
run px exporter --once
printf '%s\n' "$out" >"$T/m6"
like "$(grep '^pve_up{id="node/pve3"}' "$T/m6")" ' 0$' "an offline node: pve_up 0"
is "$(sim_log | grep -c '/nodes/pve3/')" 0 "and it is not asked"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# --- configuration
run px exporter --once --listen 127.0.0.1:0
is "$rc" 2 "--once with --listen: exit 2"
run px exporter --listen nohost
is "$rc" 2 "--listen without a port: exit 2"
like "$err" "not a numeric ADDRESS:PORT" "and says why"
run px exporter --listen 0.0.0.0:0
is "$rc" 2 "--listen beyond loopback without [exporter]: refused"
like "$err" "beyond loopback, needs \\[exporter\\] listen" "and says what it needs"
base=$(cat "$PX_CONFIG")
printf '%s\n\n[exporter]\nlisten = 0.0.0.0:0\n' "$base" >"$PX_CONFIG"
run px exporter
is "$rc" 2 "[exporter] listen beyond loopback without token_file: refused"
printf '%s\n\n[exporter]\nlisten = 127.0.0.1:0\nbogus = 1\n' "$base" >"$PX_CONFIG"
run px exporter
is "$rc" 3 "an unknown key in [exporter]: exit 3"
like "$err" "\\[exporter\\] bogus: unknown key" "named"
printf 's3cret-token\n' >"$T/token"
chmod 644 "$T/token"
printf '%s\n\n[exporter]\nlisten = 127.0.0.1:0\ntoken_file = %s\n' "$base" "$T/token" >"$PX_CONFIG"
run px exporter
is "$rc" 3 "a token file others can read: exit 3"
chmod 600 "$T/token"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- the HTTP server
# serve [args]: start px exporter; sets EXP_PID, EXP (host:port)
serve() {
	rm -f "$T/exp.err"
	px exporter "$@" 2>"$T/exp.err" &
	EXP_PID=$!
	i=0
	while ! grep -q 'listening on' "$T/exp.err" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	EXP=$(sed -n 's|.*listening on http://\(.*\)/metrics|\1|p' "$T/exp.err")
}
unserve() { kill "$EXP_PID" 2>/dev/null; wait "$EXP_PID" 2>/dev/null; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# a long cache, so that a loaded machine cannot make two scrapes of it
printf '%s\n\n[exporter]\ncache = 600\n' "$base" >"$PX_CONFIG"
serve --listen 127.0.0.1:0
like "$EXP" '^127\.0\.0\.1:[0-9]+$' "listens on loopback, the port it got on stderr"
curl -s -D "$T/h" -o "$T/m7" "http://$EXP/metrics"
like "$(head -1 "$T/h")" '^HTTP/1.1 200' "GET /metrics: 200"
like "$(grep -i '^content-type:' "$T/h")" 'text/plain; version=0.0.4; charset=utf-8' "Content-Type of the text format 0.0.4"
promtool check metrics <"$T/m7" >/dev/null 2>&1
is "$?" 0 "what it serves parses"
is "$(code "http://$EXP/")" 404 "GET /: 404"
is "$(code "http://$EXP/metricsx")" 404 "GET /metricsx: 404"
is "$(code -X POST "http://$EXP/metrics")" 405 "POST /metrics: 405"
is "$(code -X DELETE "http://$EXP/metrics")" 405 "DELETE /metrics: 405"
is "$(code -I "http://$EXP/metrics")" 200 "HEAD /metrics: 200"
is "$(curl -s -I "http://$EXP/metrics" | tr -d '\r' | sed '1,/^$/d' | wc -c)" 0 "HEAD: no body"
# a client that connects and sends nothing does not hold the others up
/usr/bin/python3 -c '
import socket, sys, time
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)))
time.sleep(3)' "$EXP" &
idle=$!
sleep 0.3
is "$(code -m 2 "http://$EXP/metrics")" 200 "a silent client does not block the server"
# an oversized request is cut at the bound
big=$(/usr/bin/python3 -c '
import socket, sys
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)))
try:
    s.sendall(b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"a" * 100000 + b"\r\n\r\n")
except OSError:
    pass
print(s.recv(100).split(b"\r\n")[0].decode())' "$EXP")
is "$big" "HTTP/1.1 431 Request Header Fields Too Large" "a 100 kB request head: 431"
is "$(printf 'GARBAGE\r\n\r\n' | /usr/bin/python3 -c '
import socket, sys
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)))
s.sendall(sys.stdin.buffer.read())
print(s.recv(100).split(b"\r\n")[0].decode())' "$EXP")" "HTTP/1.1 400 Bad Request" "a malformed request line: 400"
is "$(code "http://$EXP/metrics")" 200 "still serving after them"
kill $idle 2>/dev/null; wait $idle 2>/dev/null
# within the cache, one scrape serves several requests
curl -s "http://$EXP/metrics" >"$T/m8"
like "$(grep '^px_exporter_scrapes_total' "$T/m8")" ' 1$' "requests within the cache time share one scrape"
like "$(grep '^px_exporter_requests_total{code="404"}' "$T/m8")" ' 2$' "px_exporter_requests_total counts by code"
kill -TERM "$EXP_PID"; wait "$EXP_PID"
is "$?" 0 "SIGTERM: exit 0"
printf '%s\n' "$base" >"$PX_CONFIG"

# cache = 0: every request scrapes
printf '%s\n\n[exporter]\ncache = 0\n' "$base" >"$PX_CONFIG"
serve --listen 127.0.0.1:0
curl -s -o /dev/null "http://$EXP/metrics"
curl -s "http://$EXP/metrics" >"$T/m9"
like "$(grep '^px_exporter_scrapes_total' "$T/m9")" ' 2$' "cache = 0: each request scrapes"
unserve

# with a token: 401 without it or with a wrong one, 200 with it
printf '%s\n\n[exporter]\nlisten = 0.0.0.0:0\ntoken_file = %s\n' "$base" "$T/token" >"$PX_CONFIG"
serve
like "$EXP" '^0\.0\.0\.0:[0-9]+$' "[exporter] listen and token_file: listens beyond loopback"
port=${EXP##*:}
is "$(code "http://127.0.0.1:$port/metrics")" 401 "no token: 401"
curl -s -D "$T/h2" -o /dev/null "http://127.0.0.1:$port/metrics"
like "$(grep -i '^www-authenticate:' "$T/h2")" 'Bearer' "401 asks for a bearer token"
is "$(code -H 'Authorization: Bearer wrong' "http://127.0.0.1:$port/metrics")" 401 "a wrong token: 401"
is "$(code -H 'Authorization: Bearer s3cret-token-and-more' "http://127.0.0.1:$port/metrics")" 401 "the token with more after it: 401"
is "$(code -H 'Authorization: Basic czNjcmV0LXRva2Vu' "http://127.0.0.1:$port/metrics")" 401 "another scheme: 401"
is "$(code -H 'Authorization: Bearer s3cret-token' "http://127.0.0.1:$port/metrics")" 200 "the token: 200"
is "$(code -H 'authorization: bearer s3cret-token' "http://127.0.0.1:$port/metrics")" 200 "header and scheme in any case"
is "$(code "http://127.0.0.1:$port/nothing")" 401 "no token on another path: 401, not 404"
unlike "$(cat "$T/exp.err")" "s3cret" "the token never appears in the log"
unserve
printf '%s\n' "$base" >"$PX_CONFIG"

done_testing
