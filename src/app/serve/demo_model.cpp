#include "app/serve/demo_model.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "app/tiny_model/tiny_model.h"

namespace slipway::app {
namespace {

// Bump when the demo model's shape or files change, so an old cached copy is not reused.
constexpr const char* kDemoName = "demo-model-llama-tiny-v1";

bool complete(const std::filesystem::path& folder) {
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json",
                           "tokenizer_config.json", "generation_config.json"}) {
    if (!std::filesystem::exists(folder / file)) return false;
  }
  return true;
}

}  // namespace

std::filesystem::path demo_model_folder() {
  std::filesystem::path cache;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    cache = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    cache = std::filesystem::path(home) / ".cache";
  } else {
    cache = ".slipway-cache";
  }
  return cache / "slipway" / kDemoName;
}

std::filesystem::path ensure_demo_model() {
  const auto folder = demo_model_folder();
  if (complete(folder)) return folder;
  std::filesystem::create_directories(folder.parent_path());
  const auto staging =
      folder.parent_path() / (std::string(kDemoName) + ".tmp-" + std::to_string(::getpid()));
  std::filesystem::remove_all(staging);
  TinyModelOptions options;
  options.architecture = engine::Architecture::Llama;
  options.preset = TinyPreset::Tiny;
  write_tiny_model(staging, options);
  std::error_code error;
  std::filesystem::rename(staging, folder, error);
  if (error) {
    // Another process won the race (or left an incomplete folder): keep a complete one.
    if (!complete(folder)) {
      std::filesystem::remove_all(folder);
      std::filesystem::rename(staging, folder);
    } else {
      std::filesystem::remove_all(staging);
    }
  }
  return folder;
}

}  // namespace slipway::app
