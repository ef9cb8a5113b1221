#pragma once
// Which tensors a Llama-family model folder holds, by Hugging Face name, and how tiny-model
// initializes each.
#include <string>
#include <vector>

#include "engine/format/model_config.h"
#include "engine/format/safetensors_stream_writer.h"

namespace slipway::app {

struct TensorInit {
  enum class Kind { Normal, NearOne };  // Normal: mean 0; NearOne: 1 + noise (norm weights)
  Kind kind = Kind::Normal;
  float std = 0.02f;
};

struct PlannedTensor {
  engine::TensorSpec spec;
  TensorInit init;
};

// Every tensor the architecture's forward pass reads, with its HF shape ([out, in] matrices).
std::vector<PlannedTensor> plan_tensors(const engine::ModelConfig& config, engine::DType dtype);

}  // namespace slipway::app
