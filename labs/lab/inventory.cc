#include "labs/lab/inventory.h"

#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "labs/lab/files.h"

namespace vpc::lab {

namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The node's user and password: the source config's lines (a node's config may be several files).
struct Login {
  std::string user, password, host;
  int port = 22;
};

Login loginOf(const v1::LabNode& n) {
  Login l;
  l.user = n.ssh_user();
  const auto colon = n.ssh().rfind(':');
  l.host = n.ssh().substr(0, colon);
  l.port = std::stoi(n.ssh().substr(colon + 1));
  std::string text;
  for (const auto& f : configFiles(n.source_config())) {
    bool ok = false;
    text += readWholeFile(f, &ok) + "\n";
  }
  l.password = clearPassword(text, l.user);
  return l;
}

}  // namespace

std::string clearPassword(const std::string& config_text, const std::string& user) {
  std::istringstream in(config_text);
  std::string found;
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    if (w.size() < 4 || w[0] != "username" || w[1] != user || w[2] != "password") continue;
    if (w[3] == "5") found.clear();
    else if (w[3] == "0") found = w.size() > 4 ? w[4] : "";
    else found = w[3];
  }
  return found;
}

std::string ansibleInventory(const v1::LabState& lab) {
  YAML::Emitter y;
  y << YAML::Comment("vpclab lab '" + lab.name() + "' for Ansible's cisco.nxos collection (vpclab inventory " +
                     lab.name() + ")");
  y << YAML::BeginMap << YAML::Key << "all" << YAML::Value << YAML::BeginMap << YAML::Key << "children" << YAML::Value
    << YAML::BeginMap << YAML::Key << lab.name() << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "hosts" << YAML::Value << YAML::BeginMap;
  std::string user, password;
  for (const auto& n : lab.nodes()) {
    if (n.ssh().empty()) continue;
    const auto l = loginOf(n);
    if (user.empty()) {
      user = l.user;
      password = l.password;
    }
    y << YAML::Key << n.name() << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "ansible_host" << YAML::Value << l.host;
    y << YAML::Key << "ansible_port" << YAML::Value << l.port;
    y << YAML::EndMap;
  }
  y << YAML::EndMap;
  y << YAML::Key << "vars" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "ansible_connection" << YAML::Value << "ansible.netcommon.network_cli";
  y << YAML::Key << "ansible_network_os" << YAML::Value << "cisco.nxos.nxos";
  y << YAML::Key << "ansible_user" << YAML::Value << user;
  if (!password.empty()) y << YAML::Key << "ansible_password" << YAML::Value << password;
  else y << YAML::Comment("the config keeps only a hash of " + user + "'s password: set ansible_password");
  y << YAML::Key << "ansible_host_key_checking" << YAML::Value << false;
  y << YAML::Comment("each lab makes its switches' host keys");
  // NX-API, for tasks run with `ansible_connection: ansible.netcommon.httpapi`.
  y << YAML::Key << "ansible_httpapi_port" << YAML::Value << 80;
  y << YAML::Key << "ansible_httpapi_use_ssl" << YAML::Value << false;
  y << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

std::string netmikoDevices(const v1::LabState& lab) {
  YAML::Emitter y;
  y << YAML::Comment("vpclab lab '" + lab.name() + "' for Netmiko: ConnectHandler(**devices[NAME])");
  y << YAML::BeginMap;
  for (const auto& n : lab.nodes()) {
    if (n.ssh().empty()) continue;
    const auto l = loginOf(n);
    y << YAML::Key << n.name() << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "device_type" << YAML::Value << "cisco_nxos";
    y << YAML::Key << "host" << YAML::Value << l.host;
    y << YAML::Key << "port" << YAML::Value << l.port;
    y << YAML::Key << "username" << YAML::Value << l.user;
    y << YAML::Key << "password" << YAML::Value << l.password;
    y << YAML::EndMap;
  }
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace vpc::lab
