#!/usr/bin/env python3
"""The SSM Command document's script, run as SSM would run it (parameters substituted) with
stand-ins for bedrock-reach and the AWS CLI on PATH: the output stays under Run Command's
24,000 characters and starts with the Nagios line, the exit code passes through, and the full
JSON report reaches S3 (aws s3 cp) and CloudWatch Logs (put-log-events with a valid event whose
message is the report). Hermetic: no network, no real AWS. Exit 0 pass, 1 fail.

Usage: ssm_document_check.py SSM_DOCUMENT_JSON
"""
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

FAKE_REPORT = {"schema_version": 1, "status": "critical", "region": "us-east-1",
               "instance": {"id": "i-0123456789abcdef0"},
               "findings": [{"code": "SG_INGRESS_BLOCKS", "message": "quote \" and back\\slash\nnew"}]}


def script_of(document, parameters):
    doc = json.load(open(document))
    values = {name: spec.get("default", "") for name, spec in doc["parameters"].items()}
    values.update(parameters)
    for name, value in values.items():
        spec = doc["parameters"][name]
        if "allowedPattern" in spec and not re.search(spec["allowedPattern"], value):
            raise ValueError(f"{name}={value!r} fails its allowedPattern")
    script = "\n".join(doc["mainSteps"][0]["inputs"]["runCommand"])
    return re.sub(r"\{\{ *(\w+) *\}\}", lambda m: values[m.group(1)], script)


def executable(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, stat.S_IRWXU)


def main():
    document = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = os.path.join(tmp, "bin")
        os.mkdir(bin_dir)
        calls = os.path.join(tmp, "aws-calls")
        # bedrock-reach: a long text report on stdout, the JSON report in --json-file, exit 2.
        report_path = os.path.join(tmp, "report.json")
        json.dump(FAKE_REPORT, open(report_path, "w"), indent=2)
        executable(os.path.join(bin_dir, "bedrock-reach"), f"""#!/bin/sh
echo "bedrock-reach: CRITICAL - bedrock-runtime SG_INGRESS_BLOCKS | 'duration'=1.00s;;;0 COLUMNS=$COLUMNS"
i=0; while [ $i -lt 3000 ]; do echo "  line $i of a very long report for many services"; i=$((i+1)); done
while [ $# -gt 0 ]; do
  if [ "$1" = --json-file ]; then cp {report_path} "$2"; fi
  shift
done
exit 2
""")
        executable(os.path.join(bin_dir, "aws"), f"""#!/bin/sh
echo "$@" >> {calls}
for a in "$@"; do case "$a" in file://*) cp "${{a#file://}}" {tmp}/events.json ;; esac; done
if [ "$1" = s3 ]; then for a in "$@"; do [ -f "$a" ] && cp "$a" {tmp}/s3-object.json; done; fi
exit 0
""")
        script = script_of(document, {"s3Uri": "s3://diag-bucket/bedrock-reach/",
                                      "logGroupName": "/bedrock-reach/fleet"})
        env = {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": tmp}
        run = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env,
                             timeout=60)
        out = run.stdout
        print(out[:300], "...", out[-300:], run.stderr[-500:])
        if run.returncode != 2:
            failures.append(f"exit {run.returncode}, want the check's 2")
        if len(out) > 24000:
            failures.append(f"{len(out)} characters of output, Run Command keeps 24,000")
        if not out.startswith("bedrock-reach: CRITICAL - "):
            failures.append("output does not start with the Nagios line")
        if "COLUMNS=120" not in out:
            failures.append("summary not fitted to summaryColumns")
        if "summary cut" not in out:
            failures.append("a cut summary does not say so")
        aws = open(calls).read() if os.path.exists(calls) else ""
        if "s3 cp" not in aws or "s3://diag-bucket/bedrock-reach/i-0123456789abcdef0/" not in aws:
            failures.append(f"no S3 upload to PREFIX/INSTANCE/: {aws!r}")
        elif json.load(open(os.path.join(tmp, "s3-object.json"))) != FAKE_REPORT:
            failures.append("the S3 object is not the JSON report")
        if "put-log-events" not in aws or "--log-stream-name i-0123456789abcdef0" not in aws:
            failures.append(f"no put-log-events to the instance's stream: {aws!r}")
        elif "--region us-east-1" not in aws:
            failures.append("CloudWatch Logs call without the report's Region")
        else:
            events = json.load(open(os.path.join(tmp, "events.json")))
            if len(events) != 1 or json.loads(events[0]["message"]) != FAKE_REPORT:
                failures.append(f"the log event is not the report: {events!r}"[:300])
        # Without destinations: no AWS CLI call at all.
        os.remove(calls) if os.path.exists(calls) else None
        run = subprocess.run(["sh", "-c", script_of(document, {})], capture_output=True, text=True,
                             env=env, timeout=60)
        if os.path.exists(calls):
            failures.append("the AWS CLI was called without s3Uri or logGroupName")
        for bad in ({"s3Uri": "s3://b/x; rm -rf /"}, {"logGroupName": "g$(id)"}):
            try:
                script_of(document, bad)
                failures.append(f"allowedPattern accepts {bad}")
            except ValueError:
                pass
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
