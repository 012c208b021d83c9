#include "switch/daemon/ssh_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "peerlink/core/text_check.h"
#include "switch/cli/management_backend.h"
#include "switch/cli/remote_terminal.h"
#include "switch/cli/shell.h"

namespace vpc::daemon {

namespace {

constexpr auto kLoginTime = std::chrono::seconds(60);  // to authenticate and open a channel
constexpr int kMaxAuthTries = 6;                       // then the client is disconnected (as OpenSSH)
constexpr int kPollMs = 200;                           // how soon an open session notices a stop
constexpr int kReapMs = 5000;                          // finished sessions are joined at most this late

std::string peerOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
  }
  return "?";
}

// "ssh-ed25519 AAAA... comment" against the key a client offers.
bool sameKey(const std::string& line, ssh_key offered) {
  std::istringstream in(line);
  std::string type, b64;
  in >> type >> b64;
  const auto kind = ssh_key_type_from_name(type.c_str());
  if (kind == SSH_KEYTYPE_UNKNOWN || b64.empty()) return false;
  ssh_key k = nullptr;
  if (ssh_pki_import_pubkey_base64(b64.c_str(), kind, &k) != SSH_OK) return false;
  const bool same = ssh_key_cmp(k, offered, SSH_KEY_CMP_PUBLIC) == 0;
  ssh_key_free(k);
  return same;
}

const char* kBanner =
    "vpclab - an emulated Cisco Nexus vPC switch (NX-OS session)\n"
    "Type ? for help; show commands take | include, | exclude, | begin, | count, | last, | json.\n";

}  // namespace

// One client connection: its login, and its channels - each an NX-OS session (a pty shell) or one
// command (exec).
struct SshServer::Session {
  // A channel and the session on it.
  struct Channel {
    Session* owner = nullptr;
    ssh_channel channel = nullptr;
    bool closed = false;    // the client closed it
    bool finished = false;  // we sent the exit status and closed our side
    std::optional<std::chrono::steady_clock::time_point> linger;  // then the client has this long to close it
    bool pty = false;
    // Requests are answered after their callback returns: the work they ask for runs in the loop.
    std::optional<std::string> pending_exec;
    bool pending_shell = false;
    cli::ManagementClient client;
    std::unique_ptr<cli::ManagementBackend> backend;
    std::unique_ptr<cli::Shell> shell;
    std::unique_ptr<cli::RemoteTerminal> terminal;
    ssh_channel_callbacks_struct cb{};

    void write(const std::string& bytes) {
      if (!finished && !bytes.empty()) ssh_channel_write(channel, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    }

    void finish(int status) {
      if (finished) return;
      ssh_channel_request_send_exit_status(channel, status);
      ssh_channel_send_eof(channel);
      ssh_channel_close(channel);
      finished = true;
      linger = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }

    bool startSession() {
      if (shell) return false;  // one session per channel
      client.address = "this switch";
      client.timeout_s = 60;
      client.stub = v1::Management::NewStub(owner->server->hooks_.channel());
      backend = std::make_unique<cli::ManagementBackend>(client);
      shell = std::make_unique<cli::Shell>(owner->server->hooks_.hostname(), *backend, owner->user->role);
      return true;
    }

    // What a shell or exec request asked for, once it was answered.
    void runPending() {
      if (pending_shell) {
        pending_shell = false;
        terminal = std::make_unique<cli::RemoteTerminal>(*shell, kBanner);
        write(terminal->start());
      }
      if (pending_exec) {
        const auto r = shell->handle(*pending_exec, false);
        pending_exec.reset();
        write(pty ? cli::crlf(r.out) : r.out);
        if (!r.err.empty() && !finished)
          ssh_channel_write_stderr(channel, r.err.data(), static_cast<std::uint32_t>(r.err.size()));
        finish(r.exit_code);
      }
    }
  };

  Session(SshServer* srv, ssh_session session, std::string from) : server(srv), ssh(session), peer(std::move(from)) {}
  SshServer* server;
  ssh_session ssh;
  std::string peer;
  std::optional<UserConfig> user;
  int auth_tries = 0;
  std::list<Channel> channels;
  static constexpr std::size_t kMaxChannels = 8;

  static int onPassword(ssh_session, const char* name, const char* password, void* self) {
    auto* s = static_cast<Session*>(self);
    ++s->auth_tries;
    auto u = s->server->hooks_.user(name);
    if (u && passwordMatches(*u, password)) {
      s->user = std::move(u);
      return SSH_AUTH_SUCCESS;
    }
    ++s->server->auth_failures_;
    s->server->hooks_.log(std::string("ssh: password refused for ") + (u ? "user " : "unknown user ") +
                          printable(std::string_view(name).substr(0, 64)) + " from " + s->peer);
    return SSH_AUTH_DENIED;
  }

