#pragma once
// tokenizer.json pre-tokenizers: Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit,
// Sequence. Each turns pieces of normalized text into smaller pieces for the model.
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer/json_util.h"

namespace slipway::text {

struct PreToken {
  std::string text;
  bool at_origin = false;  // starts at offset 0 of the original input (Metaspace "first")
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<PreToken>& pieces) const = 0;
};

// Returns nullptr for a JSON null (no pre-tokenizer).
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json_util::Json& config,
                                                 const json_util::Context& ctx);

// Llama 3's split regex (also used by trained tokenizers) and GPT-2's (ByteLevel use_regex).
inline constexpr const char* kLlama3Pattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
inline constexpr const char* kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

}  // namespace slipway::text
