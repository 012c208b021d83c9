// Every management command in one table: each RPC of vpc.v1.Management with the switch side that
// serves it, and each exec command of vpcctl with its grammar, the request its words make and the NX-OS
// text of the reply (the JSON twin is the reply itself, in protobuf's JSON mapping). A show command is
// one entry in one file of this folder (plus its messages in mgmt.proto): the daemon's service, vpcctl's
// one-shot commands and its session, and vpclab's drills all read it from here.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include "switch/core/grammar.h"
#include "switch/mgmt/backend.h"
#include "switch/mgmt/status_codec.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::mgmt {

// The exec commands; the numbers are the grammar's command ids.
enum Command : int {
  kShowVpc,
  kShowVpcBrief,
  kShowVpcRole,
  kShowVpcPeerKeepalive,
  kShowVpcSync,
  kShowMac,
  kShowIpArp,
  kShowVersion,
  kEvents,
  kLearnMac,
  kLearnArp,
  kClearMac,
  kClearArp,
  kShowVpcConsistency,
  kShowVpcStatisticsKeepalive,
  kShowInterfaceStatus,
  kVpcRolePreempt,
  kShowVpcOrphanPorts,
  kShowPortChannelSummary,
  kShowRunningConfig,
  kShowVpcHistory,
  kShowPeerLinkMessages,
  kExplain,
  kShowLacpNeighbor,
  kShowLacpCounters,
  kShowLacpInterface,
  kShowLacpSystemId,
  kShowSshServer,
  kShowInventory,
  kShowHardware,
  kShowHostname,
  kCopyRunStart,
  kShowStartupConfig,
  kShowRunningConfigInterface,
  kShowInterfaceBrief,
  kShowInterface,
  kShowLogging,
  // the interactive shell's own words
  kConfigureTerminal,
  kExit,
  kQuit,
  kEnd,
  kTerminalLength,
  kTerminalWidth,
};

struct CallResult {
  grpc::Status status;
  std::unique_ptr<google::protobuf::Message> reply;  // set when status is OK
};

// The switch side of a unary RPC: runs on the switch's thread; calls done(status) exactly once, at once
// or later (a sliced read finishes from a worker thread).
using Done = std::function<void(grpc::Status)>;
template <class Req, class Reply>
using Serve = void (*)(Backend& sw, const Req& req, Reply* reply, const Done& done);
template <class Req, class Reply>
using StubCall = grpc::Status (v1::Management::Stub::*)(grpc::ClientContext*, const Req&, Reply*);

class Rpc {
 public:
  virtual ~Rpc() = default;
  virtual const std::string& name() const = 0;
  // The gRPC handler that serves it on `sw` (posts each call to the switch's thread). A raw handler:
  // it decodes and checks the request itself, so bytes that are not the request, or string fields that
  // are not short text, get INVALID_ARGUMENT with a message before the switch sees them.
  virtual grpc::internal::MethodHandler* handler(Backend& sw) const = 0;
};

// Every string field of a request (nested too): UTF-8 text without control characters, at most 1024
// bytes (a configuration line: 64 KiB). The problem names the field, never repeats the value.
std::optional<std::string> checkRequest(const google::protobuf::Message& request);
// The request bytes as a `Req`, checked: the message for INVALID_ARGUMENT if they are not one.
std::optional<std::string> decodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& request);
// A reply into the response bytes.
void encodeReply(const google::protobuf::Message& reply, grpc::ByteBuffer* bytes);

// Answers a method no service has, with a message naming what is served (gRPC's own answer is an
// UNIMPLEMENTED with no message). Register one per server.
class UnknownMethods final : public grpc::CallbackGenericService {
 public:
  explicit UnknownMethods(std::string served) : served_(std::move(served)) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

 private:
  std::string served_;
};

class Verb {
 public:
  enum class Kind { Show, Change, Stream };
  virtual ~Verb() = default;
  virtual int id() const = 0;
  virtual const char* spec() const = 0;
  virtual const char* help() const = 0;
  virtual Kind kind() const = 0;
  // Runs it against a switch (not for Stream verbs).
  virtual CallResult call(v1::Management::Stub& stub, const grammar::Match& m,
                          std::chrono::milliseconds timeout) const = 0;
  virtual std::string render(const grammar::Match& m, const google::protobuf::Message& reply) const = 0;
};

class Registry {
 public:
  template <class Req, class Reply>
  void rpc(std::string name, Serve<Req, Reply> serve);
  // A verb that is one call of one RPC.
  template <class Req, class Reply>
  void verb(int id, const char* spec, const char* help, Verb::Kind kind, StubCall<Req, Reply> stub,
            Req (*request)(const grammar::Match&), std::string (*text)(const grammar::Match&, const Reply&));
  // A verb with its own way of calling (several RPCs, a stream read to its end).
  void verb(int id, const char* spec, const char* help, Verb::Kind kind,
            CallResult (*call_fn)(v1::Management::Stub&, const grammar::Match&, std::chrono::milliseconds),
            std::string (*text)(const grammar::Match&, const google::protobuf::Message&));

