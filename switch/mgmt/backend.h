// What a management command may use on the switch side: the switch behind an interface (Stratum's
// SwitchInterface, reduced to what the commands need). The daemon implements it; every call comes on
// the switch's own thread (the io_context), except where noted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "peerlink/core/journal.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/result.h"
#include "switch/core/snapshot.h"
#include "switch/core/switch_node.h"
#include "switch/mgmt/wall_clock.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::mgmt {

using WireNote = peer::WireNote;  // one message on the peer-link wire (`show peer-link messages`)

class Backend {
 public:
  virtual ~Backend() = default;

  // Any thread: runs f on the switch's thread (where every other call here is made).
  virtual void post(std::function<void()> f) = 0;
  virtual bool shuttingDown() const = 0;

  virtual NodeSnapshot snapshot() = 0;
  virtual const SwitchNode& node() const = 0;
  virtual TableSync& tables() = 0;  // for slice-wise reads only (DualTable::ScanCursor)
  virtual const WallClock& clock() const = 0;
  virtual TimePoint now() const = 0;
  virtual v1::InfoReply info() const = 0;
  virtual std::vector<WireNote> peerLinkMessages(std::size_t last) const = 0;  // 0: all kept
  // Frames for the peer-link its transport could not take (no frame stream, or its queue full).
  virtual std::uint64_t peerLinkFramesDropped() const { return 0; }
  // Connections to the peer-link port refused at once: too many from one source.
  virtual std::uint64_t peerLinkRateLimited() const { return 0; }
  // The switch's startup-config: its config file (`copy running-config startup-config` writes it).
  virtual Result<std::string> saveStartupConfig(const std::string& text) {
    (void)text;
    return Error{ErrorCode::FailedPrecondition, "this switch has no config file"};
  }
  virtual Result<std::string> startupConfig() const {
    return Error{ErrorCode::FailedPrecondition, "this switch has no config file"};
  }

  // Runs a command that changes the node, and carries out what it asks for (sends, events).
  virtual void command(const std::function<void(SwitchNode&, TimePoint, Effects&)>& f) = 0;
  virtual Result<ConfigureResult> configure(const std::vector<std::string>& lines) = 0;

  // A long read of the tables, in slices: step(false) runs on the switch's thread again and again,
  // each time for at most about a millisecond, with the switch's other work between the slices, until
  // it returns true; then finish(true) runs on a worker thread (sorting, building the reply). Nothing
  // of the switch may be touched from finish(). A switch that shuts down first calls step(true) once
  // (let go of the switch: detach cursors) and then finish(false): the call must still be answered.
  virtual void sliced(std::function<bool(bool abandon)> step, std::function<void(bool complete)> finish) = 0;
};

}  // namespace vpc::mgmt
