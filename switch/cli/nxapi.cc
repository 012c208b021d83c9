#include "switch/cli/nxapi.h"

#include <nlohmann/json.hpp>

#include "switch/mgmt/registry.h"

namespace vpc::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> commandsOf(const std::string& input) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= input.size()) {
    const auto semi = input.find(';', at);
    auto c = trim(std::string_view(input).substr(at, semi == std::string::npos ? std::string::npos : semi - at));
    if (!c.empty()) out.push_back(std::move(c));
    if (semi == std::string::npos) break;
    at = semi + 1;
  }
  return out;
}

// The shell's error text without the marker lines: what NX-API puts in "clierror".
std::string cliError(const ShellReply& r) { return r.err.empty() ? "% command failed\n" : r.err; }

struct Ran {
  bool ok = false;
  Json body;         // JSON output, or the text
  std::string error;
};

// A show command whose output is JSON (`| json` added), or text.
Ran show(Shell& shell, const std::string& command, bool json) {
  const auto r = shell.handle(json ? command + " | json" : command, false);
  if (r.exit_code != 0) return {false, nullptr, cliError(r)};
  if (!json) return {true, r.out, {}};
  auto parsed = Json::parse(r.out, nullptr, false);
  if (parsed.is_discarded()) return {true, r.out, {}};  // a command without JSON: its text
  return {true, std::move(parsed), {}};
}

// A configuration line: the session enters configuration mode first (NX-API takes configuration
// lines without `configure terminal`).
Ran configure(Shell& shell, const std::string& line) {
  if (shell.mode() == Shell::Mode::Exec) {
    const auto enter = shell.handle("configure terminal", false);
    if (enter.exit_code != 0) return {false, nullptr, cliError(enter)};
  }
  const auto r = shell.handle(line, false);
  if (r.exit_code != 0) return {false, nullptr, cliError(r)};
  return {true, Json::object(), {}};
}

// An exec command (the session's grammar takes it), or else a configuration line.
bool isExec(const std::string& command) {
  const auto piped = splitPipes(command);
  const auto* p = std::get_if<PipedLine>(&piped);
  return p && std::holds_alternative<grammar::Match>(mgmt::shellExecGrammar().match(p->command));
}

NxapiReply insApi(const Json& req, Shell& shell) {
  const Json& ins = req["ins_api"];
  const std::string type = ins.value("type", "");
  const std::string format = ins.value("output_format", "json");
  NxapiReply out;
  Json reply;
  reply["ins_api"]["type"] = type;
  reply["ins_api"]["version"] = ins.value("version", "1.0");
  reply["ins_api"]["sid"] = "eoc";
  if (type != "cli_show" && type != "cli_show_ascii" && type != "cli_conf") {
    out.http_status = 400;
    reply["ins_api"]["outputs"]["output"] =
        Json{{"code", "400"}, {"msg", "Invalid request type: " + type + " (cli_show, cli_show_ascii, cli_conf)"}};
    out.body = reply.dump();
    return out;
  }
  if (format != "json") {
    out.http_status = 501;
    reply["ins_api"]["outputs"]["output"] = Json{{"code", "501"}, {"msg", "only output_format json is emulated"}};
    out.body = reply.dump();
    return out;
  }
  std::vector<Json> outputs;
  for (const auto& c : commandsOf(ins.value("input", ""))) {
    Ran r = type == "cli_conf" ? configure(shell, c) : show(shell, c, type == "cli_show");
    Json o;
    o["input"] = c;
    if (r.ok) {
      o["msg"] = "Success";
      o["code"] = "200";
      o["body"] = std::move(r.body);
      outputs.push_back(std::move(o));
    } else {
      o["clierror"] = r.error;
      o["msg"] = "Input CLI command error";
      o["code"] = "400";
      outputs.push_back(std::move(o));
      break;  // the rest is not run
    }
  }
  if (shell.mode() == Shell::Mode::Config) (void)shell.handle("end", false);
  reply["ins_api"]["outputs"]["output"] = outputs.size() == 1 ? outputs.front() : Json(outputs);
  out.body = reply.dump();
  return out;
}

Json rpcError(int code, const std::string& message, const std::string& detail, const Json& id) {
  Json e{{"jsonrpc", "2.0"}, {"error", {{"code", code}, {"message", message}}}, {"id", id}};
  if (!detail.empty()) e["error"]["data"] = Json{{"msg", detail}};
  return e;
}

NxapiReply jsonRpc(const Json& req, Shell& shell) {
  NxapiReply out;
  out.content_type = "application/json-rpc";
  const bool batch = req.is_array();
  std::vector<Json> replies;
  const Json calls = batch ? req : Json::array({req});
  for (const auto& call : calls) {
    const Json id = call.contains("id") ? call["id"] : Json(nullptr);
    if (!call.is_object() || call.value("jsonrpc", "") != "2.0" || !call.contains("method")) {
      replies.push_back(rpcError(-32600, "Invalid request", "", id));
      continue;
    }
    const std::string method = call.value("method", "");
    if (method != "cli" && method != "cli_ascii") {
      replies.push_back(rpcError(-32601, "Method not found", "methods: cli, cli_ascii", id));
      continue;
    }
    const Json params = call.value("params", Json::object());
    const std::string cmd = params.is_object() ? params.value("cmd", "") : "";
    if (cmd.empty()) {
      replies.push_back(rpcError(-32602, "Invalid params", "params.cmd is the command", id));
      continue;
    }
    Ran r;
    if (isExec(cmd)) r = show(shell, cmd, method == "cli");
    else r = configure(shell, cmd);
    if (!r.ok) {
      replies.push_back(rpcError(-32602, "Invalid params", r.error, id));
      break;
    }
    Json result;
    if (r.body.is_object() && r.body.empty()) result = nullptr;  // a configuration line
    else if (method == "cli") result = Json{{"body", std::move(r.body)}};
    else result = Json{{"msg", std::move(r.body)}};
    replies.push_back(Json{{"jsonrpc", "2.0"}, {"result", std::move(result)}, {"id", id}});
  }
  if (shell.mode() == Shell::Mode::Config) (void)shell.handle("end", false);
  out.body = (batch ? Json(replies) : replies.front()).dump();
  return out;
}

}  // namespace

NxapiReply nxapiRequest(std::string_view content_type, std::string_view body, Shell& shell) {
  const auto req = Json::parse(body, nullptr, false);
  if (req.is_discarded()) {
    NxapiReply r;
    r.http_status = 400;
    r.body = Json{{"error", "the request body is not JSON"}}.dump();
    return r;
  }
  if (content_type.find("json-rpc") != std::string_view::npos) return jsonRpc(req, shell);
  if (!req.is_object() || !req.contains("ins_api") || !req["ins_api"].is_object()) {
    NxapiReply r;
    r.http_status = 400;
    r.body = Json{{"error", "an ins_api request is {\"ins_api\": {\"type\": ..., \"input\": ...}}; JSON-RPC "
                            "needs Content-Type application/json-rpc"}}
                 .dump();
    return r;
  }
  return insApi(req, shell);
}

}  // namespace vpc::cli
