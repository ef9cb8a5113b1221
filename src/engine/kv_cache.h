#pragma once
// Paged KV cache: one pool of fixed-size blocks per model, each sequence owning a block table.
// Block b holds block_size consecutive positions of one sequence for every layer.
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/format/model_config.h"

namespace slipway::engine {

struct SequenceKv {
  std::vector<int32_t> block_table;  // physical block of positions [i*block_size, (i+1)*block_size)
  int64_t num_tokens = 0;            // positions already written
};

class KvCache {
 public:
  KvCache(const ModelConfig& config, int32_t block_size, int64_t num_blocks);

  int32_t block_size() const { return block_size_; }
  int64_t num_blocks() const { return num_blocks_; }
  int64_t free_blocks() const { return static_cast<int64_t>(free_list_.size()); }
  static std::size_t bytes_per_block(const ModelConfig& config, int32_t block_size);

  // Grows seq's block table to hold total_tokens positions; false (and nothing taken) when the
  // pool has too few free blocks.
  bool reserve(SequenceKv& seq, int64_t total_tokens);
  // Returns every block of seq to the pool and resets it.
  void release(SequenceKv& seq);

  // Storage of one position: [kv_heads][head_dim] floats for K (or V) of one layer.
  float* key(int32_t block, int64_t layer, int32_t slot);
  float* value(int32_t block, int64_t layer, int32_t slot);
  const float* key(int32_t block, int64_t layer, int32_t slot) const;
  const float* value(int32_t block, int64_t layer, int32_t slot) const;

 private:
  int32_t block_size_;
  int64_t num_blocks_;
  int64_t num_layers_;
  int64_t kv_width_;  // kv_heads * head_dim
  std::vector<float> storage_;
  std::vector<int32_t> free_list_;
};

}  // namespace slipway::engine
