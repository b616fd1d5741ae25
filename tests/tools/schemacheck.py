#!/usr/bin/python3
"""Check every GET endpoint pxsim serves against the Proxmox API schema.

usage: schemacheck.py [--pbs] [--per-var K] [--min N] [--only REGEX]
                      URL AUTHORIZATION
       schemacheck.py --selftest

URL is the server's base (https://127.0.0.1:PORT); AUTHORIZATION is the
whole Authorization header value (PVEAPIToken=root@pam!px=SECRET, or with
--pbs PBSAPIToken=...).

The schema tree (../shared/reference/apidoc.js, or pbs-apidoc.json with
--pbs) is walked; every GET path is instantiated with real ids taken from
pxsim's own listings (the parent collection of each {variable}), fetched,
and every returned field is compared with the endpoint's `returns` schema,
recursively.  A field the schema does not declare, where the schema does
not allow additional properties, is a violation; so is an incompatible
type.  Types are checked the way PVE actually sends them: integers and
numbers may come as numeric strings, booleans as 0/1, "0"/"1", "" or
true/false, and any optional value may be null.

Fields that real PVE sends although the schema omits them are accepted when
they appear in a recorded real response for the same endpoint
(../shared/reference/recorded/).

Endpoints answering 501 (not implemented) are not served by pxsim and are
not counted; any other non-2xx answer is reported as a skipped test.
Output is TAP: one line per endpoint instance, one failing line per
violation, naming endpoint and field.
"""
import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apischema  # noqa: E402

# The key holding the id for a path variable in its parent listing, when
# the variable is not itself a key of the listed objects.
VAR_KEYS = {
    "volume": ["volid"],
    "snapname": ["name"],
    "pci-id-or-mapping": ["id"],
    "token-name": ["token-name", "tokenid"],
    "name": ["name", "id"],
    "group": ["group", "name"],
    "upid": ["upid"],
    "cidr": ["cidr"],
    "pos": ["pos"],
    "fabric_id": ["id"],
    "node_id": ["node_id", "node"],
}

# Endpoints whose `returns` declares only the id (and type) of each
# object although PVE's handler returns the whole object: the HA
# section-config entries, one network interface, the cluster task list.
# Their other fields are checked against what the schema declares for
# the same objects elsewhere (the parameters that write them, or the
# items of a sibling listing), plus "digest": still strict, a misspelt
# field fails.  (path: (source path, "params:METHOD" or "items:GET",
# location))
BORROW = {
    "/cluster/ha/resources": ("/cluster/ha/resources", "params:POST", "[]"),
    "/cluster/ha/rules": ("/cluster/ha/rules", "params:POST", "[]"),
    "/cluster/ha/rules/{rule}": ("/cluster/ha/rules", "params:POST", ""),
    "/cluster/ha/groups": ("/cluster/ha/groups", "params:POST", "[]"),
    "/nodes/{node}/network/{iface}": ("/nodes/{node}/network", "items:GET",
                                      ""),
    "/nodes/{node}/replication": ("/cluster/replication", "items:GET", "[]"),
    "/cluster/tasks": ("/nodes/{node}/tasks", "items:GET", "[]"),
    # /storage lists the storage configuration: the keys POST /storage
    # takes (the schema declares only the id).
    "/storage": ("/storage", "params:POST", "[]"),
}

