#include "backends/embedded/token_text.h"

#include <array>
#include <optional>

#include "text/utf8.h"

namespace slipway::backends {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";         // U+FFFD
constexpr std::string_view kSentencePieceSpace = "\xE2\x96\x81";  // U+2581 "▁"

// GPT-2's byte-level alphabet: printable bytes stand for themselves, the others are shifted
// to code points from U+0100 on, in byte order.
const std::array<char32_t, 256>& byte_to_char() {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      t[b] = printable ? static_cast<char32_t>(b) : next++;
    }
    return t;
  }();
  return table;
}

std::optional<unsigned char> char_to_byte(char32_t cp) {
  const auto& table = byte_to_char();
  for (int b = 0; b < 256; ++b) {
    if (table[b] == cp) return static_cast<unsigned char>(b);
  }
  return std::nullopt;
}

std::optional<unsigned char> hex_byte(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = 3; i < 5; ++i) {
    const char c = piece[i];
    value <<= 4;
    if (c >= '0' && c <= '9') {
      value |= static_cast<unsigned>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      value |= static_cast<unsigned>(c - 'A' + 10);
    } else if (c >= 'a' && c <= 'f') {
      value |= static_cast<unsigned>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
  }
  return static_cast<unsigned char>(value);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string piece_bytes(const std::string& piece) {
  if (auto b = hex_byte(piece)) return std::string(1, static_cast<char>(*b));
  std::string bytes;
  bool byte_level = true;
  for (std::size_t i = 0; i < piece.size() && byte_level;) {
    const auto b = char_to_byte(text::decode_utf8(piece, i));
    if (b) {
      bytes.push_back(static_cast<char>(*b));
    } else {
      byte_level = false;
    }
  }
  if (byte_level) return bytes;
  std::string out;
  for (std::size_t i = 0; i < piece.size();) {
    if (starts_with(std::string_view(piece).substr(i), kSentencePieceSpace)) {
      out.push_back(' ');
      i += kSentencePieceSpace.size();
    } else {
      out.push_back(piece[i++]);
    }
  }
  return out;
}

TokenText token_text(const text::Tokenizer& tokenizer, int32_t id) {
  std::string decoded = tokenizer.decode({id}, /*skip_special_tokens=*/false);
  const std::string piece = tokenizer.id_to_token(id).value_or("");
  if (decoded.find(kReplacement) == std::string::npos ||
      piece.find(kReplacement) != std::string::npos) {
    // SentencePiece decoders drop the leading space of a sequence's first token; in the
    // middle of a text the token has it.
    if (starts_with(piece, kSentencePieceSpace) && !starts_with(decoded, " ")) {
      decoded.insert(decoded.begin(), ' ');
    }
    return {decoded, decoded};
  }
  return {piece, piece_bytes(piece)};
}

}  // namespace slipway::backends
