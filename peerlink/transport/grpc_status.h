// gRPC status text for logs and reasons ("UNAVAILABLE: failed to connect to all addresses").
#pragma once

#include <string>

#include <grpcpp/support/status.h>

namespace vpc::transport {

const char* statusCodeName(grpc::StatusCode code);
inline std::string describeStatus(const grpc::Status& s) {
  return std::string(statusCodeName(s.error_code())) + (s.error_message().empty() ? "" : ": " + s.error_message());
}

}  // namespace vpc::transport
