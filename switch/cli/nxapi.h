// NX-API's request formats over a Shell: `ins_api` (cli_show, cli_show_ascii, cli_conf; commands
// separated by ';') and JSON-RPC 2.0 (methods cli and cli_ascii), answered in NX-OS's own layouts
// (docs/nxapi.md). Pure: the HTTP server (switch/daemon/nxapi_server.h) hands each POST /ins body
// here with a fresh Shell of the authenticated user.
#pragma once

#include <string>
#include <string_view>

#include "switch/cli/shell.h"

namespace vpc::cli {

struct NxapiReply {
  int http_status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// One POST /ins. `content_type` decides the format: application/json-rpc is JSON-RPC, any other
// JSON is ins_api.
NxapiReply nxapiRequest(std::string_view content_type, std::string_view body, Shell& shell);

}  // namespace vpc::cli
