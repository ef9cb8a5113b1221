#pragma once
// GPT-2's reversible byte <-> printable-character mapping used by byte-level BPE.
#include <optional>
#include <string>
#include <string_view>

namespace slipway::text::byte_level {

// The UTF-8 text of the character standing for byte b.
const std::string& char_for_byte(unsigned char b);
// Maps every byte of raw to its character.
std::string encode(std::string_view raw);
// The byte a character stands for, if it is one of the 256.
std::optional<unsigned char> byte_for_char(char32_t cp);
// Maps each character back to its byte; nullopt if some character is not a byte character.
std::optional<std::string> decode(std::string_view mapped);

}  // namespace slipway::text::byte_level
