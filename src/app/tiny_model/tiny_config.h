#pragma once
// The shapes and options of each tiny-model preset, and their config.json.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "app/tiny_model/tiny_model.h"
#include "engine/format/model_config.h"

namespace slipway::app {

struct TokenIds {
  int32_t vocab_size = 0;  // of the tokenizer
  int64_t begin_of_text = 0;
  int64_t end_of_text = 0;
  int64_t eot = 0;
};

engine::ModelConfig tiny_model_config(engine::Architecture architecture, TinyPreset preset,
                                      const TokenIds& tokens);
// config.json as transformers writes it for the architecture.
nlohmann::ordered_json config_json(const engine::ModelConfig& config, engine::DType dtype);

}  // namespace slipway::app
