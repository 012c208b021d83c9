#!/usr/bin/python3
"""The switches' NX-OS session over SSH, driven by the clients engineers use: Netmiko (Debian's
python3-netmiko, device type cisco_nxos) and a plain SSH client (paramiko, as `ssh admin@leaf1`).

The test deploys the sample pair with vpclab (its switches have an admin and a student user), and
checks what a real switch would show: the prompt, `show vpc`, a configuration set that changes a vPC's
MTU on one switch and the Type-1 inconsistency the other then reports, a wrong password refused and
counted, and a network-operator refused configuration. The lab is destroyed whatever happens.

  ssh_clients_test.py --bin BUILD/bin --source SOURCE_DIR [unittest options]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import paramiko
from netmiko import ConnectHandler

OPTS = None
PASSWORD = "vpclab"  # labs/topologies/pair/leaf1.cfg and leaf2.cfg


def eventually(pred, limit=15.0, poll=0.1):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(poll)
    return pred()


class Lab:
    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="vpclab-ssh-")
        self.env = dict(os.environ, VPCLAB_HOME=self.home)
        self.name = "ssh-%d" % os.getpid()
        out = self.vpclab("deploy", os.path.join(OPTS.source, "labs/topologies/pair/pair.yml"),
                          "--name", self.name, "--json")
        state = json.loads(out)
        self.nodes = {n["name"]: n for n in state["nodes"]}

    def vpclab(self, *args):
        return subprocess.run([os.path.join(OPTS.bin, "vpclab"), *args], env=self.env, check=True,
                              capture_output=True, text=True, timeout=60).stdout

    def vpcctl(self, node, *args):
        return subprocess.run([os.path.join(OPTS.bin, "vpcctl"), "-s", self.name + "/" + node, *args],
                              env=self.env, capture_output=True, text=True, timeout=60).stdout

    def ssh(self, node):
        host, port = self.nodes[node]["ssh"].rsplit(":", 1)
        return host, int(port)

    def destroy(self):
        subprocess.run([os.path.join(OPTS.bin, "vpclab"), "destroy", self.name], env=self.env,
                       capture_output=True, timeout=60)
        shutil.rmtree(self.home, ignore_errors=True)


class SshClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = Lab()
        ok = eventually(lambda: "peer adjacency formed ok" in cls.lab.vpcctl("leaf1", "show", "vpc"))
        if not ok:
            cls.lab.destroy()
            raise AssertionError("the pair did not form")

    @classmethod
    def tearDownClass(cls):
        cls.lab.destroy()

    def netmiko(self, node, user="admin", password=PASSWORD):
        host, port = self.lab.ssh(node)
        return ConnectHandler(device_type="cisco_nxos", host=host, port=port, username=user,
                              password=password, timeout=20)

    def test_netmiko_reads_show_vpc_and_a_config_set_makes_the_peer_see_a_type1_mismatch(self):
        leaf1 = self.netmiko("leaf1")
        leaf2 = self.netmiko("leaf2")
        try:
            self.assertEqual(leaf1.find_prompt(), "leaf1#")
            vpc = leaf1.send_command("show vpc")
            self.assertIn("vPC domain id                     : 10", vpc)
            self.assertIn("peer adjacency formed ok", vpc)
            brief = leaf2.send_command("show vpc brief")
            self.assertIn("secondary", brief)
            self.assertRegex(leaf1.send_command("show interface brief | include ^Po10"),
                             r"Po10\s+1\s+eth\s+trunk\s+up\s+none.*lacp")
            self.assertIn("vPC number: 10", leaf1.send_command("show interface port-channel10"))
            self.assertEqual(leaf1.send_command("show vpc | include role").strip().split(":")[-1].strip(), "primary")
            # leaf2's vPC 10 gets another MTU: a Type-1 parameter, so the vPC's legs disagree.
            out = leaf2.send_config_set(["interface port-channel10", "mtu 1500"])
            self.assertIn("leaf2(config-if)#", out)
            self.assertNotIn("%", out)
            self.assertTrue(eventually(lambda: "failed" in leaf1.send_command("show vpc brief | include ^10 ")),
                            "leaf1 sees no Type-1 mismatch")
            self.assertIn("incompatible - MTU", leaf1.send_command("show vpc brief | begin ^10 "))
            params = leaf1.send_command("show vpc consistency-parameters vpc 10 | include MTU")
            self.assertRegex(params, r"MTU\s+1\s+9216\s+1500")
            # The log says it as a Nexus does (switch/core/syslog.h).
            log = leaf1.send_command("show logging last 10")
            self.assertRegex(log, r"\d{4} \w{3} [ \d]\d \d\d:\d\d:\d\d leaf1 %\$ VDC-1 %\$ "
                                  r"%VPC-3-INTF_CONSISTENCY_FAILED: In domain 10, VPC 10 configuration is not consistent")
            self.assertLessEqual(len(log.strip().splitlines()), 10)
            leaf2.send_config_set(["interface port-channel10", "mtu 9216"])
            self.assertTrue(eventually(lambda: "success" in leaf1.send_command("show vpc brief | include ^10 ")))
        finally:
            leaf1.disconnect()
            leaf2.disconnect()

    def test_ssh_admin_opens_the_prompt_and_a_wrong_password_is_refused_and_counted(self):
        host, port = self.lab.ssh("leaf1")
        before = json.loads(self.lab.vpcctl("leaf1", "show", "ssh", "server", "--json"))["ssh"]
        bad = paramiko.SSHClient()
        bad.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        with self.assertRaises(paramiko.AuthenticationException):
            bad.connect(host, port=port, username="admin", password="not-the-password",
                        look_for_keys=False, allow_agent=False, timeout=20)
        bad.close()
        after = json.loads(self.lab.vpcctl("leaf1", "show", "ssh", "server", "--json"))["ssh"]
        self.assertEqual(int(after.get("authentication_failures", 0)),
                         int(before.get("authentication_failures", 0)) + 1)

        c = paramiko.SSHClient()
        c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        c.connect(host, port=port, username="admin", password=PASSWORD, look_for_keys=False, allow_agent=False,
                  timeout=20)
        try:
            ch = c.invoke_shell()
            seen = b""
            end = time.monotonic() + 10
            while not seen.endswith(b"leaf1# ") and time.monotonic() < end:
                if ch.recv_ready():
                    seen += ch.recv(4096)
                else:
                    time.sleep(0.02)
            self.assertTrue(seen.endswith(b"leaf1# "), seen)
            # One-shot commands keep their exit status.
            _, out, err = c.exec_command("show vpc brief | count")
            self.assertGreater(int(out.read().decode().strip()), 5)
            self.assertEqual(out.channel.recv_exit_status(), 0)
            _, out, err = c.exec_command("show vpc frobnicate")
            self.assertIn("% Invalid command at '^' marker.", err.read().decode())
            self.assertEqual(out.channel.recv_exit_status(), 2)
        finally:
            c.close()

    def test_copy_run_start_keeps_a_change_across_a_restart(self):
        leaf2 = self.netmiko("leaf2")
        try:
            leaf2.send_config_set(["interface Ethernet1/5", "description kept across a reload"])
            out = leaf2.save_config()  # copy running-config startup-config
            self.assertIn("Copy complete", out)
            self.assertIn("description kept across a reload", leaf2.send_command("show startup-config"))
        finally:
            leaf2.disconnect()
        self.lab.vpclab("fault", self.lab.name, "restart", "leaf2")
        self.assertTrue(eventually(lambda: "kept across a reload" in self.lab.vpcctl(
            "leaf2", "show", "running-config", "interface", "ethernet1/5")))
        # The pair forms again before the next test.
        self.assertTrue(eventually(lambda: "peer adjacency formed ok" in self.lab.vpcctl("leaf1", "show", "vpc")))

    def test_a_network_operator_reads_but_may_not_configure(self):
        student = self.netmiko("leaf2", user="student", password="student")
        try:
            self.assertIn("vPC domain id", student.send_command("show vpc"))
            out = student.send_command("configure terminal", expect_string=r"#")
            self.assertIn("% Permission denied for the role", out)
            self.assertEqual(student.find_prompt(), "leaf2#")
        finally:
            student.disconnect()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", required=True)
    OPTS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
