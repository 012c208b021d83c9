// A Shell's switch over the management API: what vpcctl's session and the switch's own SSH sessions
// use (the latter on an in-process channel to their own switch).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "switch/cli/shell.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::cli {

// vpcctl's exit codes (a session's command gives the same).
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

struct ManagementClient {
  std::unique_ptr<v1::Management::Stub> stub;
  std::string address;  // for error messages
  int timeout_s = 30;

  std::unique_ptr<grpc::ClientContext> context() const;
};

// A failed call in vpcctl's terms: unreachable (exit 3) or refused (exit 1, "% <reason>").
ExecOutcome rpcError(const grpc::Status& s, const ManagementClient& c);
// What a reply becomes: NX-OS text, our JSON twin (vpcctl --json), or NX-OS's JSON (a session's
// `| json`; our twin for commands without an NX-OS layout).
enum class Render { Text, ProtoJson, NxosJson, NxosJsonPretty };
// One exec command; `sink` gets the output as it comes (an event stream is long).
ExecOutcome execute(const ManagementClient& c, const grammar::Match& m, Render how,
                    const std::function<void(const std::string&)>& sink);

class ManagementBackend : public ShellBackend {
 public:
  explicit ManagementBackend(const ManagementClient& c) : c_(c) {}
  ExecOutcome exec(const grammar::Match& m, OutputFormat format) override;
  ConfigureOutcome configure(const std::vector<std::string>& lines) override;

 private:
  const ManagementClient& c_;
};

}  // namespace vpc::cli
