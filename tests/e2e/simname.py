"""Simulated-VPC instance names for the end-to-end tests.

Every instance a test brings up is named PREFIX + name (netns brsim-PREFIX-name, state in
/run/brsim/PREFIX-name). PREFIX is $BRSIM_PREFIX when set, else $BRSIM_TREE_PREFIX, which CMake puts
on every simulated-VPC test (a short hash of the build tree, tests/e2e/sim_env.cmake). So ctest runs
from different checkouts, or scripts/flaky beside scripts/test, never share a namespace.
"""
import os


def prefix():
    return os.environ.get("BRSIM_PREFIX") or os.environ.get("BRSIM_TREE_PREFIX", "")


def instance(name):
    return prefix() + name


def netns(name):
    return "brsim-" + instance(name)


def state_root():
    return os.environ.get("BRSIM_STATE", "/run/brsim")
