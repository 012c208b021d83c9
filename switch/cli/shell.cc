#include "switch/cli/shell.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "switch/mgmt/registry.h"

namespace vpc::cli {

using namespace vpc::mgmt;  // the exec commands and their grammar

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// `word` abbreviates `full` (at least `min` letters).
bool abbreviates(std::string_view word, std::string_view full, std::size_t min) {
  const std::string w = lower(word);
  return w.size() >= min && w.size() <= full.size() && full.compare(0, w.size(), w) == 0;
}

// Help for the first word of a line, where the command table's own help would name one command only.
const std::map<std::string, std::string>& firstWordHelp() {
  static const std::map<std::string, std::string> h = {
      {"show", "Show running system information"},
      {"learn", "Learn MACs or ARP entries as if frames arrived (emulator)"},
      {"clear", "Reset functions"},
      {"events", "State-change events with their reasons, as NDJSON"},
      {"explain", "Why something is the way it is: cause chain, rules, events"},
      {"vpc", "vPC commands"},
      {"configure", "Enter configuration mode"},
      {"exit", "Exit from the EXEC"},
      {"quit", "Exit from the EXEC"},
      {"end", "Go to exec mode"},
      {"do", "EXEC command"},
      {"no", "Negate a command or set its defaults"},
      {"interface", "Configure interfaces"},
      {"feature", "Enable/Disable features"},
      {"vlan", "Vlan commands"},
      {"spanning-tree", "Spanning Tree Subsystem"},
      {"hostname", "Configure system's host name"},
      {"mac", "MAC configuration commands"},
  };
  return h;
}

std::string_view configModeSuffix(ConfigMode m) {
  switch (m) {
    case ConfigMode::Global: return "config";
    case ConfigMode::VpcDomain: return "config-vpc-domain";
    case ConfigMode::Interface: return "config-if";
    case ConfigMode::Vlan: return "config-vlan";
    case ConfigMode::Mst: return "config-mst";
  }
  return "config";
}

// The line without a trailing `| json` or `--json`, and whether one was there.
std::pair<std::string, bool> stripJson(std::string_view line) {
  const auto toks = grammar::tokenize(line);
  const std::size_t n = toks.size();
  if (n >= 2 && toks[n - 2].text == "|" && lower(toks[n - 1].text) == "json")
    return {std::string(trim(line.substr(0, toks[n - 2].column - 1))), true};
  if (n >= 1 && toks[n - 1].text == "--json") return {std::string(trim(line.substr(0, toks[n - 1].column - 1))), true};
  return {std::string(line), false};
}

}  // namespace

std::string syntaxErrorText(const grammar::MatchError& e) {
  switch (e.kind) {
    case grammar::MatchError::Kind::Ambiguous: return "% Ambiguous command at '^' marker.\n";
    case grammar::MatchError::Kind::Incomplete: return "% Incomplete command at '^' marker.\n";
    case grammar::MatchError::Kind::BadValue: return "% Invalid value at '^' marker: " + e.message + "\n";
    default: return "% Invalid command at '^' marker.\n";
  }
}

Shell::Shell(std::string hostname, ShellBackend& backend) : hostname_(std::move(hostname)), backend_(backend) {}

std::string Shell::prompt() const {
  if (mode_ == Mode::Exec) return hostname_ + "# ";
  return hostname_ + "(" + std::string(configModeSuffix(config_mode_)) + ")# ";
}

std::string Shell::marker(std::string_view shown, std::size_t column, bool echoed,
                          const grammar::MatchError& e) const {
  const std::size_t at = column > 0 ? column - 1 : 0;
  if (echoed) return std::string(prompt().size() + at, ' ') + "^\n" + syntaxErrorText(e);
  return std::string(shown) + "\n" + std::string(at, ' ') + "^\n" + syntaxErrorText(e);
}

ShellReply Shell::handle(std::string_view raw, bool echoed) {
  const std::string_view line = trim(raw);
  if (line.empty() || line.front() == '!') return {};
  // Columns are counted in the line as typed (leading blanks included).
  const std::size_t lead = static_cast<std::size_t>(line.data() - raw.data());
  const std::string shown(raw.substr(0, lead + line.size()));
  if (mode_ == Mode::Exec) return execLine(shown, 0, echoed, shown);
  return configLine(shown, echoed);
}

