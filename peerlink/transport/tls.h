// Mutual TLS for the gRPC servers and channels (the peer-link, the management API): gRPC's own TLS
// credentials over OpenSSL. Without material everything stays plaintext, as before.
//
// Every switch certificate of a lab carries the DNS name kPeerName besides its own name and address:
// a switch dials its peer through a relay (another address), so the peer-link checks that name.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "peerlink/core/result.h"

namespace vpc::transport {

constexpr const char* kPeerName = "vpc-peer";

struct TlsMaterial {
  std::string certificate, key, ca;  // PEM text
};

// Reads the three PEM files; an error names the file that is missing or not PEM.
Result<TlsMaterial> loadTls(const std::string& certificate, const std::string& key, const std::string& ca);

// A server that requires and verifies a client certificate signed by the CA (TLS 1.2+); plaintext
// without material.
std::shared_ptr<grpc::ServerCredentials> serverCredentials(const std::optional<TlsMaterial>& tls);
// A client presenting its certificate and trusting only the CA; plaintext without material.
std::shared_ptr<grpc::ChannelCredentials> channelCredentials(const std::optional<TlsMaterial>& tls);

}  // namespace vpc::transport
