// vpcctl as a function of its arguments, with the one thing it needs from above it: how a switch's
// name ("leaf1", "pair/leaf1") becomes an address. The CLI owns this interface; the lab registry
// implements it (labs/lab/registry.h) and the program's entry point joins the two.
#pragma once

#include <string>

#include "peerlink/core/result.h"

namespace vpc::cli {

class NameResolver {
 public:
  virtual ~NameResolver() = default;
  // The management address (A.B.C.D:port) of the switch called `name`, or why there is none.
  virtual Result<std::string> resolve(const std::string& name) const = 0;
  // The folder of the client certificate to present to it (ca.crt, vpcctl.crt, vpcctl.key), if it
  // serves mutual TLS (a lab deployed with --tls); "" for plaintext.
  virtual std::string tlsDir(const std::string& name) const {
    (void)name;
    return "";
  }
};

// The whole program (see vpcctl.cc for its usage and exit codes).
int vpcctlMain(int argc, char** argv, const NameResolver& names);

}  // namespace vpc::cli
