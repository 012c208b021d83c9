#include "labs/lab/runner.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "labs/core/host_plan.h"
#include "labs/core/timeline.h"
#include "labs/core/value.h"
#include "labs/lab/events.h"
#include "labs/lab/lab.h"
#include "labs/lab/ovs_control.h"
#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "labs/lab/traffic.h"
#include "switch/mgmt/registry.h"
#include "switch/mgmt/text.h"

namespace vpc::lab {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

std::atomic<bool> g_interrupted{false};

constexpr std::size_t kKeptRuns = 20;  // time-stamped runs kept per drill (named runs: all)

// A report's expectations: held (skipped ones not counted), skipped, and checked (all but skipped).
struct Tally {
  std::size_t held = 0, skipped = 0, checked = 0;
};
Tally tally(const v1::DrillReport& r) {
  Tally t;
  for (const auto& e : r.expectations()) {
    if (e.skipped()) {
      ++t.skipped;
      continue;
    }
    ++t.checked;
    t.held += e.passed();
  }
  return t;
}

std::int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A reply as a Value tree, every field present (defaults included), proto field names.
Value scalarValue(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL: return Value::boolean(rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f));
    case FieldDescriptor::CPPTYPE_INT32:
      return Value::number(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return Value::number(static_cast<double>(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f)));
    case FieldDescriptor::CPPTYPE_UINT32:
      return Value::number(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return Value::number(static_cast<double>(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f)));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Value::number(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT: return Value::number(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_STRING:
      return Value::string(rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f));
    case FieldDescriptor::CPPTYPE_ENUM:
      return Value::string(rep ? r->GetRepeatedEnum(m, f, index)->name() : r->GetEnum(m, f)->name());
    default: return Value::null();
  }
}

Value toValue(const Message& m) {
  Value v;
  v.kind = Value::Kind::Object;
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    Value fv;
    if (f->is_repeated()) {
      fv.kind = Value::Kind::List;
      for (int k = 0; k < r->FieldSize(m, f); ++k)
        fv.list.push_back(f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? toValue(r->GetRepeatedMessage(m, f, k))
                                                                            : scalarValue(m, f, k));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      fv = toValue(r->GetMessage(m, f));
    } else {
      fv = scalarValue(m, f, 0);
    }
    v.object.emplace_back(f->name(), std::move(fv));
  }
  return v;
}

// A path that cannot exist in the reply's message type ("vpc[id=10]" for ShowVpcReply's `vpcs`): its
// words, naming the fields there are. Checked against the schema, so a typo fails at once instead of
// waiting out the expectation's `within` (a missing row may still appear; a missing field never will).
std::optional<std::string> schemaError(const google::protobuf::Descriptor* d, const std::vector<PathSegment>& path) {
  auto fieldsOf = [](const google::protobuf::Descriptor* m) {
    std::string names;
    for (int i = 0; i < m->field_count(); ++i) names += (i ? ", " : "") + m->field(i)->name();
    return names;
  };
  const FieldDescriptor* f = nullptr;  // the field the last segment named
  bool in_list = false;                // at a repeated field, before a selector
  for (const auto& seg : path) {
    if (seg.length) return std::nullopt;
    if (!seg.field.empty()) {
      if (!d) return "'" + seg.field + "' follows a value that has no fields";
      f = d->FindFieldByName(seg.field);
      if (!f) return "no field '" + seg.field + "' in " + d->name() + " (it has: " + fieldsOf(d) + ")";
      in_list = f->is_repeated();
      d = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? f->message_type() : nullptr;
    }
    if (seg.index || !seg.key.empty()) {
      if (!f || !in_list) return std::string("a selector [...] follows a field that is not a list");
      if (!seg.key.empty() && (!d || !d->FindFieldByName(seg.key)))
        return "no field '" + seg.key + "' in the elements of '" + f->name() + "'" +
               (d ? " (they have: " + fieldsOf(d) + ")" : std::string());
      in_list = false;
    }
  }
  return std::nullopt;
}

const char* kindName(Step::Kind k) {
  switch (k) {
    case Step::Kind::Deploy: return "deploy";
    case Step::Kind::Expect: return "expect";
    case Step::Kind::Fault: return "fault";
    case Step::Kind::Run: return "run";
    case Step::Kind::Configure: return "configure";
    case Step::Kind::Sleep: return "sleep";
    case Step::Kind::WaitConverged: return "wait";
    case Step::Kind::Flow: return "flow";
  }
  return "step";
}

