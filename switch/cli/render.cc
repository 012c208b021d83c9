#include "switch/cli/render.h"

#include <algorithm>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

namespace vpc::cli {

namespace {

// "label<padding>: value" with the label column `width` wide, as NX-OS prints it.
std::string field(const std::string& label, const std::string& value, std::size_t width) {
  return fmt::format("{:<{}}: {}\n", label, width, value);
}

std::string secondsMsec(double s) {
  const auto ms_total = static_cast<long long>(s * 1000.0 + 0.5);
  return fmt::format("({}) seconds, ({}) msec", ms_total / 1000, ms_total % 1000);
}

// Prints rows whose cells may wrap onto several lines: widths[i] is the column width including the
// gap after it (the last column is unbounded).
std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<std::size_t>& widths,
                  const std::vector<std::size_t>& wrap_at) {
  std::string out;
  for (const auto& row : rows) {
    std::vector<std::vector<std::string>> cells;
    std::size_t lines = 1;
    for (std::size_t c = 0; c < row.size(); ++c) {
      cells.push_back(wrap_at[c] ? wrap(row[c], wrap_at[c]) : std::vector<std::string>{row[c]});
      if (cells.back().empty()) cells.back().push_back("");
      lines = std::max(lines, cells.back().size());
    }
    for (std::size_t l = 0; l < lines; ++l) {
      std::string line;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string& text = l < cells[c].size() ? cells[c][l] : std::string();
        if (c + 1 < cells.size()) line += fmt::format("{:<{}}", text, widths[c]);
        else line += text;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string rest = text;
  while (rest.size() > width) {
    std::size_t cut = std::string::npos;
    for (std::size_t i = std::min(width, rest.size() - 1); i > 0; --i) {
      if (rest[i] == ' ') {
        cut = i;
        break;
      }
      if (rest[i - 1] == ',') {
        cut = i;
        break;
      }
    }
    if (cut == std::string::npos || cut == 0) cut = width;
    std::string head = rest.substr(0, cut);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    lines.push_back(head);
    rest = rest.substr(cut);
    while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
  }
  if (!rest.empty() || lines.empty()) lines.push_back(rest);
  return lines;
}

std::string renderShowVpc(const v1::ShowVpcReply& r) {
  constexpr std::size_t w = 34;
  std::string out;
  out += "Legend:\n";
  out += "                (*) - local vPC is down, forwarding via vPC peer-link\n\n";
  out += field("vPC domain id", std::to_string(r.domain_id()), w);
  out += field("Peer status", r.peer_status(), w);
  out += field("vPC keep-alive status", r.keepalive_status(), w);
  out += field("Configuration consistency status", r.consistency_status(), w);
  out += field("Per-vlan consistency status", r.per_vlan_consistency_status(), w);
  if (!r.consistency_reason().empty()) out += field("Configuration inconsistency reason", r.consistency_reason(), w);
  out += field("Type-2 consistency status", r.type2_consistency_status(), w);
  if (r.type2_consistency_status() != "success" && !r.consistency_reason().empty())
    out += field("Type-2 inconsistency reason", r.consistency_reason(), w);
  out += field("vPC role", r.role(), w);
  out += field("Number of vPCs configured", std::to_string(r.number_of_vpcs()), w);
  out += field("Peer Gateway", r.peer_gateway(), w);
  out += field("Dual-active excluded VLANs", r.dual_active_excluded_vlans(), w);
  out += field("Graceful Consistency Check", r.graceful_consistency_check(), w);
  out += field("Auto-recovery status", r.auto_recovery_status(), w);
  out += field("Delay-restore status", r.delay_restore_status(), w);
  out += field("Delay-restore SVI status", r.delay_restore_svi_status(), w);
  out += field("Delay-restore Orphan-port status", r.delay_restore_orphan_status(), w);
  out += field("Operational Layer3 Peer-router", r.operational_l3_peer_router(), w);
  out += field("Virtual-peerlink mode", r.virtual_peerlink_mode(), w);
  if (r.time_scale() != 1.0) out += field("Timers scaled by (emulator)", fmt::format("{:g}", r.time_scale()), w);
  out += "\n";
  if (r.has_peer_link()) {
    const auto& pl = r.peer_link();
    out += "vPC Peer-link status\n";
    out += "---------------------------------------------------------------------\n";
    out += "id    Port   Status Active vlans\n";
    out += "--    ----   ------ -------------------------------------------------\n";
    out += table({{std::to_string(pl.id()), pl.port(), pl.status(), pl.active_vlans()}}, {6, 7, 7, 0}, {0, 0, 0, 49});
    if (!pl.reason().empty()) out += "      Reason: " + pl.reason() + "\n";
    out += "\n";
  }
  out += "vPC status\n";
  out += "----------------------------------------------------------------------------\n";
  out += "Id    Port          Status Consistency Reason                Active vlans\n";
  out += "--    ------------  ------ ----------- ------                ---------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.vpcs())
    rows.push_back({std::to_string(v.id()), v.port(), v.status(), v.consistency(), v.reason(), v.active_vlans()});
  out += table(rows, {6, 14, 7, 12, 22, 0}, {0, 0, 0, 11, 21, 15});
  out += "\n";
  out += "Please check \"show vpc consistency-parameters vpc <vpc-num>\" for the\n";
  out += "consistency reason of down vpc and for type-2 consistency reasons for\n";
  out += "any vpc.\n";
  return out;
}

std::string renderShowVpcRole(const v1::ShowVpcRoleReply& r) {
  constexpr std::size_t w = 32;
  std::string out;
  out += "vPC Role status\n";
  out += "----------------------------------------------------\n";
  out += field("vPC role", r.role(), w);
  out += field("Dual Active Detection Status", std::to_string(r.dual_active_detection_status()), w);
  out += field("vPC system-mac", r.system_mac(), w);
  out += field("vPC system-priority", std::to_string(r.system_priority()), w);
  out += field("vPC local system-mac", r.local_system_mac(), w);
  out += field("vPC local role-priority", std::to_string(r.local_role_priority()), w);
  out += field("vPC local config role-priority", std::to_string(r.local_config_role_priority()), w);
  out += field("vPC peer system-mac", r.peer_system_mac().empty() ? "-" : r.peer_system_mac(), w);
  out += field("vPC peer role-priority", r.peer_system_mac().empty() ? "-" : std::to_string(r.peer_role_priority()), w);
  out += field("vPC peer config role-priority",
               r.peer_system_mac().empty() ? "-" : std::to_string(r.peer_config_role_priority()), w);
  return out;
}

std::string renderShowVpcPeerKeepalive(const v1::ShowVpcPeerKeepaliveReply& r) {
  std::string out;
  out += field("vPC keep-alive status", r.keepalive_status(), 34);
  constexpr std::size_t w = 32;
  if (r.keepalive_status() == "peer is alive") out += field("--Peer is alive for", secondsMsec(r.peer_alive_for_s()), w);
  out += field("--Send status", r.send_status(), w);
  out += field("--Last send at", r.last_send_at(), w);
  out += field("--Sent on interface", r.sent_on_interface(), w);
  out += field("--Receive status", r.receive_status(), w);
  out += field("--Last receive at", r.last_receive_at(), w);
  out += field("--Received on interface", r.received_on_interface(), w);
  out += field("--Last update from peer", r.last_receive_at().empty() ? "-" : secondsMsec(r.last_update_from_peer_s()), w);
  out += "\nvPC Keep-alive parameters\n";
  out += field("--Destination", r.destination(), w);
  out += field("--Keepalive interval", std::to_string(r.interval_ms()) + " msec", w);
  out += field("--Keepalive timeout", std::to_string(r.timeout_s()) + " seconds", w);
  out += field("--Keepalive hold timeout", std::to_string(r.hold_timeout_s()) + " seconds", w);
  out += field("--Keepalive vrf", r.vrf(), w);
  out += field("--Keepalive udp port", std::to_string(r.udp_port()), w);
  out += field("--Keepalive tos", std::to_string(r.tos()), w);
  return out;
}

std::string renderShowVpcSync(const v1::ShowVpcSyncReply& r) {
  constexpr std::size_t w = 32;
  std::string out;
  out += "vPC peer-link sync status (emulator)\n";
  out += "----------------------------------------------------\n";
  out += field("Session state", r.session_state(), w);
  out += field("Peer-link round trip", r.rtt_ms() > 0 ? fmt::format("{:.3f} ms", r.rtt_ms()) : "-", w);
  out += field("Peer-link flaps", std::to_string(r.session_flaps()), w);
  out += field("ARP synchronize", r.arp_sync() ? "Enabled (both switches)" : "Disabled", w);
  out += field("MAC entries (local/peer)", fmt::format("{} / {}", r.local_macs(), r.peer_macs()), w);
  out += field("ARP entries (local/peer)", fmt::format("{} / {}", r.local_arps(), r.peer_arps()), w);
  out += field("Logical MAC view", fmt::format("{} assertions, digest {}", r.logical_macs(), r.logical_mac_digest()), w);
  out += field("Logical ARP view", fmt::format("{} assertions, digest {}", r.logical_arps(), r.logical_arp_digest()), w);
  out += "\n";
  const auto& tx = r.tx();
  const auto& rx = r.rx();
  auto row = [](const std::string& label, const std::string& a, const std::string& b) {
    return fmt::format("{:<24}{:<22}{}\n", label, a, b);
  };
  auto num = [](std::uint64_t v) { return std::to_string(v); };
  auto bulk = [](const v1::SyncDirection& d) {
    if (d.bulk_state() == "idle") return std::string("-");
    return fmt::format("{}, {} rec{}", d.bulk_state(), d.bulk_records(),
                       d.last_bulk_ms() > 0 ? fmt::format(", {:.1f} ms", d.last_bulk_ms()) : "");
  };
  out += row("", "Sent to peer", "Received from peer");
  out += row("Batches", num(tx.batches()), num(rx.batches()));
  out += row("Records", num(tx.records()), num(rx.records()));
  out += row("Acknowledged records", num(tx.acked_records()), "-");
  out += row("Pending (not acked)", num(tx.pending_records()), "-");
  out += row("Queued (not sent)", num(tx.queued_records()), "-");
  out += row("Last sequence", num(tx.last_seq()), num(rx.last_seq()));
  out += row("Acked sequence", num(tx.acked_seq()), "-");
  out += row("Bulk snapshots", num(tx.bulk_syncs()), num(rx.bulk_syncs()));
  out += row("Last bulk snapshot", bulk(tx), bulk(rx));
  out += row("Resyncs", num(tx.resyncs()), num(rx.resyncs()));
  out += row("Sequence gaps", "-", num(rx.gaps()));
  out += row("Malformed messages", "-", num(rx.malformed()));
  if (!tx.last_resync_reason().empty())
    out += field("Last resync (asked by peer)", tx.last_resync_at() + " " + tx.last_resync_reason(), w);
  if (!rx.last_resync_reason().empty())
    out += field("Last resync (asked by us)", rx.last_resync_at() + " " + rx.last_resync_reason(), w);
  if (r.recent_messages_size()) {
    out += "\nRecent peer-link messages (oldest first)\n";
    for (const auto& m : r.recent_messages()) out += "  " + m + "\n";
  }
  return out;
}

std::string renderShowMac(const v1::ShowMacReply& r, bool count_only) {
  if (count_only) return fmt::format("Total MAC Addresses for this criterion: {}\n", r.total());
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

std::string renderShowIpArp(const v1::ShowArpReply& r) {
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

std::string renderShowVersion(const v1::InfoReply& r) {
  std::string out;
  out += "vpclab - Cisco Nexus vPC emulator\n";
  out += field("  version", r.version(), 20);
  out += field("  hostname", r.hostname(), 20);
  out += field("  uptime", fmt::format("{:.1f} s", r.uptime_s()), 20);
  out += field("  timers scaled by", fmt::format("{:g}", r.time_scale()), 20);
  out += field("  management", r.management_address(), 20);
  out += field("  peer-link", r.peer_link_address().empty() ? "-" : r.peer_link_address(), 20);
  out += field("  peer-keepalive", r.keepalive_address().empty() ? "-" : r.keepalive_address(), 20);
  out += field("  pid", std::to_string(r.pid()), 20);
  return out;
}

std::string renderShowVpcConsistency(const v1::ShowVpcConsistencyReply& r) {
  std::string out;
  out += "    Legend:\n";
  if (r.scope() == "vpc")
    out += "        Type 1 : vPC will be suspended in case of mismatch for down vpc\n\n";
  else
    out += "        Type 1 : vPC will be suspended in case of mismatch\n\n";
  out += "Name                        Type  Local Value            Peer Value\n";
  out += "-------------               ----  ---------------------- -----------------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.rows()) rows.push_back({row.name(), row.type(), row.local_value(), row.peer_value()});
  out += table(rows, {28, 6, 23, 0}, {27, 0, 22, 23});
  return out;
}

std::string renderShowVpcKeepaliveStatistics(const v1::ShowVpcPeerKeepaliveReply& r) {
  std::string out = field("vPC keep-alive status", r.keepalive_status(), 34);
  out += "\nvPC keep-alive statistics\n";
  out += "----------------------------------------------------\n";
  auto line = [](const std::string& label, const std::string& value) {
    return fmt::format("{:<42}{}\n", label, value);
  };
  out += line("peer-keepalive tx count:", std::to_string(r.tx_count()));
  out += line("peer-keepalive tx fail count:", std::to_string(r.tx_failures()));
  out += line("peer-keepalive rx count:", std::to_string(r.rx_count()));
  out += line("average interval for peer rx:",
              r.average_rx_interval_ms() > 0 ? fmt::format("{:.0f}", r.average_rx_interval_ms()) : "-");
  out += line("Count of peer state changes:", std::to_string(r.state_changes()));
  out += line("bad datagrams (emulator):", std::to_string(r.bad_datagrams()));
  return out;
}

std::string renderShowInterfaceStatus(const v1::ShowInterfaceStatusReply& r) {
  std::string out;
  const std::string rule(80, '-');
  out += rule + "\n";
  out += "Port          Name               Status    Vlan      Duplex  Speed   Type\n";
  out += rule + "\n";
  for (const auto& i : r.interfaces()) {
    std::string line = fmt::format("{:<14}{:<19}{:<10}{:<10}{:<8}{:<8}{}", i.port(), i.name().substr(0, 18),
                                   i.status(), i.vlan(), i.duplex(), i.speed(), i.type());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string renderShowVpcOrphanPorts(const v1::ShowVpcOrphanPortsReply& r) {
  std::string out;
  out += "Note:\n";
  out += "--------::Going through port database. Please be patient.::--------\n\n";
  out += "VLAN  Orphan Ports\n";
  out += "----  -------------------------------------------------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.vlans()) {
    std::string ports;
    for (const auto& p : v.ports()) ports += (ports.empty() ? "" : ", ") + p;
    rows.push_back({std::to_string(v.vlan()), ports});
  }
  out += table(rows, {6, 0}, {0, 55});
  return out;
}

std::string renderShowPortChannelSummary(const v1::ShowPortChannelSummaryReply& r) {
  std::string out;
  out += "Flags:  D - Down        P - Up in port-channel (members)\n";
  out += "        I - Individual  H - Hot-standby (LACP only)\n";
  out += "        s - Suspended   r - Module-removed\n";
  out += "        b - BFD Session Wait\n";
  out += "        S - Switched    R - Routed\n";
  out += "        U - Up (port-channel)\n";
  out += "        p - Up in delay-lacp mode (member)\n";
  out += "        M - Not in use. Min-links not met\n";
  out += "--------------------------------------------------------------------------------\n";
  out += "Group Port-       Type     Protocol  Member Ports\n";
  out += "      Channel\n";
  out += "--------------------------------------------------------------------------------\n";
  for (const auto& c : r.channels()) {
    // Three members to a line; further lines start under the first member (column 38).
    std::string line = fmt::format("{:<6}{:<12}{:<9}{:<10}", c.group(), c.port() + "(" + c.flags() + ")", c.type(),
                                   c.protocol());
    for (int i = 0; i < c.members_size(); ++i) {
      if (i > 0 && i % 3 == 0) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        line = std::string(37, ' ');
      }
      line += fmt::format("{:<13}", c.members(i).port() + "(" + c.members(i).flag() + ")");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string renderShowRunningConfig(const v1::ShowRunningConfigReply& r) { return r.text(); }

std::string renderShowVpcHistory(const std::vector<v1::Event>& events) {
  std::string out;
  out += "vPC history (oldest first; times UTC)\n";
  out += "--------------------------------------------------------------------------------\n";
  for (const auto& e : events) {
    if (e.kind() == "reason")
      out += fmt::format("{}  {:<18} reason: {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(),
                         e.to());
    else
      out += fmt::format("{}  {:<18} {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(), e.to());
    if (!e.reason().empty()) {
      for (const auto& line : wrap("<- " + e.reason(), 100)) out += "      " + line + "\n";
    }
  }
  return out;
}

std::string renderShowPeerLinkMessages(const v1::ShowPeerLinkMessagesReply& r) {
  std::string out;
  out += "Time                      Dir  Type               Bytes  Summary\n";
  out += "------------------------  ---  -----------------  -----  -----------------------------------\n";
  for (const auto& m : r.messages())
    out += fmt::format("{:<26}{:<5}{:<19}{:<7}{}\n", m.time(), m.direction(), m.type(), m.bytes(), m.summary());
  return out;
}

std::string renderExplain(const v1::ExplainReply& r) {
  std::string out;
  out += r.subject() + ": " + r.status() + "\n";
  if (!r.reason().empty()) out += "Reason: " + r.reason() + "\n";
  if (r.reason_chain_size()) {
    out += "\nCause chain (most immediate first):\n";
    for (int i = 0; i < r.reason_chain_size(); ++i)
      out += std::string(i == 0 ? "  " : "  <- ") + r.reason_chain(i) + "\n";
  }
  if (r.rules_size()) {
    out += "\nRules that applied:\n";
    for (const auto& rule : r.rules()) {
      const auto lines = wrap(rule, 96);
      for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "  - " : "    ") + lines[i] + "\n";
    }
  }
  if (r.events_size()) {
    out += "\nWhat happened (oldest first):\n";
    for (const auto& e : r.events()) {
      out += fmt::format("  {}  {:<15} {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(), e.to());
      if (!e.reason().empty())
        for (const auto& line : wrap("<- " + e.reason(), 96)) out += "        " + line + "\n";
    }
  }
  return out;
}

std::string toJson(const google::protobuf::Message& m, bool pretty) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  opts.add_whitespace = pretty;
  (void)google::protobuf::util::MessageToJsonString(m, &json, opts);
  if (!pretty && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace vpc::cli
