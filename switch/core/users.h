// NX-OS users: `username NAME password [0|5] SECRET role ROLE` and `username NAME sshkey KEY`, the
// password kept as NX-OS keeps it (type 5: SHA-256 crypt, "$5$salt$hash"), and what each role may do.
// Users log in over SSH and NX-API; the gRPC management API is the lab operator's and has no users.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vpc {

enum class UserRole { NetworkAdmin, NetworkOperator };

struct UserConfig {
  std::string name;
  std::string password_hash;             // "$5$salt$hash"; empty: no password login (keys only)
  UserRole role = UserRole::NetworkOperator;     // NX-OS's default for a new user
  std::vector<std::string> ssh_keys;     // "ssh-rsa AAAA... [comment]", as typed after `sshkey`
  int line = 0;                          // where it was configured
  bool operator==(const UserConfig& o) const {
    return name == o.name && password_hash == o.password_hash && role == o.role && ssh_keys == o.ssh_keys;
  }
};

const char* roleName(UserRole r);  // "network-admin" | "network-operator"

// The type-5 form of a clear-text password. The salt is derived from the user name, so the same
// configuration always writes the same running-config (NX-OS draws a random one; docs/configuration.md).
std::string hashPassword(std::string_view user, std::string_view clear);
// A stored "$5$..." string as NX-OS accepts it after `password 5`.
bool validHash(std::string_view hash);
// Whether `clear` is the user's password (constant-time compare of the hashes).
bool passwordMatches(const UserConfig& u, std::string_view clear);

// What a role may do: network-operator reads (show, and the exec words that change nothing);
// network-admin also configures and runs the commands that change state.
bool mayChangeState(UserRole r);

}  // namespace vpc
