#include "switch/cli/shell.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <regex>

#include "peerlink/core/values.h"
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

grammar::MatchError pipeError(grammar::MatchError::Kind kind, std::size_t column, std::string message = {}) {
  grammar::MatchError e;
  e.kind = kind;
  e.column = column;
  e.message = std::move(message);
  return e;
}

// Lines of `text`, each with its line end.
std::vector<std::string_view> linesOf(const std::string& text) {
  std::vector<std::string_view> out;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto n = nl == std::string_view::npos ? rest.size() : nl + 1;
    out.push_back(rest.substr(0, n));
    rest.remove_prefix(n);
  }
  return out;
}

// std::regex matches by recursion, deeper with the line's length: a line of JSON output can be
// megabytes, which would overflow the session thread's stack. Only a line's first 4 KiB are searched.
constexpr std::size_t kSearchedBytes = 4096;

bool searches(const std::regex& re, std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (line.size() > kSearchedBytes) line = line.substr(0, kSearchedBytes);
  return std::regex_search(line.begin(), line.end(), re);
}

}  // namespace

std::variant<PipedLine, grammar::MatchError> splitPipes(std::string_view line) {
  using K = grammar::MatchError::Kind;
  struct Name {
    const char* word;
    Filter::Kind kind;
  };
  static const Name kNames[] = {{"include", Filter::Kind::Include}, {"exclude", Filter::Kind::Exclude},
                                {"begin", Filter::Kind::Begin},     {"count", Filter::Kind::Count},
                                {"last", Filter::Kind::Last},       {"no-more", Filter::Kind::NoMore},
                                {"json", Filter::Kind::Json},       {"json-pretty", Filter::Kind::JsonPretty}};
  PipedLine p;
  std::size_t bar = line.find('|');
  std::string_view command = line.substr(0, bar);
  while (!command.empty() && (command.back() == ' ' || command.back() == '\t')) command.remove_suffix(1);
  const auto ctoks = grammar::tokenize(command);
  if (!ctoks.empty() && ctoks.back().text == "--json") {
    p.format = OutputFormat::Json;
    command = command.substr(0, ctoks.back().column - 1);
    while (!command.empty() && command.back() == ' ') command.remove_suffix(1);
  }
  p.command = std::string(command);
  while (bar != std::string_view::npos) {
    const std::size_t from = bar + 1;
    bar = line.find('|', from);
    const std::string_view part = line.substr(from, bar == std::string_view::npos ? std::string_view::npos : bar - from);
    const auto toks = grammar::tokenize(part);
    if (toks.empty()) return pipeError(K::Incomplete, from + part.size() + 1);
    const std::string word = lower(toks[0].text);
    const Name* found = nullptr;
    int matches = 0;
    for (const auto& n : kNames) {
      if (word == n.word) {  // a whole word wins over the words it abbreviates ("json", "json-pretty")
        found = &n;
        matches = 1;
        break;
      }
      if (std::string_view(n.word).compare(0, word.size(), word) == 0 && word.size() <= std::strlen(n.word)) {
        found = &n;
        ++matches;
      }
    }
    if (matches != 1) return pipeError(matches ? K::Ambiguous : K::Invalid, from + toks[0].column);
    Filter f{found->kind, {}, 10};
    std::string_view args = toks.size() > 1 ? part.substr(toks[1].column - 1) : std::string_view{};
    args = trim(args);
    switch (f.kind) {
      case Filter::Kind::Include:
      case Filter::Kind::Exclude:
      case Filter::Kind::Begin:
        if (args.empty()) return pipeError(K::Incomplete, from + part.size() + 1);
        f.pattern = std::string(args);
        try {
          std::regex re(f.pattern);
        } catch (const std::regex_error&) {
          return pipeError(K::BadValue, from + toks[1].column, "not a regular expression");
        }
        break;
      case Filter::Kind::Last:
        if (!args.empty()) {
          const auto n = parseUint(args);
          if (!n || *n < 1 || *n > 9999 || toks.size() > 2)
            return pipeError(K::BadValue, from + toks[1].column, "a number of lines, 1-9999");
          f.lines = static_cast<std::size_t>(*n);
        }
        break;
      default:
        if (toks.size() > 1) return pipeError(K::Invalid, from + toks[1].column);
    }
    if (f.kind == Filter::Kind::Json) p.format = OutputFormat::Json;
    if (f.kind == Filter::Kind::JsonPretty) p.format = OutputFormat::JsonPretty;
    p.filters.push_back(std::move(f));
  }
  return p;
}

