// Text helpers the NX-OS renderings share: label columns, tables whose cells wrap, line wrapping, and
// the JSON twin. Pure.
#pragma once

#include <string>
#include <vector>

#include <google/protobuf/message.h>

namespace vpc::mgmt {

// "label<padding>: value" with the label column `width` wide, as NX-OS prints it.
std::string field(const std::string& label, const std::string& value, std::size_t width);
// "(12) seconds, (345) msec"
std::string secondsMsec(double s);
// Rows whose cells may wrap onto several lines: widths[i] is the column width including the gap after
// it (the last column is unbounded); wrap_at[i] (0: never) where a cell wraps.
std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<std::size_t>& widths,
                  const std::vector<std::size_t>& wrap_at);
// Splits text into lines of at most `width` characters, breaking at spaces (or after commas for VLAN
// lists); a word longer than the width is cut.
std::vector<std::string> wrap(const std::string& text, std::size_t width);
// Pretty JSON (multi-line) for show commands; compact one-line JSON for NDJSON streams. Proto field
// names are kept (DESIGN.md §7).
std::string toJson(const google::protobuf::Message& m, bool pretty = true);

}  // namespace vpc::mgmt