// A line that rewrites itself on a terminal and prints one line per step otherwise.
class Progress {
 public:
  Progress(bool quiet, std::size_t total) : tty_(isatty(STDERR_FILENO) != 0), quiet_(quiet), total_(total) {}
  void step(std::size_t i, double t_ms, const std::string& text) {
    if (quiet_) return;
    const std::string line = fmt::format("[{}/{} +{:.1f}s] {}", i, total_, t_ms / 1000.0, text);
    if (tty_) std::cerr << "\r\033[K" << line.substr(0, 150) << std::flush;
    else std::cerr << line << "\n";
  }
  void done() {
    if (tty_ && !quiet_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool tty_, quiet_;
  std::size_t total_;
};

class Run {
 public:
  Run(const LoadedDrill& d, const RunOptions& o) : d_(d.drill), topo_(d.topology), o_(o) {
    scale_ = o.time_scale > 0 ? o.time_scale : d.drill.time_scale.value_or(d.topology.time_scale.value_or(1.0));
  }

  v1::DrillReport run(std::string* text) {
    report_.set_drill(d_.name);
    report_.set_file(d_.file);
    report_.set_title(d_.title);
    report_.set_note(d_.note);
    report_.set_time_scale(scale_);
    report_.set_run(runId());
    t0_ = nowUs();
    const bool deploys_itself =
        std::any_of(d_.steps.begin(), d_.steps.end(), [](const Step& s) { return s.kind == Step::Kind::Deploy; });
    DeployOptions dopt;
    // A named run gets a lab of its own name, so two students can run the same drill at once.
    dopt.name = o_.name.empty() ? "drill-" + d_.name : (o_.several ? o_.name + "-" + d_.name : o_.name);
    dopt.time_scale = scale_;
    dopt.start_switches = false;
    collector_ = std::make_unique<EventCollector>([this](const v1::Event& e) { onEvent(e); });
    auto lab = deploy(topo_, dopt);
    if (!lab) {
      report_.set_error(lab.error().message);
      return finish(text);
    }
    lab_ = *lab;
    deployed_ = true;
    collector_->followPaths(lab_);
    watchBonds();
    if (!deploys_itself) {
      mark("deploy", "deploy all");
      std::vector<std::string> all;
      for (const auto& n : topo_.nodes) all.push_back(n.name);
      if (!startAndFollow(all)) return finish(text);
    }
    Progress progress(o_.quiet, d_.steps.size());
    for (std::size_t i = 0; i < d_.steps.size() && !g_interrupted; ++i) {
      const auto& s = d_.steps[i];
      if (o_.step && (s.kind == Step::Kind::Fault || !s.ask.empty())) pauseBefore(i, s);
      progress.step(i + 1, static_cast<double>(nowUs() - t0_) / 1000.0, s.text);
      if (!step(s)) break;
      if (asked_ && asked_step_ == i) asked_->set_at_ms(static_cast<double>(nowUs() - t0_) / 1000.0);
    }
    progress.done();
    if (o_.step) reveal();
    if (g_interrupted) report_.set_error("interrupted");
    // Let the last reactions arrive before the streams close.
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(std::max(100.0, 200 * scale_))));
    return finish(text);
  }

 private:
  bool startAndFollow(const std::vector<std::string>& nodes) {
    if (auto st = startNodes(lab_, nodes, 10s); !st) {
      report_.set_error("deploy: " + st.error().message);
      return false;
    }
    for (const auto& n : nodes) collector_->followNode(*findNode(lab_, n));
    return true;
  }

  void onEvent(const v1::Event& e) {
    TimelineEvent t = timelineEvent(e);
    std::lock_guard lock(mu_);
    auto& seen = seen_seq_[e.switch_()];
    seen = std::max<std::uint64_t>(seen, e.seq());
    events_.push_back(std::move(t));
    ndjson_.push_back(e);
  }

  void mark(const std::string& kind, const std::string& text, const std::string& name = "") {
    const auto us = nowUs();
    std::lock_guard lock(mu_);
    events_.push_back({us, "drill", "step", kind, text, name.empty() ? "" : "step '" + name + "'"});
    v1::Event e;
    e.set_unix_us(us);
    e.set_switch_("drill");
    e.set_subject("step");
    e.set_from(kind);
    e.set_to(text);
    ndjson_.push_back(e);
    if (!name.empty()) step_times_[name] = us;
  }

  bool fail(const Step& s, const std::string& why) {
    report_.set_error(s.at.str() + ": " + s.text + ": " + why);
    return false;
  }

  v1::Management::Stub& stub(const std::string& node) {
    auto& p = stubs_[node];
    if (!p) p = management(*findNode(lab_, node));
    return *p;
  }

