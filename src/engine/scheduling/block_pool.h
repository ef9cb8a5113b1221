#pragma once
// Ownership of the KV cache's blocks for the scheduler: reference counts (a prefix block can
// be shared by several sequences) and the prefix cache. A block whose last owner leaves keeps
// its contents while it has a hash; such cached blocks are reused by a later sequence with the
// same prefix or evicted, least recently freed first, when fresh blocks are needed.
#include <cstdint>
#include <list>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace slipway::engine::scheduling {

// Identity of a full block of prompt tokens: the chain hash and what it was computed from
// (compared on lookup, so a hash collision can never share the wrong block). Blocks are shared
// only within one salt and one adapter.
struct BlockKey {
  uint64_t hash = 0;
  uint64_t parent = 0;
  uint64_t salt = 0;
  std::vector<int32_t> tokens;
  uint64_t adapter = 0;  // LoraAdapter::id() of the sequences that computed it; 0: the bare base
  bool operator==(const BlockKey&) const = default;
};

class BlockPool {
 public:
  explicit BlockPool(int64_t num_blocks);

  int64_t total() const { return static_cast<int64_t>(refs_.size()); }
  int64_t used() const { return used_; }
  int64_t cached() const { return static_cast<int64_t>(lru_.size()); }
  // Blocks allocate() can hand out: free ones plus evictable cached ones.
  int64_t available() const { return static_cast<int64_t>(free_.size()) + cached(); }

  // A fresh block with one reference; evicts the least recently freed cached block when no
  // free block is left. Empty when every block is in use.
  std::optional<int32_t> allocate();
  // Drops one reference; at zero the block becomes cached (if registered) or free.
  void release(int32_t block);

  // The registered block with this key, if any (no reference taken).
  std::optional<int32_t> find(const BlockKey& key) const;
  // Whether a found block currently has no owner (taking it uses up an available block).
  bool is_cached(int32_t block) const { return refs_[static_cast<std::size_t>(block)] == 0; }
  // Owners of a block (sequences whose tables hold it).
  int32_t refs(int32_t block) const { return refs_[static_cast<std::size_t>(block)]; }
  // Takes one more reference to a block in use or cached.
  void retain(int32_t block);
  // Registers a computed, full block under key; ignored when the key or block already is.
  void register_block(int32_t block, BlockKey key);

 private:
  void forget(int32_t block);

  std::vector<int32_t> refs_;
  std::vector<int32_t> free_;  // unregistered, unowned blocks
  std::list<int32_t> lru_;     // registered, unowned blocks, least recently freed first
  std::vector<std::list<int32_t>::iterator> lru_pos_;
  std::vector<std::optional<BlockKey>> keys_;
  std::unordered_map<uint64_t, int32_t> by_hash_;
  int64_t used_ = 0;
};

// Hash of one full prompt block chained on its parent's hash; salt separates namespaces.
uint64_t chain_hash(uint64_t parent, std::span<const int32_t> tokens, uint64_t salt);

}  // namespace slipway::engine::scheduling
