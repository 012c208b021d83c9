// vpcd: one emulated Cisco Nexus switch of a vPC pair.
//   vpcd --config leaf1.cfg [--time-scale F] [--ready-file PATH] [--log-level info] [--log-file PATH]
// Exit codes: 0 clean stop (SIGTERM/SIGINT), 1 cannot start (address in use...), 2 bad arguments or config.
#include <malloc.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "switch/core/config_parser.h"
#include "switch/daemon/daemon.h"
#include "switch/daemon/log.h"

namespace {

// Writes the file atomically (a reader never sees half of it).
bool writeReadyFile(const std::string& path, const vpc::v1::InfoReply& info) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(info, &json, opts).ok()) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) return false;
    out << json << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Blocks of 4 MB and more always get their own mapping and go back to the kernel when freed. By
  // default glibc raises that threshold after the first big free, and a burst's large temporaries (a
  // million learns' change queue, a table's old array while it grows) then stay in the resident size.
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
  CLI::App app{"vpcd - one emulated Cisco Nexus switch of a vPC pair"};
  std::string config_path, ready_file, log_level = "info", log_file;
  double time_scale = 1.0;
  app.add_option("-c,--config", config_path, "NX-OS style startup-config of this switch")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--time-scale", time_scale,
                 "multiply every protocol timer by F (0 < F <= 1) after the NX-OS range checks")
      ->check(CLI::Range(1e-4, 1.0));
  app.add_option("--ready-file", ready_file, "write bound addresses and pid as JSON here once serving");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-file", log_file, "log here instead of stderr");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(config_path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = vpc::parseConfig(ss.str(), config_path);
  if (!parsed.config) {
    std::cerr << parsed.error->format() << "\n";
    return 2;
  }

  vpc::daemon::initLogging(parsed.config->hostname, log_level, log_file);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  boost::asio::io_context io(1);
  vpc::daemon::DaemonOptions options;
  options.time_scale = time_scale;
  options.config_path = config_path;
  auto daemon = std::make_unique<vpc::daemon::Daemon>(io, *parsed.config, options);
  if (auto st = daemon->start(); !st) {
    vpc::daemon::logger("vpcd")->error("{}", st.error().message);
    std::cerr << "vpcd: " << st.error().message << "\n";
    spdlog::shutdown();
    std::_Exit(1);
  }
  if (!ready_file.empty() && !writeReadyFile(ready_file, daemon->info())) {
    std::cerr << "vpcd: cannot write " << ready_file << "\n";
    spdlog::shutdown();
    std::_Exit(1);
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) daemon->shutdown(sig == SIGINT ? "vpcd stopped (SIGINT)" : "vpcd stopped (SIGTERM)");
  });
  io.run();
  vpc::daemon::logger("vpcd")->info("stopped");
  spdlog::shutdown();
  std::fflush(nullptr);
  // The servers are shut down and the peer-link flushed; skip destructors of gRPC objects that may still
  // hold callbacks from a peer that never answered.
  std::_Exit(0);
}
