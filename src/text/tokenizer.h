#pragma once
// A Hugging Face tokenizer.json: byte-level BPE (Llama 3, Qwen2/3, GPT-2 style) and
// SentencePiece-style BPE with byte fallback (Llama 2, Mistral, TinyLlama), with their
// normalizers, pre-tokenizers, post-processors, decoders, and added/special tokens.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::text {

class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Tokenizer {
 public:
  // Throws TokenizerError naming the source and the problem.
  static std::shared_ptr<const Tokenizer> from_json(std::string_view json_text,
                                                    const std::string& source_name);
  static std::shared_ptr<const Tokenizer> from_file(const std::filesystem::path& path);
  virtual ~Tokenizer() = default;

  // add_special_tokens applies the post-processor (e.g. a leading BOS), as HF does by default.
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const = 0;
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const = 0;

  virtual int32_t vocab_size() const = 0;  // highest id + 1, added tokens included
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  virtual std::optional<std::string> id_to_token(int32_t id) const = 0;
  virtual bool is_special(int32_t id) const = 0;
};

}  // namespace slipway::text
