#include "labs/core/host_plan.h"

namespace vpc::lab {

std::string netnsOf(const std::string& lab, const std::string& host) { return "vpclab-" + lab + "-" + host; }
std::string bondOf(std::uint32_t slot, std::size_t index) {
  return "bd" + std::to_string(slot) + "h" + std::to_string(index);
}
std::string ovsControlOf(const std::string& lab_dir) { return lab_dir + "/ovs/ovs-vswitchd.ctl"; }
std::string legOf(std::uint32_t slot, std::size_t index, std::size_t link) {
  return "vb" + std::to_string(slot) + "h" + std::to_string(index) + "l" + std::to_string(link);
}

std::map<std::string, BondLeg> parseBondLegs(const std::string& bond_show, const std::string& lacp_show) {
  std::map<std::string, BondLeg> legs;
  auto lines = [](const std::string& text, auto each) {
    std::size_t at = 0;
    while (at < text.size()) {
      const auto end = text.find('\n', at);
      each(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
      if (end == std::string::npos) break;
      at = end + 1;
    }
  };
  // bond/show: "member vb1h0l0: enabled"
  lines(bond_show, [&](const std::string& l) {
    if (l.rfind("member ", 0) != 0) return;
    const auto colon = l.find(": ", 7);
    if (colon == std::string::npos) return;
    legs[l.substr(7, colon - 7)].enabled = l.compare(colon + 2, std::string::npos, "enabled") == 0;
  });
  // lacp/show: "member: vb1h0l0: current attached"
  lines(lacp_show, [&](const std::string& l) {
    if (l.rfind("member: ", 0) != 0) return;
    const auto colon = l.find(": ", 8);
    if (colon == std::string::npos) return;
    legs[l.substr(8, colon - 8)].lacp = l.substr(colon + 2);
  });
  return legs;
}

std::string enabledLegs(std::uint32_t slot, std::size_t index, const std::vector<std::string>& links,
                        const std::map<std::string, BondLeg>& legs) {
  std::string out;
  for (std::size_t j = 0; j < links.size(); ++j) {
    const auto it = legs.find(legOf(slot, index, j));
    if (it == legs.end() || !it->second.enabled) continue;
    out += (out.empty() ? "" : "+") + links[j].substr(0, links[j].find(':'));
  }
  return out.empty() ? "none" : out;
}

HostsPlan planHosts(std::uint32_t slot, const std::string& lab, const std::string& lab_dir,
                    const std::vector<HostSpec>& hosts, const std::string& sbin, const std::string& bin) {
  HostsPlan plan;
  const std::string ip = sbin + "/ip";
  const std::string s = std::to_string(slot);
  for (const auto& h : hosts)
    if (h.links.size() > 1 || h.tagged) plan.needs_ovs = true;

  if (plan.needs_ovs) {
    // Open vSwitch's userspace datapath makes a tap device named `ovs-netdev`, one per network
    // namespace: a second ovs-vswitchd in the same namespace (another lab) cannot open its datapath.
    // So each lab's vswitchd runs in a namespace of its own, with the bridge ends of the host links.
    plan.ovs_netns = "vpclab-" + lab + ".ovs";  // a host name has no '.': never a host's namespace
    plan.ovs_start.push_back({{ip, "netns", "add", plan.ovs_netns}, {ip, "netns", "del", plan.ovs_netns}});
    plan.ovs_start.push_back({{ip, "-n", plan.ovs_netns, "link", "set", "lo", "up"}, {}});
    plan.ovs_dir = lab_dir + "/ovs";
    plan.ovs_db_socket = plan.ovs_dir + "/db.sock";
    const std::string d = plan.ovs_dir;
    plan.ovs_start.push_back({{bin + "/ovsdb-tool", "create", d + "/conf.db", "/usr/share/openvswitch/vswitch.ovsschema"}, {}});
    plan.ovs_start.push_back({{sbin + "/ovsdb-server", d + "/conf.db", "--remote=punix:" + plan.ovs_db_socket,
                               "--pidfile=" + d + "/ovsdb-server.pid", "--unixctl=" + d + "/ovsdb-server.ctl",
                               "--log-file=" + d + "/ovsdb-server.log", "--detach"},
                              {bin + "/ovs-appctl", "-t", d + "/ovsdb-server.ctl", "exit"}});
    plan.ovs_start.push_back({{bin + "/ovs-vsctl", "--db=unix:" + plan.ovs_db_socket, "--no-wait", "init"}, {}});
    // OVS_RUNDIR: its bridges' management sockets go here too, not under /var/run/openvswitch.
    plan.ovs_start.push_back({{ip, "netns", "exec", plan.ovs_netns, "/usr/bin/env", "OVS_RUNDIR=" + d,
                               sbin + "/ovs-vswitchd", "unix:" + plan.ovs_db_socket,
                               "--pidfile=" + d + "/ovs-vswitchd.pid", "--unixctl=" + ovsControlOf(lab_dir),
                               "--log-file=" + d + "/ovs-vswitchd.log", "--detach"},
                              {bin + "/ovs-appctl", "-t", ovsControlOf(lab_dir), "exit", "--cleanup"}});
  }
  const std::string vsctl = bin + "/ovs-vsctl";
  const std::string db = "--db=unix:" + plan.ovs_db_socket;

  for (std::size_t hi = 0; hi < hosts.size(); ++hi) {
    const auto& h = hosts[hi];
    const std::string tag = s + "h" + std::to_string(hi);
    HostPlan hp;
    hp.name = h.name;
    hp.netns = netnsOf(lab, h.name);
    hp.ovs = h.links.size() > 1 || h.tagged;
    const std::string address = h.ip.str() + "/" + std::to_string(h.prefix);
    auto& st = plan.steps;
    st.push_back({{ip, "netns", "add", hp.netns}, {ip, "netns", "del", hp.netns}});
    st.push_back({{ip, "-n", hp.netns, "link", "set", "lo", "up"}, {}});

    // The links to the switches: the switch's end stays here, bound to its port.
    std::vector<std::string> far_ends;
    for (std::size_t li = 0; li < h.links.size(); ++li) {
      const std::string sw = "vl" + tag + "l" + std::to_string(li), far = legOf(slot, hi, li);
      st.push_back({{ip, "link", "add", sw, "type", "veth", "peer", "name", far}, {ip, "link", "del", sw}});
      st.push_back({{ip, "link", "set", sw, "up"}, {}});
      plan.bindings.push_back(
          {h.links[li].node, h.links[li].port, sw, hp.ovs ? far : "eth0", hp.ovs ? plan.ovs_netns : hp.netns});
      far_ends.push_back(far);
    }
    // The host's own interface, eth0 in its namespace: the link itself, or a port of its bridge.
    std::string into_ns = far_ends.front();
    if (hp.ovs) {
      hp.bridge = "br" + tag;
      const std::string hport = "vp" + tag, hin = "vi" + tag;
      st.push_back({{vsctl, db, "add-br", hp.bridge, "--", "set", "bridge", hp.bridge, "datapath_type=netdev"},
                    {vsctl, db, "--if-exists", "del-br", hp.bridge}});
      for (const auto& far : far_ends) {  // the bridge's ends go to the lab's OVS namespace
        st.push_back({{ip, "link", "set", far, "netns", plan.ovs_netns}, {}});
        st.push_back({{ip, "-n", plan.ovs_netns, "link", "set", far, "up"}, {}});
      }
      if (far_ends.size() == 2)  // LACP when the switches' ports speak it (mode active/passive), else static (mode on)
        st.push_back({{vsctl, db, "add-bond", hp.bridge, bondOf(slot, hi), far_ends[0], far_ends[1], "bond_mode=balance-slb",
                       h.lacp ? "lacp=active" : "lacp=off"},
                      {}});
      else
        st.push_back({{vsctl, db, "add-port", hp.bridge, far_ends[0]}, {}});
      st.push_back({{ip, "link", "add", hport, "type", "veth", "peer", "name", hin}, {ip, "link", "del", hport}});
      st.push_back({{ip, "link", "set", hport, "netns", plan.ovs_netns}, {}});
      st.push_back({{ip, "-n", plan.ovs_netns, "link", "set", hport, "up"}, {}});
      std::vector<std::string> add = {vsctl, db, "add-port", hp.bridge, hport};
      if (h.tagged) add.push_back("tag=" + std::to_string(h.vlan));  // the bridge tags towards the switches
      st.push_back({add, {}});
      into_ns = hin;
    }
    st.push_back({{ip, "link", "set", into_ns, "netns", hp.netns}, {}});
    st.push_back({{ip, "-n", hp.netns, "link", "set", into_ns, "name", "eth0"}, {}});
    st.push_back({{ip, "-n", hp.netns, "addr", "add", address, "dev", "eth0"}, {}});
    st.push_back({{ip, "-n", hp.netns, "link", "set", "eth0", "up"}, {}});
    // A host's kernel leaves UDP/TCP checksums to the "NIC" (veth offload); the frames cross packet
    // sockets on their way (the switches, Open vSwitch), so the host computes them itself.
    st.push_back({{ip, "netns", "exec", hp.netns, sbin + "/ethtool", "-K", "eth0", "tx", "off"}, {}});
    plan.hosts.push_back(std::move(hp));
  }
  return plan;
}

}  // namespace vpc::lab
