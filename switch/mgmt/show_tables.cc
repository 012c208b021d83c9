// show mac address-table [...], show ip arp [...]: RPCs ShowMacAddressTable and ShowIpArp.
//
// The tables may hold millions of entries, and the switch's thread must keep answering its peer while
// someone lists them: the rows are collected in slices of kSlice entries (a fraction of a millisecond
// each, the switch's other work runs between them), then sorted and turned into the reply on a worker
// thread. A reader sees every entry that exists through the whole read exactly once; entries that come
// or go meanwhile may or may not be listed, as on a real switch.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "switch/core/views.h"
#include "switch/mgmt/commands.h"

namespace vpc::mgmt {

namespace {

constexpr std::size_t kSlice = 4096;

std::string arpAge(Duration age) {
  auto s = std::chrono::duration_cast<Seconds>(age).count();
  if (s < 0) s = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
  return buf;
}

// A read of one table in slices, with the rows it kept and how many entries matched.
template <class Table, class Row>
struct SlicedRead {
  explicit SlicedRead(Table& t) : table(t), cursor(t) {}
  Table& table;
  typename Table::ScanCursor cursor;
  std::vector<Row> rows;
  std::uint64_t matched = 0;

  // One slice (Backend::sliced's step): `row(key, entry)` gives an entry's row, or none when it does
  // not match; rows are kept unless only counted. A rehash restarts the read; the end and an
  // abandoned read let go of the table here, on the switch's thread.
  template <class RowOf>
  bool step(bool abandon, bool count_only, RowOf&& row) {
    if (abandon) {
      cursor.detach();
      return true;
    }
    if (cursor.restarting()) {
      rows.clear();
      matched = 0;
    }
    const bool end = table.scan(cursor, kSlice, [&](const auto& key, const auto& entry) {
      auto r = row(key, entry);
      if (!r) return;
      ++matched;
      if (!count_only) rows.push_back(std::move(*r));
    });
    if (end) cursor.detach();
    return end;
  }
};

void showMac(Backend& sw, const v1::ShowMacRequest& req, v1::ShowMacReply* reply, const Done& done) {
  MacFilter filter;
  if (req.vlan() > kMaxVlan) return invalid(done, "vlan " + std::to_string(req.vlan()) + " out of range 1-4094");
  filter.vlan = static_cast<std::uint16_t>(req.vlan());
  if (!req.address().empty()) {
    auto m = MacAddress::parse(req.address());
    if (!m) return invalid(done, "field 'address': not a MAC address (such as 0050.56aa.0001)");
    filter.mac = *m;
  }
  if (!req.interface().empty()) {
    if (auto i = InterfaceId::parse(req.interface())) filter.iface = *i;
    else if (req.interface() == "vPC Peer-Link" || req.interface() == "peer-link") filter.iface = InterfaceId::peerLink();
    else return invalid(done, "field 'interface': not an interface name (such as Ethernet1/5, port-channel10)");
  }
  if (req.type() == "static") filter.is_static = true;
  else if (req.type() == "dynamic") filter.is_static = false;
  else if (!req.type().empty()) return invalid(done, "type must be 'static' or 'dynamic'");
  const bool count_only = req.count_only();
  const TimePoint now = sw.now();
  auto& tables = sw.tables();
  auto read = std::make_shared<SlicedRead<MacTable, MacRow>>(tables.macs());
  if (!count_only) read->rows.reserve(filter.mac ? 16 : tables.macs().size());
  sw.sliced(
      [read, filter, now, count_only, &tables](bool abandon) {
        return read->step(abandon, count_only, [&](std::uint64_t key, const MacTable::Entry& e) {
          return macRow(tables, key, e, filter, now);
        });
      },
      [read, reply, done, count_only](bool complete) {
        if (!complete) return done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down"));
        reply->set_total(read->matched);
        if (!count_only) {
          auto& rows = read->rows;
          std::sort(rows.begin(), rows.end(), [](const MacRow& a, const MacRow& b) {
            return a.vlan != b.vlan ? a.vlan < b.vlan : a.mac < b.mac;
          });
          reply->mutable_entries()->Reserve(static_cast<int>(rows.size()));
          for (const auto& row : rows) {
            auto* e = reply->add_entries();
            e->set_vlan(row.vlan);
            e->set_mac(row.mac.dotted());
            e->set_type(row.is_static ? "static" : "dynamic");
            e->set_age(row.age_s);
            e->set_port(row.port.shortName());
            e->set_flag(std::string(1, row.flag));
          }
        }
        done(grpc::Status::OK);
      });
}

v1::ShowMacRequest macRequest(const grammar::Match& m) {
  v1::ShowMacRequest req;
  if (m.hasValue("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
  if (m.hasValue("address")) req.set_address(m.text("address"));
  if (m.hasValue("interface")) req.set_interface(m.text("interface"));
  if (m.has("dynamic")) req.set_type("dynamic");
  if (m.has("static")) req.set_type("static");
  req.set_count_only(m.has("count"));
  return req;
}

std::string renderMac(const grammar::Match& m, const v1::ShowMacReply& r) {
  if (m.has("count")) return fmt::format("Total MAC Addresses for this criterion: {}\n", r.total());
  std::string out;
  out += "Legend:\n";
  out += "        * - primary entry, G - Gateway MAC, (R) - Routed MAC, O - Overlay MAC\n";
  out += "        age - seconds since last seen,+ - primary entry using vPC Peer-Link,\n";
  out += "        (T) - True, (F) - False, C - ControlPlane MAC, ~ - vsan\n";
  out += "   VLAN     MAC Address      Type      age     Secure NTFY Ports\n";
  out += "---------+-----------------+--------+---------+------+----+------------------\n";
  out.reserve(out.size() + static_cast<std::size_t>(r.entries_size()) * 80);
  for (const auto& e : r.entries()) {
    const std::string age = e.type() == "static" ? "-" : std::to_string(e.age());
    fmt::format_to(std::back_inserter(out), "{}{:>5}     {:<14}   {:<9}{:<10}{:<7}{:<5}{}\n", e.flag(), e.vlan(), e.mac(),
                   e.type(), age, "F", "F", e.port());
  }
  return out;
}

void showArp(Backend& sw, const v1::ShowArpRequest& req, v1::ShowArpReply* reply, const Done& done) {
  if (req.vlan() > kMaxVlan) return invalid(done, "vlan " + std::to_string(req.vlan()) + " out of range 1-4094");
  const auto vlan = static_cast<std::uint16_t>(req.vlan());
  const bool count_only = req.count_only();
  const TimePoint now = sw.now();
  auto read = std::make_shared<SlicedRead<ArpTable, ArpRow>>(sw.tables().arps());
  sw.sliced(
      [read, vlan, now, count_only](bool abandon) {
        return read->step(abandon, count_only,
                          [&](std::uint32_t ip, const ArpTable::Entry& e) { return arpRow(ip, e, vlan, now); });
      },
      [read, reply, done, count_only](bool complete) {
        if (!complete) return done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down"));
        reply->set_context("default");
        reply->set_total(read->matched);
        if (!count_only) {
          auto& rows = read->rows;
          std::sort(rows.begin(), rows.end(), [](const ArpRow& a, const ArpRow& b) { return a.ip < b.ip; });
          for (const auto& row : rows) {
            auto* e = reply->add_entries();
            e->set_ip(row.ip.str());
            e->set_mac(row.mac.dotted());
            e->set_interface(InterfaceId::vlan(row.vlan).longName());
            e->set_age(arpAge(row.age));
            e->set_flags(row.synced ? "+" : "");
          }
        }
        done(grpc::Status::OK);
      });
}

v1::ShowArpRequest arpRequest(const grammar::Match& m) {
  v1::ShowArpRequest req;
  if (m.hasValue("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
  return req;
}

std::string renderArp(const grammar::Match&, const v1::ShowArpReply& r) {
  std::string out;
  out += "\nFlags: * - Adjacencies learnt on non-active FHRP router\n";
  out += "       + - Adjacencies synced via CFSoE\n";
  out += "       # - Adjacencies Throttled for Glean\n";
  out += "       CP - Added via L2RIB, Control plane Adjacencies\n";
  out += "       PS - Added via L2RIB, Peer Sync\n";
  out += "       RO - Re-Originated Peer Sync Entry\n";
  out += "       D - Static Adjacencies attached to down interface\n\n";
  out += "IP ARP Table for context " + (r.context().empty() ? std::string("default") : r.context()) + "\n";
  out += fmt::format("Total number of entries: {}\n", r.total());
  out += "Address         Age       MAC Address     Interface       Flags\n";
  for (const auto& e : r.entries()) {
    std::string line = fmt::format("{:<16}{:<10}{:<16}{:<16}{}", e.ip(), e.age(), e.mac(), e.interface(), e.flags());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

void addTableShows(Registry& r) {
  r.rpc<v1::ShowMacRequest, v1::ShowMacReply>("ShowMacAddressTable", showMac);
  r.verb(kShowMac,
         "show mac address-table { vlan <vlan:1-4094> | address <address:mac> | interface <interface:interface> | "
         "dynamic | static | count }*",
         "MAC address table", Verb::Kind::Show, &v1::Management::Stub::ShowMacAddressTable, macRequest, renderMac);
  r.rpc<v1::ShowArpRequest, v1::ShowArpReply>("ShowIpArp", showArp);
  r.verb(kShowIpArp, "show ip arp [ vlan <vlan:1-4094> ]", "ARP table", Verb::Kind::Show,
         &v1::Management::Stub::ShowIpArp, arpRequest, renderArp);
}

}  // namespace vpc::mgmt
