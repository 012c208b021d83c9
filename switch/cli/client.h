// One exec command against a switch's management API: the typed call its words name, and the NX-OS
// text of the reply. Shared by vpcctl (one-shot and the shell) and vpclab (drill expectations and
// steps). `events` (a stream without end) is the caller's.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "switch/core/grammar.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::cli {

struct CallResult {
  grpc::Status status;
  std::unique_ptr<google::protobuf::Message> reply;  // set when status is OK
};

// Runs the command `m` (a match of execGrammar(), not kEvents) with a deadline.
CallResult call(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout);

// The NX-OS text of a reply to `m`.
std::string render(const grammar::Match& m, const google::protobuf::Message& reply);

}  // namespace vpc::cli
