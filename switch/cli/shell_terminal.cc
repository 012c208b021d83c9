#include "switch/cli/shell_terminal.h"

#include <histedit.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

namespace vpc::cli {

namespace {

struct Session {
  Shell* shell = nullptr;
  std::string prompt;  // kept alive for libedit between calls
  enum class Key { None, CtrlC, CtrlZ } key = Key::None;  // how the last line was ended
};

Session* sessionOf(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<Session*>(data);
}

char* promptOf(EditLine* el) {
  auto* s = sessionOf(el);
  s->prompt = s->shell->prompt();
  return s->prompt.data();
}

std::string beforeCursor(EditLine* el) {
  const LineInfo* li = el_line(el);
  return std::string(li->buffer, static_cast<std::size_t>(li->cursor - li->buffer));
}

// `?`: the choices at the cursor, then the prompt and the line again (NX-OS does the same).
unsigned char onQuestionMark(EditLine* el, int) {
  const std::string text = sessionOf(el)->shell->help(beforeCursor(el));
  std::fputs("?\n", stdout);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

// Tab: completes a unique word, else lists the choices.
unsigned char onTab(EditLine* el, int) {
  const auto c = sessionOf(el)->shell->complete(beforeCursor(el));
  if (!c.insert.empty()) {
    el_insertstr(el, c.insert.c_str());
    return CC_REFRESH;
  }
  if (c.listing.empty()) return CC_REFRESH_BEEP;
  std::string out = "\n";
  std::size_t column = 0;
  for (const auto& w : c.listing) {
    if (column > 0 && column + w.size() + 2 > 78) {
      out += "\n";
      column = 0;
    }
    out += w + "  ";
    column += w.size() + 2;
  }
  out += "\n";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

// Ctrl-C drops the line being typed; Ctrl-Z runs it, then returns to exec mode (NX-OS's `end`).
unsigned char onCtrlC(EditLine* el, int) {
  sessionOf(el)->key = Session::Key::CtrlC;
  std::fputs("^C\n", stdout);  // a key-bound newline does not move the cursor itself
  return CC_NEWLINE;
}
unsigned char onCtrlZ(EditLine* el, int) {
  sessionOf(el)->key = Session::Key::CtrlZ;
  std::fputs("\n", stdout);
  return CC_NEWLINE;
}

void print(const ShellReply& r) {
  if (!r.out.empty()) std::cout << r.out << std::flush;
  if (!r.err.empty()) std::cerr << r.err << std::flush;
}

}  // namespace

int runTerminalShell(Shell& shell, const std::string& history_file) {
  Session session{&shell, {}};
  EditLine* el = el_init("vpcctl", stdin, stdout, stderr);
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  history(hist, &ev, H_SETUNIQUE, 1);
  if (!history_file.empty()) history(hist, &ev, H_LOAD, history_file.c_str());
  el_set(el, EL_CLIENTDATA, &session);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_SIGNAL, 1);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_PROMPT, promptOf);
  el_set(el, EL_ADDFN, "vpc-help", "NX-OS ? help", onQuestionMark);
  el_set(el, EL_ADDFN, "vpc-complete", "complete the word", onTab);
  el_set(el, EL_BIND, "?", "vpc-help", nullptr);
  el_set(el, EL_BIND, "^I", "vpc-complete", nullptr);
  // While a line is edited, Ctrl-C and Ctrl-Z are keys, not signals (as on a switch's console).
  el_set(el, EL_SETTY, "-d", "-isig", nullptr);
  el_set(el, EL_ADDFN, "vpc-cancel", "drop the line", onCtrlC);
  el_set(el, EL_ADDFN, "vpc-end", "run the line, then end", onCtrlZ);
  el_set(el, EL_BIND, "^C", "vpc-cancel", nullptr);
  el_set(el, EL_BIND, "^Z", "vpc-end", nullptr);

  int status = 0;
  while (!shell.done()) {
    int count = 0;
    session.key = Session::Key::None;
    errno = 0;
    const char* line = el_gets(el, &count);
    if (line == nullptr && errno == EINTR) continue;  // a signal (e.g. a window resize), not the end
    if (line == nullptr && session.key != Session::Key::None) line = "";  // Ctrl-C/Ctrl-Z on an empty line
    if (line == nullptr) {
      std::cout << "\n";
      print(shell.endOfInput());
      break;
    }
    std::string text(line, static_cast<std::size_t>(count > 0 ? count : 0));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (session.key == Session::Key::CtrlC) continue;
    if (text.find_first_not_of(" \t") != std::string::npos) {
      history(hist, &ev, H_ENTER, text.c_str());
      if (!history_file.empty()) history(hist, &ev, H_SAVE, history_file.c_str());
    }
    const auto reply = shell.handle(text, true);
    print(reply);
    if (reply.exit_code != 0) status = reply.exit_code;
    if (session.key == Session::Key::CtrlZ) print(shell.handle("end", true));
  }
  history_end(hist);
  el_end(el);
  return status;
}

int runScriptShell(Shell& shell) {
  int status = 0;
  std::string line;
  while (!shell.done() && std::getline(std::cin, line)) {
    const auto reply = shell.handle(line, false);
    print(reply);
    if (reply.exit_code != 0) status = reply.exit_code;
  }
  print(shell.endOfInput());
  return status;
}

}  // namespace vpc::cli
