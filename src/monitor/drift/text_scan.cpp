#include "monitor/drift/text_scan.h"

namespace slipway::monitor::text_scan {
namespace {

constexpr char32_t kInvalid = 0xFFFD;

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

bool is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x2007 || cp == 0x202F || cp == 0x3000 ||
         (cp >= 0x2000 && cp <= 0x200A);
}

}  // namespace

CodePoint decode_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1};
  std::size_t size = 0;
  char32_t value = 0;
  if ((lead & 0xE0) == 0xC0) {
    size = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    size = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    size = 4;
    value = lead & 0x07;
  } else {
    return {kInvalid, 1};
  }
  if (at + size > text.size()) return {kInvalid, 1};
  for (std::size_t i = 1; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(text[at + i]);
    if (!is_continuation(byte)) return {kInvalid, 1};
    value = (value << 6) | (byte & 0x3F);
  }
  return {value, size};
}

CodePoint decode_before(std::string_view text, std::size_t end) {
  std::size_t start = end - 1;
  while (start > 0 && end - start < 4 && is_continuation(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  const CodePoint cp = decode_at(text, start);
  if (start + cp.size != end) return {kInvalid, 1};
  return cp;
}

bool is_word_code_point(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  // Outside ASCII, letters are everything but the punctuation and symbol blocks a text is
  // likely to use: Latin-1 signs, × ÷, general punctuation to arrows and shapes, CJK
  // punctuation, full-width ASCII punctuation, emoji; no Unicode tables needed.
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || cp == kInvalid) return false;
  if (cp == 0x02BC) return false;  // the modifier letter apostrophe is an apostrophe here
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
  if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
      (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65)) {
    return false;
  }
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;
  return true;
}

bool is_apostrophe(char32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

bool inside_word(std::string_view text, std::size_t at) {
  if (at == 0 || at >= text.size()) return false;
  const CodePoint before = decode_before(text, at);
  const CodePoint after = decode_at(text, at);
  if (is_word_code_point(before.value) && is_word_code_point(after.value)) return true;
  // "can|'t": the apostrophe starts at `at`; "can'|t": it ends just before.
  if (is_word_code_point(before.value) && is_apostrophe(after.value)) {
    const std::size_t next = at + after.size;
    return next < text.size() && is_word_code_point(decode_at(text, next).value);
  }
  if (is_apostrophe(before.value) && is_word_code_point(after.value)) {
    const std::size_t previous = at - before.size;
    return previous > 0 && is_word_code_point(decode_before(text, previous).value);
  }
  return false;
}

std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t at = 0; at < text.size();) {
    const CodePoint cp = decode_at(text, at);
    if (is_space(cp.value)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      if (is_apostrophe(cp.value)) {
        out.push_back('\'');
      } else if (cp.value >= 'A' && cp.value <= 'Z') {
        out.push_back(static_cast<char>(cp.value - 'A' + 'a'));
      } else {
        out.append(text.substr(at, cp.size));
      }
    }
    at += cp.size;
  }
  return out;
}

}  // namespace slipway::monitor::text_scan
