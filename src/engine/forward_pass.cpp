#include "engine/forward_pass.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/attention.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/ops.h"
#include "engine/lora/lora_apply.h"
#include "engine/lora/lora_fit.h"
#include "engine/model_weights.h"
#include "engine/rope.h"

namespace slipway::engine {
namespace {

// Where one row of the batch comes from.
struct Row {
  std::size_t request = 0;
  int64_t position = 0;
};

// Rows of a batch below this run element-wise work on the calling thread: waking the pool
// costs more than it saves. (The split never changes results.)
constexpr int64_t kParallelRows = 4;

}  // namespace

struct ForwardPass::Scratch {
  explicit Scratch(const ModelConfig& config) : rope(config) {}
  RopeTable rope;
  std::vector<Row> rows;
  std::vector<const LoraAdapter*> row_adapters;  // each row's request's adapter, or null
  LoraBatch lora;
  std::vector<float> hidden, normed, q, k, v, attn, proj, gate, up, cos, sin;
  std::vector<int64_t> output_rows;  // rows whose logits are returned, in request order
  std::vector<float> final_rows, logits;

  static void fit(std::vector<float>& buffer, int64_t rows, int64_t width) {
    const auto size = static_cast<std::size_t>(rows * width);
    if (buffer.size() < size) buffer.resize(size);
  }
};

ForwardPass::ForwardPass(std::shared_ptr<const Model> model, KvCache& cache, ComputePool& pool)
    : model_(std::move(model)),
      cache_(cache),
      pool_(pool),
      scratch_(std::make_unique<Scratch>(model_->config())) {}

ForwardPass::~ForwardPass() = default;

void ForwardPass::run(std::span<ForwardRequest> batch, std::vector<std::vector<float>>& logits) {
  const ModelConfig& c = model_->config();
  const ModelWeights& w = model_->weights();
  Scratch& s = *scratch_;
  const int64_t hidden = c.hidden_size;
  const int64_t head_dim = c.head_dim;
  const int64_t heads = c.num_attention_heads;
  const int64_t kv_heads = c.num_key_value_heads;
  const int64_t q_width = heads * head_dim;
  const int64_t kv_width = kv_heads * head_dim;
  const int64_t ffn = c.intermediate_size;
  const int64_t vocab = c.vocab_size;
  const int64_t half = s.rope.half();
  const auto eps = static_cast<float>(c.rms_norm_eps);

  // Rows of the batch, in request order, and checks before anything is written.
  s.rows.clear();
  s.row_adapters.clear();
  s.output_rows.clear();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const ForwardRequest& r = batch[i];
    if (r.kv == nullptr) throw std::invalid_argument("forward pass: request without a KV sequence");
    const auto n = static_cast<int64_t>(r.tokens.size());
    const int64_t start = r.kv->num_tokens;
    const auto capacity = static_cast<int64_t>(r.kv->block_table.size()) * cache_.block_size();
    if (start + n > capacity)
      throw std::invalid_argument("forward pass: KV blocks not reserved for " +
                                  std::to_string(start + n) + " positions");
    for (int32_t token : r.tokens)
      if (token < 0 || token >= vocab)
        throw std::invalid_argument("forward pass: token id " + std::to_string(token) +
                                    " outside the vocabulary");
    if (r.adapter != nullptr) check_adapter_fits(*r.adapter, c);
    for (int64_t j = 0; j < n; ++j) {
      if (r.all_logits || j == n - 1) s.output_rows.push_back(static_cast<int64_t>(s.rows.size()));
      s.rows.push_back({i, start + j});
      s.row_adapters.push_back(r.adapter);
    }
  }
  const auto m = static_cast<int64_t>(s.rows.size());
  logits.resize(batch.size());
  if (m == 0) {
    for (auto& l : logits) l.clear();
    return;
  }

