#!/usr/bin/python3
"""fakeapi.py -- a TLS HTTP server that answers a script of raw responses,
for the cases pxsim does not produce (a body over px's 32 MiB cap, a
proxy's HTML error page).  Usage:

    fakeapi.py CERT KEY PORTFILE MODE

MODE: oversize (a 40 MiB JSON body, streamed without Content-Length),
oversize-cl (Content-Length: 40 MiB announced), html502 (a proxy's HTML),
bighdr (a 1 MB header line), midhdr (the connection closed among the
header lines), conflict (409 Conflict, PVE's message in the JSON body),
logendless (a task log of one-line pages whose total is 2^63-1),
logrepeat (a task log that answers the same full page whatever start),
stoplost (a task's status: running, then 500 after the DELETE that
stops it, which is answered),
statusslow (a task's status: the first request answered after 3 s,
later ones at once, the task stopped OK), statushang (a task's status
never answered),
bodies:FILE (FILE's lines are PATH<TAB>BODY: a GET whose path, after
/api2/json and without the query, is PATH gets BODY as it is, with 200;
any other 404; a line cut1:PATH<TAB>BODY answers the first GET of PATH
with BODY's Content-Length and only its first half, then closes the
connection, and later GETs with all of it; a line chunkcl:PATH<TAB>BODY
answers with BODY in two chunks (Transfer-Encoding: chunked), 0.2 s
apart, and a Content-Length that is the first chunk's length, as a
broken proxy might).
Writes the port to PORTFILE once listening; serves until killed.  Each
request's path is appended to PORTFILE.log.
"""
import json
import http.server
import ssl
import sys
import time

cert, key, portfile, mode = sys.argv[1:5]
served = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, reason, obj):
        body = json.dumps(obj).encode()
        self.send_response(status, reason)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.do_GET()

    def do_DELETE(self):
        self.do_GET()

    def do_GET(self):
        with open(portfile + ".log", "a") as f:
            f.write(self.command + " " + self.path + "\n")
        if mode.startswith("bodies:"):
            path = self.path.split("?")[0]
            if path.startswith("/api2/json"):
                path = path[len("/api2/json"):]
            with open(mode[len("bodies:"):]) as f:
                for line in f:
                    want, _, body = line.rstrip("\n").partition("\t")
                    cut = want.startswith("cut1:")
                    if cut:
                        want = want[len("cut1:"):]
                    chunked = want.startswith("chunkcl:")
                    if chunked:
                        want = want[len("chunkcl:"):]
                    if want == path and chunked:
                        b = body.encode()
                        h = len(b) // 2
                        self.send_response(200, "OK")
                        self.send_header("Content-Type",
                                         "application/json;charset=UTF-8")
                        self.send_header("Transfer-Encoding", "chunked")
                        self.send_header("Content-Length", str(h))
                        self.end_headers()
                        self.wfile.write(b"%x\r\n%s\r\n" % (h, b[:h]))
                        self.wfile.flush()
                        time.sleep(0.2)
                        self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" %
                                         (len(b) - h, b[h:]))
                        return
                    if want == path:
                        b = body.encode()
                        served[path] = served.get(path, 0) + 1
                        self.send_response(200, "OK")
                        self.send_header("Content-Type",
                                         "application/json;charset=UTF-8")
                        self.send_header("Content-Length", str(len(b)))
                        self.end_headers()
                        if cut and served[path] == 1:
                            self.wfile.write(b[:len(b) // 2])
                            self.wfile.flush()
                            self.close_connection = True
                            self.connection.shutdown(2)
                            return
                        self.wfile.write(b)
                        return
            self.send_json(404, "Not Found", {"data": None})
            return
        if mode == "bighdr":
            self.send_response(200, "OK")
            self.send_header("X-Big", "a" * (1 << 20))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        if mode == "midhdr":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: appl")
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "stoplost":
            if self.command == "DELETE":
                served["deleted"] = 1
                self.send_json(200, "OK", {"data": None})
            elif self.path.endswith("/status") and "deleted" not in served:
                self.send_json(200, "OK", {"data": {
                    "upid": "UPID:pve1:00001234:00005678:65000000:qmstart:"
                            "100:root@pam:",
                    "node": "pve1", "pid": 4660, "pstart": 22136,
                    "starttime": 1694498816, "type": "qmstart", "id": "100",
                    "user": "root@pam", "status": "running"}})
            elif self.path.endswith("/status"):
                self.send_json(500, "Internal Server Error", {"data": None})
            else:
                self.send_json(404, "Not Found", {"data": None})
            return
        if mode == "statushang":
            time.sleep(3600)
            return
        if mode == "statusslow":
            if self.path.endswith("/status"):
                if "slow" not in served:
                    served["slow"] = 1
                    time.sleep(3)
                self.send_json(200, "OK", {"data": {
                    "upid": "UPID:pve1:00001234:00005678:65000000:qmstart:"
                            "100:root@pam:",
                    "node": "pve1", "pid": 4660, "pstart": 22136,
                    "starttime": 1694498816, "type": "qmstart", "id": "100",
                    "user": "root@pam", "status": "stopped",
                    "exitstatus": "OK"}})
            else:
                self.send_json(404, "Not Found", {"data": None})
            return
        if mode == "conflict":
            self.send_json(409, "Conflict", {
                "data": None,
                "message": "cannot start VM while it is running\n"})
            return
        if mode == "logendless":
            start = int(self.path.split("start=")[1].split("&")[0])
            self.send_json(200, "OK", {
                "data": [{"n": start + 1, "t": "line %d" % (start + 1)}],
                "total": (1 << 63) - 1})
            return
        if mode == "logrepeat":
            lim = int(self.path.split("limit=")[1].split("&")[0])
            self.send_json(200, "OK", {
                "data": [{"n": i + 1, "t": "x"} for i in range(lim)],
                "total": (1 << 63) - 1})
            return
        if mode == "html502":
            body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self.send_response(502, "Bad Gateway")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        size = 40 << 20
        self.send_response(200, "OK")
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        if mode == "oversize-cl":
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b'{"data":"' + b"x" * 65536
        try:
            self.wfile.write(chunk)
            sent = len(chunk)
            block = b"x" * 65536
            while sent < size:
                self.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        self.close_connection = True


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
