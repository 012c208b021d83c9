// A drill's timeline: every event of every switch and path and every drill step, on one clock, and its
// renderings: text (ms offsets and reason chains), SVG (one lane per switch and per path, state bands,
// expectations and measurements) and a self-contained HTML page. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vpc::lab {

struct TimelineEvent {
  std::int64_t us = 0;  // wall clock, microseconds since 1970
  std::string lane;     // "drill", a switch name, a path name, "flow NAME" or "HOST leg SWITCH"
  std::string subject;  // "vPC 10", "role", "peer-link", "path", "step", ...
  std::string from, to;
  std::string reason;   // the cause chain joined with " <- "
  bool reason_change = false;  // the state stayed; from -> to are the old and the new reason
};

struct TimelineMark {  // an expectation checked, on the drill lane
  std::int64_t us = 0;
  std::string text;
  bool passed = false;
};

struct TimelineSpan {  // a measurement
  std::int64_t from_us = 0, to_us = 0;
  std::string name;
  bool passed = true;
};

struct Timeline {
  std::string title;
  std::string subtitle;            // "time scale 0.05 - passed 7/7"
  std::int64_t t0_us = 0;          // offsets are from here
  std::vector<std::string> switches;
  std::vector<std::string> paths;
  std::vector<std::string> flows;     // "flow web": traffic lanes (flowing / lost / stopped)
  std::vector<std::string> bonds;     // "server1 leg leaf1": a host's bond leg (enabled / disabled)
  std::vector<TimelineEvent> events;  // any order; renderers sort by time
  std::vector<TimelineMark> marks;
  std::vector<TimelineSpan> spans;
  std::string note;  // the drill's teaching note (HTML page only)
  // The drill's time scale: offsets, the axis and measurement bars are NX-OS time (real / scale).
  double time_scale = 1.0;
};

std::string renderText(const Timeline& t);
std::string renderSvg(const Timeline& t);
std::string renderHtml(const Timeline& t, const std::string& report_text);

std::string xmlEscape(const std::string& s);

}  // namespace vpc::lab
