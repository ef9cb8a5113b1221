#include "text/jinja/unicode.h"

namespace slipway::text::jinja {

std::vector<std::string_view> split_code_points(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    decode_utf8(s, i);
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

namespace {
bool is_js_space(char32_t c) {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}
}  // namespace

std::size_t js_space_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return is_js_space(b) ? 1 : 0;
  if (b != 0xC2 && b != 0xE1 && b != 0xE2 && b != 0xE3 && b != 0xEF) return 0;
  std::size_t j = i;
  char32_t cp = decode_utf8(s, j);
  return is_js_space(cp) ? j - i : 0;
}

std::string_view js_trim_start(std::string_view s) {
  std::size_t i = 0;
  while (std::size_t n = js_space_at(s, i)) i += n;
  return s.substr(i);
}

std::string_view js_trim_end(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t start = end - 1;  // step back to the lead byte of the last code point
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && end - start < 4) {
      --start;
    }
    if (js_space_at(s, start) != end - start) break;
    end = start;
  }
  return s.substr(0, end);
}

std::string_view js_trim(std::string_view s) {
  return js_trim_end(js_trim_start(s));
}

std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

bool utf16_at(std::string_view s, long long index, std::string& out) {
  auto len = static_cast<long long>(utf16_length(s));
  if (index < 0) index += len;
  if (index < 0 || index >= len) return false;
  long long unit = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    char32_t cp = decode_utf8(s, i);
    long long width = cp >= 0x10000 ? 2 : 1;
    if (index < unit + width) {
      if (width == 2) {
        append_utf8(out, 0xFFFD);
      } else {
        out.append(s.substr(start, i - start));
      }
      return true;
    }
    unit += width;
  }
  return false;
}

namespace {
// Simple one-to-one case pairs; enough for the scripts chat templates meet in practice.
char32_t upper_of(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 0) : (c % 2 == 1)) return c - 1;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}
char32_t lower_of(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}
template <typename F>
std::string map_case(std::string_view s, F f, bool upper) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += static_cast<char>(f(b));
      ++i;
      continue;
    }
    char32_t c = decode_utf8(s, i);
    if (upper && c == 0xDF) {
      out += "SS";
      continue;
    }
    append_utf8(out, f(c));
  }
  return out;
}
}  // namespace

std::string js_upper(std::string_view s) {
  return map_case(s, upper_of, true);
}
std::string js_lower(std::string_view s) {
  return map_case(s, lower_of, false);
}

}  // namespace slipway::text::jinja
