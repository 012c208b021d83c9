// `vpclab serve LAB`: a live web page of one lab for a class. The pair drawn live (roles, peer-link and
// keepalive, vPC legs, hosts' bond legs), the event feed with reason chains, the timeline growing as it
// happens, each switch's `show` commands a click away, and what a drill run prints.
//
// Read-only by default: anyone who opens the page watches and may run `show` commands (as a
// network-operator: nothing a viewer types changes a switch). Whoever holds the instructor token
// (`--token`, passed in the page's address as ?token=...) also gets the fault buttons, and runs drills
// of the catalog in the lab's name, step by step with a Next button (`vpclab run --step-from-page`).
// A `vpclab run --step --name LAB` started in a terminal shows its question on the page too, and the
// page's Next runs its step as Enter does.
//
// HTTP and WebSocket with Boost.Beast, one thread per connection (few viewers: a class, not the web).
//   GET  /                 the page              GET  /ws            state and events as they happen
//   GET  /api/state        the latest state      GET  /api/show?node=N&cmd=C   a show command's text
//   POST /api/fault        fault words (token)   POST /api/run       {"drill": F, "step": bool} (token)
//   POST /api/next         the step's Next       POST /api/stop      stop the drill the page started
//   POST /api/traffic      {"from", "to", "rate", "seconds"}: a flow between two hosts (token)
#pragma once

#include <string>

namespace vpc::lab {

struct ServeOptions {
  std::string lab;
  std::string address = "127.0.0.1";  // loopback unless asked: the page can run show commands
  int port = 8080;                    // 0: any free port (printed)
  std::string token;                  // "" = read-only for everyone
  std::string drills_dir = "labs/drills";
  std::string out_dir = "vpclab-out";  // where drills run from the page write their reports
};

// Serves until SIGINT or SIGTERM. Returns the exit code (2: bad options, 3: cannot listen).
int serveLab(const ServeOptions& options);

// "a%20b+c" -> "a b c" (a query string's value); nullopt-free: bad escapes stay as they are.
std::string urlDecode(const std::string& s);
// The value of `key` in "a=1&b=2", decoded ("" when absent).
std::string queryValue(const std::string& query, const std::string& key);

}  // namespace vpc::lab