std::string applyFilters(const std::vector<Filter>& filters, const std::string& text) {
  std::string cur = text;
  for (const auto& f : filters) {
    const auto lines = linesOf(cur);
    std::string next;
    switch (f.kind) {
      case Filter::Kind::Include:
      case Filter::Kind::Exclude: {
        const std::regex re(f.pattern);
        const bool keep = f.kind == Filter::Kind::Include;
        for (auto l : lines)
          if (searches(re, l) == keep) next += l;
        break;
      }
      case Filter::Kind::Begin: {
        const std::regex re(f.pattern);
        bool on = false;
        for (auto l : lines) {
          on = on || searches(re, l);
          if (on) next += l;
        }
        break;
      }
      case Filter::Kind::Count: next = std::to_string(lines.size()) + "\n"; break;
      case Filter::Kind::Last:
        for (std::size_t i = lines.size() > f.lines ? lines.size() - f.lines : 0; i < lines.size(); ++i) next += lines[i];
        break;
      case Filter::Kind::NoMore:
      case Filter::Kind::Json:
      case Filter::Kind::JsonPretty: next = std::move(cur); break;
    }
    if (!next.empty() && next.back() != '\n') next += '\n';
    cur = std::move(next);
  }
  return cur;
}

std::string syntaxErrorText(const grammar::MatchError& e) {
  switch (e.kind) {
    case grammar::MatchError::Kind::Ambiguous: return "% Ambiguous command at '^' marker.\n";
    case grammar::MatchError::Kind::Incomplete: return "% Incomplete command at '^' marker.\n";
    case grammar::MatchError::Kind::BadValue: return "% Invalid value at '^' marker: " + e.message + "\n";
    default: return "% Invalid command at '^' marker.\n";
  }
}

Shell::Shell(std::string hostname, ShellBackend& backend, UserRole role)
    : hostname_(std::move(hostname)), backend_(backend), role_(role) {}

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
  ShellReply r;
  auto piped = splitPipes(text);
  if (auto* e = std::get_if<grammar::MatchError>(&piped)) {
    r.err = marker(shown, offset + e->column, echoed, *e);
    r.exit_code = 2;
    return r;
  }
  const auto& line = std::get<PipedLine>(piped);
  const bool in_shell = mode_ == Mode::Exec;  // `do` runs exec commands only, not the shell's own words
  const auto& g = in_shell ? shellExecGrammar() : execGrammar();
  auto matched = g.match(line.command);
  if (auto* e = std::get_if<grammar::MatchError>(&matched)) {
    r.err = marker(shown, offset + e->column, echoed, *e);
    r.exit_code = 2;
    return r;
  }
  const auto& m = std::get<grammar::Match>(matched);
  const auto* verb = registry().find(m.command);
  const bool changes = m.command == kConfigureTerminal || (verb && verb->kind() == Verb::Kind::Change);
  if (changes && !mayChangeState(role_)) {
    r.err = "% Permission denied for the role\n";
    r.exit_code = 1;
    return r;
  }
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
    case kTerminalLength: length_ = static_cast<std::uint32_t>(m.number("lines")); return r;
    case kTerminalWidth: width_ = static_cast<std::uint32_t>(m.number("columns")); return r;
    case kEvents:
      if (m.has("--follow") || m.has("follow")) {
        r.err = "% events --follow runs until interrupted: run it one-shot (vpcctl -s SWITCH events --follow)\n";
        r.exit_code = 1;
        return r;
      }
      break;
    default: break;
  }
  auto outcome = backend_.exec(m, line.format);
  r.exit_code = outcome.exit_code;
  r.err = std::move(outcome.err);
  r.out = outcome.exit_code == 0 && !line.filters.empty() ? applyFilters(line.filters, outcome.out) : std::move(outcome.out);
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
    const auto piped = splitPipes(line);
    const auto* p = std::get_if<PipedLine>(&piped);
    const auto as_exec = execGrammar().match(p ? std::string_view(p->command) : line);
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
      if (mode_ != Mode::Exec && c.word == "exit") w.help = "Exit from command interpreter";
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
        out += "  " + std::string("|") + std::string(width - 1, ' ') + "Pipe command output to filter\n";
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
