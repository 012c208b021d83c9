#include "labs/core/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace vpc::lab {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// An event's offset from the start, in NX-OS time (real / scale).
std::string offset(std::int64_t us, std::int64_t t0, double scale) {
  return fmt("%+10.1f", static_cast<double>(us - t0) / 1000.0 / scale);
}

std::vector<TimelineEvent> sorted(const Timeline& t) {
  auto ev = t.events;
  std::stable_sort(ev.begin(), ev.end(), [](const TimelineEvent& a, const TimelineEvent& b) { return a.us < b.us; });
  return ev;
}

std::string stateText(const TimelineEvent& e) {
  if (e.subject == "step") return e.to;
  std::string s = e.subject + (e.reason_change ? " reason: " : ": ") + (e.from.empty() ? "-" : e.from) + " -> " + e.to;
  return s;
}

// ------------------------------------------------------------------------------------------------
// SVG helpers

struct Svg {
  std::string out;
  void add(const std::string& s) { out += s + "\n"; }
};

std::string attr(double v) { return fmt("%.1f", v); }

double textWidth(const std::string& s, double size) { return static_cast<double>(s.size()) * size * 0.58; }

std::string roleColour(const std::string& role) {
  if (role.find("operational primary") != std::string::npos) return "#1f77b4";
  if (role.find("operational secondary") != std::string::npos) return "#9467bd";
  if (role.rfind("primary", 0) == 0) return "#1f77b4";
  if (role.rfind("secondary", 0) == 0) return "#9467bd";
  return "#c7c7c7";
}

std::string modeColour(const std::string& mode) {
  if (mode.rfind("cut", 0) == 0) return "#d62728";
  if (mode.rfind("shut", 0) == 0) return "#ff7f0e";
  if (mode.find("delay") != std::string::npos || mode.find("loss") != std::string::npos) return "#bcbd22";
  if (mode.rfind("pass", 0) == 0) return "#2ca02c";
  return "#c7c7c7";
}

// A band: piecewise-constant state over time.
struct Segment {
  std::int64_t from, to;
  std::string label, colour;
};

bool labelWorthy(const TimelineEvent& e) {
  if (e.subject.rfind("interface", 0) == 0) return false;
  if (e.reason_change || e.from == e.to) return false;  // only the reason changed: a tick, no label
  if (e.from.empty()) return false;    // a first state at start-up: the bands show it
  if (e.subject == "peer-link")
    return e.to == "established" || e.to.find("down") != std::string::npos || e.to.find("waiting") != std::string::npos;
  if (e.subject == "sync") return e.to == "snapshot applied";
  return true;
}

std::string shortLabel(const TimelineEvent& e) {
  std::string to = e.to;
  if (to.size() > 28) to = to.substr(0, 27) + "…";
  if (e.subject == "role") return "role: " + to;
  if (e.subject == "peer status") return to;
  if (e.subject == "keepalive") return "keepalive: " + to;
  return e.subject + ": " + to;
}

double niceStep(double span_ms, int max_ticks) {
  const double raw = span_ms / max_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-3))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

std::string tickLabel(double ms, double step) {
  if (step >= 1000) return fmt(step >= 10000 ? "%.0f s" : "%.1f s", ms / 1000.0);
  return fmt("%.0f ms", ms);
}

}  // namespace

std::string xmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string renderText(const Timeline& t) {
  std::string out = t.title + "\n";
  if (!t.subtitle.empty()) out += t.subtitle + "\n";
  out += t.time_scale == 1.0 ? "      offset ms  lane        event\n" : "   NX-OS time  lane        event\n";
  std::size_t width = 10;
  for (const auto& l : t.switches) width = std::max(width, l.size() + 1);
  for (const auto& l : t.paths) width = std::max(width, l.size() + 1);
  for (const auto& l : t.flows) width = std::max(width, l.size() + 1);
  for (const auto& l : t.bonds) width = std::max(width, l.size() + 1);
  for (const auto& e : sorted(t)) {
    std::string lane = e.lane;
    lane.resize(width, ' ');
    out += offset(e.us, t.t0_us, t.time_scale) + " ms  " + lane + "  " + stateText(e) + "\n";
    if (!e.reason.empty()) out += std::string(17 + width + 2, ' ') + "<- " + e.reason + "\n";
  }
  return out;
}

