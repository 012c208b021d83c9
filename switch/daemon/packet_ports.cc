#include "switch/daemon/packet_ports.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "switch/daemon/log.h"

namespace vpc::daemon {

namespace {

constexpr std::size_t kMaxFrame = 9216 + 18;  // jumbo MTU, header and a tag

std::string errnoText() { return std::strerror(errno); }

// Whether the link has carrier now (IFF_LOWER_UP: the far end of a veth is up, a cable is in).
bool carrierOf(const std::string& name) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  const bool ok = ::ioctl(fd, SIOCGIFFLAGS, &req) == 0;
  ::close(fd);
  return ok && (req.ifr_flags & IFF_UP) && (req.ifr_flags & IFF_RUNNING);
}

// Sets the link administratively up or down.
bool setAdminUp(const std::string& name, bool up) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &req) == 0;
  if (ok) {
    if (up) req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
    else req.ifr_flags = static_cast<short>(req.ifr_flags & ~IFF_UP);
    ok = ::ioctl(fd, SIOCSIFFLAGS, &req) == 0;
  }
  ::close(fd);
  return ok;
}

}  // namespace

struct PacketPorts::Port {
  InterfaceId id;
  std::string link;
  int ifindex = 0;
  int fd = -1;
  std::unique_ptr<boost::asio::generic::raw_protocol::socket> socket;
  bool carrier = false;
  bool dark = false;  // taken down by the switch itself (shut, suspended)
  std::vector<std::uint8_t> buffer;
};

PacketPorts::PacketPorts(boost::asio::io_context& io, Sink& sink) : io_(io), sink_(sink) {}

PacketPorts::~PacketPorts() { close(); }

void PacketPorts::close() {
  for (auto& [id, p] : ports_)
    if (p->socket) {
      boost::system::error_code ec;
      p->socket->close(ec);
    }
  ports_.clear();
  by_index_.clear();
  if (netlink_) {
    boost::system::error_code ec;
    netlink_->close(ec);
    netlink_.reset();
  }
}

Status PacketPorts::open(const std::map<InterfaceId, PortBinding>& bindings, const std::string& where) {
  close();
  if (bindings.empty()) return Status::ok();
  for (const auto& [id, b] : bindings) {
    const std::string what = where + ":" + std::to_string(b.line) + ": port " + id.longName() + " link " + b.link;
    const unsigned index = ::if_nametoindex(b.link.c_str());
    if (index == 0) {
      close();
      return Error{ErrorCode::NotFound, what + ": no such network interface"};
    }
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) {
      close();
      return Error{ErrorCode::Unavailable,
                   what + ": cannot open a packet socket (" + errnoText() + "; needs root or CAP_NET_RAW)"};
    }
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = static_cast<int>(index);
    int one = 1;
    packet_mreq promisc{};
    promisc.mr_ifindex = static_cast<int>(index);
    promisc.mr_type = PACKET_MR_PROMISC;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0 ||
        ::setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof promisc) != 0) {
      const auto err = errnoText();
      ::close(fd);
      close();
      return Error{ErrorCode::Unavailable, what + ": " + err};
    }
    auto p = std::make_unique<Port>();
    p->id = id;
    p->link = b.link;
    p->ifindex = static_cast<int>(index);
    p->fd = fd;
    p->socket = std::make_unique<boost::asio::generic::raw_protocol::socket>(
        io_, boost::asio::generic::raw_protocol(AF_PACKET, htons(ETH_P_ALL)), fd);
    p->buffer.resize(kMaxFrame);
    p->carrier = carrierOf(b.link);
    by_index_[p->ifindex] = id;
    ports_[id] = std::move(p);
  }
  startNetlink();
  return Status::ok();
}

void PacketPorts::start() {
  for (auto& [id, p] : ports_) {
    sink_.carrierChanged(id, p->carrier);
    readFrom(*p);
  }
}

