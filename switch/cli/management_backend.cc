#include "switch/cli/management_backend.h"

#include <chrono>

#include "peerlink/transport/grpc_status.h"
#include "switch/mgmt/nxos_json.h"
#include "switch/mgmt/registry.h"
#include "switch/mgmt/text.h"

namespace vpc::cli {

namespace {

// The switch's reason from a Configure error: "configure:2:6: error: <reason>\n  <line>\n  ^" -> "<reason>".
std::string configureReason(const std::string& message) {
  std::string reason = message;
  if (const auto at = reason.find(": error: "); at != std::string::npos) reason = reason.substr(at + 9);
  if (const auto nl = reason.find('\n'); nl != std::string::npos) reason.resize(nl);
  return reason;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> ManagementClient::context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_s));
  return ctx;
}

ExecOutcome rpcError(const grpc::Status& s, const ManagementClient& c) {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    return {kExitUnreachable, "",
            "vpcctl: cannot reach the switch at " + c.address + ": " + transport::describeStatus(s) + "\n"};
  return {kExitRefused, "", "% " + s.error_message() + "\n"};
}

ExecOutcome execute(const ManagementClient& c, const grammar::Match& m, Render how,
                    const std::function<void(const std::string&)>& sink) {
  if (m.command == mgmt::kEvents) {
    v1::EventsRequest req;
    req.set_follow(m.has("--follow") || m.has("follow"));
    if (m.hasValue("last")) req.set_last(static_cast<std::uint32_t>(m.number("last")));
    grpc::ClientContext ctx;  // no deadline: --follow runs until interrupted
    auto reader = c.stub->Events(&ctx, req);
    v1::Event ev;
    while (reader->Read(&ev)) sink(mgmt::toJson(ev, false) + "\n");
    const auto status = reader->Finish();
    return status.ok() ? ExecOutcome{} : rpcError(status, c);
  }
  const auto r = mgmt::call(*c.stub, m, std::chrono::seconds(c.timeout_s));
  if (!r.status.ok()) return rpcError(r.status, c);
  switch (how) {
    case Render::Text: sink(mgmt::render(m, *r.reply)); break;
    case Render::ProtoJson: sink(mgmt::toJson(*r.reply)); break;
    case Render::NxosJson:
    case Render::NxosJsonPretty: {
      const bool pretty = how == Render::NxosJsonPretty;
      auto nx = mgmt::nxosJson(m, *r.reply, pretty);
      sink(nx ? *nx : mgmt::toJson(*r.reply, pretty));
      break;
    }
  }
  return {};
}

ExecOutcome ManagementBackend::exec(const grammar::Match& m, OutputFormat format) {
  std::string out;
  const Render how = format == OutputFormat::Text   ? Render::Text
                     : format == OutputFormat::Json ? Render::NxosJson
                                                    : Render::NxosJsonPretty;
  auto r = execute(c_, m, how, [&out](const std::string& text) { out += text; });
  r.out = std::move(out);
  return r;
}

ConfigureOutcome ManagementBackend::configure(const std::vector<std::string>& lines) {
  v1::ConfigureRequest req;
  for (const auto& l : lines) req.add_lines(l);
  v1::ConfigureReply reply;
  auto ctx = c_.context();
  const auto status = c_.stub->Configure(ctx.get(), req, &reply);
  ConfigureOutcome out;
  if (!status.ok()) {
    out.error = status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? configureReason(status.error_message())
                                                                          : transport::describeStatus(status);
    return out;
  }
  out.ok = true;
  out.messages.assign(reply.messages().begin(), reply.messages().end());
  return out;
}

}  // namespace vpc::cli
