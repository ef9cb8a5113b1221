#include "text/tokenizer/byte_level.h"

#include <array>

#include "text/tokenizer/unicode.h"

namespace slipway::text::byte_level {
namespace {

struct Tables {
  std::array<std::string, 256> chars;
  std::array<int, 512> bytes;  // code point -> byte or -1; mapped code points are below 512
  Tables() {
    bytes.fill(-1);
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      // Printable Latin-1 stands for itself; everything else shifts past 255 in order.
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + extra++);
      append_utf8(chars[static_cast<size_t>(b)], cp);
      bytes[cp] = b;
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const std::string& char_for_byte(unsigned char b) {
  return tables().chars[b];
}

std::string encode(std::string_view raw) {
  const Tables& t = tables();
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) out += t.chars[static_cast<unsigned char>(c)];
  return out;
}

std::optional<unsigned char> byte_for_char(char32_t cp) {
  if (cp >= 512) return std::nullopt;
  int b = tables().bytes[cp];
  if (b < 0) return std::nullopt;
  return static_cast<unsigned char>(b);
}

std::optional<std::string> decode(std::string_view mapped) {
  std::string out;
  out.reserve(mapped.size());
  for (size_t i = 0; i < mapped.size();) {
    auto b = byte_for_char(decode_utf8(mapped, i));
    if (!b) return std::nullopt;
    out.push_back(static_cast<char>(*b));
  }
  return out;
}

}  // namespace slipway::text::byte_level