// Waits until the socket is readable, then reads every frame queued (recvmsg: the kernel's auxdata
// carries a VLAN tag it took off, which goes back into the frame).
void PacketPorts::readFrom(Port& p) {
  p.socket->async_wait(boost::asio::socket_base::wait_read, [this, &p](const boost::system::error_code& ec) {
    if (ec) return;  // closed
    for (;;) {
      sockaddr_ll from{};
      iovec iov{p.buffer.data() + 4, p.buffer.size() - 4};  // room in front for a tag
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata))];
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(p.fd, &msg, MSG_DONTWAIT);
      if (n < 0) break;  // EAGAIN: all read
      if (from.sll_pkttype == PACKET_OUTGOING || n < 14) continue;  // our own transmissions
      std::uint8_t* begin = p.buffer.data() + 4;
      std::size_t len = static_cast<std::size_t>(n);
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
        tpacket_auxdata aux;
        std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
        if (!(aux.tp_status & TP_STATUS_VLAN_VALID)) continue;
        // The tag back between the source MAC and the EtherType.
        std::memmove(begin - 4, begin, 12);
        begin -= 4;
        const std::uint16_t tpid = aux.tp_vlan_tpid ? aux.tp_vlan_tpid : 0x8100;
        begin[12] = static_cast<std::uint8_t>(tpid >> 8);
        begin[13] = static_cast<std::uint8_t>(tpid);
        begin[14] = static_cast<std::uint8_t>(aux.tp_vlan_tci >> 8);
        begin[15] = static_cast<std::uint8_t>(aux.tp_vlan_tci);
        len += 4;
      }
      ++counters_.rx_frames;
      sink_.frameReceived(p.id, std::vector<std::uint8_t>(begin, begin + len));
    }
    readFrom(p);
  });
}

void PacketPorts::send(InterfaceId port, const std::vector<std::uint8_t>& bytes) {
  const auto it = ports_.find(port);
  if (it == ports_.end()) {
    ++counters_.tx_unbound;
    return;
  }
  if (::send(it->second->fd, bytes.data(), bytes.size(), MSG_DONTWAIT) < 0) {
    ++counters_.tx_errors;
    return;
  }
  ++counters_.tx_frames;
}

void PacketPorts::startNetlink() {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    logger("ports")->warn("no rtnetlink socket ({}): carrier changes will not be seen", errnoText());
    return;
  }
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = RTMGRP_LINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    logger("ports")->warn("rtnetlink bind failed ({}): carrier changes will not be seen", errnoText());
    ::close(fd);
    return;
  }
  netlink_ = std::make_unique<boost::asio::generic::raw_protocol::socket>(
      io_, boost::asio::generic::raw_protocol(AF_NETLINK, NETLINK_ROUTE), fd);
  nl_buffer_.resize(64 * 1024);
  readCarrier();
}

// Link messages: the carrier of a bound port is IFF_UP and IFF_RUNNING; a deleted link has none.
void PacketPorts::readCarrier() {
  netlink_->async_wait(boost::asio::socket_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || !netlink_) return;
    for (;;) {
      const ssize_t n = ::recv(netlink_->native_handle(), nl_buffer_.data(), nl_buffer_.size(), MSG_DONTWAIT);
      if (n <= 0) break;
      auto len = static_cast<unsigned>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(nl_buffer_.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) continue;
        const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
        const auto it = by_index_.find(info->ifi_index);
        if (it == by_index_.end()) continue;
        auto& p = *ports_.at(it->second);
        if (p.dark) continue;  // down because this switch took it down
        const bool up = h->nlmsg_type == RTM_NEWLINK && (info->ifi_flags & IFF_UP) && (info->ifi_flags & IFF_RUNNING);
        if (up == p.carrier) continue;
        p.carrier = up;
        sink_.carrierChanged(p.id, up);
      }
    }
    readCarrier();
  });
}

void PacketPorts::setLight(InterfaceId port, bool lit) {
  const auto it = ports_.find(port);
  if (it == ports_.end()) return;
  auto& p = *it->second;
  if (p.dark == !lit) return;
  p.dark = !lit;
  if (!setAdminUp(p.link, lit))
    logger("ports")->warn("{} ({}): cannot set the link {}: {}", p.id.longName(), p.link, lit ? "up" : "down",
                          errnoText());
  if (!lit) return;
  const bool up = carrierOf(p.link);
  if (up == p.carrier) return;
  p.carrier = up;
  sink_.carrierChanged(p.id, up);
}

}  // namespace vpc::daemon