ShellReply Shell::endOfInput() {
  if (mode_ == Mode::Config) {
    mode_ = Mode::Exec;
    config_mode_ = ConfigMode::Global;
    context_.clear();
  }
  done_ = true;
  return {};
}

// An exec command: `text` starts at column `offset` + 1 of `shown` (the whole typed line; `do` shifts it).
ShellReply Shell::execLine(std::string_view text, std::size_t offset, bool echoed, std::string_view shown) {
  const auto [command, json] = stripJson(text);
  const bool in_shell = mode_ == Mode::Exec;  // `do` runs exec commands only, not the shell's own words
  const auto& g = in_shell ? shellExecGrammar() : execGrammar();
  auto matched = g.match(command);
  ShellReply r;
  if (auto* e = std::get_if<grammar::MatchError>(&matched)) {
    r.err = marker(shown, offset + e->column, echoed, *e);
    r.exit_code = 2;
    return r;
  }
  const auto& m = std::get<grammar::Match>(matched);
  switch (m.command) {
    case kConfigureTerminal:
      mode_ = Mode::Config;
      config_mode_ = ConfigMode::Global;
      context_.clear();
      r.out = "Enter configuration commands, one per line. End with CNTL/Z.\n";
      return r;
    case kExit:
    case kQuit: done_ = true; return r;
    case kEnd: return r;
    case kEvents:
      if (m.has("--follow") || m.has("follow")) {
        r.err = "% events --follow runs until interrupted: run it one-shot (vpcctl -s SWITCH events --follow)\n";
        r.exit_code = 1;
        return r;
      }
      break;
    default: break;
  }
  r.exit_code = backend_.exec(m, json);
  return r;
}

ShellReply Shell::configLine(std::string_view line, bool echoed) {
  ShellReply r;
  const auto toks = grammar::tokenize(line);
  if (toks.size() == 1 && abbreviates(toks[0].text, "exit", 2)) {
    if (config_mode_ != ConfigMode::Global) {
      config_mode_ = ConfigMode::Global;
      context_.clear();
    } else {
      mode_ = Mode::Exec;
    }
    return r;
  }
  if (toks.size() == 1 && abbreviates(toks[0].text, "end", 2)) {
    mode_ = Mode::Exec;
    config_mode_ = ConfigMode::Global;
    context_.clear();
    return r;
  }
  if (lower(toks[0].text) == "do") {
    if (toks.size() == 1) {
      grammar::MatchError e;
      e.kind = grammar::MatchError::Kind::Incomplete;
      e.column = line.size() + 1;
      r.err = marker(line, e.column, echoed, e);
      r.exit_code = 2;
      return r;
    }
    const std::size_t at = toks[1].column - 1;
    return execLine(line.substr(at), at, echoed, line);
  }
  auto classified = classifyTerminalLine(config_mode_, line);
  if (auto* e = std::get_if<grammar::MatchError>(&classified)) {
    // NX-OS takes show commands in configuration mode too; of the two errors, the one that got further.
    const auto [command, json] = stripJson(line);
    const auto as_exec = execGrammar().match(command);
    if (std::holds_alternative<grammar::Match>(as_exec)) return execLine(line, 0, echoed, line);
    const auto& exec_error = std::get<grammar::MatchError>(as_exec);
    if (exec_error.column > e->column) {
      r.err = marker(line, exec_error.column, echoed, exec_error);
      r.exit_code = 2;
      return r;
    }
    r.err = marker(line, e->column, echoed, *e);
    r.exit_code = 2;
    return r;
  }
  const auto step = std::get<TerminalLine>(classified);
  const std::string typed(trim(line));
  std::vector<std::string> lines;
  if (!step.opens_mode && step.mode != ConfigMode::Global) lines.push_back(context_);
  lines.push_back(typed);
  auto outcome = backend_.configure(lines);
  if (!outcome.ok) {
    r.err = "% " + outcome.error + "\n";
    r.exit_code = 1;
    return r;
  }
  for (const auto& msg : outcome.messages) r.out += msg + "\n";
  config_mode_ = step.mode;
  if (step.opens_mode) context_ = typed;
  else if (step.mode == ConfigMode::Global) context_.clear();
  return r;
}

