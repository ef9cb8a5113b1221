#pragma once
// The tokenizer files of a tiny model: a byte-level BPE trained on the built-in corpus with
// Llama 3's special tokens, and a Llama-3-style chat template.
#include <nlohmann/json.hpp>
#include <string>

#include "app/tiny_model/tiny_config.h"

namespace slipway::app {

struct TinyTokenizer {
  nlohmann::json tokenizer_json;            // tokenizer.json
  nlohmann::ordered_json tokenizer_config;  // tokenizer_config.json
  TokenIds ids;
};

// Its vocabulary is a multiple of 64, padded with reserved special tokens as Llama 3's is.
TinyTokenizer build_tiny_tokenizer();

// The chat template: system/user/assistant turns between header tokens, each ended by <|eot_id|>.
const std::string& tiny_chat_template();

}  // namespace slipway::app
