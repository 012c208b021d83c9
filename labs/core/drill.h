// Drills: steps, expectations, faults and measurements, as a drill file writes them (the YAML file
// is read by the shell into these structs; the one-line texts are parsed here). Pure.
//
//   expectation   "leaf2: show vpc: vpcs[id=10].status == down within 2s"
//                 <node>: <show command>: <path> <op> <value> [within D | for D]
//                 op: == != < <= > >= contains !contains; no `within`: must hold now; `for D`: must hold
//                 all along D
//   fault         "cut peer-link" | "shut keepalive" | "restore peer-link" | "clear keepalive"
//                 "delay peer-link 20ms [jitter 5ms]" | "loss keepalive 30% [seed 7]"
//                 "flap peer-link down 2s up 3s [count 3] [shut]"
//                 "kill leaf1" | "stop leaf1" | "cont leaf1" | "restart leaf1" | "start leaf1"
//                 "link leaf1:Ethernet1/1 down" | "link leaf1:Eth1/1 up"   (a switch port's Linux link)
//   flow          "start web server1 backup [rate 1000]" | "stop web"   (a UDP flow between two hosts)
//   flow figure   "flow web: lost == 0", "flow web: longest_outage_ms < 400ms"   (after `flow: stop web`;
//                 a value with a unit is NX-OS time, scaled as `within` is)
//   bond          "bond server1: enabled == 1 within 1s"   (legs carrying traffic; `attached`: legs LACP attached)
//                 "bond server1: legs == leaf1 within 1s"  (which legs carry traffic, by switch: leaf1+leaf2,
//                 leaf1, leaf2 or none)
//   anchor        a step's name ("cut"), or an event: "<node> <subject> -> <state>" ("leaf2 vPC 10 -> down")
//   duration      "2s", "500ms", "1.5s", "2m"
//
// Durations in a drill are NX-OS time: the runner multiplies them by the drill's time scale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vpc::lab {

// A duration in ms; nullopt and a message when malformed.
std::optional<double> parseDuration(const std::string& text, std::string* error = nullptr);
std::string formatDuration(double ms);  // "2s", "150ms", "1.5s"

struct Expectation {
  std::string text;     // as written
  std::string node;
  std::string command;  // vpcctl words, e.g. "show vpc role"
  std::string path;     // "vpcs[id=10].status"
  std::string op;       // == != < <= > >= contains !contains
  std::string value;
  std::string flow;      // a flow's figures ("flow NAME: ..."): node and command are empty
  std::string bond;      // a host's bond as its Open vSwitch sees it ("bond HOST: enabled == 2 within 5s")
  double value_ms = -1;  // the value had a duration unit: compare with value_ms (scaled)
  double within_ms = 0;  // poll until it holds, at most this long (0: now)
  double for_ms = 0;     // it must keep holding this long
};
std::variant<Expectation, std::string> parseExpectation(const std::string& text);

// Compares an observed value's text with the expected one: numerically when both are numbers.
bool compare(const std::string& observed, const std::string& op, const std::string& expected);

struct Fault {
  enum class Kind { Cut, Shut, Restore, Clear, Delay, Loss, Flap, Kill, Stop, Cont, Restart, Start, Link };
  Kind kind = Kind::Cut;
  std::string target;  // a path ("peer-link", "keepalive") or a node name; Link: the node
  std::string port;    // Link: the interface's long name ("Ethernet1/1")
  bool up = false;     // Link: up or down
  double delay_ms = 0, jitter_ms = 0;
  double loss_percent = 0;
  std::uint64_t seed = 0;
  double down_ms = 0, up_ms = 0;
  std::uint32_t count = 0;
  bool shut = false;  // flap: close instead of cut
  bool onPath() const { return kind <= Kind::Flap; }
  bool onPort() const { return kind == Kind::Link; }
  std::string text() const;  // canonical text ("cut peer-link")
};
// `words` as typed ("cut peer-link" split on blanks).
std::variant<Fault, std::string> parseFault(const std::vector<std::string>& words);
std::vector<std::string> splitWords(const std::string& text);

struct FlowStep {
  bool stop = false;
  std::string name, from, to;
  std::uint32_t rate = 1000;  // datagrams a second
};
// `words` as typed ("start web server1 backup rate 1000", "stop web").
std::variant<FlowStep, std::string> parseFlowStep(const std::vector<std::string>& words);
// The figures a flow expectation may name (FlowReport's fields).
const std::vector<std::string>& flowFigures();
const std::vector<std::string>& bondFigures();  // enabled, attached, legs

struct Anchor {
  std::string step;  // a step name, or empty for an event
  std::string node, subject, state;
  std::string text;
};
std::variant<Anchor, std::string> parseAnchor(const std::string& text);

struct SourceLoc {
  std::string file;
  int line = 0, column = 0;
  std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }
};

struct Step {
  enum class Kind { Deploy, Expect, Fault, Run, Configure, Sleep, WaitConverged, Flow };
  Kind kind = Kind::Expect;
  SourceLoc at;
  std::string name;                 // for measurements; defaults to the step's text
  std::string text;                 // as written (for the timeline and the report)
  Expectation expect;               // Expect
  Fault fault;                      // Fault
  FlowStep flow;                    // Flow
  std::string node;                 // Run, Configure
  std::vector<std::string> nodes;   // Deploy (empty: all)
  std::string command;              // Run: vpcctl words ("learn mac ...", "vpc role preempt")
  std::vector<std::string> lines;   // Configure
  double ms = 0;                    // Sleep; WaitConverged: the deadline
  std::string ask;                  // `vpclab run --step`: the question asked before the step runs
};

struct MeasureSpec {
  SourceLoc at;
  std::string name;
  Anchor from, to;
  std::string after;      // a step name: events are looked for after it (default: the drill's start)
  double at_most_ms = 0;  // 0: report only
};

struct Drill {
  std::string file;
  std::string name;
  std::string title;
  std::string note;
  std::string topology;  // path as written (relative to the drill file)
  std::optional<double> time_scale;
  std::vector<Step> steps;
  std::vector<MeasureSpec> measures;
};

// Checks what a drill refers to: nodes and paths exist, step names are unique, anchors name steps.
// Returns the problems, each prefixed with its file:line:col.
std::vector<std::string> checkDrill(const Drill& d, const std::vector<std::string>& nodes,
                                    const std::vector<std::string>& paths, const std::vector<std::string>& hosts = {});

// A drill's output folder keeps every run in runs/<run>/: a named run (`--name alice`) for good, a
// time-stamped one ("20261130-101500-4242") among the newest `keep` of them. These are the runs to
// remove, oldest first.
std::vector<std::string> staleRuns(std::vector<std::string> runs, std::size_t keep);

}  // namespace vpc::lab
