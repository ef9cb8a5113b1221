#include "app/tiny_model/tiny_model.h"

#include <fstream>
#include <map>
#include <stdexcept>

#include "app/tiny_model/random_weights.h"
#include "app/tiny_model/tiny_config.h"
#include "app/tiny_model/tiny_tensors.h"
#include "app/tiny_model/tiny_tokenizer.h"
#include "engine/format/safetensors_stream_writer.h"

namespace slipway::app {
namespace {

void write_json(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

nlohmann::ordered_json generation_config_json(const TokenIds& ids) {
  nlohmann::ordered_json j;
  j["bos_token_id"] = ids.begin_of_text;
  j["do_sample"] = true;
  j["eos_token_id"] = {ids.end_of_text, ids.eot};
  j["temperature"] = 0.6;
  j["top_p"] = 0.9;
  j["transformers_version"] = "4.51.0";
  return j;
}

void write_weights(const std::filesystem::path& path, const engine::ModelConfig& config,
                   engine::DType dtype, uint64_t seed) {
  std::map<std::string, std::pair<TensorInit, uint64_t>> inits;
  std::vector<engine::TensorSpec> specs;
  for (auto& planned : plan_tensors(config, dtype)) {
    inits.emplace(planned.spec.name,
                  std::make_pair(planned.init, tensor_seed(seed, planned.spec.name)));
    specs.push_back(std::move(planned.spec));
  }
  engine::write_safetensors_streamed(
      path, std::move(specs), {{"format", "pt"}},
      [&](const engine::TensorSpec& spec, std::size_t first, std::span<std::byte> out) {
        const auto& [init, tensor_seed] = inits.at(spec.name);
        fill_random(tensor_seed, init, spec.dtype, first, out);
      });
}

}  // namespace

void write_tiny_model(const std::filesystem::path& folder, const TinyModelOptions& options) {
  if (std::filesystem::exists(folder) && !std::filesystem::is_directory(folder)) {
    throw std::runtime_error(folder.string() + " exists and is not a folder");
  }
  std::filesystem::create_directories(folder);
  engine::DType dtype = options.dtype.value_or(
      options.preset == TinyPreset::Tiny ? engine::DType::F32 : engine::DType::BF16);

  TinyTokenizer tokenizer = build_tiny_tokenizer();
  engine::ModelConfig config =
      tiny_model_config(options.architecture, options.preset, tokenizer.ids);
  tokenizer.tokenizer_config["model_max_length"] = config.max_position_embeddings;

  write_json(folder / "config.json", config_json(config, dtype).dump(2));
  write_json(folder / "generation_config.json", generation_config_json(tokenizer.ids).dump(2));
  write_json(folder / "tokenizer.json", tokenizer.tokenizer_json.dump(2));
  write_json(folder / "tokenizer_config.json", tokenizer.tokenizer_config.dump(2));
  write_weights(folder / "model.safetensors", config, dtype, options.seed);
}

std::optional<engine::Architecture> parse_architecture(std::string_view name) {
  if (name == "llama") return engine::Architecture::Llama;
  if (name == "mistral") return engine::Architecture::Mistral;
  if (name == "qwen2") return engine::Architecture::Qwen2;
  if (name == "qwen3") return engine::Architecture::Qwen3;
  return std::nullopt;
}

std::optional<TinyPreset> parse_preset(std::string_view name) {
  if (name == "tiny") return TinyPreset::Tiny;
  if (name == "smol135") return TinyPreset::Smol135;
  if (name == "llama1b") return TinyPreset::Llama1b;
  return std::nullopt;
}

std::optional<engine::DType> parse_dtype_flag(std::string_view name) {
  if (name == "f32") return engine::DType::F32;
  if (name == "f16") return engine::DType::F16;
  if (name == "bf16") return engine::DType::BF16;
  return std::nullopt;
}

}  // namespace slipway::app
