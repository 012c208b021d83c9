#!/usr/bin/python3
"""An independent client of vpcd's management API.

Debian's python3-grpcio and python3-protobuf only: the message classes are built at run time from
proto/vpc/v1/mgmt.proto (protoc --descriptor_set_out), none of our generated or C++ code is used. The
test starts a real pair of vpcd processes on loopback addresses of its own and checks real values: the
vPC state, MAC sync, a configuration change and its Type-1 consistency result, error codes, the JSON
twin of vpcctl, the standard gRPC health service and server reflection (raw bytes, decoded here).

  python_client_test.py --bin BUILD/bin --source SOURCE_DIR [unittest options]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

OPTS = None
SERVICE = "vpc.v1.Management"


def eventually(pred, limit=10.0, poll=0.05):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(poll)
    return pred()


def message_classes(proto_root, workdir):
    """{method name: (request class, reply class, server streaming)} from the .proto file."""
    desc = os.path.join(workdir, "mgmt.desc")
    subprocess.run(["/usr/bin/protoc", "--proto_path=" + proto_root, "--include_imports",
                    "--descriptor_set_out=" + desc, "vpc/v1/mgmt.proto"], check=True)
    with open(desc, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    factory = message_factory.MessageFactory(pool)
    make = getattr(message_factory, "GetMessageClass", None) or factory.GetPrototype
    service = pool.FindServiceByName(SERVICE)
    return {m.name: (make(m.input_type), make(m.output_type), m.server_streaming) for m in service.methods}


class Api:
    """Typed calls by method name, e.g. api.ShowVpc() or api.LearnMac(mac=..., vlan=10)."""

    def __init__(self, address, methods):
        self.channel = grpc.insecure_channel(address)
        self.methods = methods

    def __getattr__(self, name):
        request_cls, reply_cls, streaming = self.methods[name]
        path = "/%s/%s" % (SERVICE, name)
        if streaming:
            stub = self.channel.unary_stream(path, request_serializer=request_cls.SerializeToString,
                                             response_deserializer=reply_cls.FromString)
            return lambda **fields: list(stub(request_cls(**fields), timeout=10))
        stub = self.channel.unary_unary(path, request_serializer=request_cls.SerializeToString,
                                        response_deserializer=reply_cls.FromString)
        return lambda **fields: stub(request_cls(**fields), timeout=10)

    def raw(self, path, request):
        """A unary call with bytes in and bytes out (for services whose .proto we do not load)."""
        return self.channel.unary_unary(path)(request, timeout=10)


def fields(data):
    """Protobuf wire format -> [(field number, wire type, value)]; enough to read gRPC's own replies."""
    out, i = [], 0

    def varint():
        nonlocal i
        shift = value = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    while i < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            out.append((number, wire, varint()))
        elif wire == 2:
            n = varint()
            out.append((number, wire, data[i:i + n]))
            i += n
        elif wire == 1:
            out.append((number, wire, data[i:i + 8]))
            i += 8
        elif wire == 5:
            out.append((number, wire, data[i:i + 4]))
            i += 4
        else:
            raise ValueError("wire type %d" % wire)
    return out


def length_delimited(number, payload):
    assert len(payload) < 128
    return bytes([(number << 3) | 2, len(payload)]) + payload


