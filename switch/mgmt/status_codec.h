// The one translation table from the core's error codes to gRPC status codes (Stratum's pattern).
#pragma once

#include <grpcpp/support/status.h>

#include "peerlink/core/result.h"

namespace vpc::mgmt {

inline grpc::StatusCode toGrpcCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorCode::NotFound: return grpc::StatusCode::NOT_FOUND;
    case ErrorCode::FailedPrecondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorCode::AlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorCode::Unavailable: return grpc::StatusCode::UNAVAILABLE;
    case ErrorCode::Internal: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

inline grpc::Status toGrpcStatus(const Error& e) { return grpc::Status(toGrpcCode(e.code), e.message); }

}  // namespace vpc::mgmt
