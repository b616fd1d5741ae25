#!/usr/bin/env python3
# recv.py DIR: a loopback HTTP receiver for the alert routes' tests (a
# webhook, an ntfy server).  Listens on 127.0.0.1 on a free port, writes
# the port to DIR/port and every request, as one JSON line (method,
# path, the Authorization and Content-Type headers, the body), to
# DIR/requests.  A request to a path holding /fail/ is answered 500.
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

d = sys.argv[1]


class H(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(min(n, 1 << 20)).decode('utf-8', 'replace')
        with open(os.path.join(d, 'requests'), 'a') as f:
            f.write(json.dumps({
                'method': 'POST', 'path': self.path,
                'authorization': self.headers.get('Authorization'),
                'content_type': self.headers.get('Content-Type'),
                'body': body}) + '\n')
        code = 500 if '/fail/' in self.path else 200
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(b'{}')

    def log_message(self, *a):
        pass


s = HTTPServer(('127.0.0.1', 0), H)
with open(os.path.join(d, 'port.tmp'), 'w') as f:
    f.write(str(s.server_address[1]))
os.rename(os.path.join(d, 'port.tmp'), os.path.join(d, 'port'))
s.serve_forever()
