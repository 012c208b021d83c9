#!/usr/bin/python3
"""`vpclab k8s` manifests, run as a cluster would run them, without a cluster (needs root).

The test writes the manifests of the sample pair with `vpclab k8s`, and runs each Pod they describe
the way a kubelet would: in a network namespace of its own (its pod address on a bridge, as pod
networks are), in a mount namespace with the ConfigMap at the pod's mountPath and an emptyDir, with
the container's command and env exactly as the manifest has them (POD_IP from the downward API).
Services become names in each pod's /etc/hosts (what cluster DNS would answer: a service name gives
the pods its selector picks). Nothing is taken from anywhere but the manifests.

Then, as a student and an instructor would:
  - the pair forms through the relay pod (leaf1 primary, vPC 10 up on both);
  - inside the relay pod (as `kubectl exec`), `vpcctl -s LAB/leaf2` reaches the switch by its service
    name and `vpclab fault LAB peer-link cut` cuts the peer-link: leaf2 suspends its vPCs; restored,
    the pair forms again;
  - leaf2 saves a change (copy running-config startup-config) and its container restarts in the same
    pod: it starts with what it saved;
  - leaf1's pod is deleted and comes back at another address (as a rescheduled pod does): leaf2 takes
    over, the relay finds leaf1 at its new address, and the pair forms again.
Everything it made (namespaces, links, files) is removed, also when it fails.

  k8s_pods_test.py --bin BUILD/bin --source SOURCE_DIR [unittest options]
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

import yaml

OPTS = None
SUBNET = "10.252.%d." % (os.getpid() % 200 + 20)  # pods' addresses; the bridge is .1
TAG = "%x" % (os.getpid() % 0xfff)


def run(*argv, check=True, timeout=30, env=None):
    return subprocess.run(list(argv), capture_output=True, text=True, check=check, timeout=timeout, env=env)


def eventually(pred, limit=30.0, poll=0.2):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if pred():
                return True
        except (subprocess.SubprocessError, ValueError, KeyError):
            pass
        time.sleep(poll)
    return pred()


class Cluster:
    """Pods of the manifests as network + mount namespaces on one bridge."""

    def __init__(self, docs, workdir):
        self.docs = docs
        self.work = workdir
        self.bridge = "k8sbr" + TAG
        self.undo = []  # commands that undo what was made, run in reverse
        self.procs = {}
        self.ips = {}
        self.next_host = 11
        self.made_dirs = []
        self.ns_of = {}
        cm = [d for d in docs if d["kind"] == "ConfigMap"]
        self.configmap = os.path.join(workdir, "configmap")
        os.makedirs(self.configmap)
        for name, text in cm[0]["data"].items():
            with open(os.path.join(self.configmap, name), "w") as f:
                f.write(text)
        self.pods = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Pod"}
        self.services = [d for d in docs if d["kind"] == "Service"]
        self.namespace = docs[0]["metadata"]["name"]
        for path in ("/etc/vpclab", "/var/lib/vpclab"):  # mount points of the pods' volumes
            if not os.path.isdir(path):
                os.makedirs(path)
                self.made_dirs.append(path)
        run("ip", "link", "add", self.bridge, "type", "bridge")
        self.undo.append(["ip", "link", "del", self.bridge])
        run("ip", "addr", "add", SUBNET + "1/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")

    def network(self, pod):
        """The pod's sandbox: a namespace, a veth on the bridge, a fresh address."""
        ns = "k8s%s-%s" % (TAG, pod)
        host_if, pod_if = "k8h%s%s" % (TAG, pod[-4:]), "k8p%s%s" % (TAG, pod[-4:])
        ip = SUBNET + str(self.next_host)
        self.next_host += 1
        if pod not in self.ns_of:
            run("ip", "netns", "add", ns)
            self.undo.append(["ip", "netns", "del", ns])
            os.makedirs("/etc/netns/" + ns, exist_ok=True)
            self.undo.append(["rm", "-rf", "/etc/netns/" + ns])
            run("ip", "link", "add", host_if, "type", "veth", "peer", "name", pod_if)
            self.undo.append(["ip", "link", "del", host_if])
            run("ip", "link", "set", host_if, "master", self.bridge, "up")
            run("ip", "link", "set", pod_if, "netns", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "link", "set", pod_if, "up")
            run("ip", "-n", ns, "route", "add", "default", "via", SUBNET + "1", "dev", pod_if, check=False)
        else:  # rescheduled: the same sandbox name, another address
            run("ip", "-n", ns, "addr", "flush", "dev", pod_if)
        run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", pod_if)
        run("ip", "-n", ns, "route", "replace", "default", "via", SUBNET + "1", "dev", pod_if)
        self.ns_of[pod] = ns
        self.ips[pod] = ip
        self.write_dns()
        return ns, ip

    def write_dns(self):
        """Cluster DNS as each pod's /etc/hosts: a service's name gives its selected pods' addresses."""
        lines = ["127.0.0.1 localhost"]
        for s in self.services:
            sel = s["spec"]["selector"]
            for pod, d in self.pods.items():
                labels = d["metadata"]["labels"]
                if all(labels.get(k) == v for k, v in sel.items()) and pod in self.ips:
                    name = "%s.%s.svc.cluster.local" % (s["metadata"]["name"], self.namespace)
                    lines.append("%s %s" % (self.ips[pod], name))
        text = "\n".join(lines) + "\n"
        for ns in self.ns_of.values():
            # In place: `ip netns exec` bind-mounted this file over /etc/hosts of the running pods.
            with open("/etc/netns/%s/hosts" % ns, "w") as f:
                f.write(text)

    def start(self, pod):
        ns, ip = self.network(pod)
        self.run_container(pod, ns, ip)
        return ip

    def run_container(self, pod, ns, ip):
        spec = self.pods[pod]["spec"]
        c = spec["containers"][0]
        env = {"PATH": OPTS.bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        for e in c.get("env", []):
            if "value" in e:
                env[e["name"]] = e["value"]
            elif e["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP":
                env[e["name"]] = ip
            else:
                raise ValueError("unexpected env source in the manifest: %r" % e)
        mounts = []
        volumes = {v["name"]: v for v in spec["volumes"]}
        for m in c["volumeMounts"]:
            v = volumes[m["name"]]
            if "configMap" in v:
                mounts.append("mount --bind %s %s" % (self.configmap, m["mountPath"]))
            elif "emptyDir" in v:  # lives as long as the pod, across restarts of its container
                d = os.path.join(self.work, "%s-%s" % (pod, m["name"]))
                os.makedirs(d, exist_ok=True)
                mounts.append("mount --bind %s %s" % (d, m["mountPath"]))
        script = " && ".join(mounts + ['exec "$@"'])
        with open(os.path.join(self.work, pod + ".log"), "a") as log:
            argv = ["ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
            argv += c["command"] + c.get("args", [])
            self.procs[pod] = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True)

    def stop(self, pod):
        p = self.procs.pop(pod, None)
        if p and p.poll() is None:
            os.killpg(p.pid, 9)
            p.wait(10)

    def delete(self, pod):
        """`kubectl delete pod --grace-period=0 --force`: the pod's processes die at once, its emptyDir goes."""
        self.stop(pod)
        self.ips.pop(pod, None)
        for name in os.listdir(self.work):
            if name.startswith(pod + "-") and os.path.isdir(os.path.join(self.work, name)):
                shutil.rmtree(os.path.join(self.work, name), ignore_errors=True)
        self.write_dns()

    def restart_container(self, pod):
        """The container dies and the kubelet starts it again: same pod, same address, same emptyDir."""
        self.stop(pod)
        self.run_container(pod, self.ns_of[pod], self.ips[pod])

    def exec(self, pod, *argv, check=True, timeout=30):
        """`kubectl exec POD -- ARGV`: in the pod's network and mount namespaces, with its env."""
        c = self.pods[pod]["spec"]["containers"][0]
        env = {"PATH": OPTS.bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        for e in c.get("env", []):
            if "value" in e:
                env[e["name"]] = e["value"]
        pid = self.procs[pod].pid
        return run("nsenter", "-t", str(pid), "-n", "-m", *argv, check=check, timeout=timeout, env=env)

    def close(self):
        for pod in list(self.procs):
            self.delete(pod)
        for cmd in reversed(self.undo):
            subprocess.run(cmd, capture_output=True)
        for d in self.made_dirs:
            shutil.rmtree(d, ignore_errors=True)


class K8sPods(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="vpclab-k8s-")
        cls.lab = "k8s-%d" % os.getpid()
        out = run(os.path.join(OPTS.bin, "vpclab"), "k8s", os.path.join(OPTS.source, "labs/topologies/pair/pair.yml"),
                  "--name", cls.lab).stdout
        with open(os.path.join(cls.work, "manifests.yaml"), "w") as f:
            f.write(out)
        cls.docs = [d for d in yaml.safe_load_all(out) if d]
        cls.cluster = None
        try:
            cls.cluster = Cluster(cls.docs, cls.work)
            for pod in ("relay", "leaf1", "leaf2"):
                cls.cluster.start(pod)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.cluster:
            cls.cluster.close()
        if os.environ.get("KEEP_K8S_TEST"):
            print("kept", cls.work, file=sys.stderr)
        else:
            shutil.rmtree(cls.work, ignore_errors=True)

    def logs(self):
        text = ""
        for pod in ("relay", "leaf1", "leaf2"):
            path = os.path.join(self.work, pod + ".log")
            if os.path.exists(path):
                with open(path) as f:
                    text += "--- %s\n%s" % (pod, f.read()[-3000:])
        return text

    def vpc(self, pod):
        """`show vpc` as JSON, from the machine, at the pod's current address."""
        out = run(os.path.join(OPTS.bin, "vpcctl"), "-s", self.cluster.ips[pod] + ":9000", "--timeout", "3",
                  "--json", "show", "vpc", check=False, timeout=10)
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def vpc_up(self, pod, vpc_id=10):
        for v in self.vpc(pod).get("vpcs", []):
            if int(v.get("id", 0)) == vpc_id:
                return v.get("status") == "up"
        return False

    def peer_ok(self, pod):
        return "ok" in self.vpc(pod).get("peer_status", "")

    def test_the_manifests_pods_form_a_pair_and_take_faults(self):
        c = self.cluster
        # The pair forms through the relay pod.
        self.assertTrue(eventually(lambda: self.peer_ok("leaf1") and self.peer_ok("leaf2"), 60), self.logs())
        self.assertEqual("primary", self.vpc("leaf1").get("role"), self.vpc("leaf1"))
        self.assertTrue(eventually(lambda: self.vpc_up("leaf1") and self.vpc_up("leaf2"), 60), self.vpc("leaf2"))

        # Inside the relay pod: the lab is recorded there, its switches reached by their service names.
        out = c.exec("relay", "vpcctl", "-s", self.lab + "/leaf2", "show", "vpc", "brief").stdout
        self.assertIn("vPC domain id", out)
        inspect = c.exec("relay", "vpclab", "inspect", self.lab).stdout
        self.assertIn("leaf2-wire", inspect)

        # A path fault from the relay pod: the secondary suspends its vPCs.
        c.exec("relay", "vpclab", "fault", self.lab, "cut", "peer-link")
        self.assertTrue(eventually(lambda: not self.vpc_up("leaf2"), 30), self.vpc("leaf2"))
        self.assertTrue(self.vpc_up("leaf1"), self.vpc("leaf1"))
        c.exec("relay", "vpclab", "fault", self.lab, "restore", "peer-link")
        self.assertTrue(eventually(lambda: self.peer_ok("leaf1") and self.peer_ok("leaf2"), 30), self.logs())

        # A container restart (`kubectl exec leaf2 -- kill 1`) keeps what the switch saved in its pod.
        c.exec("relay", "vpcctl", "-s", self.lab + "/leaf2", "configure", "vpc domain 10", "role priority 300")
        c.exec("relay", "vpcctl", "-s", self.lab + "/leaf2", "copy", "running-config", "startup-config")
        c.restart_container("leaf2")
        self.assertTrue(eventually(lambda: self.peer_ok("leaf1") and self.peer_ok("leaf2"), 60), self.logs())
        running = c.exec("relay", "vpcctl", "-s", self.lab + "/leaf2", "show", "running-config").stdout
        self.assertIn("role priority 300", running)
        with open(os.path.join(self.work, "leaf2.log")) as f:
            self.assertIn("starting from the config saved in this pod", f.read())

        # A switch fault is the pod's: refused from the relay pod with what to do instead.
        refused = c.exec("relay", "vpclab", "fault", self.lab, "kill", "leaf1", check=False)
        self.assertNotEqual(0, refused.returncode)
        self.assertIn("kubectl delete pod", refused.stderr)

        # leaf1's pod is deleted and rescheduled at another address.
        old = c.ips["leaf1"]
        c.delete("leaf1")
        self.assertTrue(eventually(lambda: "primary" in self.vpc("leaf2").get("role", ""), 30),
                        self.vpc("leaf2"))
        new = c.start("leaf1")
        self.assertNotEqual(old, new)
        self.assertTrue(eventually(lambda: self.peer_ok("leaf1") and self.peer_ok("leaf2"), 60), self.logs())
        events = c.exec("relay", "vpclab", "events", self.lab).stdout
        self.assertIn("moved from %s to %s" % (old, new), events)


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--source", required=True)
    OPTS, rest = ap.parse_known_args()
    OPTS.bin = os.path.abspath(OPTS.bin)
    if os.geteuid() != 0:
        print("k8s_pods_test: needs root (network namespaces)", file=sys.stderr)
        return 1
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