  bool step(const Step& s) {
    mark(kindName(s.kind), s.text, s.name);
    switch (s.kind) {
      case Step::Kind::Deploy: {
        std::vector<std::string> nodes = s.nodes;
        if (nodes.empty())
          for (const auto& n : topo_.nodes) nodes.push_back(n.name);
        return startAndFollow(nodes);
      }
      case Step::Kind::Fault: {
        if (auto st = applyFault(lab_, s.fault, scale_, "drill step: " + s.text); !st) return fail(s, st.error().message);
        if (s.fault.kind == Fault::Kind::Restart || s.fault.kind == Fault::Kind::Start) {
          stubs_.erase(s.fault.target);
          collector_->followNode(*findNode(lab_, s.fault.target));
        }
        return true;
      }
      case Step::Kind::Expect: return expect(s);
      case Step::Kind::Run: {
        const auto m = std::get<grammar::Match>(mgmt::execGrammar().match(s.command));
        const auto r = mgmt::call(stub(s.node), m, 30s);
        if (!r.status.ok()) return fail(s, r.status.error_message());
        // A show is kept in the report, as the switch printed it: what a class looks at after a step.
        if (const auto* v = mgmt::registry().find(m.command); v && v->kind() == mgmt::Verb::Kind::Show && r.reply) {
          auto* c = report_.add_captures();
          c->set_node(s.node);
          c->set_command(s.command);
          c->set_at_ms(static_cast<double>(nowUs() - t0_) / 1000.0);
          c->set_text(mgmt::render(m, *r.reply));
        }
        return true;
      }
      case Step::Kind::Configure: {
        v1::ConfigureRequest req;
        for (const auto& l : s.lines) req.add_lines(l);
        v1::ConfigureReply reply;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + 10s);
        const auto st = stub(s.node).Configure(&ctx, req, &reply);
        if (!st.ok()) return fail(s, st.error_message());
        return true;
      }
      case Step::Kind::Sleep: sleepScaled(s.ms); return true;
      case Step::Kind::WaitConverged: return waitConverged(s);
      case Step::Kind::Flow: {
        if (s.flow.stop) {
          if (auto st = stopFlow(s.flow.name); !st) return fail(s, st.error().message);
          return true;
        }
        auto f = Flow::start(lab_, s.flow.name, s.flow.from, s.flow.to, s.flow.rate, 0);
        if (!f) return fail(s, f.error().message);
        flows_[s.flow.name] = std::move(*f);
        std::lock_guard lock(mu_);
        events_.push_back({nowUs(), "flow " + s.flow.name, "flow", "", "flowing",
                           fmt::format("{} -> {}, {} datagrams/s", s.flow.from, s.flow.to, s.flow.rate)});
        return true;
      }
    }
    return true;
  }

  // Stops a flow, keeps its report and puts its outages on its lane.
  Status stopFlow(const std::string& name) {
    auto it = flows_.find(name);
    if (it == flows_.end()) return notFound("no running flow '" + name + "'");
    auto r = it->second->stop();
    flows_.erase(it);
    if (!r) return r.error();
    *report_.add_flows() = *r;
    flow_reports_[name] = *r;
    const std::string lane = "flow " + name;
    const auto at = [&](double ms) { return r->start_unix_us() + static_cast<std::int64_t>(ms * 1000); };
    std::lock_guard lock(mu_);
    for (const auto& o : r->outages()) {
      events_.push_back({at(o.from_ms()), lane, "flow", "flowing", "lost",
                         fmt::format("{} datagrams lost over {:.1f} ms", o.lost(), o.ms())});
      events_.push_back({at(o.from_ms() + o.ms()), lane, "flow", "lost", "flowing", ""});
    }
    events_.push_back({at(r->duration_s() * 1000), lane, "flow", "flowing", "stopped",
                       fmt::format("sent {}, received {}, lost {}, longest outage {:.1f} ms", r->sent(), r->received(),
                                   r->lost(), r->longest_outage_ms())});
    return Status::ok();
  }

  // A flow expectation: its figure against the value (a duration is NX-OS time: scaled, with the slack
  // on the side that makes the bound looser).
  std::pair<bool, std::string> checkFlow(const Expectation& e) {
    const auto it = flow_reports_.find(e.flow);
    if (it == flow_reports_.end()) return {false, "(flow '" + e.flow + "' has no report)"};
    const auto path = std::get<std::vector<PathSegment>>(parsePath(e.path));
    if (auto bad = schemaError(it->second.GetDescriptor(), path)) return {false, "(path error: " + *bad + ")"};
    std::string why;
    const auto v = follow(toValue(it->second), path, &why);
    if (!v) return {false, "(" + why + ")"};
    std::string expected = e.value;
    if (e.value_ms >= 0) {
      double bound = e.value_ms * scale_;
      if (e.op == "<" || e.op == "<=") bound += kSlackMs;
      if (e.op == ">" || e.op == ">=") bound = std::max(0.0, bound - kSlackMs);
      expected = fmt::format("{}", bound);
    }
    return {compare(v->text(), e.op, expected), v->text()};
  }

  void sleepScaled(double nxos_ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(nxos_ms * scale_ * 1000));
    while (std::chrono::steady_clock::now() < end && !g_interrupted) std::this_thread::sleep_for(2ms);
  }

  // Fetches the expectation's value now: {holds, observed text}.
  // A bond expectation: legs its Open vSwitch enables (bond/show) or has LACP-attached (lacp/show),
  // counted, or the enabled ones named by their switch (`legs`).
  std::pair<bool, std::string> checkBond(const Expectation& e) {
    for (int i = 0; i < lab_.hosts_size(); ++i) {
      const auto& host = lab_.hosts(i);
      if (host.name() != e.bond) continue;
      if (!host.bonded()) return {false, "(" + e.bond + " has no bond)"};
      const std::string bond = bondOf(lab_.slot(), static_cast<std::size_t>(i));
      const bool attached = e.path == "attached";
      std::string out;
      if (runCommand({"/usr/bin/ovs-appctl", "-t", ovsControlOf(lab_.dir()), attached ? "lacp/show" : "bond/show",
                      bond},
                     &out) != 0)
        return {false, "(Open vSwitch does not answer)"};
      if (e.path == "legs") {
        const std::vector<std::string> links(host.links().begin(), host.links().end());
        const auto seen = enabledLegs(lab_.slot(), static_cast<std::size_t>(i), links, parseBondLegs(out, ""));
        return {compare(seen, e.op, e.value), seen};
      }
      const std::string needle = attached ? ": current attached" : ": enabled";
      std::size_t n = 0;
      for (auto at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) ++n;
      return {compare(std::to_string(n), e.op, e.value), std::to_string(n)};
    }
    return {false, "(no host '" + e.bond + "')"};
  }

  std::pair<bool, std::string> check(const Expectation& e) {
    if (!e.bond.empty()) return checkBond(e);
    if (!e.flow.empty()) return checkFlow(e);
    const auto m = mgmt::execGrammar().match(e.command);
    const auto r = mgmt::call(stub(e.node), std::get<grammar::Match>(m), 2s);
    if (!r.status.ok()) return {false, "(no answer: " + r.status.error_message() + ")"};
    const auto path = std::get<std::vector<PathSegment>>(parsePath(e.path));
    if (auto bad = schemaError(r.reply->GetDescriptor(), path)) return {false, "(path error: " + *bad + ")"};
    std::string why;
    const auto v = follow(toValue(*r.reply), path, &why);
    if (!v) return {false, "(" + why + ")"};
    const std::string observed = v->text();
    return {compare(observed, e.op, e.value), observed};
  }

  bool expect(const Step& s) {
    const auto& e = s.expect;
    auto* res = report_.add_expectations();
    res->set_text(e.text);
    if (!e.bond.empty() && std::none_of(lab_.hosts().begin(), lab_.hosts().end(),
                                        [&](const auto& h) { return h.name() == e.bond; })) {
      // The drill runs on a topology given with --topology that has no such host: said, not checked.
      res->set_skipped(true);
      res->set_passed(true);
      res->set_at_ms(static_cast<double>(nowUs() - t0_) / 1000.0);
      res->set_detail("skipped: the topology has no host " + e.bond);
      return true;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto deadline =
        start + std::chrono::microseconds(static_cast<std::int64_t>((e.within_ms > 0 ? e.within_ms * scale_ + kSlackMs : 0) * 1000));
    auto [ok, observed] = check(e);
    // A path the reply can never have is an error now, not after the whole `within`.
    const bool hopeless = observed.rfind("(path error: ", 0) == 0;
    if (hopeless) res->set_detail(observed.substr(1, observed.size() - 2));
    while (!ok && !hopeless && std::chrono::steady_clock::now() < deadline && !g_interrupted) {
      std::this_thread::sleep_for(10ms);
      std::tie(ok, observed) = check(e);
    }
    std::int64_t at = nowUs();
    if (ok && e.for_ms > 0) {  // it must keep holding
      const auto hold_end =
          std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(e.for_ms * scale_ * 1000));
      while (ok && std::chrono::steady_clock::now() < hold_end && !g_interrupted) {
        std::this_thread::sleep_for(10ms);
        std::tie(ok, observed) = check(e);
      }
      if (!ok) {
        at = nowUs();
        res->set_detail("stopped holding after " +
                        fmt::format("{:.1f} ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()));
      }
    }
    res->set_passed(ok);
    res->set_at_ms(static_cast<double>(at - t0_) / 1000.0);
    res->set_observed(observed);
    if (!ok && res->detail().empty())
      res->set_detail(e.within_ms > 0 ? fmt::format("did not hold within {} (x{} + {} ms slack)", formatDuration(e.within_ms), scale_, kSlackMs)
                                      : "did not hold");
    {
      std::lock_guard lock(mu_);
      marks_.push_back({at, e.text, ok});
    }
    return true;  // a failed expectation is reported; the drill goes on
  }

  bool waitConverged(const Step& s) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<std::int64_t>((s.ms * scale_ + kSlackMs) * 1000));
    auto* res = report_.add_expectations();
    res->set_text(s.text);
    std::string observed;
    bool ok = false;
    while (!ok && !g_interrupted) {
      std::vector<v1::ShowVpcSyncReply> views;
      for (const auto& n : topo_.nodes) {
        v1::ShowVpcSyncReply r;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + 2s);
        if (stub(n.name).ShowVpcSync(&ctx, {}, &r).ok()) views.push_back(r);
      }
      auto settled = [](const v1::ShowVpcSyncReply& v) {
        return v.session_state() == "established" && v.tx().pending_records() == 0 && v.tx().queued_records() == 0;
      };
      ok = views.size() == 2 && settled(views[0]) && settled(views[1]) &&
           views[0].logical_mac_digest() == views[1].logical_mac_digest() &&
           views[0].logical_macs() == views[1].logical_macs() &&
           views[0].logical_arp_digest() == views[1].logical_arp_digest() &&
           views[0].logical_arps() == views[1].logical_arps();
      if (views.size() == 2)
        observed = fmt::format("{} / {}, {} / {} MACs, {} / {} ARPs", views[0].session_state(), views[1].session_state(),
                               views[0].logical_macs(), views[1].logical_macs(), views[0].logical_arps(),
                               views[1].logical_arps());
      if (ok || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(10ms);
    }
    const auto at = nowUs();
    res->set_passed(ok);
    res->set_at_ms(static_cast<double>(at - t0_) / 1000.0);
    res->set_observed(observed);
    if (!ok) res->set_detail("the switches did not converge in time");
    std::lock_guard lock(mu_);
    marks_.push_back({at, s.text, ok});
    return true;
  }

  std::optional<std::int64_t> anchorTime(const Anchor& a, std::int64_t after) {
    if (!a.step.empty()) {
      auto it = step_times_.find(a.step);
      if (it == step_times_.end()) return std::nullopt;
      return it->second;
    }
    for (const auto& e : sortedEvents())
      if (e.us >= after && e.lane == a.node && e.subject == a.subject && !e.reason_change &&
          e.to.rfind(a.state, 0) == 0)
        return e.us;
    return std::nullopt;
  }

  // `--step`: what the switches did since the last paused step (its answer), then the next question,
  // and wait for Enter (a line on stdin; at its end the run goes on by itself).
  void pauseBefore(std::size_t i, const Step& s) {
    reveal();
    std::cout << fmt::format("\n--- Step {}/{}: {}\n", i + 1, d_.steps.size(), s.text);
    if (!s.ask.empty()) std::cout << "Question: " << s.ask << "\n";
    std::cout << (o_.step_from_page ? "Predict what the switches will do; the live page's Next runs it. "
                                    : "Predict what the switches will do, then press Enter to run it. ")
              << std::flush;
    waitForNext(i, s);
    asked_ = report_.add_predictions();
    asked_->set_step(s.text);
    asked_->set_question(s.ask);
    asked_step_ = i;
    asked_us_ = nowUs();
  }

  // The pause itself: until a line on stdin (Enter) or the live page's Next (`vpclab serve` creates
  // LABDIR/step.next). The pause is announced in LABDIR/step.json for the page. At the end of stdin the
  // run goes on by itself, unless it waits for the page only (--step-from-page; at most an hour).
  void waitForNext(std::size_t i, const Step& s) {
    const fs::path dir = lab_.dir();
    {
      v1::StepPause pause;
      pause.set_step(static_cast<std::uint32_t>(i + 1));
      pause.set_of(static_cast<std::uint32_t>(d_.steps.size()));
      pause.set_text(s.text);
      pause.set_question(s.ask);
      pause.set_drill(d_.name);
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(pause, &json);
      std::ofstream(dir / "step.json.tmp") << json << "\n";
      std::error_code ec;
      fs::rename(dir / "step.json.tmp", dir / "step.json", ec);
    }
    bool stdin_open = !o_.step_from_page;
    const auto give_up = std::chrono::steady_clock::now() + 1h;
    while (!g_interrupted && std::chrono::steady_clock::now() < give_up) {
      std::error_code ec;
      if (fs::remove(dir / "step.next", ec)) break;  // the page's Next
      if (stdin_open) {
        pollfd p{0, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
          std::string line;
          if (!std::getline(std::cin, line)) std::cout << "\n";
          break;  // Enter, or the end of stdin
        }
      } else {
        std::this_thread::sleep_for(100ms);
      }
    }
    std::error_code ec;
    fs::remove(dir / "step.json", ec);
    fs::remove(dir / "step.next", ec);
  }

  // Until the event streams have brought every event each running switch has recorded so far (its
  // journal's last sequence number), at most a few seconds: what is revealed is complete.
  void catchUp() {
    for (const auto& n : topo_.nodes) {
      v1::EventsRequest req;
      req.set_last(1);
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + 2s);
      auto reader = stub(n.name).Events(&ctx, req);
      v1::Event last;
      std::uint64_t target = 0;
      while (reader->Read(&last)) target = last.seq();
      if (!reader->Finish().ok() || target == 0) continue;  // not running: nothing to wait for
      const auto give_up = std::chrono::steady_clock::now() + 3s;
      while (std::chrono::steady_clock::now() < give_up) {
        {
          std::lock_guard lock(mu_);
          if (seen_seq_[n.name] >= target) break;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
  }

  // The answer: every state change of a switch after the paused step, as the timeline words it.
  void reveal() {
    if (!asked_) return;
    // Let the reactions that are on their way happen (a scaled moment), then have all of them.
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(std::max(100.0, 200 * scale_))));
    catchUp();
    for (const auto& e : sortedEvents()) {
      if (e.us < asked_us_ || e.lane == "drill" || e.subject == "path") continue;
      // Offsets in NX-OS time (real / scale), as every duration a class reads.
      asked_->add_happened(fmt::format("+{:.0f} ms {} {}: {} -> {}{}", static_cast<double>(e.us - asked_us_) / 1000.0 / scale_,
                                       e.lane, e.subject, e.from.empty() ? "-" : e.from, e.to,
                                       e.reason.empty() ? "" : "  <- " + e.reason));
    }
    std::cout << "What happened after '" << asked_->step() << "' (" << asked_->happened_size()
              << " changes; NX-OS time from the step):\n";
    for (int k = 0; k < asked_->happened_size(); ++k) {
      if (k == 40) {
        std::cout << "  ... " << asked_->happened_size() - 40 << " more in the timeline\n";
        break;
      }
      std::cout << "  " << asked_->happened(k) << "\n";
    }
    std::cout << std::flush;
    asked_ = nullptr;
  }

  std::vector<TimelineEvent> sortedEvents() {
    std::lock_guard lock(mu_);
    auto ev = events_;
    std::stable_sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.us < b.us; });
    return ev;
  }

  // Each dual-homed host's bond legs as its Open vSwitch sees them, sampled every 10 ms while the
  // drill runs: a timeline lane per leg ("server1 leg leaf1": enabled / disabled to carry traffic, the
  // LACP status as the reason).
  void watchBonds() {
    std::vector<std::pair<std::string, std::string>> legs;  // lane, bond member
    for (int i = 0; i < lab_.hosts_size(); ++i) {
      const auto& h = lab_.hosts(i);
      if (!h.bonded()) continue;
      for (int j = 0; j < h.links_size(); ++j)
        legs.emplace_back(h.name() + " leg " + h.links(j).substr(0, h.links(j).find(':')),
                          legOf(lab_.slot(), static_cast<std::size_t>(i), static_cast<std::size_t>(j)));
    }
    if (legs.empty()) return;
    for (const auto& [lane, member] : legs) bond_lanes_.push_back(lane);
    bond_watcher_ = std::thread([this, legs, ctl = ovsControlOf(lab_.dir())] {
      OvsControl ovs(ctl);
      std::map<std::string, std::string> last;  // lane -> state
      while (!stop_bonds_ && !g_interrupted) {
        const auto bonds = ovs.call("bond/show");
        const auto lacp = bonds ? ovs.call("lacp/show") : std::nullopt;
        if (bonds && lacp) {
          const auto seen = parseBondLegs(*bonds, *lacp);
          const auto us = nowUs();
          for (const auto& [lane, member] : legs) {
            const auto it = seen.find(member);
            const std::string state = it == seen.end() ? "absent" : it->second.enabled ? "enabled" : "disabled";
            if (last[lane] == state) continue;
            const std::string reason = it == seen.end() || it->second.lacp.empty() ? "" : "LACP: " + it->second.lacp;
            std::lock_guard lock(mu_);
            events_.push_back({us, lane, "bond", last[lane].empty() ? "unknown" : last[lane], state, reason});
            last[lane] = state;
          }
        }
        std::this_thread::sleep_for(10ms);
      }
    });
  }

  void stopWatchingBonds() {
    stop_bonds_ = true;
    if (bond_watcher_.joinable()) bond_watcher_.join();
  }

  v1::DrillReport finish(std::string* text) {
    stopWatchingBonds();
    while (!flows_.empty()) {  // flows still running end with the drill, before the lab goes
      const std::string name = flows_.begin()->first;
      if (auto st = stopFlow(name); !st && report_.error().empty()) report_.set_error("flow " + name + ": " + st.error().message);
    }
    if (collector_) collector_->stop();
    if (deployed_ && !o_.keep) {
      std::string ignored;
      if (auto st = destroy(lab_.name(), &ignored); !st && report_.error().empty()) report_.set_error(st.error().message);
    }
    // Measurements.
    std::vector<TimelineSpan> spans;
    for (const auto& m : d_.measures) {
      auto* r = report_.add_measurements();
      r->set_name(m.name);
      r->set_from(m.from.text);
      r->set_to(m.to.text);
      r->set_ms(-1);
      std::int64_t lower = t0_;
      if (!m.after.empty())
        if (auto it = step_times_.find(m.after); it != step_times_.end()) lower = it->second;
      const auto from = anchorTime(m.from, lower);
      const auto to = from ? anchorTime(m.to, *from) : std::nullopt;
      if (m.at_most_ms > 0) r->set_at_most_ms(m.at_most_ms);
      if (!from || !to) {
        r->set_passed(false);
        r->set_detail(!from ? "no '" + m.from.text + "'" : "no '" + m.to.text + "' after '" + m.from.text + "'");
        continue;
      }
      const double ms = static_cast<double>(*to - *from) / 1000.0;
      r->set_ms(ms);
      const bool ok = m.at_most_ms <= 0 || ms <= m.at_most_ms * scale_ + kSlackMs;
      r->set_passed(ok);
      spans.push_back({*from, *to, m.name, ok});
    }
    bool passed = report_.error().empty();
    for (const auto& e : report_.expectations()) passed = passed && e.passed();
    for (const auto& m : report_.measurements()) passed = passed && m.passed();
    report_.set_passed(passed);
    report_.set_duration_ms(static_cast<double>(nowUs() - t0_) / 1000.0);
    report_.set_events(static_cast<std::uint32_t>(events_.size()));

    // Timeline and files.
    Timeline t;
    t.title = "Drill " + d_.name + (d_.title.empty() ? "" : " - " + d_.title);
    const auto counted = tally(report_);
    t.subtitle = fmt::format("{} - time scale {} - {}/{} expectations held{} - {} events - {}", passed ? "PASSED" : "FAILED",
                             scale_, counted.held, counted.checked,
                             counted.skipped ? fmt::format(" ({} skipped)", counted.skipped) : std::string(),
                             events_.size(), topo_.file);
    t.t0_us = t0_;
    for (const auto& n : topo_.nodes) t.switches.push_back(n.name);
    t.paths = topo_.paths;
    for (const auto& f : report_.flows()) t.flows.push_back("flow " + f.name());
    t.bonds = bond_lanes_;
    t.events = sortedEvents();
    t.marks = marks_;
    t.spans = spans;
    t.note = d_.note;
    t.time_scale = scale_;
    std::error_code ec;
    // Each run keeps its own folder; the drill's folder links to the latest run's files.
    const std::string top = fs::absolute(fs::path(o_.out_dir) / d_.name, ec).lexically_normal().string();
    const std::string dir = top + "/runs/" + runId();
    fs::create_directories(dir, ec);
    report_.set_timeline_svg(dir + "/timeline.svg");
    report_.set_timeline_html(dir + "/timeline.html");
    report_.set_timeline_ndjson(dir + "/timeline.ndjson");
    const std::string summary = summaryText();
    std::ofstream(report_.timeline_svg()) << renderSvg(t);
    std::ofstream(report_.timeline_html()) << renderHtml(t, summary);
    {
      std::ofstream nd(report_.timeline_ndjson());
      std::stable_sort(ndjson_.begin(), ndjson_.end(), [](const auto& a, const auto& b) { return a.unix_us() < b.unix_us(); });
      for (const auto& e : ndjson_) nd << mgmt::toJson(e, false) << "\n";
    }
    std::ofstream(dir + "/report.json") << mgmt::toJson(report_) << "\n";
    for (const char* f : {"timeline.svg", "timeline.html", "timeline.ndjson", "report.json"}) {
      const fs::path link = fs::path(top) / f, tmp = fs::path(top) / (std::string(".") + f + "." + runId());
      fs::remove(tmp, ec);
      fs::create_symlink(fs::path("runs") / runId() / f, tmp, ec);
      if (!ec) fs::rename(tmp, link, ec);  // replaces the previous link at once
    }
    {  // The newest time-stamped runs stay, and every named one: OUT does not grow without end.
      std::vector<std::string> runs;
      for (const auto& entry : fs::directory_iterator(top + "/runs", ec)) runs.push_back(entry.path().filename().string());
      for (const auto& stale : staleRuns(runs, kKeptRuns)) fs::remove_all(top + "/runs/" + stale, ec);
    }
    if (text) {
      std::string out;
      if (!d_.note.empty()) out += noteText() + "\n";
      out += renderText(t) + "\n" + summary;
      *text = out;
    }
    return report_;
  }

  std::string noteText() const {
    std::string out = "What to watch (" + d_.file + "):\n";
    std::string line;
    for (char c : d_.note) {
      if (c == '\n') {
        out += "  " + line + "\n";
        line.clear();
      } else {
        line += c;
      }
    }
    if (!line.empty()) out += "  " + line + "\n";
    return out;
  }

  // This run's name: --name, else the start time (and the pid, for two runs in one second).
  const std::string& runId() {
    if (run_id_.empty()) {
      if (!o_.name.empty()) {
        run_id_ = o_.name;
      } else {
        const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
        run_id_ = std::string(buf) + "-" + std::to_string(::getpid());
      }
    }
    return run_id_;
  }

  std::string summaryText() const {
    std::string out = scale_ == 1.0 ? "Expectations\n" : "Expectations (when each held, in NX-OS time from the start)\n";
    for (const auto& e : report_.expectations()) {
      if (e.skipped()) {
        out += fmt::format("  SKIP  {:>9.1f} ms  {}   ({})\n", e.at_ms() / scale_, e.text(), e.detail());
        continue;
      }
      out += fmt::format("  {}  {:>9.1f} ms  {}   [{}]{}\n", e.passed() ? "PASS" : "FAIL", e.at_ms() / scale_, e.text(),
                         e.observed(), e.detail().empty() ? "" : "  " + e.detail());
    }
    if (report_.measurements_size() > 0) out += "Measurements (real time; NX-OS time = real / time scale)\n";
    for (const auto& m : report_.measurements()) {
      const std::string value =
          m.ms() < 0 ? "not measured" : fmt::format("{:.1f} ms (NX-OS time {:.0f} ms)", m.ms(), m.ms() / scale_);
      const std::string bound =
          m.at_most_ms() > 0 ? fmt::format("   at most {} -> {} ms", formatDuration(m.at_most_ms()), m.at_most_ms() * scale_ + kSlackMs)
                             : "";
      out += fmt::format("  {}  {}: {}{}{}\n", m.passed() ? "PASS" : "FAIL", m.name(), value, bound,
                         m.detail().empty() ? "" : "  (" + m.detail() + ")");
    }
    if (report_.flows_size() > 0) out += "Flows\n";
    for (const auto& f : report_.flows()) {
      out += fmt::format("  {}: {} -> {} at {}/s for {:.2f} s: sent {}, received {}, lost {}, reordered {}, longest outage "
                         "{:.1f} ms\n",
                         f.name(), f.from(), f.to(), f.rate_pps(), f.duration_s(), f.sent(), f.received(), f.lost(),
                         f.reordered(), f.longest_outage_ms());
      out += outagesText(f, "      ");
    }
    for (const auto& p : report_.predictions())
      out += fmt::format("Asked before '{}': {} ({} changes followed)\n", p.step(),
                         p.question().empty() ? "(no question)" : p.question(), p.happened_size());
    for (const auto& c : report_.captures()) {
      out += fmt::format("Captured at {:.1f} ms{}: {}: {}\n", c.at_ms() / scale_, scale_ == 1.0 ? "" : " (NX-OS time)",
                         c.node(), c.command());
      std::istringstream in(c.text());
      for (std::string line; std::getline(in, line);) out += "  | " + line + "\n";
    }
    if (!report_.error().empty()) out += "Error: " + report_.error() + "\n";
    const auto n = tally(report_);
    out += fmt::format("Result: {} ({}/{} expectations{}, {} measurements) in {:.1f} s at time scale {}\n",
                       report_.passed() ? "PASSED" : "FAILED", n.held, n.checked,
                       n.skipped ? fmt::format(", {} skipped", n.skipped) : std::string(), report_.measurements_size(),
                       report_.duration_ms() / 1000.0, scale_);
    out += "Timeline: " + report_.timeline_svg() + " (also .html, .ndjson, report.json)\n";
    return out;
  }

  const Drill& d_;
  const Topology& topo_;
  RunOptions o_;
  double scale_ = 1;
  std::int64_t t0_ = 0;
  v1::LabState lab_;
  bool deployed_ = false;
  std::unique_ptr<EventCollector> collector_;
  std::map<std::string, std::unique_ptr<v1::Management::Stub>> stubs_;
  std::mutex mu_;
  std::vector<TimelineEvent> events_;
  std::vector<v1::Event> ndjson_;
  std::vector<TimelineMark> marks_;
  std::map<std::string, std::int64_t> step_times_;
  std::map<std::string, std::unique_ptr<Flow>> flows_;     // running
  std::map<std::string, v1::FlowReport> flow_reports_;     // stopped
  std::vector<std::string> bond_lanes_;                    // "server1 leg leaf1"
  std::thread bond_watcher_;
  std::atomic<bool> stop_bonds_{false};
  v1::DrillReport report_;
  std::string run_id_;
  std::map<std::string, std::uint64_t> seen_seq_;  // per switch: the last event the stream brought
  v1::Prediction* asked_ = nullptr;  // --step: the paused step whose answer is being gathered
  std::size_t asked_step_ = 0;
  std::int64_t asked_us_ = 0;
};