# Single fields real PVE sends that the schema leaves out.
EXTRA = {
    # PVE writes the snapshot parent into every guest config; the qemu
    # config schema declares "parent", the lxc one forgets it.
    "/nodes/{node}/lxc/{vmid}/config": {"": {"parent"}},
    # PVE's realm listing marks the default realm (Domains.pm index).
    "/access/domains": {"[]": {"default"}},
    # The mapping listings are the section-config entries (type, and a
    # PCI mapping's flags) with the file's digest (Mapping/*.pm index).
    "/cluster/mapping/pci": {"[]": {"type", "digest", "mdev",
                                    "live-migration-capable"}},
    "/cluster/mapping/usb": {"[]": {"type", "digest"}},
    "/cluster/mapping/dir": {"[]": {"type", "digest"}},
    # A node's replication list is each job's configuration with its
    # state (API2/Replication.pm status: $extract_job_status after
    # ReplicationState::job_status, which adds next_sync and vmtype).
    "/nodes/{node}/replication": {"[]": {"last_sync", "last_try",
                                         "next_sync", "duration",
                                         "fail_count", "error", "pid",
                                         "vmtype"}},
    # The firewall answers its options with the file's digest
    # (copy_opject_with_digest) and every rule with the ruleset's
    # (cleanup_fw_rule in PVE/Firewall.pm).
    "/cluster/firewall/options": {"": {"digest"}},
    "/nodes/{node}/firewall/options": {"": {"digest"}},
    "/nodes/{node}/qemu/{vmid}/firewall/options": {"": {"digest"}},
    "/nodes/{node}/lxc/{vmid}/firewall/options": {"": {"digest"}},
    "/cluster/firewall/rules": {"[]": {"digest"}},
    "/cluster/firewall/rules/{pos}": {"": {"digest"}},
    "/cluster/firewall/groups/{group}": {"[]": {"digest"}},
    "/cluster/firewall/groups/{group}/{pos}": {"": {"digest"}},
    "/nodes/{node}/firewall/rules": {"[]": {"digest"}},
    "/nodes/{node}/firewall/rules/{pos}": {"": {"digest"}},
    "/nodes/{node}/qemu/{vmid}/firewall/rules": {"[]": {"digest"}},
    "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}": {"": {"digest"}},
    "/nodes/{node}/lxc/{vmid}/firewall/rules": {"[]": {"digest"}},
    "/nodes/{node}/lxc/{vmid}/firewall/rules/{pos}": {"": {"digest"}},
}


# PBS endpoints whose Rust handler returns a value but declares no
# return schema, so pbs-apidoc.json says "null": the GUI reads the
# notes as a string and the protection as a boolean (datastore.rs
# get_notes -> String, get_protection -> bool).
PBS_UNDECLARED = {
    "/admin/datastore/{store}/notes": {"type": "string"},
    "/admin/datastore/{store}/protected": {"type": "boolean"},
}


def borrowed_allow(schema, allow):
    """Add the BORROW and EXTRA fields to allow (schema path ->
    {location: keys}), including what recorded responses of the source
    path show."""
    for path, (src, how, where) in BORROW.items():
        kind, method = how.split(":")
        info = schema.get(src, {}).get(method)
        if not info or path not in schema:
            continue
        if kind == "params":
            keys = set((info.get("parameters") or {}).get("properties")
                       or {})
        else:
            items = (info.get("returns") or {}).get("items") or {}
            keys = set(items.get("properties") or {})
            keys |= set(allow.get(src, {}).get("[]", ()))
        keys.add("digest")
        allow.setdefault(path, {}).setdefault(where, set()).update(keys)
    for path, locs in EXTRA.items():
        for where, keys in locs.items():
            allow.setdefault(path, {}).setdefault(where, set()).update(keys)
    return allow


# Known deviations of pxsim, reported as TAP TODO (visible, counted, not
# failing the suite) until fixed; remove an entry when its endpoint is
# clean.  Keyed by schema path.
TODO = {
}


# Listing entries that are not real ids.
SKIP_IDS = {"snapname": {"current"}}


def is_int_text(v):
    return isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v) is not None


def is_num_text(v):
    if not isinstance(v, str):
        return False
    try:
        float(v)
    except ValueError:
        return False
    return v.strip() == v and v != ""


def truthy(v):
    return v not in (None, 0, False, "0", "")


def type_ok(value, typ):
    """Does value fit the schema type typ, the way PVE sends it?"""
    if typ is None or typ == "any":
        return True
    if isinstance(typ, list):
        return any(type_ok(value, t) for t in typ)
    if typ == "null":
        return value is None
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return is_int_text(value)
    if typ == "number":
        if isinstance(value, bool):
            return False
        return isinstance(value, (int, float)) or is_num_text(value)
    if typ == "boolean":
        return (isinstance(value, bool) or value in (0, 1)
                or value in ("0", "1", "", "true", "false"))
    if typ == "object":
        return isinstance(value, dict)
    if typ == "array":
        return isinstance(value, list)
    return True