std::string renderSvg(const Timeline& t) {
  const auto events = sorted(t);
  // Time range.
  std::int64_t end = t.t0_us + 1000;
  for (const auto& e : events) end = std::max(end, e.us);
  for (const auto& m : t.marks) end = std::max(end, m.us);
  for (const auto& s : t.spans) end = std::max(end, s.to_us);
  const double span_ms = static_cast<double>(end - t.t0_us) / 1000.0 * 1.03;

  const double W = 1400, left = 150, right = 30, plot = W - left - right;
  auto X = [&](std::int64_t us) { return left + static_cast<double>(us - t.t0_us) / 1000.0 / span_ms * plot; };

  const double lane_drill = 64, lane_switch = 112, lane_path = 40, top = 84;
  const double lanes_h = lane_drill + lane_switch * static_cast<double>(t.switches.size()) +
                         lane_path * static_cast<double>(t.paths.size() + t.flows.size() + t.bonds.size());
  const double spans_h = 24.0 * static_cast<double>(t.spans.size()) + (t.spans.empty() ? 0 : 16);
  const double H = top + lanes_h + spans_h + 60;

  Svg svg;
  svg.add("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + attr(W) + "\" height=\"" + attr(H) +
          "\" viewBox=\"0 0 " + attr(W) + " " + attr(H) + "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">");
  svg.add("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
  svg.add("<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">" + xmlEscape(t.title) + "</text>");
  svg.add("<text x=\"20\" y=\"50\" font-size=\"12\" fill=\"#444\">" + xmlEscape(t.subtitle) + "</text>");

  // Axis and grid, in NX-OS time: the ticks are round NX-OS durations placed at real offsets.
  const double nx_span = span_ms / t.time_scale;
  const double step = niceStep(nx_span, 12);
  for (double nx = 0; nx <= nx_span; nx += step) {
    const double x = left + nx * t.time_scale / span_ms * plot;
    svg.add("<line x1=\"" + attr(x) + "\" y1=\"" + attr(top - 6) + "\" x2=\"" + attr(x) + "\" y2=\"" +
            attr(top + lanes_h) + "\" stroke=\"#eee\"/>");
    svg.add("<text x=\"" + attr(x) + "\" y=\"" + attr(top - 10) + "\" font-size=\"10\" fill=\"#666\" text-anchor=\"middle\">+" +
            tickLabel(nx, step) + "</text>");
  }
  if (t.time_scale != 1.0)
    svg.add("<text x=\"" + attr(W - 20) + "\" y=\"" + attr(50) + "\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">" +
            xmlEscape("axis and durations: NX-OS time" + fmt(" (run at time scale %g)", t.time_scale)) + "</text>");

  // Faults: a dashed line across every lane, so a reaction lines up with its cause.
  for (const auto& e : events)
    if (e.lane == "drill" && e.subject == "step" && e.from == "fault")
      svg.add("<line x1=\"" + attr(X(e.us)) + "\" y1=\"" + attr(top) + "\" x2=\"" + attr(X(e.us)) + "\" y2=\"" +
              attr(top + lanes_h) + "\" stroke=\"#d62728\" stroke-width=\"1\" stroke-dasharray=\"4,3\" opacity=\"0.6\"/>");

  double y = top;
  auto laneBox = [&](const std::string& name, double h, const std::string& fill) {
    svg.add("<rect x=\"0\" y=\"" + attr(y) + "\" width=\"" + attr(W) + "\" height=\"" + attr(h) + "\" fill=\"" + fill +
            "\" opacity=\"0.35\"/>");
    svg.add("<line x1=\"0\" y1=\"" + attr(y + h) + "\" x2=\"" + attr(W) + "\" y2=\"" + attr(y + h) +
            "\" stroke=\"#ccc\"/>");
    svg.add("<text x=\"12\" y=\"" + attr(y + 20) + "\" font-size=\"13\" font-weight=\"bold\">" + xmlEscape(name) +
            "</text>");
  };
  // Labels in rows without overlap; returns false when every row is taken.
  using Rows = std::vector<std::vector<std::pair<double, double>>>;  // per row, the spans taken
  auto placer = [](int rows) { return Rows(static_cast<std::size_t>(rows)); };
  auto place = [](Rows& rows, double x, double w) -> int {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      bool free = true;
      for (const auto& [a, b] : rows[r]) free = free && (x + w + 6 <= a || x >= b + 6);
      if (free) {
        rows[r].emplace_back(x, x + w);
        return static_cast<int>(r);
      }
    }
    return -1;
  };
  auto drawBand = [&](const std::vector<Segment>& segs, double by, double bh, const std::string& name) {
    svg.add("<text x=\"" + attr(left - 6) + "\" y=\"" + attr(by + bh - 2) +
            "\" font-size=\"9\" fill=\"#777\" text-anchor=\"end\">" + xmlEscape(name) + "</text>");
    for (const auto& s : segs) {
      const double x1 = X(s.from), x2 = X(s.to);
      if (x2 - x1 < 0.5) continue;
      svg.add("<rect x=\"" + attr(x1) + "\" y=\"" + attr(by) + "\" width=\"" + attr(x2 - x1) + "\" height=\"" + attr(bh) +
              "\" fill=\"" + s.colour + "\"><title>" + xmlEscape(s.label) + "</title></rect>");
      if (textWidth(s.label, 9) + 6 < x2 - x1)
        svg.add("<text x=\"" + attr(x1 + 3) + "\" y=\"" + attr(by + bh - 3) + "\" font-size=\"9\" fill=\"white\">" +
                xmlEscape(s.label) + "</text>");
    }
  };

  // Drill lane: steps and expectations.
  laneBox("drill", lane_drill, "#f4f4f4");
  {
    // Steps as triangles with labels - faults first, so they always get a row; expectations are the
    // dots below (their text is in the tooltip and the report).
    auto rows = placer(3);
    for (const bool faults : {true, false}) {
      for (const auto& e : events) {
        if (e.lane != "drill" || e.from == "expect" || (e.from == "fault") != faults) continue;
        const double x = X(e.us);
        const std::string colour = e.from == "fault" ? "#d62728" : "#333";
        svg.add("<path d=\"M" + attr(x - 5) + "," + attr(y + 6) + " L" + attr(x + 5) + "," + attr(y + 6) + " L" + attr(x) +
                "," + attr(y + 14) + " Z\" fill=\"" + colour + "\"><title>" + xmlEscape(e.to) + "</title></path>");
        const std::string label = e.to.size() > 48 ? e.to.substr(0, 47) + "…" : e.to;
        const double w = textWidth(label, 10);
        const double lx = std::min(x + 2, W - 8 - w);
        const int r = place(rows, lx, w);
        if (r >= 0)
          svg.add("<text x=\"" + attr(lx) + "\" y=\"" + attr(y + 27 + 12 * r) + "\" font-size=\"10\" fill=\"" + colour +
                  "\"" + (faults ? " font-weight=\"bold\"" : "") + "><title>" + xmlEscape(e.to) + "</title>" +
                  xmlEscape(label) + "</text>");
      }
    }
    for (const auto& m : t.marks) {
      const double x = X(m.us);
      svg.add("<circle cx=\"" + attr(x) + "\" cy=\"" + attr(y + lane_drill - 8) + "\" r=\"4\" fill=\"" +
              (m.passed ? "#2ca02c" : "#d62728") + "\"><title>" + (m.passed ? "held: " : "FAILED: ") +
              xmlEscape(m.text) + "</title></circle>");
    }
  }
  y += lane_drill;

  // Switch lanes: role, peer and vPC bands, then labelled events.
  for (const auto& sw : t.switches) {
    laneBox(sw, lane_switch, "#ffffff");
    std::vector<Segment> role, peer, vpcs;
    std::string cur_role, cur_peer;
    std::int64_t role_from = t.t0_us, peer_from = t.t0_us, vpc_from = t.t0_us;
    std::map<std::string, std::string> vpc_state;
    std::string vpc_label;
    std::string vpc_colour = "#c7c7c7";
    auto vpcSummary = [&](std::string& label, std::string& colour) {
      std::string down;
      for (const auto& [k, v] : vpc_state)
        if (v.rfind("up", 0) != 0) down += (down.empty() ? "" : ",") + k.substr(4);
      if (vpc_state.empty()) {
        label = "";
        colour = "#c7c7c7";
      } else if (down.empty()) {
        label = "vPCs up";
        colour = "#2ca02c";
      } else {
        label = "vPC " + down + " down";
        colour = "#d62728";
      }
    };
    for (const auto& e : events) {
      if (e.lane != sw || e.reason_change) continue;
      if (e.subject == "role" && e.to != cur_role) {
        if (!cur_role.empty()) role.push_back({role_from, e.us, cur_role, roleColour(cur_role)});
        cur_role = e.to;
        role_from = e.us;
      } else if (e.subject == "peer status" && e.to != cur_peer) {
        if (!cur_peer.empty())
          peer.push_back({peer_from, e.us, cur_peer, cur_peer.find("ok") != std::string::npos ? "#2ca02c" : "#d62728"});
        cur_peer = e.to;
        peer_from = e.us;
      } else if (e.subject.rfind("vPC ", 0) == 0) {
        std::string before_label, before_colour;
        vpcSummary(before_label, before_colour);
        vpc_state[e.subject] = e.to;
        std::string after_label, after_colour;
        vpcSummary(after_label, after_colour);
        if (after_label != before_label) {
          if (!before_label.empty()) vpcs.push_back({vpc_from, e.us, before_label, before_colour});
          vpc_from = e.us;
        }
      } else if (e.subject == "switch" && e.to == "down") {  // a stopped switch: bands end
        if (!cur_role.empty()) role.push_back({role_from, e.us, cur_role, roleColour(cur_role)});
        if (!cur_peer.empty())
          peer.push_back({peer_from, e.us, cur_peer, cur_peer.find("ok") != std::string::npos ? "#2ca02c" : "#d62728"});
        std::string l, c;
        vpcSummary(l, c);
        if (!l.empty()) vpcs.push_back({vpc_from, e.us, l, c});
        cur_role.clear();
        cur_peer.clear();
        vpc_state.clear();
      }
    }
    if (!cur_role.empty()) role.push_back({role_from, end, cur_role, roleColour(cur_role)});
    if (!cur_peer.empty())
      peer.push_back({peer_from, end, cur_peer, cur_peer.find("ok") != std::string::npos ? "#2ca02c" : "#d62728"});
    {
      std::string l, c;
      vpcSummary(l, c);
      if (!l.empty()) vpcs.push_back({vpc_from, end, l, c});
    }
    drawBand(role, y + 6, 12, "role");
    drawBand(peer, y + 20, 12, "peer");
    drawBand(vpcs, y + 34, 12, "vPCs");
    // Ticks for every event; labels by importance (vPCs and the role first), where there is room.
    auto rows = placer(4);
    auto rank = [](const TimelineEvent& e) {
      if (e.subject.rfind("vPC", 0) == 0 || e.subject == "role") return 0;
      if (e.subject == "peer status" || e.subject == "failover" || e.subject == "delay restore") return 1;
      return 2;
    };
    for (const auto& e : events) {
      if (e.lane != sw) continue;
      const double x = X(e.us);
      const std::string tip = offset(e.us, t.t0_us, t.time_scale) + " ms  " + stateText(e) + (e.reason.empty() ? "" : "  <- " + e.reason);
      svg.add("<line x1=\"" + attr(x) + "\" y1=\"" + attr(y + 50) + "\" x2=\"" + attr(x) + "\" y2=\"" + attr(y + 56) +
              "\" stroke=\"#555\"><title>" + xmlEscape(tip) + "</title></line>");
    }
    for (int level = 0; level < 3; ++level) {
      for (const auto& e : events) {
        if (e.lane != sw || !labelWorthy(e) || rank(e) != level) continue;
        const double x = X(e.us);
        const std::string tip =
            offset(e.us, t.t0_us, t.time_scale) + " ms  " + stateText(e) + (e.reason.empty() ? "" : "  <- " + e.reason);
        const std::string label = shortLabel(e);
        const double w = textWidth(label, 9.5);
        const double lx = std::min(x + 1, W - 8 - w);  // keep it on the page at the right edge
        const int r = place(rows, lx, w);
        if (r >= 0)
          svg.add("<text x=\"" + attr(lx) + "\" y=\"" + attr(y + 67 + 12 * r) + "\" font-size=\"9.5\" fill=\"" +
                  (level == 0 ? "#000" : "#444") + "\"" + (level == 0 ? " font-weight=\"bold\"" : "") + "><title>" +
                  xmlEscape(tip) + "</title>" + xmlEscape(label) + "</text>");
      }
    }
    y += lane_switch;
  }

  // One-band lanes: a path's relay mode, a flow's traffic (flowing green, lost red, not started or
  // stopped grey), a bond leg (enabled green, disabled red), each state from its event until the next.
  auto bandLane = [&](const std::string& lane, std::string cur, const std::string& label,
                      const std::function<std::string(const std::string&)>& colour) {
    laneBox(lane, lane_path, "#fafafa");
    std::vector<Segment> segs;
    std::int64_t from = t.t0_us;
    for (const auto& e : events) {
      if (e.lane != lane || e.to == cur) continue;
      segs.push_back({from, e.us, cur, colour(cur)});
      cur = e.to;
      from = e.us;
    }
    segs.push_back({from, end, cur, colour(cur)});
    drawBand(segs, y + 12, 16, label);
    y += lane_path;
  };
  for (const auto& p : t.paths) bandLane(p, "pass", "relay", modeColour);
  for (const auto& f : t.flows)
    bandLane(f, "not started", "traffic", [](const std::string& state) {
      return state == "flowing" ? std::string("#2ca02c") : state == "lost" ? std::string("#d62728") : std::string("#c7c7c7");
    });
  for (const auto& b : t.bonds)
    bandLane(b, "unknown", "bond leg", [](const std::string& state) {
      return state == "enabled" ? std::string("#2ca02c") : state == "disabled" ? std::string("#d62728") : std::string("#c7c7c7");
    });

  // Measurements.
  if (!t.spans.empty()) y += 16;
  for (const auto& s : t.spans) {
    const double x1 = X(s.from_us), x2 = std::max(X(s.to_us), x1 + 1);
    const std::string colour = s.passed ? "#2c7a2c" : "#d62728";
    svg.add("<line x1=\"" + attr(x1) + "\" y1=\"" + attr(y + 8) + "\" x2=\"" + attr(x2) + "\" y2=\"" + attr(y + 8) +
            "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>");
    for (double x : {x1, x2})
      svg.add("<line x1=\"" + attr(x) + "\" y1=\"" + attr(y + 2) + "\" x2=\"" + attr(x) + "\" y2=\"" + attr(y + 14) +
              "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>");
    const std::string label = s.name + ": " + fmt("%.1f ms", static_cast<double>(s.to_us - s.from_us) / 1000.0 / t.time_scale);
    const bool fits_right = x2 + 8 + textWidth(label, 11) < W - 10;
    svg.add("<text x=\"" + attr(fits_right ? x2 + 8 : x1 - 8) + "\" y=\"" + attr(y + 12) + "\" font-size=\"11\" fill=\"" +
            colour + "\"" + (fits_right ? "" : " text-anchor=\"end\"") + ">" + xmlEscape(label) + "</text>");
    y += 24;
  }

  // Legend.
  y += 20;
  double lx = 20;
  for (const auto& [name, colour] : std::vector<std::pair<std::string, std::string>>{
           {"primary", "#1f77b4"}, {"secondary", "#9467bd"}, {"up / pass / ok", "#2ca02c"},
           {"down / cut", "#d62728"}, {"shut", "#ff7f0e"}, {"delay / loss", "#bcbd22"}, {"unknown", "#c7c7c7"}}) {
    svg.add("<rect x=\"" + attr(lx) + "\" y=\"" + attr(y - 9) + "\" width=\"12\" height=\"10\" fill=\"" + colour + "\"/>");
    svg.add("<text x=\"" + attr(lx + 16) + "\" y=\"" + attr(y) + "\" font-size=\"10\" fill=\"#444\">" + xmlEscape(name) +
            "</text>");
    lx += 24 + textWidth(name, 10) + 12;
  }
  svg.add("<text x=\"" + attr(lx + 10) + "\" y=\"" + attr(y) +
          "\" font-size=\"10\" fill=\"#444\">▼ drill step (red: fault)   ● expectation   hover a tick for the "
          "event and its reasons</text>");
  svg.add("</svg>");
  return svg.out;
}

std::string renderHtml(const Timeline& t, const std::string& report_text) {
  std::string out;
  out += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + xmlEscape(t.title) + "</title>\n";
  out += "<style>body{font-family:DejaVu Sans,Verdana,sans-serif;margin:20px;color:#222}"
         "pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}"
         "table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:3px 8px;"
         "text-align:left;vertical-align:top}td.t{text-align:right;font-family:monospace}</style></head><body>\n";
  if (!t.note.empty())  // the teaching note first: what to watch for
    out += "<h2>What to watch</h2>\n<p style=\"max-width:60em;white-space:pre-line\">" + xmlEscape(t.note) + "</p>\n";
  out += renderSvg(t);
  out += "\n<h2>Report</h2>\n<pre>" + xmlEscape(report_text) + "</pre>\n";
  out += std::string("<h2>Events</h2>\n<table><tr><th>") + (t.time_scale == 1.0 ? "offset ms" : "NX-OS ms") + "</th><th>lane</th><th>event</th><th>reasons</th></tr>\n";
  for (const auto& e : sorted(t))
    out += "<tr><td class=\"t\">" + fmt("%.1f", static_cast<double>(e.us - t.t0_us) / 1000.0 / t.time_scale) + "</td><td>" +
           xmlEscape(e.lane) + "</td><td>" + xmlEscape(stateText(e)) + "</td><td>" + xmlEscape(e.reason) + "</td></tr>\n";
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace vpc::lab
