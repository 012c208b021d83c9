#!/usr/bin/python3
"""Ansible (Debian's ansible, with the cisco.nxos collection it ships) against a deployed pair: the
inventory comes from `vpclab inventory`, the playbooks from tests/integration/ansible/. Each task
asserts what a real switch would report. The lab is destroyed whatever happens.

  ansible_test.py --bin BUILD/bin --source SOURCE_DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", required=True)
    opts = parser.parse_args()
    home = tempfile.mkdtemp(prefix="vpclab-ansible-")
    env = dict(os.environ, VPCLAB_HOME=home, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=os.path.join(home, "ansible-tmp"), ANSIBLE_PERSISTENT_COMMAND_TIMEOUT="60")
    name = "ansible-%d" % os.getpid()
    vpclab = os.path.join(opts.bin, "vpclab")
    try:
        subprocess.run([vpclab, "deploy", os.path.join(opts.source, "labs/topologies/pair/pair.yml"), "--name", name],
                       env=env, check=True, capture_output=True, timeout=60)
        vpcctl = os.path.join(opts.bin, "vpcctl")
        end = time.monotonic() + 15
        while time.monotonic() < end:
            out = subprocess.run([vpcctl, "-s", name + "/leaf1", "show", "vpc"], env=env, capture_output=True,
                                 text=True).stdout
            if "peer adjacency formed ok" in out:
                break
            time.sleep(0.1)
        inventory = os.path.join(home, "inventory.yml")
        with open(inventory, "w") as f:
            f.write(subprocess.run([vpclab, "inventory", name], env=env, check=True, capture_output=True,
                                   text=True).stdout)
        failed = False
        for play in ("network_cli.yml", "httpapi.yml"):
            r = subprocess.run(["ansible-playbook", "-i", inventory,
                                os.path.join(opts.source, "tests/integration/ansible", play)],
                               env=env, capture_output=True, text=True, timeout=300)
            print(r.stdout[-6000:])
            if r.returncode != 0:
                print(r.stderr[-3000:], file=sys.stderr)
                print("FAILED: %s (exit %d)" % (play, r.returncode))
                failed = True
        return 1 if failed else 0
    finally:
        subprocess.run([vpclab, "destroy", name], env=env, capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
