// The management service of an in-process daemon (no peer): typed calls, errors, the event stream.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "switch/core/config_parser.h"
#include "switch/daemon/daemon.h"
#include "tests/adapter/io_thread.h"
#include "vpc/v1/mgmt.grpc.pb.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

const char* kConfig = R"(hostname solo
feature vpc
feature interface-vlan
vlan 1,10
vpc domain 10
interface port-channel10
  switchport mode trunk
  switchport trunk allowed vlan 10
interface Ethernet1/1
  channel-group 10
interface port-channel20
  switchport access vlan 10
  vpc 20
interface Ethernet1/2
  channel-group 20
interface Vlan10
  no shutdown
emulator
  local-mac 0c:00:00:00:00:01
  management 127.0.0.1:0
)";

struct Solo {
  std::unique_ptr<boost::asio::io_context> io = std::make_unique<boost::asio::io_context>();
  std::unique_ptr<daemon::Daemon> d;
  std::thread thread;
  std::unique_ptr<v1::Management::Stub> stub;

  Solo() {
    auto cfg = parseConfig(kConfig, "solo.cfg");
    REQUIRE(cfg.config);
    d = std::make_unique<daemon::Daemon>(*io, *cfg.config, daemon::DaemonOptions{});
    REQUIRE(d->start());
    const std::string address = d->info().management_address();
    thread = std::thread([this] { io->run(); });
    stub = v1::Management::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }
  ~Solo() {
    boost::asio::post(*io, [this] { d->shutdown("test over"); });
    thread.join();  // the daemon stops the loop when it is done
  }
  std::unique_ptr<grpc::ClientContext> ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + 5s);
    return c;
  }
};

}  // namespace

TEST_CASE("Management: show vpc of a switch without a peer-link", "[adapter][mgmt]") {
  Solo s;
  v1::ShowVpcReply r;
  REQUIRE(s.stub->ShowVpc(s.ctx().get(), {}, &r).ok());
  CHECK(r.domain_id() == 10);
  CHECK(r.role() == "none established");
  CHECK(r.peer_status() == "peer link not configured");
  CHECK(r.keepalive_status() == "Disabled");
  REQUIRE(r.vpcs_size() == 1);
  CHECK(r.vpcs(0).id() == 20);
  CHECK(r.vpcs(0).status() == "down");
  CHECK(r.vpcs(0).reason() == "vPC peer-link does not exist");
  v1::InfoReply info;
  REQUIRE(s.stub->GetInfo(s.ctx().get(), {}, &info).ok());
  CHECK(info.hostname() == "solo");
  CHECK(info.pid() != 0);
}

