// Numbers and cut text for the monitor's text forms.
#include <cstdio>
#include <utility>

#include "app/monitor_cli/render.h"
#include "app/traffic/json_text.h"

namespace slipway::app::monitor_cli {

std::string format_number(const Json& object, const std::string& key, int decimals) {
  const auto value = traffic::field_number(object, key);
  if (!value) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, *value);
  std::string out = text;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

std::string cut_text(const std::string& text, std::size_t max_chars) {
  if (max_chars == 0) return "";
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A byte that starts a code point (not 10xxxxxx) begins the next character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars - 1) {
      // Room for one more: keep it only when it is the last.
      std::size_t next = i + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      return next >= text.size() ? text : text.substr(0, i) + "…";
    }
    ++chars;
  }
  return text;
}

std::string span_text(int64_t ms) {
  for (const auto& [unit_ms, suffix] :
       {std::pair<int64_t, const char*>{3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}}) {
    if (ms > 0 && ms % unit_ms == 0) return std::to_string(ms / unit_ms) + suffix;
  }
  return std::to_string(ms) + "ms";
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start) out += prefix;
    out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace slipway::app::monitor_cli
