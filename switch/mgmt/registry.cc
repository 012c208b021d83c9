#include "switch/mgmt/registry.h"

#include <stdexcept>

#include <grpcpp/impl/codegen/proto_utils.h>

#include "peerlink/core/text_check.h"
#include "switch/mgmt/commands.h"

namespace vpc::mgmt {

namespace {

constexpr std::size_t kMaxField = 1024;

std::optional<std::string> checkFields(const google::protobuf::Message& m, const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    const std::string name = prefix + f->name();
    // Every element of a repeated field; a singular string always (empty is fine); a message if set.
    const bool message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    const int n = f->is_repeated() ? r->FieldSize(m, f) : (!message || r->HasField(m, f) ? 1 : 0);
    for (int k = 0; k < n; ++k) {
      const std::string where = f->is_repeated() ? name + "[" + std::to_string(k) + "]" : name;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        std::string scratch;
        const std::string& v = f->is_repeated() ? r->GetRepeatedStringReference(m, f, k, &scratch)
                                                : r->GetStringReference(m, f, &scratch);
        const std::size_t max = f->name() == "lines" ? kMaxLine : kMaxField;
        if (const auto bad = checkText(v, max))
          return "field '" + where + "': " + bad->message +
                 (bad->message.rfind("longer", 0) == 0 ? "" : " at byte " + std::to_string(bad->offset));
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const auto& sub = f->is_repeated() ? r->GetRepeatedMessage(m, f, k) : r->GetMessage(m, f);
        if (auto bad = checkFields(sub, where + ".")) return bad;
      }
    }
  }
  return std::nullopt;
}

// Finishes at once with UNIMPLEMENTED and a message.
class Unimplemented final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Unimplemented(const std::string& message) {
    Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, message));
  }
  void OnDone() override { delete this; }
};

}  // namespace

std::optional<std::string> checkRequest(const google::protobuf::Message& request) { return checkFields(request, ""); }

std::optional<std::string> decodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& request) {
  grpc::ByteBuffer copy(bytes);  // shares the slices; the reader consumes its own copy
  // (A proto3 string field that is not UTF-8 fails the parse too.)
  if (!grpc::GenericDeserialize<grpc::ProtoBufferReader, google::protobuf::Message>(&copy, &request).ok())
    return "the request is not a valid " + request.GetDescriptor()->full_name();
  return checkRequest(request);
}

void encodeReply(const google::protobuf::Message& reply, grpc::ByteBuffer* bytes) {
  bool own = false;  // serialized straight into the response's slices
  (void)grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(reply, bytes, &own);
}

grpc::ServerGenericBidiReactor* UnknownMethods::CreateReactor(grpc::GenericCallbackServerContext* ctx) {
  return new Unimplemented("no method " + printable(ctx->method().substr(0, 120)) + " here: this server serves " +
                           served_ + " (gRPC reflection lists the methods)");
}

namespace {

// A verb with its own way of calling.
class CustomVerb final : public Verb {
 public:
  using CallFn = CallResult (*)(v1::Management::Stub&, const grammar::Match&, std::chrono::milliseconds);
  using TextFn = std::string (*)(const grammar::Match&, const google::protobuf::Message&);
  CustomVerb(int id, const char* spec, const char* help, Kind kind, CallFn call_fn, TextFn text_fn)
      : id_(id), spec_(spec), help_(help), kind_(kind), call_(call_fn), text_(text_fn) {}
  int id() const override { return id_; }
  const char* spec() const override { return spec_; }
  const char* help() const override { return help_; }
  Kind kind() const override { return kind_; }
  CallResult call(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout) const override {
    return call_(stub, m, timeout);
  }
  std::string render(const grammar::Match& m, const google::protobuf::Message& reply) const override {
    return text_(m, reply);
  }

 private:
  int id_;
  const char* spec_;
  const char* help_;
  Kind kind_;
  CallFn call_;
  TextFn text_;
};

Registry build() {
  Registry r;
  addVpcShows(r);
  addKeepaliveShows(r);
  addConsistencyShows(r);
  addInterfaceShows(r);
  addLacpShows(r);
  addTableShows(r);
  addSyncShows(r);
  addSwitchShows(r);
  addChanges(r);
  return r;
}

grammar::Grammar buildGrammar(bool shell) {
  grammar::Grammar g;
  for (const auto& v : registry().verbs())
    if (auto err = g.add(v->id(), v->spec(), v->help())) throw std::logic_error("exec grammar: " + *err);
  if (shell) {
    struct Word {
      Command id;
      const char* spec;
      const char* help;
    };
    const Word words[] = {
        {kConfigureTerminal, "configure [ terminal ]", "enter configuration mode"},
        {kExit, "exit", "leave the shell"},
        {kQuit, "quit", "leave the shell"},
        {kEnd, "end", "stay in exec mode"},
        {kTerminalLength, "terminal length <lines:0-511>", "set number of lines on a screen (0: no paging)"},
        {kTerminalWidth, "terminal width <columns:24-511>", "set width of the display terminal"},
    };
    for (const auto& w : words)
      if (auto err = g.add(w.id, w.spec, w.help)) throw std::logic_error("shell grammar: " + *err);
  }
  return g;
}

}  // namespace

void Registry::verb(int id, const char* spec, const char* help, Verb::Kind kind,
                    CallResult (*call_fn)(v1::Management::Stub&, const grammar::Match&, std::chrono::milliseconds),
                    std::string (*text)(const grammar::Match&, const google::protobuf::Message&)) {
  verbs_.push_back(std::make_unique<CustomVerb>(id, spec, help, kind, call_fn, text));
}

const Verb* Registry::find(int id) const {
  for (const auto& v : verbs_)
    if (v->id() == id) return v.get();
  return nullptr;
}

const Registry& registry() {
  static const Registry r = build();
  return r;
}

const grammar::Grammar& execGrammar() {
  static const grammar::Grammar g = buildGrammar(false);
  return g;
}

const grammar::Grammar& shellExecGrammar() {
  static const grammar::Grammar g = buildGrammar(true);
  return g;
}

CallResult call(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout) {
  const auto* v = registry().find(m.command);
  if (!v || v->kind() == Verb::Kind::Stream)
    return {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this command has no single reply"), nullptr};
  return v->call(stub, m, timeout);
}

std::string render(const grammar::Match& m, const google::protobuf::Message& reply) {
  const auto* v = registry().find(m.command);
  return v ? v->render(m, reply) : std::string();
}

Service::Service(Backend& sw) {
  const auto* service = v1::InfoRequest::descriptor()->file()->FindServiceByName("Management");
  std::vector<bool> served(static_cast<std::size_t>(service->method_count()), false);
  for (const auto& rpc : registry().rpcs()) {
    const auto* method = service->FindMethodByName(rpc->name());
    if (!method) throw std::logic_error("management registry: no RPC " + rpc->name() + " in vpc.v1.Management");
    MarkMethodRawCallback(method->index(), rpc->handler(sw));
    served[static_cast<std::size_t>(method->index())] = true;
  }
  for (int i = 0; i < service->method_count(); ++i)
    if (!served[static_cast<std::size_t>(i)]) unserved_.push_back(service->method(i)->name());
}

void Service::markStream(const std::string& name, grpc::internal::MethodHandler* handler) {
  const auto* service = v1::InfoRequest::descriptor()->file()->FindServiceByName("Management");
  const auto* method = service->FindMethodByName(name);
  if (!method) throw std::logic_error("no RPC " + name + " in vpc.v1.Management");
  MarkMethodCallback(method->index(), handler);
  std::erase(unserved_, name);
}

}  // namespace vpc::mgmt
