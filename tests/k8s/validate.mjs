// `vpclab k8s` manifests checked offline against the Kubernetes OpenAPI schemas (the kubernetes-models
// package: one validator per API kind, generated from Kubernetes' own OpenAPI document). kubectl's
// client-side dry run needs a server in this kubectl version; these schemas are what it would check.
//
//   node tests/k8s/validate.mjs --bin BUILD/bin --source SOURCE_DIR
//
// Every topology without hosts gets manifests; every object must validate, and the set must hold what a
// lab needs (a namespace, a pod per switch and a relay pod, services, a NetworkPolicy). To prove the
// validator bites, a broken copy of a pod (a port that is not a number) must be refused.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const vpclab = path.resolve(args.bin, "vpclab");

async function modelOf(doc) {
  const group = doc.apiVersion; // "v1" or "networking.k8s.io/v1"
  const mod = await import(`kubernetes-models/${group}/${doc.kind}`);
  return mod[doc.kind];
}

async function validate(doc, where) {
  const Model = await modelOf(doc);
  new Model(doc).validate(); // throws with the path of the first error
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok" : "FAIL"} - ${what}`);
  if (!ok) failures++;
}

const topologies = ["labs/topologies/pair/pair.yml", "labs/topologies/pair/pair-auto-recovery.yml",
                    "labs/topologies/two-hosts/two-hosts.yml"];
for (const t of topologies) {
  const file = path.resolve(args.source, t);
  if (!fs.existsSync(file)) continue;
  const text = execFileSync(vpclab, ["k8s", file, "--name", "class-07", "--image", "registry.example/vpclab:1"],
                            { encoding: "utf8" });
  const docs = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
  for (const doc of docs) {
    try {
      await validate(doc);
      check(true, `${t}: ${doc.kind} ${doc.metadata.name} validates`);
    } catch (e) {
      check(false, `${t}: ${doc.kind} ${doc.metadata?.name}: ${e.message}`);
    }
  }
  const kinds = (k) => docs.filter((d) => d.kind === k).map((d) => d.metadata.name).sort().join(",");
  check(kinds("Namespace") === "vpclab-class-07", `${t}: one namespace, vpclab-class-07 (${kinds("Namespace")})`);
  check(kinds("Pod") === "leaf1,leaf2,relay", `${t}: a pod per switch and the relay's (${kinds("Pod")})`);
  check(kinds("Service") === "leaf1,leaf1-wire,leaf2,leaf2-wire,relay", `${t}: services (${kinds("Service")})`);
  check(kinds("NetworkPolicy") === "class-07-isolated", `${t}: a NetworkPolicy (${kinds("NetworkPolicy")})`);
  check(docs.every((d) => d.kind === "Namespace" || d.metadata.namespace === "vpclab-class-07"),
        `${t}: every object in the lab's namespace`);
  check(docs.filter((d) => d.kind === "Pod").every((d) => d.spec.containers[0].image === "registry.example/vpclab:1"),
        `${t}: the pods run the image asked for`);

  // The validator refuses what is wrong.
  const broken = structuredClone(docs.find((d) => d.kind === "Pod"));
  broken.spec.containers[0].ports[0].containerPort = "nine thousand";
  let refused = false;
  try {
    await validate(broken);
  } catch (e) {
    refused = /containerPort/.test(e.message);
  }
  check(refused, `${t}: a pod with a port that is not a number is refused`);
}

// What cannot run on Kubernetes is refused with the reason.
try {
  execFileSync(vpclab, ["k8s", path.resolve(args.source, "labs/topologies/hosts/hosts.yml")], { stdio: "pipe" });
  check(false, "a topology with hosts is refused");
} catch (e) {
  check(/hosts/.test(String(e.stderr)), `a topology with hosts is refused: ${String(e.stderr).trim()}`);
}
try {
  execFileSync(vpclab, ["k8s", path.resolve(args.source, "labs/topologies/pair/pair.yml"), "--name", "Class_7"],
               { stdio: "pipe" });
  check(false, "a lab name Kubernetes cannot take is refused");
} catch (e) {
  check(/Kubernetes name/.test(String(e.stderr)), `a lab name Kubernetes cannot take is refused: ${String(e.stderr).trim()}`);
}

console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