def prop_lookup(props, key):
    """The schema of property key; handles PVE's "net[n]" names."""
    if key in props:
        return props[key]
    for name, sub in props.items():
        if name.endswith("[n]"):
            if re.fullmatch(re.escape(name[:-3]) + r"[0-9]+", key):
                return sub
    return None


def link_keys(schema):
    """Variables named in the schema's links ({"href": "{name}"})."""
    keys = set()
    for link in schema.get("links") or []:
        keys.update(re.findall(r"\{([^}]+)\}", link.get("href", "")))
    return keys


def check(value, schema, where, allow, out, links=()):
    """Append (where, message) for every violation of schema by value.

    allow maps a location ("", ".foo", "[]") to extra keys real PVE sends
    there (from recorded responses)."""
    if not isinstance(schema, dict):
        return
    typ = schema.get("type")
    if typ is None and "properties" in schema:
        typ = "object"
    if typ is None and "items" in schema:
        typ = "array"
    if value is None:
        return			# PVE sends null for absent values
    if not type_ok(value, typ):
        out.append((where or "(top)", "type %s, schema says %s: %s"
                    % (type(value).__name__, typ,
                       json.dumps(value)[:60])))
        return
    if isinstance(value, dict) and typ in ("object", None):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        strict = bool(props) and not truthy(extra)
        names = link_keys(schema) | set(links)
        for k, v in value.items():
            sub = prop_lookup(props or {}, k)
            here = "%s.%s" % (where, k) if where else k
            if sub is not None:
                check(v, sub, here, allow, out)
            elif isinstance(extra, dict):
                check(v, extra, here, allow, out)
            elif strict and k not in names and \
                    k not in allow.get(norm(where), ()):
                out.append((here, "field not declared in the schema"))
    elif isinstance(value, list) and typ in ("array", None):
        items = schema.get("items")
        for i, v in enumerate(value):
            check(v, items, "%s[%d]" % (where, i), allow, out,
                  link_keys(schema))


def norm(where):
    """Location without array indices: "a[3].b" -> "a[].b"."""
    return re.sub(r"\[[0-9]+\]", "[]", where)


def recorded_allow(schema_paths):
    """Map schema path -> {location: keys} from the recorded responses."""
    rec = os.path.join(apischema.reference_dir(), "recorded")
    names = {}
    for p in schema_paths:
        n = p.strip("/").replace("/", "_")
        n = re.sub(r"\{([^}]+)\}", r"\1", n).replace("-", "_")
        names[n] = p
    out = {}
    try:
        files = sorted(os.listdir(rec))
    except OSError:
        return out
    for f in files:
        if not f.endswith(".json"):
            continue
        base = f.split(".")[0]
        if re.search(r"_(post|put|delete|create|upid|[0-9]{3}).*$", base):
            continue
        best = None
        for n in names:
            if base == n or base.startswith(n + "_"):
                if best is None or len(n) > len(best):
                    best = n
        if best is None:
            continue
        rest = base[len(best):].strip("_")
        # nodes_node_tasks_limit1, ..._running: a qualifier, not a path
        if rest and ("_" + rest) and any(
                m.startswith(best + "_" + rest.split("_")[0])
                for m in names if m != best):
            continue
        try:
            with open(os.path.join(rec, f), encoding="utf-8") as fh:
                data = json.load(fh).get("data")
        except (OSError, ValueError, AttributeError):
            continue
        acc = out.setdefault(names[best], {})

        def walk(v, where):
            if isinstance(v, dict):
                acc.setdefault(where, set()).update(v.keys())
                for k, sub in v.items():
                    walk(sub, "%s.%s" % (where, k) if where else k)
            elif isinstance(v, list):
                for sub in v:
                    walk(sub, where + "[]")
        walk(data, "")
    return out


