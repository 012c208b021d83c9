#include "switch/mgmt/text.h"

#include <algorithm>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

namespace vpc::mgmt {

std::string field(const std::string& label, const std::string& value, std::size_t width) {
  return fmt::format("{:<{}}: {}\n", label, width, value);
}

std::string secondsMsec(double s) {
  const auto ms_total = static_cast<long long>(s * 1000.0 + 0.5);
  return fmt::format("({}) seconds, ({}) msec", ms_total / 1000, ms_total % 1000);
}

std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<std::size_t>& widths,
                  const std::vector<std::size_t>& wrap_at) {
  std::string out;
  for (const auto& row : rows) {
    std::vector<std::vector<std::string>> cells;
    std::size_t lines = 1;
    for (std::size_t c = 0; c < row.size(); ++c) {
      cells.push_back(wrap_at[c] ? wrap(row[c], wrap_at[c]) : std::vector<std::string>{row[c]});
      if (cells.back().empty()) cells.back().push_back("");
      lines = std::max(lines, cells.back().size());
    }
    for (std::size_t l = 0; l < lines; ++l) {
      std::string line;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string& text = l < cells[c].size() ? cells[c][l] : std::string();
        if (c + 1 < cells.size()) line += fmt::format("{:<{}}", text, widths[c]);
        else line += text;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  return out;
}

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string rest = text;
  while (rest.size() > width) {
    std::size_t cut = std::string::npos;
    for (std::size_t i = std::min(width, rest.size() - 1); i > 0; --i) {
      if (rest[i] == ' ') {
        cut = i;
        break;
      }
      if (rest[i - 1] == ',') {
        cut = i;
        break;
      }
    }
    if (cut == std::string::npos || cut == 0) cut = width;
    std::string head = rest.substr(0, cut);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    lines.push_back(head);
    rest = rest.substr(cut);
    while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
  }
  if (!rest.empty() || lines.empty()) lines.push_back(rest);
  return lines;
}

std::string toJson(const google::protobuf::Message& m, bool pretty) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  opts.add_whitespace = pretty;
  (void)google::protobuf::util::MessageToJsonString(m, &json, opts);
  if (!pretty && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace vpc::mgmt
