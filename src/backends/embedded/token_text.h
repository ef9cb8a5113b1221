#pragma once
// How one token is shown in logprobs: its own decoded text, and its raw bytes. A token that
// holds only part of a UTF-8 character cannot be shown as text; then the tokenizer's piece
// names it (e.g. "<0xE2>" or "âĢ") and "bytes" still carries the real bytes.
#include <cstdint>
#include <functional>
#include <string>

#include "text/tokenizer.h"

namespace slipway::backends {

struct TokenText {
  std::string text;   // valid UTF-8, safe to put in JSON
  std::string bytes;  // the bytes the token stands for
};

using TokenTextFn = std::function<TokenText(int32_t)>;

TokenText token_text(const text::Tokenizer& tokenizer, int32_t id);

// The bytes a piece stands for: "<0xNN>" (byte fallback), GPT-2 byte-level characters, or
// else the piece itself with "▁" read as a space. Exposed for tests.
std::string piece_bytes(const std::string& piece);

}  // namespace slipway::backends
