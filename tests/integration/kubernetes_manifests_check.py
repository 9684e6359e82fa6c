#!/usr/bin/env python3
"""packaging/kubernetes: the Job and DaemonSet parse as Kubernetes objects, run bedrock-reach with
flags the binary accepts, in the pod network (not hostNetwork: the check must see the IMDS hop limit
and the credentials the application's pods see), unprivileged. Exit 0 pass, 1 fail, 77 skip (no PyYAML).

Usage: kubernetes_manifests_check.py SOURCE_DIR BINARY
"""
import os
import re
import subprocess
import sys


def main():
    try:
        import yaml
    except ImportError:
        print("SKIP: PyYAML not installed")
        return 77
    src, binary = sys.argv[1], sys.argv[2]
    failures = []
    kinds = {}
    for name in ("bedrock-reach-job.yaml", "bedrock-reach-daemonset.yaml"):
        path = os.path.join(src, "packaging", "kubernetes", name)
        docs = [d for d in yaml.safe_load_all(open(path)) if d]
        if len(docs) != 1:
            failures.append(f"{name}: {len(docs)} documents, want 1")
            continue
        doc = docs[0]
        kinds[doc.get("kind")] = doc
        spec = doc["spec"]["template"]["spec"]
        if spec.get("hostNetwork"):
            failures.append(f"{name}: hostNetwork would hide the pod's network path")
        if not spec.get("serviceAccountName"):
            failures.append(f"{name}: no serviceAccountName (the application's credentials)")
        (container,) = spec["containers"]
        sc = container.get("securityContext", {})
        if sc.get("privileged") or sc.get("allowPrivilegeEscalation", True) or not sc.get("runAsNonRoot"):
            failures.append(f"{name}: container must run unprivileged and non-root")
        if "limits" not in container.get("resources", {}):
            failures.append(f"{name}: no resource limits")
        if container.get("command") != ["bedrock-reach"]:
            failures.append(f"{name}: command {container.get('command')}")
        args = container.get("args", [])
        sub = args[0] if args else ""
        help_text = subprocess.run([binary, sub, "--help"], capture_output=True, text=True, timeout=30).stdout
        for flag in (a for a in args if a.startswith("--")):
            if not re.search(r"(^|\s|,)" + re.escape(flag) + r"\b", help_text):
                failures.append(f"{name}: `bedrock-reach {sub}` has no flag {flag}")
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        if "AWS_REGION" not in env:
            failures.append(f"{name}: no AWS_REGION (IMDS may be one hop too far for the pod)")
    if set(kinds) != {"Job", "DaemonSet"}:
        failures.append(f"kinds {sorted(k for k in kinds if k)}, want Job and DaemonSet")
    ds = kinds.get("DaemonSet")
    if ds:
        c = ds["spec"]["template"]["spec"]["containers"][0]
        args = c["args"]
        listen = args[args.index("--listen") + 1] if "--listen" in args else ""
        port = int(listen.rsplit(":", 1)[1]) if ":" in listen else None
        if port not in [p["containerPort"] for p in c.get("ports", [])]:
            failures.append(f"DaemonSet: --listen {listen} not a declared containerPort")
        if ds["spec"]["selector"]["matchLabels"].items() - ds["spec"]["template"]["metadata"]["labels"].items():
            failures.append("DaemonSet: selector does not match the pod labels")
    for f in failures:
        print("FAIL:", f)
    print("checked", len(kinds), "manifests")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
