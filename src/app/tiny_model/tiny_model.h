#pragma once
// Random-weight model folders in the real Hugging Face layout (config.json, model.safetensors,
// generation_config.json, tokenizer.json, tokenizer_config.json), for demos and tests that must
// not download anything.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "engine/format/dtype.h"
#include "engine/format/model_config.h"

namespace slipway::app {

enum class TinyPreset {
  Tiny,     // a few MB, vocab = the built-in tokenizer's
  Smol135,  // SmolLM2-135M's shapes
  Llama1b,  // Llama-3.2-1B's shapes
};

struct TinyModelOptions {
  engine::Architecture architecture = engine::Architecture::Llama;
  TinyPreset preset = TinyPreset::Tiny;
  std::optional<engine::DType> dtype;  // default: F32 for Tiny, BF16 for the others
  uint64_t seed = 0;
};

// Creates `folder` if needed and (over)writes the model files in it. Same options, same bytes.
void write_tiny_model(const std::filesystem::path& folder, const TinyModelOptions& options);

// Command-line spellings: "llama", "mistral", "qwen2", "qwen3"; "tiny", "smol135", "llama1b";
// "f32", "f16", "bf16".
std::optional<engine::Architecture> parse_architecture(std::string_view name);
std::optional<TinyPreset> parse_preset(std::string_view name);
std::optional<engine::DType> parse_dtype_flag(std::string_view name);

}  // namespace slipway::app
