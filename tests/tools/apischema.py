"""Load the PVE (apidoc.js) and PBS (pbs-apidoc.json) API schemas.

The schemas are Proxmox data; they are read from ../shared/reference at run
time and never copied into the repository.
"""
import json
import os
import subprocess


def reference_dir():
    """The shared reference directory, located relative to the repository."""
    env = os.environ.get("PX_REFERENCE")
    if env:
        return env
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__)),
                             check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        top = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..")
    return os.path.normpath(os.path.join(top, "..", "shared", "reference"))


def _load_tree(name):
    path = os.path.join(reference_dir(), name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if name.endswith(".js"):
        start = text.index("const apiSchema =") + len("const apiSchema =")
        text = text[start:].strip()
        if text.endswith(";"):
            text = text[:-1]
    return json.loads(text)


def flatten(tree):
    """Map every path ("/nodes/{node}/qemu") to its node's info dict."""
    out = {}

    def walk(nodes):
        for n in nodes:
            out[n["path"]] = n.get("info", {})
            walk(n.get("children", []) or [])
    walk(tree)
    return out


def load_pve():
    return flatten(_load_tree("apidoc.js"))


def load_pbs():
    return flatten(_load_tree("pbs-apidoc.json"))


if __name__ == "__main__":
    import sys
    which = load_pbs() if "--pbs" in sys.argv else load_pve()
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        for p in sorted(which):
            print(" ".join(sorted(which[p])), p)
    else:
        method = args[1] if len(args) > 1 else "GET"
        print(json.dumps(which[args[0]].get(method), indent=1))


def summary(info, methods=("GET", "POST", "PUT", "DELETE")):
    """A compact text summary of an endpoint (for people, not tests)."""
    lines = []

    def props_text(props, indent):
        for k, d in sorted((props or {}).items()):
            t = d.get("type")
            extra = []
            if d.get("optional"):
                extra.append("opt")
            if "enum" in d:
                extra.append("enum=" + "|".join(map(str, d["enum"])))
            if "format" in d and isinstance(d["format"], str):
                extra.append("fmt=" + d["format"])
            if "default" in d:
                extra.append("def=%s" % d["default"])
            lines.append("%s%s:%s %s" % (indent, k, t, " ".join(extra)))
            if t == "array" and isinstance(d.get("items"), dict) and \
                    d["items"].get("properties"):
                props_text(d["items"]["properties"], indent + "    ")
            if t == "object" and d.get("properties"):
                props_text(d["properties"], indent + "    ")

    for m in methods:
        d = info.get(m)
        if not d:
            continue
        perm = d.get("permissions", {})
        lines.append("%s perm=%s" % (m, json.dumps(perm.get("check") or
                                                  perm.get("user") or perm)))
        lines.append("  params:")
        props_text((d.get("parameters") or {}).get("properties"), "    ")
        r = d.get("returns") or {}
        lines.append("  returns: %s ap=%s" % (r.get("type"),
                                              r.get("additionalProperties")))
        if r.get("type") == "array":
            r = r.get("items") or {}
        props_text(r.get("properties"), "    ")
    return "\n".join(lines)