class Client:
    """A keep-alive HTTPS client that trusts any certificate (pxsim's is
    self-signed)."""

    def __init__(self, url, auth, prefix="/api2/json"):
        u = urllib.parse.urlsplit(url)
        self.host = u.hostname
        self.port = u.port or 8006
        self.prefix = (u.path.rstrip("/") or prefix)
        if not self.prefix.endswith(prefix):
            self.prefix += prefix
        self.auth = auth
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE
        self.conn = None
        self.cache = {}

    def get(self, path, params=None):
        """(status, reason, data) of GET path; data is the "data" member
        or None."""
        qs = urllib.parse.urlencode(params or {})
        url = self.prefix + urllib.parse.quote(path, safe="/:@!=,;")
        if qs:
            url += "?" + qs
        if url in self.cache:
            return self.cache[url]
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection(
                        self.host, self.port, context=self.ctx, timeout=30)
                self.conn.request("GET", url,
                                  headers={"Authorization": self.auth})
                r = self.conn.getresponse()
                body = r.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt:
                    raise
        try:
            data = json.loads(body.decode("utf-8")).get("data")
            parsed = True
        except (ValueError, UnicodeDecodeError, AttributeError):
            data, parsed = None, False
        res = (r.status, r.reason, data, parsed)
        self.cache[url] = res
        return res


