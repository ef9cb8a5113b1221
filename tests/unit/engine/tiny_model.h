#pragma once
// Test helper: writes small random-weight Llama-family model folders (config.json and
// model.safetensors) and computes their logits with a naive double-precision reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "engine/format/model_config.h"
#include "engine/format/safetensors_writer.h"
#include "test_dir.h"

namespace slipway::engine::test {

struct TinySpec {
  std::string arch = "llama";  // llama, mistral, qwen2, qwen3
  DType dtype = DType::F32;
  int64_t vocab = 257;
  int64_t hidden = 48;
  int64_t ffn = 84;  // not a multiple of 8: exercises the reduction tail
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 2;
  int64_t head_dim = 12;  // hidden / heads unless qwen3 sets it apart
  bool tied = false;
  std::string rope = "default";  // default, linear, llama3
  uint64_t seed = 1;
  std::string omit;  // a tensor left out of the file, to test load errors
};

// The usual spec of each architecture in these tests, with its own quirks switched on.
inline TinySpec tiny_spec(const std::string& arch, DType dtype = DType::F32) {
  TinySpec spec;
  spec.arch = arch;
  spec.dtype = dtype;
  if (arch == "llama") spec.rope = "llama3";
  if (arch == "mistral") spec.rope = "linear";
  if (arch == "qwen2") {
    spec.tied = true;
    spec.seed = 3;  // a seed whose greedy output does not settle into a short loop
  }
  if (arch == "qwen3") spec.head_dim = 20;  // q width 80 differs from hidden 48
  return spec;
}

inline std::filesystem::path test_dir(const std::string& name) {
  return ::slipway::test::fresh_test_dir("engine", name);
}

// Writes the folder; returns the tensors as floats (already rounded to the dtype).
inline std::map<std::string, std::vector<float>> write_tiny_model(
    const std::filesystem::path& folder, const TinySpec& s) {
  const std::map<std::string, std::string> class_names = {{"llama", "LlamaForCausalLM"},
                                                          {"mistral", "MistralForCausalLM"},
                                                          {"qwen2", "Qwen2ForCausalLM"},
                                                          {"qwen3", "Qwen3ForCausalLM"}};
  nlohmann::json config = {{"architectures", {class_names.at(s.arch)}},
                           {"model_type", s.arch},
                           {"vocab_size", s.vocab},
                           {"hidden_size", s.hidden},
                           {"intermediate_size", s.ffn},
                           {"num_hidden_layers", s.layers},
                           {"num_attention_heads", s.heads},
                           {"num_key_value_heads", s.kv_heads},
                           {"head_dim", s.head_dim},
                           {"rms_norm_eps", 1e-5},
                           {"rope_theta", s.arch == "qwen3" ? 1000000.0 : 10000.0},
                           {"max_position_embeddings", 4096},
                           {"tie_word_embeddings", s.tied},
                           {"bos_token_id", 1},
                           {"eos_token_id", 2}};
  if (s.rope == "linear") config["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 2.0}};
  if (s.rope == "llama3") {
    config["rope_scaling"] = {{"rope_type", "llama3"},
                              {"factor", 8.0},
                              {"low_freq_factor", 1.0},
                              {"high_freq_factor", 4.0},
                              {"original_max_position_embeddings", 64}};
  }
  std::ofstream(folder / "config.json") << config.dump(2);

  std::mt19937_64 rng(s.seed);
  std::map<std::string, OwnedTensor> tensors;
  std::map<std::string, std::vector<float>> values;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, double center,
                 double spread) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::uniform_real_distribution<double> dist(center - spread, center + spread);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v) x = static_cast<float>(dist(rng));
    OwnedTensor t = make_tensor(s.dtype, shape, v);
    for (std::size_t i = 0; i < v.size(); ++i) {  // what the engine will read back
      uint16_t bits;
      if (s.dtype == DType::BF16) {
        std::memcpy(&bits, &t.bytes[i * 2], 2);
        v[i] = bf16_to_float(bits);
      } else if (s.dtype == DType::F16) {
        std::memcpy(&bits, &t.bytes[i * 2], 2);
        v[i] = f16_to_float(bits);
      }
    }
    if (name == s.omit) return;
    tensors[name] = std::move(t);
    values[name] = std::move(v);
  };
  const int64_t q_width = s.heads * s.head_dim;
  const int64_t kv_width = s.kv_heads * s.head_dim;
  auto scale = [](int64_t fan_in) { return 1.7 / std::sqrt(static_cast<double>(fan_in)); };
  add("model.embed_tokens.weight", {s.vocab, s.hidden}, 0, 1.0);
  for (int64_t l = 0; l < s.layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    add(p + "input_layernorm.weight", {s.hidden}, 1.0, 0.2);
    add(p + "post_attention_layernorm.weight", {s.hidden}, 1.0, 0.2);
    add(p + "self_attn.q_proj.weight", {q_width, s.hidden}, 0, scale(s.hidden));
    add(p + "self_attn.k_proj.weight", {kv_width, s.hidden}, 0, scale(s.hidden));
    add(p + "self_attn.v_proj.weight", {kv_width, s.hidden}, 0, scale(s.hidden));
    add(p + "self_attn.o_proj.weight", {s.hidden, q_width}, 0, scale(q_width));
    if (s.arch == "qwen2") {
      add(p + "self_attn.q_proj.bias", {q_width}, 0, 0.3);
      add(p + "self_attn.k_proj.bias", {kv_width}, 0, 0.3);
      add(p + "self_attn.v_proj.bias", {kv_width}, 0, 0.3);
    }
    if (s.arch == "qwen3") {
      add(p + "self_attn.q_norm.weight", {s.head_dim}, 1.0, 0.2);
      add(p + "self_attn.k_norm.weight", {s.head_dim}, 1.0, 0.2);
    }
    add(p + "mlp.gate_proj.weight", {s.ffn, s.hidden}, 0, scale(s.hidden));
    add(p + "mlp.up_proj.weight", {s.ffn, s.hidden}, 0, scale(s.hidden));
    add(p + "mlp.down_proj.weight", {s.hidden, s.ffn}, 0, scale(s.ffn));
  }
  // Signs mixed: with tied embeddings a positive norm would make every token predict itself.
  add("model.norm.weight", {s.hidden}, 0.0, 1.0);
  if (!s.tied) add("lm_head.weight", {s.vocab, s.hidden}, 0, 2.0 * scale(s.hidden));
  write_safetensors(folder / "model.safetensors", tensors);
  return values;
}