  const std::vector<std::unique_ptr<Rpc>>& rpcs() const { return rpcs_; }
  const std::vector<std::unique_ptr<Verb>>& verbs() const { return verbs_; }
  const Verb* find(int id) const;

 private:
  std::vector<std::unique_ptr<Rpc>> rpcs_;
  std::vector<std::unique_ptr<Verb>> verbs_;
};

const Registry& registry();

// vpcctl's one-shot commands, and the same plus the session's own words (configure terminal, exit,
// quit, end). NX-OS abbreviations ("sh vpc br"); the same grammar serves `?` help and completion.
const grammar::Grammar& execGrammar();
const grammar::Grammar& shellExecGrammar();

// The command `m` (a match of execGrammar(), not a Stream verb) against a switch, with a deadline.
CallResult call(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout);
// The NX-OS text of a reply to `m`.
std::string render(const grammar::Match& m, const google::protobuf::Message& reply);

// The Management service of a switch: every unary RPC of the registry, served on `sw`. The caller adds
// the streaming ones (Events) with markStream before registering it with a server.
class Service : public v1::Management::Service {
 public:
  explicit Service(Backend& sw);
  // Installs a server-streaming handler for method `name`.
  void markStream(const std::string& name, grpc::internal::MethodHandler* handler);
  // Methods of the service with no handler installed (a test requires none).
  std::vector<std::string> unserved() const { return unserved_; }

 private:
  std::vector<std::string> unserved_;
};

// ---------------------------------------------------------------------------------------------------
// Templates

namespace detail {

template <class Req, class Reply>
class UnaryRpc final : public Rpc {
 public:
  UnaryRpc(std::string name, Serve<Req, Reply> serve) : name_(std::move(name)), serve_(serve) {}
  const std::string& name() const override { return name_; }
  grpc::internal::MethodHandler* handler(Backend& sw) const override {
    const auto serve = serve_;
    return new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
        [&sw, serve](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* bytes, grpc::ByteBuffer* out) {
          auto* reactor = ctx->DefaultReactor();
          auto req = std::make_shared<Req>();
          if (auto bad = decodeRequest(*bytes, *req)) {
            reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, *bad));
            return reactor;
          }
          sw.post([&sw, serve, req, out, reactor] {
            if (sw.shuttingDown()) {
              reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down"));
              return;
            }
            auto reply = std::make_shared<Reply>();
            serve(sw, *req, reply.get(), [reactor, reply, req, out](grpc::Status st) {
              if (st.ok()) encodeReply(*reply, out);
              reactor->Finish(std::move(st));
            });
          });
          return reactor;
        });
  }

 private:
  std::string name_;
  Serve<Req, Reply> serve_;
};

template <class Req, class Reply>
class UnaryVerb final : public Verb {
 public:
  UnaryVerb(int id, const char* spec, const char* help, Kind kind, StubCall<Req, Reply> stub,
            Req (*request)(const grammar::Match&), std::string (*text)(const grammar::Match&, const Reply&))
      : id_(id), spec_(spec), help_(help), kind_(kind), stub_(stub), request_(request), text_(text) {}
  int id() const override { return id_; }
  const char* spec() const override { return spec_; }
  const char* help() const override { return help_; }
  Kind kind() const override { return kind_; }
  CallResult call(v1::Management::Stub& stub, const grammar::Match& m,
                  std::chrono::milliseconds timeout) const override {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    auto reply = std::make_unique<Reply>();
    CallResult r;
    r.status = (stub.*stub_)(&ctx, request_(m), reply.get());
    if (r.status.ok()) r.reply = std::move(reply);
    return r;
  }
  std::string render(const grammar::Match& m, const google::protobuf::Message& reply) const override {
    return text_(m, static_cast<const Reply&>(reply));
  }

 private:
  int id_;
  const char* spec_;
  const char* help_;
  Kind kind_;
  StubCall<Req, Reply> stub_;
  Req (*request_)(const grammar::Match&);
  std::string (*text_)(const grammar::Match&, const Reply&);
};

}  // namespace detail

template <class Req, class Reply>
void Registry::rpc(std::string name, Serve<Req, Reply> serve) {
  rpcs_.push_back(std::make_unique<detail::UnaryRpc<Req, Reply>>(std::move(name), serve));
}

template <class Req, class Reply>
void Registry::verb(int id, const char* spec, const char* help, Verb::Kind kind, StubCall<Req, Reply> stub,
                    Req (*request)(const grammar::Match&), std::string (*text)(const grammar::Match&, const Reply&)) {
  verbs_.push_back(std::make_unique<detail::UnaryVerb<Req, Reply>>(id, spec, help, kind, stub, request, text));
}

// Finishes a quick show: fills the reply on the switch's thread.
inline void ok(const Done& done) { done(grpc::Status::OK); }
inline void fail(const Done& done, const Error& e) { done(toGrpcStatus(e)); }
inline void invalid(const Done& done, const std::string& message) {
  done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message));
}

}  // namespace vpc::mgmt
