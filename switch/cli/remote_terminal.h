// Drives a Shell from the raw bytes of a remote terminal (an SSH channel with a pty), as the switch's
// own line editor: echo, backspace, Ctrl-C / Ctrl-U, Ctrl-Z (end), `?` help and tab completion in
// place, history on the arrow keys, and "\r\n" line ends. Pure: bytes in, bytes to send back out.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "switch/cli/shell.h"

namespace vpc::cli {

class RemoteTerminal {
 public:
  explicit RemoteTerminal(Shell& shell, std::string banner = {});

  // The banner and the first prompt.
  std::string start();
  // Keystrokes from the client; returns what to send back (echo, command output, the next prompt).
  std::string feed(std::string_view bytes);
  bool done() const { return shell_.done(); }
  // The exit code of the last command that failed (0: none did).
  int status() const { return status_; }

  static constexpr std::size_t kMaxLine = 4096;  // beyond: the bell, as a full input buffer

 private:
  std::string enter();
  std::string redraw() const;  // the prompt and the line so far, on a fresh line
  std::string replaceLine(const std::string& text);

  Shell& shell_;
  std::string banner_;
  std::string line_;
  std::deque<std::string> history_;
  std::size_t history_at_ = 0;  // == history_.size(): the line being typed
  enum class Esc { None, Escape, Csi } esc_ = Esc::None;
  bool after_cr_ = false;
  int status_ = 0;
};

// "\n" -> "\r\n" (a pty in raw mode needs both).
std::string crlf(std::string_view text);

}  // namespace vpc::cli
