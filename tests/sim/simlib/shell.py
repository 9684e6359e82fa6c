"""Running the set-up commands (ip, nft, sysctl) of the simulator: one place that turns a failure into
SimError with the command and its stderr."""
import subprocess


class SimError(Exception):
    pass


def sh(*args, check=True, input=None):
    r = subprocess.run(list(args), capture_output=True, text=True, input=input)
    if check and r.returncode != 0:
        raise SimError("%s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r
