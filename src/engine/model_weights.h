#pragma once
// The tensors of a loaded model, bound per layer: matrices point into the memory-mapped
// safetensors files as stored; the small vectors (norms, biases) are FP32 copies.
#include <vector>

#include "engine/format/weight_set.h"
#include "engine/kernels/matmul.h"

namespace slipway::engine {

struct LayerWeights {
  std::vector<float> input_norm;           // [hidden]
  std::vector<float> post_attention_norm;  // [hidden]
  kernels::WeightMatrix q, k, v, o;        // [heads*head_dim][hidden] ... [hidden][heads*head_dim]
  std::vector<float> q_bias, k_bias, v_bias, o_bias;  // empty when absent
  std::vector<float> q_norm, k_norm;                  // [head_dim], Qwen3 only
  kernels::WeightMatrix gate, up, down;
};

struct ModelWeights {
  WeightSet files;                     // owns the mappings every view points into
  kernels::WeightMatrix embed_tokens;  // [vocab][hidden]
  kernels::WeightMatrix lm_head;       // embed_tokens when tied
  std::vector<float> final_norm;
  std::vector<LayerWeights> layers;
};

}  // namespace slipway::engine
