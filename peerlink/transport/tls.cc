#include "peerlink/transport/tls.h"

#include <fstream>
#include <sstream>

namespace vpc::transport {

namespace {

Result<std::string> readPem(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return invalidArgument(std::string("tls: cannot read the ") + what + " file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().find("-----BEGIN ") == std::string::npos)
    return invalidArgument(std::string("tls: the ") + what + " file " + path + " is not PEM");
  return ss.str();
}

}  // namespace

Result<TlsMaterial> loadTls(const std::string& certificate, const std::string& key, const std::string& ca) {
  TlsMaterial m;
  auto c = readPem(certificate, "certificate");
  if (!c) return c.error();
  auto k = readPem(key, "key");
  if (!k) return k.error();
  auto a = readPem(ca, "CA");
  if (!a) return a.error();
  m.certificate = std::move(*c);
  m.key = std::move(*k);
  m.ca = std::move(*a);
  return m;
}

std::shared_ptr<grpc::ServerCredentials> serverCredentials(const std::optional<TlsMaterial>& tls) {
  if (!tls) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions o(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  o.pem_root_certs = tls->ca;
  o.pem_key_cert_pairs.push_back({tls->key, tls->certificate});
  return grpc::SslServerCredentials(o);
}

std::shared_ptr<grpc::ChannelCredentials> channelCredentials(const std::optional<TlsMaterial>& tls) {
  if (!tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = tls->ca;
  o.pem_private_key = tls->key;
  o.pem_cert_chain = tls->certificate;
  return grpc::SslCredentials(o);
}

}  // namespace vpc::transport
