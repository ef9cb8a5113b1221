#pragma once
// Trains a small byte-level BPE tokenizer on a corpus and writes it as a real Hugging Face
// tokenizer.json, so that demo and test models need no download.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace slipway::text {

struct TrainerOptions {
  int32_t vocab_size = 512;                 // bytes + merges; special tokens come after
  std::vector<std::string> special_tokens;  // e.g. "<|begin_of_text|>", "<|eot_id|>"
  std::string bos_token;  // must be one of special_tokens; the post-processor prepends it
};

// Returns the tokenizer.json document (model type BPE, ByteLevel pre-tokenizer with the
// Llama 3 split regex, ByteLevel decoder, TemplateProcessing adding bos_token).
nlohmann::json train_byte_level_bpe(const std::vector<std::string>& corpus,
                                    const TrainerOptions& options);
// A built-in English-and-code corpus (about 75 KB) for demo models.
const std::vector<std::string>& builtin_training_corpus();

}  // namespace slipway::text