std::vector<Shell::Word> Shell::candidates(std::string_view before) const {
  const auto toks = grammar::tokenize(before);
  const bool new_word = before.empty() || before.back() == ' ' || before.back() == '\t';
  const bool first_word = toks.empty() || (toks.size() == 1 && !new_word);
  const std::string prefix = new_word || toks.empty() ? "" : lower(toks.back().text);
  std::vector<grammar::Candidate> found;
  if (mode_ == Mode::Exec) {
    found = shellExecGrammar().complete(before);
  } else if (!toks.empty() && lower(toks[0].text) == "do" && (toks.size() > 1 || new_word)) {
    const std::size_t at = toks.size() > 1 ? toks[1].column - 1 : before.size();
    found = execGrammar().complete(before.substr(at));
  } else {
    found = completeTerminalLine(config_mode_, before);
    if (found.empty() && !first_word) found = execGrammar().complete(before);  // show in config mode
    if (first_word) {
      for (const char* w : {"do", "end", "exit", "show"})
        if (std::string_view(w).compare(0, prefix.size(), prefix) == 0) found.push_back({w, "", true});
    }
  }
  std::vector<Word> out;
  for (const auto& c : found) {
    if (std::any_of(out.begin(), out.end(), [&](const Word& w) { return w.word == c.word; })) continue;
    Word w{c.word, c.help, c.is_keyword};
    if (first_word) {
      const auto& h = firstWordHelp();
      if (auto it = h.find(c.word); it != h.end()) w.help = it->second;
    }
    out.push_back(std::move(w));
  }
  std::stable_sort(out.begin(), out.end(), [](const Word& a, const Word& b) {
    const int ra = a.word == "<cr>" ? 2 : (a.keyword ? 0 : 1);
    const int rb = b.word == "<cr>" ? 2 : (b.keyword ? 0 : 1);
    if (ra != rb) return ra < rb;
    return a.word < b.word;
  });
  return out;
}

std::string Shell::help(std::string_view before) const {
  const auto words = candidates(before);
  if (words.empty()) {
    // Nothing can follow: point at the word that went wrong.
    const auto& g = mode_ == Mode::Exec ? shellExecGrammar() : execGrammar();
    auto matched = g.match(before);
    grammar::MatchError e;
    e.column = before.size() + 1;
    if (auto* err = std::get_if<grammar::MatchError>(&matched)) e = *err;
    return marker(before, e.column, true, e);
  }
  std::size_t width = 22;
  for (const auto& w : words) width = std::max(width, w.word.size() + 2);
  std::string out;
  for (const auto& w : words) {
    if (w.word == "<cr>") {
      out += "  <CR>\n";
      if (mode_ == Mode::Exec || (!before.empty() && lower(grammar::tokenize(before)[0].text) == "do"))
        out += "  " + std::string("|") + std::string(width - 1, ' ') + "Pipe command output to filter (| json)\n";
      continue;
    }
    std::string text = w.help;
    // Sentence case, but words like vPC and MAC keep their letters.
    if (text.size() > 1 && std::islower(static_cast<unsigned char>(text[0])) &&
        !std::isupper(static_cast<unsigned char>(text[1])))
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    out += "  " + w.word + std::string(width - w.word.size(), ' ') + text + "\n";
  }
  return out;
}

Completion Shell::complete(std::string_view before) const {
  const auto words = candidates(before);
  const auto toks = grammar::tokenize(before);
  const bool new_word = before.empty() || before.back() == ' ' || before.back() == '\t';
  const std::string prefix = new_word || toks.empty() ? "" : lower(toks.back().text);
  std::vector<std::string> keywords;
  std::vector<std::string> listing;
  for (const auto& w : words) {
    if (w.word == "<cr>") continue;
    if (w.keyword) keywords.push_back(w.word);
    listing.push_back(w.word);
  }
  Completion c;
  if (keywords.size() == 1 && listing.size() == 1) {
    c.insert = keywords[0].substr(prefix.size()) + " ";
    return c;
  }
  if (!keywords.empty()) {
    std::string common = keywords[0];
    for (const auto& k : keywords) {
      std::size_t n = 0;
      while (n < common.size() && n < k.size() && common[n] == k[n]) ++n;
      common.resize(n);
    }
    if (common.size() > prefix.size() && listing.size() == keywords.size()) {
      c.insert = common.substr(prefix.size());
      return c;
    }
  }
  c.listing = std::move(listing);
  return c;
}

}  // namespace vpc::cli