class Walker:
    def __init__(self, client, schema, per_var, pbs=False):
        self.c = client
        self.schema = schema
        self.per_var = per_var
        self.pbs = pbs

    def candidates(self, parent, var, bindings):
        """Ids for var from the listing at parent (already concrete)."""
        st, _, data, _ = self.c.get(parent)
        if st != 200 or not isinstance(data, list):
            return []
        keys = [var] + VAR_KEYS.get(var, [])
        ids = []
        for e in data:
            v = None
            if isinstance(e, dict):
                for k in keys:
                    if k in e and e[k] is not None:
                        v = e[k]
                        break
            elif isinstance(e, (str, int)):
                v = e
            if v is None or str(v) in SKIP_IDS.get(var, ()):
                continue
            if var == "token-name" and isinstance(v, str) and "!" in v:
                v = v.split("!", 1)[1]
            ids.append(str(v))
        # Spread the picks over the listing: first, last, middle, ...
        picks = []
        for idx in (0, len(ids) - 1, len(ids) // 2, 1, len(ids) - 2):
            if 0 <= idx < len(ids) and ids[idx] not in picks:
                picks.append(ids[idx])
            if len(picks) >= self.per_var:
                break
        return picks

    def instances(self, template):
        """Concrete paths for a schema path template."""
        parts = template.split("/")
        results = [("", {})]
        for i, part in enumerate(parts[1:], start=1):
            m = re.fullmatch(r"\{([^}]+)\}", part)
            nxt = []
            for prefix, b in results:
                if not m:
                    nxt.append((prefix + "/" + part, b))
                    continue
                var = m.group(1)
                for v in self.candidates(prefix or "/", var, b):
                    nb = dict(b)
                    nb[var] = v
                    nxt.append((prefix + "/" + urllib.parse.quote(
                        v, safe="@!:=,;"), nb))
            results = nxt[:64]
        return results

    def fill_required(self, template, concrete, bindings, get):
        """Values for required query parameters, or None when unknown."""
        params = {}
        props = (get.get("parameters") or {}).get("properties") or {}
        pathvars = set(re.findall(r"\{([^}]+)\}", template))
        for k, d in props.items():
            if k in pathvars or truthy(d.get("optional")):
                continue
            if k == "timeframe":
                params[k] = "hour"
            elif k == "cf":
                params[k] = "AVERAGE"
            elif k == "disk" and "node" in bindings:
                st, _, data, _ = self.c.get(
                    "/nodes/%s/disks/list" % bindings["node"])
                if st != 200 or not data:
                    return None
                params[k] = data[0].get("devpath")
            elif k in ("backup-type", "backup-id", "backup-time") \
                    and "store" in bindings:
                st, _, data, _ = self.c.get(
                    "/admin/datastore/%s/snapshots" % bindings["store"])
                if st != 200 or not data:
                    return None
                params[k] = data[0].get(k)
            elif "enum" in d:
                params[k] = d["enum"][0]
            else:
                return None
        return params


def tap_escape(s):
    return s.replace("#", "\\#").replace("\n", " ")


def run(args):
    pbs = "--pbs" in args
    per_var = 3
    minimum = 1
    only = None
    rest = []
    it = iter(args)
    for a in it:
        if a == "--pbs":
            continue
        elif a == "--per-var":
            per_var = int(next(it))
        elif a == "--min":
            minimum = int(next(it))
        elif a == "--only":
            only = re.compile(next(it))
        else:
            rest.append(a)
    if len(rest) != 2:
        sys.stderr.write(__doc__)
        return 2
    url, auth = rest
    schema = apischema.load_pbs() if pbs else apischema.load_pve()
    allow = {} if pbs else borrowed_allow(schema,
                                          recorded_allow(schema.keys()))
    client = Client(url, auth)
    walker = Walker(client, schema, per_var, pbs)
    n = 0
    served = 0
    failed = 0
    lines = []

    def emit(ok, text, todo=None):
        nonlocal n, failed
        n += 1
        if not ok and todo is None:
            failed += 1
        if todo is not None:
            text += " # TODO " + todo
        lines.append("%s %d - %s" % ("ok" if ok else "not ok", n, text))
        print(lines[-1], flush=True)

    for template in sorted(schema):
        get = schema[template].get("GET")
        if not get or (only and not only.search(template)):
            continue
        insts = walker.instances(template)
        if not insts:
            print("# %s: no instance (empty parent listing)" % template)
            continue
        for concrete, bindings in insts:
            params = walker.fill_required(template, concrete, bindings, get)
            if params is None:
                print("# %s: required parameter unknown, not checked"
                      % concrete)
                continue
            st, reason, data, parsed = client.get(concrete, params)
            if st == 501:
                continue
            served += 1
            label = "GET %s" % concrete
            if params:
                label += "?" + urllib.parse.urlencode(params)
            if st != 200:
                emit(True, "%s # SKIP %d %s" % (tap_escape(label), st,
                                                tap_escape(reason)))
                continue
            if not parsed:
                emit(False, "%s: body is not JSON with a data member"
                     % tap_escape(label))
                continue
            out = []
            returns = get.get("returns") or {}
            if pbs and returns.get("type") == "null" and \
                    template in PBS_UNDECLARED:
                returns = PBS_UNDECLARED[template]
            check(data, returns, "",
                  allow.get(template, {}), out)
            if not out:
                emit(True, tap_escape(label))
            seen = set()
            for where, msg in out:
                key = (norm(where), msg.split(":")[0])
                if key in seen:
                    continue
                seen.add(key)
                emit(False, "%s (%s): %s: %s" % (
                    tap_escape(label), template, tap_escape(where),
                    tap_escape(msg)), TODO.get(template))
    emit(served >= minimum, "at least %d GET endpoints served (%d)"
         % (minimum, served))
    print("1..%d" % n)
    return 1 if failed else 0


def selftest():
    """The checker itself: a misspelt field and a wrong type are caught."""
    schema = {"type": "array", "items": {"type": "object", "properties": {
        "vmid": {"type": "integer"}, "name": {"type": "string",
                                              "optional": 1},
        "template": {"type": "boolean", "optional": 1},
        "cpu": {"type": "number", "optional": 1},
        "net[n]": {"type": "string", "optional": 1}}}}
    cases = [
        ([{"vmid": 100, "name": "a", "template": 0, "cpu": 0.5,
           "net0": "virtio"}], 0, "a well-formed answer passes"),
        ([{"vmid": "100", "template": "1", "cpu": "0.25"}], 0,
         "PVE's quirks (numbers as strings, booleans as \"1\") pass"),
        ([{"vmid": 100, "nmae": "a"}], 1, "a misspelt field fails"),
        ([{"vmid": "abc"}], 1, "a non-numeric integer fails"),
        ([{"vmid": 100, "name": 5}], 1, "a number for a string fails"),
        ([{"vmid": 100, "template": 2}], 1, "2 for a boolean fails"),
        ({"vmid": 100}, 1, "an object for an array fails"),
        ([{"vmid": 100, "netx": "a"}], 1, "net[n] does not match netx"),
    ]
    n = 0
    bad = 0
    for value, want, name in cases:
        out = []
        check(value, schema, "", {}, out)
        n += 1
        ok = (len(out) == want)
        bad += not ok
        print("%s %d - selftest: %s%s" % ("ok" if ok else "not ok", n, name,
              "" if ok else " (%r)" % out))
    print("1..%d" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(selftest())
    sys.exit(run(sys.argv[1:]))