  static int onPublicKey(ssh_session, const char* name, ssh_key key, char state, void* self) {
    auto* s = static_cast<Session*>(self);
    auto u = s->server->hooks_.user(name);
    bool known = false;
    if (u)
      for (const auto& line : u->ssh_keys) known = known || sameKey(line, key);
    if (!known) {
      if (state != SSH_PUBLICKEY_STATE_NONE) ++s->server->auth_failures_;
      return SSH_AUTH_DENIED;
    }
    if (state == SSH_PUBLICKEY_STATE_NONE) return SSH_AUTH_SUCCESS;  // "this key would do": the client signs next
    if (state != SSH_PUBLICKEY_STATE_VALID) {
      ++s->server->auth_failures_;
      return SSH_AUTH_DENIED;
    }
    s->user = std::move(u);
    return SSH_AUTH_SUCCESS;
  }

  static ssh_channel onChannelOpen(ssh_session session, void* self) {
    auto* s = static_cast<Session*>(self);
    if (!s->user || s->channels.size() >= kMaxChannels) return nullptr;
    auto& c = s->channels.emplace_back();
    c.owner = s;
    c.channel = ssh_channel_new(session);
    c.cb.userdata = &c;
    c.cb.channel_data_function = onData;
    c.cb.channel_pty_request_function = onPty;
    c.cb.channel_shell_request_function = onShell;
    c.cb.channel_exec_request_function = onExec;
    c.cb.channel_pty_window_change_function = onWindow;
    c.cb.channel_env_request_function = onEnv;
    c.cb.channel_eof_function = onEof;
    c.cb.channel_close_function = onClose;
    ssh_callbacks_init(&c.cb);
    ssh_set_channel_callbacks(c.channel, &c.cb);
    return c.channel;
  }

  static int onPty(ssh_session, ssh_channel, const char*, int, int, int, int, void* self) {
    static_cast<Channel*>(self)->pty = true;
    return 0;
  }
  static int onWindow(ssh_session, ssh_channel, int, int, int, int, void*) { return 0; }
  static int onEnv(ssh_session, ssh_channel, const char*, const char*, void*) { return 0; }

  static int onShell(ssh_session, ssh_channel, void* self) {
    auto* c = static_cast<Channel*>(self);
    if (!c->startSession()) return -1;
    c->pending_shell = true;
    return 0;
  }

  // `ssh leaf1 "show vpc | i role"`: one line, its output, its exit status.
  static int onExec(ssh_session, ssh_channel, const char* command, void* self) {
    auto* c = static_cast<Channel*>(self);
    if (!c->startSession()) return -1;
    c->pending_exec = command;
    return 0;
  }

  static int onData(ssh_session, ssh_channel, void* data, std::uint32_t len, int, void* self) {
    auto* c = static_cast<Channel*>(self);
    if (!c->terminal || c->finished) return static_cast<int>(len);
    c->write(c->terminal->feed(std::string_view(static_cast<const char*>(data), len)));
    if (c->terminal->done()) c->finish(c->terminal->status());
    return static_cast<int>(len);
  }

  static void onEof(ssh_session, ssh_channel, void* self) {
    auto* c = static_cast<Channel*>(self);
    if (c->pending_exec || c->pending_shell) return;  // the request's work still answers
    if (c->shell) (void)c->shell->endOfInput();
    c->finish(c->terminal ? c->terminal->status() : 0);
  }
  static void onClose(ssh_session, ssh_channel, void* self) { static_cast<Channel*>(self)->closed = true; }

  // Runs what requests asked for; frees channels both sides closed (or the client left open too long).
  void tend() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = channels.begin(); it != channels.end();) {
      it->runPending();
      if (it->closed && !it->finished) it->finish(0);
      if (it->finished && (it->closed || (it->linger && now > *it->linger))) {
        ssh_channel_free(it->channel);
        it = channels.erase(it);
      } else {
        ++it;
      }
    }
  }
};

SshServer::SshServer(SshServerOptions options, Hooks hooks) : options_(std::move(options)), hooks_(std::move(hooks)) {}

SshServer::~SshServer() { stop(); }

