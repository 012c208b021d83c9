// show vpc consistency-parameters {global | vpc N | vlans | interface port-channelN}: RPC
// ShowVpcConsistency.
#include "switch/core/views.h"
#include "switch/mgmt/commands.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

void showConsistency(Backend& sw, const v1::ShowVpcConsistencyRequest& req, v1::ShowVpcConsistencyReply* out,
                     const Done& done) {
  const std::string scope = req.scope().empty() ? "global" : req.scope();
  ConsistencyScope which;
  if (scope == "global") which = ConsistencyScope::Global;
  else if (scope == "vpc") which = ConsistencyScope::Vpc;
  else if (scope == "vlans") which = ConsistencyScope::Vlans;
  else return invalid(done, "scope must be global, vpc or vlans");
  const auto s = sw.snapshot();
  auto v = consistencyView(s, which, req.vpc());
  if (!v) return fail(done, v.error());
  out->set_scope(scope);
  out->set_vpc(req.vpc());
  out->set_status(std::string(toString(v->status)));
  if (v->reason) out->set_reason(describe(*v->reason));
  for (const auto& r : v->rows) {
    auto* row = out->add_rows();
    row->set_name(r.name);
    row->set_type(r.type == 0 ? "-" : std::to_string(r.type));
    row->set_local_value(r.local);
    row->set_peer_value(r.peer.value_or("-"));
  }
  ok(done);
}

// `interface port-channelN` names the vPC configured on that port-channel: a show vpc first.
CallResult callConsistency(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout) {
  auto deadline = [&] {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + timeout);
    return ctx;
  };
  v1::ShowVpcConsistencyRequest req;
  if (m.has("global")) req.set_scope("global");
  if (m.has("vlans")) req.set_scope("vlans");
  if (m.hasValue("vpc")) {  // `vpc` alone is the command's second word
    req.set_scope("vpc");
    req.set_vpc(static_cast<std::uint32_t>(m.number("vpc")));
  }
  if (m.hasValue("interface")) {
    v1::ShowVpcReply vpcs;
    const auto st = stub.ShowVpc(deadline().get(), {}, &vpcs);
    if (!st.ok()) return {st, nullptr};
    const auto want = InterfaceId::parse(m.text("interface"));
    for (const auto& v : vpcs.vpcs())
      if (want && InterfaceId::parse(v.port()) == want) req.set_vpc(v.id());
    if (req.vpc() == 0)
      return {grpc::Status(grpc::StatusCode::NOT_FOUND, m.text("interface") + " is not a vPC port-channel"), nullptr};
    req.set_scope("vpc");
  }
  CallResult r;
  auto reply = std::make_unique<v1::ShowVpcConsistencyReply>();
  r.status = stub.ShowVpcConsistency(deadline().get(), req, reply.get());
  if (r.status.ok()) r.reply = std::move(reply);
  return r;
}

std::string renderConsistency(const grammar::Match&, const google::protobuf::Message& reply) {
  const auto& r = static_cast<const v1::ShowVpcConsistencyReply&>(reply);
  std::string out;
  out += "    Legend:\n";
  if (r.scope() == "vpc")
    out += "        Type 1 : vPC will be suspended in case of mismatch for down vpc\n\n";
  else
    out += "        Type 1 : vPC will be suspended in case of mismatch\n\n";
  out += "Name                        Type  Local Value            Peer Value\n";
  out += "-------------               ----  ---------------------- -----------------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.rows()) rows.push_back({row.name(), row.type(), row.local_value(), row.peer_value()});
  out += table(rows, {28, 6, 23, 0}, {27, 0, 22, 23});
  return out;
}

}  // namespace

void addConsistencyShows(Registry& r) {
  r.rpc<v1::ShowVpcConsistencyRequest, v1::ShowVpcConsistencyReply>("ShowVpcConsistency", showConsistency);
  r.verb(kShowVpcConsistency,
         "show vpc consistency-parameters { global | vpc <vpc:1-4096> | vlans | interface <interface:interface> }",
         "vPC consistency parameters, local and peer values", Verb::Kind::Show, callConsistency, renderConsistency);
}

}  // namespace vpc::mgmt
