// Cutting texts on a UTF-8 character boundary.
#include "monitor/judge/judge_text.h"

namespace slipway::monitor {

std::string cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands before a
  // character's first byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6[truncated]";
}

}  // namespace slipway::monitor
