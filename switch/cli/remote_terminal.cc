#include "switch/cli/remote_terminal.h"

namespace vpc::cli {

namespace {
constexpr std::size_t kHistory = 100;
}

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  char prev = 0;
  for (const char c : text) {
    if (c == '\n' && prev != '\r') out += '\r';
    out += c;
    prev = c;
  }
  return out;
}

RemoteTerminal::RemoteTerminal(Shell& shell, std::string banner) : shell_(shell), banner_(std::move(banner)) {}

std::string RemoteTerminal::start() { return crlf(banner_) + shell_.prompt(); }

std::string RemoteTerminal::redraw() const { return shell_.prompt() + line_; }

std::string RemoteTerminal::replaceLine(const std::string& text) {
  line_ = text;
  return "\r\x1b[K" + redraw();
}

std::string RemoteTerminal::enter() {
  std::string out = "\r\n";
  const std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && (history_.empty() || history_.back() != line)) {
    history_.push_back(line);
    if (history_.size() > kHistory) history_.pop_front();
  }
  history_at_ = history_.size();
  const auto r = shell_.handle(line, true);
  if (r.exit_code != 0) status_ = r.exit_code;
  out += crlf(r.out);
  out += crlf(r.err);
  if (!shell_.done()) out += shell_.prompt();
  return out;
}

std::string RemoteTerminal::feed(std::string_view bytes) {
  std::string out;
  for (const char ch : bytes) {
    if (shell_.done()) break;
    const auto c = static_cast<unsigned char>(ch);
    if (esc_ == Esc::Escape) {
      esc_ = c == '[' || c == 'O' ? Esc::Csi : Esc::None;
      continue;
    }
    if (esc_ == Esc::Csi) {
      if (c >= 0x40 && c <= 0x7e) {  // the final byte of the sequence
        esc_ = Esc::None;
        if (c == 'A' && history_at_ > 0) out += replaceLine(history_[--history_at_]);
        else if (c == 'B' && history_at_ < history_.size()) {
          ++history_at_;
          out += replaceLine(history_at_ < history_.size() ? history_[history_at_] : std::string());
        }
      }
      continue;
    }
    const bool was_cr = after_cr_;
    after_cr_ = c == '\r';
    switch (c) {
      case '\r': out += enter(); break;
      case '\n':
      case 0:
        if (!was_cr) out += enter();  // "\r\n" and "\r\0" are one Enter
        break;
      case 0x7f:
      case 0x08:
        if (!line_.empty()) {
          // A whole UTF-8 character goes.
          do line_.pop_back();
          while (!line_.empty() && (static_cast<unsigned char>(line_.back()) & 0xc0) == 0x80);
          out += "\b \b";
        }
        break;
      case 0x03:  // Ctrl-C: the line is abandoned
        line_.clear();
        history_at_ = history_.size();
        out += "^C\r\n" + shell_.prompt();
        break;
      case 0x15:  // Ctrl-U
        out += replaceLine({});
        break;
      case 0x1a:  // Ctrl-Z: back to exec mode
        line_ = "end";
        out += "^Z" + enter();
        break;
      case 0x1b: esc_ = Esc::Escape; break;
      case '\t': {
        const auto c2 = shell_.complete(line_);
        if (!c2.insert.empty()) {
          if (line_.size() + c2.insert.size() <= kMaxLine) {
            line_ += c2.insert;
            out += c2.insert;
          }
        } else if (!c2.listing.empty()) {
          out += "\r\n";
          for (const auto& w : c2.listing) out += w + "  ";
          out += "\r\n" + redraw();
        } else {
          out += '\a';
        }
        break;
      }
      case '?':
        out += "?\r\n" + crlf(shell_.help(line_)) + redraw();
        break;
      default:
        if (c < 0x20) break;  // other control characters do nothing
        if (line_.size() >= kMaxLine) {
          out += '\a';
          break;
        }
        line_ += ch;
        out += ch;
    }
  }
  return out;
}

}  // namespace vpc::cli
