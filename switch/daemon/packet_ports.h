// The switch's ports on real Linux links (emulator `port IF link NAME`): one AF_PACKET socket per
// bound port, promiscuous, reading whole Ethernet frames (802.1Q tags the kernel took off are put
// back) and writing them as the core built them; and one rtnetlink socket that reports each link's
// carrier as it changes. Runs on the switch's io_context; decides nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/result.h"
#include "switch/core/config.h"

namespace vpc::daemon {

class PacketPorts {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void frameReceived(InterfaceId port, std::vector<std::uint8_t> bytes) = 0;
    virtual void carrierChanged(InterfaceId port, bool up) = 0;
  };

  struct Counters {
    std::uint64_t rx_frames = 0, tx_frames = 0;
    std::uint64_t tx_unbound = 0;  // frames for a port without a link
    std::uint64_t tx_errors = 0;   // the kernel refused (link down, queue full)
  };

  PacketPorts(boost::asio::io_context& io, Sink& sink);
  ~PacketPorts();

  // Opens every bound port; the error names the port, its link and the configuration line
  // (`where` is the configuration file). Nothing is reported before start().
  Status open(const std::map<InterfaceId, PortBinding>& ports, const std::string& where);
  // Reports each link's carrier as it is now, then every frame and carrier change as they come.
  void start();
  void close();
  void send(InterfaceId port, const std::vector<std::uint8_t>& bytes);
  // Takes a bound port's link down (dark: the far end sees no carrier) or up again. While a port is
  // dark its own link being down is not reported as a carrier loss; lit again, its carrier is read.
  void setLight(InterfaceId port, bool lit);
  const Counters& counters() const { return counters_; }

 private:
  struct Port;
  void readFrom(Port& p);
  void readCarrier();
  void startNetlink();

  boost::asio::io_context& io_;
  Sink& sink_;
  std::map<InterfaceId, std::unique_ptr<Port>> ports_;
  std::map<int, InterfaceId> by_index_;  // ifindex -> port
  std::unique_ptr<boost::asio::generic::raw_protocol::socket> netlink_;
  std::vector<std::uint8_t> nl_buffer_;
  Counters counters_;
};

}  // namespace vpc::daemon
