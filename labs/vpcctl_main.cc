// vpcctl's entry point. The CLI itself is switch/cli/vpcctl.cc; this joins it with the lab registry,
// so `vpcctl -s leaf1` finds a switch that `vpclab deploy` started. It lives up here, above both, so
// that nothing in switch/ depends on labs/.
#include "labs/lab/registry.h"
#include "switch/cli/vpcctl.h"

int main(int argc, char** argv) {
  const vpc::lab::LabNames names;
  return vpc::cli::vpcctlMain(argc, argv, names);
}
