#include "engine/format/format_text.h"

#include <cstdio>

#include "engine/format/format_error.h"

namespace slipway::engine::format_text {

void fail(const std::filesystem::path& source, std::string_view problem) {
  std::string message = source.string();
  message += ": ";
  message += problem;
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  throw FormatError(message);
}

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(shape[i]);
  }
  out += ']';
  return out;
}

}  // namespace slipway::engine::format_text
