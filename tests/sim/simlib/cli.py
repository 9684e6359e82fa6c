"""vpcsim command line: up | exec | down | list | show."""
import argparse
import json
import os
import shutil
import sys

from . import container, netns, scenario

SCRUB_PREFIXES = ("AWS_",)
SCRUB_NAMES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def need_root():
    if os.geteuid() != 0:
        sys.exit("vpcsim: must run as root (network namespaces)")
    if not shutil.which("ip"):
        sys.exit("vpcsim: 'ip' (iproute2) not found")


def inner_env(sc):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(SCRUB_PREFIXES) and k.lower() not in SCRUB_NAMES}
    env.update(sc["env"])
    return env


def load_state(inst):
    path = os.path.join(netns.state_dir(inst), "scenario.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def cmd_up(a):
    need_root()
    sc = scenario.resolve(a.scenario, a.set)
    inst = a.as_name or sc["name"]
    try:
        sc = netns.up(inst, sc)
    except netns.SimError as e:
        sys.exit("vpcsim up %s: %s" % (inst, e))
    print("%s up: netns %s, CA %s, resolver %s, EC2 API https://%s (%s)" % (
        inst, sc["netns"], sc["env"]["AWS_CA_BUNDLE"], sc["resolv_conf_nameservers"][0],
        sc["addresses"]["ec2_api_host"], sc["ec2_api"]["ip"]))


def cmd_exec(a):
    need_root()
    sc = load_state(a.name)
    if not sc or a.name not in netns.instances() or netns.ns_name(a.name) not in netns.namespaces():
        sys.exit("vpcsim exec: %s is not up (run: vpcsim up %s)" % (a.name, a.name))
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("vpcsim exec: no command")
    sys.stdout.flush()
    ns = container.exec_netns(sc, a.on)  # the container's namespace when the scenario has one (issue 16)
    os.execvpe("ip", ["ip", "netns", "exec", ns] + cmd, inner_env(sc))


def cmd_down(a):
    need_root()
    names = list(netns.instances()) if a.all else a.names
    for n in names:
        netns.down(n)
        print("%s down" % n)


def cmd_list(a):
    inst = netns.instances() if os.geteuid() == 0 or os.path.isdir(netns.STATE_ROOT) else {}
    for n, info in inst.items():
        print("%-24s %-7s scenario=%s netns=%s" % (n, info["status"], info["scenario"], info["netns"]))


def cmd_show(a):
    sc = load_state(a.name) if not a.set else None
    if sc is None:
        sc = scenario.resolve(a.name, a.set)
    json.dump(sc, sys.stdout, indent=2, sort_keys=False)
    print()


def main(argv=None):
    p = argparse.ArgumentParser(prog="vpcsim", description="Simulated VPC for bedrock-reach (tests/sim/README.md)")
    sub = p.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="build the scenario's namespace and start its servers")
    u.add_argument("scenario", help="scenario name (tests/sim/scenarios/NAME.json) or path")
    u.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a scenario field")
    u.add_argument("--as", dest="as_name", help="instance name (default: the scenario name)")
    u.set_defaults(fn=cmd_up)
    e = sub.add_parser("exec", help="run a command inside: vpcsim exec NAME -- CMD...")
    e.add_argument("--on", choices=["host", "container"],
                   help="run on the instance or in its container (default: the scenario's container.exec)")
    e.add_argument("name")
    e.add_argument("cmd", nargs=argparse.REMAINDER)
    e.set_defaults(fn=cmd_exec)
    d = sub.add_parser("down", help="tear down completely (idempotent)")
    d.add_argument("names", nargs="*")
    d.add_argument("--all", action="store_true")
    d.set_defaults(fn=cmd_down)
    sub.add_parser("list", help="list simulator instances").set_defaults(fn=cmd_list)
    s = sub.add_parser("show", help="print the resolved scenario as JSON")
    s.add_argument("name")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    s.set_defaults(fn=cmd_show)
    a = p.parse_args(argv)
    if a.cmd == "down" and not a.all and not a.names:
        p.error("down needs NAME... or --all")
    try:
        a.fn(a)
    except FileNotFoundError as e:
        sys.exit("vpcsim: no such scenario or instance: %s" % e.filename)
    except (ValueError, KeyError) as e:
        sys.exit("vpcsim: bad scenario: %r" % (e,))