// Naive forward pass in double over a whole sequence: logits of every position.
inline std::vector<std::vector<double>> reference_logits(
    const ModelConfig& c, const std::map<std::string, std::vector<float>>& w,
    const std::vector<int32_t>& tokens) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  const int64_t H = c.hidden_size, D = c.head_dim, NH = c.num_attention_heads,
                NKV = c.num_key_value_heads, F = c.intermediate_size;
  using Mat = std::vector<std::vector<double>>;
  auto linear = [](const std::vector<double>& x, const std::vector<float>& wt, int64_t out) {
    const auto in = static_cast<int64_t>(x.size());
    std::vector<double> y(static_cast<std::size_t>(out));
    for (int64_t o = 0; o < out; ++o)
      for (int64_t i = 0; i < in; ++i) y[o] += x[i] * wt[o * in + i];
    return y;
  };
  auto norm = [&](const std::vector<double>& x, const std::vector<float>& wt) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + c.rms_norm_eps);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * wt[i];
    return y;
  };
  // inv_freq with the scaling rules written out independently of rope.cpp.
  std::vector<double> inv_freq(static_cast<std::size_t>(D / 2));
  for (int64_t i = 0; i < D / 2; ++i) {
    double f = std::pow(c.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(D));
    const auto& rs = c.rope_scaling;
    if (rs.type == RopeScaling::Type::Linear) f = f / rs.factor;
    if (rs.type == RopeScaling::Type::Llama3) {
      const double wavelen = 2 * std::numbers::pi / f;
      const double old = static_cast<double>(rs.original_max_position_embeddings);
      if (wavelen > old / rs.low_freq_factor) {
        f = f / rs.factor;
      } else if (wavelen >= old / rs.high_freq_factor) {
        const double t =
            (old / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
        f = (1 - t) * f / rs.factor + t * f;
      }
    }
    inv_freq[i] = f;
  }
  auto rope = [&](std::vector<double>& v, int64_t head, int64_t pos) {
    const int64_t half = D / 2;
    for (int64_t i = 0; i < half; ++i) {
      const double a = v[head * D + i], b = v[head * D + i + half];
      const double cs = std::cos(pos * inv_freq[i]), sn = std::sin(pos * inv_freq[i]);
      v[head * D + i] = a * cs - b * sn;
      v[head * D + i + half] = b * cs + a * sn;
    }
  };
  auto head_norm = [&](std::vector<double>& v, int64_t head, const std::vector<float>& wt) {
    std::vector<double> part(v.begin() + head * D, v.begin() + (head + 1) * D);
    part = norm(part, wt);
    std::copy(part.begin(), part.end(), v.begin() + head * D);
  };
  auto add_bias = [&](std::vector<double>& v, const std::string& name) {
    auto it = w.find(name);
    if (it == w.end()) return;
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += it->second[i];
  };

  Mat x(static_cast<std::size_t>(n));
  const auto& embed = w.at("model.embed_tokens.weight");
  for (int64_t t = 0; t < n; ++t)
    x[t].assign(embed.begin() + tokens[t] * H, embed.begin() + (tokens[t] + 1) * H);
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    Mat q(n), k(n), v(n);
    for (int64_t t = 0; t < n; ++t) {
      const auto h = norm(x[t], w.at(p + "input_layernorm.weight"));
      q[t] = linear(h, w.at(p + "self_attn.q_proj.weight"), NH * D);
      k[t] = linear(h, w.at(p + "self_attn.k_proj.weight"), NKV * D);
      v[t] = linear(h, w.at(p + "self_attn.v_proj.weight"), NKV * D);
      add_bias(q[t], p + "self_attn.q_proj.bias");
      add_bias(k[t], p + "self_attn.k_proj.bias");
      add_bias(v[t], p + "self_attn.v_proj.bias");
      for (int64_t hd = 0; hd < NH; ++hd) {
        if (c.qk_norm) head_norm(q[t], hd, w.at(p + "self_attn.q_norm.weight"));
        rope(q[t], hd, t);
      }
      for (int64_t hd = 0; hd < NKV; ++hd) {
        if (c.qk_norm) head_norm(k[t], hd, w.at(p + "self_attn.k_norm.weight"));
        rope(k[t], hd, t);
      }
    }
    for (int64_t t = 0; t < n; ++t) {
      std::vector<double> attn(static_cast<std::size_t>(NH * D));
      for (int64_t hd = 0; hd < NH; ++hd) {
        const int64_t kvh = hd / (NH / NKV);
        std::vector<double> s(static_cast<std::size_t>(t + 1));
        double mx = -1e300, sum = 0;
        for (int64_t j = 0; j <= t; ++j) {
          for (int64_t d = 0; d < D; ++d) s[j] += q[t][hd * D + d] * k[j][kvh * D + d];
          s[j] /= std::sqrt(static_cast<double>(D));
          mx = std::max(mx, s[j]);
        }
        for (auto& e : s) sum += (e = std::exp(e - mx));
        for (int64_t j = 0; j <= t; ++j)
          for (int64_t d = 0; d < D; ++d) attn[hd * D + d] += s[j] / sum * v[j][kvh * D + d];
      }
      const auto o = linear(attn, w.at(p + "self_attn.o_proj.weight"), H);
      for (int64_t i = 0; i < H; ++i) x[t][i] += o[i];
      const auto h = norm(x[t], w.at(p + "post_attention_layernorm.weight"));
      auto g = linear(h, w.at(p + "mlp.gate_proj.weight"), F);
      const auto u = linear(h, w.at(p + "mlp.up_proj.weight"), F);
      for (int64_t i = 0; i < F; ++i) g[i] = g[i] / (1 + std::exp(-g[i])) * u[i];
      const auto d = linear(g, w.at(p + "mlp.down_proj.weight"), H);
      for (int64_t i = 0; i < H; ++i) x[t][i] += d[i];
    }
  }
  const auto& head = w.count("lm_head.weight") ? w.at("lm_head.weight") : embed;
  Mat logits(n);
  for (int64_t t = 0; t < n; ++t)
    logits[t] = linear(norm(x[t], w.at("model.norm.weight")), head, c.vocab_size);
  return logits;
}

}  // namespace slipway::engine::test