Status SshServer::start() {
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  ssh_key key = nullptr;
  if (!std::filesystem::exists(options_.host_key)) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options_.host_key).parent_path(), ec);
    // Written beside it and renamed into place: another switch starting at the same moment reads a
    // whole key or none (then makes its own).
    const std::string tmp = options_.host_key + ".new-" + std::to_string(::getpid());
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK ||
        ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, tmp.c_str()) != SSH_OK) {
      if (key) ssh_key_free(key);
      return Error{ErrorCode::Unavailable, "ssh: cannot write a host key to " + options_.host_key};
    }
    ::chmod(tmp.c_str(), 0600);
    if (::rename(tmp.c_str(), options_.host_key.c_str()) != 0) {
      ssh_key_free(key);
      return Error{ErrorCode::Unavailable, "ssh: cannot write a host key to " + options_.host_key};
    }
    hooks_.log("ssh: made a host key in " + options_.host_key);
  } else if (ssh_pki_import_privkey_file(options_.host_key.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    return Error{ErrorCode::InvalidArgument, "ssh: " + options_.host_key + " is not a private key libssh can read"};
  }
  auto* b = ssh_bind_new();
  bind_ = b;
  unsigned int port = options_.port;
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDADDR, options_.address.c_str());
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDPORT, &port);
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_IMPORT_KEY, key);  // the bind owns it now
  if (ssh_bind_listen(b) != SSH_OK) {
    const std::string why = ssh_get_error(b);
    ssh_bind_free(b);
    bind_ = nullptr;
    return Error{ErrorCode::Unavailable, "ssh: cannot listen on " + where + " (" + why + ")"};
  }
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ::getsockname(ssh_bind_get_fd(b), reinterpret_cast<sockaddr*>(&local), &len);
  port_ = ntohs(local.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
  return Status::ok();
}

void SshServer::acceptLoop() {
  auto* b = static_cast<ssh_bind>(bind_);
  while (!stopping_) {
    if (!wake_.waitReadable(ssh_bind_get_fd(b), kReapMs)) {
      sessions_.reap();
      continue;
    }
    ssh_session s = ssh_new();
    if (ssh_bind_accept(b, s) != SSH_OK) {
      ssh_free(s);
      continue;
    }
    if (!sessions_.spawn(options_.max_sessions, [this, s] { serve(s); })) {
      ++refused_;
      hooks_.log("ssh: refused a session from " + peerOf(ssh_get_fd(s)) + ": " +
                 std::to_string(options_.max_sessions) + " sessions are open");
      ssh_disconnect(s);
      ssh_free(s);
    }
  }
}

void SshServer::serve(void* raw) {
  auto* ssh = static_cast<ssh_session>(raw);
  Session s(this, ssh, peerOf(ssh_get_fd(ssh)));
  ssh_server_callbacks_struct cb{};
  cb.userdata = &s;
  cb.auth_password_function = Session::onPassword;
  cb.auth_pubkey_function = Session::onPublicKey;
  cb.channel_open_request_session_function = Session::onChannelOpen;
  ssh_callbacks_init(&cb);
  ssh_set_server_callbacks(ssh, &cb);
  long timeout_s = 30;
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &timeout_s);
  if (ssh_handle_key_exchange(ssh) != SSH_OK) {
    hooks_.log("ssh: key exchange with " + s.peer + " failed: " + ssh_get_error(ssh));
    ssh_disconnect(ssh);
    ssh_free(ssh);
    return;
  }
  ssh_set_auth_methods(ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);
  ssh_event ev = ssh_event_new();
  ssh_event_add_session(ev, ssh);
  const auto login_deadline = std::chrono::steady_clock::now() + kLoginTime;
  bool logged = false;
  bool opened = false;  // a channel was opened (the login is over)
  while (!stopping_) {
    if (ssh_event_dopoll(ev, kPollMs) == SSH_ERROR) break;
    s.tend();
    opened = opened || !s.channels.empty();
    if (s.user && !logged) {
      logged = true;
      ++logins_;
      hooks_.log("ssh: " + s.user->name + " (" + roleName(s.user->role) + ") logged in from " + s.peer);
    }
    if (!opened && std::chrono::steady_clock::now() > login_deadline) break;
    if (!s.user && s.auth_tries >= kMaxAuthTries) break;
    if (ssh_get_status(ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) break;
  }
  for (auto& c : s.channels) {
    if (!c.finished && !c.closed) {
      if (stopping_ && c.pty) c.write("\r\n% The switch is shutting down\r\n");
      c.finish(0);
    }
    ssh_channel_free(c.channel);
  }
  s.channels.clear();
  if (logged) hooks_.log("ssh: " + s.user->name + " from " + s.peer + " logged out");
  ssh_event_remove_session(ev, ssh);
  ssh_event_free(ev);
  ssh_disconnect(ssh);
  ssh_free(ssh);
}

void SshServer::stop() {
  if (stopping_.exchange(true)) return;
  wake_.raise();
  if (acceptor_.joinable()) acceptor_.join();
  sessions_.joinAll();
  if (bind_) ssh_bind_free(static_cast<ssh_bind>(bind_));
  bind_ = nullptr;
}

SshServer::Stats SshServer::stats() { return {logins_, auth_failures_, sessions_.running(), refused_}; }

}  // namespace vpc::daemon