TEST_CASE("Management: learn and show, with errors mapped to gRPC codes", "[adapter][mgmt]") {
  Solo s;
  v1::LearnMacRequest req;
  req.set_mac("0050.56aa.0001");
  req.set_count(10);
  req.set_vlan(10);
  req.set_interface("Po10");
  v1::LearnReply lr;
  REQUIRE(s.stub->LearnMac(s.ctx().get(), req, &lr).ok());
  CHECK(lr.changed() == 10);
  v1::ShowMacRequest mreq;
  v1::ShowMacReply mr;
  REQUIRE(s.stub->ShowMacAddressTable(s.ctx().get(), mreq, &mr).ok());
  CHECK(mr.entries_size() == 10);
  CHECK(mr.entries(0).port() == "Po10");
  mreq.set_address("0050.56aa.0003");
  REQUIRE(s.stub->ShowMacAddressTable(s.ctx().get(), mreq, &mr).ok());
  CHECK(mr.total() == 1);

  req.set_vlan(20);
  auto st = s.stub->LearnMac(s.ctx().get(), req, &lr);
  CHECK(st.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(st.error_message(), Catch::Matchers::Contains("VLAN 20 does not exist"));
  req.set_vlan(10);
  req.set_mac("not-a-mac");
  st = s.stub->LearnMac(s.ctx().get(), req, &lr);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  req.set_mac("0050.56aa.0001");
  req.set_interface("Po99");
  CHECK(s.stub->LearnMac(s.ctx().get(), req, &lr).error_code() == grpc::StatusCode::NOT_FOUND);

  v1::ClearReply cr;
  REQUIRE(s.stub->ClearMacAddressTable(s.ctx().get(), {}, &cr).ok());
  CHECK(cr.removed() == 10);
  v1::LearnArpRequest areq;
  areq.set_ip("10.10.0.1");
  areq.set_mac("0050.56aa.0001");
  areq.set_vlan(10);
  REQUIRE(s.stub->LearnArp(s.ctx().get(), areq, &lr).ok());
  v1::ShowArpReply ar;
  REQUIRE(s.stub->ShowIpArp(s.ctx().get(), {}, &ar).ok());
  REQUIRE(ar.entries_size() == 1);
  CHECK(ar.entries(0).interface() == "Vlan10");
}

TEST_CASE("Management: the event stream replays history, then follows until shutdown", "[adapter][mgmt]") {
  auto s = std::make_unique<Solo>();
  v1::EventsRequest req;
  req.set_follow(false);
  grpc::ClientContext ctx;
  auto reader = s->stub->Events(&ctx, req);
  std::vector<v1::Event> events;
  v1::Event ev;
  while (reader->Read(&ev)) events.push_back(ev);
  REQUIRE(reader->Finish().ok());
  REQUIRE(!events.empty());
  CHECK(events.front().subject() == "switch");
  CHECK(events.front().to() == "up");
  CHECK(events.front().switch_() == "solo");
  CHECK(events.front().seq() == 1);
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].seq() == events[i - 1].seq() + 1);

  // Following: the stream stays open and ends cleanly when the switch shuts down.
  grpc::ClientContext fctx;
  req.set_follow(true);
  req.set_last(1);
  auto follower = s->stub->Events(&fctx, req);
  REQUIRE(follower->Read(&ev));  // the last event of the history
  s.reset();                     // shutdown
  while (follower->Read(&ev)) {
  }
  CHECK(follower->Finish().ok());
}

