#include "switch/daemon/log.h"

#include <mutex>

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace vpc::daemon {

namespace {
spdlog::sink_ptr g_sink;
std::string g_host = "vpcd";
spdlog::level::level_enum g_level = spdlog::level::info;
}  // namespace

void initLogging(const std::string& hostname, const std::string& level, const std::string& file) {
  g_host = hostname;
  g_level = spdlog::level::from_str(level);
  if (file.empty()) g_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  else g_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, false);
  g_sink->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v");
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  // protobuf writes a line to stderr for every string that is not UTF-8 in a message it parses: a peer
  // or a client sending such messages could flood the log. Its lines go through the log, limited.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel severity, const char*, int, const std::string& message) {
    static std::mutex mu;
    static LogLimiter limit(5, std::chrono::seconds(10));
    std::uint64_t suppressed = 0;
    {
      std::lock_guard lock(mu);
      if (!limit.allow(std::chrono::steady_clock::now(), suppressed)) return;
    }
    const std::string note = suppressed ? " (" + std::to_string(suppressed) + " more left out)" : "";
    if (severity >= google::protobuf::LOGLEVEL_ERROR) logger("protobuf")->warn("{}{}", message, note);
    else logger("protobuf")->info("{}{}", message, note);
  });
}

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  const std::string name = g_host + " " + component;
  if (auto l = spdlog::get(name)) return l;
  if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto l = std::make_shared<spdlog::logger>(name, g_sink);
  l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  l->set_level(g_level);
  // Every line reaches the file as it is written: a log that lags the switch (or ends mid-line when
  // read) hides exactly the events someone is looking for. Lines are few (state changes, not traffic).
  l->flush_on(spdlog::level::trace);
  spdlog::register_logger(l);
  return l;
}

}  // namespace vpc::daemon