std::vector<std::string> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".yml" || e.path().extension() == ".yaml") files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace

v1::DrillReport runDrill(const LoadedDrill& drill, const RunOptions& options, std::string* text_report) {
  Run r(drill, options);
  return r.run(text_report);
}

// OUT/index.html: every drill that has run into OUT (its latest report), with its title, the first
// sentence of its note (what it shows), its last result and a link to its timeline. Rewritten after
// every run, so it is the catalog's page for a class.
void writeIndex(const std::string& out_dir) {
  std::error_code ec;
  std::vector<v1::DrillReport> latest;
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    const auto report = entry.path() / "report.json";
    std::ifstream in(report);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    v1::DrillReport r;
    if (google::protobuf::util::JsonStringToMessage(text.str(), &r).ok()) latest.push_back(std::move(r));
  }
  std::sort(latest.begin(), latest.end(), [](const auto& a, const auto& b) { return a.drill() < b.drill(); });
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vpclab drills</title>\n"
      "<style>body{font-family:DejaVu Sans,Verdana,sans-serif;margin:20px;color:#222}"
      "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;"
      "vertical-align:top}.pass{color:#2ca02c;font-weight:bold}.fail{color:#d62728;font-weight:bold}</style>"
      "</head><body>\n<h1>vpclab drills</h1>\n<table><tr><th>Drill</th><th>What it shows</th><th>Last result</th>"
      "<th>Run</th><th>Timeline</th></tr>\n";
  for (const auto& r : latest) {
    std::string shows = r.note();
    if (const auto end = shows.find(". "); end != std::string::npos) shows = shows.substr(0, end + 1);
    for (auto& c : shows)
      if (c == '\n') c = ' ';
    html += "<tr><td><b>" + xmlEscape(r.drill()) + "</b><br>" + xmlEscape(r.title()) + "</td><td>" + xmlEscape(shows) +
            "</td><td class=\"" + (r.passed() ? "pass\">PASS" : "fail\">FAIL") + "</td><td>" + xmlEscape(r.run()) +
            fmt::format(" (time scale {})", r.time_scale()) + "</td><td><a href=\"" + xmlEscape(r.drill()) +
            "/timeline.html\">timeline</a> &middot; <a href=\"" + xmlEscape(r.drill()) + "/runs/\">all runs</a></td></tr>\n";
  }
  html += "</table>\n</body></html>\n";
  std::ofstream(fs::path(out_dir) / "index.html") << html;
}

