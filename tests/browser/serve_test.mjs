// `vpclab serve` in a real browser: Debian's headless Chromium, driven by puppeteer-core (npm; no browser
// download). What a class and an instructor see, before and after a fault, and a drill stepped from
// the page. The lab, the server and the browser are gone at the end, also when a check fails.
//
//   node serve_test.mjs --bin BUILD/bin --source SOURCE_DIR [--screenshot FILE]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const bin = opt("--bin"), source = opt("--source"), screenshot = opt("--screenshot", "");
if (!bin || !source) { console.error("usage: serve_test.mjs --bin BUILD/bin --source SOURCE_DIR"); process.exit(2); }
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!fs.existsSync(chromium)) { console.error(`FAILED: no ${chromium} (scripts/install-deps installs Debian's chromium)`); process.exit(1); }

const home = fs.mkdtempSync(path.join(os.tmpdir(), "vpclab-serve-"));
const env = { ...process.env, VPCLAB_HOME: home };
const vpclab = path.join(bin, "vpclab");
const lab = "web" + process.pid;
const token = "class-token-" + process.pid;
let failures = 0;

function check(ok, what) {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures++;
}
function run(argv) {
  const r = spawnSync(vpclab, argv, { env, encoding: "utf8", timeout: 60000 });
  return { code: r.status, out: (r.stdout || "") + (r.stderr || "") };
}
// Waits for fn(page) to be true in the page; a check either way (a timeout is a failure, not a crash).
async function until(page, what, fn, arg, timeout = 20000) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 100 }, arg);
    check(true, what);
    return true;
  } catch (e) {
    check(false, what + " (" + e.message.split("\n")[0] + ")");
    return false;
  }
}
const text = (page, sel) => page.$eval(sel, (e) => e.textContent).catch(() => "");