  Scratch::fit(s.hidden, m, hidden);
  Scratch::fit(s.normed, m, hidden);
  Scratch::fit(s.q, m, q_width);
  Scratch::fit(s.k, m, kv_width);
  Scratch::fit(s.v, m, kv_width);
  Scratch::fit(s.attn, m, q_width);
  Scratch::fit(s.proj, m, hidden);
  Scratch::fit(s.gate, m, ffn);
  Scratch::fit(s.up, m, ffn);
  Scratch::fit(s.cos, m, half);
  Scratch::fit(s.sin, m, half);
  s.lora.assign(s.row_adapters);

  auto for_rows = [&](const std::function<void(int64_t, int64_t)>& fn) {
    if (m < kParallelRows) {
      fn(0, m);
    } else {
      pool_.parallel_for(m, fn);
    }
  };

  for_rows([&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const ForwardRequest& req = batch[s.rows[r].request];
      const int64_t j = s.rows[r].position - req.kv->num_tokens;
      kernels::load_row(w.embed_tokens, req.tokens[static_cast<std::size_t>(j)],
                        &s.hidden[r * hidden]);
      s.rope.angles(s.rows[r].position, &s.cos[r * half], &s.sin[r * half]);
    }
  });

  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const int64_t group = heads / kv_heads;
  for (std::size_t layer = 0; layer < w.layers.size(); ++layer) {
    const LayerWeights& lw = w.layers[layer];
    const auto layer_index = static_cast<int64_t>(layer);

    // Attention block.
    for_rows([&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::rms_norm(&s.hidden[r * hidden], lw.input_norm.data(), eps, hidden,
                          &s.normed[r * hidden]);
    });
    const kernels::MatmulJob qkv[] = {
        {&lw.q, s.q.data()}, {&lw.k, s.k.data()}, {&lw.v, s.v.data()}};
    kernels::matmul(pool_, s.normed.data(), m, qkv, 3);
    if (s.lora.active()) {
      const LoraProduct products[] = {{LoraTarget::Q, s.q.data(), q_width},
                                      {LoraTarget::K, s.k.data(), kv_width},
                                      {LoraTarget::V, s.v.data(), kv_width}};
      s.lora.apply(pool_, layer, s.normed.data(), hidden, products);
    }
    for_rows([&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        float* q = &s.q[r * q_width];
        float* k = &s.k[r * kv_width];
        float* v = &s.v[r * kv_width];
        if (!lw.q_bias.empty()) {
          kernels::add_in_place(q, lw.q_bias.data(), q_width);
          kernels::add_in_place(k, lw.k_bias.data(), kv_width);
          kernels::add_in_place(v, lw.v_bias.data(), kv_width);
        }
        const float* cos = &s.cos[r * half];
        const float* sin = &s.sin[r * half];
        for (int64_t h = 0; h < heads; ++h) {
          float* head = q + h * head_dim;
          if (!lw.q_norm.empty()) kernels::rms_norm(head, lw.q_norm.data(), eps, head_dim, head);
          kernels::apply_rope(head, cos, sin, half);
        }
        for (int64_t h = 0; h < kv_heads; ++h) {
          float* head = k + h * head_dim;
          if (!lw.k_norm.empty()) kernels::rms_norm(head, lw.k_norm.data(), eps, head_dim, head);
          kernels::apply_rope(head, cos, sin, half);
        }
        const SequenceKv& seq = *batch[s.rows[r].request].kv;
        const int64_t pos = s.rows[r].position;
        const int32_t block = seq.block_table[static_cast<std::size_t>(pos / cache_.block_size())];
        const auto slot = static_cast<int32_t>(pos % cache_.block_size());
        std::copy(k, k + kv_width, cache_.key(block, layer_index, slot));
        std::copy(v, v + kv_width, cache_.value(block, layer_index, slot));
      }
    });
    const bool windowed = c.sliding_window && layer_index >= c.sliding_window_first_layer;
    // Every row's keys are cached before any query reads them.
    // One item per (row, KV head): the query heads sharing a KV head read its cache once.
    pool_.parallel_for(m * kv_heads, [&](int64_t begin, int64_t end) {
      std::vector<float> scores;
      for (int64_t item = begin; item < end; ++item) {
        const int64_t r = item / kv_heads;
        const int64_t kv_head = item % kv_heads;
        const int64_t n_keys = s.rows[r].position + 1;
        const int64_t first_key = windowed ? std::max<int64_t>(0, n_keys - *c.sliding_window) : 0;
        if (static_cast<int64_t>(scores.size()) < group * n_keys)
          scores.resize(static_cast<std::size_t>(group * n_keys));
        const AttentionHead head{layer_index, kv_head * head_dim, head_dim, scale};
        const int64_t first_q = r * q_width + kv_head * group * head_dim;
        attend(cache_, *batch[s.rows[r].request].kv, head, group, &s.q[first_q], first_key, n_keys,
               scores.data(), &s.attn[first_q]);
      }
    });
    const kernels::MatmulJob o_job[] = {{&lw.o, s.proj.data()}};
    kernels::matmul(pool_, s.attn.data(), m, o_job, 1);
    if (s.lora.active()) {
      const LoraProduct products[] = {{LoraTarget::O, s.proj.data(), hidden}};
      s.lora.apply(pool_, layer, s.attn.data(), q_width, products);
    }
    for_rows([&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        if (!lw.o_bias.empty())
          kernels::add_in_place(&s.proj[r * hidden], lw.o_bias.data(), hidden);
        kernels::add_in_place(&s.hidden[r * hidden], &s.proj[r * hidden], hidden);
        kernels::rms_norm(&s.hidden[r * hidden], lw.post_attention_norm.data(), eps, hidden,
                          &s.normed[r * hidden]);
      }
    });

    // MLP block.
    const kernels::MatmulJob gate_up[] = {{&lw.gate, s.gate.data()}, {&lw.up, s.up.data()}};
    kernels::matmul(pool_, s.normed.data(), m, gate_up, 2);
    if (s.lora.active()) {
      const LoraProduct products[] = {{LoraTarget::Gate, s.gate.data(), ffn},
                                      {LoraTarget::Up, s.up.data(), ffn}};
      s.lora.apply(pool_, layer, s.normed.data(), hidden, products);
    }
    for_rows([&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::silu_mul(&s.gate[r * ffn], &s.up[r * ffn], ffn);
    });
    const kernels::MatmulJob down[] = {{&lw.down, s.proj.data()}};
    kernels::matmul(pool_, s.gate.data(), m, down, 1);
    if (s.lora.active()) {
      const LoraProduct products[] = {{LoraTarget::Down, s.proj.data(), hidden}};
      s.lora.apply(pool_, layer, s.gate.data(), ffn, products);
    }
    for_rows([&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::add_in_place(&s.hidden[r * hidden], &s.proj[r * hidden], hidden);
    });
  }

  // Final norm and lm_head on the rows whose logits are asked for only.
  const auto outputs = static_cast<int64_t>(s.output_rows.size());
  Scratch::fit(s.final_rows, outputs, hidden);
  Scratch::fit(s.logits, outputs, vocab);
  for (int64_t o = 0; o < outputs; ++o)
    kernels::rms_norm(&s.hidden[s.output_rows[o] * hidden], w.final_norm.data(), eps, hidden,
                      &s.final_rows[o * hidden]);
  const kernels::MatmulJob head_job[] = {{&w.lm_head, s.logits.data()}};
  kernels::matmul(pool_, s.final_rows.data(), outputs, head_job, 1);

  int64_t o = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto n = static_cast<int64_t>(batch[i].tokens.size());
    const int64_t count = n == 0 ? 0 : (batch[i].all_logits ? n : 1);
    logits[i].assign(s.logits.begin() + o * vocab, s.logits.begin() + (o + count) * vocab);
    o += count;
    batch[i].kv->num_tokens += n;
  }
}

}  // namespace slipway::engine
