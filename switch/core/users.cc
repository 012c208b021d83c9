#include "switch/core/users.h"

#include <crypt.h>

#include <cstdint>
#include <cstring>

namespace vpc {

namespace {

// crypt's alphabet for salts.
constexpr char kSaltChars[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string saltFor(std::string_view user) {
  // FNV-1a of the name, spread over 16 salt characters.
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : user) h = (h ^ c) * 1099511628211ull;
  std::string salt;
  for (int i = 0; i < 16; ++i) {
    salt += kSaltChars[h % 64];
    h = h / 64 ^ (h * 0x9E3779B97F4A7C15ull);
  }
  return salt;
}

std::string cryptWith(std::string_view clear, const std::string& setting) {
  struct crypt_data data;
  std::memset(&data, 0, sizeof data);
  const std::string key(clear);
  const char* out = crypt_r(key.c_str(), setting.c_str(), &data);
  if (!out || out[0] == '*') return {};
  return out;
}

}  // namespace

const char* roleName(UserRole r) { return r == UserRole::NetworkAdmin ? "network-admin" : "network-operator"; }

std::string hashPassword(std::string_view user, std::string_view clear) {
  return cryptWith(clear, "$5$" + saltFor(user) + "$");
}

bool validHash(std::string_view hash) {
  if (hash.size() < 5 || hash.substr(0, 3) != "$5$") return false;
  const auto dollar = hash.find('$', 3);
  if (dollar == std::string_view::npos || dollar == 3 || dollar - 3 > 16) return false;
  const auto digest = hash.substr(dollar + 1);
  if (digest.size() != 43) return false;
  for (const char c : hash.substr(3))
    if (c != '$' && !std::strchr(kSaltChars, c)) return false;
  return true;
}

bool passwordMatches(const UserConfig& u, std::string_view clear) {
  if (u.password_hash.empty()) return false;
  const std::string mine = cryptWith(clear, u.password_hash);
  if (mine.size() != u.password_hash.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < mine.size(); ++i) diff |= static_cast<unsigned char>(mine[i] ^ u.password_hash[i]);
  return diff == 0;
}

bool mayChangeState(UserRole r) { return r == UserRole::NetworkAdmin; }

}  // namespace vpc
