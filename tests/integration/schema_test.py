#!/usr/bin/python3
"""Every topology and drill in labs/ validates against labs/schema/*.schema.json (Debian's python3-yaml
and python3-jsonschema), and the schemas refuse what vpclab refuses."""
import glob
import os
import sys
import unittest

import jsonschema
import yaml

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


class Schemas(unittest.TestCase):
    def validator(self, name):
        schema = load(os.path.join(ROOT, "labs", "schema", name))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    def test_every_topology_validates(self):
        v = self.validator("topology.schema.json")
        files = glob.glob(os.path.join(ROOT, "labs", "topologies", "*", "*.yml"))
        self.assertTrue(files)
        for f in files:
            with self.subTest(f):
                v.validate(load(f))

    def test_every_drill_validates(self):
        v = self.validator("drill.schema.json")
        files = glob.glob(os.path.join(ROOT, "labs", "drills", "*.yml"))
        self.assertGreaterEqual(len(files), 15)
        for f in files:
            with self.subTest(f):
                v.validate(load(f))

    def test_the_schemas_refuse_what_vpclab_refuses(self):
        topo = self.validator("topology.schema.json")
        self.assertFalse(topo.is_valid({"name": "x", "nodez": {}}))
        self.assertFalse(topo.is_valid({"name": "x", "nodes": {"a": {"config": "a.cfg"}}}))
        self.assertFalse(topo.is_valid({"name": "Bad Name", "nodes": {"a": {"config": "a"}, "b": {"config": "b"}}}))
        drill = self.validator("drill.schema.json")
        base = {"drill": "d", "topology": "t.yml"}
        self.assertFalse(drill.is_valid(dict(base, steps=[{"sleep": "soon"}])))
        self.assertFalse(drill.is_valid(dict(base, steps=[{"fault": "melt peer-link"}])))
        self.assertFalse(drill.is_valid(dict(base, steps=[{"sleep": "1s", "fault": "cut peer-link"}])))
        self.assertTrue(drill.is_valid(dict(base, steps=[{"name": "x", "fault": "cut peer-link"}])))


if __name__ == "__main__":
    unittest.main(verbosity=2)