TEST_CASE("Management: every event carries a reason", "[adapter][mgmt]") {
  Solo s;
  v1::EventsRequest req;
  grpc::ClientContext ctx;
  auto reader = s.stub->Events(&ctx, req);
  v1::Event ev;
  int n = 0;
  while (reader->Read(&ev)) {
    INFO(ev.subject() << ": " << ev.from() << " -> " << ev.to());
    CHECK_FALSE(ev.reason().empty());
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("Management: running-config, orphan ports, port-channels, explain, peer-link messages",
          "[adapter][mgmt]") {
  Solo s;
  v1::ShowRunningConfigReply rc;
  REQUIRE(s.stub->ShowRunningConfig(s.ctx().get(), {}, &rc).ok());
  const auto again = parseConfig(rc.text(), "running-config");  // what show prints, vpcd reads back
  REQUIRE(again.config);
  CHECK(again.config->hostname == "solo");
  CHECK(again.config->interface(*InterfaceId::parse("Po20"))->vpc_id == 20u);
  v1::ShowRunningConfigRequest vpc_only;
  vpc_only.set_section("vpc");
  REQUIRE(s.stub->ShowRunningConfig(s.ctx().get(), vpc_only, &rc).ok());
  CHECK(rc.text().find("interface port-channel20\n  vpc 20\n") != std::string::npos);
  CHECK(rc.text().find("switchport") == std::string::npos);
  vpc_only.set_section("bgp");
  CHECK(s.stub->ShowRunningConfig(s.ctx().get(), vpc_only, &rc).error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  // vPC VLANs are the peer-link's VLANs; without a peer-link there are none, so no orphan ports.
  v1::ShowVpcOrphanPortsReply orphans;
  REQUIRE(s.stub->ShowVpcOrphanPorts(s.ctx().get(), {}, &orphans).ok());
  CHECK(orphans.vlans_size() == 0);

  v1::ShowPortChannelSummaryReply pcs;
  REQUIRE(s.stub->ShowPortChannelSummary(s.ctx().get(), {}, &pcs).ok());
  REQUIRE(pcs.channels_size() == 2);
  CHECK(pcs.channels(1).port() == "Po20");
  CHECK(pcs.channels(1).flags() == "SD");  // a vPC without a peer-link stays down
  CHECK(pcs.channels(1).protocol() == "NONE");
  REQUIRE(pcs.channels(1).members_size() == 1);
  CHECK(pcs.channels(1).members(0).port() == "Eth1/2");

  v1::ExplainRequest ereq;
  ereq.set_subject("vpc");
  ereq.set_vpc(20);
  v1::ExplainReply ex;
  REQUIRE(s.stub->Explain(s.ctx().get(), ereq, &ex).ok());
  CHECK(ex.subject() == "vPC 20 (Po20)");
  CHECK(ex.status() == "down");
  CHECK(ex.reason() == "vPC peer-link does not exist");
  CHECK(ex.events_size() > 0);
  ereq.set_vpc(99);
  CHECK(s.stub->Explain(s.ctx().get(), ereq, &ex).error_code() == grpc::StatusCode::NOT_FOUND);
  ereq.set_subject("interface");
  ereq.set_interface("Ethernet9/9");
  CHECK(s.stub->Explain(s.ctx().get(), ereq, &ex).error_code() == grpc::StatusCode::NOT_FOUND);
  ereq.set_interface("Bogus1");
  CHECK(s.stub->Explain(s.ctx().get(), ereq, &ex).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  ereq.set_subject("everything");
  CHECK(s.stub->Explain(s.ctx().get(), ereq, &ex).error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  v1::ShowPeerLinkMessagesReply msgs;  // no peer-link configured: nothing on the wire
  REQUIRE(s.stub->ShowPeerLinkMessages(s.ctx().get(), {}, &msgs).ok());
  CHECK(msgs.messages_size() == 0);
}

namespace {
// A raw call: `body` as the request bytes of `method`, whatever they are.
grpc::Status rawCall(const std::string& address, const std::string& method, const std::string& body) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), reply;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &reply, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return status;
}
}  // namespace

TEST_CASE("Management: bad requests get INVALID_ARGUMENT or UNIMPLEMENTED with a short message, never the value",
          "[adapter][mgmt]") {
  Solo s;
  const std::string address = s.d->info().management_address();
  SECTION("a 1 MB string field") {
    v1::LearnMacRequest req;
    req.set_mac("0050.5600.0001");
    req.set_vlan(10);
    req.set_interface(std::string(1 << 20, 'x'));
    v1::LearnReply r;
    const auto st = s.stub->LearnMac(s.ctx().get(), req, &r);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(st.error_message().size() < 200);
    CHECK(st.error_message().find("xxxx") == std::string::npos);
  }
  SECTION("control characters in a string field") {
    v1::ConfigureRequest req;
    req.add_lines(std::string("hostname a\0b", 12));
    v1::ConfigureReply r;
    const auto st = s.stub->Configure(s.ctx().get(), req, &r);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(st.error_message(), Catch::Matchers::Contains("control character U+0000"));
  }
  SECTION("undecodable request bytes") {
    const auto st = rawCall(address, "/vpc.v1.Management/ShowVpc", "\xff\xff\xff\xff");
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_FALSE(st.error_message().empty());
  }
  SECTION("an unknown method") {
    const auto st = rawCall(address, "/vpc.v1.Management/NoSuchThing", "");
    CHECK(st.error_code() == grpc::StatusCode::UNIMPLEMENTED);
    CHECK_THAT(st.error_message(), Catch::Matchers::Contains("vpc.v1.Management"));
  }
  // The switch still answers.
  v1::ShowVpcReply r;
  CHECK(s.stub->ShowVpc(s.ctx().get(), {}, &r).ok());
}
