// NX-API's request formats against a fake switch: ins_api and JSON-RPC in, NX-OS's layouts out.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "switch/cli/nxapi.h"
#include "switch/mgmt/registry.h"

using namespace vpc;
using namespace vpc::cli;
using Json = nlohmann::json;

namespace {
struct Fake : ShellBackend {
  std::vector<std::vector<std::string>> configured;
  ExecOutcome exec(const grammar::Match&, OutputFormat f) override {
    if (f == OutputFormat::Text) return {0, "vPC role : primary\n", ""};
    return {0, "{\"vpc-role\": \"primary\"}\n", ""};
  }
  ConfigureOutcome configure(const std::vector<std::string>& lines) override {
    configured.push_back(lines);
    if (lines.back() == "mtu 1") return {false, {}, "value 1 out of range 576-9216"};
    return {true, {}, {}};
  }
};

Json insApi(Shell& sh, const std::string& type, const std::string& input) {
  const Json req{{"ins_api", {{"version", "1.0"}, {"type", type}, {"chunk", "0"}, {"sid", "1"}, {"input", input},
                              {"output_format", "json"}}}};
  const auto r = nxapiRequest("application/json", req.dump(), sh);
  REQUIRE(r.http_status == 200);
  return Json::parse(r.body)["ins_api"];
}
}  // namespace

TEST_CASE("NX-API ins_api: cli_show bodies are JSON, cli_show_ascii text, one output an object", "[nxapi][unit]") {
  Fake sw;
  Shell sh("leaf1", sw);
  auto one = insApi(sh, "cli_show", "show vpc");
  CHECK(one["sid"] == "eoc");
  CHECK(one["outputs"]["output"]["code"] == "200");
  CHECK(one["outputs"]["output"]["body"]["vpc-role"] == "primary");
  auto two = insApi(sh, "cli_show_ascii", "show vpc ;show vpc | include role");
  REQUIRE(two["outputs"]["output"].is_array());
  CHECK(two["outputs"]["output"][1]["body"] == "vPC role : primary\n");
  auto bad = insApi(sh, "cli_show", "show vpc ;show frobnicate ;show vpc");
  REQUIRE(bad["outputs"]["output"].size() == 2);  // stops at the error
  CHECK(bad["outputs"]["output"][1]["code"] == "400");
  CHECK(bad["outputs"]["output"][1]["msg"] == "Input CLI command error");
  CHECK(bad["outputs"]["output"][1]["clierror"].get<std::string>().find("% Invalid command") != std::string::npos);
}

TEST_CASE("NX-API ins_api: cli_conf applies lines in their modes, refusals are 400s", "[nxapi][unit]") {
  Fake sw;
  Shell sh("leaf1", sw);
  auto ok = insApi(sh, "cli_conf", "interface port-channel10 ;mtu 1500");
  CHECK(ok["outputs"]["output"][1]["code"] == "200");
  REQUIRE(sw.configured.size() == 2);
  CHECK(sw.configured[1] == std::vector<std::string>{"interface port-channel10", "mtu 1500"});
  CHECK(sh.mode() == Shell::Mode::Exec);  // each request ends where it started
  auto refused = insApi(sh, "cli_conf", "interface port-channel10 ;mtu 1");
  CHECK(refused["outputs"]["output"][1]["code"] == "400");
  Shell op("leaf1", sw, UserRole::NetworkOperator);
  auto denied = insApi(op, "cli_conf", "vlan 30");
  CHECK(denied["outputs"]["output"]["clierror"] == "% Permission denied for the role\n");
}

TEST_CASE("NX-API JSON-RPC: cli and cli_ascii results, errors with the JSON-RPC codes", "[nxapi][unit]") {
  Fake sw;
  Shell sh("leaf1", sw);
  const Json batch = Json::array({{{"jsonrpc", "2.0"}, {"method", "cli"}, {"params", {{"cmd", "show vpc"}, {"version", 1}}}, {"id", 1}},
                                  {{"jsonrpc", "2.0"}, {"method", "cli_ascii"}, {"params", {{"cmd", "show vpc"}, {"version", 1}}}, {"id", 2}},
                                  {{"jsonrpc", "2.0"}, {"method", "cli"}, {"params", {{"cmd", "vlan 40"}, {"version", 1}}}, {"id", 3}},
                                  {{"jsonrpc", "2.0"}, {"method", "bash"}, {"params", {{"cmd", "ls"}}}, {"id", 4}}});
  const auto r = nxapiRequest("application/json-rpc", batch.dump(), sh);
  CHECK(r.content_type == "application/json-rpc");
  const auto j = Json::parse(r.body);
  REQUIRE(j.size() == 4);
  CHECK(j[0]["result"]["body"]["vpc-role"] == "primary");
  CHECK(j[1]["result"]["msg"] == "vPC role : primary\n");
  CHECK(j[2]["result"].is_null());  // a configuration line
  CHECK(sw.configured.back() == std::vector<std::string>{"vlan 40"});
  CHECK(j[3]["error"]["code"] == -32601);
  CHECK(nxapiRequest("application/json", "not json", sh).http_status == 400);
  CHECK(nxapiRequest("application/json", "{\"x\": 1}", sh).http_status == 400);
}
