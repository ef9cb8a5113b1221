#include "engine/scheduling/block_pool.h"

#include <stdexcept>

namespace slipway::engine::scheduling {

BlockPool::BlockPool(int64_t num_blocks)
    : refs_(static_cast<std::size_t>(num_blocks), 0),
      lru_pos_(static_cast<std::size_t>(num_blocks)),
      keys_(static_cast<std::size_t>(num_blocks)) {
  // Popped from the back: lowest ids are handed out first.
  for (int64_t b = num_blocks - 1; b >= 0; --b) free_.push_back(static_cast<int32_t>(b));
}

std::optional<int32_t> BlockPool::allocate() {
  int32_t block = 0;
  if (!free_.empty()) {
    block = free_.back();
    free_.pop_back();
  } else if (!lru_.empty()) {
    block = lru_.front();
    lru_.pop_front();
    forget(block);
  } else {
    return std::nullopt;
  }
  refs_[static_cast<std::size_t>(block)] = 1;
  ++used_;
  return block;
}

void BlockPool::release(int32_t block) {
  auto& refs = refs_.at(static_cast<std::size_t>(block));
  if (refs <= 0) throw std::logic_error("BlockPool: release of an unowned block");
  if (--refs > 0) return;
  --used_;
  if (keys_[static_cast<std::size_t>(block)]) {
    lru_pos_[static_cast<std::size_t>(block)] = lru_.insert(lru_.end(), block);
  } else {
    free_.push_back(block);
  }
}

std::optional<int32_t> BlockPool::find(const BlockKey& key) const {
  auto it = by_hash_.find(key.hash);
  if (it == by_hash_.end() || !(*keys_[static_cast<std::size_t>(it->second)] == key))
    return std::nullopt;
  return it->second;
}

void BlockPool::retain(int32_t block) {
  auto& refs = refs_.at(static_cast<std::size_t>(block));
  if (refs == 0) {
    if (!keys_[static_cast<std::size_t>(block)])
      throw std::logic_error("BlockPool: retain of a free block");
    lru_.erase(lru_pos_[static_cast<std::size_t>(block)]);
    ++used_;
  }
  ++refs;
}

void BlockPool::register_block(int32_t block, BlockKey key) {
  if (keys_.at(static_cast<std::size_t>(block)) || by_hash_.count(key.hash) != 0) return;
  by_hash_.emplace(key.hash, block);
  keys_[static_cast<std::size_t>(block)] = std::move(key);
}

void BlockPool::forget(int32_t block) {
  auto& key = keys_[static_cast<std::size_t>(block)];
  by_hash_.erase(key->hash);
  key.reset();
}

uint64_t chain_hash(uint64_t parent, std::span<const int32_t> tokens, uint64_t salt) {
  // splitmix64 finalizer over a running state: cheap and well mixed.
  auto mix = [](uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  uint64_t h = mix(parent ^ mix(salt));
  for (int32_t t : tokens) h = mix(h ^ static_cast<uint32_t>(t));
  return mix(h ^ tokens.size());
}

}  // namespace slipway::engine::scheduling
