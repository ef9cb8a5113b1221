#include "text/tokenizer/bpe_model.h"

#include <queue>

#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;

constexpr size_t kCacheCapacity = 50000;
constexpr size_t kMaxCachedWordBytes = 96;

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

std::string byte_token(unsigned char b) {
  static const char* hex = "0123456789ABCDEF";
  return std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">";
}

}  // namespace

std::unique_ptr<BpeModel> BpeModel::from_json(const Json& config, const Context& ctx) {
  auto model = std::make_unique<BpeModel>();
  json_util::require_object(config, ctx);
  if (auto d = config.find("dropout");
      d != config.end() && !d->is_null() && !(d->is_number() && d->get<double>() == 0.0)) {
    ctx.at("dropout").fail("BPE dropout is not supported");
  }
  model->continuing_subword_prefix_ =
      json_util::get_string_or(config, "continuing_subword_prefix", "", ctx);
  model->end_of_word_suffix_ = json_util::get_string_or(config, "end_of_word_suffix", "", ctx);
  model->fuse_unk_ = json_util::get_bool_or(config, "fuse_unk", false, ctx);
  model->byte_fallback_ = json_util::get_bool_or(config, "byte_fallback", false, ctx);
  model->ignore_merges_ = json_util::get_bool_or(config, "ignore_merges", false, ctx);

  const Json& vocab = json_util::require(config, "vocab", ctx);
  Context vctx = ctx.at("vocab");
  json_util::require_object(vocab, vctx);
  int64_t max_id = -1;
  model->vocab_.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > (1 << 30)) {
      vctx.fail("token " + json_util::quote(it.key()) + " has an invalid id");
    }
    int64_t id = it->get<int64_t>();
    model->vocab_.emplace(it.key(), static_cast<int32_t>(id));
    max_id = std::max(max_id, id);
  }
  // Model vocabularies are dense; a far-out id is a corrupt file, not a reason to allocate.
  if (max_id >= static_cast<int64_t>(vocab.size()) * 2 + 1024) {
    vctx.fail("id " + std::to_string(max_id) + " is far beyond the vocab size " +
              std::to_string(vocab.size()));
  }
  model->id_to_token_.resize(static_cast<size_t>(max_id + 1));
  model->has_id_.resize(static_cast<size_t>(max_id + 1));
  for (const auto& [token, id] : model->vocab_) {
    model->id_to_token_[static_cast<size_t>(id)] = token;
    model->has_id_[static_cast<size_t>(id)] = true;
  }

  std::string unk = json_util::get_string_or(config, "unk_token", "", ctx);
  if (!unk.empty()) {
    auto id = model->token_to_id(unk);
    if (!id)
      ctx.at("unk_token").fail("unk token " + json_util::quote(unk) + " is not in the vocab");
    model->unk_id_ = id;
  }
  model->byte_ids_.assign(256, -1);
  for (int b = 0; b < 256; ++b) {
    if (auto id = model->token_to_id(byte_token(static_cast<unsigned char>(b)))) {
      model->byte_ids_[static_cast<size_t>(b)] = *id;
    }
  }

  Context mctx = ctx.at("merges");
  auto merges_it = config.find("merges");
  if (merges_it == config.end() || merges_it->is_null()) return model;
  const Json& merges = *merges_it;
  json_util::require_array(merges, mctx);
  model->merges_.reserve(merges.size());
  size_t prefix_len = model->continuing_subword_prefix_.size();
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json& m = merges[i];
    std::string left, right;
    if (m.is_string()) {
      const std::string& s = m.get_ref<const std::string&>();
      size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
        mctx.at(i).fail("expected two tokens separated by one space, got " + json_util::quote(s));
      }
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      left = m[0].get<std::string>();
      right = m[1].get<std::string>();
    } else {
      mctx.at(i).fail("expected \"a b\" or [\"a\", \"b\"]");
    }
    auto a = model->token_to_id(left);
    auto b = model->token_to_id(right);
    if (!a) mctx.at(i).fail("references unknown token " + json_util::quote(left));
    if (!b) mctx.at(i).fail("references unknown token " + json_util::quote(right));
    std::string merged =
        left + (right.size() >= prefix_len && prefix_len > 0 &&
                        right.compare(0, prefix_len, model->continuing_subword_prefix_) == 0
                    ? right.substr(prefix_len)
                    : right);
    auto n = model->token_to_id(merged);
    if (!n) mctx.at(i).fail("merged token " + json_util::quote(merged) + " is not in the vocab");
    model->merges_[pair_key(*a, *b)] = {static_cast<int32_t>(i), *n};
  }
  return model;
}

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() ||
      !has_id_[static_cast<size_t>(id)]) {
    return nullptr;
  }
  return &id_to_token_[static_cast<size_t>(id)];
}

void BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (auto id = token_to_id(word)) {
      out.push_back(*id);
      return;
    }
  }
  bool cacheable = word.size() <= kMaxCachedWordBytes;
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = merge_word(word);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kCacheCapacity) cache_.clear();
    cache_.emplace(std::string(word), std::move(ids));
  }
}

std::vector<int32_t> BpeModel::merge_word(std::string_view word) const {
  // Symbols form a doubly linked list; merged-away symbols get id -1.
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
  };
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add = [&](int32_t id) {
    int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, index - 1, index + 1});
  };
  int32_t pending_unk = -1;  // an <unk> not yet added (fuse_unk extends it)
  std::string piece;
  for (size_t i = 0; i < word.size();) {
    size_t start = i;
    size_t len = unicode::sequence_length(word, i);
    i += len == 0 ? 1 : len;
    piece.assign(word.substr(start, i - start));
    if (start != 0 && !continuing_subword_prefix_.empty())
      piece = continuing_subword_prefix_ + piece;
    if (i == word.size() && !end_of_word_suffix_.empty()) piece += end_of_word_suffix_;
    if (auto id = token_to_id(piece)) {
      if (pending_unk >= 0) {
        add(pending_unk);
        pending_unk = -1;
      }
      add(*id);
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (char c : piece) all = all && byte_ids_[static_cast<unsigned char>(c)] >= 0;
      if (all) {
        for (char c : piece) add(byte_ids_[static_cast<unsigned char>(c)]);
        continue;
      }
    }
    if (unk_id_) {
      if (pending_unk >= 0 && !fuse_unk_) add(pending_unk);
      pending_unk = *unk_id_;
    }
  }
  if (pending_unk >= 0) add(pending_unk);
  if (symbols.empty()) return {};
  symbols.back().next = -1;

  struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t new_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int32_t pos) {
    int32_t next = symbols[static_cast<size_t>(pos)].next;
    if (next < 0) return;
    auto it = merges_.find(
        pair_key(symbols[static_cast<size_t>(pos)].id, symbols[static_cast<size_t>(next)].id));
    if (it != merges_.end()) queue.push({it->second.rank, pos, it->second.new_id});
  };
  for (int32_t p = 0; p + 1 < static_cast<int32_t>(symbols.size()); ++p) consider(p);
  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[static_cast<size_t>(top.pos)];
    if (left.id < 0 || left.next < 0) continue;
    Symbol& right = symbols[static_cast<size_t>(left.next)];
    // Skip stale entries whose pair changed since they were queued.
    auto it = merges_.find(pair_key(left.id, right.id));
    if (it == merges_.end() || it->second.new_id != top.new_id) continue;
    left.id = top.new_id;
    right.id = -1;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = top.pos;
    if (left.prev >= 0) consider(left.prev);
    consider(top.pos);
  }
  std::vector<int32_t> ids;
  for (int32_t p = 0; p >= 0; p = symbols[static_cast<size_t>(p)].next) {
    ids.push_back(symbols[static_cast<size_t>(p)].id);
  }
  return ids;
}

}  // namespace slipway::text