let serve = null, browser = null;
try {
  const deployed = run(["deploy", path.join(source, "labs/topologies/pair/pair.yml"), "--name", lab]);
  check(deployed.code === 0, "vpclab deploy " + lab + (deployed.code === 0 ? "" : ": " + deployed.out));

  // A drill folder of one small drill with a question, for the instructor's step-by-step run.
  const drills = path.join(home, "drills");
  fs.mkdirSync(drills);
  fs.writeFileSync(path.join(drills, "predict.yml"),
    `drill: predict\ntitle: Predict the peer-link loss\ntopology: ${path.join(source, "labs/topologies/pair/pair.yml")}\n` +
    `time-scale: 0.05\nsteps:\n` +
    `  - expect: "leaf2: show vpc: vpcs[id=10].status == up within 30s"\n` +
    `  - name: cut\n    fault: cut peer-link\n    ask: "What will leaf2 do with vPC 10?"\n` +
    `  - expect: "leaf2: show vpc: vpcs[id=10].status == down within 4s"\n`);

  serve = spawn(vpclab, ["serve", lab, "--port", "0", "--token", token, "--drills", drills, "--out", path.join(home, "out")],
                { env, stdio: ["ignore", "pipe", "pipe"] });
  let served = "";
  serve.stdout.on("data", (d) => { served += d; });
  serve.stderr.on("data", (d) => { served += d; });
  const started = Date.now();
  while (!/at (http:\/\/\S+)/.test(served) && Date.now() - started < 10000) await new Promise((r) => setTimeout(r, 50));
  const url = (served.match(/at (http:\/\/\S+)/) || [])[1];
  check(!!url, "vpclab serve prints its address: " + served.split("\n")[0]);
  if (!url) throw new Error("no address");
  check(served.includes("?token=" + token), "and the instructor's address");

  browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });

  // A student's page: read-only.
  const viewer = await browser.newPage();
  await viewer.setViewport({ width: 1400, height: 1000 });
  await viewer.goto(url, { waitUntil: "domcontentloaded" });
  await until(viewer, "the page connects (live)", () => document.getElementById("conn").textContent === "live");
  await until(viewer, "a student sees leaf1 as primary",
    () => (document.querySelector('[data-node="leaf1"] .role') || {}).textContent === "primary");
  await until(viewer, "and both switches' peer adjacency formed",
    () => [...document.querySelectorAll(".card .peer")].filter((e) => e.textContent.includes("peer adjacency formed ok")).length === 2);
  await until(viewer, "and leaf2's vPC 10 up",
    () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: up");
  await until(viewer, "the live graph is drawn", () => !!document.querySelector("#graph svg"));
  await until(viewer, "the event feed has the formation, with reason chains",
    () => [...document.querySelectorAll("#feed li")].some((li) => li.textContent.includes("role") && li.querySelector(".chain")));
  check((await text(viewer, "#mode")) === "read-only", "the student's page says read-only");
  check(await viewer.$eval("#instructor", (e) => getComputedStyle(e).display === "none"), "and has no fault buttons");
  // A show command a click away.
  await viewer.select("#show-node", "leaf2");
  await viewer.click('[data-show="show vpc brief"]');
  await until(viewer, "show vpc brief on leaf2 is a click away",
    () => /vPC role\s+: secondary/.test(document.getElementById("show-out").textContent));
  // The server refuses a student's fault, and a configuration command typed as a show.
  const refused = await viewer.evaluate(() => fetch("/api/fault", { method: "POST", body: "cut peer-link" }).then((r) => r.status));
  check(refused === 403, "a fault without the instructor token is refused (403): " + refused);
  const notShow = await viewer.evaluate(() => fetch("/api/show?node=leaf1&cmd=" + encodeURIComponent("configure terminal")).then((r) => r.status));
  check(notShow === 400, "the page runs show commands only: " + notShow);

  // The instructor's page.
  const teacher = await browser.newPage();
  await teacher.setViewport({ width: 1400, height: 1100 });
  await teacher.goto(url + "?token=" + token, { waitUntil: "domcontentloaded" });
  await until(teacher, "the instructor's page has the fault buttons",
    () => !!document.querySelector('[data-fault="cut peer-link"]'));
  check((await text(teacher, "#mode")) === "instructor", "and says instructor");
  await teacher.click('[data-fault="cut peer-link"]');
  await until(teacher, "the fault is acknowledged", () => document.getElementById("fault-msg").textContent.includes("cut peer-link"));
  // Both pages follow: leaf2 suspends vPC 10 (the peer-link liveness timer, 3 s of NX-OS time).
  for (const [page, who] of [[viewer, "student"], [teacher, "instructor"]]) {
    await until(page, `the ${who} sees leaf2's vPC 10 go down`,
      () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: down");
    await until(page, `the ${who}'s feed says why`,
      () => [...document.querySelectorAll('#feed li[data-switch="leaf2"]')].some((li) =>
        li.textContent.includes("vPC 10") && li.textContent.includes("down") && li.querySelector(".chain")));
  }
  await until(viewer, "leaf1 stays primary", () => (document.querySelector('[data-node="leaf1"] .role') || {}).textContent === "primary");
  await until(viewer, "the graph draws the cut peer-link", () => document.querySelector("#graph svg").innerHTML.includes("8,6"));
  await until(viewer, "the timeline has grown with leaf2's lane",
    () => (document.querySelector("#timeline svg") || { textContent: "" }).textContent.includes("leaf2"));
  await teacher.click('[data-fault="restore peer-link"]');
  await until(viewer, "after restore peer-link the student sees the adjacency again",
    () => [...document.querySelectorAll(".card .peer")].filter((e) => e.textContent.includes("peer adjacency formed ok")).length === 2);

  // A drill stepped from the page: it runs in the lab's name, so the lab goes first.
  check(run(["destroy", lab]).code === 0, "vpclab destroy " + lab);
  await until(viewer, "the page says the lab is gone", () => document.getElementById("absent").textContent.includes("not deployed"));
  await teacher.select("#drills", "predict.yml");
  await teacher.click("#run-step");
  await until(teacher, "the drill starts from the page", () => document.getElementById("drill-out").textContent.includes("vpclab run"));
  for (const [page, who] of [[viewer, "student"], [teacher, "instructor"]])
    await until(page, `the ${who} sees the drill's question`,
      () => document.getElementById("step").style.display === "block" &&
            document.getElementById("step-question").textContent === "What will leaf2 do with vPC 10?", undefined, 40000);
  check(await viewer.$eval("#next", (e) => e.style.display === "none"), "only the instructor has Next");
  await until(viewer, "before Next, leaf2's vPC 10 is up",
    () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: up");
  await teacher.click("#next");
  await until(viewer, "after Next, the student sees leaf2's vPC 10 go down",
    () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: down");
  await until(teacher, "the drill reveals what happened and ends",
    () => { const t = document.getElementById("drill-out").textContent;
            return t.includes("What happened after 'cut peer-link'") && t.includes("leaf2 vPC 10: up -> down") &&
                   t.includes("(the drill run ended)"); }, undefined, 40000);
  check((await text(teacher, "#drill-out")).includes("PASS"), "and passes");

  // A drill stepped in a terminal (stdin open, nobody presses Enter): the page shows its question and
  // the page's Next runs the step.
  await until(viewer, "the page-started drill's lab is gone", () => document.getElementById("absent").textContent.includes("not deployed"));
  const terminal = spawn(vpclab, ["run", path.join(drills, "predict.yml"), "--step", "--name", lab, "--out", path.join(home, "out")],
                         { env, stdio: ["pipe", "pipe", "pipe"] });
  let said = "";
  terminal.stdout.on("data", (d) => { said += d; });
  const ended = new Promise((r) => terminal.on("exit", (code) => r(code)));
  await until(teacher, "a terminal's stepped drill shows its question on the page",
    () => document.getElementById("step").style.display === "block" &&
          document.getElementById("step-question").textContent === "What will leaf2 do with vPC 10?", undefined, 40000);
  await teacher.click("#next");
  await until(viewer, "the page's Next ran the terminal's step: leaf2's vPC 10 goes down",
    () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: down");
  const code = await Promise.race([ended, new Promise((r) => setTimeout(() => r("timeout"), 40000))]);
  terminal.stdin.end();
  check(code === 0 && said.includes("What happened after 'cut peer-link'"), "and the terminal's run reveals it and passes: " + code);

  // Hosts and their traffic: the lab deployed again under the name, now with hosts (namespaces, Open
  // vSwitch bonds): the page follows the new lab by itself.
  const hosts = run(["deploy", path.join(source, "labs/topologies/hosts/hosts.yml"), "--name", lab]);
  check(hosts.code === 0, "vpclab deploy hosts.yml " + lab + (hosts.code === 0 ? "" : ": " + hosts.out));
  await until(viewer, "the student sees server1's bond with both legs enabled",
    () => [...document.querySelectorAll('#bonds tr[data-host="server1"]')].filter((r) => r.textContent.includes("enabled")).length === 2,
    undefined, 60000);
  await until(teacher, "the instructor can start traffic between hosts of one VLAN",
    () => document.getElementById("traffic-controls").style.display === "block" && document.getElementById("flow-to").value === "backup");
  await teacher.$eval("#flow-seconds", (e) => { e.value = "3"; });
  await teacher.click("#flow-go");
  await until(viewer, "the student sees the flow running", () => !!document.querySelector('#flows tr[data-state="running"]'));
  await until(viewer, "and its report when it ends (about 3000 sent): nothing lost on a healthy pair",
    () => [...document.querySelectorAll('#flows tr[data-state="done"]')].some((r) => /sent (\d{4}), received \1, lost 0/.test(r.textContent)),
    undefined, 30000);
  if (screenshot) {
    await teacher.select("#show-node", "leaf2");
    await teacher.click('[data-show="show vpc brief"]');
    await until(teacher, "(screenshot) show vpc brief", () => document.getElementById("show-out").textContent.includes("vPC role"));
    await teacher.click('[data-fault="cut peer-link"]');
    await until(teacher, "(screenshot) leaf2 suspends its vPCs",
      () => (document.querySelector('[data-node="leaf2"] .vpc[data-id="10"]') || {}).textContent === "vPC 10: down");
    await until(teacher, "(screenshot) and server1's bond keeps one leg",
      () => [...document.querySelectorAll('#bonds tr[data-host="server1"]')].filter((r) => r.textContent.includes("enabled")).length === 1);
    await teacher.screenshot({ path: screenshot, fullPage: true });
    console.log("wrote " + screenshot);
  }
} catch (e) {
  check(false, "the test ran to its end: " + e.message);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (serve) { serve.kill("SIGTERM"); await new Promise((r) => setTimeout(r, 300)); serve.kill("SIGKILL"); }
  run(["destroy", "--all"]);
  fs.rmSync(home, { recursive: true, force: true });
}
console.log(failures ? `FAILED: ${failures} check(s)` : "all checks passed");
process.exit(failures ? 1 : 0);