int runDrills(const std::vector<std::string>& paths, const RunOptions& options) {
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });
  if (!options.name.empty() && !validLabName(options.name)) {
    std::cerr << "vpclab: --name '" << options.name << "' must be lowercase letters, digits, '-' and '_' (at most 40)\n";
    return 2;
  }
  const auto files = expand(paths);
  if (files.empty()) {
    std::cerr << "vpclab: no drill files in";
    for (const auto& p : paths) std::cerr << " " << p;
    std::cerr << "\n";
    return 2;
  }
  // Load everything first: a bad file stops the run before anything is deployed.
  std::vector<LoadedDrill> drills;
  std::optional<Topology> instead;
  if (!options.topology.empty()) {
    auto t = loadTopology(options.topology);
    if (!t) {
      std::cerr << t.error().message << "\n";
      return 2;
    }
    instead = std::move(*t);
  }
  for (const auto& f : files) {
    auto d = loadDrill(f);
    if (!d) {
      std::cerr << d.error().message << "\n";
      return 2;
    }
    if (instead) {
      auto names = [](const Topology& t) {
        std::vector<std::string> v;
        for (const auto& n : t.nodes) v.push_back(n.name);
        std::sort(v.begin(), v.end());
        return v;
      };
      // Flows need the drill's hosts; a bond expectation on a host the new topology lacks is skipped
      // (and says so in the report).
      const bool flows = std::any_of(d->drill.steps.begin(), d->drill.steps.end(),
                                     [](const Step& s) { return s.kind == Step::Kind::Flow; });
      if (names(*instead) != names(d->topology) || (flows && instead->hosts.empty())) {
        std::cerr << "vpclab: " << f << ": --topology " << options.topology << " does not have the switches"
                  << (flows ? " and hosts" : "") << " of the drill's topology (" << d->topology.file << ")\n";
        return 2;
      }
      Topology t = *instead;  // the drill's own topology's time scale, unless the new one has its own
      if (!t.time_scale) t.time_scale = d->topology.time_scale;
      d->topology = std::move(t);
    }
    drills.push_back(std::move(*d));
  }
  const bool single = drills.size() == 1;
  RunOptions o = options;
  if (!single) o.keep = false;
  o.several = !single;
  std::vector<v1::DrillReport> reports;
  for (std::size_t i = 0; i < drills.size() && !g_interrupted; ++i) {
    if (!single && !o.json) std::cout << fmt::format("[{}/{}] {} ... ", i + 1, drills.size(), drills[i].drill.name) << std::flush;
    std::string text;
    RunOptions each = o;
    each.quiet = o.quiet || !single;
    auto report = runDrill(drills[i], each, &text);
    if (single && !o.json && !o.quiet) std::cout << text;
    if (single && o.keep)
      std::cerr << "the lab stays deployed: vpclab inspect drill-" << report.drill() << "; vpclab destroy drill-"
                << report.drill() << "\n";
    if (single && !o.json && o.quiet)
      std::cout << (report.passed() ? "PASSED" : "FAILED") << " " << report.drill() << "  " << report.timeline_svg() << "\n";
    if (!single && !o.json) {
      std::cout << (report.passed() ? "PASS" : "FAIL") << fmt::format(" ({:.1f} s)\n", report.duration_ms() / 1000.0);
      if (!report.passed()) {
        for (const auto& e : report.expectations())
          if (!e.passed()) std::cout << "      expectation failed: " << e.text() << "   [" << e.observed() << "]\n";
        for (const auto& m : report.measurements())
          if (!m.passed()) std::cout << "      measurement failed: " << m.name() << " " << m.ms() << " ms " << m.detail() << "\n";
        if (!report.error().empty()) std::cout << "      error: " << report.error() << "\n";
      }
    }
    reports.push_back(std::move(report));
  }
  writeIndex(o.out_dir);
  bool all = reports.size() == drills.size();
  for (const auto& r : reports) all = all && r.passed();
  if (o.json) {
    for (const auto& r : reports) std::cout << mgmt::toJson(r) << "\n";
  } else if (!single) {
    std::cout << fmt::format("\n{:<36} {:<6} {:>7} {:>8} {:>9}\n", "Drill", "Result", "Expect", "Measure", "Duration");
    std::cout << fmt::format("{:<36} {:<6} {:>7} {:>8} {:>9}\n", "-----", "------", "------", "-------", "--------");
    for (const auto& r : reports) {
      const auto n = tally(r);
      int m = 0;
      for (const auto& x : r.measurements()) m += x.passed();
      std::cout << fmt::format("{:<36} {:<6} {:>7} {:>8} {:>8.1f}s\n", r.drill(), r.passed() ? "PASS" : "FAIL",
                               fmt::format("{}/{}", n.held, n.checked),
                               fmt::format("{}/{}", m, r.measurements_size()), r.duration_ms() / 1000.0);
    }
    std::cout << fmt::format("\n{} of {} drills passed; timelines in {}/<drill>/timeline.svg\n",
                             std::count_if(reports.begin(), reports.end(), [](const auto& r) { return r.passed(); }),
                             drills.size(), o.out_dir);
  }
  if (g_interrupted) return 130;
  return all ? 0 : 1;
}

}  // namespace vpc::lab
