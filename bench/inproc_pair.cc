#include "bench/inproc_pair.h"

#include <unistd.h>

#include <stdexcept>

#include <fmt/format.h>

#include "bench/bench.h"
#include "labs/lab/files.h"
#include "switch/core/config_parser.h"

namespace vpc::bench {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

std::string InProcessPair::block() { return fmt::format("127.3.{}.", 1 + ::getpid() % 200); }

InProcessPair::InProcessPair(const std::function<void(int i, std::string& text)>& edit) {
  const std::string block = InProcessPair::block();
  for (int i = 0; i < 2; ++i) {
    const std::string file = sourceDir() + "/labs/topologies/pair/leaf" + std::to_string(i + 1) + ".cfg";
    bool read = false;
    const std::string sample = lab::readWholeFile(file, &read);
    if (!read) throw std::runtime_error("cannot read " + file);
    std::string text = replaceAll(sample, "127.0.1.", block);
    if (edit) edit(i, text);
    text += "vpc domain 10\n  delay restore 0\n  delay restore interface-vlan 0\n";
    auto parsed = parseConfig(text, file);
    if (!parsed.config) throw std::runtime_error(parsed.error->format());
    sw_[i].d = std::make_unique<daemon::Daemon>(*sw_[i].io, *parsed.config, daemon::DaemonOptions{});
    if (auto st = sw_[i].d->start(); !st) throw std::runtime_error(st.error().message);
  }
  for (auto& s : sw_) s.thread = std::thread([io = s.io.get()] { io->run(); });
}

InProcessPair::~InProcessPair() {
  for (auto& s : sw_) boost::asio::post(*s.io, [d = s.d.get()] { d->shutdown("benchmark over"); });
  for (auto& s : sw_) s.thread.join();
}

bool InProcessPair::established() {
  for (int i = 0; i < 2; ++i)
    if (onIo(io(i), [&] { return d(i).node().sessionState(); }) != SessionState::Established) return false;
  return true;
}

}  // namespace vpc::bench