class Pair:
    """leaf1 and leaf2 from labs/topologies/pair, on 127.A.B.1/.2 of this process."""

    def __init__(self, bin_dir, source_dir):
        pid = os.getpid()
        self.base = "127.%d.%d." % (10 + (pid // 250) % 80, 1 + pid % 250)
        self.dir = tempfile.mkdtemp(prefix="vpc-pytest-")
        self.procs = []
        self.logs = []
        for i in (1, 2):
            with open(os.path.join(source_dir, "labs/topologies/pair/leaf%d.cfg" % i)) as f:
                text = f.read().replace("127.0.1.1", self.base + "1").replace("127.0.1.2", self.base + "2")
            cfg = os.path.join(self.dir, "leaf%d.cfg" % i)
            with open(cfg, "w") as f:
                f.write(text)
            log = open(os.path.join(self.dir, "leaf%d.log" % i), "w")
            self.logs.append(log)
            self.procs.append(subprocess.Popen(
                [os.path.join(bin_dir, "vpcd"), "--config", cfg,
                 "--ready-file", os.path.join(self.dir, "leaf%d.ready" % i)], stdout=log, stderr=log))
        ready = lambda: all(os.path.exists(os.path.join(self.dir, "leaf%d.ready" % i)) for i in (1, 2))
        if not eventually(ready):
            self.stop()
            raise RuntimeError("vpcd did not start; logs in " + self.dir)

    def address(self, i):
        return self.base + str(i + 1) + ":9000"

    def stop(self):
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in self.logs:
            log.close()
        if not os.environ.get("VPC_KEEP_TEST_DIRS"):
            shutil.rmtree(self.dir, ignore_errors=True)


class ManagementApiFromPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="vpc-pyproto-")
        cls.methods = message_classes(os.path.join(OPTS.source, "proto"), cls.work)
        cls.pair = Pair(OPTS.bin, OPTS.source)
        cls.leaf1 = Api(cls.pair.address(0), cls.methods)
        cls.leaf2 = Api(cls.pair.address(1), cls.methods)
        adjacent = lambda: all(api.ShowVpc().peer_status == "peer adjacency formed ok"
                               for api in (cls.leaf1, cls.leaf2))
        if not eventually(adjacent):
            raise RuntimeError("the pair did not form its peer-link; logs in " + cls.pair.dir)

    @classmethod
    def tearDownClass(cls):
        for api in (cls.leaf1, cls.leaf2):
            api.channel.close()
        cls.pair.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_every_show_and_config_operation_is_a_typed_call(self):
        names = set(self.methods)
        for expected in ("ShowVpc", "ShowVpcRole", "ShowVpcPeerKeepalive", "ShowVpcConsistency",
                         "ShowVpcOrphanPorts", "ShowPortChannelSummary", "ShowMacAddressTable", "ShowIpArp",
                         "ShowRunningConfig", "ShowInterfaceStatus", "ShowVpcSync", "ShowPeerLinkMessages",
                         "Explain", "Events", "Configure", "RolePreempt", "LearnMac", "LearnArp",
                         "ClearMacAddressTable", "ClearIpArp", "GetInfo"):
            self.assertIn(expected, names)

    def test_show_vpc_and_role_carry_the_pair_state(self):
        v1 = self.leaf1.ShowVpc()
        self.assertEqual(v1.domain_id, 10)
        self.assertEqual(v1.role, "primary")
        self.assertEqual(v1.keepalive_status, "peer is alive")
        self.assertEqual(v1.peer_link.port, "Po1")
        self.assertEqual(v1.peer_link.status, "up")
        self.assertEqual([(v.id, v.port, v.status) for v in v1.vpcs], [(10, "Po10", "up"), (20, "Po20", "up")])
        self.assertEqual(self.leaf2.ShowVpc().role, "secondary")
        role = self.leaf2.ShowVpcRole()
        self.assertEqual(role.local_role_priority, 200)
        self.assertEqual(role.peer_role_priority, 100)
        self.assertEqual(role.peer_system_mac, "0c:00:00:00:00:01")
        self.assertEqual(role.system_mac, "00:23:04:ee:be:0a")
        self.assertEqual(self.leaf1.GetInfo().hostname, "leaf1")

    def test_a_mac_learned_on_one_switch_is_served_by_the_other(self):
        reply = self.leaf2.LearnMac(mac="0050.56cc.0001", count=5, vlan=10, interface="port-channel10")
        self.assertEqual(reply.changed, 5)
        synced = lambda: self.leaf1.ShowMacAddressTable(address="0050.56cc.0003").total == 1
        self.assertTrue(eventually(synced))
        entry = self.leaf1.ShowMacAddressTable(address="0050.56cc.0003").entries[0]
        self.assertEqual((entry.vlan, entry.port, entry.type), (10, "Po10", "dynamic"))

    def test_configure_makes_a_type1_mismatch_and_consistency_shows_both_values(self):
        self.leaf2.Configure(lines=["interface port-channel20", "mtu 9000"])
        try:
            down = lambda: [v.status for v in self.leaf2.ShowVpc().vpcs if v.id == 20] == ["down"]
            self.assertTrue(eventually(down))
            vpc20 = [v for v in self.leaf2.ShowVpc().vpcs if v.id == 20][0]
            self.assertEqual(vpc20.reason, "vPC type-1 configuration incompatible - MTU inconsistent")
            params = self.leaf2.ShowVpcConsistency(scope="vpc", vpc=20)
            mtu = [r for r in params.rows if r.name == "MTU"][0]
            self.assertEqual((mtu.type, mtu.local_value, mtu.peer_value), ("1", "9000", "1500"))
            why = self.leaf2.Explain(subject="vpc", vpc=20)
            self.assertIn("MTU", why.reason)
            self.assertTrue(why.rules)
            self.assertIn("interface port-channel20\n", self.leaf2.ShowRunningConfig().text)
            self.assertIn("  mtu 9000\n", self.leaf2.ShowRunningConfig().text)
        finally:
            self.leaf2.Configure(lines=["interface port-channel20", "no mtu"])
        up = lambda: [v.status for v in self.leaf2.ShowVpc().vpcs if v.id == 20] == ["up"]
        self.assertTrue(eventually(up))

    def test_bad_requests_get_grpc_codes_and_reasons(self):
        cases = [
            (lambda: self.leaf1.LearnMac(mac="0050.56cc.0001", vlan=5000, interface="port-channel10"),
             grpc.StatusCode.INVALID_ARGUMENT),
            (lambda: self.leaf1.Explain(subject="vpc", vpc=99), grpc.StatusCode.NOT_FOUND),
            (lambda: self.leaf1.Configure(lines=["interface port-channel10", "mtu 99999"]),
             grpc.StatusCode.INVALID_ARGUMENT),
        ]
        for call, code in cases:
            with self.assertRaises(grpc.RpcError) as caught:
                call()
            self.assertEqual(caught.exception.code(), code)
            self.assertTrue(caught.exception.details())
        self.assertEqual(self.leaf1.ShowVpc().vpcs[0].status, "up")  # nothing half-applied

    def test_the_events_stream_replays_history_with_reasons(self):
        events = self.leaf1.Events(last=50)
        self.assertTrue(events)
        role = [e for e in events if e.subject == "role" and e.to == "primary"]
        self.assertTrue(role)
        self.assertTrue(role[-1].reason_chain)
        self.assertEqual(role[-1].switch, "leaf1")

    def test_vpcctl_json_twin_carries_the_same_values(self):
        vpcctl = os.path.join(OPTS.bin, "vpcctl")
        out = subprocess.run([vpcctl, "-s", self.pair.address(1), "show", "vpc", "role", "--json"],
                             check=True, capture_output=True, text=True).stdout
        twin = json.loads(out)
        ours = json_format.MessageToDict(self.leaf2.ShowVpcRole(), preserving_proto_field_name=True,
                                         including_default_value_fields=True)
        self.assertEqual(twin, ours)

    def test_standard_health_service_reports_serving(self):
        # grpc.health.v1.Health/Check with an empty request -> HealthCheckResponse{status: SERVING (1)}
        reply = self.leaf1.raw("/grpc.health.v1.Health/Check", b"")
        self.assertEqual(fields(reply), [(1, 0, 1)])

    def test_server_reflection_lists_and_describes_the_service(self):
        path = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
        stream = self.leaf1.channel.stream_stream(path)
        # ServerReflectionRequest{list_services (7): ""}
        (reply,) = list(stream(iter([length_delimited(7, b"")]), timeout=10))
        listed = [f for f in fields(reply) if f[0] == 6]  # list_services_response
        self.assertEqual(len(listed), 1)
        names = {dict((n, v) for n, _, v in fields(svc))[1].decode()
                 for number, _, svc in fields(listed[0][2]) if number == 1}
        self.assertIn(SERVICE, names)
        self.assertIn("grpc.health.v1.Health", names)
        # ServerReflectionRequest{file_containing_symbol (4): "vpc.v1.Management"} -> the .proto itself
        (reply,) = list(stream(iter([length_delimited(4, SERVICE.encode())]), timeout=10))
        files = [f for f in fields(reply) if f[0] == 4]  # file_descriptor_response
        self.assertEqual(len(files), 1)
        protos = [descriptor_pb2.FileDescriptorProto.FromString(v)
                  for number, _, v in fields(files[0][2]) if number == 1]
        services = {s.name: [m.name for m in s.method] for p in protos for s in p.service}
        self.assertIn("ShowVpc", services["Management"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", required=True)
    OPTS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
